-- The tamper-evident trace (see docs/leaf-format.md). Written in the same transaction as the
-- event it logs; insert-only.

-- One leaf per event: `position` = events.position = leaf index. `salt` (32 random bytes) keys the
-- hashes of the event's sensitive fields; it is never published. `leaf` is the canonical leaf
-- bytes that the tree hashes as H(0x00 || leaf).
CREATE TABLE ledger_leaves (
    position INTEGER PRIMARY KEY,
    salt     BLOB NOT NULL,
    leaf     BLOB NOT NULL
);

-- Perfect subtrees: node (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level); level 0
-- holds the leaf hashes. Written once, when its last leaf is appended.
CREATE TABLE ledger_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed tree heads (C2SP tlog-checkpoint notes signed with the deployment's key).
CREATE TABLE ledger_checkpoints (
    size      INTEGER PRIMARY KEY,
    root      BLOB NOT NULL,
    timestamp TEXT NOT NULL,
    note      TEXT NOT NULL
);

-- Each organization's witness key (a cosignature/v1 verifier key string).
CREATE TABLE ledger_witnesses (
    org      TEXT PRIMARY KEY,
    key      TEXT NOT NULL,
    added_at TEXT NOT NULL
);

-- Cosignatures received from witnesses, each verified against the organization's key.
CREATE TABLE ledger_cosignatures (
    org         TEXT NOT NULL,
    size        INTEGER NOT NULL,
    root        BLOB NOT NULL,
    timestamp   INTEGER NOT NULL,
    line        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (org, size)
);

-- Split views and other contradictions found while signing, witnessing or verifying.
CREATE TABLE ledger_alarms (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    kind   TEXT NOT NULL,
    org    TEXT,
    size   INTEGER,
    detail TEXT NOT NULL
);
