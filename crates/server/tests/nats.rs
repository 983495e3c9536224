//! The event feed published to NATS JetStream, against the real server at 127.0.0.1:4222 (or
//! `LIANBAN_TEST_NATS`). Never skipped: an unreachable server fails the test with a message.
//! One subject per organization; a restarted publisher resumes from its cursor, and one that lost
//! its cursor republishes everything, which JetStream drops as duplicates (message id =
//! position.org): each event arrives once per subject.

#[path = "feed.rs"]
#[allow(dead_code)]
mod feed_world;

use server::feed::{FeedItem, NatsConfig, NatsPublisher};
use std::collections::BTreeMap;

fn nats_url() -> String {
    std::env::var("LIANBAN_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

async fn require_nats(url: &str) {
    let addr = url.trim_start_matches("nats://");
    match tokio::time::timeout(std::time::Duration::from_secs(3), tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(_)) => {}
        other => panic!(
            "NATS SERVER UNREACHABLE at {url} ({other:?}). This test needs a NATS server with JetStream; start it with: \
             start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log"
        ),
    }
}

/// Every message of the stream, by subject: the positions it holds.
async fn by_subject(url: &str, stream: &str) -> BTreeMap<String, Vec<(u64, String)>> {
    let client = async_nats::connect(url).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let mut s = js.get_stream(stream).await.unwrap();
    let n = s.info().await.unwrap().state.messages;
    let mut out: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    for seq in 1..=n {
        let m = s.get_raw_message(seq).await.unwrap();
        let item: FeedItem = serde_json::from_slice(&m.payload).unwrap();
        out.entry(m.subject.to_string()).or_default().push((item.position, item.case_id));
    }
    out
}

#[tokio::test]
async fn events_are_published_once_per_organization_subject_across_restarts() {
    let url = nats_url();
    require_nats(&url).await;
    let mut rnd = [0u8; 6];
    getrandom_fill(&mut rnd);
    let run = rnd.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let prefix = format!("lbtest{run}.events");
    let stream = format!("LBTEST_{run}");

    let w = feed_world::world().await;
    let a = w.case("officer", "甲区案").await;
    let b = w.case("officer2", "乙区案").await;
    let state = server::AppState::new(w.store.clone());

    let cfg = NatsConfig::with_prefix(url.clone(), &prefix, &stream);
    let p = NatsPublisher::connect(state.clone(), cfg.clone()).await.unwrap();
    p.catch_up().await.unwrap();
    drop(p);
    assert_eq!(w.store.publisher_cursor(&cfg.cursor).await.unwrap(), 8);

    // Restarted with its cursor: only the new events. Another that lost its cursor republishes
    // everything from the start, and JetStream drops the duplicates.
    let c = w.case("officer", "甲区新案").await;
    let p = NatsPublisher::connect(state.clone(), cfg.clone()).await.unwrap();
    p.catch_up().await.unwrap();
    let mut lost = cfg.clone();
    lost.cursor = format!("{}-lost", cfg.cursor);
    let p2 = NatsPublisher::connect(state.clone(), lost).await.unwrap();
    p2.catch_up().await.unwrap();

    let subjects = by_subject(&url, &stream).await;
    let d1 = &subjects[&format!("{prefix}.d1-police")];
    let d2 = &subjects[&format!("{prefix}.d2-police")];
    let committee = &subjects[&format!("{prefix}.city-committee")];
    for (name, msgs) in &subjects {
        let mut pos: Vec<u64> = msgs.iter().map(|m| m.0).collect();
        let n = pos.len();
        pos.dedup();
        assert_eq!(pos.len(), n, "duplicates on {name}: {msgs:?}");
    }
    assert_eq!(d1.iter().map(|m| m.0).collect::<Vec<_>>(), vec![0, 1, 2, 3, 8, 9, 10, 11]);
    assert!(d1.iter().all(|m| m.1 == a || m.1 == c), "{d1:?}");
    assert_eq!(d2.iter().map(|m| m.0).collect::<Vec<_>>(), vec![4, 5, 6, 7]);
    assert!(d2.iter().all(|m| m.1 == b), "another district's events on d2: {d2:?}");
    assert_eq!(committee.len(), 12);
    assert!(!subjects.contains_key(&format!("{prefix}.d2-proc")), "a procuratorate that took no part received events");

    let client = async_nats::connect(url.as_str()).await.unwrap();
    async_nats::jetstream::new(client).delete_stream(&stream).await.unwrap();
}

fn getrandom_fill(buf: &mut [u8]) {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (t >> (i * 8)) as u8 ^ (std::process::id() >> (i % 4)) as u8;
    }
}
