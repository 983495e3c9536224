//! Lianban's domain: the criminal case chain across five agencies, as pure functions.
//!
//! The key decision: a case is **event-sourced**. Its state is only ever the fold of its events
//! through [`machine::apply`], which checks the stage machine and the statute on every step. The
//! same function decides new actions (on a copy) and replays history, so what was accepted is
//! exactly what a rebuild reproduces. Nothing here does I/O or reads the clock: the server's time,
//! the directory of organizations and the holiday calendar are passed in.

pub mod action;
pub mod calendar;
pub mod case;
pub mod charges;
pub mod cite;
pub mod ids;
pub mod machine;
pub mod org;
pub mod period;
pub mod view;

pub use action::{Action, Actor, Event, Refusal, RefusalKind};
pub use calendar::HolidayCalendar;
pub use case::{CaseState, Stage};
pub use org::{AgencyKind, Directory, Level, Organization, Role, User};
