//! Numbers as written in judgments: Arabic digits (with thousands separators and decimals),
//! Chinese numerals (一万二千五百, 两千, 十二), and the units 万/千/百 after either.

/// Value of one Chinese digit character.
fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' | 'O' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn cn_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

/// The text with full-width digits (`１２．５克`) written as ASCII ones (`12.5克`), and a
/// full-width point between two digits as `.`; other characters, full-width punctuation
/// included, unchanged. Borrowed when there is nothing to change.
pub fn half_width_digits(text: &str) -> std::borrow::Cow<'_, str> {
    let full = |c: char| ('０'..='９').contains(&c);
    if !text.chars().any(full) {
        return std::borrow::Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let digit = |c: char| c.is_ascii_digit() || full(c);
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if full(c) {
            out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8));
        } else if c == '．' && i > 0 && digit(chars[i - 1]) && chars.get(i + 1).is_some_and(|&n| digit(n)) {
            out.push('.');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

pub fn is_cn_numeral_char(c: char) -> bool {
    cn_digit(c).is_some() || cn_unit(c).is_some() || c == '万' || c == '亿'
}

/// Parse a Chinese numeral such as `一万二千五百`, `十二`, `两千零五`, `三点五`.
pub fn parse_cn_integer(s: &str) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    if let Some((a, b)) = s.split_once('点') {
        let int = parse_cn_integer(a)?;
        let mut frac = 0.0;
        let mut scale = 0.1;
        for c in b.chars() {
            frac += cn_digit(c)? as f64 * scale;
            scale /= 10.0;
        }
        return Some(int + frac);
    }
    let chars: Vec<char> = s.chars().collect();
    // Digit-by-digit form such as 二〇一六.
    if chars.len() > 1 && chars.iter().all(|&c| cn_digit(c).is_some()) {
        let mut v = 0u64;
        for &c in &chars {
            v = v * 10 + cn_digit(c)? as u64;
        }
        return Some(v as f64);
    }
    let mut total: u64 = 0; // completed 亿/万 groups
    let mut section: u64 = 0; // below 万
    let mut digit: Option<u64> = None;
    for &c in &chars {
        if let Some(d) = cn_digit(c) {
            digit = Some(d as u64);
        } else if let Some(u) = cn_unit(c) {
            section += digit.unwrap_or(1) * u;
            digit = None;
        } else if c == '万' || c == '亿' {
            let unit = if c == '万' { 10_000 } else { 100_000_000 };
            section += digit.take().unwrap_or(0);
            if section == 0 {
                section = 1;
            }
            if c == '亿' {
                total = (total + section) * unit;
            } else {
                total += section * unit;
            }
            section = 0;
        } else {
            return None;
        }
    }
    section += digit.unwrap_or(0);
    Some((total + section) as f64)
}

/// A number found in text, with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberSpan {
    pub start: usize,
    pub end: usize,
    pub value: f64,
}

/// Parse an Arabic number with optional separators, then an optional 万/千/百 multiplier.
/// `s` must start at the number. Returns (value, bytes consumed).
pub fn parse_number_prefix(s: &str) -> Option<(f64, usize)> {
    let mut end = 0;
    let mut digits = String::new();
    let mut seen_dot = false;
    for (i, orig) in s.char_indices() {
        let c = match orig {
            '０'..='９' => char::from_u32(orig as u32 - '０' as u32 + '0' as u32).unwrap(),
            '．' => '.',
            '，' => ',',
            _ => orig,
        };
        if c.is_ascii_digit() {
            digits.push(c);
            end = i + orig.len_utf8();
        } else if c == '.' && !seen_dot && !digits.is_empty() {
            // only a decimal point if followed by a digit
            let next = s[i + orig.len_utf8()..].chars().next();
            if next.is_some_and(|n| n.is_ascii_digit() || ('０'..='９').contains(&n)) {
                seen_dot = true;
                digits.push('.');
            } else {
                break;
            }
        } else if c == ',' && !digits.is_empty() && !seen_dot {
            // thousands separator only when exactly three digits follow
            let rest: Vec<char> = s[i..].chars().skip(1).take(4).collect();
            if rest.len() >= 3 && rest[..3].iter().all(|d| d.is_ascii_digit()) && rest.get(3).is_none_or(|d| !d.is_ascii_digit()) {
                continue;
            }
            break;
        } else {
            break;
        }
    }
    if digits.is_empty() {
        // Chinese numeral
        let mut cn_end = 0;
        for (i, c) in s.char_indices() {
            if is_cn_numeral_char(c) || (c == '点' && i > 0) {
                cn_end = i + c.len_utf8();
            } else {
                break;
            }
        }
        if cn_end == 0 {
            return None;
        }
        let text = s[..cn_end].trim_end_matches('点');
        let v = parse_cn_integer(text)?;
        return Some((v, text.len()));
    }
    let mut v: f64 = digits.parse().ok()?;
    let rest = &s[end..];
    let mut consumed = end;
    let mut chars = rest.chars();
    match chars.next() {
        Some('万') => {
            v *= 10_000.0;
            consumed += '万'.len_utf8();
        }
        Some('千') if !rest.starts_with("千克") && !rest.starts_with("千米") && !rest.starts_with("千瓦") => {
            v *= 1000.0;
            consumed += '千'.len_utf8();
            if rest['千'.len_utf8()..].starts_with('万') {
                v *= 10_000.0;
                consumed += '万'.len_utf8();
            }
        }
        Some('亿') => {
            v *= 100_000_000.0;
            consumed += '亿'.len_utf8();
        }
        _ => {}
    }
    Some((v, consumed))
}

/// Round to cents to keep sums exact for comparison.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A money amount found in text: `人民币1.5万元`, `三千余元`, `4,400元`.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    pub start: usize,
    pub end: usize,
    pub value: f64,
}

/// Every money amount in `text` (a number followed by 元, optionally via 余/多).
pub fn find_money(text: &str) -> Vec<Money> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes_len = text.len();
    while i < bytes_len {
        let c = text[i..].chars().next().unwrap();
        let starts_number = c.is_ascii_digit() || ('０'..='９').contains(&c) || (is_cn_numeral_char(c) && c != '万' && c != '亿');
        let prev_is_digit = text[..i].chars().next_back().is_some_and(|p| p.is_ascii_digit() || p == '.' || is_cn_numeral_char(p));
        if starts_number && !prev_is_digit
            && let Some((v, n)) = parse_number_prefix(&text[i..])
        {
            let mut j = i + n;
            let rest = &text[j..];
            let mut k = 0;
            for suffix in ["余", "多", "左右"] {
                if rest.starts_with(suffix) {
                    k = suffix.len();
                    break;
                }
            }
            let mut after = &rest[k..];
            let mut v = v;
            // `100余万元`: the approximation before the unit
            if k > 0 {
                for (unit, mul) in [("万", 10_000.0), ("千", 1_000.0), ("亿", 100_000_000.0)] {
                    if after.starts_with(unit) && after[unit.len()..].starts_with('元') {
                        v *= mul;
                        k += unit.len();
                        after = &rest[k..];
                        break;
                    }
                }
            }
            // `6.3万某`: the anonymised CAIL texts turned 万元 into 万某 (万 read as a surname)
            let anonymised = text[i..i + n].ends_with('万') && after.starts_with('某');
            if (after.starts_with('元') && !after.starts_with("元旦")) || anonymised {
                j += k + '元'.len_utf8();
                out.push(Money { start: i, end: j, value: round2(v) });
                i = j;
                continue;
            }
            i += n.max(c.len_utf8());
            continue;
        }
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_become_ascii() {
        assert_eq!(half_width_digits("甲基苯丙胺１２．５克，价值３０００元。"), "甲基苯丙胺12.5克，价值3000元。");
        // a full-width point elsewhere, and full-width punctuation, stay as written
        assert_eq!(half_width_digits("第１条．其余，照旧"), "第1条．其余，照旧");
        assert!(matches!(half_width_digits("12.5克，照旧"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn chinese_numerals() {
        let cases = [
            ("一万二千五百", 12500.0),
            ("十二", 12.0),
            ("两千", 2000.0),
            ("二千零五", 2005.0),
            ("三十万", 300_000.0),
            ("一百零八", 108.0),
            ("二〇一六", 2016.0),
            ("三点五", 3.5),
            ("一亿二千万", 120_000_000.0),
        ];
        for (s, v) in cases {
            assert_eq!(parse_cn_integer(s), Some(v), "{s}");
        }
    }

    #[test]
    fn money_with_units() {
        let cases: [(&str, &[f64]); 10] = [
            ("骗取黄某人民币2.6万元。", &[26000.0]),
            ("价值人民币4,400元", &[4400.0]),
            ("现金三千余元及手机", &[3000.0]),
            ("共计1.8万元、7.1万元", &[18000.0, 71000.0]),
            ("盗得5千元", &[5000.0]),
            ("重2千克价值300元", &[300.0]),
            ("一万二千五百元", &[12500.0]),
            ("2016年1月2日11时许，盗走1500元", &[1500.0]),
            ("骗取被害人赵某50万某，后其将", &[500_000.0]),
            ("骗取钱款共计人民币100余万元。", &[1_000_000.0]),
        ];
        for (s, want) in cases {
            let got: Vec<f64> = find_money(s).iter().map(|m| m.value).collect();
            assert_eq!(got, want, "{s}");
        }
    }
}
