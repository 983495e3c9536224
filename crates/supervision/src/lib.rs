//! Supervision (督办): what the committee and each agency's leadership must know without asking —
//! which deadlines are about to run out, which have, and where handling looks irregular.
//!
//! The key decision: **every rule is a pure function of the trace.** A detector takes a case's
//! events, its folded state, the directory and the calendar, and the time (passed in), and
//! returns findings keyed so that evaluating it again finds the same thing again. The store runs
//! the detectors in the writer's transaction as each event arrives and again in a periodic sweep
//! (time passing alone makes a deadline overdue); because findings are keyed, both paths are
//! idempotent and a finding is recorded once and never dropped.

pub mod alert;
pub mod config;
pub mod detect;
pub mod report;
pub mod rule;

pub use alert::{alerts, recipients, Alert, AlertLevel, Audience, Recipient};
pub use config::Config;
pub use detect::{evaluate_case, DocumentChange, Finding, PendingNotification, RefusedAttempt};
pub use report::{report, Report, Scope, StageKind};
pub use rule::Rule;
