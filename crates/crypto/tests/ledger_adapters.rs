//! The ledger runs unchanged on SM3 and SM2 through the adapters.

use crypto::ledger_adapters::{sm3_tree_hasher, tree_hasher, ProviderNoteSigner, ProviderNoteVerifier, ProviderTreeHasher};
use crypto::Suite;
use ledger::{open_note, sign_note, verify_inclusion, Checkpoint, Ed25519NoteSigner, MemoryTree, NoteSigner, NoteVerifier, TreeHasher};

#[test]
fn sm3_empty_root_is_sm3_of_nothing() {
    assert_eq!(hex::encode(sm3_tree_hasher().empty_root()), "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

#[test]
fn provider_sha256_equals_ledger_sha256() {
    let p = ProviderTreeHasher::new(Suite::Standard);
    for data in [&b""[..], b"a", &[9u8; 200]] {
        assert_eq!(p.hash_leaf(data), ledger::Sha256Hasher.hash_leaf(data));
    }
    assert_eq!(p.hash_children(&[1; 32], &[2; 32]), ledger::Sha256Hasher.hash_children(&[1; 32], &[2; 32]));
    assert_eq!(tree_hasher(Suite::Standard).empty_root(), p.empty_root());
}

#[test]
fn sm3_tree_proves_inclusion_and_differs_from_sha256() {
    let mut sm3 = MemoryTree::new(sm3_tree_hasher());
    let mut sha = MemoryTree::new(ledger::Sha256Hasher);
    for i in 0..37u32 {
        sm3.append_leaf(format!("event {i}").as_bytes()).unwrap();
        sha.append_leaf(format!("event {i}").as_bytes()).unwrap();
    }
    assert_ne!(sm3.root(), sha.root());
    let root = sm3.root();
    for i in [0u64, 5, 36] {
        let proof = sm3.inclusion_proof(i, 37).unwrap();
        let leaf = sm3_tree_hasher().hash_leaf(format!("event {i}").as_bytes());
        verify_inclusion(&sm3_tree_hasher(), i, 37, &leaf, &proof, &root).unwrap();
        let mut tampered = proof.clone();
        tampered[0][0] ^= 1;
        assert!(verify_inclusion(&sm3_tree_hasher(), i, 37, &leaf, &tampered, &root).is_err());
    }
}

#[test]
fn sm2_signs_checkpoints() {
    let secret = [0x42u8; 32];
    let signer = ProviderNoteSigner::new(Suite::National, "lianban.example/log", &secret).unwrap();
    let cp = Checkpoint::new("lianban.example/log", 3, [7; 32]);
    let note = cp.sign(&signer).unwrap();
    let v = signer.verifier();
    let opened = open_note(&note, &[&v as &dyn NoteVerifier]).unwrap();
    assert_eq!(opened.verified.len(), 1);
    let tampered = note.replacen("\n3\n", "\n4\n", 1);
    assert!(open_note(&tampered, &[&v as &dyn NoteVerifier]).is_err());
    // A verifier built from the public key alone works too.
    let pair = Suite::National.provider().key_pair_from_secret(&secret).unwrap();
    let v2 = ProviderNoteVerifier::new(Suite::National, "lianban.example/log", &pair.public);
    assert_eq!(v2.key_id(), signer.key_id());
    assert!(open_note(&note, &[&v2 as &dyn NoteVerifier]).is_ok());
}

/// With the standard suite the provider signer writes exactly the C2SP Ed25519 line.
#[test]
fn standard_provider_signer_equals_ledger_ed25519() {
    let seed = [0x11u8; 32];
    let ours = ProviderNoteSigner::new(Suite::Standard, "lianban.example/log", &seed).unwrap();
    let theirs = Ed25519NoteSigner::from_seed("lianban.example/log", &seed).unwrap();
    assert_eq!(ours.key_id(), theirs.key_id());
    let text = "lianban.example/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    assert_eq!(sign_note(text, &[&ours]).unwrap(), sign_note(text, &[&theirs]).unwrap());
}
