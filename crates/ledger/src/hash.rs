//! Tree hashing (RFC 9162 §2.1.1) behind a trait, so that a national-crypto
//! (SM3) hasher can replace SHA-256 without touching the tree logic.

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
        let mut h = Sha256::new();
        h.update([0x00]);
        h.update(data);
        h.finalize().into()
    }

    fn hash_children(&self, left: &Hash, right: &Hash) -> Hash {
        let mut h = Sha256::new();
        h.update([0x01]);
        h.update(left);
        h.update(right);
        h.finalize().into()
    }

    fn empty_root(&self) -> Hash {
        Sha256::digest([]).into()
    }
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
