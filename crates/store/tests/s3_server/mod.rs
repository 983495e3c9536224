//! A real S3-compatible server for the blob-store suite: moto's standalone server
//! (`pip install 'moto[server]'`, installed by `.ci/run`), started once per test process on a free
//! port and stopped when the process exits; or the server at `$LIANBAN_TEST_S3_ENDPOINT` (with a
//! bucket `lianban-test` and any credentials accepted). Unavailable → the test fails, never skips.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const BUCKET: &str = "lianban-test";

/// The endpoint (`http://127.0.0.1:PORT`) of a running S3-compatible server with the test bucket.
pub fn endpoint() -> &'static str {
    static EP: OnceLock<String> = OnceLock::new();
    EP.get_or_init(|| {
        let ep = match std::env::var("LIANBAN_TEST_S3_ENDPOINT") {
            Ok(ep) => ep,
            Err(_) => start_moto(),
        };
        create_bucket(&ep);
        ep
    })
}

/// Options for `store::files::Blobs::s3` that point at the test server.
pub fn options() -> Vec<(String, String)> {
    [("aws_endpoint", endpoint()), ("aws_allow_http", "true"), ("aws_access_key_id", "lianban-test"), ("aws_secret_access_key", "lianban-test"), ("aws_region", "us-east-1")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A fresh prefix in the test bucket: `s3://lianban-test/<random>`.
pub fn fresh_url() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    format!("s3://{BUCKET}/{}", hex::encode(b))
}

fn start_moto() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::env::temp_dir().join(format!("lianban-moto-{port}.log"));
    // A watchdog shell stops the server when this test process is gone.
    let script = format!(
        "moto_server -H 127.0.0.1 -p {port} >{log} 2>&1 & m=$!; while kill -0 {pid} 2>/dev/null && kill -0 $m 2>/dev/null; do sleep 1; done; kill $m 2>/dev/null",
        log = log.display(),
        pid = std::process::id()
    );
    let spawned = std::process::Command::new("sh").arg("-c").arg(&script).stdin(std::process::Stdio::null()).spawn();
    if let Err(e) = spawned {
        panic!("cannot start the S3 test server (sh: {e})");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return format!("http://127.0.0.1:{port}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = std::fs::read_to_string(&log).unwrap_or_default();
    panic!(
        "the S3-compatible test server (moto_server, from `pip install 'moto[server]'`; .ci/run installs it) did not start on port {port} within 60 s, or set LIANBAN_TEST_S3_ENDPOINT. Its output:\n{out}"
    );
}

/// Creates the test bucket (an unsigned `PUT /bucket`, which moto accepts; an existing bucket is fine).
fn create_bucket(endpoint: &str) {
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(host).unwrap_or_else(|e| panic!("S3 test server at {endpoint} unreachable: {e}"));
    write!(s, "PUT /{BUCKET} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    let status = resp.split_whitespace().nth(1).unwrap_or("");
    assert!(status == "200" || status == "409", "creating bucket {BUCKET} at {endpoint}: {}", resp.lines().next().unwrap_or(""));
}
