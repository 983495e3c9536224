//! Sentencing reference: prison term from facts, charge and article.
//!
//! Similar training cases of the same charge (nearest by amount and circumstances) give the
//! centre; for charges without training cases the statutory range of the article's first tier
//! gives it. Mitigating and aggravating circumstances found in the text adjust it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::charges::{ChargeModel, plain_name};
use crate::eval::Term;
use crate::Reason;

/// A circumstance: keyword, effect on the term, statute basis.
pub struct Circumstance {
    pub name: &'static str,
    pub keywords: &'static [&'static str],
    pub factor: f64,
    pub basis: &'static str,
}

pub const CIRCUMSTANCES: &[Circumstance] = &[
    Circumstance { name: "自首", keywords: &["自首", "投案"], factor: 0.85, basis: "刑法第67条第1款" },
    Circumstance { name: "坦白", keywords: &["如实供述", "坦白"], factor: 0.92, basis: "刑法第67条第3款" },
    Circumstance { name: "立功", keywords: &["立功", "检举揭发"], factor: 0.85, basis: "刑法第68条" },
    Circumstance { name: "退赃退赔", keywords: &["退赃", "退赔", "退还", "已归还", "返还"], factor: 0.92, basis: "量刑指导意见：退赃、退赔" },
    Circumstance { name: "赔偿", keywords: &["赔偿"], factor: 0.9, basis: "量刑指导意见：积极赔偿" },
    Circumstance { name: "谅解", keywords: &["谅解"], factor: 0.88, basis: "量刑指导意见：取得被害人谅解" },
    Circumstance { name: "累犯", keywords: &["累犯"], factor: 1.25, basis: "刑法第65条" },
    Circumstance { name: "前科", keywords: &["前科", "曾因", "刑满释放"], factor: 1.1, basis: "量刑指导意见：前科" },
    Circumstance { name: "未遂", keywords: &["未遂", "未得逞"], factor: 0.6, basis: "刑法第23条" },
    Circumstance { name: "从犯", keywords: &["从犯", "辅助作用", "次要作用"], factor: 0.7, basis: "刑法第27条" },
    Circumstance { name: "未成年", keywords: &["未成年", "不满十八周岁"], factor: 0.6, basis: "刑法第17条" },
    Circumstance { name: "主犯", keywords: &["主犯", "主要作用"], factor: 1.1, basis: "刑法第26条" },
    Circumstance { name: "多次", keywords: &["多次"], factor: 1.1, basis: "情节：多次" },
];

/// Circumstances found in the text, with the matched keyword.
pub fn circumstances(facts: &str) -> Vec<(&'static Circumstance, &'static str)> {
    let mut out = Vec::new();
    for c in CIRCUMSTANCES {
        for k in c.keywords {
            if let Some(pos) = facts.find(k) {
                // "未自首" / "没有自首" / "不构成累犯" negate
                let before: String = facts[..pos].chars().rev().take(2).collect();
                if before.contains('未') || before.contains('不') || before.contains('无') || before.contains('没') {
                    continue;
                }
                out.push((c, *k));
                break;
            }
        }
    }
    out
}

fn flags(facts: &str) -> u16 {
    let found = circumstances(facts);
    let mut f = 0u16;
    for (c, _) in found {
        let i = CIRCUMSTANCES.iter().position(|x| x.name == c.name).unwrap();
        f |= 1 << i;
    }
    f
}

/// The quantity that drives the sentence: money (元) or drug weight (克).
fn quantity(facts: &str) -> f64 {
    if let Some(a) = crate::amount::crime_amount(facts) {
        return a.amount;
    }
    let mut grams = 0.0;
    let mut rest = facts;
    while let Some(p) = rest.find('克') {
        let before = &rest[..p];
        let num: String = before.chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').collect::<Vec<_>>().into_iter().rev().collect();
        if let Ok(v) = num.parse::<f64>() {
            grams += v;
        }
        rest = &rest[p + '克'.len_utf8()..];
    }
    grams
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermCase {
    pub months: u16,
    pub log_q: f32,
    pub flags: u16,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermModel {
    /// Training cases by charge label (plain name).
    pub by_charge: BTreeMap<String, Vec<TermCase>>,
    /// First statutory tier by article: (min months, max months).
    pub tiers: BTreeMap<u32, (u16, u16)>,
    pub k: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermSuggestion {
    #[serde(serialize_with = "ser_term")]
    pub term: Term,
    pub reasons: Vec<Reason>,
}

fn ser_term<S: serde::Serializer>(t: &Term, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Term::Months(m) => s.serialize_str(&format!("{m} months")),
        Term::Life => s.serialize_str("life"),
        Term::Death => s.serialize_str("death"),
    }
}

fn to_months(t: Term) -> u16 {
    t.months_for_score() as u16
}

/// Parse `处三年以下有期徒刑`, `处三年以上十年以下有期徒刑`, `处拘役` of the first tier.
pub fn first_tier(article_text: &str) -> Option<(u16, u16)> {
    let p = article_text.find('处')?;
    let s: String = article_text[p..].chars().take(30).collect();
    let num = |t: &str| crate::numerals::parse_cn_integer(t).map(|v| v as u16);
    if let Some(i) = s.find("年以上") {
        let a: String = s[..i].chars().rev().take_while(|c| crate::numerals::is_cn_numeral_char(*c)).collect::<Vec<_>>().into_iter().rev().collect();
        let lo = num(&a)? * 12;
        let rest = &s[i + "年以上".len()..];
        if let Some(j) = rest.find("年以下") {
            let b: String = rest[..j].chars().filter(|c| crate::numerals::is_cn_numeral_char(*c)).collect();
            return Some((lo, num(&b)? * 12));
        }
        return Some((lo, (lo * 2).min(300)));
    }
    if let Some(i) = s.find("年以下") {
        let a: String = s[..i].chars().rev().take_while(|c| crate::numerals::is_cn_numeral_char(*c)).collect::<Vec<_>>().into_iter().rev().collect();
        return Some((1, num(&a)? * 12));
    }
    if s.contains("拘役") {
        return Some((1, 6));
    }
    None
}

pub fn train_term(cases: &[(String, &str, Term)], model: &ChargeModel) -> TermModel {
    let mut by_charge: BTreeMap<String, Vec<TermCase>> = BTreeMap::new();
    for (charge, facts, t) in cases {
        by_charge.entry(plain_name(charge)).or_default().push(TermCase {
            months: to_months(*t),
            log_q: (quantity(facts) + 1.0).ln() as f32,
            flags: flags(facts),
        });
    }
    let tiers = model.articles.iter().filter_map(|(n, t)| first_tier(t).map(|r| (*n, r))).collect();
    TermModel { by_charge, tiers, k: 9 }
}

impl TermModel {
    pub fn predict(&self, facts: &str, charge: &str, article: Option<u32>, cm: &ChargeModel) -> TermSuggestion {
        let charge = plain_name(charge.trim_end_matches(['。', '罪']));
        let found = circumstances(facts);
        let q = quantity(facts);
        let lq = (q + 1.0).ln() as f32;
        let f = flags(facts);
        let mut reasons = Vec::new();
        let key = self.by_charge.keys().find(|k| **k == charge).or_else(|| self.by_charge.keys().find(|k| k.contains(&charge) || (!charge.is_empty() && charge.contains(k.as_str()))));
        let months: f64;
        match key.and_then(|k| self.by_charge.get(k).map(|v| (k, v))).filter(|(_, v)| v.len() >= 3) {
            Some((k, cases)) => {
                let mut d: Vec<(f32, u16)> = cases
                    .iter()
                    .map(|c| ((c.log_q - lq).abs() + 0.3 * (c.flags ^ f).count_ones() as f32, c.months))
                    .collect();
                d.sort_by(|a, b| a.partial_cmp(b).unwrap());
                let k_n = self.k.min(d.len());
                // geometric mean of neighbours (the score is on a log scale)
                let g = (d[..k_n].iter().map(|x| (x.1 as f64 + 1.0).ln()).sum::<f64>() / k_n as f64).exp() - 1.0;
                months = g;
                reasons.push(Reason::similar(format!(
                    "{} similar training cases of {} (by amount {:.0} and circumstances): months {:?}",
                    k_n,
                    k,
                    q,
                    d[..k_n].iter().map(|x| x.1).collect::<Vec<_>>()
                )));
            }
            None => {
                let art = article.or_else(|| cm.articles_of(&charge).and_then(|a| a.first().copied()));
                let (lo, hi) = art.and_then(|a| self.tiers.get(&a).copied()).unwrap_or((6, 36));
                let mut m = if lo <= 1 { hi as f64 * 0.3 } else { lo as f64 + (hi - lo) as f64 * 0.2 };
                for (c, _) in &found {
                    m *= c.factor;
                }
                months = m;
                if let Some(a) = art {
                    reasons.push(Reason::statute(a, format!("刑法第{a}条 first tier: {lo}–{hi} months")));
                }
                for (c, k) in &found {
                    reasons.push(Reason::fact(format!("{} ({}) ×{:.2}: matched {}", c.name, c.basis, c.factor, k)));
                }
            }
        }
        let term = if months >= 350.0 {
            Term::Death
        } else if months >= 270.0 {
            Term::Life
        } else {
            Term::Months(months.round().max(0.0) as u32)
        };
        TermSuggestion { term, reasons }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circumstance_detection() {
        let cases: [(&str, &[&str]); 5] = [
            ("被告人到派出所投案自首，如实供述", &["自首", "坦白"]),
            ("被告人系累犯，应从重处罚", &["累犯"]),
            ("被告人未自首", &[]),
            ("赔偿被害人损失并取得谅解", &["赔偿", "谅解"]),
            ("盗窃未遂，系从犯", &["未遂", "从犯"]),
        ];
        for (s, want) in cases {
            let got: Vec<&str> = circumstances(s).iter().map(|c| c.0.name).collect();
            assert_eq!(got, want, "{s}");
        }
    }

    #[test]
    fn tiers() {
        assert_eq!(first_tier("盗窃公私财物，数额较大的，处三年以下有期徒刑"), Some((1, 36)));
        assert_eq!(first_tier("处三年以上十年以下有期徒刑"), Some((36, 120)));
    }
}
