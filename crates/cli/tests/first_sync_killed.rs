//! A first sync of 3,000 messages SIGKILLed once half the bodies are stored (issue 14): the
//! next run fetches only what is still missing (the bodies, and the pages of the listing not
//! stored yet) and leaves every message unread on the ENT.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure message

#[path = "support/cli.rs"]
mod cli;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ent_server::seed::InboxSeed;
use ent_server::testing::TestServer;
use messagerie_core::client::conversation as api;
use messagerie_core::Account;

const MESSAGES: usize = 3_000;

fn cli_sync(dir: &std::path::Path, url: &str) -> Command {
    let mut cmd = cli::signed(dir, url, "marie.durand");
    cmd.args(["--json", "sync"]);
    cmd
}

/// Bodies in the store, read as another process reads it (the CLI may be writing).
async fn bodies_stored(db: &std::path::Path) -> usize {
    count(db, "SELECT count(*) FROM messages WHERE body_synced = 1").await
}

async fn count(db: &std::path::Path, sql: &'static str) -> usize {
    let db = db.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let conn =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .ok()?;
        conn.busy_timeout(Duration::from_secs(5)).ok()?;
        conn.query_row(sql, [], |r| r.get::<_, i64>(0)).ok()
    })
    .await
    .unwrap()
    .unwrap_or(0) as usize
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_sync_killed_halfway_fetches_only_the_missing_bodies_on_the_next_run() {
    // Arrange: 3,000 unread messages on an ENT 1 ms away; a first sync killed (SIGKILL)
    // once half of the bodies are stored.
    let server = TestServer::empty_demo().await;
    server
        .server()
        .seed_inbox(InboxSeed {
            unread_every: 1,
            ..InboxSeed::new("marie.durand", MESSAGES)
        })
        .await
        .unwrap();
    server.faults().set_latency(Duration::from_millis(1));
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let db = Account::in_dir(dir.path(), &url, "marie.durand").database_path();
    let mut child = cli_sync(dir.path(), &url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while bodies_stored(&db).await < MESSAGES / 2 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sync ended before half its bodies"
        );
        assert!(Instant::now() < deadline, "the first sync made no progress");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let missing = MESSAGES - bodies_stored(&db).await;
    assert!(missing > 0, "the sync ended before it was killed");
    // Bodies are fetched while the listing goes on: it may not have ended yet. Its pages are
    // stored in order, 25 messages each.
    let listed = count(&db, "SELECT count(*) FROM messages").await;
    let unlisted_pages = MESSAGES.saturating_sub(listed).div_ceil(25);
    let remaining = missing + unlisted_pages;

    // Act: the next run.
    let (dir_path, url2) = (dir.path().to_path_buf(), url.clone());
    let out = tokio::task::spawn_blocking(move || cli_sync(&dir_path, &url2).output().unwrap())
        .await
        .unwrap();

    // Assert: it fetched the missing bodies, listed the pages not stored, and little else (no
    // listing again: the ENT did not change), and no message the user never opened is left
    // read on the ENT.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["bodiesFetched"].as_u64(),
        Some(missing as u64),
        "{report}"
    );
    let requests = report["requests"].as_u64().unwrap() as f64;
    assert!(
        requests <= remaining as f64 * 1.05,
        "{requests} requests for {missing} missing bodies and {unlisted_pages} pages: {report}"
    );
    assert_eq!(bodies_stored(&db).await, MESSAGES);
    let web = tempfile::tempdir().unwrap();
    let mb = cli::signed_in(
        Account::in_dir(web.path(), &server.url(), "marie.durand"),
        "marie.durand",
    )
    .await;
    let unread = api::count(mb.client(), "inbox", true).await.unwrap();
    assert_eq!(unread as usize, MESSAGES, "messages left read on the ENT");
}
