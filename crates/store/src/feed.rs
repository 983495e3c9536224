//! The event feed's cursors: per-organization consumer acknowledgements and publisher cursors.
//!
//! A cursor is the next trace position not yet processed (events are immutable and positions
//! dense, so a cursor resumes without loss or duplication). Acknowledgements only move forward.

use crate::sql::{parse_ts, ts};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

/// One consumer's acknowledged cursor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FeedConsumer {
    pub org: String,
    pub consumer: String,
    /// The next trace position the consumer has not processed.
    pub position: u64,
    pub acked_at: DateTime<Utc>,
    pub acked_by: Option<String>,
}

impl Store {
    /// Records that `org`'s consumer has processed everything before `position`. A cursor never
    /// moves back; one past the trace's end is refused. Returns the stored cursor.
    pub async fn feed_ack(&self, org: &str, consumer: &str, position: u64, by: Option<&str>) -> Result<FeedConsumer, StoreError> {
        let head = self.event_count().await?;
        if position > head {
            return Err(StoreError::Invalid { field: "position".into(), message: format!("游标{position}超出记录末尾（{head}）") });
        }
        if consumer.is_empty() || consumer.chars().count() > 100 {
            return Err(StoreError::Invalid { field: "consumer".into(), message: "消费者名称应为1至100个字符".into() });
        }
        let greatest = self.backend().greatest();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO feed_consumers (org, consumer, position, acked_at, acked_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org, consumer) DO UPDATE SET
               position = {greatest}(feed_consumers.position, excluded.position), acked_at = excluded.acked_at, acked_by = excluded.acked_by"
        )))
        .bind(org.to_string())
        .bind(consumer.to_string())
        .bind(position as i64)
        .bind(ts(self.now()))
        .bind(by.map(str::to_string))
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        let all = self.feed_consumers(Some(org)).await?;
        all.into_iter().find(|c| c.consumer == consumer).ok_or_else(|| StoreError::Corrupt("feed consumer vanished".into()))
    }

    /// The consumers of one organization (or all), by organization and name.
    pub async fn feed_consumers(&self, org: Option<&str>) -> Result<Vec<FeedConsumer>, StoreError> {
        let rows = sqlx::query(
            "SELECT org, consumer, position, acked_at, acked_by FROM feed_consumers
             WHERE $1 IS NULL OR org = $1 ORDER BY org, consumer",
        )
        .bind(org.map(str::to_string))
        .fetch_all(&self.shared().read)
        .await
        .map_err(StoreError::db)?;
        rows.iter()
            .map(|r| {
                Ok(FeedConsumer {
                    org: r.get("org"),
                    consumer: r.get("consumer"),
                    position: r.get::<i64, _>("position") as u64,
                    acked_at: parse_ts(r.get::<&str, _>("acked_at"))?,
                    acked_by: r.get("acked_by"),
                })
            })
            .collect()
    }

    /// A publisher's cursor (the next position to publish), 0 when it never ran.
    pub async fn publisher_cursor(&self, name: &str) -> Result<u64, StoreError> {
        let p: Option<i64> = sqlx::query_scalar("SELECT position FROM feed_publishers WHERE name = $1")
            .bind(name.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        Ok(p.unwrap_or(0) as u64)
    }

    /// Moves a publisher's cursor forward to `position`.
    pub async fn set_publisher_cursor(&self, name: &str, position: u64) -> Result<(), StoreError> {
        let greatest = self.backend().greatest();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO feed_publishers (name, position, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET position = {greatest}(feed_publishers.position, excluded.position), updated_at = excluded.updated_at"
        )))
        .bind(name.to_string())
        .bind(position as i64)
        .bind(ts(self.now()))
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        Ok(())
    }
}
