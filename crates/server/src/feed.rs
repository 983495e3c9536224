//! The event feed: agency systems follow the events they may see from a cursor.
//!
//! - `GET /api/v1/feed?after=<cursor>&wait=<seconds>&limit=<n>`: long-poll. Returns the events
//!   after the cursor whose case the caller may read (`read_case` and `read_timeline`, decided by
//!   the gate on the case as it stands), masked as the timeline masks them, and `next`, the cursor
//!   to ask from next time. A cursor is a trace position (the next one not yet seen); events are
//!   immutable and positions dense, so resuming from any cursor given out loses and repeats
//!   nothing. Events the caller may not see are skipped silently, and the cursor moves past them.
//! - `GET /api/v1/feed/stream?after=<cursor>`: the same as server-sent events (`event: case_event`,
//!   `id:` the cursor after the event, data the JSON item); a reconnecting client sends
//!   `Last-Event-ID` and resumes there.
//! - `POST /api/v1/feed/ack {"consumer": name, "position": cursor}`: stores the organization's
//!   consumer cursor (it only moves forward); a restarted consumer reads from it.
//! - `GET /api/v1/feed/consumers[?threshold=n]`: the organization's consumers with their lag (trace
//!   positions behind the head) and whether it passes the threshold.
//!
//! The same stream is published to NATS JetStream by [`NatsPublisher`]: one subject per
//! organization (`<prefix>.<org id>`), each message with `Nats-Msg-Id` = `<position>.<org id>`
//! so that JetStream drops what a restarted publisher sends again; the publisher's own cursor is
//! kept in the database and moves only after JetStream acknowledged every message before it.

use crate::body::ApiQuery;
use crate::auth::{CurrentUser, Credential};
use crate::body::ApiJson;
use crate::error::ApiError;
use crate::gate;
use crate::policy::CaseFacts;
use crate::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use domain::{CaseState, Event, Organization, Role, User};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

/// The longest a long-poll waits.
pub const MAX_WAIT_SECS: u64 = 60;
/// Trace positions read per query while scanning for visible events.
const CHUNK: u64 = 500;
/// The default lag (trace positions) past which a consumer is reported as lagging.
pub const LAG_THRESHOLD: u64 = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed", get(feed))
        .route("/feed/stream", get(stream))
        .route("/feed/ack", post(ack))
        .route("/feed/consumers", get(consumers))
}

/// One event of the feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedItem {
    pub position: u64,
    pub case_id: String,
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_org: String,
    pub event: Event,
}

struct Visible {
    state: CaseState,
    facts: CaseFacts,
    open: BTreeSet<u32>,
}

/// What one principal may see of each case, decided once per case.
#[derive(Default)]
struct Visibility {
    cases: HashMap<String, Option<Visible>>,
}

impl Visibility {
    async fn get(&mut self, st: &AppState, u: &CurrentUser, case_id: &str) -> Result<Option<&Visible>, ApiError> {
        if !self.cases.contains_key(case_id) {
            let v = match st.store.case(case_id).await? {
                None => None,
                Some(s) => {
                    let f = gate::facts(st, &s).await?;
                    if gate::decide(u, gate::Resource::ReadCase, &f).allowed && gate::decide(u, gate::Resource::ReadTimeline, &f).allowed {
                        let open = gate::unmasked_persons(u, &f, &s);
                        Some(Visible { state: s, facts: f, open })
                    } else {
                        None
                    }
                }
            };
            self.cases.insert(case_id.to_string(), v);
        }
        Ok(self.cases[case_id].as_ref())
    }
}

/// A page of the feed for `u`: up to `limit` visible events from cursor `after`, the next cursor,
/// and the trace's head. Cases shown with unmasked personal data (case ids) are returned too, for
/// the access record.
async fn page(st: &AppState, u: &CurrentUser, after: u64, limit: usize) -> Result<(Vec<FeedItem>, u64, u64, BTreeSet<String>), ApiError> {
    let head = st.store.event_count().await?;
    let mut vis = Visibility::default();
    let mut items = Vec::new();
    let mut unmasked = BTreeSet::new();
    let mut pos = after.min(head);
    while pos < head && items.len() < limit {
        let end = (pos + CHUNK).min(head);
        let mut next = end;
        for (p, mut e) in st.store.events_range(pos, end).await? {
            let Some(v) = vis.get(st, u, &e.case_id).await? else { continue };
            gate::mask_event(u, &v.facts, &v.state, &v.open, &mut e);
            if !v.open.is_empty() {
                unmasked.insert(e.case_id.clone());
            }
            items.push(FeedItem { position: p, case_id: e.case_id.clone(), seq: e.seq, at: e.at, action: e.action.kind().to_string(), actor_org: e.actor.org.clone(), event: e });
            if items.len() >= limit {
                next = p + 1;
                break;
            }
        }
        pos = next;
    }
    Ok((items, pos, head, unmasked))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    pub after: Option<u64>,
    pub wait: Option<u64>,
    pub limit: Option<u32>,
}

/// `GET /api/v1/feed`
pub async fn feed(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<FeedParams>) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::invalid("limit", "每页条数应在1至1000之间"));
    }
    let wait = p.wait.unwrap_or(0);
    if wait > MAX_WAIT_SECS {
        return Err(ApiError::invalid("wait", format!("等待时间不超过{MAX_WAIT_SECS}秒")));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    let mut after = p.after.unwrap_or(0);
    loop {
        let (items, next, head, unmasked) = page(&st, &u, after, limit as usize).await?;
        if !items.is_empty() || tokio::time::Instant::now() >= deadline {
            for case in &unmasked {
                gate::record_read(&st, &u, case, "personal_data:feed", "GET /feed").await?;
            }
            return Ok(Json(json!({ "events": items, "next": next, "head": head })));
        }
        after = next;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StreamParams {
    pub after: Option<u64>,
}

/// `GET /api/v1/feed/stream`: server-sent events from the cursor (`Last-Event-ID` wins over
/// `after`), until the client goes away.
pub async fn stream(
    State(st): State<AppState>,
    u: CurrentUser,
    headers: axum::http::HeaderMap,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Sse<impl futures_util::Stream<Item = Result<SseEvent, Infallible>>> {
    let after = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|s| s.trim().parse().ok()).or(p.after).unwrap_or(0);
    let events = futures_util::stream::unfold((st, u, after, VecDeque::new()), |(st, u, mut after, mut buf)| async move {
        loop {
            if let Some(item) = buf.pop_front() {
                let item: FeedItem = item;
                let ev = SseEvent::default().id((item.position + 1).to_string()).event("case_event").json_data(&item).ok()?;
                return Some((Ok(ev), (st, u, after, buf)));
            }
            let (items, next, _, unmasked) = page(&st, &u, after, 100).await.ok()?;
            for case in &unmasked {
                gate::record_read(&st, &u, case, "personal_data:feed", "GET /feed/stream").await.ok()?;
            }
            after = next;
            if items.is_empty() {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            buf.extend(items);
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckBody {
    pub consumer: String,
    pub position: u64,
}

fn consumer_json(c: &store::FeedConsumer, head: u64, threshold: u64) -> Value {
    let lag = head.saturating_sub(c.position);
    json!({ "org": c.org, "consumer": c.consumer, "position": c.position, "acked_at": c.acked_at, "acked_by": c.acked_by, "lag": lag, "lagging": lag > threshold })
}

/// `POST /api/v1/feed/ack`
pub async fn ack(State(st): State<AppState>, u: CurrentUser, ApiJson(b): ApiJson<AckBody>) -> Result<Json<Value>, ApiError> {
    let c = st.store.feed_ack(&u.org.id, &b.consumer, b.position, Some(&u.user.id)).await?;
    let head = st.store.event_count().await?;
    Ok(Json(json!({ "consumer": consumer_json(&c, head, LAG_THRESHOLD) })))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsumerParams {
    pub threshold: Option<u64>,
}

/// `GET /api/v1/feed/consumers`: the caller's organization's consumers (an administrator sees all).
pub async fn consumers(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<ConsumerParams>) -> Result<Json<Value>, ApiError> {
    let threshold = p.threshold.unwrap_or(LAG_THRESHOLD);
    let org = (u.user.role != Role::Admin).then_some(u.org.id.as_str());
    let list = st.store.feed_consumers(org).await?;
    let head = st.store.event_count().await?;
    let out: Vec<Value> = list.iter().map(|c| consumer_json(c, head, threshold)).collect();
    Ok(Json(json!({ "head": head, "threshold": threshold, "consumers": out })))
}

// ---------- NATS JetStream ----------

/// Where and how the feed is published.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    pub url: String,
    /// Subjects are `<prefix>.<org id>`.
    pub prefix: String,
    /// The JetStream stream (created if absent) holding `<prefix>.>`.
    pub stream: String,
    /// The publisher's cursor name in the database (`nats:<prefix>` by default).
    pub cursor: String,
}

impl NatsConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_prefix(url, "lianban.events", "LIANBAN_EVENTS")
    }
    pub fn with_prefix(url: impl Into<String>, prefix: &str, stream: &str) -> Self {
        Self { url: url.into(), prefix: prefix.into(), stream: stream.into(), cursor: format!("nats:{prefix}") }
    }
    pub fn subject(&self, org: &str) -> String {
        format!("{}.{}", self.prefix, subject_token(org))
    }
}

/// An organization id as one subject token.
pub fn subject_token(org: &str) -> String {
    org.chars().map(|c| if c.is_whitespace() || matches!(c, '.' | '*' | '>') { '_' } else { c }).collect()
}

/// The principal an organization's subject is filtered for: a service user of the organization.
pub fn org_principal(org: &Organization) -> CurrentUser {
    let role = Role::ALL.into_iter().find(|r| *r != Role::Admin && r.fits(org.kind)).unwrap_or(Role::Leader);
    CurrentUser {
        user: User { id: format!("feed:{}", org.id), username: format!("feed:{}", org.id), name: "事件推送".into(), org: org.id.clone(), role, active: true },
        org: org.clone(),
        via: Credential::Token { id: "nats-publisher".into(), scopes: vec!["read".into()] },
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("NATS: {0}")]
    Nats(String),
    #[error("store: {0}")]
    Api(String),
}

impl From<ApiError> for PublishError {
    fn from(e: ApiError) -> Self {
        PublishError::Api(format!("{e:?}"))
    }
}
impl From<store::StoreError> for PublishError {
    fn from(e: store::StoreError) -> Self {
        PublishError::Api(e.to_string())
    }
}

fn nats<E: std::fmt::Display>(e: E) -> PublishError {
    PublishError::Nats(e.to_string())
}

/// Publishes the trace to JetStream, resuming from its cursor in the database.
pub struct NatsPublisher {
    st: AppState,
    cfg: NatsConfig,
    js: async_nats::jetstream::Context,
}

impl NatsPublisher {
    /// Connects and creates the stream if absent.
    pub async fn connect(st: AppState, cfg: NatsConfig) -> Result<Self, PublishError> {
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(5))
            .connect(cfg.url.as_str())
            .await
            .map_err(|e| PublishError::Nats(format!("cannot connect to {}: {e}", cfg.url)))?;
        let js = async_nats::jetstream::new(client);
        js.get_or_create_stream(async_nats::jetstream::stream::Config {
            name: cfg.stream.clone(),
            subjects: vec![format!("{}.>", cfg.prefix)],
            duplicate_window: Duration::from_secs(3600),
            ..Default::default()
        })
        .await
        .map_err(nats)?;
        Ok(Self { st, cfg, js })
    }

    /// Publishes up to one chunk after the cursor; returns how many trace positions it passed
    /// (0 when caught up).
    pub async fn step(&self) -> Result<u64, PublishError> {
        let name = self.cfg.cursor.clone();
        let from = self.st.store.publisher_cursor(&name).await?;
        let head = self.st.store.event_count().await?;
        if from >= head {
            return Ok(0);
        }
        let end = (from + CHUNK).min(head);
        let events = self.st.store.events_range(from, end).await?;
        let dir = self.st.store.directory();
        let orgs: Vec<CurrentUser> = dir.orgs.values().map(org_principal).collect();
        let mut vis: Vec<Visibility> = orgs.iter().map(|_| Visibility::default()).collect();
        let mut acks = Vec::new();
        for (p, e) in &events {
            for (i, u) in orgs.iter().enumerate() {
                let Some(v) = vis[i].get(&self.st, u, &e.case_id).await? else { continue };
                let mut e = e.clone();
                gate::mask_event(u, &v.facts, &v.state, &v.open, &mut e);
                let item = FeedItem { position: *p, case_id: e.case_id.clone(), seq: e.seq, at: e.at, action: e.action.kind().to_string(), actor_org: e.actor.org.clone(), event: e };
                let mut h = async_nats::HeaderMap::new();
                h.insert(async_nats::header::NATS_MESSAGE_ID, format!("{p}.{}", subject_token(&u.org.id)).as_str());
                let body = serde_json::to_vec(&item).map_err(nats)?;
                acks.push(self.js.publish_with_headers(self.cfg.subject(&u.org.id), h, body.into()).await.map_err(nats)?);
            }
        }
        for a in acks {
            a.await.map_err(nats)?;
        }
        self.st.store.set_publisher_cursor(&name, end).await?;
        Ok(end - from)
    }

    /// Publishes until caught up.
    pub async fn catch_up(&self) -> Result<(), PublishError> {
        while self.step().await? > 0 {}
        Ok(())
    }

    /// Runs forever: publishes what is new every half second; errors are logged and retried.
    pub async fn run(self) {
        loop {
            match self.step().await {
                Ok(0) => tokio::time::sleep(Duration::from_millis(500)).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("event feed publisher: {e}");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    }
}
