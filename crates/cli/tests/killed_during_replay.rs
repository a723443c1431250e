//! The CLI SIGKILLed again and again while it replays a queue of sends (issue 10, case 6):
//! 60 messages written offline, the process killed at twelve moments of the replay, then a
//! last sync to the end. Every message reaches its recipient once, and no draft is left in
//! the sender's Brouillons on the ENT.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure message

#[path = "support/cli.rs"]
mod cli;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use messagerie_core::client::conversation as api;
use messagerie_core::queue::DraftContent;
use messagerie_core::{Account, Mailbox};

const MESSAGES: usize = 60;
const KILLS: usize = 12;

fn cli_sync(dir: &std::path::Path, url: &str) -> Child {
    cli::signed(dir, url, "marie.durand")
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn all(mb: &Mailbox, folder: &str) -> Vec<String> {
    let mut out = Vec::new();
    for page in 0.. {
        let got = api::list(mb.client(), folder, page, 25).await.unwrap();
        let done = got.items.is_empty();
        out.extend(got.items.into_iter().map(|m| m.subject));
        if done || out.len() >= got.count as usize {
            break;
        }
    }
    out
}

struct Queued {
    _server: ent_server::testing::TestServer,
    url: String,
    dir: tempfile::TempDir,
    store: messagerie_core::store::Store,
    subjects: Vec<String>,
}

/// A server, and `n` sends queued in marie's CLI store (written offline: nothing replayed).
async fn queued_sends(n: usize) -> Queued {
    let server = ent_server::testing::TestServer::empty_demo().await;
    let url = server.url();
    let paul_id = server.id("paul.martin");
    let dir = tempfile::tempdir().unwrap();
    let account = Account::in_dir(dir.path(), &url, "marie.durand");
    let db = account.database_path();
    let subjects: Vec<String> = (0..n).map(|i| format!("Hors ligne {i:02}")).collect();
    {
        let mb = cli::signed_in(account, "marie.durand").await;
        for s in &subjects {
            let content = DraftContent {
                subject: s.clone(),
                body: "<p>Bonjour</p>".into(),
                to: vec![paul_id.clone()],
                ..Default::default()
            };
            mb.send(None, content).await.unwrap();
        }
    }
    // The queue as the CLI leaves it, read through a store of its own (as another process).
    let store = messagerie_core::store::Store::open_async(db).await.unwrap();
    Queued {
        _server: server,
        url,
        dir,
        store,
        subjects,
    }
}

impl Queued {
    async fn queued(&self) -> i64 {
        i64::from(self.store.read(messagerie_core::queue::len).await.unwrap())
    }

    /// Every subject reached paul once, and marie's Brouillons on the ENT are empty.
    async fn assert_delivered_once(&self) {
        assert_eq!(self.queued().await, 0);
        let web = tempfile::tempdir().unwrap();
        let url = &self.url;
        let paul = cli::signed_in(
            Account::in_dir(web.path(), url, "paul.martin"),
            "paul.martin",
        )
        .await;
        let inbox = all(&paul, "inbox").await;
        for s in &self.subjects {
            assert_eq!(
                inbox.iter().filter(|x| *x == s).count(),
                1,
                "{s} delivered once"
            );
        }
        let marie = cli::signed_in(
            Account::in_dir(web.path(), url, "marie.durand"),
            "marie.durand",
        )
        .await;
        let drafts = all(&marie, "draft").await;
        assert!(drafts.is_empty(), "orphan drafts: {drafts:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sixty_sends_replayed_by_a_cli_killed_twelve_times_arrive_once_without_orphan_drafts() {
    // Arrange
    let q = queued_sends(MESSAGES).await;
    let total = q.queued().await;
    assert_eq!(total, 2 * MESSAGES as i64);

    // Act: each run is killed (SIGKILL) as soon as it has replayed a few more entries.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut killed = 0;
    for k in 1..=KILLS {
        let target = total - (total * k as i64) / (KILLS as i64 + 2);
        let mut child = cli_sync(q.dir.path(), &q.url);
        loop {
            if child.try_wait().unwrap().is_some() || q.queued().await <= target {
                break;
            }
            assert!(Instant::now() < deadline, "the replay made no progress");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
    }
    assert!(
        killed >= KILLS / 2,
        "only {killed} runs were killed mid-replay"
    );
    let last = tokio::task::spawn_blocking({
        let (d, u) = (q.dir.path().to_path_buf(), q.url.clone());
        move || cli_sync(&d, &u).wait().unwrap()
    })
    .await
    .unwrap();

    // Assert
    assert!(last.success(), "the last sync ends well: {last:?}");
    q.assert_delivered_once().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_cli_syncs_at_once_over_one_store_send_each_queued_message_once() {
    // Arrange
    let q = queued_sends(20).await;

    // Act: two processes replay the same queue at the same time, then one more sync.
    let (d, u) = (q.dir.path().to_path_buf(), q.url.clone());
    let statuses = tokio::task::spawn_blocking(move || {
        let mut a = cli_sync(&d, &u);
        let mut b = cli_sync(&d, &u);
        let statuses = (a.wait().unwrap(), b.wait().unwrap());
        let last = cli_sync(&d, &u).wait().unwrap();
        (statuses, last)
    })
    .await
    .unwrap();

    // Assert: each process replayed the queue or was told the mailbox is in use (exit 7, the
    // account folder's lock), at least one replayed it, and every message arrived once.
    let (a, b) = statuses.0;
    for s in [a, b] {
        assert!(s.success() || s.code() == Some(7), "{s:?}");
    }
    assert!(a.success() || b.success(), "{statuses:?}");
    assert!(
        statuses.1.success(),
        "the last sync ends well: {statuses:?}"
    );
    q.assert_delivered_once().await;
}
