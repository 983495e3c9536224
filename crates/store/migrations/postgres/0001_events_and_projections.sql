-- PostgreSQL twin of migrations/sqlite/0001_events_and_projections.sql: same tables, columns and constraints (BIGINT for
-- 64-bit integers, BYTEA for blobs, times as RFC 3339 text). Keep the two in step.
-- The event log (source of truth) and the projections that queries read.
-- Projections are rebuilt from `events` by `Store::rebuild_projections`.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organizations (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    level        TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    parent       TEXT REFERENCES organizations(id)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    org           TEXT NOT NULL REFERENCES organizations(id),
    role          TEXT NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1,
    password_hash TEXT
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Every accepted action, in order. `position` is the event's index in the trace (the ledger leaf
-- index); `body` is the event's canonical JSON.
CREATE TABLE events (
    position   BIGINT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    actor_user TEXT NOT NULL,
    actor_org  TEXT NOT NULL,
    request_id TEXT UNIQUE,
    body       TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Projection: the current state of each case.
CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    version       BIGINT NOT NULL,
    stage         TEXT NOT NULL,
    holder        TEXT,
    title         TEXT NOT NULL,
    charges       TEXT NOT NULL,
    police_org    TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    state         TEXT NOT NULL
);
CREATE INDEX cases_stage ON cases(stage);
CREATE INDEX cases_updated ON cases(updated_at);

-- Projection: which organizations have taken part in each case.
CREATE TABLE case_orgs (
    case_id TEXT NOT NULL,
    org     TEXT NOT NULL,
    PRIMARY KEY (case_id, org)
);
CREATE INDEX case_orgs_org ON case_orgs(org);

-- Projection: every statutory deadline with its due date.
CREATE TABLE deadlines (
    case_id    TEXT NOT NULL,
    clock_id   BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    person     BIGINT,
    org        TEXT NOT NULL,
    started_at TEXT NOT NULL,
    last_day   TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status     TEXT NOT NULL,
    ended_at   TEXT,
    body       TEXT NOT NULL,
    PRIMARY KEY (case_id, clock_id)
);
CREATE INDEX deadlines_open ON deadlines(status, expires_at);
CREATE INDEX deadlines_org ON deadlines(org, status);

-- Projection: open tasks, i.e. each organization's inbox.
CREATE TABLE tasks (
    case_id  TEXT NOT NULL,
    org      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    person   BIGINT,
    label    TEXT NOT NULL,
    incoming BIGINT NOT NULL,
    since    TEXT NOT NULL
);
CREATE INDEX tasks_org ON tasks(org);
CREATE INDEX tasks_case ON tasks(case_id);
