//! Numbered lists in the facts: the counts of an indictment (`（一）…（二）…`) and the items of a
//! list of offences or deals (`1、…2、…`), and whether an item lists the evidence instead.

/// How the items of a list are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// `一、`, `（一）`, `(一)`
    Chinese,
    /// `1、`, `（1）`, `(1)`, `1．`
    Arabic,
}

const CHINESE: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

impl Numbering {
    /// The markers of item `k` (from 1): the bracketed ones first.
    fn markers(self, k: usize) -> Vec<String> {
        let n = match self {
            Numbering::Chinese => match CHINESE.get(k - 1) {
                Some(n) => n.to_string(),
                None => return Vec::new(),
            },
            Numbering::Arabic => k.to_string(),
        };
        let mut m = vec![format!("（{n}）"), format!("({n})"), format!("{n}、")];
        if self == Numbering::Arabic {
            m.push(format!("{n}．"));
            m.push(format!("{n}."));
        }
        m
    }
}

/// The items of the list numbered `numbering` in `text`, item 1 up to `most` or the first number
/// missing, each from its marker to the next one (the last to the end of the text). A bracketed
/// marker counts anywhere but after `第` (`第（一）项` is an article's item); a bare one (`二、`)
/// at the start of the text, a line or a sentence, or after `：`, `；`, `，` or a space. Empty when
/// fewer than two items are found.
pub fn items(text: &str, numbering: Numbering, most: usize) -> Vec<&str> {
    let mut starts: Vec<usize> = Vec::new();
    for k in 1..=most {
        let from = starts.last().map_or(0, |&l| l + text[l..].chars().next().map_or(1, char::len_utf8));
        let found = numbering
            .markers(k)
            .iter()
            .filter_map(|m| {
                text[from..].match_indices(m.as_str()).map(|(p, _)| from + p).find(|&p| {
                    let before = text[..p].chars().next_back();
                    // `1.` before a digit is a decimal (`1.5克`), unless a year follows
                    // (`1.2016年3月`, full-width `１．２０１６年` once read as ASCII)
                    let rest = &text[p + m.len()..];
                    let year = rest.len() > 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) && rest[4..].starts_with('年');
                    if m.ends_with('.') && rest.starts_with(|c: char| c.is_ascii_digit()) && !year {
                        return false;
                    }
                    if m.starts_with(['（', '(']) {
                        before != Some('第')
                    } else {
                        before.is_none_or(|c| matches!(c, '。' | '：' | ':' | '；' | ';' | '\n' | ' ' | '　' | '，'))
                    }
                })
            })
            .min();
        match found {
            Some(p) => starts.push(p),
            None => break,
        }
    }
    if starts.len() < 2 {
        return Vec::new();
    }
    starts.iter().enumerate().map(|(j, &a)| &text[a..starts.get(j + 1).copied().unwrap_or(text.len())]).collect()
}

/// Whether an item lists evidence (`（一）书证…`, `2、证人证言…`) rather than telling a fact: its
/// first ten characters name a kind of evidence (刑事诉讼法第50条).
pub fn is_evidence(item: &str) -> bool {
    const KINDS: [&str; 11] = ["书证", "证人", "物证", "供述", "鉴定", "勘验", "视听", "证据", "辨认", "抓获经过", "被害人陈述"];
    let head: String = item.chars().take(10).collect();
    KINDS.iter().any(|w| head.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_items_are_read_in_order() {
        let text = "公诉机关指控：（一）被告人盗窃。（二）被告人诈骗。（三）被告人抢夺。";
        assert_eq!(items(text, Numbering::Chinese, 6), vec!["（一）被告人盗窃。", "（二）被告人诈骗。", "（三）被告人抢夺。"]);
        let text = "指控：1、3月1日贩卖冰毒。2、3月5日贩卖冰毒。3．3月9日贩卖冰毒。";
        assert_eq!(items(text, Numbering::Arabic, 30).len(), 3);
        // `1.` before a year is a marker, before another digit a decimal
        assert_eq!(items("指控：1.2016年3月贩卖冰毒。2.2016年4月贩卖冰毒。", Numbering::Arabic, 30).len(), 2);
        assert!(items("查获冰毒，1.5克；2.3克。", Numbering::Arabic, 30).is_empty());
        // a number inside another (`11、`) or an article's item (`第（一）项`) is no marker
        assert!(items("被告人共盗窃11、12号房间。", Numbering::Arabic, 30).is_empty());
        assert!(items("其行为触犯了刑法第二百九十三条第（一）项、第（二）项之规定。", Numbering::Chinese, 6).is_empty());
        // one item is no list; the list stops at the first number missing
        assert!(items("指控：（一）被告人盗窃电动车一辆。", Numbering::Chinese, 6).is_empty());
        assert_eq!(items("一、盗窃。二、诈骗。四、抢夺。", Numbering::Chinese, 6).len(), 2);
        // no more than asked for
        assert_eq!(items("一、甲。二、乙。三、丙。", Numbering::Chinese, 2), vec!["一、甲。", "二、乙。三、丙。"]);
    }

    #[test]
    fn evidence_items_are_told_apart() {
        assert!(is_evidence("（一）书证；"));
        assert!(is_evidence("2、证人张某的证言"));
        assert!(!is_evidence("1、2016年3月1日，被告人贩卖冰毒"));
    }
}
