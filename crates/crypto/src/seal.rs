//! Sealed legal documents (电子签章): a self-contained JSON file that carries the document's
//! metadata, its content (unless removed by a court-ordered sealing), the issuing organization's
//! public key and the signature, so that anyone can verify it offline.
//!
//! What the seal covers: the bytes of [`SealedDocument::signing_bytes`], i.e. the format tag, every
//! metadata field (kind, number, case, issuing organization, signer, issue time, version and what
//! it corrects, content hash and length) and the seal's own suite, public key and sealing time.
//! The content is covered through its hash. Verification recomputes all of it; it does **not**
//! decide whether the public key belongs to the organization — compare the fingerprint with the
//! one the platform publishes (`GET /api/v1/seal-keys`).

use crate::{CryptoError, Suite};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "lianban-seal/v1";

/// What a seal says about the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMetadata {
    /// Machine name of the document kind (e.g. `arrest_approval`).
    pub kind: String,
    /// Its Chinese title (e.g. 批准逮捕决定书).
    pub kind_label: String,
    pub number: String,
    pub case_id: String,
    pub org: String,
    pub org_name: String,
    pub signer: String,
    pub signer_name: String,
    /// RFC 3339, the server's time of the decision.
    pub issued_at: String,
    /// 1 for the original; corrections count up.
    pub version: u32,
    /// The seal id of the version this one corrects.
    pub supersedes: Option<String>,
    /// Why this correction was made.
    pub reason: Option<String>,
    pub media_type: String,
    /// Hex digest of the content with the suite's hash.
    pub content_hash: String,
    pub content_length: u64,
}

/// The seal itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    pub suite: Suite,
    pub hash_algorithm: String,
    pub signature_algorithm: String,
    /// Hex public key of the issuing organization.
    pub public_key: String,
    pub key_fingerprint: String,
    pub sealed_at: String,
    /// Base64 signature over [`SealedDocument::signing_bytes`].
    pub signature: String,
}

/// A sealed document as exported and as `lianban seal verify` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedDocument {
    pub format: String,
    /// The platform's id of this sealed version.
    pub id: String,
    pub document: DocumentMetadata,
    /// The rendered content; `None` after a court-ordered sealing removed it (its hash stays).
    pub content: Option<String>,
    pub seal: Seal,
}

/// The fixed-order structure whose JSON bytes are signed.
#[derive(Serialize)]
struct SigningPayload<'a> {
    format: &'a str,
    id: &'a str,
    document: &'a DocumentMetadata,
    suite: Suite,
    hash_algorithm: &'a str,
    signature_algorithm: &'a str,
    public_key: &'a str,
    sealed_at: &'a str,
}

/// What verification established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub suite: Suite,
    pub key_fingerprint: String,
    /// False when the content was removed: only the metadata and hash were checked.
    pub content_checked: bool,
}

impl SealedDocument {
    fn payload_bytes(id: &str, document: &DocumentMetadata, suite: Suite, public_key: &str, sealed_at: &str) -> Vec<u8> {
        let p = suite.provider();
        serde_json::to_vec(&SigningPayload {
            format: FORMAT,
            id,
            document,
            suite,
            hash_algorithm: p.hash_algorithm(),
            signature_algorithm: p.signature_algorithm(),
            public_key,
            sealed_at,
        })
        .expect("serializable payload")
    }

    /// The exact bytes the seal signs.
    pub fn signing_bytes(&self) -> Vec<u8> {
        Self::payload_bytes(&self.id, &self.document, self.seal.suite, &self.seal.public_key, &self.seal.sealed_at)
    }

    /// Seals `content` with `metadata` (whose hash and length fields are filled in here) using
    /// the organization's secret key.
    pub fn seal(suite: Suite, secret: &[u8], id: &str, document: DocumentMetadata, content: &str, sealed_at: &str) -> Result<Self, CryptoError> {
        Self::seal_with(&*suite.provider().signer(secret)?, id, document, content, sealed_at)
    }

    /// [`SealedDocument::seal`] with a parsed key, for sealing many documents with one key.
    pub fn seal_with(signer: &dyn crate::KeySigner, id: &str, mut document: DocumentMetadata, content: &str, sealed_at: &str) -> Result<Self, CryptoError> {
        let suite = signer.suite();
        let p = suite.provider();
        document.content_hash = hex::encode(p.hash(content.as_bytes()));
        document.content_length = content.len() as u64;
        let public_key = hex::encode(signer.public());
        let msg = Self::payload_bytes(id, &document, suite, &public_key, sealed_at);
        let signature = B64.encode(signer.sign(&msg)?);
        Ok(SealedDocument {
            format: FORMAT.into(),
            id: id.into(),
            document,
            content: Some(content.to_string()),
            seal: Seal {
                suite,
                hash_algorithm: p.hash_algorithm().into(),
                signature_algorithm: p.signature_algorithm().into(),
                key_fingerprint: crate::fingerprint(suite, signer.public()),
                public_key,
                sealed_at: sealed_at.into(),
                signature,
            },
        })
    }

    /// Checks the format, the algorithms named, the content against its hash (when present) and
    /// the signature against the embedded public key.
    pub fn verify(&self) -> Result<Verified, CryptoError> {
        let bad = |m: &str| CryptoError::Seal(m.to_string());
        if self.format != FORMAT {
            return Err(bad(&format!("format {:?}, expected {FORMAT}", self.format)));
        }
        let p = self.seal.suite.provider();
        if self.seal.hash_algorithm != p.hash_algorithm() || self.seal.signature_algorithm != p.signature_algorithm() {
            return Err(bad("algorithms do not match the suite"));
        }
        let public = hex::decode(&self.seal.public_key).map_err(|_| bad("public_key is not hex"))?;
        if crate::fingerprint(self.seal.suite, &public) != self.seal.key_fingerprint {
            return Err(bad("key_fingerprint does not match public_key"));
        }
        let content_checked = match &self.content {
            Some(c) => {
                if c.len() as u64 != self.document.content_length || hex::encode(p.hash(c.as_bytes())) != self.document.content_hash {
                    return Err(bad("content does not match content_hash: the document was altered"));
                }
                true
            }
            None => false,
        };
        let sig = B64.decode(&self.seal.signature).map_err(|_| bad("signature is not base64"))?;
        p.verify(&public, &self.signing_bytes(), &sig)?;
        Ok(Verified { suite: self.seal.suite, key_fingerprint: self.seal.key_fingerprint.clone(), content_checked })
    }
}
