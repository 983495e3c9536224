//! Known-answer tests from the published standards, for both suites, plus round trips and
//! tampering.

use crypto::{sm4_encrypt_block, CryptoError, Suite};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

// ---- SM3, GB/T 32905-2016 Appendix A ----

#[test]
fn sm3_abc() {
    let d = Suite::National.provider().hash(b"abc");
    assert_eq!(d.to_vec(), h("66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0"));
}

#[test]
fn sm3_64_bytes() {
    let msg = "abcd".repeat(16);
    assert_eq!(msg.len(), 64);
    let d = Suite::National.provider().hash(msg.as_bytes());
    assert_eq!(d.to_vec(), h("debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732"));
}

#[test]
fn sm3_streaming_equals_one_shot() {
    let p = Suite::National.provider();
    let data: Vec<u8> = (0..10_000u32).map(|i| (i * 31 + 7) as u8).collect();
    let mut s = p.hasher();
    for c in data.chunks(333) {
        s.update(c);
    }
    assert_eq!(s.finalize(), p.hash(&data));
}

// ---- SM4, GB/T 32907-2016 Appendix A ----

#[test]
fn sm4_standard_example() {
    let key: [u8; 16] = h("0123456789abcdeffedcba9876543210").try_into().unwrap();
    let ct = sm4_encrypt_block(&key, &key);
    assert_eq!(ct.to_vec(), h("681edf34d206965e86b3e94f536e4246"));
}

#[test]
#[ignore = "one million block encryptions; run with --ignored"]
fn sm4_standard_example_million_times() {
    let key: [u8; 16] = h("0123456789abcdeffedcba9876543210").try_into().unwrap();
    let mut b = key;
    for _ in 0..1_000_000 {
        b = sm4_encrypt_block(&key, &b);
    }
    assert_eq!(b.to_vec(), h("595298c7c6fd271f0402f804c33d3f66"));
}

/// RFC 8998 Appendix A.1: SM4-GCM.
#[test]
fn sm4_gcm_rfc8998() {
    let p = Suite::National.provider();
    let key = h("0123456789ABCDEFFEDCBA9876543210");
    let nonce: [u8; 12] = h("00001234567800000000ABCD").try_into().unwrap();
    let aad = h("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
    let pt = h("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");
    let out = p.encrypt_with_nonce(&key, &nonce, &aad, &pt).unwrap();
    let want_ct = h("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D");
    let want_tag = h("83DE3541E4C2B58177E065A9BF7B62EC");
    assert_eq!(&out[..12], &nonce);
    assert_eq!(&out[12..12 + pt.len()], &want_ct[..]);
    assert_eq!(&out[12 + pt.len()..], &want_tag[..]);
    assert_eq!(p.decrypt(&key, &aad, &out).unwrap(), pt);
}

// ---- SM2, GB/T 32918 ----

const SM2_D: &str = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";

/// The key pair of GB/T 32918.5-2017 / GM/T 0003.5-2012 Annex A (recommended curve): the public
/// key derived from the private key must be the published point.
#[test]
fn sm2_known_public_key() {
    let pair = Suite::National.provider().key_pair_from_secret(&h(SM2_D)).unwrap();
    let want = h("04 09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020 CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13");
    assert_eq!(pair.public, want);
}

/// The published signature of "message digest" with ID 1234567812345678 (same annex) verifies.
#[test]
fn sm2_known_signature_verifies() {
    let p = Suite::National.provider();
    let public = p.key_pair_from_secret(&h(SM2_D)).unwrap().public;
    let sig = h("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3 B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA");
    assert_eq!(p.verify(&public, b"message digest", &sig), Ok(()));
    assert_eq!(p.verify(&public, b"message digesT", &sig), Err(CryptoError::BadSignature));
}

#[test]
fn sm2_round_trip_and_tampering() {
    let p = Suite::National.provider();
    let pair = p.generate_key_pair().unwrap();
    assert_eq!(pair.public.len(), 65);
    let sig = p.sign(&pair.secret, "起诉书 第1号".as_bytes()).unwrap();
    assert_eq!(sig.len(), 64);
    p.verify(&pair.public, "起诉书 第1号".as_bytes(), &sig).unwrap();
    assert!(p.verify(&pair.public, "起诉书 第2号".as_bytes(), &sig).is_err());
    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert!(p.verify(&pair.public, "起诉书 第1号".as_bytes(), &bad).is_err());
    let other = p.generate_key_pair().unwrap();
    assert!(p.verify(&other.public, "起诉书 第1号".as_bytes(), &sig).is_err());
}

// ---- the standard suite ----

#[test]
fn sha256_abc() {
    assert_eq!(Suite::Standard.provider().hash(b"abc").to_vec(), h("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

/// RFC 8032 §7.1 TEST 1.
#[test]
fn ed25519_rfc8032_test1() {
    let p = Suite::Standard.provider();
    let pair = p.key_pair_from_secret(&h("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")).unwrap();
    assert_eq!(pair.public, h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
    let sig = p.sign(&pair.secret, b"").unwrap();
    assert_eq!(sig, h("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
    p.verify(&pair.public, b"", &sig).unwrap();
    assert!(p.verify(&pair.public, b"x", &sig).is_err());
}

/// NIST GCM test cases 13 and 14 (AES-256, zero key and IV).
#[test]
fn aes256_gcm_nist() {
    let p = Suite::Standard.provider();
    let key = [0u8; 32];
    let out = p.encrypt_with_nonce(&key, &[0; 12], b"", b"").unwrap();
    assert_eq!(out[12..].to_vec(), h("530f8afbc74536b9a963b4f1c4cb738b"));
    let out = p.encrypt_with_nonce(&key, &[0; 12], b"", &[0u8; 16]).unwrap();
    assert_eq!(out[12..].to_vec(), h("cea7403d4d606b6e074ec5d3baf39d18 d0d1c8a799996bf0265b98b5d48ab919"));
}

#[test]
fn symmetric_round_trip_and_tampering_both_suites() {
    for suite in Suite::ALL {
        let p = suite.provider();
        let key = vec![7u8; p.key_len()];
        let sealed = p.encrypt(&key, b"case-1/person-2", "身份证号 110101199003070011".as_bytes()).unwrap();
        assert_eq!(p.decrypt(&key, b"case-1/person-2", &sealed).unwrap(), "身份证号 110101199003070011".as_bytes());
        assert_eq!(p.decrypt(&key, b"case-1/person-3", &sealed), Err(CryptoError::Decrypt), "{suite}: aad is bound");
        let mut t = sealed.clone();
        *t.last_mut().unwrap() ^= 1;
        assert_eq!(p.decrypt(&key, b"case-1/person-2", &t), Err(CryptoError::Decrypt));
        assert!(p.decrypt(&key, b"", &sealed[..20]).is_err());
        assert!(p.encrypt(&[0u8; 5], b"", b"x").is_err(), "{suite}: wrong key length refused");
        let again = p.encrypt(&key, b"case-1/person-2", "身份证号 110101199003070011".as_bytes()).unwrap();
        assert_ne!(again[..12], sealed[..12], "{suite}: fresh nonce");
    }
}

#[test]
fn suite_names_parse() {
    assert_eq!("national".parse::<Suite>().unwrap(), Suite::National);
    assert_eq!("Standard".parse::<Suite>().unwrap(), Suite::Standard);
    assert!("rsa".parse::<Suite>().is_err());
}
