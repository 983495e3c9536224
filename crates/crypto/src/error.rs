/// What can go wrong in cryptography. Messages are lowercase and name the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("unknown crypto suite {0:?} (expected standard or national)")]
    UnknownSuite(String),
    #[error("bad {what}: {detail}")]
    BadKey { what: &'static str, detail: String },
    #[error("signature does not verify")]
    BadSignature,
    #[error("decryption failed: wrong key, nonce or tampered ciphertext")]
    Decrypt,
    #[error("encryption failed")]
    Encrypt,
    #[error("no system randomness: {0}")]
    Randomness(String),
    #[error("sealed document: {0}")]
    Seal(String),
}

impl CryptoError {
    pub(crate) fn key(what: &'static str, detail: impl ToString) -> Self {
        CryptoError::BadKey { what, detail: detail.to_string() }
    }
}
