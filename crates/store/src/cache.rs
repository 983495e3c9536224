//! Parsed case states (and, for the writer, their events) kept in memory between requests.
//!
//! Every read of a case used to fetch its state's JSON, parse it and open its sealed fields; every
//! command did the same in the writer and then loaded all of the case's events for the
//! supervision rules. The cache keeps the parsed result of the last committed version.
//!
//! Why it is never stale for this process:
//! - the single writer puts every case a batch changed **after** the batch commits (never before,
//!   so a rolled-back batch leaves nothing behind);
//! - a reader that loaded a state from the database puts it only if it is not older than what is
//!   cached (versions only grow), so a slow reader cannot overwrite the writer's newer entry;
//! - rebuilding the projections clears it, and so does the writer when it finds that someone else
//!   appended to the event log (another process on the same PostgreSQL database).
//!
//! Bounded: two generations of at most `cap` entries each; a hit in the old generation moves the
//! entry to the new one, and when the new one is full the old one is dropped (an approximation of
//! least-recently-used without per-hit bookkeeping).

use domain::{CaseState, Event};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the cache needs of a state: which case, which version.
pub(crate) trait Versioned {
    fn case_id(&self) -> &str;
    fn version(&self) -> u64;
}

impl Versioned for CaseState {
    fn case_id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> u64 {
        self.version
    }
}

/// One case as last committed.
#[derive(Debug)]
pub(crate) struct Cached<S = CaseState> {
    pub state: S,
    /// All of the case's events in order, when the writer knows them (readers do not load them).
    pub events: Option<Vec<Event>>,
    /// Its projection rows as written with this version, when the writer wrote them.
    pub children: Option<Arc<crate::projection::Children>>,
}

/// A shared, read-only case state: from the cache without copying it (`Store::cases`).
#[derive(Debug, Clone)]
pub struct CaseRef(pub(crate) Arc<Cached>);

impl std::ops::Deref for CaseRef {
    type Target = CaseState;
    fn deref(&self) -> &CaseState {
        &self.0.state
    }
}

impl CaseRef {
    /// A state loaded outside the cache.
    pub(crate) fn new(state: CaseState) -> Self {
        Self(Arc::new(Cached { state, events: None, children: None }))
    }
}

pub(crate) struct CaseCache<S = CaseState> {
    cap: usize,
    inner: Mutex<Generations<S>>,
}

struct Generations<S> {
    current: HashMap<String, Arc<Cached<S>>>,
    previous: HashMap<String, Arc<Cached<S>>>,
}

impl<S> Default for Generations<S> {
    fn default() -> Self {
        Self { current: HashMap::new(), previous: HashMap::new() }
    }
}

impl<S> Generations<S> {
    fn insert(&mut self, cap: usize, id: String, entry: Arc<Cached<S>>) {
        if self.current.len() >= cap && !self.current.contains_key(&id) {
            self.previous = std::mem::take(&mut self.current);
        }
        self.previous.remove(&id);
        self.current.insert(id, entry);
    }
}

impl<S: Versioned + Clone> CaseCache<S> {
    pub fn new(cap: usize) -> Self {
        Self { cap: cap.max(1), inner: Mutex::new(Generations::default()) }
    }

    pub fn get(&self, id: &str) -> Option<Arc<Cached<S>>> {
        let mut g = self.inner.lock().expect("case cache lock");
        if let Some(e) = g.current.get(id) {
            return Some(e.clone());
        }
        let e = g.previous.remove(id)?;
        g.insert(self.cap, id.to_string(), e.clone());
        Some(e)
    }

    /// The writer's put, after its batch committed: always wins.
    pub fn put_committed(&self, id: &str, state: S, events: Vec<Event>, children: Option<Arc<crate::projection::Children>>) {
        let mut g = self.inner.lock().expect("case cache lock");
        g.insert(self.cap, id.to_string(), Arc::new(Cached { state, events: Some(events), children }));
    }

    /// A reader's put of a state it loaded: kept only if nothing newer is cached.
    pub fn put_loaded(&self, state: &S) {
        let mut g = self.inner.lock().expect("case cache lock");
        let id = state.case_id();
        let newer = g.current.get(id).or_else(|| g.previous.get(id)).is_some_and(|e| e.state.version() >= state.version());
        if !newer {
            g.insert(self.cap, id.to_string(), Arc::new(Cached { state: state.clone(), events: None, children: None }));
        }
    }

    pub fn clear(&self) {
        let mut g = self.inner.lock().expect("case cache lock");
        *g = Generations::default();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let g = self.inner.lock().expect("case cache lock");
        g.current.len() + g.previous.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct S(String, u64);
    impl Versioned for S {
        fn case_id(&self) -> &str {
            &self.0
        }
        fn version(&self) -> u64 {
            self.1
        }
    }

    fn state(id: &str, version: u64) -> S {
        S(id.to_string(), version)
    }

    #[test]
    fn a_reader_never_overwrites_a_newer_committed_state() {
        let c = CaseCache::<S>::new(10);
        c.put_committed("A", state("A", 4), Vec::new(), None);
        c.put_loaded(&state("A", 3));
        assert_eq!(c.get("A").unwrap().state.1, 4);
        assert!(c.get("A").unwrap().events.is_some());
        c.put_loaded(&state("B", 1));
        c.put_loaded(&state("B", 2));
        assert_eq!(c.get("B").unwrap().state.1, 2);
        // The writer wins even against a loaded entry of the same version.
        c.put_committed("B", state("B", 2), Vec::new(), None);
        assert!(c.get("B").unwrap().events.is_some());
    }

    #[test]
    fn bounded_by_two_generations_and_hits_survive() {
        let c = CaseCache::<S>::new(3);
        for i in 0..3 {
            c.put_loaded(&state(&format!("C{i}"), 1));
        }
        // Full: the next insert starts a new generation; C0..C2 move to the old one.
        c.put_loaded(&state("C3", 1));
        assert_eq!(c.len(), 4);
        // A hit in the old generation is promoted and survives the next turnover.
        assert!(c.get("C0").is_some());
        c.put_loaded(&state("C4", 1));
        c.put_loaded(&state("C5", 1));
        assert!(c.len() <= 6);
        assert!(c.get("C0").is_some(), "a recently read case stays");
        assert!(c.get("C1").is_none(), "a case not read for two generations is dropped");
        c.clear();
        assert_eq!(c.len(), 0);
    }
}
