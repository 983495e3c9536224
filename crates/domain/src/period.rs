//! Counting statutory periods, 《刑事诉讼法》第一百零五条 (CPL 105):
//!
//! - periods are counted in hours, days and months; the starting hour and day are not counted;
//! - if the last day is a holiday the period ends on the first day after the holiday — except
//!   while the suspect, defendant or convict is in custody, when it ends on its own last day;
//! - months are calendar months. A month runs from a day to the same day of the next month; when
//!   that day does not exist, or the start is the last day of its month, it ends on the last day
//!   of the target month (the Supreme People's Court's counting rule for month periods).
//!
//! All days are China Standard Time (UTC+8, no daylight saving).

use crate::calendar::HolidayCalendar;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// China Standard Time.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// The local (China) calendar date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

/// The instant a local day ends (the first instant of the next local day).
pub fn end_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    let next = date.succ_opt().expect("date in range");
    china()
        .from_local_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset is unambiguous")
        .with_timezone(&Utc)
}

/// A statutory length of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Period {
    Hours(u32),
    Days(u32),
    Months(u32),
}

impl Period {
    /// Chinese wording, e.g. `二十四小时`, `七日`, `一个月`.
    pub fn label(&self) -> String {
        match self {
            Period::Hours(n) => format!("{}小时", crate::cite::chinese_number(*n)),
            Period::Days(n) => format!("{}日", crate::cite::chinese_number(*n)),
            Period::Months(n) => format!("{}个月", crate::cite::chinese_number(*n)),
        }
    }
}

/// When a period expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The last day on which the act is on time (local date).
    pub last_day: NaiveDate,
    /// The instant after which the act is late.
    pub expires_at: DateTime<Utc>,
    /// The last day before the holiday rule moved it, when it did.
    pub moved_from: Option<NaiveDate>,
}

/// Adds calendar months: same day of the target month; the last day of the target month when the
/// day does not exist there or when `date` is the last day of its own month.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    let total = date.year() * 12 + date.month0() as i32 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
    let last = last_day_of_month(year, month0 + 1);
    let is_last_of_own_month = date.day() == last_day_of_month(date.year(), date.month());
    let day = if is_last_of_own_month { last } else { date.day().min(last) };
    NaiveDate::from_ymd_opt(year, month0 + 1, day).expect("valid day")
}

fn last_day_of_month(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .expect("valid month")
        .pred_opt()
        .expect("valid day")
        .day()
}

/// The due time of a chain of periods started at `start` (an extension adds its period to the
/// nominal end of the previous one). `custody` is whether the person concerned is in custody
/// (CPL 105: then the holiday rule does not apply).
pub fn due(start: DateTime<Utc>, periods: &[Period], custody: bool, cal: &HolidayCalendar) -> Due {
    assert!(!periods.is_empty(), "a deadline has at least one period");
    let local = start.with_timezone(&china());
    // Hour periods: the starting hour is not counted, so counting begins at the next full hour.
    if let [Period::Hours(h)] = periods {
        let hour_start = local
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .expect("valid time");
        let counted_from = if hour_start == local { local } else { hour_start + Duration::hours(1) };
        let expires = counted_from + Duration::hours(*h as i64);
        let expires_at = expires.with_timezone(&Utc);
        // The act is late after `expires_at`; its last day is the day containing the last instant.
        let last_day = (expires - Duration::seconds(1)).date_naive();
        return Due { last_day, expires_at, moved_from: None };
    }
    // Day and month periods: the starting day is not counted.
    let mut end = local.date_naive();
    for p in periods {
        end = match *p {
            Period::Days(n) => end + Duration::days(n as i64),
            Period::Months(n) => add_months(end, n),
            Period::Hours(n) => end + Duration::days((n as i64 + 23) / 24),
        };
    }
    let (last_day, moved_from) = if !custody && cal.is_day_off(end) {
        (cal.first_working_day_from(end), Some(end))
    } else {
        (end, None)
    };
    Due { last_day, expires_at: end_of_local_day(last_day), moved_from }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A local (China) time, written `YYYY-MM-DD HH:MM`.
    fn at(s: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        china().from_local_datetime(&naive).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn month_arithmetic_follows_calendar_months() {
        let cases = [
            ("2025-01-15", 1, "2025-02-15"),
            ("2025-01-31", 1, "2025-02-28"),
            ("2024-01-31", 1, "2024-02-29"),
            ("2025-04-30", 1, "2025-05-31"), // last day of the month → last day of the target
            ("2025-02-28", 1, "2025-03-31"),
            ("2025-03-30", 1, "2025-04-30"),
            ("2025-11-30", 2, "2026-01-31"),
            ("2025-12-15", 2, "2026-02-15"),
            ("2025-08-31", 3, "2025-11-30"),
        ];
        for (start, n, want) in cases {
            assert_eq!(add_months(d(start), n), d(want), "{start} + {n} months");
        }
    }

    /// Worked examples computed by hand from CPL 105 and the 2024–2026 State Council schedules.
    #[test]
    fn worked_examples() {
        let cal = HolidayCalendar::builtin();
        use Period::*;
        // (start local time, periods, custody, expected last day, moved from)
        type Example<'a> = (&'a str, &'a [Period], bool, &'a str, Option<&'a str>);
        let cases: &[Example] = &[
            // Detained Friday 2025-09-26: three days, start day not counted → Monday 29th.
            ("2025-09-26 15:00", &[Days(3)], true, "2025-09-29", None),
            // Arrest review (7 days) received 2025-09-24, suspect in custody: ends 2025-10-01
            // although it is National Day — custody periods are never extended.
            ("2025-09-24 10:00", &[Days(7)], true, "2025-10-01", None),
            // The same 7 days for a suspect on bail: 1 October is a holiday, so the period ends
            // on the first working day after the National Day holiday, 9 October.
            ("2025-09-24 10:00", &[Days(7)], false, "2025-10-09", Some("2025-10-01")),
            // Prosecution review, one month from 2025-09-05 → 2025-10-05 (holiday) → 10-09.
            ("2025-09-05 09:30", &[Months(1)], false, "2025-10-09", Some("2025-10-05")),
            // The same in custody: 2025-10-05.
            ("2025-09-05 09:30", &[Months(1)], true, "2025-10-05", None),
            // One month plus the 15-day extension for a major case (CPL 172).
            ("2025-09-05 09:30", &[Months(1), Days(15)], true, "2025-10-20", None),
            // Custody after arrest: two months from 2024-12-31 → 2025-02-28 (last-day rule).
            ("2024-12-31 18:00", &[Months(2)], true, "2025-02-28", None),
            // Plus one month (CPL 156), two (CPL 158) and two more (CPL 159).
            ("2024-12-31 18:00", &[Months(2), Months(1)], true, "2025-03-31", None),
            ("2024-12-31 18:00", &[Months(2), Months(1), Months(2), Months(2)], true, "2025-07-31", None),
            // Spring Festival 2026 (15–23 February off): a 10-day appeal window from 2026-02-07
            // ends 2026-02-17 → moved to 24 February for a defendant on bail.
            ("2026-02-07 11:00", &[Days(10)], false, "2026-02-24", Some("2026-02-17")),
            // A plain weekend: ten days from Wednesday 2025-11-12 end Saturday 22nd → Monday 24th.
            ("2025-11-12 11:00", &[Days(10)], false, "2025-11-24", Some("2025-11-22")),
            // An adjusted working day is not a holiday: 2025-09-28 (Sunday, workday).
            ("2025-09-18 08:00", &[Days(10)], false, "2025-09-28", None),
            // Start late in the evening: the day still does not count.
            ("2025-03-03 23:59", &[Days(1)], false, "2025-03-04", None),
        ];
        for (start, periods, custody, want, moved) in cases {
            let got = due(at(start), periods, *custody, &cal);
            assert_eq!(got.last_day, d(want), "{start} {periods:?} custody={custody}");
            assert_eq!(got.moved_from, moved.map(d), "{start} {periods:?} custody={custody}");
            assert_eq!(got.expires_at, end_of_local_day(d(want)));
        }
    }

    #[test]
    fn hours_start_at_the_next_full_hour() {
        let cal = HolidayCalendar::builtin();
        // Detained 10:25 → the hour 10 is not counted: 24 hours from 11:00 → 11:00 next day.
        let got = due(at("2025-10-01 10:25"), &[Period::Hours(24)], true, &cal);
        assert_eq!(got.expires_at, at("2025-10-02 11:00"));
        assert_eq!(got.last_day, d("2025-10-02"));
        // Exactly on the hour: counting starts at once.
        let got = due(at("2025-10-01 10:00"), &[Period::Hours(24)], true, &cal);
        assert_eq!(got.expires_at, at("2025-10-02 10:00"));
        // Ending at midnight: the last instant is on the previous day.
        let got = due(at("2025-10-01 00:00"), &[Period::Hours(24)], true, &cal);
        assert_eq!(got.last_day, d("2025-10-01"));
    }

    #[test]
    fn local_day_boundaries_use_china_time() {
        // 2025-03-03 17:00 UTC is 2025-03-04 01:00 in China.
        let t = Utc.with_ymd_and_hms(2025, 3, 3, 17, 0, 0).unwrap();
        assert_eq!(local_date(t), d("2025-03-04"));
    }
}
