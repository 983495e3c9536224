-- PostgreSQL twin of migrations/sqlite/0004_files.sql: same tables, columns and constraints (BIGINT for
-- 64-bit integers, BYTEA for blobs, times as RFC 3339 text). Keep the two in step.
-- Electronic case files (电子卷宗) and sealed legal documents (电子签章); see store/src/files.rs.
-- Content lives in the blob store (DATA/blobs/) under its SHA-256; these tables hold metadata and
-- hashes. Nothing here is updated in place except: `blobs.purged_*` (a court-ordered sealing
-- removes the content, the hash stays), `uploads.received/completed_file` (progress of a
-- resumable upload) and the order of a volume's items (each change logged in `files_log`).

-- One row per distinct content. `blocks` holds the SHA-256 of each `block_size` block, so that a
-- range read verifies exactly the blocks it serves. `suite_hash` is the content's hash with the
-- deployment's crypto suite (SM3 for national deployments), the hash that seals cover.
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    size        BIGINT NOT NULL,
    block_size  BIGINT NOT NULL,
    blocks      BYTEA NOT NULL,
    suite       TEXT NOT NULL,
    suite_hash  TEXT NOT NULL,
    stored_at   TEXT NOT NULL,
    purged_at   TEXT,
    purge_order TEXT
);

-- Items of a case's file. A correction is a new row in the same lineage with the next version,
-- naming the row it supersedes and why; the original stays.
CREATE TABLE case_files (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL,
    lineage     TEXT NOT NULL,
    version     BIGINT NOT NULL,
    supersedes  TEXT REFERENCES case_files(id),
    reason      TEXT,
    person      BIGINT,
    evidence    TEXT,
    category    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    title       TEXT NOT NULL,
    pages       BIGINT,
    sha256      TEXT NOT NULL REFERENCES blobs(sha256),
    size        BIGINT NOT NULL,
    org         TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    seal        TEXT NOT NULL,
    UNIQUE (lineage, version)
);
CREATE INDEX case_files_case ON case_files(case_id);

-- Resumable uploads: the bytes so far are in DATA/blobs/uploads/<id>.part.
CREATE TABLE uploads (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL,
    org            TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    meta           TEXT NOT NULL,
    expected_size  BIGINT,
    received       BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    completed_file TEXT
);

-- Volumes (卷) of an organization's case file, each an ordered catalogue (目录) of items.
CREATE TABLE volumes (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    org        TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX volumes_case ON volumes(case_id);
CREATE TABLE volume_items (
    volume_id TEXT NOT NULL REFERENCES volumes(id),
    position  BIGINT NOT NULL,
    file_id   TEXT NOT NULL REFERENCES case_files(id),
    PRIMARY KEY (volume_id, position)
);

-- What travels with a transfer: the items selected, frozen. `body` is the canonical JSON of the
-- manifest, `hash` its SHA-256; the receiving organization may read exactly these items.
CREATE TABLE manifests (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    from_org   TEXT NOT NULL,
    to_org     TEXT NOT NULL,
    event_seq  BIGINT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    hash       TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX manifests_case ON manifests(case_id);
CREATE TABLE manifest_items (
    manifest_id TEXT NOT NULL REFERENCES manifests(id),
    file_id     TEXT NOT NULL REFERENCES case_files(id),
    PRIMARY KEY (manifest_id, file_id)
);
CREATE INDEX manifest_items_file ON manifest_items(file_id);

-- Each organization's seal key (public half; the secret is DATA/keys/seal-<org>-<suite>.key, 0600).
CREATE TABLE seal_keys (
    org         TEXT NOT NULL,
    suite       TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org, suite)
);

-- Sealed legal documents: `body` is the self-contained sealed JSON without its content, `content`
-- the rendered text (NULL after a court-ordered sealing). Corrections are new versions.
CREATE TABLE sealed_documents (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    number       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    version      BIGINT NOT NULL,
    supersedes   TEXT REFERENCES sealed_documents(id),
    org          TEXT NOT NULL,
    signer       TEXT NOT NULL,
    sealed_at    TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    body         TEXT NOT NULL,
    content      TEXT,
    UNIQUE (case_id, number, version)
);
CREATE INDEX sealed_documents_case ON sealed_documents(case_id);

-- The files trace: every upload, correction, volume change, frozen manifest, seal, purge and
-- download, in order. Each entry chains the previous one: `hash = SHA-256(prev_hash ‖ body)`
-- (hex), `body` the entry's canonical JSON, so the ledger can take `hash` (or `body`) as a leaf.
CREATE TABLE files_log (
    seq        BIGINT PRIMARY KEY,
    at         TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    actor_user TEXT NOT NULL,
    actor_org  TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX files_log_case ON files_log(case_id);
