//! `lianban demo`: build the demo world into a data folder's SQLite file or the database a URL
//! names (once), then serve it.

use anyhow::{bail, Context, Result};
use chrono::SubsecRound;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use store::{Durability, ManualClock, Store};

pub async fn run(data: &Path, database: Option<&str>, listen: &str, no_serve: bool, cases: u32, seed: u64, reset: bool) -> Result<()> {
    if let (Some(_), true) = (database, reset) {
        bail!("--reset：只能重建数据目录中的 SQLite 文件；使用 --database 时请指定一个没有事件的新数据库");
    }
    let db = super::db_path(data);
    if reset {
        for suffix in ["", "-wal", "-shm"] {
            let p = db.with_file_name(format!("lianban.db{suffix}"));
            if p.exists() {
                std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
            }
        }
    }
    std::fs::create_dir_all(data).with_context(|| format!("cannot create data folder {}", data.display()))?;
    let existing = match database {
        Some(url) => {
            let store = super::open_url(data, url, Durability::Full).await?;
            let n = store.event_count().await?;
            store.close().await;
            n
        }
        None if db.exists() => {
            let store = super::open(data, Durability::Full).await?;
            let n = store.event_count().await?;
            store.close().await;
            n
        }
        None => 0,
    };
    let place = match database {
        Some(url) => url.split('@').next_back().unwrap_or(url).to_string(),
        None => data.display().to_string(),
    };
    if existing > 0 {
        eprintln!("{place} 已有演示数据（{existing} 条事件），直接使用；重新生成请加 --reset（SQLite）或换用空数据库");
    } else {
        let opts = demo::Options { cases: cases as usize, seed, now: chrono::Utc::now().trunc_subsecs(0), ..Default::default() };
        eprintln!("正在生成演示数据：{} 件案件，两年跨度……", opts.cases);
        let clock = Arc::new(ManualClock::new(opts.now));
        let store = match database {
            Some(url) => Store::open_url(url, Durability::Bulk, clock.clone(), data).await,
            None => Store::open(&db, Durability::Bulk, clock.clone()).await,
        }
        .context("cannot open the demo database")?;
        let report = demo::build(&store, &clock, &opts, &server::auth::hash_password).await.context("building the demo world")?;
        store.close().await;
        eprintln!(
            "已生成：{} 个单位，{} 名用户，{} 件案件，{} 条事件，用时 {:.1} 秒",
            report.orgs,
            report.users,
            report.cases,
            report.events,
            report.elapsed_ms as f64 / 1000.0
        );
    }
    print_accounts(listen);
    if no_serve {
        return Ok(());
    }
    let store = match database {
        Some(url) => super::open_url(data, url, Durability::Full).await?,
        None => super::open(data, Durability::Full).await?,
    };
    super::serve(store, listen).await
}

fn print_accounts(listen: &str) {
    let world = demo::world();
    let orgs: BTreeMap<&str, &domain::Organization> = world.orgs.iter().map(|o| (o.id.as_str(), o)).collect();
    println!();
    println!("联办演示平台：http://{listen}/   （API：http://{listen}/api/v1/）");
    println!("所有演示账号的密码：{}", demo::PASSWORD);
    println!("{:<28} {:<8} {:<10} 单位", "登录名", "姓名", "角色");
    let mut shown: BTreeMap<(String, domain::Role), usize> = BTreeMap::new();
    for u in &world.users {
        let org = orgs.get(u.user.org.as_str()).map(|o| o.name.as_str()).unwrap_or("");
        // One account per organization and role is enough to start with.
        let n = shown.entry((u.user.org.clone(), u.user.role)).or_default();
        *n += 1;
        if *n == 1 {
            println!("{:<28} {:<8} {:<10} {}", u.user.username, u.user.name, u.user.role.label(), org);
        }
    }
    println!();
}
