use domain::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The stage machine or the statute refused the action.
    #[error("refused: {0}")]
    Refused(Refusal),
    #[error("not found: {0}")]
    NotFound(String),
    /// The case is not at the version the command expected.
    #[error("case {case_id} is at version {actual}, not {expected}")]
    VersionConflict { case_id: String, expected: u64, actual: u64 },
    /// A request id was reused for a different command.
    #[error("request id {0} was already used for a different command")]
    RequestIdReused(String),
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    #[error("database: {0}")]
    Database(String),
    #[error("migration: {0}")]
    Migration(String),
    /// Stored data does not agree with itself (see `verify`).
    #[error("corrupt: {0}")]
    Corrupt(String),
    /// A checkpoint that contradicts the stored tree (see the ledger alarms).
    #[error("split view: {0}")]
    SplitView(String),
    #[error("the store is closed")]
    Closed,
}

impl StoreError {
    pub(crate) fn db(e: sqlx::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}
