//! Builds the demo world into a database file: `lianban-demo <path> [--cases N] [--seed S]`.

use argon2::password_hash::PasswordHasher;
use argon2::Argon2;
use std::path::PathBuf;
use std::sync::Arc;
use store::{Durability, ManualClock, Store};

fn hash_password(password: &str) -> String {
    Argon2::default().hash_password(password.as_bytes()).expect("argon2 hashing").to_string()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut path: Option<PathBuf> = None;
    let mut opts = demo::Options::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--cases" => opts.cases = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "--seed" => opts.seed = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "-h" | "--help" => usage(),
            p if path.is_none() && !p.starts_with('-') => path = Some(PathBuf::from(p)),
            _ => usage(),
        }
    }
    let path = path.unwrap_or_else(|| usage());
    if path.exists() {
        eprintln!("{} already exists; the demo is built into a new database", path.display());
        std::process::exit(2);
    }
    let clock = Arc::new(ManualClock::new(opts.now));
    let store = match Store::open(&path, Durability::Bulk, clock.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    match demo::build(&store, &clock, &opts, &hash_password).await {
        Ok(r) => {
            println!("{}", serde_json::to_string_pretty(&r).expect("report serializes"));
            println!("demo users: {} (e.g. admin, zhangwei.police.bj); password for all: {}", r.users, demo::PASSWORD);
        }
        Err(e) => {
            eprintln!("demo build failed: {e}");
            std::process::exit(1);
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: lianban-demo <database path> [--cases N] [--seed S]");
    std::process::exit(2);
}
