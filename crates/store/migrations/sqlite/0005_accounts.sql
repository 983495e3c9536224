-- Accounts and the gate: login failures and lockouts, API tokens of agency systems, second
-- factors, court sealing orders, and the audit of reads and refusals.

-- Failed logins by login name (known or not), kept for the lockout window.
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);

-- A login name locked until `until` after too many failures.
CREATE TABLE account_locks (
    username TEXT PRIMARY KEY,
    until    TEXT NOT NULL,
    since    TEXT NOT NULL
);

-- Scoped API tokens: an agency system acts as a named service user of its organization.
-- Only the SHA-256 of the token is stored.
CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    scopes      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT,
    last_used_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- TOTP second factor (RFC 6238). `enabled` once the first code has been confirmed; `last_step`
-- refuses a code used twice.
CREATE TABLE user_totp (
    user_id   TEXT PRIMARY KEY REFERENCES users(id),
    secret    TEXT NOT NULL,
    enabled   INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER NOT NULL DEFAULT 0
);

-- Court sealing orders: a sealed case is invisible to every organization but its courts.
CREATE TABLE case_seals (
    case_id   TEXT PRIMARY KEY,
    sealed_by TEXT NOT NULL,
    org       TEXT NOT NULL,
    at        TEXT NOT NULL,
    reason    TEXT NOT NULL
);

-- Security audit: reads of unmasked personal data and of case files, refusals of the gate,
-- lockouts, token and account administration. Append-only; `id` orders the records so that a
-- derived pipeline (the trace) can include them from a checkpoint.
CREATE TABLE access_audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    user_id  TEXT,
    org      TEXT,
    case_id  TEXT,
    resource TEXT NOT NULL,
    reason   TEXT NOT NULL,
    decision TEXT NOT NULL
);
CREATE INDEX access_audit_case ON access_audit(case_id, id);
CREATE INDEX access_audit_user ON access_audit(user_id, id);
