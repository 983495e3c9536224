//! The ledger's hashing and signing, through the provider: an SM3 tree hasher and an SM2 note
//! signer/verifier, so that a national-crypto deployment switches the trace without touching the
//! tree logic. The ledger engineer selects them with [`tree_hasher`] and [`ProviderNoteSigner`].
//!
//! Key ids follow C2SP signed-note (`SHA-256(name ‖ "\n" ‖ alg ‖ key)[:4]`, a format identifier,
//! not a security hash). SM2 has no algorithm byte allocated in C2SP; Lianban uses [`ALG_SM2`]
//! from the range the specification leaves unallocated, so outside tools that only know Ed25519
//! will report "unknown key" rather than mis-verify.

use crate::{CryptoProvider, Suite};
use ledger::{Hash, LedgerError, NoteSigner, NoteVerifier, TreeHasher};

/// The note algorithm byte for SM2-with-SM3 signatures (Lianban's choice; not C2SP-registered).
pub const ALG_SM2: u8 = 0xff;

/// RFC 9162 tree hashing (`H(0x00 ‖ leaf)`, `H(0x01 ‖ l ‖ r)`, `H()`) with the provider's hash.
#[derive(Clone, Copy)]
pub struct ProviderTreeHasher {
    provider: &'static dyn CryptoProvider,
}

impl ProviderTreeHasher {
    pub fn new(suite: Suite) -> Self {
        Self { provider: suite.provider() }
    }
}

impl std::fmt::Debug for ProviderTreeHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProviderTreeHasher({})", self.provider.hash_algorithm())
    }
}

impl TreeHasher for ProviderTreeHasher {
    fn hash_leaf(&self, data: &[u8]) -> Hash {
        let mut h = self.provider.hasher();
        h.update(&[0x00]);
        h.update(data);
        h.finalize()
    }
    fn hash_children(&self, left: &Hash, right: &Hash) -> Hash {
        let mut h = self.provider.hasher();
        h.update(&[0x01]);
        h.update(left);
        h.update(right);
        h.finalize()
    }
    fn empty_root(&self) -> Hash {
        self.provider.hash(&[])
    }
}

/// The SM3 tree hasher (national deployments).
pub fn sm3_tree_hasher() -> ProviderTreeHasher {
    ProviderTreeHasher::new(Suite::National)
}

/// The tree hasher of a suite: the ledger's own hand-laid SHA-256 for the standard suite (same
/// hashes, faster), the provider's SM3 for the national one.
pub fn tree_hasher(suite: Suite) -> Box<dyn TreeHasher + Send + Sync> {
    match suite {
        Suite::Standard => Box::new(ledger::Sha256Hasher),
        Suite::National => Box::new(ProviderTreeHasher::new(Suite::National)),
    }
}

/// The signed-note algorithm byte of a suite.
pub fn note_algorithm(suite: Suite) -> u8 {
    match suite {
        Suite::Standard => ledger::ALG_ED25519,
        Suite::National => ALG_SM2,
    }
}

/// Signs notes (checkpoints) with a provider key. With the standard suite its lines are the
/// C2SP Ed25519 lines that Go's `sumdb/note` verifies.
pub struct ProviderNoteSigner {
    suite: Suite,
    name: String,
    key_id: u32,
    secret: Vec<u8>,
    public: Vec<u8>,
}

impl ProviderNoteSigner {
    pub fn new(suite: Suite, name: &str, secret: &[u8]) -> Result<Self, LedgerError> {
        if !ledger::is_valid_name(name) {
            return Err(LedgerError::MalformedKey("key name"));
        }
        let pair = suite.provider().key_pair_from_secret(secret).map_err(|_| LedgerError::MalformedKey("secret key"))?;
        let key_id = ledger::key_id(name, note_algorithm(suite), &pair.public);
        Ok(Self { suite, name: name.to_string(), key_id, secret: pair.secret, public: pair.public })
    }

    pub fn verifier(&self) -> ProviderNoteVerifier {
        ProviderNoteVerifier { suite: self.suite, name: self.name.clone(), key_id: self.key_id, public: self.public.clone() }
    }
}

impl NoteSigner for ProviderNoteSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn sign(&self, text: &[u8]) -> ledger::Result<Vec<u8>> {
        self.suite.provider().sign(&self.secret, text).map_err(|e| LedgerError::Signing(e.to_string()))
    }
}

/// Verifies note signature lines made by a [`ProviderNoteSigner`].
#[derive(Clone, Debug)]
pub struct ProviderNoteVerifier {
    suite: Suite,
    name: String,
    key_id: u32,
    public: Vec<u8>,
}

impl ProviderNoteVerifier {
    pub fn new(suite: Suite, name: &str, public: &[u8]) -> Self {
        Self { suite, name: name.to_string(), key_id: ledger::key_id(name, note_algorithm(suite), public), public: public.to_vec() }
    }
}

impl NoteVerifier for ProviderNoteVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        self.suite.provider().verify(&self.public, text, signature).is_ok()
    }
}
