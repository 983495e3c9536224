//! Validated identifiers: platform case ids and resident identity card numbers.

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

#[cfg(test)]
mod tests {
    use super::*;

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
