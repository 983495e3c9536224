//! Queries for lists, inboxes and deadlines.

use crate::sql::{parse_ts, ts};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use domain::view::Deadline;
use domain::Stage;
use serde::Serialize;
use crate::qb::QueryBuilder;
use sqlx::Row;

/// Filters for listing cases. Every filter is optional; results are newest first.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Only cases this organization has taken part in.
    pub participant: Option<String>,
    /// Only cases this organization holds now.
    pub holder: Option<String>,
    pub stage: Option<Stage>,
    /// Cases whose charges include this one.
    pub charge: Option<String>,
    /// Text in the title or the case id.
    pub text: Option<String>,
    /// Continue after this `(updated_at, id)` cursor.
    pub after: Option<(String, String)>,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseSummary {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    pub stage_label: String,
    pub holder: Option<String>,
    pub charges: Vec<String>,
    pub police_org: String,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct InboxItem {
    pub case: CaseSummary,
    pub task_kind: String,
    pub task_label: String,
    pub person: Option<u32>,
    pub incoming: bool,
}

/// A page of an inbox and where the next one starts.
#[derive(Debug, Clone)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    /// `(since, case_id)` of the page's last case, when the page is full (there may be more).
    pub next: Option<(String, String)>,
}

fn summary(r: &sqlx::any::AnyRow) -> Result<CaseSummary, StoreError> {
    let stage: String = r.get("stage");
    let stage = Stage::parse(&stage).ok_or_else(|| StoreError::Corrupt(format!("stage {stage}")))?;
    Ok(CaseSummary {
        id: r.get("id"),
        title: r.get("title"),
        stage,
        stage_label: stage.label().to_string(),
        holder: r.get("holder"),
        charges: serde_json::from_str(r.get::<&str, _>("charges")).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        police_org: r.get("police_org"),
        registered_at: parse_ts(r.get::<&str, _>("registered_at"))?,
        updated_at: parse_ts(r.get::<&str, _>("updated_at"))?,
        version: r.get::<i64, _>("version") as u64,
    })
}

fn inbox_item(r: &sqlx::any::AnyRow) -> Result<InboxItem, StoreError> {
    Ok(InboxItem {
        case: summary(r)?,
        task_kind: r.get("task_kind"),
        task_label: r.get("task_label"),
        person: r.get::<Option<i64>, _>("person").map(|p| p as u32),
        incoming: r.get::<i64, _>("incoming") != 0,
    })
}

const SUMMARY_COLUMNS: &str = "c.id, c.title, c.stage, c.holder, c.charges, c.police_org, c.registered_at, c.updated_at, c.version";

impl Store {
    /// Lists cases, newest change first.
    pub async fn list_cases(&self, q: &CaseQuery) -> Result<Vec<CaseSummary>, StoreError> {
        let mut b: QueryBuilder = QueryBuilder::new(self.backend(), format!("SELECT {SUMMARY_COLUMNS} FROM cases c WHERE 1 = 1"));
        if let Some(p) = &q.participant {
            b.push(" AND c.id IN (SELECT case_id FROM case_orgs WHERE org = ").push_bind(p.clone()).push(")");
        }
        if let Some(h) = &q.holder {
            b.push(" AND c.holder = ").push_bind(h.clone());
        }
        if let Some(s) = q.stage {
            b.push(" AND c.stage = ").push_bind(s.code());
        }
        if let Some(ch) = &q.charge {
            b.push(" AND c.charges LIKE ").push_bind(format!("%\"{}\"%", ch.replace(['%', '_'], "")));
        }
        if let Some(t) = &q.text {
            let pat = format!("%{}%", t.replace(['%', '_'], ""));
            b.push(" AND (c.title LIKE ").push_bind(pat.clone()).push(" OR c.id LIKE ").push_bind(pat).push(")");
        }
        if let Some((u, id)) = &q.after {
            b.push(" AND (c.updated_at < ").push_bind(u.clone());
            b.push(" OR (c.updated_at = ").push_bind(u.clone()).push(" AND c.id < ").push_bind(id.clone()).push("))");
        }
        b.push(" ORDER BY c.updated_at DESC, c.id DESC LIMIT ").push_bind(q.limit.clamp(1, 500) as i64);
        let rows = b.build().fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
        rows.iter().map(summary).collect()
    }

    /// An organization's inbox: every open task it owes, oldest change first.
    pub async fn inbox(&self, org: &str) -> Result<Vec<InboxItem>, StoreError> {
        Ok(self.inbox_page(org, None, 1000).await?.items)
    }

    /// A page of an organization's inbox, oldest change first: at most `limit` items after the
    /// cursor `after` (a case's `(since, case_id)` from the previous page's `next`). A page holds
    /// whole cases (all of a case's tasks, so that the cursor can be a case): when the page is
    /// full, the tasks of its last case are left to the next page, unless that case is the only
    /// one on the page.
    pub async fn inbox_page(&self, org: &str, after: Option<(&str, &str)>, limit: u32) -> Result<InboxPage, StoreError> {
        let limit = limit.clamp(1, 1000);
        let mut b: QueryBuilder = QueryBuilder::new(
            self.backend(),
            format!("SELECT {SUMMARY_COLUMNS}, t.kind AS task_kind, t.label AS task_label, t.person, t.incoming, t.since FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.org = "),
        );
        b.push_bind(org.to_string());
        if let Some((since, id)) = after {
            b.push(" AND (t.since > ").push_bind(since.to_string());
            b.push(" OR (t.since = ").push_bind(since.to_string()).push(" AND t.case_id > ").push_bind(id.to_string()).push("))");
        }
        b.push(" ORDER BY t.since, t.case_id LIMIT ").push_bind(limit as i64);
        let rows = b.build().fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
        let mut keyed = rows
            .iter()
            .map(|r| Ok((r.get::<String, _>("since"), inbox_item(r)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let full = keyed.len() == limit as usize;
        if full {
            let last = keyed.last().map(|(_, i)| i.case.id.clone()).unwrap_or_default();
            let keep = keyed.iter().rposition(|(_, i)| i.case.id != last).map(|p| p + 1);
            match keep {
                Some(n) => keyed.truncate(n),
                None => {
                    // One case fills the page: it is given whole.
                    let (since, _) = keyed[0].clone();
                    return self.inbox_case(org, &since, &last).await;
                }
            }
        }
        let next = full.then(|| keyed.last().map(|(since, i)| (since.clone(), i.case.id.clone()))).flatten();
        Ok(InboxPage { items: keyed.into_iter().map(|(_, i)| i).collect(), next })
    }

    /// Every task of one case in an organization's inbox (a page that one case fills).
    async fn inbox_case(&self, org: &str, since: &str, case_id: &str) -> Result<InboxPage, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS}, t.kind AS task_kind, t.label AS task_label, t.person, t.incoming FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.org = $1 AND t.case_id = $2"
        )))
        .bind(org.to_string())
        .bind(case_id.to_string())
        .fetch_all(&self.shared().read)
        .await
        .map_err(StoreError::db)?;
        let items = rows
            .iter()
            .map(inbox_item)
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(InboxPage { items, next: Some((since.to_string(), case_id.to_string())) })
    }

    /// Running deadlines that expire before `before` (all running ones when `None`), for one
    /// organization or all, soonest first.
    pub async fn running_deadlines(&self, org: Option<&str>, before: Option<DateTime<Utc>>, limit: u32) -> Result<Vec<Deadline>, StoreError> {
        let mut b: QueryBuilder = QueryBuilder::new(self.backend(), "SELECT body FROM deadlines WHERE status = 'running'");
        if let Some(o) = org {
            b.push(" AND org = ").push_bind(o.to_string());
        }
        if let Some(t) = before {
            b.push(" AND expires_at < ").push_bind(ts(t));
        }
        b.push(" ORDER BY expires_at LIMIT ").push_bind(limit.clamp(1, 10_000) as i64);
        let rows = b.build().fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
        rows.iter()
            .map(|r| serde_json::from_str(r.get::<&str, _>("body")).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect()
    }

    /// Case counts by stage (for one participant organization, or all).
    pub async fn stage_counts(&self, participant: Option<&str>) -> Result<Vec<(Stage, u64)>, StoreError> {
        let mut b: QueryBuilder = QueryBuilder::new(self.backend(), "SELECT stage, COUNT(*) AS n FROM cases c WHERE 1 = 1");
        if let Some(p) = participant {
            b.push(" AND c.id IN (SELECT case_id FROM case_orgs WHERE org = ").push_bind(p.to_string()).push(")");
        }
        b.push(" GROUP BY stage");
        let rows = b.build().fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
        let mut out: Vec<(Stage, u64)> = rows
            .iter()
            .filter_map(|r| Stage::parse(r.get::<&str, _>("stage")).map(|s| (s, r.get::<i64, _>("n") as u64)))
            .collect();
        out.sort();
        Ok(out)
    }

    /// Whether an organization has taken part in a case.
    pub async fn is_participant(&self, case_id: &str, org: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_orgs WHERE case_id = $1 AND org = $2")
            .bind(case_id.to_string())
            .bind(org.to_string())
            .fetch_one(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        Ok(n > 0)
    }

    /// The summary of one case.
    pub async fn case_summary(&self, id: &str) -> Result<Option<CaseSummary>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {SUMMARY_COLUMNS} FROM cases c WHERE c.id = $1")))
            .bind(id.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        row.as_ref().map(summary).transpose()
    }
}

