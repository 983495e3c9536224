//! C2SP signed notes (<https://c2sp.org/signed-note>): text, a blank line,
//! then lines `— <key name> <base64(4-byte key id ‖ signature)>`.
//!
//! Signing and verifying go through [`NoteSigner`] and [`NoteVerifier`], so
//! that an SM2 key (or a hardware module) can stand in for Ed25519.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{LedgerError, Result};

/// Signature type byte of plain Ed25519 note signatures (signed-note).
pub const ALG_ED25519: u8 = 0x01;
/// Signature type byte of timestamped Ed25519 cosignatures (tlog-cosignature).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;
/// Most signature lines accepted in one note (the spec asks for at least 16).
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";

/// Something that signs note text under a key name and key id.
pub trait NoteSigner {
    fn name(&self) -> &str;
    fn key_id(&self) -> u32;
    /// The signature bytes that follow the key id on the signature line.
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>>;
}

/// Something that checks signature lines for one key name and key id.
pub trait NoteVerifier {
    fn name(&self) -> &str;
    fn key_id(&self) -> u32;
    /// Whether `signature` (the bytes after the key id) is valid for `text`.
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool;
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    /// The bytes after the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line as it appears in a note, newline included.
    pub fn to_line(&self) -> String {
        let mut blob = Vec::with_capacity(4 + self.signature.len());
        blob.extend_from_slice(&self.key_id.to_be_bytes());
        blob.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, B64.encode(blob))
    }
}

/// A note split into text and signature lines; nothing verified yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, final newline included.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses the signed-note syntax (no signature is checked).
    pub fn parse(msg: &str) -> Result<Note> {
        if msg.chars().any(|c| c < ' ' && c != '\n') {
            return Err(LedgerError::MalformedNote("control character"));
        }
        if !msg.ends_with('\n') {
            return Err(LedgerError::MalformedNote("does not end in a newline"));
        }
        let split = msg
            .rfind("\n\n")
            .ok_or(LedgerError::MalformedNote("no blank line before the signatures"))?;
        let text = &msg[..split + 1];
        let block = &msg[split + 2..];
        if block.is_empty() {
            return Err(LedgerError::MalformedNote("no signature lines"));
        }
        let mut signatures = Vec::new();
        for line in block[..block.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(LedgerError::MalformedNote("too many signatures"));
            }
            signatures.push(parse_signature_line(line)?);
        }
        Ok(Note { text: text.to_owned(), signatures })
    }

    /// The note as text.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.to_line());
        }
        out
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature> {
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or(LedgerError::MalformedNote("signature line does not start with an em dash and a space"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or(LedgerError::MalformedNote("signature line lacks a key name or signature"))?;
    if !is_valid_name(name) {
        return Err(LedgerError::MalformedNote("invalid key name on signature line"));
    }
    let blob = B64
        .decode(b64)
        .map_err(|_| LedgerError::MalformedNote("signature is not standard base64"))?;
    if blob.len() < 5 {
        return Err(LedgerError::MalformedNote("signature too short"));
    }
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes(blob[..4].try_into().expect("4 bytes")),
        signature: blob[4..].to_vec(),
    })
}

/// Key names are non-empty, without Unicode spaces, `+` or control characters.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

fn check_text(text: &str) -> Result<()> {
    if !text.ends_with('\n') {
        return Err(LedgerError::MalformedNote("text does not end in a newline"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(LedgerError::MalformedNote("control character"));
    }
    Ok(())
}

/// Signs `text` with each signer and returns the whole note.
pub fn sign_note(text: &str, signers: &[&dyn NoteSigner]) -> Result<String> {
    check_text(text)?;
    if signers.is_empty() {
        return Err(LedgerError::MalformedNote("no signature lines"));
    }
    let mut note = Note { text: text.to_owned(), signatures: Vec::with_capacity(signers.len()) };
    for s in signers {
        if !is_valid_name(s.name()) {
            return Err(LedgerError::MalformedKey("invalid key name"));
        }
        note.signatures.push(NoteSignature {
            name: s.name().to_owned(),
            key_id: s.key_id(),
            signature: s.sign(text.as_bytes())?,
        });
    }
    Ok(note.to_text())
}

/// A note with at least one signature from a trusted key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedNote {
    pub text: String,
    /// Signatures by trusted keys, all verified.
    pub verified: Vec<NoteSignature>,
    /// Signatures by keys not among the verifiers, ignored (as the spec asks).
    pub unknown: Vec<NoteSignature>,
}

/// Parses `msg` and checks it against the trusted `verifiers`.
///
/// Signatures by unknown keys are ignored; a signature by a known key that
/// fails rejects the whole note ([`LedgerError::BadSignature`]); a note with
/// no verified signature is rejected ([`LedgerError::UntrustedNote`]).
pub fn open_note(msg: &str, verifiers: &[&dyn NoteVerifier]) -> Result<OpenedNote> {
    let note = Note::parse(msg)?;
    let mut verified = Vec::new();
    let mut unknown = Vec::new();
    for sig in note.signatures {
        let known = verifiers.iter().find(|v| v.name() == sig.name && v.key_id() == sig.key_id);
        match known {
            Some(v) if v.verify(note.text.as_bytes(), &sig.signature) => verified.push(sig),
            Some(_) => return Err(LedgerError::BadSignature { name: sig.name, key_id: sig.key_id }),
            None => unknown.push(sig),
        }
    }
    if verified.is_empty() {
        let signers = unknown.iter().map(|s| format!("{}+{:08x}", s.name, s.key_id)).collect();
        return Err(LedgerError::UntrustedNote { signers });
    }
    Ok(OpenedNote { text: note.text, verified, unknown })
}

/// `SHA-256(name ‖ "\n" ‖ alg ‖ public key)[:4]` as a big-endian integer.
pub fn key_id(name: &str, alg: u8, public_key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([alg]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// `<name>+<hex key id>+<base64(alg ‖ key)>`.
fn key_string(name: &str, id: u32, alg: u8, key: &[u8]) -> String {
    let mut blob = Vec::with_capacity(1 + key.len());
    blob.push(alg);
    blob.extend_from_slice(key);
    format!("{name}+{id:08x}+{}", B64.encode(blob))
}

/// Parses `<name>+<hex key id>+<base64(alg ‖ 32 bytes)>`, checking the
/// algorithm byte. Returns the name, the id and the 32 key bytes.
fn parse_key_string(s: &str, alg: u8) -> Result<(String, u32, [u8; 32])> {
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(LedgerError::MalformedKey("expected <name>+<key id>+<key>"));
    };
    if !is_valid_name(name) {
        return Err(LedgerError::MalformedKey("invalid key name"));
    }
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(LedgerError::MalformedKey("key id is not 8 lowercase hex digits"));
    }
    let id = u32::from_str_radix(id_hex, 16).map_err(|_| LedgerError::MalformedKey("bad key id"))?;
    let blob = B64.decode(b64).map_err(|_| LedgerError::MalformedKey("key is not standard base64"))?;
    if blob.len() != 33 {
        return Err(LedgerError::MalformedKey("key must be one type byte and 32 key bytes"));
    }
    if blob[0] != alg {
        return Err(LedgerError::MalformedKey("unexpected signature type byte"));
    }
    Ok((name.to_owned(), id, blob[1..].try_into().expect("32 bytes")))
}

fn verifying_key(bytes: &[u8; 32]) -> Result<VerifyingKey> {
    let vk = VerifyingKey::from_bytes(bytes).map_err(|_| LedgerError::MalformedKey("not an Ed25519 public key"))?;
    if vk.is_weak() {
        return Err(LedgerError::MalformedKey("small-order Ed25519 public key"));
    }
    Ok(vk)
}

/// An Ed25519 note-signing key (signature type 0x01).
#[derive(Clone)]
pub struct Ed25519NoteSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for Ed25519NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ed25519NoteSigner({}+{:08x})", self.name, self.key_id)
    }
}

impl Ed25519NoteSigner {
    /// The key pair derived from 32 seed bytes (RFC 8032 private key).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self> {
        if !is_valid_name(name) {
            return Err(LedgerError::MalformedKey("invalid key name"));
        }
        let key = SigningKey::from_bytes(seed);
        let key_id = key_id(name, ALG_ED25519, key.verifying_key().as_bytes());
        Ok(Ed25519NoteSigner { name: name.to_owned(), key_id, key })
    }

    /// The same key under another name (its key id changes with the name): one deployment key
    /// signing several logs, each with its own origin.
    pub fn renamed(&self, name: &str) -> Result<Self> {
        Self::from_seed(name, &self.key.to_bytes())
    }

    /// Parses the Go/C2SP private key string
    /// `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ seed)>`.
    pub fn from_private_key_string(s: &str) -> Result<Self> {
        let rest = s
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(LedgerError::MalformedKey("missing PRIVATE+KEY+ prefix"))?;
        let (name, id, seed) = parse_key_string(rest, ALG_ED25519)?;
        let signer = Self::from_seed(&name, &seed)?;
        if signer.key_id != id {
            return Err(LedgerError::MalformedKey("key id does not match the key"));
        }
        Ok(signer)
    }

    /// The Go/C2SP private key string
    /// `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ seed)>` (inverse of
    /// [`Ed25519NoteSigner::from_private_key_string`]). Keep it secret.
    pub fn private_key_string(&self) -> String {
        format!("PRIVATE+KEY+{}", key_string(&self.name, self.key_id, ALG_ED25519, self.key.as_bytes()))
    }

    /// The verifier for this key.
    pub fn verifier(&self) -> Ed25519NoteVerifier {
        Ed25519NoteVerifier { name: self.name.clone(), key_id: self.key_id, key: self.key.verifying_key() }
    }

    /// `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.
    pub fn verifier_key_string(&self) -> String {
        self.verifier().key_string()
    }
}

impl NoteSigner for Ed25519NoteSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>> {
        Ok(self.key.sign(text).to_bytes().to_vec())
    }
}

/// An Ed25519 note-verifying key (signature type 0x01).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ed25519NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl Ed25519NoteVerifier {
    /// Parses `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, checking that
    /// the key id matches the name and key.
    pub fn from_key_string(s: &str) -> Result<Self> {
        let (name, id, bytes) = parse_key_string(s, ALG_ED25519)?;
        if key_id(&name, ALG_ED25519, &bytes) != id {
            return Err(LedgerError::MalformedKey("key id does not match the key"));
        }
        Ok(Ed25519NoteVerifier { name, key_id: id, key: verifying_key(&bytes)? })
    }

    pub fn key_string(&self) -> String {
        key_string(&self.name, self.key_id, ALG_ED25519, self.key.as_bytes())
    }
}

impl NoteVerifier for Ed25519NoteVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(signature) else { return false };
        self.key.verify_strict(text, &Signature::from_bytes(&bytes)).is_ok()
    }
}

/// The message a cosignature/v1 signs: `cosignature/v1\ntime <t>\n` ‖ body.
pub fn cosignature_message(timestamp: u64, body: &str) -> Vec<u8> {
    let mut m = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    m.extend_from_slice(body.as_bytes());
    m
}

/// Something that cosigns checkpoint bodies at a given time.
pub trait Cosigner {
    fn name(&self) -> &str;
    fn key_id(&self) -> u32;
    /// The signature line for `body` cosigned at `timestamp` (POSIX seconds).
    fn cosign(&self, body: &str, timestamp: u64) -> Result<NoteSignature>;
}

/// A C2SP tlog-cosignature (cosignature/v1) Ed25519 key, type 0x04.
#[derive(Clone)]
pub struct Ed25519Cosigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for Ed25519Cosigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ed25519Cosigner({}+{:08x})", self.name, self.key_id)
    }
}

impl Ed25519Cosigner {
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self> {
        if !is_valid_name(name) {
            return Err(LedgerError::MalformedKey("invalid key name"));
        }
        let key = SigningKey::from_bytes(seed);
        let key_id = key_id(name, ALG_COSIGNATURE_V1, key.verifying_key().as_bytes());
        Ok(Ed25519Cosigner { name: name.to_owned(), key_id, key })
    }

    pub fn verifier(&self) -> CosignatureVerifier {
        CosignatureVerifier { name: self.name.clone(), key_id: self.key_id, key: self.key.verifying_key() }
    }

    /// `<name>+<hex key id>+<base64(0x04 ‖ public key)>`.
    pub fn verifier_key_string(&self) -> String {
        self.verifier().key_string()
    }
}

impl Cosigner for Ed25519Cosigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn cosign(&self, body: &str, timestamp: u64) -> Result<NoteSignature> {
        if timestamp > i64::MAX as u64 {
            return Err(LedgerError::Signing("cosignature timestamp exceeds 2^63 - 1".into()));
        }
        let sig = self.key.sign(&cosignature_message(timestamp, body));
        let mut signature = Vec::with_capacity(72);
        signature.extend_from_slice(&timestamp.to_be_bytes());
        signature.extend_from_slice(&sig.to_bytes());
        Ok(NoteSignature { name: self.name.clone(), key_id: self.key_id, signature })
    }
}

/// Verifies cosignature/v1 lines: it is a [`NoteVerifier`] over the
/// checkpoint body, so cosignatures open with [`open_note`] like any other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    pub fn from_key_string(s: &str) -> Result<Self> {
        let (name, id, bytes) = parse_key_string(s, ALG_COSIGNATURE_V1)?;
        if key_id(&name, ALG_COSIGNATURE_V1, &bytes) != id {
            return Err(LedgerError::MalformedKey("key id does not match the key"));
        }
        Ok(CosignatureVerifier { name, key_id: id, key: verifying_key(&bytes)? })
    }

    pub fn key_string(&self) -> String {
        key_string(&self.name, self.key_id, ALG_COSIGNATURE_V1, self.key.as_bytes())
    }

    /// The timestamp carried by a cosignature line (unverified).
    pub fn timestamp_of(sig: &NoteSignature) -> Option<u64> {
        (sig.signature.len() == 72).then(|| u64::from_be_bytes(sig.signature[..8].try_into().expect("8 bytes")))
    }
}

impl NoteVerifier for CosignatureVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        if signature.len() != 72 {
            return false;
        }
        let timestamp = u64::from_be_bytes(signature[..8].try_into().expect("8 bytes"));
        if timestamp > i64::MAX as u64 {
            return false;
        }
        let Ok(body) = std::str::from_utf8(text) else { return false };
        let sig = Signature::from_bytes(signature[8..].try_into().expect("64 bytes"));
        self.key.verify_strict(&cosignature_message(timestamp, body), &sig).is_ok()
    }
}
