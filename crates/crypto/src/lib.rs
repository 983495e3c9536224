//! Lianban's pluggable cryptography.
//!
//! The key decision: **one provider interface, chosen once per deployment.** Everything that
//! hashes for integrity, signs (seals of legal documents, ledger checkpoints) or encrypts at rest
//! asks a [`CryptoProvider`] for it, never a named algorithm. Two suites exist:
//!
//! | suite | hash | signature | symmetric |
//! |---|---|---|---|
//! | [`Suite::Standard`] (default) | SHA-256 | Ed25519 | AES-256-GCM |
//! | [`Suite::National`] (国密) | SM3 (GB/T 32905) | SM2 (GB/T 32918, with SM3, ID `1234567812345678`) | SM4-GCM (GB/T 32907 in GCM mode, RFC 8998) |
//!
//! Both hashes give 32 bytes, so stored hash columns need no migration when a deployment switches;
//! every stored signature records the suite it was made with, so old seals stay verifiable.
//!
//! The crate does no I/O beyond asking the operating system for randomness (key generation,
//! nonces). [`ledger_adapters`] plugs SM3 and SM2 into the ledger's `TreeHasher` / `NoteSigner`
//! traits; [`seal`] is the self-contained sealed-document format (电子签章) that verifies offline.

mod error;
pub mod ledger_adapters;
mod national;
pub mod seal;
mod standard;

pub use error::CryptoError;
pub use national::{sm4_encrypt_block, NationalSuite, SM2_DEFAULT_ID};
pub use standard::StandardSuite;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A 32-byte digest (SHA-256 or SM3).
pub type Digest = [u8; 32];

/// A deployment's choice of algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suite {
    /// SHA-256, Ed25519, AES-256-GCM.
    #[default]
    Standard,
    /// SM3, SM2, SM4-GCM (国密).
    National,
}

impl Suite {
    pub const ALL: [Suite; 2] = [Suite::Standard, Suite::National];

    pub fn as_str(self) -> &'static str {
        match self {
            Suite::Standard => "standard",
            Suite::National => "national",
        }
    }

    /// The provider implementing this suite.
    pub fn provider(self) -> &'static dyn CryptoProvider {
        match self {
            Suite::Standard => &StandardSuite,
            Suite::National => &NationalSuite,
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Suite {
    type Err = CryptoError;
    fn from_str(s: &str) -> Result<Self, CryptoError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "standard" | "default" | "sha256-ed25519-aes256gcm" => Ok(Suite::Standard),
            "national" | "sm" | "gm" | "sm3-sm2-sm4" => Ok(Suite::National),
            other => Err(CryptoError::UnknownSuite(other.to_string())),
        }
    }
}

/// An incremental hash over streamed content.
pub trait StreamHasher: Send {
    fn update(&mut self, data: &[u8]);
    fn finalize(self: Box<Self>) -> Digest;
}

/// A key pair as bytes: the secret (32 bytes for both suites) and the public key (32 bytes for
/// Ed25519; 65-byte uncompressed SEC1 point for SM2).
#[derive(Clone)]
pub struct KeyPair {
    pub secret: Vec<u8>,
    pub public: Vec<u8>,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair").field("public", &hex::encode(&self.public)).finish_non_exhaustive()
    }
}

/// A parsed signing key ([`CryptoProvider::signer`]).
pub trait KeySigner: Send + Sync {
    fn suite(&self) -> Suite;
    /// The public key, encoded as in [`KeyPair::public`].
    fn public(&self) -> &[u8];
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError>;
}

/// One suite of algorithms. Object safe: callers hold `&'static dyn CryptoProvider`.
pub trait CryptoProvider: Send + Sync {
    fn suite(&self) -> Suite;
    /// `sha256` or `sm3`.
    fn hash_algorithm(&self) -> &'static str;
    /// `ed25519` or `sm2-sm3`.
    fn signature_algorithm(&self) -> &'static str;
    /// `aes-256-gcm` or `sm4-gcm`.
    fn cipher_algorithm(&self) -> &'static str;

    fn hasher(&self) -> Box<dyn StreamHasher>;
    fn hash(&self, data: &[u8]) -> Digest {
        let mut h = self.hasher();
        h.update(data);
        h.finalize()
    }

    /// A fresh key pair from the operating system's randomness.
    fn generate_key_pair(&self) -> Result<KeyPair, CryptoError> {
        self.key_pair_from_secret(&random_bytes::<32>()?)
    }
    /// The key pair of a stored secret.
    fn key_pair_from_secret(&self, secret: &[u8]) -> Result<KeyPair, CryptoError>;
    fn sign(&self, secret: &[u8], message: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// A signer holding the parsed key (its public key derived once), for many signatures with
    /// one key; each signature equals `sign(secret, message)`.
    fn signer(&self, secret: &[u8]) -> Result<Box<dyn KeySigner>, CryptoError>;
    /// `Ok(())` only for a valid signature of `message` by `public`.
    fn verify(&self, public: &[u8], message: &[u8], signature: &[u8]) -> Result<(), CryptoError>;

    /// Length of a symmetric key in bytes (32 for AES-256, 16 for SM4).
    fn key_len(&self) -> usize;
    /// Authenticated encryption; the output is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`.
    fn encrypt(&self, key: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.encrypt_with_nonce(key, &random_bytes::<12>()?, aad, plaintext)
    }
    /// Encryption with a caller-chosen nonce (tests, known answers). Never reuse a nonce.
    fn encrypt_with_nonce(&self, key: &[u8], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError>;
    fn decrypt(&self, key: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError>;
}

/// Bytes from the operating system's randomness.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| CryptoError::Randomness(e.to_string()))?;
    Ok(b)
}

/// A short fingerprint of a public key for people to compare: the first 8 bytes of the suite's
/// hash of the key, in hex.
pub fn fingerprint(suite: Suite, public: &[u8]) -> String {
    hex::encode(&suite.provider().hash(public)[..8])
}

pub(crate) fn split_nonce(sealed: &[u8]) -> Result<(&[u8], &[u8]), CryptoError> {
    if sealed.len() < 12 + 16 {
        return Err(CryptoError::Decrypt);
    }
    Ok(sealed.split_at(12))
}
