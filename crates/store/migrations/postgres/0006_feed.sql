-- PostgreSQL twin of migrations/sqlite/0006_feed.sql: same tables, columns and constraints (BIGINT for
-- 64-bit integers, BYTEA for blobs, times as RFC 3339 text). Keep the two in step.
-- The event feed: agency systems follow the trace from a cursor (the next trace position to read)
-- and acknowledge what they have processed. One row per organization and consumer name; the
-- cursor only moves forward. The NATS publisher keeps its own cursor the same way.

CREATE TABLE feed_consumers (
    org         TEXT NOT NULL,
    consumer    TEXT NOT NULL,
    position    BIGINT NOT NULL,       -- next trace position the consumer has not processed
    acked_at    TEXT NOT NULL,
    acked_by    TEXT,                   -- the user (or service user) who acknowledged
    PRIMARY KEY (org, consumer)
);

CREATE TABLE feed_publishers (
    name        TEXT PRIMARY KEY,       -- e.g. nats:<subject prefix>
    position    BIGINT NOT NULL,       -- next trace position to publish
    updated_at  TEXT NOT NULL
);
