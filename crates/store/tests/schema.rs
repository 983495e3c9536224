//! The SQLite and PostgreSQL migrations stay in step: the same files, and the same tables, columns,
//! NOT NULL and primary keys when read back from both databases.

mod common;

use common::*;
use std::sync::Arc;
use store::ManualClock;

fn names(dir: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
    let mut v: Vec<String> = std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn both_backends_have_the_same_migration_files() {
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"), "migrations/sqlite and migrations/postgres must hold the same numbered files");
}

#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let lite = TestDb::new(Backend::Sqlite).await;
    let pg = TestDb::new(Backend::Postgres).await;
    let a = lite.open_bare(clock.clone()).await.schema_columns().await.unwrap();
    let b = pg.open_bare(clock).await.schema_columns().await.unwrap();
    assert!(a.len() > 100, "{a:?}");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "SQLite (left) and PostgreSQL (right) disagree");
    }
    assert_eq!(a.len(), b.len(), "column counts differ");
}
