//! Signed notes, checkpoints, cosignatures and witnesses, with interop
//! vectors from golang.org/x/mod/sumdb/note and a real checkpoint of a
//! public CT log cosigned by a public witness.

use ledger::*;

// golang.org/x/mod/sumdb/note documentation example.
const GO_SIGNER: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VERIFIER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

// A checkpoint of the CT log arche2025h1.staging.ct.transparency.dev with
// the log's Ed25519 signature, an RFC 6962 signature (type 0x05, unknown to
// us) and five cosignature/v1 lines from public witnesses.
const REAL_LOG_KEY: &str = "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f";
const REAL_WITNESS_KEY: &str = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
const REAL_CHECKPOINT: &str = "arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

\u{2014} arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
\u{2014} arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
\u{2014} transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
\u{2014} witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
\u{2014} remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
\u{2014} witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
";

const ORIGIN: &str = "lianban.example/ledger";
const LOG_SEED: [u8; 32] = [7; 32];
const WITNESS_SEED: [u8; 32] = [9; 32];
const T: u64 = 1_795_336_205; // 2026-11-22T08:30:05Z

#[test]
fn go_vector_signs_byte_for_byte_and_opens() {
    let signer = Ed25519NoteSigner::from_private_key_string(GO_SIGNER).unwrap();
    assert_eq!(signer.verifier_key_string(), GO_VERIFIER);
    assert_eq!(signer.private_key_string(), GO_SIGNER, "the private key string round-trips");
    assert_eq!(sign_note(GO_TEXT, &[&signer]).unwrap(), GO_NOTE);
    let verifier = Ed25519NoteVerifier::from_key_string(GO_VERIFIER).unwrap();
    let opened = open_note(GO_NOTE, &[&verifier]).unwrap();
    assert_eq!(opened.text, GO_TEXT);
    assert_eq!(opened.verified.len(), 1);
    assert_eq!(key_id("PeterNeumann", ALG_ED25519, &{
        let b64 = GO_VERIFIER.rsplit('+').next().unwrap();
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(b64).unwrap()[1..].to_vec()
    }), 0xc74f20a3);
}

#[test]
fn altered_note_text_is_a_bad_signature() {
    let verifier = Ed25519NoteVerifier::from_key_string(GO_VERIFIER).unwrap();
    let altered = GO_NOTE.replace("cryptography", "cryptographY");
    assert!(matches!(
        open_note(&altered, &[&verifier]),
        Err(LedgerError::BadSignature { key_id: 0xc74f20a3, .. })
    ));
}

#[test]
fn unknown_keys_are_ignored_but_a_note_needs_one_trusted_signature() {
    let other = Ed25519NoteSigner::from_seed("PeterNeumann", &[1; 32]).unwrap().verifier();
    let err = open_note(GO_NOTE, &[&other]).unwrap_err();
    match err {
        LedgerError::UntrustedNote { signers } => assert_eq!(signers, vec!["PeterNeumann+c74f20a3"]),
        e => panic!("unexpected {e}"),
    }
    assert!(matches!(open_note(GO_NOTE, &[]), Err(LedgerError::UntrustedNote { .. })));
}

#[test]
fn malformed_notes_are_rejected_with_reasons() {
    let v = Ed25519NoteVerifier::from_key_string(GO_VERIFIER).unwrap();
    let sig = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";
    let cases = [
        (GO_NOTE.trim_end().to_string(), "does not end in a newline"),
        (format!("{GO_TEXT}{sig}\n"), "no blank line"),
        (format!("{GO_TEXT}\n"), "no signature lines"),
        (format!("{GO_TEXT}\n- PeterNeumann abc=\n"), "em dash"),
        (format!("{GO_TEXT}\n\u{2014} PeterNeumann\n"), "lacks"),
        (format!("{GO_TEXT}\n\u{2014} Peter+Neumann x08go/ZJ\n"), "key name"),
        (format!("{GO_TEXT}\n\u{2014} PeterNeumann x08go/ZJ!!\n"), "base64"),
        (format!("{GO_TEXT}\n\u{2014} PeterNeumann AAAA\n"), "too short"),
        (format!("a\tb\n\n{sig}\n"), "control character"),
        (format!("{GO_TEXT}\n{sig}\n\n"), "signature line"),
    ];
    for (msg, want) in cases {
        match open_note(&msg, &[&v]) {
            Err(LedgerError::MalformedNote(reason)) => assert!(reason.contains(want), "{want:?} vs {reason:?}"),
            other => panic!("{msg:?}: expected malformed ({want}), got {other:?}"),
        }
    }
    let many = format!("{GO_TEXT}\n{}", format!("{sig}\n").repeat(MAX_SIGNATURES + 1));
    assert!(matches!(Note::parse(&many), Err(LedgerError::MalformedNote("too many signatures"))));
    assert!(matches!(sign_note("no newline", &[]), Err(LedgerError::MalformedNote(_))));
}

#[test]
fn verifier_key_strings_are_checked() {
    for bad in [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // wrong id
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // upper-case hex
        "PeterNeumann+c74f20a3+AhpcMQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // type 0x02
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",   // short
        "PeterNeumann+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ] {
        assert!(matches!(Ed25519NoteVerifier::from_key_string(bad), Err(LedgerError::MalformedKey(_))), "{bad}");
    }
    // A type 0x01 key is not a cosignature key, and the other way round.
    assert!(CosignatureVerifier::from_key_string(GO_VERIFIER).is_err());
    assert!(Ed25519NoteVerifier::from_key_string(REAL_WITNESS_KEY).is_err());
    assert!(Ed25519NoteSigner::from_seed("bad name", &LOG_SEED).is_err());
    assert!(Ed25519NoteSigner::from_seed("", &LOG_SEED).is_err());
    // Base64 that itself contains '+' (transparency-dev/formats test key).
    Ed25519NoteVerifier::from_key_string("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6").unwrap();
}

#[test]
fn real_public_checkpoint_and_cosignature_verify() {
    let log = Ed25519NoteVerifier::from_key_string(REAL_LOG_KEY).unwrap();
    let signed = open_checkpoint(REAL_CHECKPOINT, &log).unwrap();
    assert_eq!(signed.checkpoint().size, 1_432_088_532);
    assert_eq!(signed.note().unknown.len(), 5);

    let witness = CosignatureVerifier::from_key_string(REAL_WITNESS_KEY).unwrap();
    assert_eq!(witness.key_string(), REAL_WITNESS_KEY);
    let opened = open_note(REAL_CHECKPOINT, &[&witness]).unwrap();
    assert_eq!(opened.verified.len(), 1);
    assert_eq!(CosignatureVerifier::timestamp_of(&opened.verified[0]), Some(0x6a12_2120));

    let tampered = REAL_CHECKPOINT.replace("1432088532", "1432088533");
    assert!(matches!(open_note(&tampered, &[&witness]), Err(LedgerError::BadSignature { .. })));
    assert!(matches!(open_checkpoint(&tampered, &log), Err(LedgerError::BadSignature { .. })));
}

#[test]
fn c2sp_example_cosignature_carries_its_timestamp() {
    // From c2sp.org/tlog-cosignature: "time 1679315147".
    let line = "\u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    let note = Note::parse(&format!("o\n1\nAA==\n\n{line}")).unwrap();
    assert_eq!(CosignatureVerifier::timestamp_of(&note.signatures[0]), Some(1_679_315_147));
    assert_eq!(note.signatures[0].to_line(), line);
}

fn log_signer() -> Ed25519NoteSigner {
    Ed25519NoteSigner::from_seed(ORIGIN, &LOG_SEED).unwrap()
}

#[test]
fn checkpoint_text_format_round_trips() {
    let mut tree = MemoryTree::new(Sha256Hasher);
    for i in 0u32..5 {
        tree.append_leaf(&i.to_be_bytes()).unwrap();
    }
    let cp = Checkpoint::new(ORIGIN, tree.size(), tree.root()).with_timestamp(T);
    let body = cp.to_body().unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(tree.root());
    assert_eq!(body, format!("{ORIGIN}\n5\n{b64}\ntimestamp 2026-11-22T08:30:05Z\n"));
    assert_eq!(Checkpoint::parse_body(&body).unwrap(), cp);

    let signer = log_signer();
    let note = cp.sign(&signer).unwrap();
    assert!(note.starts_with(&body));
    assert!(note[body.len()..].starts_with(&format!("\n\u{2014} {ORIGIN} ")));
    let signed = open_checkpoint(&note, &signer.verifier()).unwrap();
    assert_eq!(signed.checkpoint(), &cp);
    // The verifier key string survives a round trip.
    let vk = Ed25519NoteVerifier::from_key_string(&signer.verifier_key_string()).unwrap();
    open_checkpoint(&note, &vk).unwrap();
    // A checkpoint signed by another log's key under our name is rejected.
    let impostor = Ed25519NoteSigner::from_seed(ORIGIN, &[8; 32]).unwrap();
    assert!(matches!(open_checkpoint(&cp.sign(&impostor).unwrap(), &vk), Err(LedgerError::UntrustedNote { .. })));
}

#[test]
fn malformed_checkpoint_bodies_are_rejected() {
    let root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    for (body, want) in [
        (format!("\n0\n{root}\n"), "empty origin"),
        ("o\n".to_string(), "missing tree size"),
        ("o\n1\n".to_string(), "missing root"),
        (format!("o\n01\n{root}\n"), "canonical"),
        (format!("o\n-1\n{root}\n"), "canonical"),
        (format!("o\n18446744073709551616\n{root}\n"), "out of range"),
        ("o\n1\nAAAA\n".to_string(), "32 bytes"),
        (format!("o\n1\n{root}"), "newline"),
        (format!("o\n1\n{root}\n\n"), "empty extension"),
        (format!("o\n1\n{root}\ntimestamp 2026-11-22\n"), "YYYY"),
        (format!("o\n1\n{root}\ntimestamp 2026-11-22T08:30:05Z\ntimestamp 2026-11-22T08:30:05Z\n"), "duplicate"),
    ] {
        match Checkpoint::parse_body(&body) {
            Err(LedgerError::MalformedCheckpoint(r)) => assert!(r.contains(want), "{want:?} vs {r:?}"),
            other => panic!("{body:?}: {other:?}"),
        }
    }
    let cp = Checkpoint::parse_body(&format!("o\n0\n{root}\nother ext\n")).unwrap();
    assert_eq!(cp.extensions, vec!["other ext"]);
    assert_eq!(cp.timestamp, None);
}

#[test]
fn cosignature_format_is_c2sp_cosignature_v1() {
    let cosigner = Ed25519Cosigner::from_seed("witness.lianban.example/w1", &WITNESS_SEED).unwrap();
    let body = "lianban.example/ledger\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let sig = cosigner.cosign(body, T).unwrap();
    assert_eq!(sig.signature.len(), 72);
    assert_eq!(&sig.signature[..8], &T.to_be_bytes());
    assert_eq!(
        cosignature_message(T, body),
        format!("cosignature/v1\ntime {T}\n{body}").into_bytes()
    );
    let v = CosignatureVerifier::from_key_string(&cosigner.verifier_key_string()).unwrap();
    assert!(v.verify(body.as_bytes(), &sig.signature));
    let mut later = sig.signature.clone();
    later[7] ^= 1; // another timestamp
    assert!(!v.verify(body.as_bytes(), &later));
    assert!(!v.verify(b"lianban.example/ledger\n2\n", &sig.signature));
    assert!(cosigner.cosign(body, 1 << 63).is_err());
}

struct Log {
    tree: MemoryTree,
    signer: Ed25519NoteSigner,
}

impl Log {
    fn new() -> Self {
        Log { tree: MemoryTree::new(Sha256Hasher), signer: log_signer() }
    }
    fn grow(&mut self, n: u32) {
        for _ in 0..n {
            let i = self.tree.size();
            self.tree.append_leaf(format!("event {i}").as_bytes()).unwrap();
        }
    }
    fn checkpoint(&self) -> String {
        Checkpoint::new(ORIGIN, self.tree.size(), self.tree.root()).with_timestamp(T).sign(&self.signer).unwrap()
    }
}

#[test]
fn witness_cosigns_only_consistent_growth() {
    let hasher = Sha256Hasher;
    let cosigner = Ed25519Cosigner::from_seed("witness.lianban.example/w1", &WITNESS_SEED).unwrap();
    let mut log = Log::new();
    let log_key = log.signer.verifier();
    let mut w = Witness::new(&hasher, ORIGIN);

    log.grow(5);
    let cp5 = log.checkpoint();
    let line = w.cosign(&hasher, &log_key, &cosigner, &cp5, &[], T).unwrap();
    assert_eq!((w.size, w.root), (5, log.tree.root()));
    // The cosigned note opens with the witness key and with the log key.
    let cosigned = format!("{cp5}{}", line.to_line());
    open_note(&cosigned, &[&cosigner.verifier()]).unwrap();
    open_checkpoint(&cosigned, &log_key).unwrap();

    log.grow(8);
    let cp13 = log.checkpoint();
    let proof = log.tree.consistency_proof(5, 13).unwrap();
    // Wrong proof: refused, state unchanged.
    let mut bad = proof.clone();
    bad[0][0] ^= 1;
    assert!(matches!(
        w.cosign(&hasher, &log_key, &cosigner, &cp13, &bad, T),
        Err(LedgerError::ConsistencyRejected { first: 5, second: 13, .. })
    ));
    assert_eq!(w.size, 5);
    // Altered body: refused before any proof is looked at.
    let forged = cp13.replace("\n13\n", "\n14\n");
    assert!(matches!(w.cosign(&hasher, &log_key, &cosigner, &forged, &proof, T), Err(LedgerError::BadSignature { .. })));
    // Signed by someone else.
    let other = Ed25519NoteSigner::from_seed(ORIGIN, &[3; 32]).unwrap();
    let foreign = Checkpoint::new(ORIGIN, 13, log.tree.root()).sign(&other).unwrap();
    assert!(matches!(w.cosign(&hasher, &log_key, &cosigner, &foreign, &proof, T), Err(LedgerError::UntrustedNote { .. })));
    // Good proof: cosigned.
    w.cosign(&hasher, &log_key, &cosigner, &cp13, &proof, T + 60).unwrap();
    assert_eq!(w.size, 13);
    // Same checkpoint again: fine (empty proof).
    w.cosign(&hasher, &log_key, &cosigner, &cp13, &[], T + 120).unwrap();
    // Rollback to the old checkpoint: refused.
    assert!(matches!(
        w.cosign(&hasher, &log_key, &cosigner, &cp5, &[], T),
        Err(LedgerError::Rollback { last: 13, new: 5 })
    ));
    // Same size, another root (a fork signed by the real log key): refused.
    let fork = Checkpoint::new(ORIGIN, 13, [0xee; 32]).sign(&log.signer).unwrap();
    assert!(matches!(
        w.cosign(&hasher, &log_key, &cosigner, &fork, &[], T),
        Err(LedgerError::ConflictingRoot { size: 13 })
    ));
    // Another log's checkpoint.
    let elsewhere = Ed25519NoteSigner::from_seed("other.example/log", &LOG_SEED).unwrap();
    let cp_else = Checkpoint::new("other.example/log", 20, [1; 32]).sign(&elsewhere).unwrap();
    assert!(matches!(
        w.cosign(&hasher, &elsewhere.verifier(), &cosigner, &cp_else, &[], T),
        Err(LedgerError::OriginMismatch { .. })
    ));
    assert_eq!((w.size, w.root), (13, log.tree.root()));
}

#[test]
fn split_views_are_reported() {
    let hasher = Sha256Hasher;
    let mut log = Log::new();
    let key = log.signer.verifier();
    log.grow(6);
    let cp6 = open_checkpoint(&log.checkpoint(), &key).unwrap();
    log.grow(4);
    let cp10 = open_checkpoint(&log.checkpoint(), &key).unwrap();
    let proof = log.tree.consistency_proof(6, 10).unwrap();

    assert_eq!(detect_split_view(&hasher, &cp6, &cp10, Some(&proof)).unwrap(), Finding::Consistent);
    assert_eq!(detect_split_view(&hasher, &cp10, &cp6, Some(&proof)).unwrap(), Finding::Consistent);
    assert_eq!(detect_split_view(&hasher, &cp6, &cp6, None).unwrap(), Finding::Consistent);
    assert_eq!(
        detect_split_view(&hasher, &cp6, &cp10, None).unwrap(),
        Finding::Unproven { smaller_size: 6, larger_size: 10 }
    );

    // The log forks: a second history of 10 leaves, signed with the same key.
    let mut fork = Log::new();
    fork.grow(6);
    fork.tree.append_leaf(b"rewritten").unwrap();
    fork.grow(3);
    let fork10 = open_checkpoint(&fork.checkpoint(), &key).unwrap();
    match detect_split_view(&hasher, &cp10, &fork10, None).unwrap() {
        Finding::SplitView(SplitView::SameSizeDifferentRoots { size: 10, first_root, second_root }) => {
            assert_eq!(first_root, log.tree.root());
            assert_eq!(second_root, fork.tree.root());
        }
        other => panic!("{other:?}"),
    }
    // A fork that rewrote leaf 2: its own proof cannot link our size-6 head.
    let mut fork2 = Log::new();
    fork2.grow(2);
    fork2.tree.append_leaf(b"rewritten early").unwrap();
    fork2.grow(7);
    let fork2_10 = open_checkpoint(&fork2.checkpoint(), &key).unwrap();
    let fork_proof = fork2.tree.consistency_proof(6, 10).unwrap();
    assert!(matches!(
        detect_split_view(&hasher, &cp6, &fork2_10, Some(&fork_proof)).unwrap(),
        Finding::SplitView(SplitView::NotConsistent { smaller_size: 6, larger_size: 10, .. })
    ));
    // The same through note text.
    assert!(matches!(
        detect_split_view_in_notes(&hasher, &key, &log.checkpoint(), &fork2.checkpoint(), None).unwrap(),
        Finding::SplitView(SplitView::SameSizeDifferentRoots { .. })
    ));
    // Checkpoints of two different logs cannot be compared.
    let other = Ed25519NoteSigner::from_seed("other.example/log", &LOG_SEED).unwrap();
    let other_cp = open_checkpoint(&Checkpoint::new("other.example/log", 6, [0; 32]).sign(&other).unwrap(), &other.verifier()).unwrap();
    assert!(matches!(detect_split_view(&hasher, &cp6, &other_cp, None), Err(LedgerError::OriginMismatch { .. })));
}
