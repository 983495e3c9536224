//! Electronic case files: streaming upload, content addressing, verified reads, corrections as
//! versions, resumable uploads, volumes, frozen manifests, court-ordered removal, sealed legal
//! documents for both crypto suites, and the chained files trace.

mod common;
mod s3_server;

use common::*;
use crypto::Suite;
use domain::action::PersonInput;
use domain::Action;
use std::sync::Arc;
use store::files::Blobs;
use store::{Command, FileActor, ManualClock, NewFile, Store, StoreError};

/// Where the blobs live: the shared blob-store suite runs every test on the local folder (with
/// both databases) and on a real S3-compatible server (moto, see `s3_server`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Blob {
    Local,
    S3,
}

#[derive(Clone, Copy, Debug)]
struct Env {
    db: Backend,
    blob: Blob,
}

macro_rules! suite {
    ($name:ident) => {
        mod $name {
            use super::{Blob, Env};
            use crate::common::Backend;
            #[tokio::test]
            async fn sqlite() {
                super::$name(Env { db: Backend::Sqlite, blob: Blob::Local }).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(Env { db: Backend::Postgres, blob: Blob::Local }).await
            }
            #[tokio::test]
            async fn s3() {
                super::$name(Env { db: Backend::Sqlite, blob: Blob::S3 }).await
            }
        }
    };
}

/// A blob's stored (sealed) bytes, wherever it lives.
async fn read_blob(store: &Store, sha: &str) -> Vec<u8> {
    store.blobs().read_stored(sha).await.unwrap().unwrap_or_else(|| panic!("blob {sha} missing"))
}

/// Replaces a blob's stored bytes (to tamper with it).
async fn write_blob(store: &Store, sha: &str, bytes: &[u8]) {
    store.blobs().write_stored(sha, bytes).await.unwrap()
}

fn officer() -> FileActor {
    FileActor { user: "officer".into(), org: "d1-police".into() }
}
fn prosecutor() -> FileActor {
    FileActor { user: "prosecutor".into(), org: "d1-proc".into() }
}

async fn world(b: Env) -> (TestDb, Arc<ManualClock>, Store, String) {
    world_in(b, Suite::Standard).await
}

/// A store in `suite` with one registered case (whose registration decision is already sealed).
async fn world_in(b: Env, suite: Suite) -> (TestDb, Arc<ManualClock>, Store, String) {
    let tmp = TestDb::new(b.db).await;
    let clock = Arc::new(ManualClock::new(at("2026-11-02 09:00")));
    let mut store = open(&tmp, clock.clone()).await;
    if b.blob == Blob::S3 {
        store = store.with_blobs(Blobs::s3(&s3_server::fresh_url(), &s3_server::options(), tmp.path().join("staging")).unwrap());
    }
    store.set_crypto_suite(suite).await.unwrap();
    let reg = Action::Register {
        title: "李四诈骗案".into(),
        facts: "李四以投资为名骗取他人钱财。".into(),
        charges: vec!["诈骗".into()],
        persons: vec![PersonInput { name: "李四".into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
    };
    let out = store.submit(Command::new("officer", None, reg)).await.unwrap();
    (tmp, clock, store, out.state.id)
}

fn meta(title: &str) -> NewFile {
    NewFile { title: title.into(), media_type: Some("application/pdf".into()), pages: Some(3), person: Some(1), evidence: Some("书证1".into()) }
}

async fn upload(store: &Store, case: &str, actor: &FileActor, m: NewFile, bytes: &[u8]) -> Result<store::CaseFile, StoreError> {
    let mut w = store.file_writer(u64::MAX).await?;
    for c in bytes.chunks(70_001) {
        w.write(c).await?;
    }
    store.add_file(case, actor, m, w.finish().await?, None).await
}

async fn read_all(store: &Store, f: &store::CaseFile, start: u64, end: u64) -> Result<Vec<u8>, StoreError> {
    let mut r = store.read_file(f, start, end).await?;
    let mut out = Vec::new();
    while let Some(c) = r.next_chunk().await {
        out.extend(c?);
    }
    Ok(out)
}

fn content(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

async fn upload_is_content_addressed_and_every_read_is_verified(b: Env) {
    let (tmp, _clock, store, case) = world(b).await;
    let data = content(3 * 1024 * 1024 + 17);
    let f = upload(&store, &case, &officer(), meta("讯问笔录"), &data).await.unwrap();
    assert_eq!(f.sha256, hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data)));
    assert_eq!((f.size, f.version, f.pages, f.person), (data.len() as u64, 1, Some(3), Some(1)));
    assert_eq!(f.category, store::FileCategory::Pdf);
    let path = f.sha256.clone();
    if b.blob == Blob::Local {
        assert!(store.blobs().local_path(&f.sha256).unwrap().starts_with(tmp.path().join("blobs")));
    }
    assert_eq!(read_all(&store, &f, 0, f.size).await.unwrap(), data);
    // A range across a block boundary.
    let (s, e) = (1024 * 1024 - 5, 2 * 1024 * 1024 + 9);
    assert_eq!(read_all(&store, &f, s, e).await.unwrap(), &data[s as usize..e as usize]);
    if b.blob == Blob::S3 {
        // In the bucket, not the folder; a blob larger than one 8 MiB part goes up in parts.
        assert!(!tmp.path().join("blobs").join(&f.sha256[..2]).exists());
        let big = content(17 * 1024 * 1024 + 3);
        let g = upload(&store, &case, &officer(), meta("同步录音录像"), &big).await.unwrap();
        assert_eq!(read_blob(&store, &g.sha256).await.len() as u64, store::blobcrypt::stored_len(big.len() as u64));
        let (s, e) = (16 * 1024 * 1024 + 11, 17 * 1024 * 1024);
        assert_eq!(read_all(&store, &g, s, e).await.unwrap(), &big[s as usize..e as usize]);
        assert_eq!(store.verify_blobs().await.unwrap(), 2);
    }
    // The same content again is stored once.
    let g = upload(&store, &case, &officer(), meta("讯问笔录（副本）"), &data).await.unwrap();
    assert_eq!(g.sha256, f.sha256);
    assert_ne!(g.id, f.id);

    // Stored sealed (encrypted at rest, chunk by chunk): no plaintext on disk.
    let mut bytes = read_blob(&store, &path).await;
    assert_eq!(bytes.len() as u64, store::blobcrypt::stored_len(f.size));
    assert_eq!(&bytes[..8], store::blobcrypt::MAGIC);
    assert!(!bytes.windows(64).any(|w| w == &data[4096..4160]), "plaintext found in the stored blob");
    // One flipped byte in the second sealed block: reading it is an error, never the bytes.
    bytes[store::blobcrypt::chunk_offset(1) as usize + 3] ^= 0xff;
    write_blob(&store, &path, &bytes).await;
    assert!(matches!(read_all(&store, &f, 0, f.size).await, Err(StoreError::Corrupt(_))));
    assert!(matches!(read_all(&store, &f, s, e).await, Err(StoreError::Corrupt(_))));
    // The first block is intact and still served.
    assert_eq!(read_all(&store, &f, 0, 100).await.unwrap(), &data[..100]);
    // A truncated blob is an error too.
    write_blob(&store, &path, &data[..10]).await;
    assert!(matches!(store.read_file(&f, 0, 10).await, Err(StoreError::Corrupt(_))));
}

async fn blobs_are_encrypted_at_rest_in_both_suites_and_plain_blobs_stay_readable(b: Env) {
    for suite in Suite::ALL {
        let (tmp, _clock, store, case) = world_in(b, suite).await;
        // Exactly one block, so the last chunk is a full one; then a short tail.
        for n in [1024 * 1024, 2 * 1024 * 1024 + 5, 0] {
            let data = content(n);
            let f = upload(&store, &case, &officer(), meta("扫描件"), &data).await.unwrap();
            let path = f.sha256.clone();
            let stored = read_blob(&store, &path).await;
            assert_eq!(stored.len() as u64, store::blobcrypt::stored_len(n as u64), "{suite} {n}");
            assert_eq!(stored[8], if suite == Suite::Standard { 1 } else { 2 });
            assert_eq!(read_all(&store, &f, 0, f.size).await.unwrap(), data);
            if n > 10 {
                assert_eq!(read_all(&store, &f, n as u64 - 7, n as u64).await.unwrap(), &data[n - 7..]);
            }
        }
        // The key is outside the database, private.
        let key = tmp.path().join("keys").join(format!("blob-{suite}.key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(store.verify_blobs().await.unwrap(), 3);
        // A chunk of another blob sealed with the same key, at the same place: it opens, but it is
        // not the chunk recorded for this content (its tag differs), so it is refused.
        let x: Vec<u8> = content(2 * 1024 * 1024 + 7).iter().map(|b| b ^ 0x55).collect();
        let y: Vec<u8> = content(2 * 1024 * 1024 + 9).iter().map(|b| b ^ 0xaa).collect();
        let fx = upload(&store, &case, &officer(), meta("甲"), &x).await.unwrap();
        let fy = upload(&store, &case, &officer(), meta("乙"), &y).await.unwrap();
        let (sx, sy) = (read_blob(&store, &fx.sha256).await, read_blob(&store, &fy.sha256).await);
        let chunk0 = store::blobcrypt::HEADER_LEN as usize..store::blobcrypt::chunk_offset(1) as usize;
        assert_ne!(sx[chunk0.clone()], sy[chunk0.clone()]);
        let mut spliced = sx.clone();
        spliced[chunk0.clone()].copy_from_slice(&sy[chunk0]);
        write_blob(&store, &fx.sha256, &spliced).await;
        assert!(matches!(read_all(&store, &fx, 0, 100).await, Err(StoreError::Corrupt(_))));
        assert!(store.verify_blobs().await.unwrap_err().to_string().contains(&fx.sha256));
        write_blob(&store, &fx.sha256, &sx).await;
        assert_eq!(store.verify_blobs().await.unwrap(), 5);
        // An object left under a hash by an upload that never committed is replaced by the next
        // upload of that content, not adopted.
        let z = content(300_000);
        let zsha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&z));
        write_blob(&store, &zsha, b"left over").await;
        let fz = upload(&store, &case, &officer(), meta("丙"), &z).await.unwrap();
        assert_eq!(read_all(&store, &fz, 0, fz.size).await.unwrap(), z);
        // A blob stored before encryption at rest (plain bytes under its hash, a SHA-256 digest
        // recorded per block) is still read and verified.
        let data = content(1024 * 1024 + 100);
        let f = upload(&store, &case, &officer(), meta("旧文件"), &data).await.unwrap();
        let path = f.sha256.clone();
        write_blob(&store, &path, &data).await;
        let digests: String = data.chunks(1024 * 1024).map(|c| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(c))).collect();
        tmp.exec(&match b.db {
            Backend::Sqlite => format!("UPDATE blobs SET blocks = X'{digests}' WHERE sha256 = '{path}'"),
            Backend::Postgres => format!("UPDATE blobs SET blocks = '\\x{digests}'::bytea WHERE sha256 = '{path}'"),
        })
        .await;
        assert_eq!(read_all(&store, &f, 0, f.size).await.unwrap(), data);
        assert_eq!(store.verify_blobs().await.unwrap(), 7);
        let mut plain = data.clone();
        plain[1024 * 1024 + 1] ^= 1;
        write_blob(&store, &path, &plain).await;
        assert!(matches!(read_all(&store, &f, 1024 * 1024, f.size).await, Err(StoreError::Corrupt(_))));
        assert!(store.verify_blobs().await.unwrap_err().to_string().contains(&f.sha256));
        // Without its key a sealed blob cannot be read: an error, not bytes.
        write_blob(&store, &path, &data).await;
        let g = upload(&store, &case, &officer(), meta("无钥"), b"needs the key").await.unwrap();
        std::fs::remove_file(&key).unwrap();
        assert!(matches!(read_all(&store, &g, 0, g.size).await, Err(StoreError::Corrupt(_))));
    }
}

async fn bad_metadata_is_refused_naming_the_field_and_nothing_is_written(b: Env) {
    let (_tmp, _clock, store, case) = world(b).await;
    for (m, field) in [
        (NewFile { title: " ".into(), ..meta("x") }, "title"),
        (NewFile { person: Some(9), ..meta("x") }, "person"),
        (NewFile { pages: Some(0), ..meta("x") }, "pages"),
    ] {
        match upload(&store, &case, &officer(), m, b"abc").await {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(matches!(upload(&store, "LB-2099-000009", &officer(), meta("x"), b"abc").await, Err(StoreError::NotFound(_))));
    assert!(store.case_files(&case).await.unwrap().is_empty());
    assert!(store.files_log(&case).await.unwrap().iter().all(|e| e.action == "document_sealed"), "no file entry");
    // The size limit is enforced while streaming.
    let mut w = store.file_writer(10).await.unwrap();
    assert!(w.write(&[0; 11]).await.is_err());
}

async fn corrections_are_new_versions_and_the_original_stays(b: Env) {
    let (_tmp, _clock, store, case) = world(b).await;
    let v1 = upload(&store, &case, &officer(), meta("鉴定意见"), b"version one").await.unwrap();
    let mut w = store.file_writer(u64::MAX).await.unwrap();
    w.write(b"version two").await.unwrap();
    let staged = w.finish().await.unwrap();
    // Another organization may not correct it; a reason is required.
    let mut w2 = store.file_writer(u64::MAX).await.unwrap();
    w2.write(b"x").await.unwrap();
    assert!(store.add_file(&case, &prosecutor(), meta("鉴定意见"), w2.finish().await.unwrap(), Some((&v1.id, "笔误"))).await.is_err());
    let mut w3 = store.file_writer(u64::MAX).await.unwrap();
    w3.write(b"x").await.unwrap();
    assert!(matches!(store.add_file(&case, &officer(), meta("鉴定意见"), w3.finish().await.unwrap(), Some((&v1.id, " "))).await, Err(StoreError::Invalid { .. })));
    let v2 = store.add_file(&case, &officer(), meta("鉴定意见"), staged, Some((&v1.id, "原件扫描缺页"))).await.unwrap();
    assert_eq!((v2.version, v2.lineage.as_str(), v2.supersedes.as_deref(), v2.reason.as_deref()), (2, v1.id.as_str(), Some(v1.id.as_str()), Some("原件扫描缺页")));
    assert_eq!(read_all(&store, &v1, 0, v1.size).await.unwrap(), b"version one");
    assert_eq!(store.file_versions(&v1.id).await.unwrap().len(), 2);
    let log: Vec<_> = store.files_log(&case).await.unwrap().into_iter().filter(|e| e.action.starts_with("file_")).collect();
    assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["file_uploaded", "file_corrected"]);
    assert_eq!(log[1].detail["reason"], "原件扫描缺页");
    // Each item is sealed by its uploader and the seal verifies.
    let seal = store.file_seal(&v2.id).await.unwrap().unwrap();
    assert_eq!(seal.document.content_hash, v2.sha256);
    let check = store.check_seal(&seal).await.unwrap();
    assert!(check.valid && check.key_registered, "{check:?}");
}

async fn resumable_upload_resumes_at_the_received_offset(b: Env) {
    let (_tmp, _clock, store, case) = world(b).await;
    let data = content(2 * 1024 * 1024 + 100);
    let st = store.begin_upload(&case, &officer(), &meta("监控录像"), Some(data.len() as u64)).await.unwrap();
    assert_eq!(st.received, 0);
    let mut c = store.upload_chunk(&st.id, &officer(), 0, u64::MAX).await.unwrap();
    c.write(&data[..1_000_000]).await.unwrap();
    assert_eq!(c.finish().await.unwrap(), 1_000_000);
    // An interrupted chunk: bytes written but never finished do not count.
    let mut c = store.upload_chunk(&st.id, &officer(), 1_000_000, u64::MAX).await.unwrap();
    c.write(&[0xEE; 5000]).await.unwrap();
    drop(c);
    // A wrong offset is refused, naming the right one.
    match store.upload_chunk(&st.id, &officer(), 5, u64::MAX).await {
        Err(StoreError::Invalid { field, message }) => assert!(field == "offset" && message.contains("1000000"), "{message}"),
        _ => panic!("wrong offset accepted"),
    }
    // Only the uploader sees the upload.
    assert!(store.upload(&st.id, &prosecutor()).await.is_err());
    // Completing early is refused.
    assert!(store.complete_upload(&st.id, &officer(), None).await.is_err());
    let mut c = store.upload_chunk(&st.id, &officer(), 1_000_000, u64::MAX).await.unwrap();
    c.write(&data[1_000_000..]).await.unwrap();
    assert_eq!(c.finish().await.unwrap(), data.len() as u64);
    assert!(store.complete_upload(&st.id, &officer(), Some(&"0".repeat(64))).await.is_err(), "wrong declared hash");
    let f = store.complete_upload(&st.id, &officer(), None).await.unwrap();
    assert_eq!(read_all(&store, &f, 0, f.size).await.unwrap(), data);
    // Completing twice returns the same item.
    assert_eq!(store.complete_upload(&st.id, &officer(), None).await.unwrap().id, f.id);
}

async fn volumes_and_frozen_manifests_decide_what_the_receiver_reads(b: Env) {
    let (_tmp, _clock, store, case) = world(b).await;
    let a = upload(&store, &case, &officer(), meta("立案决定书"), b"a").await.unwrap();
    let b = upload(&store, &case, &officer(), meta("讯问笔录"), b"b").await.unwrap();
    let c = upload(&store, &case, &officer(), meta("内部审批表"), b"c").await.unwrap();
    let v = store.create_volume(&case, &officer(), "诉讼卷第一卷", &[b.id.clone(), a.id.clone()]).await.unwrap();
    assert_eq!(v.items.iter().map(|i| (i.position, i.file_id.as_str())).collect::<Vec<_>>(), [(1, b.id.as_str()), (2, a.id.as_str())]);
    let v = store.set_volume_items(&v.id, &officer(), &[a.id.clone(), b.id.clone()]).await.unwrap();
    assert_eq!(v.items[0].file_id, a.id);
    assert!(store.set_volume_items(&v.id, &prosecutor(), &[]).await.is_err(), "only the volume's organization reorders it");

    assert!(!store.org_may_read_file(&a, "d1-proc").await.unwrap());
    let m = store.freeze_manifest(&case, &officer(), "d1-proc", Some(1), std::slice::from_ref(&v.id), &[]).await.unwrap();
    assert_eq!(m.items.len(), 2);
    assert_eq!(m.hash.len(), 64);
    assert_eq!(store.manifest(&m.id).await.unwrap().unwrap(), m);
    assert!(store.org_may_read_file(&a, "d1-proc").await.unwrap());
    assert!(store.org_may_read_file(&b, "d1-proc").await.unwrap());
    assert!(!store.org_may_read_file(&c, "d1-proc").await.unwrap(), "not selected, not sent");
    // Reordering the volume afterwards does not change what was frozen.
    store.set_volume_items(&v.id, &officer(), std::slice::from_ref(&b.id)).await.unwrap();
    assert_eq!(store.manifest(&m.id).await.unwrap().unwrap().items.len(), 2);
    // A correction after the transfer is not sent automatically.
    let mut w = store.file_writer(u64::MAX).await.unwrap();
    w.write(b"a2").await.unwrap();
    let a2 = store.add_file(&case, &officer(), meta("立案决定书"), w.finish().await.unwrap(), Some((&a.id, "补充签名"))).await.unwrap();
    assert!(!store.org_may_read_file(&a2, "d1-proc").await.unwrap());
    // The receiver may pass on what it received, but not what it never got.
    store.freeze_manifest(&case, &prosecutor(), "d1-court", None, &[], std::slice::from_ref(&a.id)).await.unwrap();
    assert!(store.freeze_manifest(&case, &prosecutor(), "d1-court", None, &[], std::slice::from_ref(&c.id)).await.is_err());
    assert!(store.freeze_manifest(&case, &officer(), "nowhere", None, &[], std::slice::from_ref(&a.id)).await.is_err());
    assert!(store.freeze_manifest(&case, &officer(), "d1-proc", Some(99), &[], std::slice::from_ref(&a.id)).await.is_err());
    assert_eq!(store.case_manifests(&case, Some("d1-court")).await.unwrap().len(), 1);
}

async fn court_ordered_removal_deletes_content_and_keeps_the_record(b: Env) {
    let (_tmp, _clock, store, case) = world(b).await;
    let f = upload(&store, &case, &officer(), meta("被害人照片"), b"sensitive").await.unwrap();
    let judge = FileActor { user: "judge".into(), org: "d1-court".into() };
    assert!(store.purge_content(&f.id, &judge, " ").await.is_err(), "an order is required");
    let f2 = store.purge_content(&f.id, &judge, "（2026）临刑封1号").await.unwrap();
    assert!(!f2.content_available);
    assert_eq!(f2.sha256, f.sha256);
    assert!(store.blobs().read_stored(&f.sha256).await.unwrap().is_none());
    assert!(matches!(store.read_file(&f2, 0, 1).await, Err(StoreError::NotFound(_))));
    assert!(upload(&store, &case, &officer(), meta("again"), b"sensitive").await.is_err(), "removed content cannot come back");
    assert!(store.file_seal(&f.id).await.unwrap().unwrap().verify().is_ok());
    let log = store.files_log(&case).await.unwrap();
    assert_eq!(log.last().unwrap().action, "content_purged");
}

async fn documents_are_sealed_by_the_issuing_organization_in_both_suites(b: Env) {
    for suite in Suite::ALL {
        let (tmp, clock, store, case) = world_in(b, suite).await;
        clock.set(at("2026-11-02 10:00"));
        store.submit(Command::new("officer", Some(&case), Action::Detain { person: 1 })).await.unwrap();
        let docs = store.case_documents(&case).await.unwrap();
        let state = store.case(&case).await.unwrap().unwrap();
        assert_eq!(docs.len(), state.documents.len());
        assert!(docs.len() >= 2, "registration decision and detention warrant");
        for d in &docs {
            let v = d.document.verify().unwrap();
            assert!(v.content_checked);
            assert_eq!(d.document.seal.suite, suite);
            assert_eq!(d.document.document.org, "d1-police");
            assert_eq!(d.document.document.signer, "officer");
            assert!(d.document.content.as_ref().unwrap().contains("李四"));
            assert!(store.check_seal(&d.document).await.unwrap().key_registered);
        }
        // Sealing is idempotent.
        assert_eq!(store.case_documents(&case).await.unwrap().len(), docs.len());
        // The key file is private.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let keys: Vec<_> = std::fs::read_dir(tmp.path().join("keys")).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with("seal-")).collect();
            assert_eq!(keys.len(), 1);
            assert_eq!(keys[0].metadata().unwrap().permissions().mode() & 0o777, 0o600);
        }
        // A correction is a new sealed version with its reason; the original stays.
        let number = docs[0].number.clone();
        assert!(store.correct_document(&case, &number, &prosecutor(), "p", "理由", "x").await.is_err(), "only the issuer corrects");
        let c = store.correct_document(&case, &number, &officer(), "officer", "当事人姓名笔误", "更正后的文书").await.unwrap();
        assert_eq!((c.version, c.latest), (2, true));
        assert_eq!(c.document.document.supersedes.as_deref(), Some(docs[0].id.as_str()));
        c.document.verify().unwrap();
        let versions = store.sealed_versions(&case, Some(&number)).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert!(!versions[0].latest);
        // Replacing a document after it was issued (and so sent) is an irregularity supervision
        // sees; sealing the first version is not.
        let q = |kind: &str| store::SupervisionQuery { case_id: Some(case.clone()), kind: Some(kind.into()), limit: 50, ..Default::default() };
        let found = store.supervision_findings(&q("document_replaced")).await.unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].finding.message.contains(&number), "{:?}", found[0].finding.message);
        // A forged copy fails: altered content, or a key that is not the organization's.
        let mut forged = c.document.clone();
        forged.content = Some("伪造".into());
        assert!(!store.check_seal(&forged).await.unwrap().valid);
        let other = suite.provider().generate_key_pair().unwrap();
        let fake = crypto::seal::SealedDocument::seal(suite, &other.secret, &c.id, c.document.document.clone(), "更正后的文书", "2026-11-02T02:00:00Z").unwrap();
        let check = store.check_seal(&fake).await.unwrap();
        assert!(check.valid && !check.key_registered);
        assert_eq!(store.verify_files_log().await.unwrap(), store.files_log(&case).await.unwrap().len() as u64);
    }
}

async fn downloads_are_recorded_and_the_files_trace_is_chained(b: Env) {
    let (_tmp, _clock, store, case) = world(b).await;
    let f = upload(&store, &case, &officer(), meta("x"), b"abc").await.unwrap();
    store.record_download(&f, &prosecutor(), Some((0, 2))).await.unwrap();
    let log = store.files_log(&case).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!((last.action.as_str(), last.actor_user.as_str(), last.subject.as_str()), ("file_downloaded", "prosecutor", f.id.as_str()));
    assert_eq!(store.verify_files_log().await.unwrap(), log.len() as u64);
}

async fn decision_documents_are_sealed_in_the_deciding_transaction(b: Env) {
    for suite in Suite::ALL {
        let (_tmp, clock, store, case) = world_in(b, suite).await;
        clock.set(at("2026-11-02 10:00"));
        store.submit(Command::new("officer", Some(&case), Action::Detain { person: 1 })).await.unwrap();
        // No listing yet (`case_documents` would seal what is missing): read the rows as written.
        let state = store.case(&case).await.unwrap().unwrap();
        let docs = store.sealed_versions(&case, None).await.unwrap();
        assert!(state.documents.len() >= 2, "registration decision and detention warrant");
        let mut numbers: Vec<_> = docs.iter().map(|d| d.number.clone()).collect();
        numbers.sort();
        let mut issued: Vec<_> = state.documents.iter().map(|d| d.number.clone()).collect();
        issued.sort();
        assert_eq!(numbers, issued, "every issued document sealed with its decision");
        for d in &docs {
            assert!(d.document.verify().unwrap().content_checked);
            assert_eq!(d.document.seal.suite, suite);
            assert!(store.check_seal(&d.document).await.unwrap().key_registered);
            let issued = state.documents.iter().find(|i| i.number == d.number).unwrap();
            assert_eq!(d.document.document.issued_at, issued.at.to_rfc3339());
            assert!(d.document.content.as_ref().unwrap().contains("李四"));
        }
        let sealed_log = store.files_log(&case).await.unwrap().iter().filter(|e| e.action == "document_sealed").count();
        assert_eq!(sealed_log, docs.len());
        // A refused decision seals nothing.
        assert!(store.submit(Command::new("officer", Some(&case), Action::Detain { person: 9 })).await.is_err());
        assert_eq!(store.sealed_versions(&case, None).await.unwrap().len(), docs.len());
        // Listing finds nothing left to seal.
        assert_eq!(store.case_documents(&case).await.unwrap().len(), docs.len());
        assert_eq!(store.verify_files_log().await.unwrap(), store.files_log(&case).await.unwrap().len() as u64);
    }
}

/// The 1 GiB benchmark (BENCHMARKS.md, "Case files"): a file streamed in, hashed (SHA-256, per-block
/// digests, and SM3 for the national suite), stored, sealed by the uploading organization and
/// logged in the chained files trace; then read back with every block verified. Compared in the
/// same run with `sha256sum` and `cp` of the same file. Run:
/// `cargo test --release -p store --test files -- --ignored --nocapture bench_one_gib`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes 1 GiB files to /tmp; run by hand"]
async fn bench_one_gib() {
    let b = Env { db: Backend::Sqlite, blob: Blob::Local };
    use std::io::Write;
    use std::time::Instant;
    const SIZE: usize = 1 << 30;
    let src = std::path::PathBuf::from("/tmp/lianban-bench-1gib.bin");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&src).unwrap());
        let mut block: Vec<u8> = (0..1 << 20).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for n in 0..(SIZE >> 20) {
            block[..8].copy_from_slice(&(n as u64).to_le_bytes());
            f.write_all(&block).unwrap();
        }
        f.into_inner().unwrap().sync_all().unwrap();
    }
    let secs = |t: Instant| t.elapsed().as_secs_f64();
    let run = |cmd: &str| {
        let t = Instant::now();
        let ok = std::process::Command::new("sh").arg("-c").arg(cmd).status().unwrap().success();
        assert!(ok, "{cmd}");
        secs(t)
    };
    let mut rows: Vec<(String, f64)> = Vec::new();
    // Warm the page cache once so every contender reads from memory.
    run(&format!("cat {} > /dev/null", src.display()));
    rows.push(("sha256sum".into(), run(&format!("sha256sum {} > /dev/null", src.display()))));
    rows.push(("cp".into(), run(&format!("cp {} /tmp/lianban-bench-copy.bin", src.display()))));
    std::fs::remove_file("/tmp/lianban-bench-copy.bin").unwrap();
    rows.push(("cp + sync".into(), run(&format!("cp {} /tmp/lianban-bench-copy.bin && sync /tmp/lianban-bench-copy.bin", src.display()))));
    std::fs::remove_file("/tmp/lianban-bench-copy.bin").unwrap();

    for suite in Suite::ALL {
        let (tmp, _clock, store, case) = world_in(b, suite).await;
        let t = Instant::now();
        let mut w = store.file_writer(u64::MAX).await.unwrap();
        let mut f = tokio::fs::File::open(&src).await.unwrap();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            use tokio::io::AsyncReadExt;
            let n = f.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            w.write(&buf[..n]).await.unwrap();
        }
        let staged = w.finish().await.unwrap();
        let t_stream = secs(t);
        let file = store.add_file(&case, &officer(), NewFile { title: "1 GiB".into(), media_type: Some("video/mp4".into()), ..Default::default() }, staged, None).await.unwrap();
        let t_total = secs(t);
        assert_eq!(file.size, SIZE as u64);
        assert!(store.file_seal(&file.id).await.unwrap().unwrap().verify().is_ok());
        assert_eq!(store.verify_files_log().await.unwrap(), store.files_log(&case).await.unwrap().len() as u64);
        let t = Instant::now();
        let mut r = store.read_file(&file, 0, file.size).await.unwrap();
        let mut n = 0u64;
        while let Some(c) = r.next_chunk().await {
            n += c.unwrap().len() as u64;
        }
        assert_eq!(n, file.size);
        let t_read = secs(t);
        rows.push((format!("lianban {suite}: upload (stream + hash + fsync)"), t_stream));
        rows.push((format!("lianban {suite}: upload + store + seal + log"), t_total));
        rows.push((format!("lianban {suite}: verified full read"), t_read));
        store.close().await;
        drop(tmp);
    }
    std::fs::remove_file(&src).unwrap();
    println!("\n| 1 GiB, page cache warm | seconds | MiB/s |\n|---|---:|---:|");
    for (name, s) in rows {
        println!("| {name} | {s:.2} | {:.0} |", 1024.0 / s);
    }
}

async fn verify_blobs_finds_a_flipped_byte_and_a_missing_blob(b: Env) {
    let (_tmp, _clock, store, case) = world(b).await;
    let f = upload(&store, &case, &officer(), meta("现场勘验笔录"), b"scene record: 12 pages").await.unwrap();
    let g = upload(&store, &case, &officer(), meta("被害人陈述"), b"victim statement").await.unwrap();
    assert_eq!(store.verify_blobs().await.unwrap(), 2);
    // One byte changed in the stored (encrypted) blob, in its header or its sealed chunk: named by
    // its hash, and reading it fails too.
    let path = f.sha256.clone();
    let mut bytes = read_blob(&store, &path).await;
    for i in [3, bytes.len() / 2, bytes.len() - 1] {
        bytes[i] ^= 0x01;
        write_blob(&store, &path, &bytes).await;
        let err = store.verify_blobs().await.unwrap_err().to_string();
        assert!(err.contains(&f.sha256), "{err}");
        assert!(matches!(read_all(&store, &f, 0, f.size).await, Err(StoreError::Corrupt(_))));
        bytes[i] ^= 0x01;
    }
    write_blob(&store, &path, &bytes).await;
    // A blob gone from the folder.
    store.blobs().remove(&g.sha256).await.unwrap();
    let err = store.verify_blobs().await.unwrap_err().to_string();
    assert!(err.contains(&g.sha256), "{err}");
}

suite!(upload_is_content_addressed_and_every_read_is_verified);
suite!(blobs_are_encrypted_at_rest_in_both_suites_and_plain_blobs_stay_readable);
suite!(bad_metadata_is_refused_naming_the_field_and_nothing_is_written);
suite!(corrections_are_new_versions_and_the_original_stays);
suite!(resumable_upload_resumes_at_the_received_offset);
suite!(volumes_and_frozen_manifests_decide_what_the_receiver_reads);
suite!(court_ordered_removal_deletes_content_and_keeps_the_record);
suite!(documents_are_sealed_by_the_issuing_organization_in_both_suites);
suite!(decision_documents_are_sealed_in_the_deciding_transaction);
suite!(downloads_are_recorded_and_the_files_trace_is_chained);
suite!(verify_blobs_finds_a_flipped_byte_and_a_missing_blob);
