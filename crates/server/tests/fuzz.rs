//! An OpenAPI-driven fuzzer against the running server: Schemathesis reads `/api/openapi.json`
//! and sends generated valid and invalid requests to every operation, as an officer's agency
//! system (API token with `read` and `act`) and as the committee's supervisor. The run fails on
//! any 5xx answer or a response that breaks the transport (`not_a_server_error`). A run the tool
//! breaks off with an exception of its own, no check failed, is run again (three runs in all).
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

/// Runs Schemathesis; a run that the tool itself broke off is run again, up to three times in all.
///
/// Schemathesis reports an exception inside its own generator (seen: CPython 3.11's
/// `SystemError: AST constructor recursion depth mismatch` while Hypothesis describes a strategy)
/// as a "Runtime Error" of the operation it was generating for, and exits non-zero although no
/// request got a bad answer. Such a run is told apart from a finding by its summary: errors of the
/// tool only, no failed check. A finding, or a tool that breaks three times, fails the test.
fn run(st: &std::path::Path, url: &str, token: &str, seed: &str) {
    let mut broken = Vec::new();
    for _ in 0..3 {
        match run_once(st, url, token, seed) {
            Outcome::Passed => return,
            Outcome::ToolError(out) => broken.push(out),
        }
    }
    panic!("Schemathesis broke off three times with errors of its own (seed {seed}), nothing checked:\n{}", broken.join("\n---\n"));
}

enum Outcome {
    Passed,
    /// The tool's own exception, no check failed: its output.
    ToolError(String),
}

/// A run whose summary (the text after its last `SUMMARY` header; the errors above it quote the
/// tool's own source) lists errors and no failed check: no "Failures:" section, no "unique
/// failure" among the test cases.
fn only_tool_errors(stdout: &str) -> bool {
    let Some((_, summary)) = stdout.rsplit_once("SUMMARY") else { return false };
    summary.contains("Errors:") && !summary.contains("Failures:") && !summary.contains("unique failure")
}

fn run_once(st: &std::path::Path, url: &str, token: &str, seed: &str) -> Outcome {
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
    if !out.status.success() && only_tool_errors(&stdout) {
        return Outcome::ToolError(format!("{stdout}\n{stderr}"));
    }
    assert!(out.status.success(), "Schemathesis found failures (seed {seed}):\n{stdout}\n{stderr}");
    // It really ran the operations (not an empty or unreadable schema).
    assert!(stdout.contains("passed") || stdout.contains("Passed"), "Schemathesis printed no results:\n{stdout}\n{stderr}");
    Outcome::Passed
}

#[test]
fn a_run_broken_off_by_the_tool_is_told_apart_from_a_finding() {
    // the output of Schemathesis 4 (abridged: a real run's, and the shape of a finding as its
    // `cli/output.py` prints it); the errors quote the tool's source, words like "failed" included
    let tool = "=== ERRORS ===\n___ POST /api/v1/admin/witnesses ___\nRuntime Error\n\n# a rejected filter, a failed draw\nSystemError: AST constructor recursion depth mismatch\n\n=== SUMMARY ===\n\nErrors:\n  🚫 Runtime Error: 1\n\nTest cases:\n  4068 generated, 4068 passed\n\nSeed: 20261123\n";
    assert!(only_tool_errors(tool));
    let finding = "=== FAILURES ===\n___ POST /api/v1/cases ___\n- Server error\n\n=== SUMMARY ===\n\nFailures:\n  ❌ Server error: 1\n\nTest cases:\n  4068 generated, 1 found 1 unique failure\n";
    assert!(!only_tool_errors(finding));
    // both at once: a finding
    assert!(!only_tool_errors(&tool.replace("Test cases:\n  4068 generated, 4068 passed", "Failures:\n  ❌ Server error: 1\n\nTest cases:\n  4068 generated, 1 found 1 unique failure")));
    // no summary at all (a crash before it): not retried
    assert!(!only_tool_errors("Traceback (most recent call last):\nRuntime Error"));
    assert!(!only_tool_errors("Test cases:\n  4068 generated, 4068 passed\n"));
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
