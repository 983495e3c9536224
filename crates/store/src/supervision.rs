//! Supervision records: deadline warnings and alarms, irregularity findings, notifications to
//! agencies, and refused commands. The rules are the `supervision` crate's pure functions; this
//! module runs them (in the writer's batch transaction as each event is accepted, and in a periodic sweep)
//! and keeps what they find. Rows are keyed so that both paths are idempotent; findings and
//! notifications are never deleted — acknowledging one records who, when and why on the row.

use crate::sql::{self, parse_ts, ts};
use crate::{Command, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use domain::view;
use domain::{CaseState, Directory, Event, HolidayCalendar, Refusal};
use serde::Serialize;
use crate::qb::QueryBuilder;
use sqlx::{AnyConnection, Connection, Row};
use supervision::alert::handler_of;
use supervision::detect::{self, PendingNotification, RefusedAttempt};
use supervision::report::FindingFact;
use supervision::{Alert, Config, Finding, Report, Rule, Scope};

const CONFIG_KEY: &str = "supervision";

pub(crate) async fn config(conn: &mut AnyConnection) -> Result<Config, StoreError> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
        .bind(CONFIG_KEY)
        .fetch_optional(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    match v {
        Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("supervision config: {e}"))),
        None => Ok(Config::default()),
    }
}

pub(crate) async fn events_of(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT body FROM events WHERE case_id = $1 ORDER BY seq")
        .bind(case_id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    rows.iter().map(|b| sql::parse_event(b)).collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepSummary {
    pub cases: u64,
    pub new_alerts: u64,
    pub new_findings: u64,
    pub escalated_notifications: u64,
}

/// Runs the detectors and deadline alerts on a case (`events` are all of its events, the newest
/// included). Called by the writer for each accepted command, in the batch's transaction, with its cached events
/// and settings, and by the periodic sweep.
pub(crate) async fn evaluate(
    conn: &mut AnyConnection,
    s: &CaseState,
    events: &[Event],
    dir: &Directory,
    cal: &HolidayCalendar,
    now: DateTime<Utc>,
    cfg: &Config,
) -> Result<(u64, u64), StoreError> {
    let (mut nf, mut na) = (0, 0);
    for f in detect::evaluate_case(events, s, &view::tasks(s), Some(dir), cal, now, cfg) {
        let handler = handler_of(s, events, &f.org);
        nf += record_finding(conn, &f, handler.as_deref(), now, dir).await? as u64;
    }
    for a in supervision::alerts(&view::deadlines(s, cal), now, cal, cfg) {
        let handler = handler_of(s, events, &a.org);
        na += record_alert(conn, &a, handler.as_deref(), now, dir).await? as u64;
    }
    Ok((nf, na))
}

/// Records a finding unless it is already recorded; notifies on first record.
async fn record_finding(conn: &mut AnyConnection, f: &Finding, handler: Option<&str>, now: DateTime<Utc>, dir: &Directory) -> Result<bool, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO supervision_findings (case_id, rule, key, org, person, event_seq, at, detected_at, message, basis)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(f.case_id.clone())
    .bind(f.rule.code())
    .bind(f.key.clone())
    .bind(f.org.clone())
    .bind(f.person.map(|p| p as i64))
    .bind(f.event_seq.map(|p| p as i64))
    .bind(ts(f.at))
    .bind(ts(now))
    .bind(f.message.clone())
    .bind(f.basis.clone())
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::db)?;
    let Some(id) = id else { return Ok(false) };
    let text = format!("【{}】{}（{}）", f.rule.label(), f.message, f.basis);
    notify(conn, "finding", id, &f.case_id, &f.org, handler, "finding", &text, now, dir).await?;
    Ok(true)
}

async fn record_alert(conn: &mut AnyConnection, a: &Alert, handler: Option<&str>, now: DateTime<Utc>, dir: &Directory) -> Result<bool, StoreError> {
    let body = serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO supervision_alerts (case_id, clock_id, kind, level, org, person, handler, last_day, expires_at, raised_at, message, basis, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(a.case_id.clone())
    .bind(a.clock_id as i64)
    .bind(a.kind.code())
    .bind(a.level.code())
    .bind(a.org.clone())
    .bind(a.person.map(|p| p as i64))
    .bind(handler.map(str::to_string))
    .bind(a.last_day.to_string())
    .bind(ts(a.expires_at))
    .bind(ts(now))
    .bind(a.message.clone())
    .bind(a.basis.clone())
    .bind(body)
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::db)?;
    let Some(id) = id else { return Ok(false) };
    let text = format!("【{}】{}（{}）", a.level.label(), a.message, a.basis);
    notify(conn, "alert", id, &a.case_id, &a.org, handler, a.level.code(), &text, now, dir).await?;
    Ok(true)
}

#[allow(clippy::too_many_arguments)]
async fn notify(
    conn: &mut AnyConnection,
    subject: &str,
    subject_id: i64,
    case_id: &str,
    org: &str,
    handler: Option<&str>,
    level: &str,
    message: &str,
    now: DateTime<Utc>,
    dir: &Directory,
) -> Result<(), StoreError> {
    for r in supervision::recipients(org, handler, dir) {
        sqlx::query(
            "INSERT INTO supervision_notifications (subject, subject_id, case_id, org, user_id, audience, level, message, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        )
        .bind(subject.to_string())
        .bind(subject_id)
        .bind(case_id.to_string())
        .bind(r.org.clone())
        .bind(r.user.clone())
        .bind(r.audience.code())
        .bind(level.to_string())
        .bind(message.to_string())
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    }
    Ok(())
}

/// A legal document corrected (a new version) after it was issued — and so sent to the agency or
/// party it was for: the `document_replaced` rule. Called in the transaction that stores the new
/// version, so the finding and the change commit together.
pub(crate) async fn on_document_change(conn: &mut AnyConnection, change: &supervision::DocumentChange, dir: &Directory) -> Result<(), StoreError> {
    if let Some(f) = detect::document_replaced(change) {
        record_finding(conn, &f, None, change.changed_at, dir).await?;
    }
    Ok(())
}

/// Keeps a refused command for supervision. Called by the writer in the batch's transaction for a
/// command refused before it wrote anything: the refusal is kept, the command leaves nothing else.
pub(crate) async fn on_refusal(conn: &mut AnyConnection, cmd: &Command, refusal: &Refusal, now: DateTime<Utc>, dir: &Directory) -> Result<(), StoreError> {
    let org = dir.user(&cmd.actor).map(|u| u.org.clone());
    let action = serde_json::to_string(&cmd.action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let kind = serde_json::to_value(refusal.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO refusals (case_id, at, actor_user, actor_org, action_kind, refusal_kind, message, action)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(cmd.case_id.clone())
    .bind(ts(now))
    .bind(cmd.actor.clone())
    .bind(org.clone())
    .bind(cmd.action.kind())
    .bind(kind)
    .bind(refusal.text())
    .bind(action)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::db)?;
    if let (Some(case_id), Some(org)) = (&cmd.case_id, org) {
        let attempt = RefusedAttempt {
            id: id as u64,
            case_id: case_id.clone(),
            at: now,
            actor_user: cmd.actor.clone(),
            actor_org: org,
            action_kind: cmd.action.kind().to_string(),
            refusal_kind: refusal.kind,
            message: refusal.text(),
        };
        if let Some(f) = detect::third_return_attempt(&attempt) {
            record_finding(conn, &f, Some(&cmd.actor), now, dir).await?;
        }
    }
    Ok(())
}

/// Filters for supervision lists. Results are in id order after the cursor `after`.
#[derive(Debug, Clone, Default)]
pub struct SupervisionQuery {
    /// Only rows of this organization (the responsible one, or the addressee for notifications).
    pub org: Option<String>,
    pub case_id: Option<String>,
    /// Alerts: `warning` / `alarm`; findings: a rule code.
    pub kind: Option<String>,
    /// Only acknowledged (`Some(true)`) or unacknowledged (`Some(false)`) rows.
    pub acknowledged: Option<bool>,
    pub after: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertRecord {
    pub id: i64,
    #[serde(flatten)]
    pub alert: Alert,
    pub level_label: String,
    pub label: String,
    pub handler: Option<String>,
    pub raised_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRecord {
    pub id: i64,
    #[serde(flatten)]
    pub finding: Finding,
    pub rule_label: String,
    pub detected_at: DateTime<Utc>,
    pub acknowledged: bool,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub acknowledgement: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotificationRecord {
    pub id: i64,
    pub subject: String,
    pub subject_id: i64,
    pub case_id: String,
    pub org: String,
    pub user: Option<String>,
    pub audience: String,
    pub level: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub escalated_at: Option<DateTime<Utc>>,
}

fn opt_ts(r: &sqlx::any::AnyRow, col: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    r.get::<Option<String>, _>(col).map(|s| parse_ts(&s)).transpose()
}

fn finding_record(r: &sqlx::any::AnyRow) -> Result<FindingRecord, StoreError> {
    let code: String = r.get("rule");
    let rule = Rule::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("rule {code}")))?;
    let acknowledged_at = opt_ts(r, "acknowledged_at")?;
    Ok(FindingRecord {
        id: r.get("id"),
        finding: Finding {
            rule,
            case_id: r.get("case_id"),
            key: r.get("key"),
            org: r.get("org"),
            person: r.get::<Option<i64>, _>("person").map(|p| p as u32),
            event_seq: r.get::<Option<i64>, _>("event_seq").map(|p| p as u64),
            at: parse_ts(r.get::<&str, _>("at"))?,
            message: r.get("message"),
            basis: r.get("basis"),
        },
        rule_label: rule.label().to_string(),
        detected_at: parse_ts(r.get::<&str, _>("detected_at"))?,
        acknowledged: acknowledged_at.is_some(),
        acknowledged_at,
        acknowledged_by: r.get("acknowledged_by"),
        acknowledgement: r.get("acknowledgement"),
    })
}

fn notification_record(r: &sqlx::any::AnyRow) -> Result<NotificationRecord, StoreError> {
    Ok(NotificationRecord {
        id: r.get("id"),
        subject: r.get("subject"),
        subject_id: r.get("subject_id"),
        case_id: r.get("case_id"),
        org: r.get("org"),
        user: r.get("user_id"),
        audience: r.get("audience"),
        level: r.get("level"),
        message: r.get("message"),
        created_at: parse_ts(r.get::<&str, _>("created_at"))?,
        acknowledged_at: opt_ts(r, "acknowledged_at")?,
        acknowledged_by: r.get("acknowledged_by"),
        escalated_at: opt_ts(r, "escalated_at")?,
    })
}

fn filters(b: &mut QueryBuilder, q: &SupervisionQuery, kind_col: &str, ack: bool) {
    if let Some(o) = &q.org {
        b.push(" AND org = ").push_bind(o.clone());
    }
    if let Some(c) = &q.case_id {
        b.push(" AND case_id = ").push_bind(c.clone());
    }
    if let Some(k) = &q.kind {
        b.push(format!(" AND {kind_col} = ")).push_bind(k.clone());
    }
    if ack {
        match q.acknowledged {
            Some(true) => {
                b.push(" AND acknowledged_at IS NOT NULL");
            }
            Some(false) => {
                b.push(" AND acknowledged_at IS NULL");
            }
            None => {}
        }
    }
    b.push(" AND id > ").push_bind(q.after.unwrap_or(0));
    b.push(" ORDER BY id LIMIT ").push_bind(q.limit.clamp(1, 1000) as i64);
}

impl Store {
    /// Runs every detector and deadline alert over every case that is still running (or has a
    /// running clock), keeps refused third returns, and escalates notifications left
    /// unacknowledged past the threshold. Idempotent; the server calls it every few minutes.
    pub async fn sweep_supervision(&self, now: DateTime<Utc>) -> Result<SweepSummary, StoreError> {
        let shared = self.shared();
        let dir = self.directory();
        let cal = self.calendar();
        let mut conn = shared.write.acquire().await.map_err(StoreError::db)?;
        let mut tx = conn.begin().await.map_err(StoreError::db)?;
        let cfg = config(&mut tx).await?;
        let mut sum = SweepSummary::default();
        let states: Vec<String> = sqlx::query_scalar(
            "SELECT state FROM cases WHERE stage NOT IN ('closed', 'execution')
             OR id IN (SELECT case_id FROM deadlines WHERE status = 'running') ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db)?;
        for json in states {
            let s = sql::parse_state(&json)?;
            let events = events_of(&mut tx, &s.id).await?;
            let (nf, na) = evaluate(&mut tx, &s, &events, &dir, &cal, now, &cfg).await?;
            sum.cases += 1;
            sum.new_findings += nf;
            sum.new_alerts += na;
        }
        let refused = sqlx::query(
            "SELECT id, case_id, at, actor_user, actor_org, action_kind, message FROM refusals
             WHERE action_kind = 'return_for_investigation' AND refusal_kind = 'limit_reached' AND case_id IS NOT NULL AND actor_org IS NOT NULL",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db)?;
        for r in refused {
            let a = RefusedAttempt {
                id: r.get::<i64, _>("id") as u64,
                case_id: r.get("case_id"),
                at: parse_ts(r.get::<&str, _>("at"))?,
                actor_user: r.get("actor_user"),
                actor_org: r.get("actor_org"),
                action_kind: r.get("action_kind"),
                refusal_kind: domain::RefusalKind::LimitReached,
                message: r.get("message"),
            };
            if let Some(f) = detect::third_return_attempt(&a) {
                sum.new_findings += record_finding(&mut tx, &f, Some(&a.actor_user), now, &dir).await? as u64;
            }
        }
        // Notifications nobody acknowledged in time raise their own finding — except those about
        // such a finding, which would chase each other forever.
        let cutoff = now - Duration::hours(cfg.notification_ack_hours);
        let pending = sqlx::query(
            "SELECT id, case_id, org, created_at, message FROM supervision_notifications
             WHERE acknowledged_at IS NULL AND escalated_at IS NULL AND created_at <= $1
             AND NOT (subject = 'finding' AND subject_id IN (SELECT id FROM supervision_findings WHERE rule = 'notification_unacknowledged'))
             ORDER BY id",
        )
        .bind(ts(cutoff))
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db)?;
        for r in pending {
            let n = PendingNotification {
                id: r.get::<i64, _>("id") as u64,
                case_id: r.get("case_id"),
                org: r.get("org"),
                created_at: parse_ts(r.get::<&str, _>("created_at"))?,
                message: r.get("message"),
            };
            if let Some(f) = detect::unacknowledged(&n, now, &cfg) {
                sum.new_findings += record_finding(&mut tx, &f, None, now, &dir).await? as u64;
                sqlx::query("UPDATE supervision_notifications SET escalated_at = $1 WHERE id = $2")
                    .bind(ts(now))
                    .bind(n.id as i64)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db)?;
                sum.escalated_notifications += 1;
            }
        }
        tx.commit().await.map_err(StoreError::db)?;
        Ok(sum)
    }

    /// The supervision thresholds in force.
    pub async fn supervision_config(&self) -> Result<Config, StoreError> {
        let mut conn = self.shared().read.acquire().await.map_err(StoreError::db)?;
        config(&mut conn).await
    }

    /// Replaces the supervision thresholds.
    pub async fn set_supervision_config(&self, cfg: &Config) -> Result<(), StoreError> {
        if cfg.warning_working_days > 60 || cfg.backdating_tolerance_minutes < 0 || cfg.borrowing_window_days < 0 || cfg.notification_ack_hours < 1 {
            return Err(StoreError::Invalid { field: "supervision".into(), message: "督办参数超出允许范围".into() });
        }
        let json = serde_json::to_string(cfg).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sql::set_meta(&self.shared().write, CONFIG_KEY, &json).await
    }

    /// Warnings and alarms as recorded (each raised once per deadline, level and last day).
    pub async fn supervision_alerts(&self, q: &SupervisionQuery) -> Result<Vec<AlertRecord>, StoreError> {
        let mut b: QueryBuilder = QueryBuilder::new(self.backend(), "SELECT id, body, handler, raised_at FROM supervision_alerts WHERE 1 = 1");
        filters(&mut b, q, "level", false);
        let rows = b.build().fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
        rows.iter()
            .map(|r| {
                let alert: Alert = serde_json::from_str(r.get::<&str, _>("body")).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(AlertRecord {
                    id: r.get("id"),
                    level_label: alert.level.label().to_string(),
                    label: alert.kind.label().to_string(),
                    alert,
                    handler: r.get("handler"),
                    raised_at: parse_ts(r.get::<&str, _>("raised_at"))?,
                })
            })
            .collect()
    }

    /// Warnings and alarms due now over running deadlines (of one organization or all), computed
    /// live from the deadline projection.
    pub async fn live_alerts(&self, org: Option<&str>, now: DateTime<Utc>) -> Result<Vec<Alert>, StoreError> {
        let cfg = self.supervision_config().await?;
        let ds = self.running_deadlines(org, None, 10_000).await?;
        Ok(supervision::alerts(&ds, now, &self.calendar(), &cfg))
    }

    pub async fn supervision_findings(&self, q: &SupervisionQuery) -> Result<Vec<FindingRecord>, StoreError> {
        let mut b: QueryBuilder = QueryBuilder::new(self.backend(), "SELECT * FROM supervision_findings WHERE 1 = 1");
        filters(&mut b, q, "rule", true);
        let rows = b.build().fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
        rows.iter().map(finding_record).collect()
    }

    pub async fn supervision_finding(&self, id: i64) -> Result<Option<FindingRecord>, StoreError> {
        let r = sqlx::query("SELECT * FROM supervision_findings WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.shared().write)
            .await
            .map_err(StoreError::db)?;
        r.as_ref().map(finding_record).transpose()
    }

    /// A supervisor acknowledges a finding with a reason. The finding stays listed.
    pub async fn acknowledge_finding(&self, id: i64, user: &str, reason: &str) -> Result<FindingRecord, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(StoreError::Invalid { field: "reason".into(), message: "签收理由应为1至2000个字".into() });
        }
        let done = sqlx::query(
            "UPDATE supervision_findings SET acknowledged_at = $1, acknowledged_by = $2, acknowledgement = $3
             WHERE id = $4 AND acknowledged_at IS NULL",
        )
        .bind(ts(self.now()))
        .bind(user.to_string())
        .bind(reason.to_string())
        .bind(id)
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        let rec = self.supervision_finding(id).await?.ok_or_else(|| StoreError::NotFound(format!("finding {id}")))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid { field: "id".into(), message: format!("督办事项{id}已于{}签收", rec.acknowledged_at.map(ts).unwrap_or_default()) });
        }
        Ok(rec)
    }

    pub async fn supervision_notifications(&self, q: &SupervisionQuery) -> Result<Vec<NotificationRecord>, StoreError> {
        let mut b: QueryBuilder = QueryBuilder::new(self.backend(), "SELECT * FROM supervision_notifications WHERE 1 = 1");
        filters(&mut b, q, "level", true);
        let rows = b.build().fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
        rows.iter().map(notification_record).collect()
    }

    pub async fn supervision_notification(&self, id: i64) -> Result<Option<NotificationRecord>, StoreError> {
        let r = sqlx::query("SELECT * FROM supervision_notifications WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.shared().write)
            .await
            .map_err(StoreError::db)?;
        r.as_ref().map(notification_record).transpose()
    }

    /// The addressee acknowledges a notification (idempotent: a second acknowledgement keeps the
    /// first).
    pub async fn acknowledge_notification(&self, id: i64, user: &str) -> Result<NotificationRecord, StoreError> {
        sqlx::query("UPDATE supervision_notifications SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3 AND acknowledged_at IS NULL")
            .bind(ts(self.now()))
            .bind(user.to_string())
            .bind(id)
            .execute(&self.shared().write)
            .await
            .map_err(StoreError::db)?;
        self.supervision_notification(id).await?.ok_or_else(|| StoreError::NotFound(format!("notification {id}")))
    }

    /// The supervision report of an organization (or all) over `[from, to)`.
    pub async fn supervision_report(&self, org: Option<&str>, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Report, StoreError> {
        self.supervision_report_excluding(org, from, to, &std::collections::BTreeSet::new()).await
    }

    /// The report without the cases in `exclude` (the sealed cases the reader may not see).
    pub async fn supervision_report_excluding(
        &self,
        org: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        exclude: &std::collections::BTreeSet<String>,
    ) -> Result<Report, StoreError> {
        let mut conn = self.shared().read.acquire().await.map_err(StoreError::db)?;
        let mut b: QueryBuilder = QueryBuilder::new(self.backend(), "SELECT state FROM cases c WHERE 1 = 1");
        if let Some(o) = org {
            b.push(" AND c.id IN (SELECT case_id FROM case_orgs WHERE org = ").push_bind(o.to_string()).push(")");
        }
        b.push(" ORDER BY c.id");
        let states: Vec<String> = b.build().fetch_all(&mut *conn).await.map_err(StoreError::db)?.iter().map(|r| r.get("state")).collect();
        let mut cases = Vec::with_capacity(states.len());
        for json in states {
            let s = sql::parse_state(&json)?;
            if exclude.contains(&s.id) {
                continue;
            }
            let events = events_of(&mut conn, &s.id).await?;
            cases.push((events, s));
        }
        let facts = sqlx::query("SELECT case_id, rule, org, at FROM supervision_findings")
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::db)?
            .iter()
            .filter(|r| !exclude.contains(r.get::<&str, _>("case_id")))
            .filter_map(|r| {
                let rule = Rule::parse(r.get::<&str, _>("rule"))?;
                let at = parse_ts(r.get::<&str, _>("at")).ok()?;
                Some(FindingFact { rule, org: r.get("org"), at })
            })
            .collect::<Vec<_>>();
        let scope = Scope { org: org.map(str::to_string), from, to };
        Ok(supervision::report(&cases, &facts, &scope, &self.calendar(), self.now()))
    }
}
