-- PostgreSQL twin of migrations/sqlite/0007_access_log.sql: same tables, columns and constraints
-- (BIGINT for 64-bit integers, BYTEA for blobs, times as RFC 3339 text). Keep the two in step.

-- The access log: a second append-only Merkle log, beside the event trace, whose leaves are the
-- access-audit records (docs/leaf-format.md, `lianban-access/1`). Written in the same transaction
-- as the `access_audit` rows; insert-only. Same deployment key, its own origin and checkpoints.

CREATE TABLE access_leaves (
    position BIGINT PRIMARY KEY,
    audit_id BIGINT NOT NULL UNIQUE,
    salt     BYTEA NOT NULL,
    leaf     BYTEA NOT NULL
);

CREATE TABLE access_nodes (
    level BIGINT NOT NULL,
    idx   BIGINT NOT NULL,
    hash  BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE access_checkpoints (
    size      BIGINT PRIMARY KEY,
    root      BYTEA NOT NULL,
    timestamp TEXT NOT NULL,
    note      TEXT NOT NULL
);
