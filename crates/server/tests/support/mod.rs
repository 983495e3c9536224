//! The test world the API tests share: a city with the five agencies, two districts with their
//! own police, procuratorate, court and justice bureau (and, when asked, a district committee),
//! and the users each test names.
// Each test binary uses a part of these helpers.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use domain::{AgencyKind, Level, Organization, Role, User};
use std::sync::Arc;
use store::{Clock, Durability, Store};

/// Every test user's password.
pub const PASSWORD: &str = "correct horse";

/// A China-time instant, `YYYY-MM-DD HH:MM`.
pub fn at(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    domain::period::china().from_local_datetime(&naive).unwrap().with_timezone(&Utc)
}

const KINDS: [(AgencyKind, &str); 5] = [
    (AgencyKind::Committee, "committee"),
    (AgencyKind::Police, "police"),
    (AgencyKind::Procuratorate, "proc"),
    (AgencyKind::Court, "court"),
    (AgencyKind::JusticeBureau, "justice"),
];

/// How the world is built.
pub struct Options {
    pub durability: Durability,
    /// Whether districts `d1` and `d2` have a committee of their own.
    pub district_committees: bool,
}

/// A fresh store (in a temporary folder, kept alive by the returned guard) holding the city, the
/// districts `d1` and `d2` and these users `(id, organization, role)`, named `{id}的姓名`, with
/// [`PASSWORD`].
pub async fn world(clock: Arc<dyn Clock>, opts: Options, users: &[(&str, &str, Role)]) -> (Store, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join("db"), opts.durability, clock).await.unwrap();
    for (kind, code) in KINDS {
        store.put_organization(&Organization { id: format!("city-{code}"), name: format!("市{}", kind.label()), kind, level: Level::City, jurisdiction: "99".into(), parent: None }).await.unwrap();
    }
    let skip = if opts.district_committees { 0 } else { 1 };
    for d in ["d1", "d2"] {
        for (kind, code) in KINDS.iter().skip(skip) {
            store
                .put_organization(&Organization { id: format!("{d}-{code}"), name: format!("{d}{}", kind.label()), kind: *kind, level: Level::County, jurisdiction: format!("99{d}"), parent: Some(format!("city-{code}")) })
                .await
                .unwrap();
        }
    }
    let hash = server::auth::hash_password(PASSWORD);
    for (id, org, role) in users {
        store.put_user(&User { id: (*id).into(), username: (*id).into(), name: format!("{id}的姓名"), org: (*org).into(), role: *role, active: true }, Some(&hash)).await.unwrap();
    }
    (store, tmp)
}
