//! Killing the server (SIGKILL) during a stream of commands loses no acknowledged command, and
//! the data folder still verifies.

use domain::{AgencyKind, Level, Organization, Role, User};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_lianban");

/// A minimal HTTP/1.1 exchange (one request per connection).
fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> std::io::Result<(u16, Value)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split(' ').nth(1).and_then(|c| c.parse().ok()).ok_or_else(|| std::io::Error::other("no status line"))?;
    let json = text.split_once("\r\n\r\n").map(|(_, b)| serde_json::from_str(b).unwrap_or(Value::Null)).unwrap_or(Value::Null);
    Ok((status, json))
}

fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

fn start(data: &Path, addr: &str) -> Child {
    let mut child = Command::new(BIN)
        .args(["serve", "--data", data.to_str().unwrap(), "--listen", addr])
        .env("LIANBAN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start lianban serve");
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok((200, _)) = http(addr, "GET", "/healthz", None, None) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("lianban serve did not answer /healthz within 20 s");
}

async fn make_world(data: &Path) {
    let store = store::Store::open(&data.join("lianban.db"), store::Durability::Full, Arc::new(store::SystemClock)).await.unwrap();
    store.put_organization(&Organization { id: "police".into(), name: "某公安分局".into(), kind: AgencyKind::Police, level: Level::County, jurisdiction: "99".into(), parent: None }).await.unwrap();
    let user = User { id: "officer".into(), username: "officer".into(), name: "警官".into(), org: "police".into(), role: Role::Officer, active: true };
    store.put_user(&user, Some(&server::auth::hash_password("password1"))).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_during_a_stream_of_commands_loses_nothing_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    make_world(&data).await;
    let acknowledged: Arc<Mutex<Vec<(String, Value)>>> = Arc::new(Mutex::new(Vec::new()));
    for round in 0..3 {
        let addr = free_addr();
        let mut server = start(&data, &addr);
        let (_, login) = http(&addr, "POST", "/api/v1/session", None, Some(&json!({"username": "officer", "password": "password1"}))).unwrap();
        let token = login["token"].as_str().expect("login").to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = Vec::new();
        for c in 0..8 {
            let (addr, token, stop, acked) = (addr.clone(), token.clone(), stop.clone(), acknowledged.clone());
            clients.push(std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let rid = format!("r{round}-c{c}-{i}");
                    let body = json!({"request_id": rid, "action": {"type": "register", "title": format!("案件{rid}"), "facts": "事实", "charges": ["盗窃"], "persons": [{"name": "甲"}]}});
                    match http(&addr, "POST", "/api/v1/cases", Some(&token), Some(&body)) {
                        Ok((201, v)) => acked.lock().unwrap().push((rid, v["event"].clone())),
                        Ok((status, v)) => panic!("unexpected answer {status}: {v}"),
                        Err(_) => break, // the server is gone
                    }
                }
            }));
        }
        std::thread::sleep(Duration::from_millis(700));
        server.kill().expect("SIGKILL");
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().unwrap();
        }
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(acked.len() > 50, "too few commands acknowledged to mean anything: {}", acked.len());
    // After the last kill, every acknowledged command is there, exactly as acknowledged.
    let addr = free_addr();
    let mut server = start(&data, &addr);
    let (_, login) = http(&addr, "POST", "/api/v1/session", None, Some(&json!({"username": "officer", "password": "password1"}))).unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    for (rid, event) in &acked {
        let body = json!({"request_id": rid, "action": event["action"]});
        let (status, v) = http(&addr, "POST", "/api/v1/cases", Some(&token), Some(&body)).unwrap();
        assert_eq!(status, 200, "{rid}: {v}");
        assert_eq!(v["replayed"], true, "{rid} was acknowledged but is not in the store");
        assert_eq!(&v["event"], event, "{rid}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let out = Command::new(BIN).args(["verify", "--data", data.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "verify failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
