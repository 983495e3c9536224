//! Queries shared by the writer and the readers. Times are stored as RFC 3339 UTC text with
//! microseconds, so that text order is time order.

use crate::StoreError;
use chrono::{DateTime, SecondsFormat, Utc};
use domain::{AgencyKind, CaseState, Directory, Event, Level, Organization, Role, User};
use sqlx::{Row, AnyConnection, AnyPool};

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {s:?}: {e}")))
}

fn level_code(l: Level) -> &'static str {
    match l {
        Level::City => "city",
        Level::County => "county",
        Level::Station => "station",
    }
}

fn parse_level(s: &str) -> Option<Level> {
    match s {
        "city" => Some(Level::City),
        "county" => Some(Level::County),
        "station" => Some(Level::Station),
        _ => None,
    }
}

pub async fn load_directory(pool: &AnyPool) -> Result<Directory, StoreError> {
    let mut dir = Directory::default();
    for r in sqlx::query("SELECT id, name, kind, level, jurisdiction, parent FROM organizations")
        .fetch_all(pool)
        .await
        .map_err(StoreError::db)?
    {
        let kind: String = r.get("kind");
        let level: String = r.get("level");
        let org = Organization {
            id: r.get("id"),
            name: r.get("name"),
            kind: AgencyKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("agency kind {kind}")))?,
            level: parse_level(&level).ok_or_else(|| StoreError::Corrupt(format!("level {level}")))?,
            jurisdiction: r.get("jurisdiction"),
            parent: r.get("parent"),
        };
        dir.orgs.insert(org.id.clone(), org);
    }
    for r in sqlx::query("SELECT id, username, name, org, role, active FROM users")
        .fetch_all(pool)
        .await
        .map_err(StoreError::db)?
    {
        let role: String = r.get("role");
        let user = User {
            id: r.get("id"),
            username: r.get("username"),
            name: r.get("name"),
            org: r.get("org"),
            role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
            active: r.get::<i64, _>("active") != 0,
        };
        dir.users.insert(user.id.clone(), user);
    }
    Ok(dir)
}

pub async fn put_org(pool: &AnyPool, o: &Organization) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO organizations (id, name, kind, level, jurisdiction, parent) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, level = excluded.level,
         jurisdiction = excluded.jurisdiction, parent = excluded.parent",
    )
    .bind(o.id.clone())
    .bind(o.name.clone())
    .bind(o.kind.code())
    .bind(level_code(o.level))
    .bind(o.jurisdiction.clone())
    .bind(o.parent.clone())
    .execute(pool)
    .await
    .map_err(StoreError::db)?;
    Ok(())
}

pub async fn put_user(pool: &AnyPool, u: &User, password_hash: Option<&str>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, username, name, org, role, active, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, org = excluded.org,
         role = excluded.role, active = excluded.active,
         password_hash = COALESCE(excluded.password_hash, users.password_hash)",
    )
    .bind(u.id.clone())
    .bind(u.username.clone())
    .bind(u.name.clone())
    .bind(u.org.clone())
    .bind(u.role.code())
    .bind(u.active as i64)
    .bind(password_hash.map(str::to_string))
    .execute(pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Invalid { field: "username".into(), message: format!("登录名“{}”已被使用", u.username) }
        }
        _ => StoreError::db(e),
    })?;
    Ok(())
}

pub async fn login_record(pool: &AnyPool, username: &str) -> Result<Option<(User, Option<String>)>, StoreError> {
    let row = sqlx::query("SELECT id, username, name, org, role, active, password_hash FROM users WHERE username = $1")
        .bind(username.to_string())
        .fetch_optional(pool)
        .await
        .map_err(StoreError::db)?;
    Ok(match row {
        None => None,
        Some(r) => {
            let role: String = r.get("role");
            Some((
                User {
                    id: r.get("id"),
                    username: r.get("username"),
                    name: r.get("name"),
                    org: r.get("org"),
                    role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
                    active: r.get::<i64, _>("active") != 0,
                },
                r.get("password_hash"),
            ))
        }
    })
}

pub async fn create_session(pool: &AnyPool, token_hash: &str, user: &str, now: DateTime<Utc>, expires: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(ts(now)).execute(pool).await.map_err(StoreError::db)?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash.to_string())
        .bind(user.to_string())
        .bind(ts(now))
        .bind(ts(expires))
        .execute(pool)
        .await
        .map_err(StoreError::db)?;
    Ok(())
}

pub async fn session_user(pool: &AnyPool, token_hash: &str, now: DateTime<Utc>) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
    let row: Option<(String, String)> = sqlx::query_as("SELECT user_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash.to_string())
        .bind(ts(now))
        .fetch_optional(pool)
        .await
        .map_err(StoreError::db)?;
    row.map(|(u, e)| Ok((u, parse_ts(&e)?))).transpose()
}

pub async fn delete_session(pool: &AnyPool, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.to_string()).execute(pool).await.map_err(StoreError::db)?;
    Ok(())
}

pub async fn meta(pool: &AnyPool, key: &str) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
        .bind(key.to_string())
        .fetch_optional(pool)
        .await
        .map_err(StoreError::db)
}

pub async fn set_meta(pool: &AnyPool, key: &str, value: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key.to_string())
        .bind(value.to_string())
        .execute(pool)
        .await
        .map_err(StoreError::db)?;
    Ok(())
}

/// A case state as stored in `cases.state`, its sealed personal fields opened.
pub fn parse_state(json: &str) -> Result<CaseState, StoreError> {
    crate::accounts::open_state_json(json)
}

/// An event as stored in `events.body`, its sealed personal fields opened.
pub fn parse_event(json: &str) -> Result<Event, StoreError> {
    crate::accounts::open_event_json(json)
}

pub async fn load_state<'e, E>(exec: E, id: &str) -> Result<Option<CaseState>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let json: Option<String> = sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(exec)
        .await
        .map_err(StoreError::db)?;
    json.as_deref().map(parse_state).transpose()
}

pub async fn load_state_conn(conn: &mut AnyConnection, id: &str) -> Result<Option<CaseState>, StoreError> {
    load_state(&mut *conn, id).await
}

pub async fn case_events(pool: &AnyPool, id: &str) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT body FROM events WHERE case_id = $1 ORDER BY seq")
        .bind(id.to_string())
        .fetch_all(pool)
        .await
        .map_err(StoreError::db)?;
    rows.iter().map(|b| parse_event(b)).collect()
}

pub async fn events_range(pool: &AnyPool, start: u64, end: u64) -> Result<Vec<(u64, Event)>, StoreError> {
    let rows = sqlx::query("SELECT position, body FROM events WHERE position >= $1 AND position < $2 ORDER BY position")
        .bind(start as i64)
        .bind(end as i64)
        .fetch_all(pool)
        .await
        .map_err(StoreError::db)?;
    rows.iter()
        .map(|r| Ok((r.get::<i64, _>("position") as u64, parse_event(r.get::<&str, _>("body"))?)))
        .collect()
}

pub async fn event_count(pool: &AnyPool) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM events")
        .fetch_one(pool)
        .await
        .map_err(StoreError::db)?;
    Ok(n as u64)
}
