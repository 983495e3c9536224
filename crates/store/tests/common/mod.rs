//! A small world for store tests: one city and one district, each with its five agencies.

use chrono::{DateTime, TimeZone, Utc};
use domain::{AgencyKind, Level, Organization, Role, User};
use std::sync::Arc;
use store::{Durability, ManualClock, Store};

pub fn at(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    domain::period::china().from_local_datetime(&naive).unwrap().with_timezone(&Utc)
}

pub fn orgs() -> Vec<Organization> {
    let mut v = Vec::new();
    for (kind, code) in [
        (AgencyKind::Committee, "committee"),
        (AgencyKind::Police, "police"),
        (AgencyKind::Procuratorate, "proc"),
        (AgencyKind::Court, "court"),
        (AgencyKind::JusticeBureau, "justice"),
    ] {
        v.push(Organization { id: format!("city-{code}"), name: format!("市{}", kind.label()), kind, level: Level::City, jurisdiction: "3301".into(), parent: None });
        v.push(Organization {
            id: format!("d1-{code}"),
            name: format!("一区{}", kind.label()),
            kind,
            level: Level::County,
            jurisdiction: "330101".into(),
            parent: Some(format!("city-{code}")),
        });
    }
    v
}

pub fn users() -> Vec<User> {
    let u = |id: &str, org: &str, role: Role| User { id: id.into(), username: id.into(), name: id.into(), org: org.into(), role, active: true };
    vec![
        u("officer", "d1-police", Role::Officer),
        u("prosecutor", "d1-proc", Role::Prosecutor),
        u("city-prosecutor", "city-proc", Role::Prosecutor),
        u("judge", "d1-court", Role::Judge),
        u("clerk", "d1-court", Role::Clerk),
        u("city-judge", "city-court", Role::Judge),
        u("corrector", "d1-justice", Role::CorrectionOfficer),
        u("supervisor", "city-committee", Role::Supervisor),
    ]
}

pub async fn open(dir: &std::path::Path, clock: Arc<ManualClock>) -> Store {
    let store = Store::open(&dir.join("lianban.db"), Durability::Full, clock).await.unwrap();
    let mut os = orgs();
    os.sort_by_key(|o| o.parent.is_some());
    for o in &os {
        store.put_organization(o).await.unwrap();
    }
    for u in users() {
        store.put_user(&u, None).await.unwrap();
    }
    store
}
