//! Sealed documents verify offline for both suites; any change to content, metadata, key or
//! signature is caught.

use crypto::seal::{DocumentMetadata, SealedDocument};
use crypto::Suite;

fn metadata() -> DocumentMetadata {
    DocumentMetadata {
        kind: "arrest_approval".into(),
        kind_label: "批准逮捕决定书".into(),
        number: "临检批捕〔2026〕1号".into(),
        case_id: "C2026-000001".into(),
        org: "d1-proc".into(),
        org_name: "临江区人民检察院".into(),
        signer: "prosecutor".into(),
        signer_name: "王检察官".into(),
        issued_at: "2026-11-22T01:00:00Z".into(),
        version: 1,
        supersedes: None,
        reason: None,
        media_type: "text/plain; charset=utf-8".into(),
        content_hash: String::new(),
        content_length: 0,
    }
}

#[test]
fn seals_verify_and_tampering_is_caught() {
    for suite in Suite::ALL {
        let pair = suite.provider().generate_key_pair().unwrap();
        let doc = SealedDocument::seal(suite, &pair.secret, "S1", metadata(), "批准逮捕决定书\n……", "2026-11-22T01:00:05Z").unwrap();
        let ok = doc.verify().unwrap();
        assert!(ok.content_checked);
        // Round trip through the JSON file.
        let json = serde_json::to_string_pretty(&doc).unwrap();
        let back: SealedDocument = serde_json::from_str(&json).unwrap();
        back.verify().unwrap();

        let mut t = doc.clone();
        t.content = Some("不批准逮捕决定书\n……".into());
        assert!(t.verify().is_err(), "{suite}: content");
        let mut t = doc.clone();
        t.document.signer = "someone-else".into();
        assert!(t.verify().is_err(), "{suite}: signer");
        let mut t = doc.clone();
        t.document.issued_at = "2026-11-21T01:00:00Z".into();
        assert!(t.verify().is_err(), "{suite}: time");
        let mut t = doc.clone();
        t.seal.sealed_at = "2026-11-23T01:00:00Z".into();
        assert!(t.verify().is_err(), "{suite}: sealing time");
        let other = suite.provider().generate_key_pair().unwrap();
        let mut t = doc.clone();
        t.seal.public_key = hex::encode(&other.public);
        t.seal.key_fingerprint = crypto::fingerprint(suite, &other.public);
        assert!(t.verify().is_err(), "{suite}: substituted key");
        // Content removed by a court-ordered sealing: the seal over the metadata still verifies.
        let mut t = doc.clone();
        t.content = None;
        assert!(!t.verify().unwrap().content_checked);
    }
}

#[test]
fn a_seal_cannot_switch_suites() {
    let pair = Suite::National.provider().generate_key_pair().unwrap();
    let mut doc = SealedDocument::seal(Suite::National, &pair.secret, "S1", metadata(), "x", "2026-11-22T01:00:05Z").unwrap();
    doc.seal.suite = Suite::Standard;
    assert!(doc.verify().is_err());
}

#[test]
fn unknown_fields_are_refused() {
    let pair = Suite::Standard.provider().generate_key_pair().unwrap();
    let doc = SealedDocument::seal(Suite::Standard, &pair.secret, "S1", metadata(), "x", "2026-11-22T01:00:05Z").unwrap();
    let mut v = serde_json::to_value(&doc).unwrap();
    v["document"]["approved"] = serde_json::json!(true);
    assert!(serde_json::from_value::<SealedDocument>(v).is_err());
}

#[test]
fn a_parsed_signer_seals_like_the_secret() {
    for suite in Suite::ALL {
        let p = suite.provider();
        let pair = p.generate_key_pair().unwrap();
        let signer = p.signer(&pair.secret).unwrap();
        assert_eq!(signer.suite(), suite);
        assert_eq!(signer.public(), pair.public.as_slice(), "{suite:?}: the signer's public key is the pair's");
        let msg = b"lianban signer";
        p.verify(&pair.public, msg, &signer.sign(msg).unwrap()).unwrap();
        let a = SealedDocument::seal(suite, &pair.secret, "S1", metadata(), "内容", "2026-11-22T01:00:05Z").unwrap();
        let b = SealedDocument::seal_with(&*signer, "S1", metadata(), "内容", "2026-11-22T01:00:05Z").unwrap();
        b.verify().unwrap();
        assert_eq!(a.seal.public_key, b.seal.public_key);
        assert_eq!(a.seal.key_fingerprint, b.seal.key_fingerprint);
        if suite == Suite::Standard {
            // Ed25519 is deterministic: the same bytes are signed the same way.
            assert_eq!(a.seal.signature, b.seal.signature);
        }
        assert!(p.signer(&[0u8; 5]).is_err(), "{suite:?}: a malformed secret is refused");
    }
}
