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
    pub stage: Stage,
}

/// How a circumstance enters the estimate, after the sentencing guideline (最高人民法院、最高人民
/// 检察院《关于常见犯罪的量刑指导意见（试行）》, 量刑的基本方法 第3条): the circumstances that
/// change the offence itself (未成年人, 未遂, 从犯 …) adjust the base penalty first, one after
/// the other; the others are added up as percentages (同向相加、逆向相减) and applied once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 先适用: multiplies the base penalty.
    First,
    /// 同向相加、逆向相减: `factor − 1` is added to the other percentages.
    Percent,
    /// Not a guideline circumstance (a reading of the facts' gravity): multiplies.
    Gravity,
}

pub const CIRCUMSTANCES: &[Circumstance] = &[
    Circumstance { name: "自首", keywords: &["自首", "投案"], factor: 0.85, basis: "刑法第67条第1款", stage: Stage::Percent },
    Circumstance { name: "坦白", keywords: &["如实供述", "坦白"], factor: 0.92, basis: "刑法第67条第3款", stage: Stage::Percent },
    Circumstance { name: "立功", keywords: &["立功", "检举揭发"], factor: 0.85, basis: "刑法第68条", stage: Stage::Percent },
    Circumstance { name: "退赃退赔", keywords: &["退赃", "退赔", "退还", "已归还", "返还"], factor: 0.92, basis: "量刑指导意见：退赃、退赔", stage: Stage::Percent },
    Circumstance { name: "赔偿", keywords: &["赔偿"], factor: 0.9, basis: "量刑指导意见：积极赔偿", stage: Stage::Percent },
    Circumstance { name: "谅解", keywords: &["谅解"], factor: 0.88, basis: "量刑指导意见：取得被害人谅解", stage: Stage::Percent },
    Circumstance { name: "累犯", keywords: &["累犯"], factor: 1.25, basis: "刑法第65条", stage: Stage::Percent },
    Circumstance { name: "前科", keywords: &["前科", "曾因", "刑满释放"], factor: 1.1, basis: "量刑指导意见：前科", stage: Stage::Percent },
    Circumstance { name: "未遂", keywords: &["未遂", "未得逞", "未能得逞"], factor: 0.6, basis: "刑法第23条", stage: Stage::First },
    Circumstance { name: "从犯", keywords: &["从犯", "辅助作用", "次要作用"], factor: 0.7, basis: "刑法第27条", stage: Stage::First },
    // the defendant's age at the time of the offence; a minor victim (猥亵儿童, 强奸) or a
    // minor third party is no mitigation
    Circumstance {
        name: "未成年",
        keywords: &["作案时未满十八周岁", "作案时不满十八周岁", "犯罪时未满十八周岁", "犯罪时不满十八周岁", "作案时系未成年人", "犯罪时系未成年人"],
        factor: 0.6,
        basis: "刑法第17条",
        stage: Stage::First,
    },
    Circumstance { name: "主犯", keywords: &["主犯", "主要作用"], factor: 1.1, basis: "刑法第26条", stage: Stage::Gravity },
    Circumstance { name: "多次", keywords: &["多次"], factor: 1.1, basis: "情节：多次", stage: Stage::Gravity },
    // below: read for the statutory estimate only (the neighbours compare the circumstances
    // above, NEIGHBOUR_FLAGS); factors at the middle of the guideline's ranges
    // 量刑指导意见 (毒品犯罪): 毒品再犯 增加基准刑的10%–30%
    Circumstance { name: "毒品再犯", keywords: &["毒品再犯"], factor: 1.2, basis: "刑法第356条", stage: Stage::Percent },
    // 量刑指导意见: 认罪认罚 减少基准刑的30%以下
    Circumstance { name: "认罪认罚", keywords: &["认罪认罚"], factor: 0.85, basis: "刑事诉讼法第15条", stage: Stage::Percent },
    // 量刑指导意见: 当庭自愿认罪 减少基准刑的10%以下
    Circumstance { name: "当庭认罪", keywords: &["当庭自愿认罪", "当庭认罪"], factor: 0.95, basis: "量刑指导意见：当庭自愿认罪", stage: Stage::Percent },
    // 尚未完全丧失辨认或者控制自己行为能力的精神病人: 可以从轻或者减轻处罚
    Circumstance { name: "限制责任能力", keywords: &["限定刑事责任能力", "限制刑事责任能力", "限定责任能力", "限制责任能力"], factor: 0.7, basis: "刑法第18条第3款", stage: Stage::First },
    // 已满七十五周岁的人故意犯罪的，可以从轻或者减轻处罚 (the defendant's age at the time, as for
    // 未成年: an old victim is no mitigation)
    Circumstance { name: "已满七十五周岁", keywords: &["犯罪时已满七十五周岁", "作案时已满七十五周岁", "犯罪时已满75周岁", "作案时已满75周岁"], factor: 0.7, basis: "刑法第17条之一", stage: Stage::First },
    // 犯罪中止: 造成损害的，应当减轻处罚 (没有造成损害的，应当免除处罚)
    Circumstance { name: "中止", keywords: &["犯罪中止", "系中止"], factor: 0.4, basis: "刑法第24条", stage: Stage::First },
    // 犯罪预备: 可以比照既遂犯从轻、减轻处罚或者免除处罚
    Circumstance { name: "预备", keywords: &["犯罪预备", "系预备"], factor: 0.5, basis: "刑法第22条", stage: Stage::First },
    // 防卫过当、避险过当: 应当减轻或者免除处罚
    Circumstance { name: "防卫过当", keywords: &["防卫过当", "避险过当"], factor: 0.4, basis: "刑法第20条第2款、第21条第2款", stage: Stage::First },
    // 胁从犯: 应当按照他的犯罪情节减轻处罚或者免除处罚
    Circumstance { name: "胁从犯", keywords: &["胁从犯", "被胁迫参加"], factor: 0.5, basis: "刑法第28条", stage: Stage::First },
];

/// The circumstances the neighbours compare (the first ones of [`CIRCUMSTANCES`]).
const NEIGHBOUR_FLAGS: usize = 13;

/// The circumstances' joint effect on the term: the offence-changing ones multiply, the others
/// are added as percentages ([`Stage`]). 坦白 counts only without 自首: 如实供述 is part of a
/// surrender (刑法第67条第3款: "虽不具有前两款规定的自首情节，但是如实供述自己罪行的"); 前科 and
/// 毒品再犯 only without 累犯.
pub fn combined_factor(found: &[(&'static Circumstance, &'static str)]) -> f64 {
    let surrender = found.iter().any(|(c, _)| c.name == "自首");
    // one earlier conviction is weighed once (禁止重复评价): beside 累犯 it is not also a 前科,
    // nor, for a drug offender, a 毒品再犯 (全国法院毒品犯罪审判工作座谈会纪要 2015: 同时构成累犯
    // 和毒品再犯的…量刑时不得重复予以从重处罚); fallback on train 90.84 → 90.86
    let recidivist = found.iter().any(|(c, _)| c.name == "累犯");
    let skip = |n: &str| recidivist && (n == "前科" || n == "毒品再犯");
    let mut m = 1.0;
    let mut pct = 0.0;
    for (c, _) in found {
        match c.stage {
            _ if skip(c.name) => {}
            Stage::First | Stage::Gravity => m *= c.factor,
            Stage::Percent if c.name == "坦白" && surrender => {}
            Stage::Percent => pct += c.factor - 1.0,
        }
    }
    m * (1.0 + pct).max(0.4)
}

/// Words after `多次` that tell a creditor's or a victim's demands (`多次催要未果`), not the
/// defendant's repeated offences.
const DEMANDS: [&str; 6] = ["催要", "催讨", "催收", "讨要", "追讨", "追要"];
/// Words after `多次` that tell a demand either side may make (`多次索要`: the extortioner's act in
/// 敲诈勒索, the owner's in 侵占): the victim's when the clause names him before it
/// (`经自诉人多次索要`) or the rest of the clause tells it failed (`多次索要货款未得`).
const EITHER_DEMANDS: [&str; 3] = ["索要", "索还", "要求归还"];
const DEMANDING_SIDE: [&str; 8] = ["经", "被害人", "自诉人", "失主", "债权人", "工人", "对方", "家属"];
const DEMAND_FAILED: [&str; 7] = ["未果", "未得", "无果", "拒不", "仍不", "推脱", "被拒"];

/// Circumstances found in the text, with the matched keyword.
pub fn circumstances(facts: &str) -> Vec<(&'static Circumstance, &'static str)> {
    let mut out = Vec::new();
    for c in CIRCUMSTANCES {
        let demand = |pos: usize, k: &str| {
            let after = &facts[pos + k.len()..];
            let start = facts[..pos].rfind(['，', '。', '；', ',']).map_or(0, |i| i + facts[i..].chars().next().map_or(1, char::len_utf8));
            let clause = &facts[start..pos];
            let rest = &after[..after.find(['，', '。', '；', ',']).unwrap_or(after.len())];
            c.name == "多次"
                && (DEMANDS.iter().any(|d| after.starts_with(d))
                    || EITHER_DEMANDS.iter().any(|d| after.starts_with(d))
                        && (DEMANDING_SIDE.iter().any(|w| clause.contains(w)) || DEMAND_FAILED.iter().any(|w| rest.contains(w))))
        };
        let hit = c.keywords.iter().find(|k| facts.match_indices(**k).any(|(pos, _)| !negated(&facts[..pos]) && !demand(pos, k)));
        if let Some(k) = hit {
            out.push((c, *k));
        } else if c.name == "未成年" && minor_by_age(facts) {
            out.push((c, MINOR_BY_AGE));
        }
    }
    out
}

/// What the reasons say when the defendant's age at the offence is written as a number
/// (`作案时只有十六岁`), which no keyword quotes.
const MINOR_BY_AGE: &str = "作案时年龄不满十八周岁";

/// Whether the facts give the defendant's age at the offence as fourteen to seventeen
/// (`案发时只有十六岁`, `作案时17周岁`): 刑法第17条第4款.
fn minor_by_age(facts: &str) -> bool {
    const WHEN: &[&str] = &["作案时", "案发时", "犯罪时", "行为时"];
    const SOFT: &[&str] = &["年仅", "只有", "仅", "才", "系", "刚满", "已满"];
    const AGES: &[&str] = &["十四", "十五", "十六", "十七", "14", "15", "16", "17"];
    WHEN.iter().any(|w| {
        facts.match_indices(w).any(|(i, _)| {
            let mut rest = &facts[i + w.len()..];
            if let Some(s) = SOFT.iter().find(|s| rest.starts_with(**s)) {
                rest = &rest[s.len()..];
            }
            AGES.iter().any(|a| rest.strip_prefix(a).is_some_and(|r| r.starts_with('岁') || r.starts_with("周岁")))
        })
    })
}

/// Whether the clause before a circumstance word denies it (未自首, 没有自首, 不构成累犯, 虽不具有
/// 自首情节, 无犯罪前科): a negation among the last six characters of the same clause; 未 as
/// part of 未遂 / 未得逞 / 未成年 / 未满 is no negation.
fn negated(before: &str) -> bool {
    let clause_start = before.rfind(['，', '。', '；', '、', '：', ',', ';']).map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8)).unwrap_or(0);
    let window: Vec<char> = before[clause_start..].chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    window.iter().enumerate().any(|(i, &ch)| match ch {
        '不' | '无' | '没' | '非' | '否' => true,
        '未' => !matches!(window.get(i + 1), Some('遂' | '得' | '成' | '满')),
        _ => false,
    })
}

fn flags(facts: &str) -> u16 {
    let found = circumstances(facts);
    let mut f = 0u16;
    for (c, _) in found {
        let i = CIRCUMSTANCES.iter().position(|x| x.name == c.name).unwrap();
        if i < NEIGHBOUR_FLAGS {
            f |= 1 << i;
        }
    }
    f
}

/// The offence was committed while the defendant served an earlier sentence (服刑期间, 刑罚执行完毕
/// 以前, 脱逃 from custody): the court then combines the new term with what is left of the earlier
/// one (刑法第71条, by the rule of 第69条). Returns the earlier term in months (the longest
/// `判处有期徒刑…` of the facts; 无期徒刑 and 死刑缓期 as 240) and the phrase matched.
pub fn unserved_sentence(facts: &str) -> Option<(f64, &'static str)> {
    let phrase = ["服刑期间", "刑罚执行完毕以前", "服刑人员", "在监狱服刑", "正在服刑", "余刑", "剩余刑期", "脱逃"].into_iter().find(|k| {
        facts.match_indices(*k).any(|(p, _)| {
            let before: String = facts[..p].chars().rev().take(3).collect();
            !["未", "不", "没", "无"].iter().any(|n| before.contains(n))
        })
    })?;
    // the remainder itself, when the facts state it (`在逃时余刑尚有十四年十个月十九天`,
    // `尚有未执行完毕的刑罚五个月零七天`): the caller halves the earlier term, so pass twice it
    for k in ["余刑", "剩余刑期", "未执行完毕的刑罚", "尚未执行的刑期", "未执行的刑期"] {
        for (p, _) in facts.match_indices(k) {
            let after: String = facts[p + k.len()..].chars().take(14).collect();
            if let Some((r, _)) = durations(&after).first() {
                return Some((2.0 * r, phrase));
            }
        }
    }
    let mut longest: Option<f64> = None;
    for (p, _) in facts.match_indices("判处") {
        let rest: String = facts[p..].chars().take(24).collect();
        let m = if rest.contains("无期徒刑") || rest.contains("死刑缓期") || rest.contains("死刑，缓期") {
            Some(240.0)
        } else {
            rest.find("有期徒刑").and_then(|i| prison_months(&rest[i + "有期徒刑".len()..]))
        };
        if let Some(m) = m {
            longest = Some(longest.map_or(m, |x: f64| x.max(m)));
        }
    }
    // the anonymised judgments mask the sentence (`判处××`) but keep its dates: 刑期自1995年4月3日
    // 起至2000年4月2日止; the first date after it is when the new offence began
    let dates = facts.find("刑期自").map(|p| &facts[p + "刑期自".len()..]);
    if let Some(rest) = dates
        && let Some((start, n1)) = date_prefix(rest)
        && let Some(q) = rest[n1..].find('至')
        && let Some((end, n2)) = date_prefix(&rest[n1 + q + '至'.len_utf8()..])
        && end > start
    {
        let later = &rest[n1 + q + '至'.len_utf8() + n2..];
        let left = (0..later.len())
            .filter(|i| later.is_char_boundary(*i))
            .find_map(|i| date_prefix(&later[i..]).map(|d| d.0))
            .filter(|d| *d > start && *d < end)
            .map(|d| end - d);
        // `left` is what remained; the caller halves the earlier term, so pass twice the
        // remainder when it is known
        let m = left.map_or(end - start, |l| 2.0 * l);
        longest = Some(longest.map_or(m, |x: f64| x.max(m)));
    }
    longest.map(|m| (m, phrase))
}

/// `1995年4月3日` (or `1995年4月`) at the start of `s`: months since year 0 and bytes read.
fn date_prefix(s: &str) -> Option<(f64, usize)> {
    let y: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if y.len() != 4 || !s[4..].starts_with('年') {
        return None;
    }
    let mut n = 4 + '年'.len_utf8();
    let m: String = s[n..].chars().take_while(|c| c.is_ascii_digit()).collect();
    if m.is_empty() || !s[n + m.len()..].starts_with('月') {
        return None;
    }
    n += m.len() + '月'.len_utf8();
    let d: String = s[n..].chars().take_while(|c| c.is_ascii_digit()).collect();
    let mut day = 0.0;
    if !d.is_empty() && s[n + d.len()..].starts_with('日') {
        day = d.parse::<f64>().ok()?;
        n += d.len() + '日'.len_utf8();
    }
    Some((y.parse::<f64>().ok()? * 12.0 + m.parse::<f64>().ok()? + day / 30.0, n))
}

/// `十年六个月`, `3年`, `八个月` → months.
fn prison_months(s: &str) -> Option<f64> {
    let num: String = s.chars().take_while(|c| crate::numerals::is_cn_numeral_char(*c) || c.is_ascii_digit()).collect();
    let rest = &s[num.len()..];
    let parse = |t: &str| t.parse::<f64>().ok().or_else(|| crate::numerals::parse_cn_integer(t));
    if rest.starts_with('年') {
        let years = parse(&num)?;
        let after = &rest['年'.len_utf8()..];
        let m: String = after.chars().take_while(|c| crate::numerals::is_cn_numeral_char(*c) || c.is_ascii_digit()).collect();
        let months = if !m.is_empty() && after[m.len()..].starts_with("个月") { parse(&m).unwrap_or(0.0) } else { 0.0 };
        Some(years * 12.0 + months)
    } else if rest.starts_with("个月") {
        parse(&num)
    } else {
        None
    }
}

/// The prosecution's sentencing recommendation (量刑建议, 刑事诉讼法第176条第2款), which the court
/// generally adopts (第201条): `建议判处其六个月至一年六个月`, `建议判处被告人七个月以下`,
/// `建议判处王某某一年六个月以上三年以下` (the anonymised texts mask the penalty's name, `××`, but
/// keep its length). Returns the months it points at (a range's geometric middle; 0.6 of an
/// upper bound given alone or after a masked lower one; 1.2 of a lower bound given alone) and the
/// text read.
pub fn recommended_term(facts: &str) -> Option<(f64, String)> {
    const RECOMMENDATION_VERBS: [&str; 7] = ["判处", "量刑", "处刑", "处以", "刑罚", "判刑", "单处罚金"];
    for (p, _) in facts.match_indices("建议") {
        let window: String = facts[p..].chars().take_while(|c| !matches!(c, '。' | '；' | '\n')).take(60).collect();
        // the verbs of a recommendation: 判处, 量刑, 处刑 (`在××至二年幅度内处刑`), 处以, 刑罚
        // (`确定刑罚期限`, `处予刑罚`), 判刑, and a fine as the only penalty (`建议单处罚金`)
        // (not a procuratorate's 检察建议书 on an earlier judgment)
        if window.starts_with("建议书") || !RECOMMENDATION_VERBS.iter().any(|v| window.contains(v)) {
            continue;
        }
        let spans = durations(&window);
        // a fine as the only penalty (附加刑独立适用, 刑法第34条第2款; `建议判处被告人任某罚金`, `单处罚金`): no prison
        // term; not beside a masked penalty (`××和罚金`, `并处罚金`) nor for a defendant company
        if spans.is_empty() && window.contains("罚金") && !window.contains("并处") && !window.contains("××") && !window.contains("单位") && !window.contains("公司") {
            return Some((0.0, window));
        }
        let point = match spans.as_slice() {
            [] => continue,
            [(a, _), (b, _), ..] if b > a => ((a + 1.0) * (b + 1.0)).sqrt() - 1.0,
            [(a, end), ..] => {
                let after = &window[*end..];
                let before = &window[..*end];
                if after.starts_with("以下") || after.starts_with("之下") || before.contains("至") {
                    a * 0.6
                } else if after.starts_with("以上") {
                    a * 1.2
                } else {
                    *a
                }
            }
        };
        return Some((point, window));
    }
    None
}

/// The judgment under review or appeal sentenced this defendant to death with a two-year
/// reprieve (刑法第48条; the review of 刑事诉讼法第248条, or an appeal the court answers with
/// 量刑适当): `认定被告人何某犯××罪，判处××，缓期二年执行`, `以××罪判处被告人赵某××，缓期二年执行`
/// (the anonymised texts mask 死刑 as `××`). Not an earlier conviction of the defendant or of
/// another (`因犯故意杀人罪被某中级人民法院判处××，缓期二年执行`). Returns the sentence read.
pub fn reprieve_under_review(facts: &str) -> Option<String> {
    facts.split(['。', '；', '\n']).find_map(|s| {
        let p = s.find("缓期二年执行")?;
        let head = &s[..p];
        // the sentence passed just before, on a defendant the sentence names
        let window: String = head.chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        if !window.contains("判处") || !(head.contains("被告人") || head.contains("上诉人")) {
            return None;
        }
        // an earlier conviction: `因犯…罪`, or passed by a court in the passive (`被某法院判处`)
        let passive = head.match_indices("法院判处").any(|(i, _)| {
            let before: String = head[..i].chars().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
            before.replace("被告人", "").replace("被害人", "").contains('被')
        });
        (!s.contains("因犯") && !passive).then(|| format!("{window}缓期二年执行"))
    })
}

/// Lengths of time written in a text (`一年六个月`, `一年零七个月`, `8个月`, `三年`), in months, each
/// with the byte offset where it ends.
fn durations(text: &str) -> Vec<(f64, usize)> {
    let is_num = |c: char| crate::numerals::is_cn_numeral_char(c) || c.is_ascii_digit() || c == '零';
    let parse = |t: &str| t.parse::<f64>().ok().or_else(|| crate::numerals::parse_cn_integer(t.trim_start_matches('零')));
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap();
        if !is_num(c) {
            i += c.len_utf8();
            continue;
        }
        let num: String = text[i..].chars().take_while(|c| is_num(*c)).collect();
        let mut j = i + num.len();
        let mut months = None;
        if text[j..].starts_with('年') {
            let y = parse(&num);
            j += '年'.len_utf8();
            let m: String = text[j..].chars().take_while(|c| is_num(*c)).collect();
            let mut extra = 0.0;
            if !m.is_empty() && text[j + m.len()..].starts_with("个月") {
                extra = parse(&m).unwrap_or(0.0);
                j += m.len() + "个月".len();
            }
            months = y.map(|y| y * 12.0 + extra);
        } else if text[j..].starts_with("个月") {
            months = parse(&num);
            j += "个月".len();
        }
        match months {
            Some(m) if m > 0.0 && m <= 300.0 => {
                out.push((m, j));
                i = j;
            }
            _ => i += num.len().max(1),
        }
    }
    out
}

/// A request or finding in the facts that the defendant be exempted from punishment
/// (免予刑事处罚 / 免除处罚: 刑法第37条 犯罪情节轻微不需要判处刑罚, 第67条 自首 and 犯罪较轻),
/// not negated (不宜免予…).
pub fn exemption_asked(facts: &str) -> Option<&'static str> {
    for k in ["免予刑事处罚", "免于刑事处罚", "免除处罚", "免予处罚", "免除刑事处罚"] {
        let mut from = 0;
        while let Some(q) = facts[from..].find(k) {
            let p = from + q;
            let before: String = facts[..p].chars().rev().take(3).collect();
            if !["不", "勿", "无"].iter().any(|n| before.contains(n)) {
                return Some(k);
            }
            from = p + k.len();
        }
    }
    None
}

/// Harm to persons, the decisive fact of violent offences: 0 none found, 1 轻微伤, 2 轻伤,
/// 3 重伤, 4 death.
pub fn harm_level(facts: &str) -> u8 {
    let text = crate::cues::strip_record(facts);
    if ["死亡", "致死", "身亡"].iter().any(|k| text.contains(k)) {
        4
    } else if text.contains("重伤") {
        3
    } else if text.contains("轻伤") {
        2
    } else if text.contains("轻微伤") {
        1
    } else {
        0
    }
}

/// The number of people the facts tell were killed, and the words read: the count written
/// beside the death (`造成三人死亡`, `致2人当场死亡`, `死亡3人`, `三名工人死亡`), or the victims
/// whose age at death is given (`陈某（殁年27岁）`), whichever is more.
pub fn deaths(facts: &str) -> Option<(u32, String)> {
    let text = crate::cues::strip_record(&crate::numerals::half_width_digits(facts));
    // the number just before `人`/`名` at `end` (byte offset), if one is written there
    let count_before = |s: &str, end: usize| -> Option<u32> {
        let head = &s[..end];
        let start = head.char_indices().rev().take_while(|(_, c)| c.is_ascii_digit() || crate::numerals::is_cn_numeral_char(*c)).last().map(|(i, _)| i)?;
        let n = &head[start..];
        let v = if n.chars().all(|c| c.is_ascii_digit()) { n.parse::<f64>().ok() } else { crate::numerals::parse_cn_integer(&n.replace('两', "二")) };
        v.filter(|v| *v >= 1.0 && *v < 1000.0).map(|v| v as u32)
    };
    let mut best: Option<(u32, String)> = None;
    for clause in text.split(['，', '。', '；', ';', ',']) {
        // each part of a list (`造成3人死亡、5人受伤`) counts its own harm
        for part in clause.split('、') {
            let Some(d) = part.find("死亡") else { continue };
            let mut n = None;
            // the count just before the death (`致使二人当场死亡`, `三名工人经抢救无效死亡`), not
            // one further back (`被告人等三人…致其死亡` counts the offenders)
            for (p, _) in part[..d].match_indices(['人', '名']) {
                if part[p..d].chars().count() <= 9
                    && let Some(v) = count_before(part, p)
                {
                    n = Some(v);
                }
            }
            // `死亡3人`
            if n.is_none() {
                let after = &part[d + "死亡".len()..];
                if let Some(p) = after.find(['人', '名']) {
                    n = count_before(after, p).filter(|_| after[..p].chars().all(|c| c.is_ascii_digit() || crate::numerals::is_cn_numeral_char(c)));
                }
            }
            if let Some(v) = n
                && best.as_ref().is_none_or(|b| v > b.0)
            {
                best = Some((v, part.chars().take(30).collect()));
            }
        }
    }
    let named = text.matches("殁年").count() as u32;
    if named >= 2 && best.as_ref().is_none_or(|b| named > b.0) {
        best = Some((named, format!("{named}名被害人写明殁年")));
    }
    best
}

/// Acts that a heavier tier's numbered items name (刑法第263条: `（一）入户抢劫的`; 第236条:
/// `（四）二人以上轮奸的`; 第292条: `（四）持械聚众斗殴的`; 第240条: `（二）拐卖妇女、儿童三人以上的`;
/// 第133条: `因逃逸致人死亡的` …), as the
/// facts tell them: (charge, the item's words in the statute, the
/// facts' words ([`crate::cues::matches`]), the offence's own act, which the same sentence must
/// tell too). A sentence about an earlier conviction, or one reporting what a party argued
/// ([`SUBMISSION`]), tells nothing of this offence.
const ITEM_ACTS: &[(&str, &str, &str, &str)] = &[
    ("抢劫", "入户抢劫", "入户|(进入|闯入|窜入|潜入|冲入|冲进|闯进|翻墙|翻窗|撬门|破门|撬锁)+(家中|住宅|住处|家里|卧室|室内|屋内|房内)", ROBBERY_ACT),
    ("抢劫", "在公共交通工具上抢劫", "公交车上|公交车内|公共汽车上|公共汽车内|长途客车上|长途客车内|大巴车上|火车上|列车上|列车车厢|地铁上|地铁车厢|客轮上", ROBBERY_ACT),
    ("抢劫", "抢劫银行或者其他金融机构", "(银行|信用社|储蓄所)+(营业厅|营业网点|金库|运钞)", ROBBERY_ACT),
    ("抢劫", "多次抢劫", "多次|三次|四次|五次|六次|七次|八次|九次|十次|3次|4次|5次|6次|7次|8次|9次", ROBBERY_ACT),
    ("抢劫", "冒充军警人员抢劫", "冒充+(警察|民警|公安|警官|军人|武警)", ROBBERY_ACT),
    ("抢劫", "持枪抢劫", "持枪+!仿真|(手枪|猎枪|枪支)+!仿真", ROBBERY_ACT),
    ("聚众斗殴", "持械聚众斗殴", "持械|持刀|持棍|砍刀|钢管|棍棒|铁棍|木棍|铁管|刀具|匕首|菜刀|西瓜刀|斧头|携带+(刀|棍|棒|枪)", AFFRAY_ACT),
    ("聚众斗殴", "多次聚众斗殴", "多次|三次|四次|五次|3次|4次|5次", AFFRAY_ACT),
    // 刑法第133条 (法释〔2000〕33号第3条、第5条): fleeing the scene to escape the law is 逃逸
    // however the facts word it; the victim dying for want of the help the flight denied is
    // 因逃逸致人死亡
    ("交通肇事", "因逃逸致人死亡", "(得不到|未得到|未能得到|没有得到|未能及时得到|未及时得到)+(救助|救治)+死亡", ESCAPE_ACT),
    ("交通肇事", "肇事后逃逸", "逃离现场|逃离事故现场|弃车逃离|驾车逃离|逃离+现场+!(不知情|不知道|未发现)", ESCAPE_ACT),
    // 刑法第240条第1款第2项: three victims or more
    ("拐卖妇女、儿童", "拐卖妇女、儿童三人以上", "三名|四名|五名|六名|七名|八名|九名|十名|十余名|十多名|3名|4名|5名|6名|7名|8名|9名|10名|三人|四人|五人|六人|3人|4人|5人|6人", TRAFFICKING_ACT),
    ("强奸", "二人以上轮奸", "轮奸|轮流+(奸淫|强奸|发生性关系)", RAPE_ACT),
    // 刑法第294条第1款 grades by the defendant's part: 组织、领导 七年以上, 积极参加 三年以上七年以下,
    // 其他参加 三年以下 (the first tier); one who joined someone else's organisation is no leader
    ("组织、领导、参加黑社会性质组织", "积极参加", "积极参加|骨干成员", GANG_ACT),
    ("组织、领导、参加黑社会性质组织", "组织、领导黑社会性质的组织", "(组织、领导|组织领导|领导者|组织者|首要分子)+!参加", GANG_ACT),
    ("强奸", "当众强奸", "当众+(强奸|奸淫|发生性关系)", RAPE_ACT),
    // 刑法第290条 grades the crowd by the defendant's part: the 首要分子 who organised, incited
    // or led it a tier above the others who took an active part
    ("聚众冲击国家机关", "首要分子", CROWD_LEADER, CROWD_ACT),
    ("聚众扰乱社会秩序", "首要分子", CROWD_LEADER, CROWD_ACT),
];
const CROWD_LEADER: &str = "首要分子|组织、煽动|组织、策划|组织、指挥|组织煽动|组织策划|组织并指挥|煽动+(村民|群众|工人|多人|数十人|五十余人|三十余人|二十余人|百余人)";
const CROWD_ACT: &str = "冲击|冲入|冲进|闯入|围堵|堵塞|扰乱|阻挠|阻止";
// not the mask `××`, which stands for any charge's name (a theft's counts in a robbery's facts)
const ROBBERY_ACT: &str = "抢|劫|威胁|胁迫|持刀|殴打|捆绑|暴力";
const RAPE_ACT: &str = "奸|性关系";
const AFFRAY_ACT: &str = "斗殴|互殴|打斗|互相殴打";
const GANG_ACT: &str = "黑社会|黑恶|犯罪组织|恶势力";
const ESCAPE_ACT: &str = "逃逸|逃离|逃跑|驶离";
// (the victims, not the offenders: `被告人等三人` sells no one)
const TRAFFICKING_ACT: &str = "(拐卖|出卖|卖给|贩卖)+(儿童|妇女|婴儿|男婴|女婴|女子|孩)+!(等三人|等四人|等五人)";
/// A sentence that reports what a party argued (`代理人提出…`, `辩护人认为…`), not what the court
/// found.
const SUBMISSION: &str = "提出|辩称|辩护|辩解|代理人|认为";
const EARLIER_CONVICTION: &str = "曾因|判处|刑满释放|被判";

/// The item of a heavier tier ([`ITEM_ACTS`]) the facts tell, and the sentence that tells it.
pub fn item_act(facts: &str, charge: &str) -> Option<(&'static str, String)> {
    let text = crate::cues::strip_record(facts);
    for (c, item, words, act) in ITEM_ACTS {
        if *c != charge {
            continue;
        }
        let found = text.split(['。', '；', ';']).find(|s| {
            crate::cues::matches(s, words) && crate::cues::matches(s, act) && !crate::cues::matches(s, EARLIER_CONVICTION) && !crate::cues::matches(s, SUBMISSION)
        });
        if let Some(s) = found {
            // without the opening words of the findings (`经审理查明：`, `公诉机关指控，`)
            let s = match s.char_indices().take(16).find(|&(i, c)| c == '：' || (c == '，' && (s[..i].ends_with("查明") || s[..i].ends_with("指控")))) {
                Some((i, c)) => &s[i + c.len_utf8()..],
                None => s,
            };
            return Some((item, shown_words(s.trim_start_matches(['，', ',']))));
        }
    }
    None
}

/// At most 40 characters of a quotation, cut with an ellipsis and not inside a figure.
fn shown_words(why: &str) -> String {
    let mut shown: String = why.chars().take(40).collect();
    if shown.len() < why.len() {
        while shown.ends_with(|c: char| c.is_ascii_digit() || c == '.') {
            shown.pop();
        }
        shown.push('…');
    }
    shown
}

/// Charges whose heavier tier a number of deaths opens (the judicial interpretations' counts):
/// (charge, deaths at least, whether the defendant must bear the main or whole responsibility
/// for the accident, the rule).
const DEATH_TIERS: &[(&str, u32, bool, &str)] = &[
    ("交通肇事", 2, true, "法释〔2000〕33号第4条第1项：死亡二人以上，负事故全部或者主要责任，属有其他特别恶劣情节"),
    ("重大责任事故", 3, false, "法释〔2015〕22号第7条：造成死亡三人以上、负事故主要责任的，属情节特别恶劣"),
    ("重大劳动安全事故", 3, false, "法释〔2015〕22号第7条：造成死亡三人以上、负事故主要责任的，属情节特别恶劣"),
    ("危险物品肇事", 3, false, "法释〔2015〕22号第7条：造成死亡三人以上、负事故主要责任的，属后果特别严重"),
    ("消防责任事故", 3, false, "法释〔2015〕22号第7条：造成死亡三人以上、负事故主要责任的，属后果特别严重"),
    ("工程重大安全事故", 3, false, "法释〔2015〕22号第7条：造成死亡三人以上、负事故主要责任的，属后果特别严重"),
    ("教育设施重大安全事故", 3, false, "法释〔2015〕22号第7条：造成死亡三人以上、负事故主要责任的，属后果特别严重"),
    ("滥用职权", 3, false, "法释〔2012〕18号第1条第2款第1项：造成死亡三人以上，属情节特别严重"),
    ("玩忽职守", 3, false, "法释〔2012〕18号第1条第2款第1项：造成死亡三人以上，属情节特别严重"),
];

/// What the statute grades the charge by where that is not the crime amount: the drugs' weight
/// (克 of heroin; 刑法第347条、第348条 grade by it, the money paid for the drugs is not), the
/// timber's volume (立方米), the precious trees felled, the tax of false VAT invoices, the bribe
/// (法释〔2016〕9号: 受贿数额, 行贿数额; `None` when no sum is told as one), the blood alcohol of
/// drunk driving ([`blood_alcohol`], 0 when none is written). `None` for the others.
fn statute_measure(facts: &str, charge: &str) -> Option<f64> {
    if charge.contains("毒品") && !charge.contains("原植物") {
        Some(drug_grams(facts))
    } else if charge.contains("林木") {
        Some(cubic_metres(facts))
    } else if is_protected_plants(charge) {
        Some(protected_trees(facts))
    } else if is_vat_invoice(charge) {
        Some(crate::amount::invoice_tax(facts).unwrap_or(0.0))
    } else if crate::amount::is_bribery(charge) {
        crate::amount::bribe_amount(facts).map(|a| a.amount)
    } else if is_personal_information(charge) {
        personal_records(facts)
    } else if is_dangerous_driving(charge) {
        Some(blood_alcohol(facts).unwrap_or(0.0))
    } else {
        None
    }
}

/// 危险驾驶 (刑法第133条之一), whose drunk driving is measured by the blood alcohol.
fn is_dangerous_driving(charge: &str) -> bool {
    charge == "危险驾驶"
}

/// The blood alcohol the facts state, in mg/100ml (`乙醇含量为185.6mg／100ml`,
/// `128.1毫克／100毫升`, `1.11mg（乙醇）/ml（血液）` = 111): drunk driving begins at 80 (GB
/// 19522), and the opinion of 2023 on drunk driving (高检发办字〔2023〕187号) makes a high content
/// a reason to punish more. A figure in a sentence about blood is preferred to a breath test's.
pub fn blood_alcohol(facts: &str) -> Option<f64> {
    let facts = &crate::numerals::half_width_digits(facts);
    let mut found: Vec<(f64, bool)> = Vec::new();
    for (p, unit) in facts.match_indices("mg").chain(facts.match_indices("毫克")).chain(facts.match_indices('㎎')) {
        let rest: String = facts[p + unit.len()..].chars().take(16).collect::<String>().replace("（乙醇）", "").replace("(乙醇)", "");
        let before: String = facts[..p].chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect();
        // `每百毫升141毫克`, `每100ml血液中乙醇含量为263.411mg`
        let per_100_before = ["每百毫升", "每100ml", "每100mL", "每100毫升"].iter().any(|k| before.contains(k));
        let per_100 = match rest.trim_start().strip_prefix(['/', '／']).map(|d| d.trim_start().replace("lOO", "100").replace("l00", "100")) {
            Some(d) if ["100", "dl", "dL"].iter().any(|k| d.starts_with(k)) => true,
            Some(d) if ["ml", "mL", "毫升"].iter().any(|k| d.starts_with(k)) => false,
            _ if per_100_before => true,
            _ => continue,
        };
        // (`160.6(mg/100ml)`)
        let digits: String = facts[..p].chars().rev().skip_while(|c| matches!(c, ' ' | '(' | '（')).take_while(|c| c.is_ascii_digit() || *c == '.').collect::<Vec<_>>().into_iter().rev().collect();
        let Ok(v) = digits.parse::<f64>() else { continue };
        let v = if per_100 { v } else { (v * 10_000.0).round() / 100.0 };
        if (20.0..=800.0).contains(&v) {
            let sentence_start = facts[..p].rfind(['。', '；', '\n']).unwrap_or(0);
            found.push((v, facts[sentence_start..p].contains('血')));
        }
    }
    let blood: Vec<f64> = found.iter().filter(|x| x.1).map(|x| x.0).collect();
    let pick = if blood.is_empty() { found.iter().map(|x| x.0).collect::<Vec<_>>() } else { blood };
    pick.into_iter().reduce(f64::max)
}

/// 非法获取公民个人信息 (the CAIL label; 侵犯公民个人信息 since 刑法修正案（九）, 刑法第253条之一).
fn is_personal_information(charge: &str) -> bool {
    charge.contains("公民个人信息")
}

/// The records of personal information obtained or sold, counted as records of the general kind
/// (法释〔2017〕10号 第5条: 5,000 records make 情节严重, 500 of 住宿、通信记录、健康生理、交易
/// information, 50 of 行踪轨迹、通信内容、征信、财产 information; ten times that 情节特别严重): the
/// largest count of `条` written in a clause about information, times 10 or 100 for the kinds
/// with the lower thresholds.
fn personal_records(facts: &str) -> Option<f64> {
    let text = crate::numerals::half_width_digits(facts);
    let mut best: Option<f64> = None;
    for clause in text.split(['，', '。', '；', ',']) {
        if !clause.contains("信息") {
            continue;
        }
        for (p, _) in clause.match_indices('条') {
            let num: String = clause[..p].chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '万' || *c == '余' || *c == '多').collect::<Vec<_>>().into_iter().rev().collect();
            let num = num.trim_end_matches(['余', '多']);
            let (digits, scale) = match num.strip_suffix('万') {
                Some(d) => (d.trim_end_matches(['余', '多']), 10_000.0),
                None => (num, 1.0),
            };
            if let Ok(v) = digits.parse::<f64>() {
                best = Some(best.map_or(v * scale, |b: f64| b.max(v * scale)));
            }
        }
    }
    let weight = if ["行踪轨迹", "通信内容", "征信信息", "财产信息"].iter().any(|k| text.contains(k)) {
        100.0
    } else if ["住宿信息", "通信记录", "健康生理信息", "交易信息"].iter().any(|k| text.contains(k)) {
        10.0
    } else {
        1.0
    };
    best.map(|b| b * weight)
}

/// The quantity that drives the sentence: [`statute_measure`] (timber without a volume written
/// falls back to money), else the crime amount (元); failing money, any weight the facts write
/// ([`drug_grams`]: grams, as heroin where drugs are named).
fn quantity(facts: &str, charge: &str) -> f64 {
    match statute_measure(facts, charge) {
        Some(v) if v > 0.0 || !charge.contains("林木") => v,
        _ => match crate::amount::crime_amount(facts) {
            Some(a) => a.amount,
            None => drug_grams(facts),
        },
    }
}

/// 非法采伐、毁坏国家重点保护植物 (刑法第344条; 危害国家重点保护植物 since 2021): graded by the
/// trees felled (法释〔2000〕36号 第2条).
fn is_protected_plants(charge: &str) -> bool {
    charge.ends_with("国家重点保护植物") && (charge.contains("采伐") || charge.starts_with("危害"))
}

/// The precious trees felled, as 法释〔2000〕36号 第2条 counts them for 情节严重 (非法采伐珍贵树木
/// 二株以上, 或者二立方米以上): the largest number of trees the facts write (`采伐红豆杉7株`,
/// `一棵`), and at least 2 when the largest volume is 2 m³ or more; 0 when neither is written.
fn protected_trees(facts: &str) -> f64 {
    let mut best = 0.0f64;
    for unit in ['株', '棵'] {
        for (p, _) in facts.match_indices(unit) {
            let num: String = facts[..p].chars().rev().take_while(|c| c.is_ascii_digit() || crate::numerals::is_cn_numeral_char(*c)).collect::<Vec<_>>().into_iter().rev().collect();
            let n = num.parse::<f64>().ok().or_else(|| crate::numerals::parse_cn_integer(&num));
            if let Some(n) = n.filter(|n| *n > 0.0 && *n < 100_000.0) {
                best = best.max(n);
            }
        }
    }
    if cubic_metres(facts) >= 2.0 {
        best = best.max(2.0);
    }
    best
}

/// 虚开增值税专用发票、用于骗取出口退税、抵扣税款发票 (刑法第205条): graded by the tax on the invoices;
/// 走私普通货物、物品 (刑法第153条): by the duties evaded (偷逃应缴税额), which the facts state as
/// the customs office computed them (`偷逃应缴税款人民币70247.48元`).
fn is_vat_invoice(charge: &str) -> bool {
    charge.starts_with("虚开增值税专用发票") || charge == "走私普通货物、物品"
}

/// Timber volume in the facts (`立木蓄积12.5立方米`): the largest figure (a total, or the standing
/// volume beside the smaller sawn volume).
fn cubic_metres(facts: &str) -> f64 {
    let mut best = 0.0f64;
    for (p, _) in facts.match_indices("立方米") {
        let num: String = facts[..p].chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').collect::<Vec<_>>().into_iter().rev().collect();
        if let Ok(v) = num.parse::<f64>() {
            best = best.max(v);
        }
    }
    best
}

/// How many grams of heroin or methamphetamine one gram of a drug counts as in the penalty tiers:
/// the amounts 法释〔2016〕8号 第1条 puts at 数量大 beside 50 grams of heroin (吗啡 100 g, 哌替啶
/// 250 g, 氯胺酮 500 g, 美沙酮 1 kg, 曲马多 2 kg, 大麻油 5 kg, 可待因 5 kg, 大麻脂 10 kg, 三唑仑
/// 50 kg, 大麻叶 150 kg, 咖啡因 and 罂粟壳 200 kg, 安钠咖 250 kg) and 刑法第347条 itself (鸦片 1 kg).
/// A name inside a longer one (大麻 in 大麻油) is outweighed by it: the heaviest name counts.
const DRUG_POTENCY: &[(&str, f64)] = &[
    ("海洛因", 1.0),
    ("甲基苯丙胺", 1.0),
    ("冰毒", 1.0),
    ("麻古", 1.0),
    ("可卡因", 1.0),
    ("摇头丸", 0.5),
    ("MDMA", 0.5),
    ("亚甲二氧基", 0.5),
    ("芬太尼", 0.4),
    ("甲卡西酮", 0.25),
    ("哌替啶", 0.2),
    ("杜冷丁", 0.2),
    ("氯胺酮", 0.1),
    ("K粉", 0.1),
    ("美沙酮", 0.05),
    ("鸦片", 0.05),
    ("曲马多", 0.025),
    ("大麻油", 0.01),
    ("可待因", 0.01),
    ("大麻脂", 0.005),
    ("三唑仑", 0.001),
    ("大麻", 0.000_33),
    ("咖啡因", 0.000_25),
    ("罂粟壳", 0.000_25),
    ("安钠咖", 0.000_2),
];

/// The heaviest drug named in `text` (吗啡 only on its own: 二乙酰吗啡 and 单乙酰吗啡 are how an
/// appraisal names heroin; 甲基苯丙胺 not inside MDMA's chemical name).
fn named_potency(text: &str) -> Option<f64> {
    let text = &text.replace("亚甲二氧基甲基苯丙胺", "MDMA");
    let mut best: Option<f64> = None;
    for (name, p) in DRUG_POTENCY {
        if text.contains(name) {
            best = Some(best.map_or(*p, |b| b.max(*p)));
        }
    }
    let morphine = text.match_indices("吗啡").any(|(i, _)| !text[..i].ends_with("乙酰"));
    if morphine {
        best = Some(best.map_or(0.5, |b| b.max(0.5)));
    }
    best
}

/// The drug a weight figure weighs, from the words around it in its sentence: a name written
/// right after its unit (`0.5克冰毒`, `3克的毒品海洛因`); else the heaviest name between the
/// previous weight and this one (`甲基苯丙胺0.95克和氯胺酮19.54克`); else the heaviest before the
/// next figure (`净重48.85克，检出氯胺酮成份`). `before` and `after` are char ranges of the
/// sentence: from the end of the words about the previous weight (or the sentence's start) to the
/// figure, and from the end of the unit to the sentence's end.
fn figure_potency(chars: &[char], before: (usize, usize), after: (usize, usize)) -> Option<f64> {
    let text = |r: (usize, usize)| -> String { chars[r.0.min(r.1)..r.1].iter().collect() };
    let following = text(after);
    let named = following.trim_start_matches('的').trim_start_matches("毒品");
    let head: String = named.chars().take_while(|c| !matches!(c, '，' | ',' | '、' | '和' | '及' | '（' | '(' | '）' | ')')).collect();
    if let Some(p) = DRUG_POTENCY.iter().filter(|(n, _)| head.starts_with(n)).map(|(_, p)| *p).reduce(f64::max) {
        return Some(p);
    }
    if let Some(p) = named_potency(&text(before)) {
        return Some(p);
    }
    let next = following.find(|c: char| c.is_ascii_digit()).unwrap_or(following.len());
    named_potency(&following[..next])
}

/// The drugs in the facts as grams of heroin ([`DRUG_POTENCY`]): every weight written (`0.5克`,
/// `7.88余克`, `1.2千克`, `3公斤`, `20毫克`) at the potency of the drug written beside it
/// ([`figure_potency`]), else of the heaviest drug its sentence names (else of the whole facts;
/// heroin when none is named). A gross weight (毛重) is left out when a net one
/// is written, and a weight written again counts once; when totals are written (`共计净重5.2克`)
/// they stand for the figures they add up.
pub fn drug_grams(facts: &str) -> f64 {
    let whole = named_potency(facts).unwrap_or(1.0);
    let chars: Vec<char> = facts.chars().collect();
    // (grams of heroin, is a total, is gross)
    let mut figures: Vec<(f64, bool, bool)> = Vec::new();
    // where the last weight read ends: the words between it and the next weight name that one
    let mut prev_end = 0;
    let mut i = 0;
    while i < chars.len() {
        if !(chars[i].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        let num: String = chars[start..i].iter().collect();
        let Ok(v) = num.parse::<f64>() else { continue };
        // `7.88余克`, `10多克`: at least the figure
        let skip = usize::from(i < chars.len() && matches!(chars[i], '余' | '多'));
        let rest: String = chars[i + skip..(i + skip + 2).min(chars.len())].iter().collect();
        let scale = if rest.starts_with("千克") || rest.starts_with("公斤") {
            1000.0
        } else if rest.starts_with("毫克") {
            0.001
        } else if rest.starts_with('克') {
            1.0
        } else {
            continue;
        };
        let before: String = chars[start.saturating_sub(8)..start].iter().collect();
        let total = ["共计", "合计", "总计", "共重", "总重", "累计", "共约"].iter().any(|k| before.contains(k));
        let gross = chars[start.saturating_sub(4)..start].iter().collect::<String>().contains("毛重");
        // the sentence around the figure
        let stop = |c: &char| matches!(c, '。' | '；' | ';');
        let a = chars[..start].iter().rposition(stop).map_or(0, |p| p + 1);
        let b = chars[i..].iter().position(stop).map_or(chars.len(), |p| i + p);
        let sentence: String = chars[a..b].iter().collect();
        // the drugs of another's case the defendant informed on (立功, 刑法第68条: `提供线索，
        // 使公安机关侦破他人贩卖41克毒品案`) are not his
        if crate::cues::matches(&sentence, "(线索|检举|揭发|立功)+(他人|其他)") {
            continue;
        }
        let unit_end = i + skip + if scale == 1.0 { 1 } else { 2 };
        // after an earlier weight of the sentence, the words about it (`净重48.85克，检出氯胺酮成份）、`)
        // end at its closing bracket or the next 、
        let from = if prev_end > a {
            chars[prev_end..start].iter().rposition(|c| matches!(c, '、' | '）' | ')' | '］' | ']')).map_or(prev_end, |p| prev_end + p + 1)
        } else {
            a
        };
        let p = figure_potency(&chars, (from, start), (unit_end, b)).or_else(|| named_potency(&sentence)).unwrap_or(whole);
        prev_end = unit_end;
        // the same weight written again is the same drugs again (the appraisal restating the
        // seizure: `净重0.16克 … 在该0.16克毒品可疑物内检出海洛因`)
        let g = v * scale * p;
        if figures.iter().any(|f| (f.0 - g).abs() < 1e-9) {
            continue;
        }
        figures.push((g, total, gross));
    }
    if figures.iter().any(|f| !f.2) {
        figures.retain(|f| !f.2);
    }
    let sum = |total: bool| figures.iter().filter(|f| f.1 == total).map(|f| f.0).sum::<f64>();
    let max = figures.iter().map(|f| f.0).fold(0.0, f64::max);
    if figures.iter().any(|f| f.1) { sum(true).max(max) } else { sum(false) }
}

/// The drug-sale charge, and the quantity (grams of heroin) below which 刑法第347条第4款 applies
/// (海洛因或者甲基苯丙胺不满十克).
const DRUG_SALE_CHARGE: &str = "走私、贩卖、运输、制造毒品";
const SMALL_DRUG_GRAMS: f64 = 10.0;

/// The tier of 情节严重 in the paragraph of 刑法第347条 on small quantities (第4款: 海洛因或者
/// 甲基苯丙胺不满十克…情节严重的，处三年以上七年以下有期徒刑), read from the article's text.
fn small_quantity_severe_tier(article_text: &str) -> Option<Tier> {
    let para = article_text.split('\n').find(|p| p.contains("不满十克") && p.contains("情节严重"))?;
    condition_tiers(article_text, para).into_iter().find(|c| !c.lenient && c.words.iter().any(|w| w == "情节严重")).map(|c| c.tier)
}

/// The words of a sale of drugs by the defendant.
const DRUG_SALE: [&str; 6] = ["贩卖", "出售", "卖给", "卖与", "售给", "售予"];

/// How many sales of drugs, or buyers, the facts tell, when three or more: selling to three
/// people or more, or three times or more, is 情节严重 of 刑法第347条第4款 (法释〔2016〕8号第4条
/// 第1项: 向三人以上贩毒或者三次以上贩毒的). The largest of these readings:
/// - `N次`, `多次`, `数次` in a clause that tells a sale, or just before one (`先后三次，每次以
///   100元的价格贩卖`), not of buying (`多次向他人购买`);
/// - `向多人`, or three buyers or more named before the sale (`向甲、乙、丙贩卖`);
/// - the sales priced one by one (`以200元的价格将0.4克冰毒卖给…`);
/// - the items of a numbered list (`1、`, `（2）`, `三、`) that each tell a sale or a deal.
///
/// Sentences about an earlier conviction do not count. Returns the count and the words read.
pub fn drug_sales(facts: &str) -> Option<(u32, String)> {
    let text = crate::cues::strip_record(&crate::numerals::half_width_digits(facts));
    let sells = |s: &str| DRUG_SALE.iter().any(|w| s.contains(w));
    let mut best: Option<(u32, String)> = None;
    let mut take = |n: u32, why: &str| {
        if n >= 3 && best.as_ref().is_none_or(|b| n > b.0) {
            best = Some((n, shown_words(why)));
        }
    };
    let clauses: Vec<&str> = text.split(['，', '。', '；', ';', ',', '：', ':']).collect();
    let mut priced = 0;
    for (j, clause) in clauses.iter().enumerate() {
        let next = clauses.get(j + 1).copied().unwrap_or("");
        if clause.contains("价格") && (sells(clause) || sells(next)) {
            priced += 1;
        }
        // a clause before the sale's counts its times, unless the sale's clause counts its own
        // (`每次` counts nothing)
        let counted_before = sells(next) && !next.replace("每次", "").contains('次');
        if !sells(clause) && !counted_before {
            continue;
        }
        for (p, _) in clause.match_indices('次') {
            let after = &clause[p + '次'.len_utf8()..];
            // 次日, 次年, 次月 (the next day), 次要 (minor role); times of buying
            if after.starts_with(['日', '年', '月', '要']) || (["购买", "购进", "买进", "进货"].iter().any(|w| after.contains(w)) && !sells(after)) {
                continue;
            }
            let before = &clause[..p];
            let n = if before.ends_with(['多', '数', '几']) {
                3
            } else {
                let digits: String = before.chars().rev().take_while(|c| c.is_ascii_digit() || crate::numerals::is_cn_numeral_char(*c)).collect::<Vec<_>>().into_iter().rev().collect();
                let parsed = if digits.chars().all(|c| c.is_ascii_digit()) { digits.parse::<f64>().ok() } else { crate::numerals::parse_cn_integer(&digits) };
                parsed.map_or(0, |v| v as u32)
            };
            take(n, clause);
        }
        if clause.contains("向多人") || clause.contains("向多名") {
            take(3, clause);
        }
        // buyers named between 向 and the sale
        if let Some(v) = clause.find('向')
            && let Some(s) = DRUG_SALE.iter().filter_map(|w| clause[v..].find(w)).min()
        {
            let named = clause[v..v + s].matches('、').count() as u32 + 1;
            if named >= 3 {
                take(named, clause);
            }
        }
    }
    take(priced, &format!("{priced}笔按价格成交的贩卖"));
    // a numbered list of sales
    for numbering in [crate::lists::Numbering::Arabic, crate::lists::Numbering::Chinese] {
        let items = crate::lists::items(&text, numbering, 30);
        let n = items.iter().filter(|seg| (sells(seg) || ["交易", "购买", "交给"].iter().any(|w| seg.contains(w))) && !crate::lists::is_evidence(seg)).count() as u32;
        take(n, &format!("{n}起贩卖事实"));
    }
    best
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermCase {
    pub months: u16,
    pub log_q: f32,
    pub flags: u16,
    #[serde(default)]
    pub harm: u8,
    /// ln of the length of the facts in characters: the court writes more about graver and more
    /// involved cases (5-fold CV on train: 90.76 → 91.25).
    #[serde(default)]
    pub log_len: f32,
}

/// The statutory estimate's weight of the length of the facts, and the reference ln length.
const STATUTE_LEN_W: f32 = 0.3;
const STATUTE_LEN_REF: f32 = 5.72;

/// ln of the number of characters of the facts.
fn log_len(facts: &str) -> f32 {
    (facts.chars().count().max(1) as f32).ln()
}

/// How neighbours are found and combined.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct TermParams {
    /// Distance per differing circumstance (the amount distance is |Δ ln(amount+1)|).
    pub flag_w: f32,
    /// Distance per step of harm to persons.
    pub harm_w: f32,
    /// Share of the charge's overall median in the prediction (the rest: the neighbours).
    pub blend: f32,
    /// Neighbours are combined by their median (else the mean) of ln(months+1).
    pub median: bool,
    /// Distance per unit of |Δ ln(length of the facts)|.
    #[serde(default)]
    pub len_w: f32,
    /// Weight of the statutory estimate (tier by amount) beside the neighbours, for charges the
    /// statute grades by amount ([`crate::statute::AMOUNT_TIERS`]).
    #[serde(default)]
    pub statute_w: f32,
    /// Neighbours weigh exp(−distance/τ) in the median (0: all alike).
    #[serde(default)]
    pub tau: f32,
}

impl Default for TermParams {
    fn default() -> Self {
        // chosen by 5-fold cross-validation on train.jsonl (assist-dev term-cv): 0.865 → 0.898
        TermParams { flag_w: 0.3, harm_w: 1.0, blend: 0.0, median: true, len_w: 0.5, statute_w: 0.3, tau: 1.0 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermModel {
    /// Training cases by charge label (plain name).
    pub by_charge: BTreeMap<String, Vec<TermCase>>,
    /// First statutory tier by article: (min months, max months).
    pub tiers: BTreeMap<u32, Tier>,
    /// First statutory tier of the paragraph defining each charge (plain name).
    pub charge_tiers: BTreeMap<String, Tier>,
    pub k: usize,
    #[serde(default)]
    pub params: TermParams,
    /// Every tier of the charges graded by amount ([`crate::statute::AMOUNT_TIERS`]), lightest
    /// first: for those without training cases the amount picks the tier.
    #[serde(default)]
    pub amount_ladders: BTreeMap<String, Vec<Tier>>,
    /// Heavier tiers whose condition is harm to persons (the least harm they need: 3 重伤,
    /// 4 death), for the charges whose basic offence does not itself need harm.
    #[serde(default)]
    pub harm_ladders: BTreeMap<String, Vec<(u8, Tier)>>,
    /// The tiers of each charge with the gravity words of their conditions (`数额巨大`,
    /// `情节特别严重`, `情节较轻` …), as the statute writes them ([`condition_tiers`]).
    #[serde(default)]
    pub condition_ladders: BTreeMap<String, Vec<ConditionTier>>,
    /// The tiers of the charges whose articles the Eleventh Amendment (in force 2021-03-01)
    /// rewrote, as the law stood before it: offences committed earlier are sentenced under that
    /// law (刑法第12条; [`offence_before_2021`]).
    #[serde(default)]
    pub before_2021: BTreeMap<String, ChargeLadders>,
    /// The charges whose defining paragraph orders 从重处罚 under the paragraphs it refers to
    /// ([`ChargeLadders::heavier`]), by the law in force now.
    #[serde(default)]
    pub heavier: std::collections::BTreeSet<String>,
}

/// The statute's estimate for a case ([`TermModel::statute_estimate`]).
struct StatuteEstimate {
    months: f64,
    reasons: Vec<Reason>,
    /// The tier's minimum, below which no circumstance of the facts allows going (刑法第63条).
    floor: Option<f64>,
    /// The tier was chosen by a condition the facts name in the statute's words, by the count of
    /// drug sales or of the dead, or by an act a numbered item names.
    named: bool,
}

/// A penalty tier and the gravity words of its condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionTier {
    pub words: Vec<String>,
    pub tier: Tier,
    /// The tier is reserved for 情节较轻 cases.
    pub lenient: bool,
}

/// The words by which the statute opens its tiers, longest first where one contains another.
/// Prosecutors and courts qualify the facts in the same words (`属数额巨大`, `情节特别严重`).
/// `逃逸` is the act that opens 刑法第133条's second tier (交通运输肇事后逃逸, 三年以上七年以下;
/// 法释〔2000〕33号第3条), told in the facts in the statute's word (`驾车逃逸`, `肇事后逃逸`).
pub const GRAVITY_WORDS: &[&str] = &[
    "数额特别巨大", "数额巨大", "数额较大", "数量特别巨大", "数量巨大", "数量较大", "其他特别严重情节", "情节特别严重", "其他严重情节", "情节严重",
    "情节特别恶劣", "情节恶劣", "后果特别严重", "特别严重后果", "后果严重", "严重后果", "特别重大损失", "重大损失", "情节较轻", "逃逸",
];

/// The gravity words in a condition, a longer one hiding the shorter it contains.
fn gravity_words(head: &str) -> Vec<String> {
    let mut rest = head.to_string();
    let mut out = Vec::new();
    for w in GRAVITY_WORDS {
        if rest.contains(w) {
            out.push(w.to_string());
            rest = rest.replace(w, "|");
        }
    }
    out
}

/// The paragraphs that belong to a charge's definition: the defining paragraph and those that
/// go on with it (`犯前款罪…`, numbered items, paragraphs without a penalty of their own).
fn paragraph_group<'a>(article_text: &'a str, defining: &str) -> Vec<&'a str> {
    let paras: Vec<&str> = article_text.split('\n').collect();
    let Some(mut start) = paras.iter().position(|p| *p == defining) else { return Vec::new() };
    // a numbered item (`（一）强买强卖商品的`) belongs to the paragraph that heads the list
    while start > 0 && paras[start].starts_with('（') {
        start -= 1;
    }
    let has_penalty = |p: &str| p.contains('处') && ["有期徒刑", "拘役", "管制", "死刑", "无期徒刑"].iter().any(|k| p.contains(k));
    let mut group = vec![paras[start]];
    for p in &paras[start + 1..] {
        let goes_on = p.starts_with('（') || p.contains("前款罪") || p.contains("前款行为") || p.contains("下列情形之一") || !has_penalty(p);
        if !goes_on {
            break;
        }
        group.push(p);
    }
    group
}

/// Every penalty tier of a charge's paragraphs with the gravity words of its condition (the
/// text of its sentence before `处`, or the numbered items of a `有下列情形之一的` list).
pub fn condition_tiers(article_text: &str, defining: &str) -> Vec<ConditionTier> {
    let mut out: Vec<ConditionTier> = Vec::new();
    for c in penalty_conditions(article_text, defining) {
        if !out.iter().any(|x| x.tier == c.tier) {
            out.push(ConditionTier { words: gravity_words(&c.cond), tier: c.tier, lenient: c.head.contains("较轻") });
        }
    }
    out
}

/// One penalty clause of a charge's definition: its tier, the words before its `处` in the same
/// sentence (`head`), and its condition (the head, or the numbered items that follow a head
/// `有下列情形之一的`).
struct PenaltyCondition {
    tier: Tier,
    head: String,
    cond: String,
}

/// The penalty clauses of the paragraphs that belong to a charge's definition
/// ([`paragraph_group`]), in statute order.
fn penalty_conditions(article_text: &str, defining: &str) -> Vec<PenaltyCondition> {
    let group = paragraph_group(article_text, defining);
    let mut out = Vec::new();
    for (gi, para) in group.iter().enumerate() {
        if para.starts_with('（') {
            continue;
        }
        let mut from = 0;
        while let Some(q) = para[from..].find('处') {
            let p = from + q;
            let rest = &para[p..];
            let end = rest.find(['；', '。']).unwrap_or(rest.len());
            let clause = &rest[..end];
            from = p + '处'.len_utf8();
            if !["有期徒刑", "拘役", "管制", "死刑", "无期徒刑"].iter().any(|k| clause.contains(k)) {
                continue;
            }
            let head_start = para[..p].rfind(['；', '。']).map(|i| i + para[i..].chars().next().map_or(1, char::len_utf8)).unwrap_or(0);
            let head = &para[head_start..p];
            let Some(tier) = clause_tier(clause) else { continue };
            let cond: String = if head.contains("下列情形之一") {
                group[gi + 1..].iter().take_while(|x| x.starts_with('（')).copied().collect()
            } else {
                head.to_string()
            };
            out.push(PenaltyCondition { tier, head: head.to_string(), cond });
        }
    }
    out
}

/// The tier whose condition the facts name in the statute's own words (the heaviest such; a
/// lenient tier only when nothing heavier is named), with the word matched. Sentences about an
/// earlier conviction and negated mentions (`不属于数额巨大`, `尚未达到`) do not count.
pub fn tier_named(facts: &str, ladder: &[ConditionTier]) -> Option<(Tier, String)> {
    let text = crate::cues::strip_record(facts);
    let named = |w: &str| {
        text.match_indices(w).any(|(pos, _)| {
            let before: String = text[..pos].chars().rev().take(4).collect();
            // the statute quoted (`关于“…；情节较轻的，处三年以上十年以下××”之规定`) names every
            // tier, not the case's
            let quoted = ["的，处", "的,处", "的处"].iter().any(|k| text[pos + w.len()..].starts_with(k));
            // `特别严重后果` hides `严重后果`
            !(quoted || ["不", "未", "非", "否", "没", "无"].iter().any(|n| before.contains(n)) || (w == "严重后果" && text[..pos].ends_with("特别")))
        })
    };
    let mut best: Option<(Tier, String)> = None;
    let mut seen: Vec<&String> = Vec::new();
    for c in ladder {
        // a word already met belongs to the first tier that names it: a later paragraph with
        // the same word (`徇私舞弊，犯前款罪的…情节特别严重的`) adds a condition of its own
        if let Some(w) = c.words.iter().find(|w| named(w)) {
            if seen.contains(&w) {
                continue;
            }
            seen.push(w);
            let better = match &best {
                None => true,
                Some((b, _)) => (c.tier.lo, c.tier.hi) > (b.lo, b.hi) && !c.lenient,
            };
            if better {
                best = Some((c.tier, w.clone()));
            }
        }
    }
    best
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

/// A stored training term as a reader of the reasons reads it: life and death (stored as the
/// score's 300 and 400 months) by name, no prison term (0: exempted, a fine alone, or 管制) as 0.
fn shown_months(m: u16) -> String {
    match m {
        m if m as f64 == Term::Life.months_for_score() => "无期".to_string(),
        m if m as f64 == Term::Death.months_for_score() => "死刑".to_string(),
        m => m.to_string(),
    }
}

/// Weight of the prosecution's recommendation beside the estimate (log scale), by 5-fold CV on
/// train (0.3/0.5/0.7/0.85/1.0: 91.86/91.92/91.96/91.96/91.94 against 91.73 without; fallback
/// 90.53 → 90.84; multi-charge 89.28 → 89.27).
const RECOMMENDATION_W: f64 = 0.7;

/// The estimate moved towards the prosecution's sentencing recommendation, when the facts state
/// one ([`recommended_term`]).
pub fn follow_recommendation(term: Term, facts: &str, reasons: &mut Vec<Reason>) -> Term {
    let w = RECOMMENDATION_W;
    let (Term::Months(m), Some((rec, text))) = (term, recommended_term(facts)) else { return term };
    if rec == 0.0 {
        // a fine as the only penalty recommended (刑法第34条第2款): the five CAIL texts that ask for
        // it all end without a prison term, so it is followed, not weighed
        reasons.push(Reason::rule(format!("公诉机关建议单处罚金、不判处监禁刑（刑法第34条第2款，刑事诉讼法第176、201条：“{text}”），从其建议，不采用估算的{m}个月")));
        return Term::Months(0);
    }
    let out = (w * (rec + 1.0).ln() + (1.0 - w) * (m as f64 + 1.0).ln()).exp() - 1.0;
    reasons.push(Reason::rule(format!("公诉机关量刑建议约{rec:.0}个月（刑事诉讼法第176、201条：“{text}”），与估算{m}个月加权（建议权重{w}）后为{out:.0}个月")));
    Term::Months(out.round().max(0.0) as u32)
}

/// The first (lightest ordinary) penalty tier of an article paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    pub lo: u16,
    pub hi: u16,
    /// The tier allows a sentence without imprisonment (`…管制或者罚金`, `单处罚金`).
    pub fine_alone: bool,
}

/// Parse the first penalty clause of a paragraph: `处三年以下有期徒刑`, `处三年以上十年以下有期徒刑`,
/// `处拘役`, `处死刑、无期徒刑或者十年以上有期徒刑` (the clause ends at the first ；or 。).
pub fn first_tier(article_text: &str) -> Option<(u16, u16)> {
    parse_tier(article_text).map(|t| (t.lo, t.hi))
}

/// The lightest ordinary tier of a paragraph: articles that list the heaviest tier first (drug
/// offences: 十五年…死刑, then 七年以上, then 三年以下) are read to their lightest one, except a
/// tier reserved for 情节较轻 cases (故意杀人), which is exceptional.
pub fn parse_tier(text: &str) -> Option<Tier> {
    let tiers = penalty_clauses(text);
    let first = tiers.first()?.0;
    let lightest = tiers.iter().filter(|(_, lenient)| !lenient).map(|(t, _)| *t).min_by_key(|t| (t.lo, t.hi)).unwrap_or(first);
    Some(lightest)
}

/// Every ordinary penalty tier of a paragraph, lightest first (tiers reserved for 情节较轻
/// cases left out, as in [`parse_tier`]).
pub fn parse_ladder(text: &str) -> Vec<Tier> {
    let mut tiers: Vec<Tier> = Vec::new();
    for (t, lenient) in penalty_clauses(text) {
        if !lenient && !tiers.iter().any(|x| x.lo == t.lo && x.hi == t.hi) {
            tiers.push(t);
        }
    }
    tiers.sort_by_key(|t| (t.lo, t.hi));
    tiers
}

/// The penalty clauses of a paragraph in order (`处…有期徒刑/拘役/管制/死刑/无期徒刑…`, up to
/// the next `；`/`。`), each with whether its sentence reserves it for 情节较轻 cases.
fn penalty_clauses(text: &str) -> Vec<(Tier, bool)> {
    let mut tiers = Vec::new();
    let mut from = 0;
    while let Some(q) = text[from..].find('处') {
        let p = from + q;
        let rest = &text[p..];
        let end = rest.find(['；', '。', '\n']).unwrap_or(rest.len());
        let c = &rest[..end];
        if ["有期徒刑", "拘役", "管制", "死刑", "无期徒刑"].iter().any(|k| c.contains(k)) {
            let head_start = text[..p].rfind(['；', '。', '\n']).map(|i| i + text[i..].chars().next().map_or(1, char::len_utf8)).unwrap_or(0);
            let lenient = text[head_start..p].contains("较轻");
            if let Some(t) = clause_tier(c) {
                tiers.push((t, lenient));
            }
        }
        from = p + '处'.len_utf8();
    }
    tiers
}

fn clause_tier(clause: &str) -> Option<Tier> {
    let num = |t: &str| crate::numerals::parse_cn_integer(t).map(|v| v as u16);
    let digits_before = |s: &str, i: usize| -> String {
        s[..i].chars().rev().take_while(|c| crate::numerals::is_cn_numeral_char(*c)).collect::<Vec<_>>().into_iter().rev().collect()
    };
    // a fine as an alternative principal penalty (`拘役、管制或者罚金`) marks a light offence;
    // `并处或者单处罚金` is the usual property-crime formula and says little
    let fine_alone = clause.contains("管制或者罚金") || clause.contains("拘役或者罚金");
    if clause.contains("死刑") || clause.contains("无期徒刑") && !clause.contains("年以下") {
        // `处十年以上有期徒刑、无期徒刑或者死刑`; `处十五年有期徒刑、无期徒刑或者死刑` (a fixed term)
        let lo = clause
            .find("年以上")
            .or_else(|| clause.find("年有期徒刑"))
            .and_then(|i| num(&digits_before(clause, i)))
            .map(|y| (y * 12).min(180))
            .unwrap_or(120);
        return Some(Tier { lo, hi: 300, fine_alone });
    }
    if let Some(i) = clause.find("年以上") {
        let lo = num(&digits_before(clause, i))? * 12;
        let rest = &clause[i + "年以上".len()..];
        if let Some(j) = rest.find("年以下") {
            let b: String = rest[..j].chars().filter(|c| crate::numerals::is_cn_numeral_char(*c)).collect();
            return Some(Tier { lo, hi: num(&b)? * 12, fine_alone });
        }
        // no upper bound written: the general maximum of a fixed term, fifteen years (刑法第45条)
        return Some(Tier { lo, hi: 180.max(lo), fine_alone });
    }
    if let Some(i) = clause.find("年以下") {
        return Some(Tier { lo: 1, hi: num(&digits_before(clause, i))? * 12, fine_alone });
    }
    if clause.contains("拘役") {
        return Some(Tier { lo: 1, hi: 6, fine_alone });
    }
    None
}

/// The tier of the paragraph of `article_text` that defines the charge (by its name variants);
/// a paragraph without a penalty of its own (`…的，依照前款的规定处罚`) takes that of the nearest
/// paragraph before it that has one (`依照前两款`: the lighter of the two before it); else the
/// article's first tier.
pub fn charge_tier(article_text: &str, variants: &[String]) -> Option<Tier> {
    let para = crate::charges::defining_paragraph(article_text, variants);
    parse_tier(para).or_else(|| referred_tier(article_text, para)).or_else(|| parse_tier(first_paragraph(article_text)))
}

/// The tier of the paragraphs a paragraph without a penalty refers to (`依照前款`: the nearest one
/// before it with a penalty; `依照前两款`: the lighter of the two nearest; `依照第一款`: see
/// [`referred_paragraphs`]).
fn referred_tier(article_text: &str, para: &str) -> Option<Tier> {
    referred_paragraphs(article_text, para).into_iter().filter_map(parse_tier).min_by_key(|t| (t.lo, t.hi))
}

/// The paragraphs with a penalty that a paragraph without one refers to (`依照前款的规定处罚`).
/// `依照第一款`: the joined text of an article and its 之一 articles does not tell where the
/// sub-article's own first paragraph is; it is the nearest one before that refers to none before
/// it (no `前款`, `第一款`) and tells of the same object (four characters in a row beside the
/// reference: `公民个人信息` in 第253条之一, not 第253条's 邮件), else the article's first
/// paragraph.
fn referred_paragraphs<'a>(article_text: &'a str, para: &str) -> Vec<&'a str> {
    let paras: Vec<&str> = article_text.split('\n').filter(|p| !p.starts_with('（')).collect();
    let Some(i) = paras.iter().position(|p| *p == para) else { return Vec::new() };
    if para.contains("依照本法") {
        return Vec::new();
    }
    if para.contains("依照第一款") {
        let own: Vec<char> = para.replace("依照第一款的规定处罚", "").chars().collect();
        let shares = |p: &str| own.windows(4).any(|w| p.contains(&w.iter().collect::<String>()));
        let starts = |p: &str| !["前款", "第一款", "前两款", "依照"].iter().any(|k| p.contains(k));
        return paras[..i].iter().rev().find(|p| starts(p) && shares(p) && parse_tier(p).is_some()).map_or_else(|| vec![paras[0]], |p| vec![*p]);
    }
    if !para.contains("依照前") {
        return Vec::new();
    }
    let n = if para.contains("前两款") { 2 } else { 1 };
    paras[..i].iter().rev().filter(|p| parse_tier(p).is_some()).take(n).copied().collect()
}

fn first_paragraph(text: &str) -> &str {
    text.split('\n').next().unwrap_or(text)
}

/// The tier an amount falls in (thresholds: where the offence and each next tier begin) and the
/// estimate inside it: in the first tier from 0.2 to 0.5 of its maximum as the amount rises (on
/// the log scale) from one threshold to the next, in a higher tier its minimum plus 5% of its
/// span. Chosen on train.jsonl with every charge treated as unseen; checked again leaving one
/// charge out at a time (fractions 0.15–0.25 + 0.2–0.4, higher tiers 0–10%): no other choice
/// did better on the charge left out.
/// The estimate in a heavier tier the facts put the case in (by amount, harm, the statute's words
/// or sales): 5% into it, as the guideline starts from the tier's minimum (量刑起点).
fn near_minimum(t: Tier) -> f64 {
    t.lo as f64 + (t.hi - t.lo) as f64 * 0.05
}

/// Training cases a charge needs to stand in for another the same article punishes alike.
const SIBLING_CASES: usize = 20;

pub fn amount_tier_estimate(amount: f64, thresholds: &[f64], ladder: &[Tier]) -> (Tier, f64) {
    // the heaviest tier whose threshold the amount reaches (an infinite threshold: a tier that
    // the statute opens by other circumstances, not by amount)
    let k = (1..thresholds.len()).rev().find(|i| amount >= thresholds[*i]).unwrap_or(0).min(ladder.len() - 1);
    let t = ladder[k];
    if t.lo <= 1 {
        let next = thresholds[1..].iter().copied().filter(|x| x.is_finite()).fold(f64::INFINITY, f64::min);
        let (a, b) = (thresholds[0], if next.is_finite() { next } else { thresholds[0] * 10.0 });
        let frac = ((amount.max(1.0).ln() - a.ln()) / (b.ln() - a.ln())).clamp(0.0, 1.0);
        (t, t.hi as f64 * (0.2 + 0.3 * frac))
    } else {
        (t, near_minimum(t))
    }
}

/// The harm to persons a condition names: 3 when it names 重伤 (or 重伤 and death as
/// alternatives), 4 when it names death only, else 0.
fn condition_harm(cond: &str) -> u8 {
    if cond.contains("重伤、死亡") || cond.contains("重伤或者死亡") {
        3
    } else if cond.contains("死亡") {
        4
    } else if cond.contains("重伤") {
        3
    } else {
        0
    }
}

/// The heavier tiers of a charge that the statute attaches to harm to persons (`致人重伤的，处三年
/// 以上十年以下`, `有下列情形之一的，处十年以上…：…（五）抢劫致人重伤、死亡的`), read from the defining
/// paragraph and the paragraphs that go on with it (`犯前款罪…`, the numbered items, paragraphs
/// without a penalty). Empty when the basic offence itself needs harm (交通肇事: then the heavier
/// tiers are about something else, such as escaping).
pub fn harm_tiers(article_text: &str, defining: &str) -> Vec<(u8, Tier)> {
    let mut out: Vec<(u8, Tier)> = Vec::new();
    let mut base: Option<Tier> = None;
    for c in penalty_conditions(article_text, defining) {
        if c.head.contains("较轻") {
            continue;
        }
        let (t, h) = (c.tier, condition_harm(&c.cond));
        match base {
            None => {
                if h > 0 {
                    return Vec::new();
                }
                base = Some(t);
            }
            Some(b) => {
                if h > 0 && (t.lo, t.hi) > (b.lo, b.hi) && !out.iter().any(|(x, _)| *x == h) {
                    out.push((h, t));
                }
            }
        }
    }
    out
}

/// The weighted median of `(value, weight)` pairs: the least value at which the weights reached
/// half of their sum. Under the log-distance score (mean |ln(g+1) − ln(p+1)|) a median of the
/// outcomes on the log scale is the best point estimate of a distribution; the weights make it
/// the distribution of the nearest cases.
pub fn weighted_median(mut xs: Vec<(f64, f64)>) -> f64 {
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = xs.iter().map(|x| x.1).sum::<f64>() / 2.0;
    let mut acc = 0.0;
    for (v, w) in &xs {
        acc += w;
        if acc >= half {
            return *v;
        }
    }
    xs.last().map_or(0.0, |x| x.0)
}

/// Centre of the statutory first tier for a case without similar training cases (months).
/// 0.3 of the maximum: choosing the fraction (0.2–0.35) and a power of the maximum (0.6–1) on
/// the other training charges, leaving one out at a time, did worse on the one left out
/// (90.12 against 90.44).
pub fn tier_centre(t: Tier) -> f64 {
    let m = if t.lo <= 1 { t.hi as f64 * 0.3 } else { t.lo as f64 + (t.hi - t.lo) as f64 * 0.15 };
    if t.fine_alone { m * 0.5 } else { m }
}


/// Whether the offence the facts tell was committed before the Eleventh Amendment came into
/// force (2021-03-01): the first year the facts name (sentences about an earlier conviction
/// left out) is 2020 or earlier. Facts without a year are taken to be recent.
pub fn offence_before_2021(facts: &str) -> bool {
    let text = crate::cues::strip_record(facts);
    let b = text.as_bytes();
    (0..b.len().saturating_sub(4))
        .filter(|&i| b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) && text[i + 4..].starts_with('年'))
        .filter_map(|i| text[i..i + 4].parse::<u32>().ok())
        .find(|y| (1979..=2100).contains(y))
        .is_some_and(|y| y <= 2020)
}

/// A case's features for the neighbour search (months 0: the caller sets them). Full-width digits
/// are read as `Assistant::term_for` reads those of the facts it predicts for.
pub fn case_features(facts: &str, charge: &str) -> TermCase {
    let facts = &crate::numerals::half_width_digits(facts);
    TermCase { months: 0, log_q: (quantity(facts, charge) + 1.0).ln() as f32, flags: flags(facts), harm: harm_level(facts), log_len: log_len(facts) }
}

impl TermModel {
    /// The statutory estimate alone (development dumps).
    pub fn statute_only(&self, facts: &str, charge: &str, article: Option<u32>, cm: &ChargeModel) -> (f64, Option<Tier>) {
        // a concrete name (贩卖毒品) stands for the label that covers it
        let charge = cm.resolve(charge);
        let found = circumstances(facts);
        let art = article.or_else(|| cm.articles_of(&charge).and_then(|a| a.first().copied()));
        let tier = self.charge_tiers.get(&charge).or_else(|| art.and_then(|a| self.tiers.get(&a))).copied();
        (self.statute_estimate(facts, true, &charge, article, cm, &found).months, tier)
    }
}

/// The tiers the statute gives one charge, read from its article texts: the lightest ordinary
/// tier, every tier when it is graded by amount, the tiers opened by harm to persons, and the
/// tiers with the gravity words of their conditions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChargeLadders {
    pub tier: Option<Tier>,
    #[serde(default)]
    pub amount: Option<Vec<Tier>>,
    #[serde(default)]
    pub harm: Vec<(u8, Tier)>,
    #[serde(default)]
    pub condition: Vec<ConditionTier>,
    /// The paragraph defining the charge has no penalty of its own but orders a heavier one
    /// under the paragraphs it refers to (`猥亵儿童的，依照前两款的规定从重处罚`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub heavier: bool,
}

/// The increase for a charge the statute orders 从重处罚 ([`ChargeLadders::heavier`]): the
/// sentencing guideline's most for offences against the vulnerable (量刑指导意见: 犯罪对象为未成年人
/// …的，可以增加基准刑的20%以下); the statute's 从重 is mandatory here, so the most.
const HEAVIER: f64 = 1.2;

/// The text of article `a` for charge `c`: without the paragraphs that define another charge
/// whose name is this one's with a modifier before it (第358条第4款 defines 协助组织卖淫, not
/// 组织卖淫, though it names `组织卖淫`), so that the defining paragraph found is the charge's own.
fn own_text(c: &crate::charges::ChargeEntry, a: u32, text: &str, all: &[crate::charges::ChargeEntry]) -> String {
    // the negligent form of an offence is the paragraph `过失犯前款罪的…` (第115条第2款: 失火,
    // 过失投放危险物质 …), whatever words of the intentional form its name repeats
    if c.name.starts_with("过失") || c.name == "失火" {
        let negligent: Vec<&str> = text.split('\n').filter(|p| p.starts_with("过失犯")).collect();
        if !negligent.is_empty() {
            return negligent.join("\n");
        }
    }
    let taken: Vec<&str> = all
        .iter()
        // a modifier before the name (协助 + 组织卖淫), not a list that goes on with it (组织、强迫、
        // + 引诱、容留、介绍卖淫 is CAIL's merged label) nor a longer list after it (…爆炸物、危险物质)
        .filter(|d| d.name != c.name && d.name.strip_suffix(c.name.as_str()).is_some_and(|pre| !pre.ends_with('、')) && d.articles.contains(&a))
        .map(|d| crate::charges::defining_paragraph(text, &d.variants))
        .collect();
    text.split('\n').filter(|p| !taken.contains(p)).collect::<Vec<_>>().join("\n")
}

fn charge_ladders(c: &crate::charges::ChargeEntry, articles: &BTreeMap<u32, String>, all: &[crate::charges::ChargeEntry]) -> ChargeLadders {
    let first = c.articles.first().and_then(|a| articles.get(a).map(|t| own_text(c, *a, t, all)));
    let first = first.as_deref();
    let tier = first.and_then(|text| charge_tier(text, &c.variants));
    // the tiers of a charge graded by amount: the first of its articles (defining paragraph)
    // that names more than one (贪污 and 受贿 are punished under 第383条)
    let amount = crate::statute::amount_tiers(&c.name).and_then(|_| {
        c.articles.iter().find_map(|a| {
            let text = own_text(c, *a, articles.get(a)?, all);
            let defining = crate::charges::defining_paragraph(&text, &c.variants);
            let mut ladder = parse_ladder(defining);
            // a paragraph that takes the penalty of another (第253条之一第3款: `依照第一款的规定处罚`)
            // is graded by that one's tiers
            if ladder.len() <= 1
                && let [referred] = referred_paragraphs(&text, defining)[..]
            {
                ladder = parse_ladder(referred);
            }
            if ladder.len() <= 1 {
                // 第347条 defines the offence in a paragraph of its own and grades it in
                // the next ones
                ladder = parse_ladder(&text);
            }
            (ladder.len() > 1).then_some(ladder)
        })
    });
    let mut harm = first.map(|text| harm_tiers(text, crate::charges::defining_paragraph(text, &c.variants))).unwrap_or_default();
    // an article whose graver results the next one punishes (第114条 → 第115条第1款: 致人重伤、
    // 死亡或者使公私财产遭受重大损失的，处十年以上有期徒刑、无期徒刑或者死刑)
    if harm.is_empty()
        && let (Some(a), Some(base)) = (c.articles.first(), tier)
        && let Some((_, b)) = crate::statute::RESULT_ARTICLES.iter().find(|(x, _)| x == a)
        && let Some(p) = articles.get(b).map(|t| first_paragraph(t))
        && let Some(t) = parse_tier(p).filter(|t| (t.lo, t.hi) > (base.lo, base.hi))
        && condition_harm(p) > 0
    {
        harm.push((condition_harm(p), t));
    }
    let condition = first
        .map(|text| condition_tiers(text, crate::charges::defining_paragraph(text, &c.variants)))
        .filter(|tiers| tiers.len() > 1 && tiers.iter().any(|t| !t.words.is_empty()))
        .unwrap_or_default();
    let heavier = first.is_some_and(|text| {
        let def = crate::charges::defining_paragraph(text, &c.variants);
        parse_tier(def).is_none() && def.contains("从重处罚")
    });
    ChargeLadders { tier, amount, harm, condition, heavier }
}

impl TermModel {
    /// How many training cases the model keeps (cases sentenced for one charge).
    pub fn case_count(&self) -> usize {
        self.by_charge.values().map(Vec::len).sum()
    }
}

/// `earlier`: the articles as they stood before the Eleventh Amendment
/// ([`crate::data::criminal_law_before_2021`]); the charges they define get the tiers of that
/// law too ([`TermModel::before_2021`]).
pub fn train_term(cases: &[(String, &str, Term)], model: &ChargeModel, earlier: &BTreeMap<u32, String>) -> TermModel {
    let mut by_charge: BTreeMap<String, Vec<TermCase>> = BTreeMap::new();
    for (charge, facts, t) in cases {
        let name = plain_name(charge);
        let features = case_features(facts, &name);
        by_charge.entry(name).or_default().push(TermCase { months: to_months(*t), ..features });
    }
    let tiers = model.articles.iter().filter_map(|(n, t)| parse_tier(first_paragraph(t)).map(|r| (*n, r))).collect();
    let now: Vec<(String, ChargeLadders)> = model.charges.iter().map(|c| (c.name.clone(), charge_ladders(c, &model.articles, &model.charges))).collect();
    let charge_tiers = now.iter().filter_map(|(n, l)| l.tier.map(|t| (n.clone(), t))).collect();
    let amount_ladders = now.iter().filter_map(|(n, l)| l.amount.clone().map(|t| (n.clone(), t))).collect();
    let harm_ladders = now.iter().filter(|(_, l)| !l.harm.is_empty()).map(|(n, l)| (n.clone(), l.harm.clone())).collect();
    let condition_ladders = now.iter().filter(|(_, l)| !l.condition.is_empty()).map(|(n, l)| (n.clone(), l.condition.clone())).collect();
    let heavier = now.iter().filter(|(_, l)| l.heavier).map(|(n, _)| n.clone()).collect();
    // the same, by the law before 2021, for the charges whose articles it wrote otherwise
    let mut old_articles = model.articles.clone();
    old_articles.extend(earlier.iter().map(|(n, t)| (*n, t.clone())));
    let before_2021 = model
        .charges
        .iter()
        .zip(&now)
        .filter(|(c, _)| c.articles.iter().any(|a| earlier.contains_key(a)))
        .map(|(c, (_, cur))| (c.name.clone(), charge_ladders(c, &old_articles, &model.charges), cur))
        .filter(|(_, old, cur)| old != *cur)
        .map(|(n, old, _)| (n, old))
        .collect();
    TermModel { by_charge, tiers, charge_tiers, k: 25, params: TermParams::default(), amount_ladders, harm_ladders, condition_ladders, before_2021, heavier }
}

/// Whether the statute grades the charge by an amount or quantity (数额, 数量, 价值; drug
/// offences by weight): only then do neighbours need a similar amount.
pub fn amount_graded(charge: &str, cm: &ChargeModel) -> bool {
    if charge.contains("毒品") || is_dangerous_driving(charge) {
        return true;
    }
    let Some(a) = cm.articles_of(charge).and_then(|a| a.first().copied()) else { return true };
    cm.articles.get(&a).is_none_or(|t| ["数额", "数量", "价值"].iter().any(|k| t.contains(k)))
}

impl TermModel {
    /// The statutory estimate: the lightest ordinary tier of the paragraph that defines the
    /// charge (else of the article), at [`tier_centre`], times the circumstances' factors.
    fn statute_estimate(&self, facts: &str, single: bool, charge: &str, article: Option<u32>, cm: &ChargeModel, found: &[(&'static Circumstance, &'static str)]) -> StatuteEstimate {
        let mut reasons = Vec::new();
        let art = article.or_else(|| cm.articles_of(charge).and_then(|a| a.first().copied()));
        // the law of the time of the offence (刑法第12条)
        let old = self.before_2021.get(charge).filter(|_| offence_before_2021(facts));
        let charge_tier = match old {
            Some(o) => o.tier.as_ref(),
            None => self.charge_tiers.get(charge),
        };
        let amount_ladder = match old {
            Some(o) => o.amount.as_ref(),
            None => self.amount_ladders.get(charge),
        };
        let harm_ladder = match old {
            Some(o) => Some(&o.harm),
            None => self.harm_ladders.get(charge),
        };
        let condition_ladder = match old {
            Some(o) => Some(&o.condition),
            None => self.condition_ladders.get(charge),
        };
        if let (Some(_), Some(a)) = (old, art) {
            reasons.push(Reason::statute(a, format!("犯罪发生在刑法修正案（十一）施行（2021年3月1日）以前，依刑法第12条适用当时的刑法第{a}条")));
        }
        let tier = charge_tier
            .or_else(|| art.and_then(|a| self.tiers.get(&a)))
            .copied()
            .unwrap_or(Tier { lo: 1, hi: 36, fine_alone: false });
        let (mut lo, mut hi) = (tier.lo, tier.hi);
        let mut m = tier_centre(tier);
        let mut by_amount = None;
        if let (true, Some(th), Some(ladder)) = (single, crate::statute::amount_tiers_at(charge, old.is_some()), amount_ladder) {
            // what the statute grades the charge by (drug weight, timber volume, bribe …), else
            // the crime amount
            let amount = statute_measure(facts, charge).unwrap_or_else(|| crate::amount::crime_amount(facts).map_or(0.0, |a| a.amount));
            if amount > 0.0 {
                let (t, est) = amount_tier_estimate(amount, th, ladder);
                (lo, hi) = (t.lo, t.hi);
                // the tier centre's fine-alone halving does not apply once the amount is known
                m = est;
                by_amount = Some(amount);
            }
        }
        let mut by_harm = None;
        if single {
            let h = harm_level(facts);
            if let Some((need, t)) = harm_ladder.and_then(|v| v.iter().filter(|(need, _)| *need <= h).max_by_key(|(_, t)| (t.lo, t.hi)))
                && t.lo > lo
            {
                (lo, hi) = (t.lo, t.hi);
                m = near_minimum(*t);
                by_harm = Some(if *need >= 4 { "死亡" } else { "重伤" });
            }
        }
        // the facts name a tier's condition in the statute's words (属数额巨大, 情节特别严重):
        // that tier, unless amount or harm already put the case in a heavier one
        let mut by_words = None;
        if single && let Some((t, w)) = condition_ladder.and_then(|l| tier_named(facts, l)) {
            let raise = t.lo > lo && (t.lo, t.hi) != (lo, hi);
            let lenient = w == "情节较轻" && by_amount.is_none() && by_harm.is_none();
            if raise || lenient {
                (lo, hi) = (t.lo, t.hi);
                m = near_minimum(t);
                by_words = Some(w);
            }
        }
        // a fire, explosion or poisoning by negligence (刑法第115条第2款), or a public telecom or
        // broadcast line damaged by negligence (第124条第2款, the same two tiers), that neither
        // killed nor gravely injured anyone: the paragraph's 情节较轻 tier (三年以下), where such
        // judgments mostly fall; its first tier (三年以上七年以下) is for deaths and grave harm. No
        // case of these charges is in ../shared/data: the choice rests on the statute's structure.
        let mut by_negligence = None;
        if single
            && by_words.is_none()
            && by_amount.is_none()
            && by_harm.is_none()
            && matches!(art, Some(115 | 124))
            && (charge == "失火" || charge.starts_with("过失"))
            && harm_level(facts) < 3
            && let Some(t) = condition_ladder.and_then(|l| l.iter().find(|c| c.lenient)).map(|c| c.tier)
        {
            (lo, hi) = (t.lo, t.hi);
            m = tier_centre(t);
            by_negligence = Some(t);
        }
        // selling small quantities to three people or more, or three times or more, is 情节严重
        // (刑法第347条第4款; 法释〔2016〕8号第4条第1项): that tier, unless the quantity already
        // puts the case in a heavier one
        let mut by_sales = None;
        if single
            && charge == DRUG_SALE_CHARGE
            && by_words.is_none()
            && by_amount.is_none_or(|g| g < SMALL_DRUG_GRAMS)
            && let Some((n, why)) = drug_sales(facts)
            && let Some(t) = art.and_then(|a| cm.articles.get(&a)).and_then(|text| small_quantity_severe_tier(text))
            && t.lo > lo
        {
            (lo, hi) = (t.lo, t.hi);
            m = near_minimum(t);
            by_sales = Some((n, why));
        }
        // the count of the dead opens the next tier of accident and duty crimes (DEATH_TIERS)
        let mut by_deaths = None;
        if single
            && let Some((_, least, main, rule)) = DEATH_TIERS.iter().find(|d| d.0 == charge)
            && let Some((n, why)) = deaths(facts).filter(|d| d.0 >= *least)
            && (!main || crate::cues::matches(&crate::cues::strip_record(facts), "全部责任|主要责任"))
            && let Some(t) = condition_ladder.and_then(|l| l.iter().find(|c| !c.lenient && c.tier.lo > tier.lo)).map(|c| c.tier)
            && t.lo > lo
        {
            (lo, hi) = (t.lo, t.hi);
            m = near_minimum(t);
            by_deaths = Some((n, why, *rule));
        }
        // an act a heavier tier's numbered items name (入户抢劫, 多次抢劫, 轮奸 …): that tier
        let mut by_item = None;
        if single
            && let Some(text) = art.and_then(|a| cm.articles.get(&a))
            && let Some((item, why)) = item_act(facts, charge)
            // (the conditions of the charge's own paragraph: 第290条第2款's 首要分子 of a crowd
            // storming a state organ, not 第1款's)
            && let defining = cm.charges.iter().find(|c| c.name == charge).map_or_else(|| text.split('\n').next().unwrap_or(""), |c| crate::charges::defining_paragraph(text, &c.variants))
            && let Some(t) = penalty_conditions(text, defining).into_iter().find(|c| c.cond.contains(item)).map(|c| c.tier)
            && t.lo > lo
        {
            (lo, hi) = (t.lo, t.hi);
            m = near_minimum(t);
            by_item = Some((item, why));
        }
        let heavier = match old {
            Some(o) => o.heavier,
            None => self.heavier.contains(charge),
        };
        if heavier && by_amount.is_none() && by_harm.is_none() && by_words.is_none() && by_sales.is_none() && by_deaths.is_none() && by_item.is_none() {
            m *= HEAVIER;
            if let Some(a) = art {
                reasons.push(Reason::statute(a, format!("刑法第{a}条规定该罪依照前款从重处罚：估算×{HEAVIER}（量刑指导意见：增加基准刑的20%以下）")));
            }
        }
        m *= combined_factor(found);
        // longer findings of fact tell graver or more involved cases: ×exp(0.3·Δ ln length)
        // from the median training case (≈ 305 characters), chosen on train.jsonl with every
        // charge treated as unseen (85.81 → 86.31)
        let dl = (log_len(facts) - STATUTE_LEN_REF).clamp(-2.0, 2.0);
        m *= (STATUTE_LEN_W * dl).exp() as f64;
        // inside a tier with a minimum: below it only with a circumstance that allows 减轻处罚
        // (刑法第63条: 自首, 立功, 未遂, 从犯, 未成年), never above its maximum (neutral on the
        // train figures; keeps the estimate a sentence the statute allows). The minimum is also
        // returned as a floor for the blend with similar cases (term CV with charge given
        // 90.84 → 90.94, facts only 89.54 → 89.68)
        let mut floor = None;
        if lo > 1 {
            let reduce = found.iter().any(|(c, _)| ["自首", "立功", "未遂", "从犯", "未成年"].contains(&c.name) || c.stage == Stage::First);
            if !reduce {
                m = m.max(lo as f64);
                floor = Some(lo as f64);
            }
            m = m.min(hi as f64);
        }
        if let Some(a) = art {
            if let Some((item, why)) = &by_item {
                reasons.push(Reason::statute(a, format!("刑法第{a}条：案情所述属“{item}”（“{why}”），适用{lo}至{hi}个月一档")));
            } else if let Some((n, why, rule)) = &by_deaths {
                reasons.push(Reason::statute(a, format!("刑法第{a}条：读出死亡{n}人（“{why}”），{rule}，适用{lo}至{hi}个月一档")));
            } else if let Some((n, why)) = &by_sales {
                reasons.push(Reason::statute(a, format!("刑法第{a}条第4款：读出贩卖毒品{n}次（人）（“{why}”），属情节严重（法释〔2016〕8号第4条第1项），适用{lo}至{hi}个月一档")));
            } else if by_negligence.is_some() {
                reasons.push(Reason::statute(a, format!("刑法第{a}条第2款：案情未述及致人死亡或重伤，按“情节较轻”一档{lo}至{hi}个月估算")));
            } else if let Some(w) = &by_words {
                reasons.push(Reason::statute(a, format!("刑法第{a}条：案情写明“{w}”，适用{lo}至{hi}个月一档")));
            } else if let Some(harm) = by_harm {
                reasons.push(Reason::statute(a, format!("刑法第{a}条：致人{harm}，适用{lo}至{hi}个月一档")));
            } else if let Some(amount) = by_amount {
                let what = if charge.contains("毒品") {
                    format!("毒品数量{}克（折合海洛因）", crate::num(amount))
                } else if charge.contains("林木") {
                    format!("林木{}立方米", crate::num(amount))
                } else if is_protected_plants(charge) {
                    format!("采伐、毁坏珍贵树木{}株（材积二立方米以上按二株计，法释〔2000〕36号第2条）", crate::num(amount))
                } else if charge.starts_with("走私") {
                    format!("偷逃应缴税额{}元", crate::num(amount))
                } else if is_vat_invoice(charge) {
                    format!("发票所载税款{}元", crate::num(amount))
                } else if crate::amount::is_bribery(charge) && crate::amount::bribe_amount(facts).is_some() {
                    format!("贿赂数额{}元（法释〔2016〕9号）", crate::num(amount))
                } else if is_personal_information(charge) {
                    format!("公民个人信息折合一般信息{}条（法释〔2017〕10号第5条）", crate::num(amount))
                } else {
                    format!("涉案金额{}元", crate::num(amount))
                };
                reasons.push(Reason::statute(a, format!("刑法第{a}条：{what}，依刑法及司法解释的数额标准，适用{lo}至{hi}个月一档")));
            } else {
                let alone = if tier.fine_alone { "（可以单处罚金）" } else { "" };
                reasons.push(Reason::statute(a, format!("刑法第{a}条第一档法定刑：{lo}至{hi}个月{alone}")));
            }
        } else {
            reasons.push(Reason::rule(format!("未能确定“{charge}”罪所依据的刑法条文，亦无该罪的训练案例：按一般刑期{lo}至{hi}个月估算")));
        }
        let surrender = found.iter().any(|(c, _)| c.name == "自首");
        let recidivist = found.iter().any(|(c, _)| c.name == "累犯");
        for (c, k) in found {
            let why_not = if c.name == "坦白" && surrender {
                Some("已含于自首")
            } else if recidivist && (c.name == "前科" || c.name == "毒品再犯") {
                Some("与累犯为同一前罪，不重复评价")
            } else {
                None
            };
            match why_not {
                Some(w) => reasons.push(Reason::fact(format!("{}（{}）：案情含“{}”，{}，不另计", c.name, c.basis, k, w))),
                None if *k == MINOR_BY_AGE => reasons.push(Reason::fact(format!("{}（{}），系数×{:.2}：案情所写{k}", c.name, c.basis, c.factor))),
                None => reasons.push(Reason::fact(format!("{}（{}），系数×{:.2}：案情含“{}”", c.name, c.basis, c.factor, k))),
            }
        }
        StatuteEstimate { months: m, reasons, floor, named: by_words.is_some() || by_sales.is_some() || by_deaths.is_some() || by_item.is_some() }
    }

    /// A charge with training cases (at least [`SIBLING_CASES`]) that the same article punishes
    /// alike: the same defining article, the same tiers and the same measure.
    pub fn sibling(&self, charge: &str, cm: &ChargeModel) -> Option<&String> {
        let first = |c: &str| cm.articles_of(c).and_then(|a| a.first().copied());
        let art = first(charge)?;
        let tier = self.charge_tiers.get(charge)?;
        self.by_charge
            .iter()
            .filter(|(k, v)| {
                k.as_str() != charge
                    && v.len() >= SIBLING_CASES
                    && first(k) == Some(art)
                    && self.charge_tiers.get(*k) == Some(tier)
                    && self.condition_ladders.get(*k).map(|l| l.iter().map(|c| c.tier).collect::<Vec<_>>()) == self.condition_ladders.get(charge).map(|l| l.iter().map(|c| c.tier).collect::<Vec<_>>())
                    && crate::statute::amount_tiers(k) == crate::statute::amount_tiers(charge)
            })
            .max_by_key(|(_, v)| v.len())
            .map(|(k, _)| k)
    }

    /// The term when neither a charge is given nor one can be read from the facts (empty facts,
    /// a name alone): the median of every training case, saying so.
    pub fn without_charge(&self) -> TermSuggestion {
        let mut all: Vec<u16> = self.by_charge.values().flatten().map(|c| c.months).collect();
        all.sort_unstable();
        let m = all.get(all.len() / 2).copied().unwrap_or(0);
        TermSuggestion {
            term: Term::Months(m as u32),
            reasons: vec![Reason::rule(format!("未给出罪名，案情中也没有可据以判断罪名的内容：取全部{}件训练案例刑期的中位数{m}个月，仅供参考", all.len()))],
        }
    }

    pub fn predict(&self, facts: &str, charge: &str, article: Option<u32>, cm: &ChargeModel) -> TermSuggestion {
        let mut s = self.predict_part(facts, charge, article, cm, true);
        s.term = follow_recommendation(s.term, facts, &mut s.reasons);
        s
    }

    /// The term for one charge; `single`: the facts tell this charge only (false when they tell
    /// several offences, whose amounts and harms the text does not keep apart: then the
    /// statutory estimate does not pick the tier by amount or harm).
    pub fn predict_part(&self, facts: &str, charge: &str, article: Option<u32>, cm: &ChargeModel, single: bool) -> TermSuggestion {
        // a concrete name (贩卖毒品) stands for the label that covers it
        let charge = cm.resolve(charge);
        let found = circumstances(facts);
        let q = quantity(facts, &charge);
        let lq = (q + 1.0).ln() as f32;
        let f = flags(facts);
        let ll = log_len(facts);
        let mut reasons = Vec::new();
        // the charge's own training cases, else those of the offence it is a kind of (合同诈骗,
        // 信用卡诈骗 → 诈骗: the name ends with it); not any name that merely contains another
        // (盗窃、侮辱尸体 is no theft, 走私 no drug offence), nor one whose base tier starts
        // elsewhere (协助组织卖淫, 刑法第358条第4款 up to five years, is no 组织卖淫 of five to ten)
        let base_lo = |c: &str| self.charge_tiers.get(c).map(|t| t.lo);
        let key = self.by_charge.keys().find(|k| **k == charge).or_else(|| {
            self.by_charge
                .keys()
                .filter(|k| k.chars().count() >= 2 && charge.len() > k.len() && charge.ends_with(k.as_str()))
                .filter(|k| base_lo(k).is_none() || base_lo(&charge).is_none() || base_lo(k) == base_lo(&charge))
                .max_by_key(|k| k.len())
        });
        // else those of a charge the same article punishes alike (玩忽职守 and 滥用职权, both
        // 刑法第397条): same article, same tiers, graded by the same measure
        let sibling = if key.is_none() || key.is_some_and(|k| self.by_charge.get(k).is_none_or(|v| v.len() < 3)) { self.sibling(&charge, cm) } else { None };
        let key = sibling.or(key);
        let months: f64;
        match key.and_then(|k| self.by_charge.get(k).map(|v| (k, v))).filter(|(_, v)| v.len() >= 3) {
            Some((k, cases)) => {
                let pr = self.params;
                let h = harm_level(facts);
                // an amount says nothing about a charge the statute does not grade by amount
                // (5-fold CV on train: 90.70 → 90.76)
                let amount_w = if amount_graded(&charge, cm) { 1.0 } else { 0.0 };
                let mut d: Vec<(f32, u16)> = cases
                    .iter()
                    .map(|c| (amount_w * (c.log_q - lq).abs() + pr.flag_w * (c.flags ^ f).count_ones() as f32 + pr.harm_w * (c.harm as f32 - h as f32).abs() + pr.len_w * (c.log_len - ll).abs(), c.months))
                    .collect();
                d.sort_by(|a, b| a.partial_cmp(b).unwrap());
                let k_n = self.k.min(d.len());
                // on the log scale of the score: the neighbours' mean or median, shrunk towards
                // the charge's median
                let centre = |xs: &mut Vec<f64>| -> f64 {
                    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
                    let n = xs.len();
                    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
                };
                let mut near: Vec<f64> = d[..k_n].iter().map(|x| (x.1 as f64 + 1.0).ln()).collect();
                // each neighbour weighs exp(−distance/τ): the nearest count most (5-fold CV on
                // train, τ = 0.3/0.5/0.7/1/1.4/2/4: 92.09/92.10/92.12/92.13/92.11/92.06/92.02
                // against 91.98 for the plain median)
                let g_near = if pr.tau > 0.0 {
                    weighted_median(d[..k_n].iter().map(|x| ((x.1 as f64 + 1.0).ln(), (-(x.0 / pr.tau) as f64).exp())).collect())
                } else if pr.median {
                    centre(&mut near)
                } else {
                    near.iter().sum::<f64>() / k_n as f64
                };
                let mut all: Vec<f64> = cases.iter().map(|c| (c.months as f64 + 1.0).ln()).collect();
                let g_all = centre(&mut all);
                let mut blended = None;
                let mut lifted = None;
                let mm = (pr.blend as f64 * g_all + (1.0 - pr.blend as f64) * g_near).exp() - 1.0;
                // where the statute grades the charge by amount, its tier for this amount is
                // blended in (weight statute_w on the log scale; 5-fold CV on train 91.31 →
                // 91.44); not for one charge of several, whose amount is not its own
                // few training cases make a poor neighbourhood (25 of 30 is the charge's median):
                // the statute weighs more, 1 − n/200 (5-fold CV on train, N = 50/100/200/400:
                // 91.68/91.70/91.71/91.69 against 91.67)
                let sw = (pr.statute_w as f64).max(1.0 - cases.len() as f64 / 200.0);
                // so is the tier whose condition the facts name in the statute's words (`逃逸`,
                // `情节严重`), which the similar cases do not weigh (CAIL term CV, charge given
                // 90.97 → 91.06, facts only 89.80 → 89.85; 交通肇事 0.914 → 0.924)
                let statute = (single && sw > 0.0).then(|| self.statute_estimate(facts, single, &charge, article, cm, &found));
                months = if let Some(StatuteEstimate { months: st, reasons: why, floor, named }) = statute
                    && (named || crate::statute::amount_tiers(&charge).is_some())
                {
                    blended = Some((st, why));
                    let b = (sw * (st.max(0.0) + 1.0).ln() + (1.0 - sw) * (mm + 1.0).ln()).exp() - 1.0;
                    match floor {
                        Some(f) if b < f => {
                            lifted = Some(f);
                            f
                        }
                        _ => b,
                    }
                } else {
                    mm
                };
                if let Some(s) = sibling {
                    let art = cm.articles_of(s).and_then(|a| a.first().copied()).unwrap_or(0);
                    reasons.push(Reason::statute(art, format!("{charge}罪无训练案例：与{s}罪同规定于刑法第{art}条、法定刑相同，按{s}罪的案例估算")));
                }
                let zero = if d[..k_n].iter().any(|x| x.1 == 0) { "（0为未判处有期徒刑、拘役）" } else { "" };
                reasons.push(Reason::similar(format!(
                    "{}罪的{}件相似训练案例，按{}及量刑情节比对，刑期（月）：{}{zero}",
                    k,
                    k_n,
                    if charge.contains("毒品") && q > 0.0 {
                        format!("折合海洛因的毒品数量{}克", crate::num((q * 10.0).round() / 10.0))
                    } else if charge.contains("毒品") && amount_w > 0.0 {
                        "毒品数量（案情未写明重量，按少量计）".to_string()
                    } else if is_dangerous_driving(&charge) && q > 0.0 {
                        format!("血液酒精含量{}mg/100ml（醉酒标准80mg/100ml）", crate::num((q * 10.0).round() / 10.0))
                    } else if is_dangerous_driving(&charge) {
                        "血液酒精含量（案情未写明）".to_string()
                    } else if amount_w > 0.0 {
                        format!("金额{}元", crate::num(q.round()))
                    } else {
                        "人身伤害程度（该罪不以数额定档）".to_string()
                    },
                    d[..k_n].iter().map(|x| shown_months(x.1)).collect::<Vec<_>>().join("、")
                )));
                if let Some((st, why)) = blended {
                    reasons.push(Reason::rule(format!("与法定刑估算{st:.0}个月加权（法定刑权重{sw:.2}，按对数刻度）")));
                    reasons.extend(why);
                }
                if let Some(f) = lifted {
                    reasons.push(Reason::statute(63, format!("未见自首、立功、未遂、从犯、未成年等减轻处罚情节，不低于该档最低刑{f:.0}个月（刑法第63条）")));
                }
            }
            None => {
                let st = self.statute_estimate(facts, single, &charge, article, cm, &found);
                months = st.months;
                reasons.extend(st.reasons);
            }
        }
        let mut months = months;
        if let Some(phrase) = exemption_asked(facts) {
            // about half of such cases end without a prison term: under the log distance any
            // estimate between 0 and the low end of the others is then about as good; halve it
            let f = 0.5;
            months *= f;
            reasons.push(Reason::statute(37, format!("案情提出免予刑事处罚（刑法第37条、第67条）：含“{phrase}”；估算×{f}")));
        }
        if let Some((earlier, phrase)) = unserved_sentence(facts) {
            // what is left of the earlier term is unknown: half of it, combined as 数罪并罚
            // combines (the heavier term plus half of the other, as for several charges)
            let left = earlier * 0.5;
            let combined = months.max(left) + 0.5 * months.min(left);
            reasons.push(Reason::statute(71, format!("刑罚执行期间又犯新罪（“{phrase}”；刑法第71条）：前罪刑期{earlier:.0}个月的一半与本罪{months:.0}个月并罚（第69条），共{combined:.0}个月")));
            months = combined;
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
        let cases: [(&str, &[&str]); 17] = [
            ("被告人到派出所投案自首，如实供述", &["自首", "坦白"]),
            // the age at the offence written as a number; a victim's age is no such thing
            ("被告人李某案发时只有十六岁，应当从轻或减轻处罚", &["未成年"]),
            ("被害人王某（女，15岁）作案时被告人在场", &[]),
            ("被告人系累犯，应从重处罚", &["累犯"]),
            ("被告人未自首", &[]),
            ("赔偿被害人损失并取得谅解", &["赔偿", "谅解"]),
            ("盗窃未遂，系从犯", &["未遂", "从犯"]),
            ("被告人李某无犯罪前科，归案后如实供述", &["坦白"]),
            ("经查，被告人的行为不构成累犯", &[]),
            ("被告人虽不具有自首情节，但如实供述", &["坦白"]),
            ("盗窃未遂、如实供述", &["坦白", "未遂"]),
            // 刑法第23条: 由于犯罪分子意志以外的原因而未得逞
            ("欲强行与其发生性关系，因被害人反抗而未能得逞", &["未遂"]),
            // the victim's demands are no repeated offence
            ("被告人将刘某的现金据为己有，刘某多次催要未果", &[]),
            ("被告人多次入户盗窃", &["多次"]),
            // 多次索要: the owner's when the clause names him or the demand failed, else the
            // extortioner's
            ("被告人拒不归还。嗣后经被害人陶某多次索要，被告人仍不退还", &[]),
            ("后刘某甲发现被骗，多次索要钱款、证件未果", &[]),
            ("被告人张某以曝光视频相威胁，多次索要现金", &["多次"]),
        ];
        for (s, want) in cases {
            let got: Vec<&str> = circumstances(s).iter().map(|c| c.0.name).collect();
            assert_eq!(got, want, "{s}");
        }
    }

    #[test]
    fn one_earlier_conviction_is_weighed_once() {
        let f = "被告人曾因贩卖毒品罪被判处有期徒刑，刑满释放后五年内再犯，系累犯、毒品再犯。";
        let found = circumstances(f);
        let names: Vec<&str> = found.iter().map(|c| c.0.name).collect();
        assert!(names.contains(&"累犯") && names.contains(&"前科") && names.contains(&"毒品再犯"), "{names:?}");
        assert!((combined_factor(&found) - 1.25).abs() < 1e-9);
    }

    #[test]
    fn drug_offences_are_measured_by_weight() {
        let facts = "被告人以人民币200元的价格向吸毒人员贩卖甲基苯丙胺0.5克。";
        assert_eq!(quantity(facts, "走私、贩卖、运输、制造毒品"), 0.5);
        // other offences: the money
        assert_eq!(quantity("被告人盗窃现金人民币200元。", "盗窃"), 200.0);
        // ketamine: 500 g is in the tier of 50 g of heroin (法释〔2016〕8号 第1条)
        assert!((quantity("被告人贩卖氯胺酮100克。", "走私、贩卖、运输、制造毒品") - 10.0).abs() < 1e-9);
        // one sentence naming both: each weight at its own drug's measure
        assert!((quantity("被告人贩卖氯胺酮100克、甲基苯丙胺2克。", "走私、贩卖、运输、制造毒品") - 12.0).abs() < 1e-9);
        // no weight written: the money paid is no measure of the drugs
        assert_eq!(quantity("被告人以300元的价格向吸毒人员王某贩卖一小包海洛因。", "走私、贩卖、运输、制造毒品"), 0.0);
        assert_eq!(quantity("被告人以300元的价格向吸毒人员王某贩卖一小包海洛因。", "非法持有毒品"), 0.0);
        // the drugs of a case he informed on are not his
        assert_eq!(quantity("被告人贩卖海洛因0.3克。被告人到案后提供线索，协助公安机关抓获他人并查获海洛因52克。", "走私、贩卖、运输、制造毒品"), 0.3);
    }

    #[test]
    fn drug_weights_are_read_as_the_facts_write_them() {
        let close = |facts: &str, want: f64| {
            let got = drug_grams(facts);
            assert!((got - want).abs() < 1e-9, "{facts}: {got}, not {want}");
        };
        // kilograms and milligrams
        close("查获海洛因1.2千克。", 1200.0);
        close("查获甲基苯丙胺3公斤。", 3000.0);
        close("查获海洛因20毫克。", 0.02);
        // `余克`: at least the figure
        close("共计7.88余克，均检出海洛因。", 7.88);
        // each sentence's drug: ketamine in one, methamphetamine in the other
        close("贩卖氯胺酮50克。另贩卖甲基苯丙胺2克。", 7.0);
        // caffeine alone (安钠咖 tablets) weighs little; beside methamphetamine (麻古) it does not count
        close("销售安钠咖一块，净重10克，检出咖啡因成分。", 10.0 * 0.000_2);
        close("贩卖麻古2克，检出甲基苯丙胺和咖啡因成分。", 2.0);
        // several drugs in one sentence: each weight at the drug written beside it, before the
        // figure, after its unit, or in the words that follow it
        close("经鉴定，上述物品系甲基苯丙胺0.95克和氯胺酮19.54克。", 0.95 + 1.954);
        close("查获鸦片1564克、甲基苯丙胺1.3克。", 1564.0 * 0.05 + 1.3);
        close("贩卖0.5克冰毒和3克K粉。", 0.5 + 0.3);
        close("搜出白色粉末1包（净重48.85克，检出氯胺酮成份）、褐色固体1包（净重5.07克，检出甲基苯丙胺成份）。", 4.885 + 5.07);
        // 二乙酰吗啡 is how an appraisal names heroin; morphine alone counts half
        close("净重2克，检出海洛因的主要成分二乙酰吗啡。", 2.0);
        close("贩卖吗啡10克。", 5.0);
        // MDMA's chemical name holds 甲基苯丙胺's, and MDMA counts half
        close("贩卖摇头丸10克，检出3,4-亚甲二氧基甲基苯丙胺成分。", 5.0);
        // the appraisal restating the seizure's weight counts once
        close("共计净重0.16克。经鉴定，在该0.16克毒品可疑物内检出海洛因。", 0.16);
        // a gross weight beside a net one is left out
        close("查获冰毒一包，毛重5.5克，净重5克。", 5.0);
        // a total stands for its parts
        close("三次贩卖冰毒0.3克、0.5克、0.4克，共计1.2克。", 1.2);
        // without a total, the parts add up
        close("三次贩卖冰毒0.3克、0.5克、0.4克。", 1.2);
        // no weight at all
        close("以200元的价格贩卖一小包海洛因。", 0.0);
    }

    #[test]
    fn sales_of_drugs_are_counted() {
        let n = |facts: &str| drug_sales(facts).map(|s| s.0);
        // times written out, in Arabic or Chinese numerals, in the sale's clause or just before it
        assert_eq!(n("被告人先后4次向吸毒人员王某贩卖甲基苯丙胺共计1.2克。"), Some(4));
        assert_eq!(n("被告人先后三次，每次以100元的价格贩卖海洛因给李某。"), Some(3));
        assert_eq!(n("被告人多次向他人出售冰毒。"), Some(3));
        // buyers: 向多人, or three named before the sale
        assert_eq!(n("被告人向多人贩卖甲基苯丙胺。"), Some(3));
        assert_eq!(n("被告人分别向张某、李某、王某、赵某贩卖海洛因。"), Some(4));
        // sales priced one by one
        assert_eq!(n("被告人以200元的价格将0.4克冰毒卖给张某。被告人以300元的价格将0.5克冰毒卖给李某。被告人以100元的价格将0.2克冰毒卖给王某。"), Some(3));
        // a numbered list of deals; the evidence list does not count
        let listed = "公诉机关指控：1、2016年3月1日，被告人在某宾馆贩卖冰毒0.2克给张某。2、3月5日，被告人交给李某冰毒0.3克，收取300元。3、3月9日，被告人与王某交易冰毒0.1克。";
        assert_eq!(n(listed), Some(3));
        assert_eq!(n("被告人贩卖冰毒0.2克给张某。上述事实，有下列证据证实：1、书证购买记录；2、证人证言；3、被告人供述。"), None);
        // 次日 is the next day, not a time; buying is no sale; fewer than three is none
        assert_eq!(n("被告人贩卖冰毒给张某，次日又贩卖冰毒给李某。"), None);
        assert_eq!(n("被告人先后5次向他人购买冰毒，后贩卖给张某。"), None);
        assert_eq!(n("被告人两次向张某贩卖海洛因。"), None);
        assert_eq!(n("被告人向张某、李某贩卖海洛因。"), None);
        // the earlier conviction's sales are not this case's
        assert_eq!(n("被告人曾因多次贩卖毒品被判处有期徒刑。2017年5月，被告人向张某贩卖冰毒0.2克。"), None);
    }

    #[test]
    fn the_small_quantity_paragraph_names_its_severe_tier() {
        let art347 = "走私、贩卖、运输、制造毒品，无论数量多少，都应当追究刑事责任，予以刑事处罚。\n走私、贩卖、运输、制造毒品，有下列情形之一的，处十五年有期徒刑、无期徒刑或者死刑，并处没收财产：\n走私、贩卖、运输、制造鸦片不满二百克、海洛因或者甲基苯丙胺不满十克或者其他少量毒品的，处三年以下有期徒刑、拘役或者管制，并处罚金；情节严重的，处三年以上七年以下有期徒刑，并处罚金。";
        let t = small_quantity_severe_tier(art347).expect("the 情节严重 tier");
        assert_eq!((t.lo, t.hi), (36, 84));
        assert!(small_quantity_severe_tier("盗窃公私财物，数额较大的，处三年以下有期徒刑。").is_none());
    }

    #[test]
    fn harm_tiers_from_the_statute() {
        let art234 = "故意伤害他人身体的，处三年以下有期徒刑、拘役或者管制。\n犯前款罪，致人重伤的，处三年以上十年以下有期徒刑；致人死亡或者以特别残忍手段致人重伤造成严重残疾的，处十年以上有期徒刑、无期徒刑或者死刑。本法另有规定的，依照规定。\n组织他人出卖人体器官的，处五年以下有期徒刑，并处罚金；情节严重的，处五年以上有期徒刑。";
        let def = art234.split('\n').next().unwrap();
        let got: Vec<(u8, u16, u16)> = harm_tiers(art234, def).iter().map(|(h, t)| (*h, t.lo, t.hi)).collect();
        assert_eq!(got, vec![(3, 36, 120), (4, 120, 300)]);
        let art263 = "以暴力、胁迫或者其他方法抢劫公私财物的，处三年以上十年以下有期徒刑，并处罚金；有下列情形之一的，处十年以上有期徒刑、无期徒刑或者死刑，并处罚金或者没收财产：\n（一）入户抢劫的；\n（五）抢劫致人重伤、死亡的；";
        let got: Vec<(u8, u16, u16)> = harm_tiers(art263, art263.split('\n').next().unwrap()).iter().map(|(h, t)| (*h, t.lo, t.hi)).collect();
        assert_eq!(got, vec![(3, 120, 300)]);
        // the basic offence already needs harm: the heavier tiers are about escaping
        let art133 = "违反交通运输管理法规，因而发生重大事故，致人重伤、死亡或者使公私财产遭受重大损失的，处三年以下有期徒刑或者拘役；交通运输肇事后逃逸或者有其他特别恶劣情节的，处三年以上七年以下有期徒刑；因逃逸致人死亡的，处七年以上有期徒刑。";
        assert!(harm_tiers(art133, art133).is_empty());
    }

    #[test]
    fn amount_picks_the_tier() {
        let ladder = parse_ladder("盗窃公私财物，数额较大的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金；数额巨大或者有其他严重情节的，处三年以上十年以下有期徒刑，并处罚金；数额特别巨大或者有其他特别严重情节的，处十年以上有期徒刑或者无期徒刑，并处罚金或者没收财产。");
        assert_eq!(ladder.iter().map(|t| (t.lo, t.hi)).collect::<Vec<_>>(), vec![(1, 36), (36, 120), (120, 300)]);
        let th = crate::statute::amount_tiers("盗窃").unwrap();
        assert_eq!(amount_tier_estimate(100_000.0, th, &ladder).0.lo, 36);
        assert_eq!(amount_tier_estimate(1_000_000.0, th, &ladder).0.lo, 120);
        let (t, low) = amount_tier_estimate(2_000.0, th, &ladder);
        let (_, high) = amount_tier_estimate(40_000.0, th, &ladder);
        assert_eq!(t.lo, 1);
        assert!(low < high && high <= 36.0 * 0.5);
    }

    #[test]
    fn tiers_named_in_the_statute_s_words() {
        let art264 = "盗窃公私财物，数额较大的，或者多次盗窃、入户盗窃、携带凶器盗窃、扒窃的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金；数额巨大或者有其他严重情节的，处三年以上十年以下有期徒刑，并处罚金；数额特别巨大或者有其他特别严重情节的，处十年以上有期徒刑或者无期徒刑，并处罚金或者没收财产。";
        let ladder = condition_tiers(art264, art264);
        let words: Vec<Vec<String>> = ladder.iter().map(|c| c.words.clone()).collect();
        assert_eq!(words, vec![vec!["数额较大".to_string()], vec!["数额巨大".into(), "其他严重情节".into()], vec!["数额特别巨大".into(), "其他特别严重情节".into()]]);
        let named = |f: &str| tier_named(f, &ladder).map(|(t, w)| (t.lo, w));
        assert_eq!(named("公诉机关认为，被告人盗窃他人财物，数额巨大，应以盗窃罪追究"), Some((36, "数额巨大".into())));
        assert_eq!(named("被告人盗窃他人财物，数额特别巨大"), Some((120, "数额特别巨大".into())));
        // negated, or about an earlier conviction
        assert_eq!(named("被告人盗窃他人财物，尚未达到数额巨大"), None);
        assert_eq!(named("被告人曾因盗窃数额巨大被判处有期徒刑五年。2016年被告人盗窃手机一部"), None);
        // the same words in a paragraph that adds a condition (第397条第2款: 徇私舞弊) do not
        // open its heavier tier
        let art397 = "国家机关工作人员滥用职权或者玩忽职守，致使公共财产、国家和人民利益遭受重大损失的，处三年以下有期徒刑或者拘役；情节特别严重的，处三年以上七年以下有期徒刑。本法另有规定的，依照规定。\n国家机关工作人员徇私舞弊，犯前款罪的，处五年以下有期徒刑或者拘役；情节特别严重的，处五年以上十年以下有期徒刑。本法另有规定的，依照规定。";
        let ladder = condition_tiers(art397, art397.split('\n').next().unwrap());
        assert_eq!(tier_named("被告人滥用职权，情节特别严重", &ladder).map(|(t, _)| (t.lo, t.hi)), Some((36, 84)));
        // a charge defined in a numbered item is graded by the paragraph that heads the list
        let art226 = "以暴力、威胁手段，实施下列行为之一，情节严重的，处三年以下有期徒刑或者拘役，并处或者单处罚金；情节特别严重的，处三年以上七年以下有期徒刑，并处罚金：\n（一）强买强卖商品的；\n（二）强迫他人提供或者接受服务的；";
        let ladder = condition_tiers(art226, "（二）强迫他人提供或者接受服务的；");
        assert_eq!(ladder.iter().map(|c| (c.tier.lo, c.tier.hi)).collect::<Vec<_>>(), vec![(1, 36), (36, 84)]);
        // a tier reserved for lighter cases
        let art232 = "故意杀人的，处死刑、无期徒刑或者十年以上有期徒刑；情节较轻的，处三年以上十年以下有期徒刑。";
        let ladder = condition_tiers(art232, art232);
        assert_eq!(tier_named("被告人杀害其子，情节较轻", &ladder).map(|(t, _)| (t.lo, t.hi)), Some((36, 120)));
        // the statute quoted in the indictment names every tier, not the case's
        assert_eq!(tier_named("其行为已触犯刑法关于“××的，处××；情节较轻的，处三年以上十年以下××”之规定", &ladder), None);
        // 逃逸 opens 第133条's second tier (交通运输肇事后逃逸); not when denied
        let art133 = "违反交通运输管理法规，因而发生重大事故，致人重伤、死亡或者使公私财产遭受重大损失的，处三年以下有期徒刑或者拘役；交通运输肇事后逃逸或者有其他特别恶劣情节的，处三年以上七年以下有期徒刑；因逃逸致人死亡的，处七年以上有期徒刑。";
        let ladder = condition_tiers(art133, art133);
        assert_eq!(tier_named("被告人赵某驾车将行人撞倒后驾车逃逸", &ladder).map(|(t, _)| (t.lo, t.hi)), Some((36, 84)));
        assert_eq!(tier_named("被告人赵某驾车将行人撞倒，赵某没有逃逸，在现场等候处理", &ladder), None);
    }

    #[test]
    fn stored_terms_are_shown_by_name() {
        assert_eq!(shown_months(to_months(Term::Life)), "无期");
        assert_eq!(shown_months(to_months(Term::Death)), "死刑");
        assert_eq!(shown_months(to_months(Term::Months(18))), "18");
        assert_eq!(shown_months(0), "0");
    }

    #[test]
    fn amount_tiers_follow_the_law_that_applies() {
        use crate::statute::{amount_tiers, amount_tiers_at};
        // 1997 刑法第192条 had three tiers (法释〔2010〕18号: 10万 / 30万 / 100万); the amended one two
        assert_eq!(amount_tiers_at("集资诈骗", true), Some(&[100_000.0, 300_000.0, 1_000_000.0][..]));
        assert_eq!(amount_tiers_at("集资诈骗", false), amount_tiers("集资诈骗"));
        // a charge whose tiers did not change is read the same either way
        assert_eq!(amount_tiers_at("盗窃", true), amount_tiers("盗窃"));
    }

    #[test]
    fn acts_of_the_heavier_items_are_read() {
        let item = |f: &str, c: &str| item_act(f, c).map(|x| x.0);
        assert_eq!(item("经审理查明：被告人李某翻墙进入被害人王某家中，持刀威胁王某，劫取现金5000元。", "抢劫"), Some("入户抢劫"));
        assert_eq!(item("被告人李某先后三次在某区持刀拦截路人，劫取手机、现金等财物。", "抢劫"), Some("多次抢劫"));
        assert_eq!(item("被告人张某伙同李某在公交车上持刀威胁乘客，抢走现金800元。", "抢劫"), Some("在公共交通工具上抢劫"));
        assert_eq!(item("被告人甲、乙二人将被害人挟持至山上轮奸。", "强奸"), Some("二人以上轮奸"));
        // 刑法第290条: the one who organised or incited the crowd, not those who followed
        assert_eq!(item("被告人林某组织、煽动村民五十余人冲入镇人民政府办公楼，砸毁办公设施。", "聚众冲击国家机关"), Some("首要分子"));
        assert_eq!(item("被告人林某随同村民五十余人冲入镇人民政府办公楼，砸毁办公设施。", "聚众冲击国家机关"), None);
        assert_eq!(item("被告人卫某伙同蒋某等十余人，持砍刀、钢管与沈某等人互相殴打。", "聚众斗殴"), Some("持械聚众斗殴"));
        // fleeing the scene is 逃逸 however worded; a death for want of help is the third tier;
        // the victim's side arguing it is not the court finding it
        assert_eq!(item("事故发生后，陈某驾车逃离现场。", "交通肇事"), Some("肇事后逃逸"));
        assert_eq!(item("被告人为逃避法律追究驾车逃离现场，致周某因得不到及时救助而死亡。", "交通肇事"), Some("因逃逸致人死亡"));
        assert_eq!(item("被害人的代理人提出被告人系因逃逸致使被害人得不到及时救治而死亡。", "交通肇事"), None);
        assert_eq!(item("案发后，被告人彭某不知情驾车驶离现场。", "交通肇事"), None);
        // a forensic opinion (鉴定意见) is a finding, not a party's submission
        assert_eq!(item("经鉴定意见，被告人驾车逃离现场后，被害人因得不到及时救治而死亡。", "交通肇事"), Some("因逃逸致人死亡"));
        assert_eq!(item("被告人柏某先后拐卖儿童4名，分别以2万至5万元不等的价格卖给他人。", "拐卖妇女、儿童"), Some("拐卖妇女、儿童三人以上"));
        assert_eq!(item("被告人柏某伙同他人拐卖儿童1名。", "拐卖妇女、儿童"), None);
        assert_eq!(item("被告人柏某等三人拐卖儿童1名。", "拐卖妇女、儿童"), None);
        // bare hands are no weapons
        assert_eq!(item("被告人卫某纠集十余人，与沈某等人徒手互殴。", "聚众斗殴"), None);
        // 刑法第294条: the defendant's part in the organisation; joining one that someone else
        // leads is the first tier
        let gang = "组织、领导、参加黑社会性质组织";
        assert_eq!(item("被告人岑某组织、领导黑社会性质组织，实施寻衅滋事、敲诈勒索等违法犯罪活动。", gang), Some("组织、领导黑社会性质的组织"));
        assert_eq!(item("被告人岑某积极参加以李某为首的黑社会性质组织，多次实施寻衅滋事。", gang), Some("积极参加"));
        assert_eq!(item("被告人岑某参加以李某为首、由李某组织领导的黑社会性质组织。", gang), None);
        // a theft's counts told with the charge's name masked, a ticket office, an earlier
        // conviction, another charge: none
        assert_eq!(item("被告人先后实施××十五次，××财物价值23202元。被告人持刀威胁被害人，抢走手机一部。", "抢劫"), None);
        assert_eq!(item("上述四人在武汉踩点火车票售票点、黄金店，预备抢劫财物。", "抢劫"), None);
        assert_eq!(item("被告人曾因多次抢劫被判处有期徒刑五年。2016年被告人持刀抢走路人手机一部。", "抢劫"), None);
        assert_eq!(item("被告人翻墙进入被害人家中，持刀威胁被害人。", "故意伤害"), None);
    }

    #[test]
    fn personal_records_are_counted_as_the_general_kind() {
        assert_eq!(personal_records("被告人通过QQ群出售公民个人信息5万余条，违法所得8000元"), Some(50000.0));
        assert_eq!(personal_records("共计获取公民个人信息12345条"), Some(12345.0));
        // 行踪轨迹 counts a hundred times (法释〔2017〕10号第5条: 50 records make 情节严重)
        assert_eq!(personal_records("非法获取他人行踪轨迹信息80条"), Some(8000.0));
        assert_eq!(personal_records("被告人出售公民个人信息获利2000元"), None);
    }

    #[test]
    fn a_sub_article_refers_to_its_own_first_paragraph() {
        // 第253条 joined with 第253条之一: `依照第一款` is 之一's first paragraph
        let art = "邮政工作人员私自开拆或者隐匿、毁弃邮件、电报的，处二年以下有期徒刑或者拘役。\n犯前款罪而窃取财物的，依照本法第二百六十四条的规定定罪从重处罚。\n违反国家有关规定，向他人出售或者提供公民个人信息，情节严重的，处三年以下有期徒刑或者拘役，并处或者单处罚金；情节特别严重的，处三年以上七年以下有期徒刑，并处罚金。\n窃取或者以其他方法非法获取公民个人信息的，依照第一款的规定处罚。";
        let para = "窃取或者以其他方法非法获取公民个人信息的，依照第一款的规定处罚。";
        assert_eq!(referred_tier(art, para).map(|t| (t.lo, t.hi)), Some((1, 36)));
        // 第209条: the first paragraph, not the nearer second that itself refers to it
        let art = "违反本法第二百二十五条规定，非法制造、出售非法制造的可以用于骗取出口退税、抵扣税款的其他发票的，处三年以下有期徒刑、拘役或者管制，并处二万元以上二十万元以下罚金。\n伪造、擅自制造或者出售伪造、擅自制造的前款规定以外的其他发票的，处二年以下有期徒刑、拘役或者管制，并处或者单处一万元以上五万元以下罚金。\n非法出售可以用于骗取出口退税、抵扣税款的其他发票的，依照第一款的规定处罚。";
        let para = "非法出售可以用于骗取出口退税、抵扣税款的其他发票的，依照第一款的规定处罚。";
        assert_eq!(referred_tier(art, para).map(|t| (t.lo, t.hi)), Some((1, 36)));
    }

    #[test]
    fn the_dead_are_counted() {
        assert_eq!(deaths("造成三人死亡，直接经济损失380万元").map(|d| d.0), Some(3));
        assert_eq!(deaths("致使2人当场死亡、5人受伤").map(|d| d.0), Some(2));
        // the count of the injured in the same list is not the count of the dead
        assert_eq!(deaths("造成1人死亡、3人受伤").map(|d| d.0), Some(1));
        assert_eq!(deaths("事故造成死亡3人，重伤2人").map(|d| d.0), Some(3));
        assert_eq!(deaths("致工人两名当场死亡").map(|d| d.0), Some(2));
        assert_eq!(deaths("造成被害人陈某（殁年27岁）、潘某（殁年2周岁）死亡").map(|d| d.0), Some(2));
        // a death without a count, or a count of something else
        assert_eq!(deaths("致被害人钱某死亡"), None);
        assert_eq!(deaths("被告人先后三次窃取财物，后被害人死亡"), None);
        assert_eq!(deaths("被告人张某等三人驾驶货车撞倒被害人致其死亡"), None);
        assert_eq!(deaths("致三名工人经抢救无效死亡"), Some((3, "致三名工人经抢救无效死亡".into())));
    }

    #[test]
    fn offences_while_serving_a_sentence() {
        let f = "被告人李某因犯盗窃罪于2010年被判处有期徒刑十年六个月，在某监狱服刑期间脱逃。";
        assert_eq!(unserved_sentence(f), Some((126.0, "服刑期间")));
        // the sentence masked, its dates kept: 45 months were left when he escaped
        let f = "被告人王某某因犯盗伐林木罪被判处××，刑期自1995年4月3日起至2000年4月2日止。被告人在看守所服刑期间，于1996年6月22日趁看守人员不备之机××。";
        let (m, _) = unserved_sentence(f).unwrap();
        assert!((m / 2.0 - 45.3).abs() < 0.5, "{m}");
        // the remainder stated
        let f = "被告人周某因刑期长，于1995年5月4日伙同他人从监狱××。被告人历时在逃二十年，在逃时余刑尚有十四年十个月十九天。";
        assert_eq!(unserved_sentence(f).map(|x| x.0), Some(2.0 * 178.0));
        // a sentence served in full is no unserved sentence
        assert_eq!(unserved_sentence("被告人曾因犯盗窃罪被判处有期徒刑一年，2012年刑满释放。"), None);
    }

    #[test]
    fn sentencing_recommendations() {
        let point = |f: &str| recommended_term(f).map(|(m, _)| m.round());
        // a range: its geometric middle
        assert_eq!(point("公诉机关认为，被告人系累犯，建议判处其六个月至一年六个月××。"), Some(11.0));
        assert_eq!(point("建议判处王某某一年六个月以上三年以下××，并处罚金。"), Some(26.0));
        // an upper bound alone, or after a masked lower one
        assert_eq!(point("并建议判处被告人七个月以下××。"), Some(4.0));
        assert_eq!(point("建议对被告人邓某判处××至一年零六个月之刑罚。"), Some(11.0));
        // a fine alone
        assert_eq!(point("公诉机关建议对被告人皇某判处罚金。"), Some(0.0));
        assert_eq!(point("建议判处杨某某单处罚金。"), Some(0.0));
        assert_eq!(point("建议对被告人判处××和罚金。"), None);
        assert_eq!(point("但其有坦白情节，可以从轻处罚，建议单处罚金。"), Some(0.0));
        // a fine alone is followed; a term is weighed with the estimate
        let follow = |m: u32, f: &str| follow_recommendation(Term::Months(m), f, &mut Vec::new());
        assert_eq!(follow(5, "被告人非法捕猎野生鸟类5只，建议单处罚金。"), Term::Months(0));
        assert_eq!(follow(5, "建议判处被告人一年以上二年以下××。"), Term::Months(12));
        // other verbs of a recommendation
        assert_eq!(point("建议法庭对被告人胡某在××至八年之间确定刑罚期限，并处罚金。"), Some(58.0));
        assert_eq!(point("建议对被告人陈3某在××至二年幅度内处刑，并处罚金。"), Some(14.0));
        assert_eq!(point("建议本院对被告人苏某处以一年以下××，并处罚金。"), Some(7.0));
        // a recommendation's wording without a recommendation
        assert_eq!(point("抗诉书、检察建议书认为，本案原审判决“没有查明陈某曾受过的刑事处罚及未执行完毕的刑罚”，“刑期、罚金数额认定错误”。"), None);
        // nothing to read
        assert_eq!(point("因其积极赔偿被害人，建议判处李某某××。"), None);
        assert_eq!(point("被告人盗窃他人财物。"), None);
    }

    #[test]
    fn blood_alcohol_as_the_facts_write_it() {
        assert_eq!(blood_alcohol("经鉴定，被告人血液中乙醇含量为185.6mg／100ml，属醉酒驾驶。"), Some(185.6));
        assert_eq!(blood_alcohol("送检血液里检出乙醇含量为128.1毫克／100毫升。"), Some(128.1));
        assert_eq!(blood_alcohol("其含量为1.11mg（乙醇）/ml（血液）。"), Some(111.0));
        assert_eq!(blood_alcohol("经检验，袁某血样中乙醇含量为每百毫升141毫克。"), Some(141.0));
        assert_eq!(blood_alcohol("被告人林某血液中乙醇含量为89.04mg／dl，已达醉酒标准。"), Some(89.04));
        assert_eq!(blood_alcohol("被告人陈某血液中乙醇浓度为243.2㎎/100ml。"), Some(243.2));
        // the blood test over the breath test
        assert_eq!(blood_alcohol("经呼气式酒精检测仪检测，结果为160.6(mg/100ml)。后经鉴定，被告人血中乙醇浓度为171.3mg/100ml。"), Some(171.3));
        // a drug's weight in milligrams is no blood alcohol
        assert_eq!(blood_alcohol("查获甲基苯丙胺片剂10粒，每粒重100mg。"), None);
    }

    #[test]
    fn a_reprieve_under_review_is_read_and_an_earlier_one_is_not() {
        let read = |f: &str| reprieve_under_review(f).is_some();
        assert!(read("某中级人民法院于2016年8月12日作出刑事判决，认定被告人何某犯××罪，判处××，缓期二年执行，剥夺政治权利终身。本案在法定期限内没有上诉。"));
        assert!(read("经查，原判以××罪判处被告人朱某××，缓期二年执行，剥夺政治权利终身，量刑适当。"));
        assert!(read("刑事判决认定被告人刘某、吉某均犯运输毒品罪，分别判处死刑，缓期二年执行，剥夺政治权利终身。"));
        // someone else's conviction, or the defendant's earlier one
        assert!(!read("另查明，被告人之兄冯某因犯故意杀人罪于2010年判处××，缓期二年执行。"));
        assert!(!read("被告人张某曾于1991年12月12日被阿坝藏族羌族自治州中级人民法院判处××，缓期二年执行，剥夺政治权利终身。"));
        // a suspended fixed term is not a reprieve
        assert!(!read("被告人李某犯盗窃罪，判处××，缓刑二年。"));
    }

    #[test]
    fn a_paragraph_without_a_penalty_takes_the_one_it_refers_to() {
        let art = "伪造金融票证的，处五年以下有期徒刑或者拘役。\n有下列情形之一，妨害信用卡管理的，处三年以下有期徒刑或者拘役，并处或者单处一万元以上十万元以下罚金；数量巨大或者有其他严重情节的，处三年以上十年以下有期徒刑。\n窃取、收买或者非法提供他人信用卡信息资料的，依照前款规定处罚。";
        let t = charge_tier(art, &["窃取他人信用卡信息".to_string(), "非法提供信用卡信息".to_string()]).unwrap();
        assert_eq!((t.lo, t.hi), (1, 36));
        // 依照前两款: the lighter of the two
        let art237 = "以暴力、胁迫或者其他方法强制猥亵他人或者侮辱妇女的，处五年以下有期徒刑或者拘役。\n聚众或者在公共场所当众犯前款罪的，或者有其他恶劣情节的，处五年以上有期徒刑。\n猥亵儿童的，依照前两款的规定从重处罚。";
        let t = charge_tier(art237, &["猥亵儿童".to_string()]).unwrap();
        assert_eq!((t.lo, t.hi), (1, 60));
    }

    #[test]
    fn precious_trees_and_evaded_duties() {
        // 法释〔2000〕36号 第2条: two trees, or two cubic metres, is 情节严重
        let c = "非法采伐、毁坏国家重点保护植物";
        assert_eq!(quantity("被告人在林地里采伐了一株野生花梨树。", c), 1.0);
        assert_eq!(quantity("被告人采伐红豆杉7株，经鉴定立木蓄积0.8657立方米。", c), 7.0);
        assert_eq!(quantity("被告人砍伐榉木一棵，材积3.8595立方米。", c), 2.0);
        assert_eq!(quantity("被告人采伐楠木两株。", c), 2.0);
        // 走私普通货物、物品: the duties evaded, not the value of the goods
        assert_eq!(quantity("查获麝鼠皮共8178张（价值572460元），涉案麝鼠皮偷逃税款130974.14元。", "走私普通货物、物品"), 130974.14);
    }

    #[test]
    fn the_law_of_the_time_of_the_offence() {
        assert!(offence_before_2021("2014年5月间，被告人吴某某在本屯附近砍伐了一株榉木。"));
        // an earlier conviction is not the offence
        assert!(!offence_before_2021("被告人曾因盗窃罪于2015年被判处有期徒刑一年。2021年6月，被告人收受他人财物。"));
        assert!(!offence_before_2021("被告人收受他人财物。"));
    }

    #[test]
    fn exemption_requests() {
        assert_eq!(exemption_asked("辩护人提出…建议对其免予刑事处罚。"), Some("免予刑事处罚"));
        assert_eq!(exemption_asked("其中，犯罪较轻的，依法可以免除处罚。"), Some("免除处罚"));
        assert_eq!(exemption_asked("公诉机关认为不宜免予刑事处罚。"), None);
        assert_eq!(exemption_asked("被告人盗窃他人财物。"), None);
    }

    #[test]
    fn weighted_median_of_neighbours() {
        assert_eq!(weighted_median(vec![(3.0, 1.0), (1.0, 1.0), (2.0, 1.0)]), 2.0);
        // the near ones outweigh the far ones
        assert_eq!(weighted_median(vec![(1.0, 0.1), (2.0, 0.1), (5.0, 1.0)]), 5.0);
        assert_eq!(weighted_median(Vec::new()), 0.0);
    }

    #[test]
    fn tiers() {
        assert_eq!(first_tier("盗窃公私财物，数额较大的，处三年以下有期徒刑"), Some((1, 36)));
        assert_eq!(first_tier("处三年以上十年以下有期徒刑"), Some((36, 120)));
        assert_eq!(first_tier("处三年以下有期徒刑或者拘役；情节特别严重的，处三年以上七年以下有期徒刑。"), Some((1, 36)));
        assert_eq!(first_tier("故意杀人的，处死刑、无期徒刑或者十年以上有期徒刑；"), Some((120, 300)));
        let t = parse_tier("情节严重的，处三年以下有期徒刑、拘役、管制或者罚金。").unwrap();
        assert!(t.fine_alone);
    }
}
