-- Supervision (督办): deadline warnings and alarms, irregularity findings, notifications to agencies,
-- and refused commands kept for supervision. Findings and notifications are never deleted; an
-- acknowledgement is recorded on the row. Ids are AUTOINCREMENT so that they only grow: a feed
-- reads notifications after a cursor id.

CREATE TABLE supervision_alerts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     TEXT NOT NULL,
    clock_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    level       TEXT NOT NULL,          -- warning | alarm
    org         TEXT NOT NULL,
    person      INTEGER,
    handler     TEXT,
    last_day    TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    raised_at   TEXT NOT NULL,
    message     TEXT NOT NULL,
    basis       TEXT NOT NULL,
    body        TEXT NOT NULL,
    UNIQUE (case_id, clock_id, level, last_day)
);
CREATE INDEX supervision_alerts_org ON supervision_alerts(org, id);
CREATE INDEX supervision_alerts_case ON supervision_alerts(case_id);

CREATE TABLE supervision_findings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         TEXT NOT NULL,
    rule            TEXT NOT NULL,
    key             TEXT NOT NULL,
    org             TEXT NOT NULL,
    person          INTEGER,
    event_seq       INTEGER,
    at              TEXT NOT NULL,
    detected_at     TEXT NOT NULL,
    message         TEXT NOT NULL,
    basis           TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    acknowledgement TEXT,
    UNIQUE (case_id, rule, key)
);
CREATE INDEX supervision_findings_org ON supervision_findings(org, id);
CREATE INDEX supervision_findings_case ON supervision_findings(case_id);

CREATE TABLE supervision_notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subject         TEXT NOT NULL,      -- alert | finding
    subject_id      INTEGER NOT NULL,
    case_id         TEXT NOT NULL,
    org             TEXT NOT NULL,      -- the addressee organization
    user_id         TEXT,               -- the addressee person, when known
    audience        TEXT NOT NULL,      -- handler | leadership | committee
    level           TEXT NOT NULL,      -- warning | alarm | finding
    message         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    escalated_at    TEXT,
    UNIQUE (subject, subject_id, org, audience)
);
CREATE INDEX supervision_notifications_org ON supervision_notifications(org, id);
CREATE INDEX supervision_notifications_open ON supervision_notifications(acknowledged_at, created_at);

-- Commands the stage machine refused. Written in the batch transaction but outside the refused
-- command's savepoint, so the refusal is kept while the command leaves nothing else behind.
CREATE TABLE refusals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      TEXT,
    at           TEXT NOT NULL,
    actor_user   TEXT NOT NULL,
    actor_org    TEXT,
    action_kind  TEXT NOT NULL,
    refusal_kind TEXT NOT NULL,
    message      TEXT NOT NULL,
    action       TEXT NOT NULL
);
CREATE INDEX refusals_case ON refusals(case_id);
