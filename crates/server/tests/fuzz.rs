//! An OpenAPI-driven fuzzer against the running server: Schemathesis reads `/api/openapi.json`
//! and sends generated valid and invalid requests to every operation, as an officer's agency
//! system (API token with `read` and `act`) and as the committee's supervisor. The run fails on
//! any 5xx answer or a response that breaks the transport (`not_a_server_error`).
//!
//! Needs the `st` command (`pip install schemathesis`; `.ci/run` installs it). Missing, the test
//! fails — it never skips.

mod ui_support;

use std::process::Command;
use store::ApiTokenRecord;
use ui_support::at;

fn schemathesis() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("SCHEMATHESIS") {
        return p.into();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["st", "schemathesis"] {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!("Schemathesis is not installed: `pip install schemathesis` (or set SCHEMATHESIS to its `st` command); .ci/run installs it");
}

async fn token(srv: &ui_support::Server, user: &str, scopes: &[&str]) -> String {
    let (token, hash) = server::auth::new_api_token();
    let rec = ApiTokenRecord {
        id: format!("fuzz-{user}"),
        token_hash: hash,
        name: format!("fuzz {user}"),
        user_id: user.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        created_by: "supervisor".into(),
        created_at: srv.store.now(),
        expires_at: None,
        revoked_at: None,
        last_used_at: None,
    };
    srv.store.create_api_token(&rec).await.unwrap();
    token
}

fn run(st: &std::path::Path, url: &str, token: &str, seed: &str) {
    let report = tempfile::tempdir().unwrap();
    let out = Command::new(st)
        .args(["run", &format!("{url}/api/openapi.json")])
        .args(["--url", url])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error"])
        .args(["--max-examples", "4", "--seed", seed, "--workers", "2", "--no-shrink"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--request-timeout", "20"])
        .args(["--suppress-health-check", "all", "--warnings", "off"])
        .env("SCHEMATHESIS_HOOKS", "")
        .env("NO_COLOR", "1")
        .current_dir(report.path())
        .output()
        .expect("cannot run Schemathesis");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Schemathesis found failures (seed {seed}):\n{stdout}\n{stderr}");
    // It really ran the operations (not an empty or unreadable schema).
    assert!(stdout.contains("passed") || stdout.contains("Passed"), "Schemathesis printed no results:\n{stdout}\n{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_never_get_a_server_error() {
    let st = schemathesis();
    let srv = ui_support::serve(at("2025-09-01 09:00")).await;
    let officer = token(&srv, "officer", &["read", "act"]).await;
    let supervisor = token(&srv, "supervisor", &["read", "act"]).await;
    let url = srv.url.clone();
    tokio::task::spawn_blocking(move || {
        run(&st, &url, &officer, "20261122");
        run(&st, &url, &supervisor, "20261123");
    })
    .await
    .unwrap();
}
