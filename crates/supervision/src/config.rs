//! Thresholds of supervision, one documented table (stored by the store, defaults here).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// A warning is raised when this many WORKING days or fewer remain before a deadline's last
    /// day (holidays and adjusted working days from the calendar).
    pub warning_working_days: u32,
    /// A claimed time earlier than the server's time by more than this is back-dating.
    pub backdating_tolerance_minutes: i64,
    /// Closing and reopening a stage within this many days looks like borrowing time.
    pub borrowing_window_days: i64,
    /// A notification unacknowledged this many hours after it was raised raises its own alarm.
    pub notification_ack_hours: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self { warning_working_days: 2, backdating_tolerance_minutes: 10, borrowing_window_days: 3, notification_ack_hours: 24 }
    }
}
