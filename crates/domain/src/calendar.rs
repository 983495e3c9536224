//! The holiday calendar: weekends, public holidays and adjusted working days (调休).
//!
//! The State Council publishes each year's schedule; it is kept as data (a TSV file an
//! administrator extends each year), never as code. Ordinary weekends are implied; the file lists
//! every public day off (`holiday`) and every weekend day made a working day (`workday`).

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// The schedule shipped with the platform (2024–2026 State Council notices).
pub const BUILTIN_TSV: &str = include_str!("../../../data/calendar/cn-public-holidays.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday, a day off.
    Holiday,
    /// A weekend day made a working day (调休).
    Workday,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    kind: DayKind,
    name: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("calendar line {line}: field `{field}`: {rule}")]
    Invalid { line: usize, field: &'static str, rule: String },
}

/// Which days are days off. Years outside the loaded schedule fall back to plain weekends.
#[derive(Debug, Clone, Default)]
pub struct HolidayCalendar {
    entries: BTreeMap<NaiveDate, Entry>,
}

impl HolidayCalendar {
    /// Parses the TSV format: `date<TAB>kind<TAB>name`, `#` comments, blank lines ignored.
    pub fn from_tsv(text: &str) -> Result<Self, CalendarError> {
        let mut entries = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut fields = trimmed.split('\t');
            let date_text = fields.next().unwrap_or("").trim();
            let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
                CalendarError::Invalid {
                    line,
                    field: "date",
                    rule: format!("`{date_text}` is not a date of the form YYYY-MM-DD"),
                }
            })?;
            let kind = match fields.next().map(str::trim) {
                Some("holiday") => DayKind::Holiday,
                Some("workday") => DayKind::Workday,
                other => {
                    return Err(CalendarError::Invalid {
                        line,
                        field: "kind",
                        rule: format!("must be `holiday` or `workday`, found `{}`", other.unwrap_or("")),
                    });
                }
            };
            let name = fields.next().map(str::trim).unwrap_or("").to_string();
            let weekend = is_weekend(date);
            if kind == DayKind::Workday && !weekend {
                return Err(CalendarError::Invalid {
                    line,
                    field: "kind",
                    rule: format!("{date} is a weekday; only a weekend day can be made a workday"),
                });
            }
            if entries.insert(date, Entry { kind, name }).is_some() {
                return Err(CalendarError::Invalid {
                    line,
                    field: "date",
                    rule: format!("{date} is listed twice"),
                });
            }
        }
        Ok(Self { entries })
    }

    /// The schedule shipped with the platform.
    pub fn builtin() -> Self {
        Self::from_tsv(BUILTIN_TSV).expect("the shipped holiday calendar parses")
    }

    /// A day off: a public holiday, or a weekend day not made a working day.
    pub fn is_day_off(&self, date: NaiveDate) -> bool {
        match self.entries.get(&date).map(|e| e.kind) {
            Some(DayKind::Holiday) => true,
            Some(DayKind::Workday) => false,
            None => is_weekend(date),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.is_day_off(date)
    }

    /// The name of the holiday or adjusted working day, if the schedule lists the date.
    pub fn name(&self, date: NaiveDate) -> Option<&str> {
        self.entries.get(&date).map(|e| e.name.as_str())
    }

    /// The first working day on or after `date`.
    pub fn first_working_day_from(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while self.is_day_off(d) {
            d = d.succ_opt().expect("date in range");
        }
        d
    }

    /// Working days strictly after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().expect("date in range");
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// The years for which a State Council schedule is loaded.
    pub fn years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = self.entries.keys().map(|d| d.year()).collect();
        years.dedup();
        years
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn builtin_schedule_knows_national_day_and_adjusted_workdays() {
        let cal = HolidayCalendar::builtin();
        assert_eq!(cal.years(), vec![2024, 2025, 2026]);
        // 2025 National Day and Mid-Autumn: 1–8 October off, 28 September and 11 October worked.
        for day in 1..=8 {
            assert!(cal.is_day_off(d(&format!("2025-10-0{day}"))), "2025-10-0{day}");
        }
        assert!(cal.is_working_day(d("2025-10-09")));
        assert!(cal.is_working_day(d("2025-09-28")), "Sunday made a workday");
        assert!(cal.is_working_day(d("2025-10-11")), "Saturday made a workday");
        // Plain weekend outside any schedule entry.
        assert!(cal.is_day_off(d("2025-11-22")));
        assert!(cal.is_working_day(d("2025-11-24")));
        // Years past the schedule fall back to weekends.
        assert!(cal.is_working_day(d("2027-10-01")), "a Friday with no schedule loaded");
        assert_eq!(cal.first_working_day_from(d("2025-10-01")), d("2025-10-09"));
    }

    #[test]
    fn bad_lines_name_line_and_field() {
        let cases = [
            ("2025-13-01\tholiday\tx", 1, "date"),
            ("# c\n2025-10-01\tday-off\tx", 2, "kind"),
            ("2025-10-09\tworkday\tx", 1, "kind"),
            ("2025-10-01\tholiday\ta\n2025-10-01\tholiday\tb", 2, "date"),
        ];
        for (text, line, field) in cases {
            match HolidayCalendar::from_tsv(text) {
                Err(CalendarError::Invalid { line: l, field: f, .. }) => {
                    assert_eq!((l, f), (line, field), "{text}")
                }
                Ok(_) => panic!("accepted bad calendar {text:?}"),
            }
        }
    }

    #[test]
    fn working_days_between_skips_days_off() {
        let cal = HolidayCalendar::builtin();
        // Friday 2025-09-26 → Thursday 2025-10-09: 28 (Sunday workday), 29, 30 and 9 October = 4.
        assert_eq!(cal.working_days_between(d("2025-09-26"), d("2025-10-09")), 4);
        assert_eq!(cal.working_days_between(d("2025-10-09"), d("2025-10-09")), 0);
    }
}
