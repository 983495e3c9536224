//! Tree hashing (RFC 9162 §2.1.1) behind a trait, so that a national-crypto
//! (SM3) hasher can replace SHA-256 without touching the tree logic.

use sha2::block_api::compress256;
use sha2::{Digest, Sha256};

/// A tree hash. Both SHA-256 and SM3 produce 32 bytes, so the size is fixed.
pub type Hash = [u8; 32];

/// The three hash operations a Merkle tree needs.
///
/// Implementations must give domain separation between leaves and interior
/// nodes (RFC 9162 uses the prefixes 0x00 and 0x01).
pub trait TreeHasher {
    /// `H(0x00 ‖ data)`: the hash of one leaf's bytes.
    fn hash_leaf(&self, data: &[u8]) -> Hash;
    /// `H(0x01 ‖ left ‖ right)`: the hash of an interior node.
    fn hash_children(&self, left: &Hash, right: &Hash) -> Hash;
    /// The root of the empty tree: `H()` (the hash of the empty string).
    fn empty_root(&self) -> Hash;
}

/// RFC 6962 / RFC 9162 hashing with SHA-256, the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sha256Hasher;

impl TreeHasher for Sha256Hasher {
    fn hash_leaf(&self, data: &[u8]) -> Hash {
        sha256_prefixed(0x00, data)
    }

    fn hash_children(&self, left: &Hash, right: &Hash) -> Hash {
        // 65 bytes: exactly two blocks, laid out by hand so that the hot path
        // of appending and verification skips the streaming buffer.
        let mut blocks = [[0u8; 64]; 2];
        blocks[0][0] = 0x01;
        blocks[0][1..33].copy_from_slice(left);
        blocks[0][33..].copy_from_slice(&right[..31]);
        blocks[1][0] = right[31];
        blocks[1][1] = 0x80;
        blocks[1][56..].copy_from_slice(&(65u64 * 8).to_be_bytes());
        let mut state = SHA256_IV;
        compress256(&mut state, &blocks);
        state_bytes(&state)
    }

    fn empty_root(&self) -> Hash {
        Sha256::digest([]).into()
    }
}

/// FIPS 180-4 initial hash value of SHA-256.
const SHA256_IV: [u32; 8] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
];

fn state_bytes(state: &[u32; 8]) -> Hash {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// SHA-256 of `prefix ‖ data`, compressing whole blocks of `data` in place.
fn sha256_prefixed(prefix: u8, data: &[u8]) -> Hash {
    let mut state = SHA256_IV;
    let total_bits = (data.len() as u64 + 1) * 8;
    let mut block = [0u8; 64];
    block[0] = prefix;
    let rest = if data.len() >= 63 {
        block[1..].copy_from_slice(&data[..63]);
        compress256(&mut state, std::slice::from_ref(&block));
        let (blocks, tail) = data[63..].as_chunks::<64>();
        compress256(&mut state, blocks);
        block = [0u8; 64];
        block[..tail.len()].copy_from_slice(tail);
        tail.len()
    } else {
        block[1..1 + data.len()].copy_from_slice(data);
        1 + data.len()
    };
    // Padding: 0x80, zeros, 64-bit big-endian bit length.
    block[rest] = 0x80;
    if rest >= 56 {
        compress256(&mut state, std::slice::from_ref(&block));
        block = [0u8; 64];
    }
    block[56..].copy_from_slice(&total_bits.to_be_bytes());
    compress256(&mut state, std::slice::from_ref(&block));
    state_bytes(&state)
}

impl<T: TreeHasher + ?Sized> TreeHasher for &T {
    fn hash_leaf(&self, data: &[u8]) -> Hash {
        (**self).hash_leaf(data)
    }
    fn hash_children(&self, left: &Hash, right: &Hash) -> Hash {
        (**self).hash_children(left, right)
    }
    fn empty_root(&self) -> Hash {
        (**self).empty_root()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_laid_blocks_equal_streaming_sha256() {
        let data: Vec<u8> = (0..400u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..data.len() {
            let mut h = Sha256::new();
            h.update([0x00]);
            h.update(&data[..n]);
            let want: Hash = h.finalize().into();
            assert_eq!(Sha256Hasher.hash_leaf(&data[..n]), want, "length {n}");
        }
        let (l, r) = ([0x11; 32], [0x22; 32]);
        let mut h = Sha256::new();
        h.update([0x01]);
        h.update(l);
        h.update(r);
        let want: Hash = h.finalize().into();
        assert_eq!(Sha256Hasher.hash_children(&l, &r), want);
    }
}
