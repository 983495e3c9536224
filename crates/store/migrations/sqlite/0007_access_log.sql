-- The access log: a second append-only Merkle log, beside the event trace, whose leaves are the
-- access-audit records (docs/leaf-format.md, `lianban-access/1`). Written in the same transaction
-- as the `access_audit` rows; insert-only. Same deployment key, its own origin and checkpoints.

-- One leaf per audit record: `position` = leaf index (contiguous from 0), `audit_id` =
-- access_audit.id. `salt` keys the hashes of the record's free-text fields; never published.
CREATE TABLE access_leaves (
    position INTEGER PRIMARY KEY,
    audit_id INTEGER NOT NULL UNIQUE,
    salt     BLOB NOT NULL,
    leaf     BLOB NOT NULL
);

-- Perfect subtrees of the access log, as ledger_nodes.
CREATE TABLE access_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed tree heads of the access log (origin `<deployment origin>/access`).
CREATE TABLE access_checkpoints (
    size      INTEGER PRIMARY KEY,
    root      BLOB NOT NULL,
    timestamp TEXT NOT NULL,
    note      TEXT NOT NULL
);
