//! The two databases the store runs on, chosen by the database URL, and the few places where their
//! SQL differs.
//!
//! Every query goes through sqlx's `Any` driver, written once with `$N` placeholders and types both
//! backends share (64-bit integers, text, blobs; times as RFC 3339 text, booleans as integers).
//! Only the statements below differ; each has one arm per backend.

use crate::{Durability, StoreError};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file (WAL, `synchronous=FULL`).
    Sqlite,
    /// A PostgreSQL database (the schema is the connection's `search_path`).
    Postgres,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Backend {
    /// The backend a database URL names: `sqlite:` or `postgres:`/`postgresql:`.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
        match scheme.as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::Invalid {
                field: "database".into(),
                message: "数据库地址应以 sqlite:// 或 postgres:// 开头".into(),
            }),
        }
    }

    /// The backend of an open connection.
    pub(crate) fn of(conn: &AnyConnection) -> Self {
        if conn.backend_name() == "PostgreSQL" { Backend::Postgres } else { Backend::Sqlite }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    pub(crate) fn migrator(self) -> &'static sqlx::migrate::Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// The larger of two values (SQLite's scalar `MAX(a, b)`, PostgreSQL's `GREATEST`).
    pub(crate) fn greatest(self) -> &'static str {
        match self {
            Backend::Sqlite => "MAX",
            Backend::Postgres => "GREATEST",
        }
    }

    /// Bulk insert of ledger leaves from one JSON array of `[position, salt hex, leaf hex]`.
    pub(crate) fn insert_leaves(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "INSERT INTO ledger_leaves (position, salt, leaf)
                 SELECT value ->> 0, unhex(value ->> 1), unhex(value ->> 2) FROM json_each($1)"
            }
            Backend::Postgres => {
                "INSERT INTO ledger_leaves (position, salt, leaf)
                 SELECT (v ->> 0)::BIGINT, decode(v ->> 1, 'hex'), decode(v ->> 2, 'hex')
                 FROM jsonb_array_elements($1::jsonb) AS t(v)"
            }
        }
    }

    /// Bulk insert of access-log leaves from one JSON array of
    /// `[position, audit id, salt hex, leaf hex]`.
    pub(crate) fn insert_access_leaves(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "INSERT INTO access_leaves (position, audit_id, salt, leaf)
                 SELECT value ->> 0, value ->> 1, unhex(value ->> 2), unhex(value ->> 3) FROM json_each($1)"
            }
            Backend::Postgres => {
                "INSERT INTO access_leaves (position, audit_id, salt, leaf)
                 SELECT (v ->> 0)::BIGINT, (v ->> 1)::BIGINT, decode(v ->> 2, 'hex'), decode(v ->> 3, 'hex')
                 FROM jsonb_array_elements($1::jsonb) AS t(v)"
            }
        }
    }

    /// Bulk insert of tree nodes into `table` (`ledger_nodes` or `access_nodes`) from one JSON
    /// array of `[level, index, hash hex]`.
    pub(crate) fn insert_nodes(self, table: &str) -> String {
        match self {
            Backend::Sqlite => format!(
                "INSERT INTO {table} (level, idx, hash)
                 SELECT value ->> 0, value ->> 1, unhex(value ->> 2) FROM json_each($1)"
            ),
            Backend::Postgres => format!(
                "INSERT INTO {table} (level, idx, hash)
                 SELECT (v ->> 0)::BIGINT, (v ->> 1)::BIGINT, decode(v ->> 2, 'hex')
                 FROM jsonb_array_elements($1::jsonb) AS t(v)"
            ),
        }
    }

    /// Counts stored case states that still hold an ID number or a birth date in clear (phone
    /// numbers and addresses were sealed from the start).
    pub(crate) fn count_unsealed_states(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM cases WHERE state GLOB '*\"id_card\":\"[0-9]*' OR state GLOB '*\"birth_date\":\"[0-9]*'"
            }
            Backend::Postgres => "SELECT COUNT(*) FROM cases WHERE state ~ '\"(id_card|birth_date)\":\"[0-9]'",
        }
    }

    /// The user tables and their columns, in order, as the database describes them (for the test
    /// that keeps the two migration sets in step).
    pub(crate) fn schema_query(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "SELECT m.name AS table_name, p.name AS column_name, p.\"notnull\" AS not_null, p.pk AS pk
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'
                 ORDER BY m.name, p.cid"
            }
            Backend::Postgres => {
                "SELECT c.table_name::TEXT AS table_name, c.column_name::TEXT AS column_name,
                        CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END::BIGINT AS not_null,
                        COALESCE((SELECT k.ordinal_position FROM information_schema.key_column_usage k
                                  JOIN information_schema.table_constraints tc
                                    ON tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema
                                  WHERE tc.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema
                                    AND k.table_name = c.table_name AND k.column_name = c.column_name), 0)::BIGINT AS pk
                 FROM information_schema.columns c
                 WHERE c.table_schema = current_schema() AND c.table_name <> '_sqlx_migrations'
                 ORDER BY c.table_name, c.ordinal_position"
            }
        }
    }
}

fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.display().to_string().chars() {
        match c {
            '%' | '?' | '#' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The SQLite URL of a database file (created if missing). The path is made absolute first: the
/// `Any` driver parses the URL, and a relative path's first component would be read as a host
/// name (and lowercased).
pub(crate) fn sqlite_url(path: &Path) -> String {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    format!("sqlite://{}", encode_path(&path))
}

/// The database file a `sqlite:` URL names.
pub(crate) fn sqlite_path(url: &str) -> Result<std::path::PathBuf, StoreError> {
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).map_err(StoreError::db)?;
    Ok(opts.get_filename().to_path_buf())
}

/// The writer's pool (one connection), the readers' pool, and on SQLite the ids of the threads
/// the writer's connection was given (see `affinity.rs`).
pub(crate) async fn connect(backend: Backend, url: &str, durability: Durability) -> Result<(AnyPool, AnyPool, Vec<i32>), StoreError> {
    sqlx::any::install_default_drivers();
    match backend {
        Backend::Sqlite => {
            let sep = if url.contains('?') { '&' } else { '?' };
            let write_opts = AnyConnectOptions::from_str(&format!("{url}{sep}mode=rwc")).map_err(StoreError::db)?;
            let read_opts = AnyConnectOptions::from_str(&format!("{url}{sep}mode=ro")).map_err(StoreError::db)?;
            let sync = match durability {
                Durability::Full => "PRAGMA synchronous = FULL",
                Durability::Bulk => "PRAGMA synchronous = OFF",
            };
            // The writer's connection thread is the one that appears while its pool connects
            // (another store opened at the same moment in this process could add its own; pinning
            // that one too would be harmless).
            let threads_before = crate::affinity::threads_named(crate::affinity::SQLITE_THREADS);
            let write = AnyPoolOptions::new()
                .max_connections(1)
                // One connection for the life of the store (sqlx would replace an idle one after
                // 10 minutes and any after 30, on a new thread that `Store::pin_writer` never saw).
                .idle_timeout(None)
                .max_lifetime(None)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute(sync).await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // Checkpoint the WAL into the database every 10,000 pages (≈ 40 MB)
                        // instead of SQLite's 1,000: the checkpoint runs inside a commit, and
                        // at about 400 pages a batch the default ran one every few batches
                        // (BENCHMARKS.md, session 5: +11 % commands/s).
                        conn.execute("PRAGMA wal_autocheckpoint = 10000").await?;
                        // Statement journals in memory: a batch's multi-row inserts journal
                        // more than SQLite's 64 KiB spill threshold per statement, and with
                        // the default `temp_store` each then went to a temporary file
                        // (BENCHMARKS.md, session 8).
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        Ok(())
                    })
                })
                .connect_with(write_opts)
                .await
                .map_err(StoreError::db)?;
            // The file (and its WAL mode) exists once the writer is open; readers are read-only.
            write.acquire().await.map_err(StoreError::db)?;
            let writer_threads = crate::affinity::threads_named(crate::affinity::SQLITE_THREADS).difference(&threads_before).copied().collect();
            let read = AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // Pages read through a shared mapping, not copied by a read() each
                        // (the readers' hot path under load).
                        conn.execute("PRAGMA mmap_size = 268435456").await?;
                        Ok(())
                    })
                })
                .connect_lazy_with(read_opts);
            Ok((write, read, writer_threads))
        }
        Backend::Postgres => {
            let opts = AnyConnectOptions::from_str(url).map_err(StoreError::db)?;
            let write = AnyPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        // Bulk: a commit does not wait for the WAL flush (rebuildable data only).
                        if durability == Durability::Bulk {
                            conn.execute("SET synchronous_commit = off").await?;
                        }
                        Ok(())
                    })
                })
                .connect_with(opts.clone())
                .await
                .map_err(|e| StoreError::Database(format!("无法连接PostgreSQL数据库：{e}")))?;
            let read = AnyPoolOptions::new().max_connections(8).acquire_timeout(Duration::from_secs(30)).connect_lazy_with(opts);
            Ok((write, read, Vec::new()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_names_the_backend() {
        assert_eq!(Backend::from_url("sqlite:///var/lib/lianban/lianban.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgres://root@127.0.0.1:5432/test").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("postgresql://u@h/db?options[search_path]=x").unwrap(), Backend::Postgres);
        assert!(matches!(Backend::from_url("mysql://h/db"), Err(StoreError::Invalid { .. })));
        assert!(matches!(Backend::from_url("lianban.db"), Err(StoreError::Invalid { .. })));
    }

    #[test]
    fn sqlite_urls_keep_relative_paths_and_odd_characters() {
        let url = sqlite_url(Path::new("Data Dir/案件 #1.db"));
        assert!(url.starts_with("sqlite:///"), "{url}");
        let back = sqlite_path(&url).unwrap();
        assert_eq!(back, std::path::absolute("Data Dir/案件 #1.db").unwrap());
    }
}
