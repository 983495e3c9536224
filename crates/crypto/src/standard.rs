//! The default suite: SHA-256 (FIPS 180-4), Ed25519 (RFC 8032), AES-256-GCM (SP 800-38D).

use crate::{split_nonce, CryptoError, CryptoProvider, Digest, KeyPair, StreamHasher, Suite};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::Digest as _;

#[derive(Debug, Clone, Copy, Default)]
pub struct StandardSuite;

struct Sha256Stream(sha2::Sha256);

impl StreamHasher for Sha256Stream {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn finalize(self: Box<Self>) -> Digest {
        self.0.finalize().into()
    }
}

fn secret32(secret: &[u8]) -> Result<[u8; 32], CryptoError> {
    secret.try_into().map_err(|_| CryptoError::key("secret key", format!("{} bytes, expected 32", secret.len())))
}

impl CryptoProvider for StandardSuite {
    fn suite(&self) -> Suite {
        Suite::Standard
    }
    fn hash_algorithm(&self) -> &'static str {
        "sha256"
    }
    fn signature_algorithm(&self) -> &'static str {
        "ed25519"
    }
    fn cipher_algorithm(&self) -> &'static str {
        "aes-256-gcm"
    }
    fn hasher(&self) -> Box<dyn StreamHasher> {
        Box::new(Sha256Stream(sha2::Sha256::new()))
    }
    fn key_pair_from_secret(&self, secret: &[u8]) -> Result<KeyPair, CryptoError> {
        let sk = SigningKey::from_bytes(&secret32(secret)?);
        Ok(KeyPair { secret: secret.to_vec(), public: sk.verifying_key().to_bytes().to_vec() })
    }
    fn sign(&self, secret: &[u8], message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let sk = SigningKey::from_bytes(&secret32(secret)?);
        Ok(sk.sign(message).to_bytes().to_vec())
    }
    fn signer(&self, secret: &[u8]) -> Result<Box<dyn crate::KeySigner>, CryptoError> {
        let sk = SigningKey::from_bytes(&secret32(secret)?);
        let public = sk.verifying_key().to_bytes().to_vec();
        Ok(Box::new(Ed25519Signer { sk, public }))
    }
    fn verify(&self, public: &[u8], message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        let pk: [u8; 32] = public.try_into().map_err(|_| CryptoError::key("ed25519 public key", format!("{} bytes, expected 32", public.len())))?;
        let vk = VerifyingKey::from_bytes(&pk).map_err(|e| CryptoError::key("ed25519 public key", e))?;
        let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| CryptoError::BadSignature)?;
        vk.verify_strict(message, &sig).map_err(|_| CryptoError::BadSignature)
    }
    fn key_len(&self) -> usize {
        32
    }
    fn encrypt_with_nonce(&self, key: &[u8], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| CryptoError::key("aes-256 key", format!("{} bytes, expected 32", key.len())))?;
        let ct = cipher.encrypt(&Nonce::from(*nonce), Payload { msg: plaintext, aad }).map_err(|_| CryptoError::Encrypt)?;
        Ok([nonce.as_slice(), &ct].concat())
    }
    fn decrypt(&self, key: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| CryptoError::key("aes-256 key", format!("{} bytes, expected 32", key.len())))?;
        let (nonce, ct) = split_nonce(sealed)?;
        let nonce: [u8; 12] = nonce.try_into().expect("12-byte nonce");
        cipher.decrypt(&Nonce::from(nonce), Payload { msg: ct, aad }).map_err(|_| CryptoError::Decrypt)
    }
}

struct Ed25519Signer {
    sk: SigningKey,
    public: Vec<u8>,
}

impl crate::KeySigner for Ed25519Signer {
    fn suite(&self) -> Suite {
        Suite::Standard
    }
    fn public(&self) -> &[u8] {
        &self.public
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(self.sk.sign(message).to_bytes().to_vec())
    }
}
