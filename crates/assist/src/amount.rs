//! Crime amount: the total money involved in the offences described by the facts.
//!
//! Rules, not a learned model: every money mention is classified by its clause context as part of
//! the crime (stolen cash, appraised value, defrauded sum) or as something else (shares among
//! co-offenders, compensation, returned or seized property, fines). Repeated mentions of the
//! same sum and explicit totals (共计/合计) are not double counted; a loss the offence caused
//! (造成…损失) counts only when no sum taken or valued is stated; a sum a verb of taking governs
//! (骗取…补偿款, 侵吞…工资) counts whatever kind of money it was.

use crate::numerals::{find_money, round2};
use crate::Reason;

/// Contexts (just before an amount) that mark the amount as not part of the crime total.
const EXCLUDE_BEFORE: &[&str] = &[
    "分得", "分给", "冻结", "款中的", "元中的", "查获", "除去", "包车费", "路费", "准备用于", "各分", "分赃", "平分", "赔偿", "赔付", "退赔", "退还", "返还", "发还", "归还", "偿还", "退赃", "退缴",
    "缴获", "追缴", "追回", "罚金", "谅解", "补偿", "还款", "退回", "已还", "工资", "月薪", "好处费", "报酬", "每月",
    "单价", "每克", "每斤", "每公斤", "每只", "每个", "每台", "保证金", "押金", "扣押", "退出", "退款", "赃款人民币共",
    "取保", "罚款", "悬赏", "违约金", "利息", "手续费", "支付了", "花费", "挥霍", "还给", "归还了", "余款", "得赃款", "销赃得款", "卖得", "获利", "获得赃款", "得款",
];
/// Why a sum after a word of [`EXCLUDE_BEFORE`] is not part of the crime amount, as a reason says it.
fn exclusion_kind(word: &str) -> &'static str {
    match word {
        "分得" | "分给" | "各分" | "分赃" | "平分" => "分赃数额",
        "冻结" | "查获" | "缴获" | "追缴" | "追回" | "扣押" | "退出" => "查获、追缴或扣押的款项",
        "罚金" | "罚款" | "取保" | "保证金" | "押金" | "违约金" | "利息" | "手续费" | "悬赏" => "罚金、保证金或费用",
        "工资" | "月薪" | "好处费" | "报酬" | "每月" => "报酬或工资",
        "单价" | "每克" | "每斤" | "每公斤" | "每只" | "每个" | "每台" => "单价",
        "获利" | "卖得" | "销赃得款" | "得赃款" | "获得赃款" | "得款" | "赃款人民币共" => "销赃所得",
        "款中的" | "元中的" | "余款" | "除去" => "前述金额的一部分",
        "包车费" | "路费" | "准备用于" | "花费" | "挥霍" | "支付了" => "花销",
        _ => "退还或赔偿的款项",
    }
}

/// Verbs of taking: the sum they govern is the crime's whatever kind of money it was.
const TAKINGS: &[&str] = &["骗取", "骗得", "骗走", "冒领", "套取", "侵吞", "截留", "侵占", "贪污", "盗走", "窃取", "盗窃", "挪用", "诈骗"];
/// Verbs of demanding a sum (敲诈勒索, 索贿, a fraudster's ask).
const DEMANDS: &[&str] = &["索要", "勒索", "索取", "敲诈"];
/// Verbs of a victim handing money over.
const PAID: &[&str] = &["支付", "转账", "交付", "给付", "付给", "汇给", "汇款", "交给"];
/// Words of [`EXCLUDE_BEFORE`] that name a kind of money (compensation, wages, deposits …), not
/// what happened to it.
const MONEY_KINDS: &[&str] = &["补偿", "赔偿", "赔付", "工资", "月薪", "保证金", "押金", "利息", "手续费", "报酬", "违约金", "罚款", "悬赏"];

/// Contexts of the proceeds of selling stolen or cheated goods (销赃): not the value of the goods,
/// but the only measure of it when the facts state no other.
const PROCEEDS: &[&str] = &["获利", "卖得", "销赃得款", "得赃款", "获得赃款", "得款"];
/// Contexts that mark an amount as a total of amounts listed before.
const TOTAL_BEFORE: &[&str] = &["共计", "合计", "总计", "累计", "共", "总价值", "总额", "总金额", "总价"];

/// Words of a sentence that restates amounts already described (a repeated sum there is not a
/// new offence).
const RESTATE: &[&str] = &[
    "已于", "现已", "认为", "综上", "上述", "共计", "合计", "累计", "总计", "指控", "的事实", "认定", "所得", "被盗", "赃款", "查获", "扣押", "发还",
    "归还", "退", "共同", "分赃", "骗取的", "盗取的", "窃取的",
];

/// The words of a context after its last comma (the clause the sum belongs to).
fn clause_tail(context: &str) -> &str {
    context.rsplit(['，', ',']).next().unwrap_or(context)
}

/// The sentence (since the last 。；or line break) before `start`.
fn sentence(text: &str, start: usize) -> &str {
    let before = &text[..start];
    let b = before.rfind(['。', '；', ';', '\n']).map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8)).unwrap_or(0);
    &text[b..start]
}

/// Words that open the list of evidence after the facts.
const EVIDENCE: &[&str] = &["犯罪事实的证据", "有下列证据", "有以下证据", "证据如下", "下列证据予以", "上述事实，有", "上述事实有", "以上事实，有", "以上事实有", "证实上述事实的证据", "上述事实，被告人", "上述犯罪事实，有"];

/// Words of a sentence that sums up the facts (a 共计 there covers everything before it).
const SUMMARY: &[&str] = &["认为", "综上", "上述", "指控", "以上", "先后", "多次", "累计"];

/// Words of a grand total over several offences (a local 共计 only sums the items of one).
const GRAND_TOTAL: &[&str] = &["累计", "盗窃财物共计", "骗取财物共计", "骗取他人财物共计", "总计", "共计盗", "共计骗", "共计窃", "共骗", "共盗", "共窃", "合计骗", "合计盗", "总额", "总价值", "总金额", "数额共计", "金额共计", "共计诈骗", "共计抢"];

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

/// Classifiers of goods counted one by one (`两件`, `3部`).
const PIECES: &str = "件个只头台部辆条瓶箱袋双套块";

/// The count of goods a unit price just before `start` applies to: `每件` in the price's own
/// words and `两件` (the same classifier) earlier in the sentence, in a sentence that tells a
/// taking (盗, 窃, 骗, 抢, 侵占). Returns the count and the words read.
fn goods_count(facts: &str, start: usize) -> Option<(f64, String)> {
    let near = clause_before(facts, start, 8);
    let every = near.rfind('每')?;
    let unit = near[every + '每'.len_utf8()..].chars().next().filter(|c| PIECES.contains(*c))?;
    let sent_start = start - sentence(facts, start).len();
    let before = &facts[sent_start..start - near.len() + every];
    if !["盗", "窃", "骗", "抢", "侵占"].iter().any(|k| before.contains(k)) {
        return None;
    }
    let (i, _) = before.char_indices().rev().find(|(_, c)| *c == unit)?;
    let digits: String = before[..i].chars().rev().take_while(|c| c.is_ascii_digit() || crate::numerals::is_cn_numeral_char(*c)).collect::<Vec<_>>().into_iter().rev().collect();
    let n = digits.parse::<f64>().ok().or_else(|| crate::numerals::parse_cn_integer(&digits))?;
    (n >= 2.0).then(|| (n, format!("{digits}{unit}")))
}

/// The words a reason shows for the sum at `start..end`: its clause (since the last ，。；：or
/// line break, or the sum before it in the clause; a clause of four characters or fewer goes on
/// with the one before; at most 30 characters, then from a `、`; a list's number dropped), the
/// sum, and the bracket the sum closes (`手机一部（经鉴定价值1200元）`).
fn shown(facts: &str, start: usize, end: usize) -> String {
    let mut b = start;
    let mut cut = false;
    let mut prev = None;
    for (n, (i, c)) in facts[..start].char_indices().rev().enumerate() {
        // (a clause of a few words, `，价值1800元`, goes on with the one before: `盗窃电动车一辆，`)
        if matches!(c, '，' | ',') && facts[b..start].chars().count() <= 4 {
            b = i;
            continue;
        }
        if matches!(c, '。' | '；' | ';' | '\n' | '，' | ',' | '：' | ':') {
            break;
        }
        // the sum before it (`…1200元）及现金300元`): its words start after that one
        if c == '元' && facts[..i].chars().next_back().is_some_and(|d| d.is_ascii_digit() || "零一二三四五六七八九十百千万亿两余多壹贰叁肆伍陆柒捌玖拾佰仟".contains(d)) {
            prev = Some(i + c.len_utf8());
            break;
        }
        if n >= 30 {
            cut = true;
            break;
        }
        b = i;
    }
    let mut head = match prev {
        Some(p) => facts[p..start].trim_start_matches(['）', ')', '、', '及', '和', '与', '又', '，', '/', '／']),
        None => facts[b..start].trim_start_matches(['，', ',']),
    };
    // (the end of a bracket the sum before opened: `（25元／1张），票面价值…`)
    if let Some(p) = head.rfind(['）', ')']).filter(|p| !head[..*p].contains(['（', '('])) {
        let close = head[p..].chars().next().map_or(1, char::len_utf8);
        head = head[p + close..].trim_start_matches(['，', ',']);
    }
    // (a list's number, `1、`, `（2）`)
    let unnumbered = head.trim_start_matches(['（', '(']).trim_start_matches(|c: char| c.is_ascii_digit());
    if unnumbered.len() < head.len() && let Some(rest) = unnumbered.strip_prefix(['、', '．', '.', '）', ')']) {
        head = rest;
    }
    let mut out = String::new();
    if cut {
        match head.find('、') {
            Some(p) => head = &head[p + '、'.len_utf8()..],
            None => out.push('…'),
        }
    }
    out.push_str(head);
    out.push_str(&facts[start..end]);
    let open = out.matches(['（', '(']).count() > out.matches(['）', ')']).count();
    if let Some(c) = facts[end..].chars().next().filter(|c| open && matches!(c, '）' | ')')) {
        out.push(c);
    }
    out
}

/// Contexts just after an amount that mark it as not part of the crime total (sale prices of
/// the loot, payments to accomplices).
const EXCLUDE_AFTER: &[&str] = &[
    "欠条", "借条", "的欠条", "的借条", "的价格", "价格", "卖给", "卖于", "卖与", "售给", "售于", "售与", "转卖", "销售给", "变卖", "销赃", "出售给", "的好处费", "的报酬", "的价钱", "的工资",
];

/// The clause (since the last ，。；: or line break) before `start`, at most `max_chars` long.
fn clause(text: &str, start: usize, max_chars: usize) -> &str {
    let before = &text[..start];
    let mut b = start;
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if n >= max_chars || matches!(c, '。' | '；' | ';' | '\n' | '，' | ',' | '：' | ':') {
            break;
        }
        b = i;
    }
    &text[b..start]
}

/// `17,000` / `17，000` → `17000`: a comma between a digit and exactly three digits.
fn without_thousands_separators(text: &str) -> String {
    let ch: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in ch.iter().enumerate() {
        if (c == ',' || c == '，')
            && i > 0
            && ch[i - 1].is_ascii_digit()
            && ch.len() > i + 3
            && ch[i + 1..i + 4].iter().all(|d| d.is_ascii_digit())
            && ch.get(i + 4).is_none_or(|d| !d.is_ascii_digit())
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// Total crime amount in the facts, or `None` when no amount is stated.
///
/// Amounts are read in order. One equal to the sum of the amounts just before it is their total
/// (it replaces them); amounts just after one that add up to it are its parts (dropped); a
/// repeated mention of a sum already counted is not counted again; an explicit grand total
/// (共计…) at least as large as everything so far replaces it.
pub fn crime_amount(facts: &str) -> Option<AmountSuggestion> {
    amount_of(facts, false).ok()
}

/// [`crime_amount`], or why there is none: the reasons each sum the facts name was left out
/// (empty when they name none).
pub fn crime_amount_explained(facts: &str) -> Result<AmountSuggestion, Vec<Reason>> {
    amount_of(facts, false)
}

/// The bribe money of a bribery offence ([`is_bribery`]), what 法释〔2016〕9号 grades it by
/// (受贿数额, 行贿数额), not the other sums the facts name (a contract's price, the premium a
/// kickback was a share of): as [`crime_amount`], but only sums whose sentence names the bribe
/// within 30 characters before them (收受, 索要, 好处费, 回扣, 送给 …) or in their own clause right
/// after them (`255万元好处费`), and a 好处费 or 报酬 is the bribe here, not a wage. `None` when no
/// sum is told as a bribe.
pub fn bribe_amount(facts: &str) -> Option<AmountSuggestion> {
    amount_of(facts, true).ok()
}

/// [`crime_amount`], or with `bribe` [`bribe_amount`]; without one, the reasons its sums were
/// left out.
fn amount_of(facts: &str, bribe: bool) -> Result<AmountSuggestion, Vec<Reason>> {
    let facts = &*crate::unescape_html(facts);
    // thousands separators (`17,000元`) are no clause breaks
    let grouped = without_thousands_separators(facts);
    let facts = grouped.as_str();
    let mut mentions = find_money(facts);
    // the evidence listed after the facts (`上述事实，有…证人证言…证实`) quotes statements and
    // documents: their sums restate or approximate the facts, they are no further offence
    // (each offence of a list may have its own: the quoted part ends where the court accepts
    // it, `…等证据证实，足以认定。`)
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    for k in EVIDENCE {
        for (a, _) in facts.match_indices(k) {
            let from = a + k.len();
            let accepted = ["足以认定", "予以确认", "予以认定", "予以采信", "予以采纳", "予以证实", "等证据证实", "证据在卷"].iter().filter_map(|w| facts[from..].find(w).map(|e| from + e + w.len())).min();
            // or the next offence of a list (`。二、…`, `事实二、`)
            let next = facts[from..].char_indices().find(|&(i, c)| {
                "一二三四五六七八九十".contains(c) && facts[from + i + c.len_utf8()..].starts_with(['、', '）', ')']) && facts[..from + i].ends_with(['。', '\n', '事', '实', '（', '('])
            });
            // `上述事实，有…等证据证实` without a list is one sentence
            let listing = facts[from..].chars().take(40).collect::<String>().contains(['：', ':']);
            let sentence_end = (!listing).then(|| facts[from..].find(['。', '\n']).map_or(facts.len(), |e| from + e));
            let end = accepted.into_iter().chain(next.map(|(i, _)| from + i)).chain(sentence_end).min().unwrap_or(facts.len());
            quoted.push((a, end));
        }
    }
    let inside = |m: &crate::numerals::Money| quoted.iter().any(|q| m.start >= q.0 && m.end <= q.1);
    if mentions.iter().any(|m| !inside(m)) {
        mentions.retain(|m| !inside(m));
    }
    if mentions.is_empty() {
        return Err(Vec::new());
    }
    // value, total kind, context, position, the words shown in a reason
    let mut included: Vec<(f64, Total, String, usize, String)> = Vec::new();
    let mut excluded = Vec::new();
    // what the offender got by selling the goods: the amount only when nothing else is stated
    let mut proceeds: Vec<(f64, String, usize)> = Vec::new();
    let mut last_excluded: Option<usize> = None;
    let mut last_why = "";
    // (value, position) of the parts after a `其中` with no sum before it in its sentence
    let mut orphans: Vec<(f64, usize)> = Vec::new();
    for m in &mentions {
        let ctx = clause_before(facts, m.start, 12);
        let near = clause_before(facts, m.start, 6);
        let cl = clause(facts, m.start, 30);
        let after: String = facts[m.end..].chars().take(4).collect();
        let span = &facts[m.start..m.end];
        // (the bribe named before the sum, or right after it: `255万元好处费`)
        let named_after: String = facts[m.end..].chars().take_while(|c| !"，。；;,\n".contains(*c)).take(6).collect();
        if bribe && !BRIBE.iter().any(|w| clause_before(facts, m.start, 30).contains(w) || named_after.contains(w)) {
            excluded.push(format!("不计入{}元（并非贿赂款）：{}", crate::num(m.value), shown(facts, m.start, m.end)));
            last_excluded = Some(m.end);
            last_why = "并非贿赂款";
            continue;
        }
        // `每袋价值人民币68.5元`: a unit price
        // (the price's own words: not those of the item before it in a list, `羽绒服两件（每件价值
        // 680元）、手机一部（价值620元）`)
        let own = cl.rsplit(['、', '（', '(']).next().unwrap_or(cl);
        let unit_price = near.contains('每') || after.starts_with('/') || after.starts_with("每") || (own.contains('每') && own.contains('价') && !own.contains("每次"));
        // a unit price after the count of goods taken (`盗走羽绒服两件，每件价值680元`): the count
        // times the price, when the sentence tells the taking
        if let Some((n, what)) = unit_price.then(|| goods_count(facts, m.start)).flatten() {
            let value = round2(n * m.value);
            included.push((value, Total::No, format!("{ctx}{span}"), m.start, format!("{}（单价×{what}＝{}元）", shown(facts, m.start, m.end), crate::num(value))));
            continue;
        }
        // the rest of the clause: `已将账款670元退赔`, `赃款1000元及赃物已全部扣押并发还失主`
        let rest_clause: String = facts[m.end..].chars().take_while(|c| !"，。；;,\n（(".contains(*c)).take(30).collect();
        let returned = ["退赔", "退还", "发还", "归还", "返还", "扣押", "追回", "退缴", "赔偿"].iter().any(|k| rest_clause.contains(k));
        // `以1000元两小时的价格`: a price agreed, not a sum taken
        let price = rest_clause.chars().take(8).collect::<String>().contains("的价格");
        // `一元硬币`, `100元面额`: a denomination
        let denomination = ["硬币", "面额", "面值", "纸币"].iter().any(|k| after.starts_with(k));
        // the parts of a sum after `其中` in the same sentence (`给了他3400元，其中3000元是转账的，
        // 又给了现金400元`)
        // the upper end of a range (`每市斤0.77-0.81元`): a price, no sum
        let range_end = facts[..m.start].chars().next_back().is_some_and(|c| "-－～~".contains(c)) && facts[..m.start].chars().rev().nth(1).is_some_and(|c| c.is_ascii_digit());
        // a pretext (`以帮忙贷款30万元为由`, `以…50万元为名`): what was promised, not taken
        let pretext = (rest_clause.contains("为由") || rest_clause.contains("为名")) && (cl.contains('以') || cl.contains("谎称"));
        // a sum the clause's own verb takes (`骗取征地补偿款人民币12万元`, `侵吞职工工资3万元`): the
        // kind of money it was is no reason to leave it out
        let taken = TAKINGS.iter().any(|k| ctx.contains(k));
        let parts = {
            let sent = sentence(facts, m.start);
            let sent_start = m.start - sent.len();
            match sent.rfind("其中") {
                Some(q) => {
                    let q = sent_start + q;
                    // the sum before 其中, and every sum after it in this sentence
                    let whole = mentions.iter().rfind(|x| x.end <= q && x.start >= sent_start);
                    let sent_end = facts[q..].find(['。', '；', ';', '\n']).map_or(facts.len(), |e| q + e);
                    let after_sum: f64 = mentions.iter().filter(|x| x.start > q && x.start < sent_end).map(|x| x.value).sum();
                    whole.is_some_and(|w| after_sum <= w.value + 0.005)
                }
                None => false,
            }
        };
        // the part of a demanded sum the victim handed over (`向李某索要5万元，李某被迫转账3万元`):
        // the demand already counts it (what was not handed over is the attempted part)
        let paid_of_demand = !taken
            && PAID.iter().any(|k| cl.contains(k))
            && mentions.iter().rfind(|x| x.end <= m.start).is_some_and(|x| {
                let between = &facts[x.end..m.start];
                DEMANDS.iter().any(|k| clause_before(facts, x.start, 30).contains(k))
                    && m.value < x.value
                    && between.chars().count() <= 60
                    && !DEMANDS.iter().any(|k| between.contains(k))
            });
        // the next item of a list whose first sum was left out (`退还杜某乙17000元、宁某丙11000元、
        // 杜某丙13000元`): the list's verb governs every item however long the list
        let same_list = last_excluded.is_some_and(|e: usize| {
            let between = &facts[e..m.start];
            between.starts_with('、') && between.chars().count() <= 12 && !between.contains(['，', '。', '；', ';', ',', '\n'])
        });
        if unit_price
            || paid_of_demand
            || range_end
            || pretext
            || same_list
            || returned
            || price
            || denomination
            || parts
            || EXCLUDE_BEFORE.iter().any(|k| (near.contains(k) || cl.contains(k)) && !(bribe && BRIBE.contains(k)) && !(taken && MONEY_KINDS.contains(k)))
            || EXCLUDE_AFTER.iter().any(|k| after.starts_with(k) && !(bribe && BRIBE.iter().any(|w| k.contains(w))))
            || ctx.contains("赔偿") && !taken
            || ctx.contains("退赔")
            || ctx.contains("分得")
            || cl.contains("其中")
        {
            // (`以人民币600元的价格卖给周某`: a sale price is proceeds too)
            let sale = price && ["卖给", "卖与", "卖掉", "出售", "销赃", "变卖"].iter().any(|k| rest_clause.contains(k));
            if (PROCEEDS.iter().any(|k| near.contains(k)) || sale) && !proceeds.iter().any(|p: &(f64, String, usize)| (p.0 - m.value).abs() < 0.005 && sentence(facts, p.2) == sentence(facts, m.start)) {
                proceeds.push((m.value, shown(facts, m.start, m.end), m.start));
            }
            let why = if same_list {
                last_why
            } else if paid_of_demand {
                "所索要数额中已交付的部分"
            } else if unit_price {
                "单价"
            } else if range_end {
                "价格区间"
            } else if pretext {
                "借口所称的数额，并未取得"
            } else if denomination {
                "面额"
            } else if parts || cl.contains("其中") {
                "前述金额的组成部分"
            } else if sale {
                "销赃的价款"
            } else if price {
                "约定的价格"
            } else if returned {
                "退还、发还、追缴或赔偿的款项"
            } else {
                EXCLUDE_BEFORE.iter().find(|k| near.contains(**k) || cl.contains(**k)).map_or_else(
                    || match EXCLUDE_AFTER.iter().find(|k| after.starts_with(**k)) {
                        Some(k) if k.contains("条") => "借据所载的数额",
                        Some(k) if ["价", "好处费", "报酬", "工资"].iter().any(|w| k.contains(w)) => {
                            let sold = ["卖", "售", "销赃"].iter().any(|w| rest_clause.contains(w));
                            if !k.contains('价') { "报酬或工资" } else if sold { "销赃的价款" } else { "约定的价格" }
                        }
                        Some(_) => "销赃的价款",
                        None if ctx.contains("分得") => "分赃数额",
                        None => "退还或赔偿的款项",
                    },
                    |k| exclusion_kind(k),
                )
            };
            // a part after a `其中` that follows no sum of its sentence (`盗窃财物，其中钱包一个价值
            // 280元，…`): a stated total later in the sentence may add it up
            if why == "前述金额的组成部分" {
                let sent = sentence(facts, m.start);
                let sent_start = m.start - sent.len();
                if let Some(q) = sent.rfind("其中")
                    && !mentions.iter().any(|x| x.start >= sent_start && x.end <= sent_start + q)
                {
                    orphans.push((m.value, m.start));
                }
            }
            excluded.push(format!("不计入{}元（{why}）：{}", crate::num(m.value), shown(facts, m.start, m.end)));
            last_excluded = Some(m.end);
            last_why = why;
            continue;
        }
        last_excluded = None;
        let total = if GRAND_TOTAL.iter().any(|k| cl.contains(k)) {
            Total::Grand
        } else if TOTAL_BEFORE.iter().any(|k| near.contains(k)) && !cl.contains('台') && !cl.contains('部') {
            Total::Local
        } else {
            Total::No
        };
        if cl.contains("实际") {
            // "…归还5.4万元，实际骗取15.2万元": the actual sum replaces the one before
            included.pop();
        }
        included.push((m.value, total, format!("{ctx}{span}"), m.start, shown(facts, m.start, m.end)));
    }
    // a loss the offence caused (`造成集资参与人损失人民币95万元`) measures the same money again:
    // the amount only when the facts state no sum taken, received or valued
    // so does the pot a 会首 drew from a rotating savings club (得会): the members' money whose
    // sum defrauded the facts state (`以高额“标子”得会人民币1259726元，…骗取会员行会资金共计人民币
    // 618685元`)
    let is_loss = |c: &str| c.contains("损失");
    // (not `骗得会款`, `获得会款`, `所得会钱`: money got, whosever it was)
    let is_pot = |c: &str| {
        let t = clause_tail(c);
        t.match_indices("得会").any(|(i, _)| !t[..i].ends_with(['骗', '获', '取', '收', '所']))
    };
    if included.iter().any(|x| !is_loss(&x.2) && !is_pot(&x.2)) {
        included.retain(|x| {
            let keep = !is_loss(&x.2) && !is_pot(&x.2);
            if !keep {
                let why = if is_pot(&x.2) { "会首所得会款，已由所骗会款计算" } else { "犯罪造成的损失，已由前述数额计算" };
                excluded.push(format!("不计入{}元（{why}）：{}", crate::num(x.0), x.4));
            }
            keep
        });
    }
    if included.is_empty() {
        if proceeds.is_empty() || bribe {
            return Err(excluded.into_iter().map(Reason::fact).collect());
        }
        let amount = round2(proceeds.iter().map(|p| p.0).sum());
        let what: Vec<String> = proceeds.into_iter().map(|p| p.1).collect();
        let reasons = vec![Reason::rule(format!(
            "案情未写明犯罪数额或赃物价值，以销赃所得计算（法释〔2013〕8号第4条）：{}",
            what.join("、")
        ))];
        return Ok(AmountSuggestion { amount, reasons });
    }
    let eq = |a: f64, b: f64| (a - b).abs() < 0.005;
    let line_of = |pos: usize| facts[..pos].matches('\n').count();
    let mut stack: Vec<Counted> = Vec::new();
    let mut reasons: Vec<Reason> = Vec::new();
    // a total stated before its itemised parts (`共计…18600元。具体事实如下`)
    let mut declared: Option<(f64, usize)> = None;
    for (v, total, c, pos, show) in included {
        let sent = sentence(facts, pos);
        let sent_start = pos - sent.len();
        // a total of the amounts just before it
        // (a local total with amounts in its own sentence covers only those)
        let own_items = stack.iter().any(|s| s.pos >= sent_start);
        let mut covered = None;
        let mut acc = 0.0;
        for k in (0..stack.len()).rev() {
            if total == Total::Local && own_items && stack[k].pos < sent_start {
                break;
            }
            acc += stack[k].value;
            if stack.len() - k >= 2 && eq(acc, v) {
                covered = Some(k);
                break;
            }
            if acc > v + 0.005 {
                break;
            }
        }
        // a stated total of its sentence's parts, some of which a `其中` before them left out
        // (`其中钱包一个价值280元，羽绒服两件价值1360元，…，共计价值人民币2260元`)
        let left_out: f64 = orphans.iter().filter(|o| o.1 >= sent_start && o.1 < pos).map(|o| o.0).sum();
        let mut with_left_out = false;
        if covered.is_none() && left_out > 0.0 && TOTAL_BEFORE.iter().any(|k| clause(facts, pos, 30).contains(k)) {
            let mut acc = left_out;
            for k in (0..stack.len()).rev() {
                if stack[k].pos < sent_start {
                    break;
                }
                acc += stack[k].value;
                if eq(acc, v) {
                    covered = Some(k);
                    with_left_out = true;
                    break;
                }
            }
        }
        if let Some(k) = covered {
            stack.truncate(k);
            if with_left_out {
                reasons.push(Reason::rule(format!("{}元为本句“其中”所列各笔金额之和（含上列不计入的{}元）", crate::num(v), crate::num(left_out))));
            } else {
                reasons.push(Reason::rule(format!("{}元为前列各笔金额之和", crate::num(v))));
            }
            stack.push(Counted { value: v, ctx: show.clone(), pos, total: true });
            continue;
        }
        let after: String = facts[pos..].chars().skip_while(|c| *c != '元').take(8).collect();
        // a clause of its own taking (`盗窃了魏某女儿的苹果4S手机一部和人民币300余元`) is a new
        // offence too
        // (a verb of its own, not a relative `从骗取到的10000元中`; not in a conclusion that goes
        // on past a `；`: `公诉机关认为，…价值15450余元；…骗取他人财物价值16090余元`)
        let cl30 = clause(facts, pos, 30);
        let full_sentence = {
            let before = &facts[..pos];
            let b = before.rfind(['。', '\n']).map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8)).unwrap_or(0);
            &facts[b..pos]
        };
        let own_taking = ["盗窃了", "盗走", "窃得", "盗得", "骗取", "扒窃", "窃取", "盗取"].iter().any(|k| {
            cl30.match_indices(k).any(|(i, _)| {
                let rest = &cl30[i + k.len()..];
                !(rest.starts_with('的') || rest.starts_with("到的") || rest.starts_with("来的"))
            })
        }) && !["认为", "综上"].iter().any(|k| full_sentence.contains(k));
        let new_event = (own_taking || ["再次", "又", "时许", "月", "日"].iter().any(|k| sent.contains(k)))
            && !RESTATE.iter().any(|k| sent.contains(k))
            && !["归还", "发还", "已由", "打入", "交给", "已被", "被扣押", "退还"].iter().any(|k| after.contains(k));
        // the same sum in the same sentence is a repetition, unless it is the next item of a
        // list (`收取甲17000元、乙17000元`)
        let listed = |s: &Counted| {
            let between = &facts[s.pos..pos];
            let after_first = between.split_once('元').map_or("", |x| x.1);
            after_first.starts_with('、') && between.chars().count() < 30 && !between.contains(['共', '，', ','])
        };
        let same_sentence = stack.iter().any(|s| eq(s.value, v) && s.pos >= sent_start && !listed(s));
        let repeated = stack.iter().any(|s| eq(s.value, v) && !(s.pos >= sent_start && listed(s)));
        if (!new_event || same_sentence || total != Total::No) && repeated {
            reasons.push(Reason::rule(format!("{}元系重复提及，不重复计算：{}", crate::num(v), show)));
            continue;
        }
        // the prosecution's or the court's conclusion (`公诉机关认为，被告人盗窃他人财物2970元`)
        // restates the facts: a smaller sum there is not a further offence
        if total == Total::No && ["认为", "综上"].iter().any(|k| sent.contains(k)) && !stack.is_empty() {
            let sum: f64 = stack.iter().map(|s| s.value).sum();
            if v + 0.005 >= sum {
                stack.clear();
                reasons.push(Reason::rule(format!("{}元为结论部分认定的总额：{}", crate::num(v), show)));
                stack.push(Counted { value: v, ctx: show.clone(), pos, total: true });
            } else {
                reasons.push(Reason::rule(format!("{}元系结论部分的复述，并非另一笔犯罪：{}", crate::num(v), show)));
            }
            continue;
        }
        match total {
            Total::Grand if v + 0.005 >= stack.iter().map(|s| s.value).sum::<f64>() => {
                stack.clear();
                reasons.push(Reason::rule(format!("{}元为案情所述总额：{}", crate::num(v), show)));
                let rest: String = facts[pos..].chars().take(40).collect();
                if ["具体", "如下", "其中", "分述"].iter().any(|k| rest.contains(k)) {
                    declared = Some((v, pos));
                }
                stack.push(Counted { value: v, ctx: show.clone(), pos, total: true });
                continue;
            }
            Total::Local => {
                // a local total replaces the amounts of its own sentence; without any, in a
                // sentence that restates the facts, everything before it
                let own: f64 = stack.iter().filter(|s| s.pos >= sent_start).map(|s| s.value).sum();
                let sum: f64 = stack.iter().map(|s| s.value).sum();
                if own > 0.0 && v + 0.005 >= own {
                    stack.retain(|s| s.pos < sent_start);
                    reasons.push(Reason::rule(format!("{}元为本句所列金额的合计：{}", crate::num(v), show)));
                    stack.push(Counted { value: v, ctx: show.clone(), pos, total: true });
                    continue;
                }
                // (`合计价值537.6元` after a list of goods is the value of those goods only)
                if own == 0.0 && !new_event && !c.contains("价值") && v + 0.005 >= sum && SUMMARY.iter().any(|k| sent.contains(k)) {
                    stack.clear();
                    reasons.push(Reason::rule(format!("{}元为案情所述总额：{}", crate::num(v), show)));
                    let rest: String = facts[pos..].chars().take(40).collect();
                    if ["具体", "如下", "其中", "分述"].iter().any(|k| rest.contains(k)) {
                        declared = Some((v, pos));
                    }
                    stack.push(Counted { value: v, ctx: show.clone(), pos, total: true });
                    continue;
                }
            }
            _ => {}
        }
        let rest: String = facts[pos..].chars().take(40).collect();
        let itemised = ["具体", "如下", "分述"].iter().any(|k| rest.contains(k));
        let stated = total != Total::No || itemised || TOTAL_BEFORE.iter().any(|k| clause(facts, pos, 30).contains(k));
        if stated && itemised && stack.is_empty() {
            declared = Some((v, pos));
        }
        stack.push(Counted { value: v, ctx: show.clone(), pos, total: stated });
        // parts after a sum: drop them when they add up to the amount before them (a stated
        // total, or an amount on the same line)
        let n = stack.len();
        if n >= 3 {
            let mut acc = 0.0;
            for k in (0..n - 1).rev() {
                acc += stack[k + 1].value;
                if n - 1 - k >= 2 && eq(acc, stack[k].value) && (stack[k].total || line_of(stack[k].pos) == line_of(pos)) {
                    reasons.push(Reason::rule(format!("{}元之后所列金额为其组成部分，不另计算", crate::num(stack[k].value))));
                    stack.truncate(k + 1);
                    break;
                }
            }
        }
    }
    if let Some((t, p)) = declared {
        let later: f64 = stack.iter().filter(|s| s.pos > p).map(|s| s.value).sum();
        // (the court's total of the facts it goes on to list prevails over a sum of the items
        // that comes out at most a tenth higher: approximations, an item told twice)
        let slack = t * 0.1;
        if later > 0.0 && later <= t + slack && stack.iter().any(|s| s.pos == p) {
            reasons.push(Reason::rule(format!("{}元为分述事实之前写明的总额", crate::num(t))));
            stack.retain(|s| s.pos <= p);
        }
    }
    // an item of a numbered list of offences whose goods were never valued: what they were sold
    // for (法释〔2013〕8号第4条), when the other items carry values, no total covers them all and
    // the facts do not say the value could not be established
    let items = numbered_items(facts);
    if items.len() >= 2 && !stack.iter().any(|s| s.total) {
        for (a, b) in items {
            // (an item the facts say could not be valued, `因材料不全无法认定价格`, is left out)
            let unvalued = ["无法认定", "无法估价", "无法鉴定", "不能认定", "未能认定", "无法确定"].iter().any(|w| facts[a..b].contains(w));
            let valued = unvalued || stack.iter().any(|s| s.pos >= a && s.pos < b);
            let sold: Vec<&(f64, String, usize)> = proceeds.iter().filter(|p| p.2 >= a && p.2 < b).collect();
            if !valued && !sold.is_empty() {
                for p in sold {
                    reasons.push(Reason::rule(format!("该笔未认定赃物价值，以销赃所得{}元计算（法释〔2013〕8号第4条）：{}", crate::num(p.0), p.1)));
                    stack.push(Counted { value: p.0, ctx: p.1.clone(), pos: p.2, total: false });
                }
            }
        }
    }
    let amount: f64 = stack.iter().map(|s| s.value).sum();
    let mut out: Vec<Reason> = stack.iter().map(|s| Reason::fact(format!("计入{}元：{}", crate::num(s.value), s.ctx))).collect();
    out.extend(reasons);
    out.extend(excluded.into_iter().map(Reason::fact));
    Ok(AmountSuggestion { amount: round2(amount), reasons: out })
}

/// The items of a numbered list of offences, one a line (`1、…`, `（2）…`): byte ranges from
/// each number to the next, the last to the end of its line. Empty without two numbers.
fn numbered_items(facts: &str) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = Vec::new();
    let mut line_start = 0;
    for line in facts.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '　']);
        let offset = line_start + line.len() - body.len();
        let digits = body.chars().take_while(|c| c.is_ascii_digit()).count();
        let paren = body.starts_with(['（', '(']) && body.chars().skip(1).take_while(|c| c.is_ascii_digit()).count() > 0;
        if (digits > 0 && digits < 3 && body[digits..].starts_with('、')) || paren {
            starts.push(offset);
        }
        line_start += line.len();
    }
    if starts.len() < 2 {
        return Vec::new();
    }
    starts
        .iter()
        .enumerate()
        .map(|(j, &a)| {
            let b = starts.get(j + 1).copied().unwrap_or_else(|| facts[a..].find('\n').map_or(facts.len(), |e| a + e));
            (a, b)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Total {
    No,
    /// `共计` of the items of one sentence
    Local,
    /// a total over all the offences (`累计`, `共计盗窃`)
    Grand,
}

struct Counted {
    value: f64,
    ctx: String,
    pos: usize,
    total: bool,
}

/// The tax amount of a false VAT invoice offence (虚开的税款数额, what 刑法第205条 and 法释〔2024〕4号
/// grade it by), not the invoices' face value (价税合计): the largest sum whose clause names the
/// tax (税款, 税额, 税金, 增值税 not followed by 专用/普通/发票); without one, the crime amount at the
/// 17% VAT rate of the time (tax = total × 17/117, 增值税暂行条例 第2条 before 2018).
pub fn invoice_tax(facts: &str) -> Option<f64> {
    let mut best: Option<f64> = None;
    for m in find_money(facts) {
        let ctx = clause(facts, m.start, 14);
        let vat = ctx.match_indices("增值税").any(|(i, k)| {
            let after = &ctx[i + k.len()..];
            !(after.starts_with("专用") || after.starts_with("普通") || after.starts_with("发票"))
        });
        if ["税款", "税额", "税金"].iter().any(|k| ctx.contains(k)) || vat {
            best = Some(best.map_or(m.value, |b: f64| b.max(m.value)));
        }
    }
    best.or_else(|| crime_amount(facts).map(|a| round2(a.amount * 17.0 / 117.0)))
}

/// Words of a bribe given or taken (收受, 索取 and their objects).
const BRIBE: &[&str] = &["收受", "索取", "索要", "索贿", "好处费", "回扣", "贿赂", "贿款", "感谢费", "红包", "礼金", "购物卡", "给予", "送给", "送予", "送去", "送上", "行贿", "报酬"];

/// Whether the charge is graded by the bribe (受贿, 非国家工作人员受贿, 单位受贿, 利用影响力受贿,
/// 行贿, 对非国家工作人员行贿, 单位行贿, 对单位行贿, 介绍贿赂).
pub fn is_bribery(charge: &str) -> bool {
    charge.contains("受贿") || charge.contains("行贿") || charge.contains("贿赂")
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

    #[test]
    fn a_sum_taken_counts_whatever_kind_of_money_it_was() {
        assert_eq!(crime_amount("被告人刘某利用职务上的便利，虚报拆迁面积，骗取征地补偿款人民币12万元，据为己有。").map(|a| a.amount), Some(120_000.0));
        assert_eq!(crime_amount("被告人以管理电表为由，骗取邝某交纳押金50000元。同年7月，被告人又以同样方式骗取邝某30000元。").map(|a| a.amount), Some(80_000.0));
        // compensation paid to the victim stays out
        assert_eq!(crime_amount("被告人诈骗被害人现金2万元。案发后，被告人赔偿被害人经济损失2万元。").map(|a| a.amount), Some(20_000.0));
    }

    #[test]
    fn the_part_of_a_demand_handed_over_is_inside_the_demand() {
        let a = crime_amount("被告人张某以公开被害人李某隐私相威胁，向李某索要人民币5万元，李某被迫向张某转账3万元。").unwrap();
        assert_eq!(a.amount, 50_000.0);
        assert!(a.reasons.iter().any(|r| r.text.starts_with("不计入30,000元（所索要数额中已交付的部分")), "{:?}", a.reasons);
        assert_eq!(crime_amount("被告人王某勒索刘某10万元，刘某先后支付给王某6万元。").map(|a| a.amount), Some(100_000.0));
        // a second demand is a sum of its own; so is a payment that was never asked for
        assert_eq!(crime_amount("被告人向李某索要2000元，李某转账1000元。次日，被告人又向李某索要3000元。").map(|a| a.amount), Some(5000.0));
        assert_eq!(crime_amount("被告人骗取李某5万元，李某又向被告人转账3万元。").map(|a| a.amount), Some(80_000.0));
    }

    #[test]
    fn a_unit_price_counts_times_the_goods_taken() {
        let a = crime_amount("被告人韦某在某服装店试衣时，盗走店内羽绒服两件，每件价值人民币680元。").unwrap();
        assert_eq!(a.amount, 1360.0);
        assert!(a.reasons.iter().any(|r| r.text.contains("单价×两件")), "{:?}", a.reasons);
        assert_eq!(crime_amount("被告人盗窃香烟3条，每条价值人民币230元，另盗走现金500元。").map(|a| a.amount), Some(1190.0));
        // a price told without a taking in its sentence, or a count of another kind, stays out
        assert_eq!(crime_amount("被告人盗走现金800元。该店出售的羽绒服每件售价680元。").map(|a| a.amount), Some(800.0));
        assert_eq!(crime_amount("被告人盗走白酒两箱，每瓶价值100元，经鉴定共计价值2400元。").map(|a| a.amount), Some(2400.0));
    }

    #[test]
    fn a_list_of_goods_and_its_total() {
        // a price in brackets is the item's own, not the unit price of the item before it
        let a = crime_amount("被告人张某盗走钱包一个（价值280元）、羽绒服两件（每件价值680元）、手机一部（价值620元），共计价值人民币2260元。").unwrap();
        assert_eq!(a.amount, 2260.0, "{:?}", a.reasons);
        // parts after a `其中` that follows no sum, added up by the sentence's total
        let a = crime_amount("被告人张某在某商场盗窃财物，其中钱包一个价值280元，羽绒服两件价值1360元，手机一部价值620元，共计价值人民币2260元。").unwrap();
        assert_eq!(a.amount, 2260.0, "{:?}", a.reasons);
        assert!(a.reasons.iter().any(|r| r.text.contains("含上列不计入的280元")), "{:?}", a.reasons);
        // (also when an item after the list is among them)
        assert_eq!(crime_amount("被告人盗窃财物，其中钱包一个价值280元，另盗走手机一部价值620元，共计价值人民币900元。").map(|a| a.amount), Some(900.0));
    }

    #[test]
    fn a_loss_caused_is_counted_only_when_nothing_else_is_stated() {
        let a = crime_amount("被告人向社会公众吸收存款共计人民币180万元，造成集资参与人损失人民币95万元。").unwrap();
        assert_eq!(a.amount, 1_800_000.0);
        assert!(a.reasons.iter().any(|r| r.text.starts_with("不计入950,000元（犯罪造成的损失")), "{:?}", a.reasons);
        // the pot a 会首 drew is the members' money the fraud counts already
        let a = crime_amount("被告人朱某在会员所请的12个会上以高额“标子”得会人民币1259726元，骗取会员行会资金共计人民币618685元。").unwrap();
        assert_eq!(a.amount, 618_685.0, "{:?}", a.reasons);
        assert!(a.reasons.iter().any(|r| r.text.starts_with("不计入1,259,726元（会首所得会款")), "{:?}", a.reasons);
        // money got from the club, or the only sum, is no such pot
        assert_eq!(crime_amount("被告人以会钱支付首付款66万元。该手表价值为人民币115170元。").map(|a| a.amount), Some(775_170.0));
        assert_eq!(crime_amount("被告人林某担任会首，得会人民币30万元后逃匿。").map(|a| a.amount), Some(300_000.0));
        // the only sum of a damage case is its amount
        assert_eq!(crime_amount("被告人砸坏被害人的轿车，造成损失人民币8600元。").map(|a| a.amount), Some(8600.0));
    }

    #[test]
    fn bribes_are_the_sums_told_as_bribes() {
        let b = |s: &str| bribe_amount(s).map(|a| a.amount);
        // a kickback is the bribe, the premium it was a share of is not
        assert_eq!(b("被告人将车辆在该公司投保，保费金额为966647.27元。被告人收受该公司给付的保费总额2%的回扣，计人民币19332元。"), Some(19332.0));
        // a 好处费 is no wage here; the parts after a stated total are not counted again
        assert_eq!(b("被告人先后收受张某给予的好处费共计5万元。具体如下：1、收受张某好处费2万元；2、收受张某好处费3万元。"), Some(50000.0));
        // the bribe named right after the sum; a sum handed back is no second bribe
        assert_eq!(b("被告人授意将给其的255万元好处费转入其姐夫账户，并收受现金5万元。案发后退出赃款5万元。"), Some(2_600_000.0));
        // a sum paid for the promise of a payout is no bribe, the one asked in return is
        assert_eq!(b("王某可得到业务拓展费100万元，并向其索取10万元的好处费。"), Some(100_000.0));
        assert_eq!(b("被告人盗窃现金2000元。"), None);
        // the crime amount keeps leaving a 好处费 out (an accomplice's pay)
        assert_eq!(crime_amount("被告人盗窃现金2000元，事后给张某好处费500元。").map(|a| a.amount), Some(2000.0));
    }

    #[test]
    fn reasons_say_why_a_sum_is_left_out() {
        let a = crime_amount("被告人盗窃现金1500元，宋某分得750元。后被告人将盗得的摩托车以300元卖给他人，并处罚金人民币2000元。被告人向被害人退赔了1000元。").unwrap();
        let texts: Vec<&str> = a.reasons.iter().map(|r| r.text.as_str()).collect();
        for want in ["计入1,500元：被告人盗窃现金1500元", "不计入750元（分赃数额）：宋某分得750元", "不计入300元（销赃的价款）", "不计入2,000元（罚金、保证金或费用）：并处罚金人民币2000元", "不计入1,000元（退还或赔偿的款项）：被告人向被害人退赔了1000元"] {
            assert!(texts.iter().any(|t| t.starts_with(want)), "{want}: {texts:?}");
        }
    }

    #[test]
    fn reasons_quote_whole_words() {
        // the sum's clause from its start, the bracket it closes, not the sum before it
        let a = crime_amount("被告人赵某持水果刀威胁被害人孙某，抢走孙某的OPPO牌手机一部（经鉴定价值1200元）及现金300元。").unwrap();
        let texts: Vec<&str> = a.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["计入1,200元：抢走孙某的OPPO牌手机一部（经鉴定价值1200元）", "计入300元：现金300元"]);
        // a clause of a few words goes on with the one before
        let a = crime_amount("1、被告人吴某在某小区盗窃电动车一辆，价值1800元；2、被告人吴某在某网吧盗窃手机一部，价值2300元。").unwrap();
        assert_eq!(a.reasons[0].text, "计入1,800元：被告人吴某在某小区盗窃电动车一辆，价值1800元");
        // items of a list, each with its own words
        let a = crime_amount("被告人交通肇事致一人死亡。经调解，被告人赔偿被害人家属丧葬费20897.5元、火化费1817元、交通费5373元，另盗窃现金500元。").unwrap();
        assert!(a.reasons.iter().any(|r| r.text.ends_with("：火化费1817元")), "{:?}", a.reasons);
    }

    #[test]
    fn items_never_valued_count_at_their_sale_price() {
        let list = "1、被告人陈某窃取一部助力车，后将该车以人民币600元的价格卖给周某。\n2、被告人陈某窃取被害人钟某一部电动车，以人民币500元的价格卖给王某。经鉴定，被盗的电动车价值人民币2156元。\n3、被告人陈某窃取被害人陈某一部电动车。经鉴定，被盗的电动车价值人民币1690元。";
        let a = crime_amount(list).unwrap();
        assert_eq!(a.amount, 600.0 + 2156.0 + 1690.0, "{:?}", a.reasons);
        assert!(a.reasons.iter().any(|r| r.text.contains("以销赃所得600元计算")), "{:?}", a.reasons);
        // an item the facts say could not be valued stays out
        let unvalued = list.replacen("卖给周某。", "卖给周某（因材料不全无法认定价格）。", 1);
        assert_eq!(crime_amount(&unvalued).unwrap().amount, 2156.0 + 1690.0);
        // without a numbered list the sale price is no value beside the appraised ones
        assert_eq!(crime_amount(&list.replace("1、", "").replace("2、", "").replace("3、", "")).unwrap().amount, 2156.0 + 1690.0);
    }

    #[test]
    fn amount_contexts() {
        let cases: [(&str, f64); 5] = [
            // HTML character references do not break the sentence
            ("向陈某1收取购车&ldquo;定金&rdquo;转账4万元、现金2万元，又收取&ldquo;定金&rdquo;2万元，出具收取&ldquo;定金&rdquo;共计8万元的收据。", 80000.0),
            // parts after 其中
            ("胡某给了他3400元，其中3000元是转账的，又给了现金400元。李某给了他4500元。", 7900.0),
            // a coin's denomination, a price agreed
            ("被告人携带一元硬币等作案工具，盗取被害人的手机，经鉴定价值人民币4219元。", 4219.0),
            ("约定以1000元两小时的价格进行交易，被告人将被害人的现金人民币100元偷走。", 100.0),
            // sums quoted in the evidence after an offence
            ("被告人盗走现金1300元。上述事实，有证人证言：我发现手提包里的1200多元被盗，足以认定。被告人又盗走现金500元。", 1800.0),
        ];
        for (s, want) in cases {
            assert_eq!(crime_amount(s).map(|a| a.amount), Some(want), "{s}");
        }
    }

    #[test]
    fn invoice_tax_is_the_tax_not_the_face_value() {
        let f = "虚开增值税专用发票共计18份，价税合计人民币1787458.16元，其中税款人民币259716.12元已全部申报抵扣。";
        assert_eq!(invoice_tax(f), Some(259716.12));
        assert_eq!(invoice_tax("骗取国家增值税人民币405784.68元。"), Some(405784.68));
        // no tax stated: the face value at 17%
        assert_eq!(invoice_tax("虚开增值税专用发票9份，金额人民币117000元。"), Some(17000.0));
    }

    #[test]
    fn proceeds_only_when_nothing_else_is_stated() {
        let only = crime_amount("被告人郭某盗窃被害人黄某的旧空调、旧冰箱，卖与左某某，获利人民币5000余元。").unwrap();
        assert_eq!(only.amount, 5000.0);
        assert!(only.reasons.iter().any(|r| r.text.contains("法释〔2013〕8号")), "{:?}", only.reasons);
        // an appraised value wins over the sale price
        let both = crime_amount("被告人盗窃电动车一辆，经鉴定价值人民币2156元，后以人民币600元的价格卖得现金。").unwrap();
        assert_eq!(both.amount, 2156.0);
    }
}
