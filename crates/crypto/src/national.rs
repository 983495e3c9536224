//! The national suite (国密): SM3 (GB/T 32905-2016), SM2 signatures (GB/T 32918.2-2016) with SM3
//! and the default distinguishing identifier of GM/T 0009-2012, SM4 (GB/T 32907-2016) in GCM mode
//! as RFC 8998 uses it.

use crate::{split_nonce, CryptoError, CryptoProvider, Digest, KeyPair, StreamHasher, Suite};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{AesGcm, Nonce};
use aes_gcm::aead::consts::U12;
use sm2::dsa::signature::{Signer, Verifier};
use sm3::Digest as _;

/// The default user identifier `ID_A` when none is agreed (GM/T 0009-2012 §10).
pub const SM2_DEFAULT_ID: &str = "1234567812345678";

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

#[derive(Debug, Clone, Copy, Default)]
pub struct NationalSuite;

struct Sm3Stream(sm3::Sm3);

impl StreamHasher for Sm3Stream {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn finalize(self: Box<Self>) -> Digest {
        self.0.finalize().into()
    }
}

pub(crate) fn sm2_signing_key(secret: &[u8]) -> Result<sm2::dsa::SigningKey, CryptoError> {
    if secret.len() != 32 {
        return Err(CryptoError::key("sm2 secret key", format!("{} bytes, expected 32", secret.len())));
    }
    sm2::dsa::SigningKey::from_slice(SM2_DEFAULT_ID, secret).map_err(|_| CryptoError::key("sm2 secret key", "not a scalar in [1, n-1]"))
}

pub(crate) fn sm2_verifying_key(public: &[u8]) -> Result<sm2::dsa::VerifyingKey, CryptoError> {
    sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DEFAULT_ID, public).map_err(|_| CryptoError::key("sm2 public key", "not a point on the SM2 curve"))
}

fn sm4(key: &[u8]) -> Result<Sm4Gcm, CryptoError> {
    Sm4Gcm::new_from_slice(key).map_err(|_| CryptoError::key("sm4 key", format!("{} bytes, expected 16", key.len())))
}

impl CryptoProvider for NationalSuite {
    fn suite(&self) -> Suite {
        Suite::National
    }
    fn hash_algorithm(&self) -> &'static str {
        "sm3"
    }
    fn signature_algorithm(&self) -> &'static str {
        "sm2-sm3"
    }
    fn cipher_algorithm(&self) -> &'static str {
        "sm4-gcm"
    }
    fn hasher(&self) -> Box<dyn StreamHasher> {
        Box::new(Sm3Stream(sm3::Sm3::new()))
    }
    fn generate_key_pair(&self) -> Result<KeyPair, CryptoError> {
        // A random 256-bit string is a valid scalar except with negligible probability; retry then.
        loop {
            match self.key_pair_from_secret(&crate::random_bytes::<32>()?) {
                Ok(k) => return Ok(k),
                Err(CryptoError::BadKey { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
    }
    fn key_pair_from_secret(&self, secret: &[u8]) -> Result<KeyPair, CryptoError> {
        let sk = sm2_signing_key(secret)?;
        Ok(KeyPair { secret: secret.to_vec(), public: sk.verifying_key().to_sec1_bytes().to_vec() })
    }
    fn sign(&self, secret: &[u8], message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let sk = sm2_signing_key(secret)?;
        let sig: sm2::dsa::Signature = sk.try_sign(message).map_err(|e| CryptoError::key("sm2 signing", e))?;
        Ok(sig.to_bytes().to_vec())
    }
    fn signer(&self, secret: &[u8]) -> Result<Box<dyn crate::KeySigner>, CryptoError> {
        let sk = sm2_signing_key(secret)?;
        let public = sk.verifying_key().to_sec1_bytes().to_vec();
        Ok(Box::new(Sm2Signer { sk, public }))
    }
    fn verify(&self, public: &[u8], message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        let vk = sm2_verifying_key(public)?;
        let sig = sm2::dsa::Signature::from_slice(signature).map_err(|_| CryptoError::BadSignature)?;
        vk.verify(message, &sig).map_err(|_| CryptoError::BadSignature)
    }
    fn key_len(&self) -> usize {
        16
    }
    fn encrypt_with_nonce(&self, key: &[u8], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let ct = sm4(key)?.encrypt(&Nonce::from(*nonce), Payload { msg: plaintext, aad }).map_err(|_| CryptoError::Encrypt)?;
        Ok([nonce.as_slice(), &ct].concat())
    }
    fn decrypt(&self, key: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (nonce, ct) = split_nonce(sealed)?;
        let nonce: [u8; 12] = nonce.try_into().expect("12-byte nonce");
        sm4(key)?.decrypt(&Nonce::from(nonce), Payload { msg: ct, aad }).map_err(|_| CryptoError::Decrypt)
    }
}

/// One SM4 block encryption (the standard's raw block function, for known-answer tests).
pub fn sm4_encrypt_block(key: &[u8; 16], block: &[u8; 16]) -> [u8; 16] {
    use sm4::cipher::{BlockCipherEncrypt, KeyInit};
    let c = sm4::Sm4::new(&(*key).into());
    let mut b = (*block).into();
    c.encrypt_block(&mut b);
    b.into()
}

struct Sm2Signer {
    sk: sm2::dsa::SigningKey,
    public: Vec<u8>,
}

impl crate::KeySigner for Sm2Signer {
    fn suite(&self) -> Suite {
        Suite::National
    }
    fn public(&self) -> &[u8] {
        &self.public
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let sig: sm2::dsa::Signature = self.sk.try_sign(message).map_err(|e| CryptoError::key("sm2 signing", e))?;
        Ok(sig.to_bytes().to_vec())
    }
}
