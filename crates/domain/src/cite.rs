//! Citations of statute articles, shown to users as `依据《刑事诉讼法》第九十一条`.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Law {
    /// 中华人民共和国刑事诉讼法 (2018).
    CriminalProcedureLaw,
    /// 中华人民共和国社区矫正法 (2019).
    CommunityCorrectionLaw,
    /// 中华人民共和国刑法.
    CriminalLaw,
}

impl Law {
    pub fn short_name(self) -> &'static str {
        match self {
            Law::CriminalProcedureLaw => "刑事诉讼法",
            Law::CommunityCorrectionLaw => "社区矫正法",
            Law::CriminalLaw => "刑法",
        }
    }
    /// The name used in the statute database.
    pub fn full_name(self) -> &'static str {
        match self {
            Law::CriminalProcedureLaw => "中华人民共和国刑事诉讼法",
            Law::CommunityCorrectionLaw => "中华人民共和国社区矫正法",
            Law::CriminalLaw => "中华人民共和国刑法",
        }
    }
}

/// One article of one law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Citation {
    pub law: Law,
    pub article: u32,
}

/// Shorthand for an article of the Criminal Procedure Law.
pub const fn cpl(article: u32) -> Citation {
    Citation { law: Law::CriminalProcedureLaw, article }
}

/// Shorthand for an article of the Community Correction Law.
pub const fn ccl(article: u32) -> Citation {
    Citation { law: Law::CommunityCorrectionLaw, article }
}

impl fmt::Display for Citation {
    /// `《刑事诉讼法》第九十一条`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "《{}》第{}条", self.law.short_name(), chinese_number(self.article))
    }
}

/// Writes a number below 10,000 the way statutes number their articles: 一百零五, 二百六十四, 十五.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let parts = [(n / 1000, "千"), (n / 100 % 10, "百"), (n / 10 % 10, "十"), (n % 10, "")];
    let mut out = String::new();
    let mut pending_zero = false;
    for (digit, unit) in parts {
        if digit == 0 {
            if !out.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        // 十五, not 一十五, when the number starts with the tens.
        if !(digit == 1 && unit == "十" && out.is_empty()) {
            out.push_str(DIGITS[digit as usize]);
        }
        out.push_str(unit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_numbers_read_as_in_the_statute() {
        let cases = [
            (3, "三"), (10, "十"), (15, "十五"), (20, "二十"), (86, "八十六"), (100, "一百"),
            (105, "一百零五"), (110, "一百一十"), (175, "一百七十五"), (208, "二百零八"),
            (264, "二百六十四"), (1000, "一千"), (1005, "一千零五"), (1050, "一千零五十"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_number(n), want, "{n}");
        }
        assert_eq!(cpl(91).to_string(), "《刑事诉讼法》第九十一条");
        assert_eq!(ccl(21).to_string(), "《社区矫正法》第二十一条");
    }
}
