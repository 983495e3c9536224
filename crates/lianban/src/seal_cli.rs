//! `lianban seal`: verify a sealed legal document offline, choose the deployment's crypto suite,
//! export a case's sealed documents.

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use crypto::seal::SealedDocument;
use crypto::Suite;
use std::path::{Path, PathBuf};
use store::Durability;

#[derive(Subcommand)]
pub enum SealCmd {
    /// Verify a sealed-document JSON file (as downloaded from the platform) without the platform:
    /// the content against its hash and the seal against the embedded public key. Compare the
    /// printed fingerprint with the organization's published one.
    Verify {
        file: PathBuf,
    },
    /// Show the deployment's crypto suite, or set it (`standard`: SHA-256/Ed25519/AES-256-GCM;
    /// `national`: SM3/SM2/SM4). Existing seals keep the suite they were made with.
    Suite {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        suite: Option<String>,
    },
    /// Seal any unsealed legal documents of a case and write every version to a folder.
    Export {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        case: String,
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

pub async fn run(cmd: SealCmd) -> Result<()> {
    match cmd {
        SealCmd::Verify { file } => {
            let report = verify_file(&file)?;
            println!("{report}");
            Ok(())
        }
        SealCmd::Suite { data, suite } => {
            let store = open(&data).await?;
            if let Some(s) = suite {
                let s: Suite = s.parse()?;
                store.set_crypto_suite(s).await?;
            }
            let s = store.crypto_suite().await?;
            let p = s.provider();
            println!("{s}: {} / {} / {}", p.hash_algorithm(), p.signature_algorithm(), p.cipher_algorithm());
            Ok(())
        }
        SealCmd::Export { data, case, out } => {
            let store = open(&data).await?;
            std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
            let docs = store.case_documents(&case).await?;
            for d in &docs {
                let path = out.join(format!("{}.seal.json", d.id));
                std::fs::write(&path, serde_json::to_string_pretty(&d.document)?).with_context(|| format!("cannot write {}", path.display()))?;
                println!("{}  {} {} v{}", path.display(), d.document.document.kind_label, d.number, d.version);
            }
            Ok(())
        }
    }
}

async fn open(data: &Path) -> Result<store::Store> {
    if !super::db_path(data).exists() {
        bail!("{} holds no Lianban database", data.display());
    }
    super::open(data, Durability::Full).await
}

/// Verifies a sealed-document file; the report on success, the reason on failure.
pub fn verify_file(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let doc: SealedDocument = serde_json::from_str(&text).with_context(|| format!("{} is not a sealed document", file.display()))?;
    let v = doc.verify().map_err(|e| anyhow::anyhow!("签章无效：{e}"))?;
    let d = &doc.document;
    let content = if v.content_checked { "内容与摘要一致" } else { "内容已依法封存，仅核对了摘要与元数据" };
    Ok(format!(
        "签章有效：{}（{} 第{}版）\n案件：{}\n签章单位：{}（{}），签章人：{}（{}）\n制作时间：{}，签章时间：{}\n算法：{}（{} / {}），公钥指纹：{}\n{content}",
        d.kind_label, d.number, d.version, d.case_id, d.org_name, d.org, d.signer_name, d.signer, d.issued_at, doc.seal.sealed_at, v.suite, doc.seal.hash_algorithm, doc.seal.signature_algorithm, v.key_fingerprint
    ))
}

#[cfg(test)]
mod tests {
    use super::verify_file;
    use crypto::seal::{DocumentMetadata, SealedDocument};
    use crypto::Suite;

    #[test]
    fn verifies_a_file_offline_and_refuses_a_tampered_one() {
        let tmp = tempfile::tempdir().unwrap();
        for suite in Suite::ALL {
            let pair = suite.provider().generate_key_pair().unwrap();
            let meta = DocumentMetadata {
                kind: "indictment".into(),
                kind_label: "起诉书".into(),
                number: "临检诉〔2026〕7号".into(),
                case_id: "LB-2026-000001".into(),
                org: "d1-proc".into(),
                org_name: "一区人民检察院".into(),
                signer: "prosecutor".into(),
                signer_name: "王检".into(),
                issued_at: "2026-11-22T02:00:00+00:00".into(),
                version: 1,
                supersedes: None,
                reason: None,
                media_type: "text/plain; charset=utf-8".into(),
                content_hash: String::new(),
                content_length: 0,
            };
            let doc = SealedDocument::seal(suite, &pair.secret, "S000001", meta, "起诉书正文", "2026-11-22T02:00:01+00:00").unwrap();
            let path = tmp.path().join(format!("{suite}.json"));
            std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
            let report = verify_file(&path).unwrap();
            assert!(report.starts_with("签章有效") && report.contains("内容与摘要一致"), "{report}");
            let tampered = serde_json::to_string(&doc).unwrap().replace("起诉书正文", "不起诉决定书正文");
            std::fs::write(&path, tampered).unwrap();
            assert!(verify_file(&path).unwrap_err().to_string().contains("签章无效"));
        }
    }
}
