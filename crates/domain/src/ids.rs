//! Validated identifiers: platform case ids, resident identity card numbers, phone numbers and
//! addresses of persons.

/// A platform-wide case id: `LB-YYYY-NNNNNN`.
pub fn case_id(year: i32, seq: u64) -> String {
    format!("LB-{year:04}-{seq:06}")
}

/// Parses a platform case id into (year, sequence).
pub fn parse_case_id(s: &str) -> Option<(i32, u64)> {
    let rest = s.strip_prefix("LB-")?;
    let (y, n) = rest.split_once('-')?;
    if y.len() != 4 || n.len() < 6 || !y.bytes().all(|b| b.is_ascii_digit()) || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((y.parse().ok()?, n.parse().ok()?))
}

/// Checks an 18-character resident identity card number (GB 11643-1999): 17 digits, then a
/// check character (digit or `X`) computed with ISO 7064 MOD 11-2; the embedded birth date must
/// be a real date. Returns the rule broken, in Chinese.
pub fn check_id_card(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    if b.len() != 18 {
        return Err(format!("身份证号码应为18位，实际为{}位", s.chars().count()));
    }
    if !b[..17].iter().all(u8::is_ascii_digit) {
        return Err("身份证号码前17位应为数字".into());
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = *b"10X98765432";
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
    let expected = CHECK[(sum % 11) as usize];
    if b[17].to_ascii_uppercase() != expected {
        return Err(format!("身份证号码校验位错误，应为{}", expected as char));
    }
    let birth = &s[6..14];
    if chrono::NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() {
        return Err(format!("身份证号码中的出生日期{birth}不是有效日期"));
    }
    Ok(())
}

/// Computes the check character for 17 digits (used to make valid demo numbers).
pub fn id_card_check_char(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = *b"10X98765432";
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
    CHECK[(sum % 11) as usize] as char
}

/// A phone number as stored: surrounding and inner spaces removed; a mobile number written
/// with separators (`138-1234-5678`) becomes its 11 digits; a landline keeps the hyphen after
/// its area code.
pub fn normalize_phone(s: &str) -> String {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let digits: String = compact.chars().filter(|c| *c != '-').collect();
    if digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits
    } else {
        compact
    }
}

/// The longest address accepted, in characters.
pub const MAX_ADDRESS: usize = 200;

/// Checks a mainland phone number (after [`normalize_phone`]): a mobile number of 11 digits
/// beginning 13–19, or a landline: an area code of 3 or 4 digits beginning with 0, optionally a
/// hyphen, and a local number of 7 or 8 digits not beginning with 0 or 1. Returns the rule
/// broken, in Chinese.
pub fn check_phone(s: &str) -> Result<(), String> {
    const FORMS: &str = "应为11位手机号码（如13812345678）或区号加号码的固定电话（如0571-87654321）";
    let s = normalize_phone(s);
    if s.is_empty() {
        return Err(format!("联系电话不能为空，{FORMS}"));
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii_digit() && *c != '-') {
        return Err(format!("联系电话含有非数字字符“{c}”，{FORMS}"));
    }
    let b = s.as_bytes();
    if b[0] == b'1' {
        if s.contains('-') || b.len() != 11 {
            return Err(format!("手机号码应为11位数字，实际为{}位", s.chars().filter(char::is_ascii_digit).count()));
        }
        if !(b'3'..=b'9').contains(&b[1]) {
            return Err("手机号码第二位应为3至9".into());
        }
        return Ok(());
    }
    if b[0] != b'0' {
        return Err(format!("联系电话{FORMS}"));
    }
    let (area, local) = match s.split_once('-') {
        Some((a, l)) => (a.to_string(), l.to_string()),
        None => {
            // Without a hyphen: a three-digit area code (010, 02X) when the number starts 01 or
            // 02, otherwise four digits.
            let n = if matches!(b[1], b'1' | b'2') { 3 } else { 4 };
            if s.len() <= n {
                return Err(format!("固定电话缺少本地号码，{FORMS}"));
            }
            (s[..n].to_string(), s[n..].to_string())
        }
    };
    if !(3..=4).contains(&area.len()) || area.as_bytes().get(1) == Some(&b'0') {
        return Err(format!("固定电话区号“{area}”应为0开头的3至4位数字"));
    }
    if local.contains('-') || !(7..=8).contains(&local.len()) || matches!(local.as_bytes()[0], b'0' | b'1') {
        return Err(format!("固定电话本地号码“{local}”应为2至9开头的7至8位数字"));
    }
    Ok(())
}

/// Checks an address: not blank, at most [`MAX_ADDRESS`] characters, no control characters.
pub fn check_address(s: &str) -> Result<(), String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("住址不能为空（不知道时不填此项）".into());
    }
    if t.chars().count() > MAX_ADDRESS {
        return Err(format!("住址不能超过{MAX_ADDRESS}个字"));
    }
    if t.chars().any(char::is_control) {
        return Err("住址不能含有换行等控制字符".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        assert_eq!(check_phone("13812345678"), Ok(()));
        assert_eq!(check_phone("138 1234 5678"), Ok(()));
        assert_eq!(normalize_phone("138-1234-5678"), "13812345678");
        assert_eq!(check_phone("0571-87654321"), Ok(()));
        assert_eq!(check_phone("01087654321"), Ok(()));
        assert_eq!(check_phone("057187654321"), Ok(()));
        assert_eq!(normalize_phone(" 0571-8765 4321 "), "0571-87654321");
        assert!(check_phone("1381234567").unwrap_err().contains("11位"));
        assert!(check_phone("12812345678").unwrap_err().contains("第二位"));
        assert!(check_phone("1381234567a").unwrap_err().contains("非数字"));
        assert!(check_phone("0571-0765432").unwrap_err().contains("本地号码"));
        assert!(check_phone("00571-87654321").unwrap_err().contains("区号"));
        assert!(check_phone("28812345678").unwrap_err().contains("手机号码"));
        assert!(check_phone("").is_err());
    }

    #[test]
    fn addresses() {
        assert_eq!(check_address("临江市江北区滨江路8号"), Ok(()));
        assert!(check_address("  ").unwrap_err().contains("不能为空"));
        assert!(check_address(&"路".repeat(MAX_ADDRESS + 1)).unwrap_err().contains("200"));
        assert!(check_address("江北区\n滨江路").unwrap_err().contains("控制字符"));
    }

    #[test]
    fn id_card_numbers() {
        // Example number from GB 11643-1999.
        assert_eq!(check_id_card("11010519491231002X"), Ok(()));
        assert_eq!(check_id_card("11010519491231002x"), Ok(()));
        assert!(check_id_card("110105194912310021").unwrap_err().contains("校验位"));
        assert!(check_id_card("1101051949123100").unwrap_err().contains("18位"));
        assert!(check_id_card("11010519491331002X").is_err(), "month 13");
        let first17 = "33010219900307123";
        let full = format!("{first17}{}", id_card_check_char(first17));
        assert_eq!(check_id_card(&full), Ok(()));
    }

    #[test]
    fn case_ids_round_trip() {
        assert_eq!(case_id(2025, 42), "LB-2025-000042");
        assert_eq!(parse_case_id("LB-2025-000042"), Some((2025, 42)));
        assert_eq!(parse_case_id("LB-25-000042"), None);
        assert_eq!(parse_case_id("XX-2025-000042"), None);
    }
}
