//! Helpers for the browser tests: a small world served on a free port, chromedriver started on
//! another, and a WebDriver session on headless Chromium.
// Each test binary uses a part of these helpers.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use domain::{AgencyKind, Level, Organization, Role, User};
use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::{Durability, ManualClock, Store};

pub const PASSWORD: &str = "lianban-test";

pub fn at(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    domain::period::china().from_local_datetime(&naive).unwrap().with_timezone(&Utc)
}

pub fn orgs() -> Vec<Organization> {
    let mut v = Vec::new();
    for (kind, code, city, district) in [
        (AgencyKind::Committee, "committee", "临江市委政法委", "滨江区委政法委"),
        (AgencyKind::Police, "police", "临江市公安局", "临江市公安局滨江分局"),
        (AgencyKind::Procuratorate, "proc", "临江市人民检察院", "临江市滨江区人民检察院"),
        (AgencyKind::Court, "court", "临江市中级人民法院", "临江市滨江区人民法院"),
        (AgencyKind::JusticeBureau, "justice", "临江市司法局", "临江市滨江区司法局"),
    ] {
        v.push(Organization { id: format!("city-{code}"), name: city.into(), kind, level: Level::City, jurisdiction: "3399".into(), parent: None });
        v.push(Organization {
            id: format!("d1-{code}"),
            name: district.into(),
            kind,
            level: Level::County,
            jurisdiction: "339901".into(),
            parent: Some(format!("city-{code}")),
        });
    }
    v
}

pub fn users() -> Vec<User> {
    let u = |id: &str, name: &str, org: &str, role: Role| User { id: id.into(), username: id.into(), name: name.into(), org: org.into(), role, active: true };
    vec![
        u("officer", "李警官", "d1-police", Role::Officer),
        u("prosecutor", "王检察官", "d1-proc", Role::Prosecutor),
        u("judge", "赵法官", "d1-court", Role::Judge),
        u("clerk", "钱书记员", "d1-court", Role::Clerk),
        u("corrector", "孙矫正", "d1-justice", Role::CorrectionOfficer),
        u("supervisor", "周督查", "city-committee", Role::Supervisor),
        u("proc-leader", "吴检察长", "d1-proc", Role::Leader),
    ]
}

pub struct Server {
    pub url: String,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// Opens a store with the small world and serves the platform on a free port.
pub async fn serve(now: DateTime<Utc>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let store = Store::open(&dir.path().join("lianban.db"), Durability::Bulk, clock.clone()).await.unwrap();
    let mut os = orgs();
    os.sort_by_key(|o| o.parent.is_some());
    for o in &os {
        store.put_organization(o).await.unwrap();
    }
    let hash = server::auth::hash_password(PASSWORD);
    for u in users() {
        store.put_user(&u, Some(&hash)).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = server::router(server::AppState::new(store.clone()));
    tokio::spawn(async move { axum_serve(listener, app).await });
    Server { url, store, clock, _dir: dir }
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    axum::serve(listener, app).await.unwrap();
}

fn find_binary(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// chromedriver, killed when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
    pub chrome: PathBuf,
    pub profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free port. Panics — never skips — when Chromium or chromedriver is
/// missing: the browser tests are part of the suite.
pub fn chromedriver() -> Driver {
    let hint = "install them with `apt-get update && apt-get install -y chromium chromium-driver` \
                (or point CHROME_BIN / CHROMEDRIVER at the binaries)";
    let ci = std::env::var_os("CI").is_some();
    let chrome = find_binary("CHROME_BIN", &["chromium", "chromium-browser", "google-chrome", "chrome"]).unwrap_or_else(|| {
        panic!("browser tests need Chromium, which was not found{}: {hint}", if ci { " on this CI machine" } else { "" })
    });
    let driver = find_binary("CHROMEDRIVER", &["chromedriver"]).unwrap_or_else(|| {
        panic!("browser tests need chromedriver, which was not found{}: {hint}", if ci { " on this CI machine" } else { "" })
    });
    let port = StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(&driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start listening on port {port} within 15 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, url: format!("http://127.0.0.1:{port}"), chrome, profile: tempfile::tempdir().unwrap() }
}

/// A headless Chromium session.
pub async fn browser(d: &Driver) -> fantoccini::Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=zh-CN",
        "--window-size=1366,900",
        &format!("--user-data-dir={}", d.profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": args, "binary": d.chrome.display().to_string() }),
    );
    // chromedriver listens on localhost over plain HTTP: no TLS connector needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    fantoccini::Client::with_capabilities_and_connector(&d.url, &caps, connector)
        .await
        .unwrap_or_else(|e| panic!("cannot open a Chromium session through chromedriver at {}: {e}", d.url))
}

pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
