//! Lianban's demo world: the fictional city of 临江市 with three districts, their agencies, about
//! fifty users, and two years of criminal cases driven through the real stage machine.
//!
//! The key decision: every case is a **script** of dated steps (who does what, when), drawn so
//! that durations mostly keep to the statutory deadlines and every branch of the chain appears
//! with a realistic frequency. All scripts are merged by time and queued in order through
//! [`store::Store::enqueue_at`], each stamped with its step's time, so the world is exactly what
//! the platform would have recorded — a refused step is a bug in the script. The writer applies
//! the queued steps in order, many per durable commit; the [`store::ManualClock`] follows the
//! steps (checkpoint times) and is left at `now`.
//! Steps after `now` are not submitted: recent cases are still running, with live deadlines.

mod facts;
mod rng;
mod script;
mod world;

pub use script::Step;
pub use world::{city_org, district_org, world, DemoUser, District, World, CITY_CODE, CITY_NAME, DISTRICTS, PASSWORD};

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{HolidayCalendar, Stage};
use std::collections::{BTreeMap, HashMap};
use std::collections::VecDeque;
use store::{Command, ManualClock, Queued, Store, StoreError};

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of cases registered over the period (default 2000).
    pub cases: usize,
    /// Seed of the generator: the same seed gives the same world.
    pub seed: u64,
    /// The end of the simulated period: steps after it are not submitted.
    pub now: DateTime<Utc>,
    /// Length of the period over which cases are registered, in days (default 730).
    pub days: u32,
}

impl Options {
    /// The default `now`: 2026-11-20 10:00 China time.
    pub fn default_now() -> DateTime<Utc> {
        domain::period::china().with_ymd_and_hms(2026, 11, 20, 10, 0, 0).single().expect("valid time").with_timezone(&Utc)
    }
}

impl Default for Options {
    fn default() -> Self {
        Self { cases: 2000, seed: 2026, now: Self::default_now(), days: 730 }
    }
}

/// What was built.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub orgs: usize,
    pub users: usize,
    pub cases: usize,
    /// Events submitted (all accepted).
    pub events: u64,
    /// Cases per stage at `now`.
    pub stages: BTreeMap<Stage, u64>,
    /// Events per action kind.
    pub actions: BTreeMap<String, u64>,
    /// Running deadlines at `now`, and how many of them are overdue.
    pub running_deadlines: u64,
    pub overdue_deadlines: u64,
    /// Wall-clock time of the build in milliseconds.
    pub elapsed_ms: u128,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A scripted step was refused: a bug in the script.
    #[error("case #{index} ({case}), step {seq} `{action}` by {actor} at {at}: {error}")]
    Step { index: usize, case: String, seq: usize, action: &'static str, actor: String, at: DateTime<Utc>, error: StoreError },
}

/// Every step of every case, merged by time (including steps after `opts.now`).
pub fn plan(opts: &Options, cal: &HolidayCalendar) -> Vec<Step> {
    let w = world();
    let roster = world::Roster::of(&w);
    let rng = rng::Rng::new(opts.seed);
    let start = script::local(opts.now) - Duration::days(opts.days as i64);
    let span_minutes = (opts.days as i64 * 24 * 60 - 12 * 60).max(1);
    // Registration times: spread over the period, in order, mostly in the daytime.
    let mut times: Vec<_> = (0..opts.cases)
        .map(|_| {
            let t = start + Duration::minutes(rng.range(0, span_minutes));
            let d = t.date();
            let minute = if rng.chance(0.8) { rng.range(8 * 60, 22 * 60) } else { rng.range(0, 24 * 60 - 1) };
            d.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(minute)
        })
        .collect();
    times.sort();
    let mut steps = Vec::new();
    for (i, t) in times.into_iter().enumerate() {
        let r = rng.fork();
        steps.extend(script::case_script(&r, i, &roster, t, cal));
    }
    steps.sort_by_key(|a| (a.at, a.case, a.seq));
    steps
}

/// Writes the demo organizations and users, then submits the cases' steps up to `opts.now`, each
/// stamped with its time. `hash_password` is called once per distinct password.
pub async fn build(store: &Store, clock: &ManualClock, opts: &Options, hash_password: &dyn Fn(&str) -> String) -> Result<Report, DemoError> {
    let started = std::time::Instant::now();
    let w = world();
    let mut orgs = w.orgs.clone();
    orgs.sort_by_key(|o| o.parent.is_some());
    for o in &orgs {
        store.put_organization(o).await?;
    }
    let mut hashes: HashMap<String, String> = HashMap::new();
    for u in &w.users {
        let h = hashes.entry(u.password.clone()).or_insert_with(|| hash_password(&u.password));
        store.put_user(&u.user, Some(h)).await?;
    }
    let cal = store.calendar();
    let steps = plan(opts, &cal);
    let mut ids: Vec<Option<String>> = vec![None; opts.cases];
    let mut tally = Tally::default();
    // The steps are queued in time order, each stamped with its own time, without waiting for the
    // one before: the writer applies them in exactly that order (the same events at the same
    // positions as one `submit` at a time) but many per durable commit. Only a step whose case's
    // id is not known yet (its registration still queued) waits for the queue to drain up to it.
    let mut queue: VecDeque<(Pending, Queued)> = VecDeque::new();
    for st in steps {
        if st.at > opts.now {
            continue;
        }
        while st.seq > 0 && ids[st.case].is_none() {
            let Some(front) = queue.pop_front() else { break };
            tally.settle(front, &mut ids).await?;
        }
        // Checkpoints are signed with the clock's time: keep it with the steps.
        clock.set(st.at);
        let kind = st.action.kind();
        let case_id = ids[st.case].clone();
        if st.seq > 0 && case_id.is_none() {
            return Err(DemoError::Step {
                index: st.case,
                case: "(unregistered)".into(),
                seq: st.seq,
                action: kind,
                actor: st.actor,
                at: st.at,
                error: StoreError::NotFound(format!("registration of case #{}", st.case)),
            });
        }
        let cmd = Command::new(st.actor.clone(), case_id.as_deref(), st.action);
        let pending = Pending { index: st.case, case: case_id, seq: st.seq, action: kind, actor: st.actor, at: st.at };
        queue.push_back((pending, store.enqueue_at(cmd, st.at).await?));
        if queue.len() > 4096 {
            let front = queue.pop_front().expect("queue is not empty");
            tally.settle(front, &mut ids).await?;
        }
    }
    while let Some(front) = queue.pop_front() {
        tally.settle(front, &mut ids).await?;
    }
    let Tally { actions, events } = tally;
    clock.set(opts.now);
    let stages = store.stage_counts(None).await?.into_iter().collect();
    let running = store.running_deadlines(None, None, 10_000).await?;
    let overdue = running.iter().filter(|d| d.overdue(opts.now)).count() as u64;
    Ok(Report {
        orgs: w.orgs.len(),
        users: w.users.len(),
        cases: ids.iter().filter(|i| i.is_some()).count(),
        events,
        stages,
        actions,
        running_deadlines: running.len() as u64,
        overdue_deadlines: overdue,
        elapsed_ms: started.elapsed().as_millis(),
    })
}

/// A queued step, for its error message.
struct Pending {
    index: usize,
    case: Option<String>,
    seq: usize,
    action: &'static str,
    actor: String,
    at: DateTime<Utc>,
}

/// The accepted steps so far.
#[derive(Default)]
struct Tally {
    actions: BTreeMap<String, u64>,
    events: u64,
}

impl Tally {
    /// Waits for a queued step's outcome: a registration's case id is kept; a refusal is an error.
    async fn settle(&mut self, (p, q): (Pending, Queued), ids: &mut [Option<String>]) -> Result<(), DemoError> {
        match q.outcome().await {
            Ok(out) => {
                if p.seq == 0 {
                    ids[p.index] = Some(out.state.id.clone());
                }
                *self.actions.entry(p.action.to_string()).or_default() += 1;
                self.events += 1;
                Ok(())
            }
            Err(error) => Err(DemoError::Step {
                index: p.index,
                case: p.case.unwrap_or_else(|| "(unregistered)".into()),
                seq: p.seq,
                action: p.action,
                actor: p.actor,
                at: p.at,
                error,
            }),
        }
    }
}
