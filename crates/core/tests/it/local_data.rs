//! Local data on a shared school computer: private files, one process per mailbox, a sign-out
//! that ends the session on the ENT, and a damaged store that no longer stops every start.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use messagerie_core::client::{auth, Client};
use messagerie_core::mailbox::Unsent;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::{Account, Mailbox};

use crate::harness::TestApp;

fn draft(to: String, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: vec![to],
        ..Default::default()
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn after_a_sync_the_account_folder_is_0700_and_its_files_0600() {
    // Arrange
    let app = TestApp::start().await;
    app.deliver("paul.martin", &["marie.durand"], "Privé", "<p>x</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;

    // Act
    mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: nobody else on the computer can read the mailbox.
    let account = mb.account().clone();
    let db = account.database_path();
    assert_eq!(mode(&account.dir), 0o700);
    for file in [
        db.clone(),
        with_suffix(&db, "-wal"),
        with_suffix(&db, "-shm"),
        account.dir.join(messagerie_core::lock::LOCK_FILE),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_folder_left_readable_by_an_older_version_is_made_private_at_open() {
    use std::os::unix::fs::PermissionsExt as _;
    // Arrange: what older versions left: 0755 folders, 0644 files.
    let app = TestApp::start().await;
    let account = app.account("marie.durand");
    let cache = account.dir.join("attachments/m1");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(cache.join("a1-devoir.pdf"), b"%PDF").unwrap();
    drop(Mailbox::open(account.clone()).await.unwrap());
    for (path, m) in [
        (account.dir.clone(), 0o755),
        (cache.clone(), 0o755),
        (cache.join("a1-devoir.pdf"), 0o644),
        (account.database_path(), 0o644),
    ] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
    }

    // Act
    let _mb = Mailbox::open(account.clone()).await.unwrap();

    // Assert
    assert_eq!(mode(&account.dir), 0o700);
    assert_eq!(mode(&cache), 0o700);
    assert_eq!(mode(&cache.join("a1-devoir.pdf")), 0o600);
    assert_eq!(mode(&account.database_path()), 0o600);
}

#[tokio::test]
async fn a_second_open_of_one_mailbox_is_refused_until_the_first_is_closed() {
    // Arrange
    let app = TestApp::start().await;
    let first = Mailbox::open(app.account("marie.durand")).await.unwrap();

    // Act
    let second = Mailbox::open(app.account("marie.durand")).await;

    // Assert: refused with a message that says what to do; another account is not affected.
    let err = second.unwrap_err();
    assert!(err.is_mailbox_in_use(), "{err:?}");
    assert!(
        err.to_string().contains(
            "this mailbox is open in another Messagerie window or command; close it first"
        ),
        "{err}"
    );
    Mailbox::open(app.account("paul.martin")).await.unwrap();
    let clone = first.clone();
    drop(first);
    assert!(
        Mailbox::open(app.account("marie.durand")).await.is_err(),
        "a clone still holds it"
    );
    drop(clone);
    Mailbox::open(app.account("marie.durand")).await.unwrap();
}

#[tokio::test]
async fn after_sign_out_the_session_is_dead_on_the_ent() {
    // Arrange
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    let session = mb.client().session().await.unwrap();
    let someone_else = Client::new(&app.url()).unwrap();
    someone_else.set_session(Some(session)).await;
    assert!(auth::userinfo(&someone_else).await.is_ok());

    // Act
    mb.sign_out().await;

    // Assert: the same cookie (as the ENT window or a copy would still hold it) is refused.
    assert!(auth::userinfo(&someone_else).await.is_err());
    assert!(mb.client().session().await.is_none());
}

#[tokio::test]
async fn unsent_work_counts_queued_messages_and_local_drafts() {
    // Arrange: offline, two messages sent and one draft saved.
    let mut app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    app.stop().await;
    let paul = app.id("paul.martin");
    mb.send(None, draft(paul.clone(), "Un")).await.unwrap();
    mb.send(None, draft(paul.clone(), "Deux")).await.unwrap();
    mb.save_draft(None, draft(paul, "Brouillon")).await.unwrap();

    // Act
    let unsent = mb.unsent().await.unwrap();

    // Assert
    assert_eq!(
        unsent,
        Unsent {
            messages: 2,
            drafts: 1
        }
    );
}

/// The files of the account folder whose name starts with `mailbox.sqlite.damaged-`.
fn damaged_files(account: &Account) -> Vec<PathBuf> {
    std::fs::read_dir(&account.dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with("mailbox.sqlite.damaged-")
                && !name.ends_with("-wal")
                && !name.ends_with("-shm")
        })
        .collect()
}

#[tokio::test]
async fn a_store_with_a_corrupt_header_opens_fresh_keeps_the_damaged_file_and_syncs_again() {
    // Arrange: a synced mailbox whose file header is then overwritten.
    let app = TestApp::start().await;
    app.deliver("paul.martin", &["marie.durand"], "Avant", "<p>x</p>")
        .await;
    let account = app.account("marie.durand");
    {
        let mb = app.mailbox("marie.durand").await;
        mb.sync(SyncMode::Quick).await.unwrap();
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(account.database_path())
        .unwrap();
    file.write_all(&[0xA5; 100]).unwrap();
    drop(file);

    // Act
    let mb = app.mailbox("marie.durand").await;

    // Assert: a fresh store, the damaged file kept aside and named, the user told the queue
    // could not be read from it; the next sync brings the mail back.
    let recovery = mb
        .store_recovery()
        .cloned()
        .expect("the damage is reported");
    assert_eq!(recovery.recovered_actions, None);
    assert_eq!(damaged_files(&account), vec![recovery.damaged_file.clone()]);
    assert!(mb.list("inbox", 0, 10).await.unwrap().is_empty());
    mb.sync(SyncMode::Quick).await.unwrap();
    let inbox = mb.list("inbox", 0, 10).await.unwrap();
    assert_eq!(
        inbox.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>(),
        ["Avant"]
    );
    drop(mb);
    assert!(
        app.mailbox("marie.durand").await.store_recovery().is_none(),
        "the fresh store opens cleanly"
    );
}

/// Overwrites the first page of `table`'s b-tree with garbage (after folding the WAL in).
fn damage_table(db: &Path, table: &str) {
    let (page, size): (i64, i64) = {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let page = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        (page, size)
    };
    let mut file = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    file.seek(SeekFrom::Start(u64::try_from((page - 1) * size).unwrap()))
        .unwrap();
    file.write_all(&vec![0xFF; usize::try_from(size).unwrap()])
        .unwrap();
}

#[tokio::test]
async fn a_damaged_store_whose_queue_is_readable_keeps_the_unsent_messages() {
    // Arrange: two messages sent offline, then a page of the messages table damaged, met by
    // a listing (which fails, and asks the next start for a whole check).
    let mut app = TestApp::start().await;
    app.deliver("paul.martin", &["marie.durand"], "Reçu", "<p>x</p>")
        .await;
    let account = app.account("marie.durand");
    let paul = app.id("paul.martin");
    {
        let mb = app.mailbox("marie.durand").await;
        mb.sync(SyncMode::Quick).await.unwrap();
        app.stop().await;
        mb.send(None, draft(paul.clone(), "Hors ligne 1"))
            .await
            .unwrap();
        mb.send(None, draft(paul, "Hors ligne 2")).await.unwrap();
    }
    // The first send had reached the point where its draft was about to be created (a step
    // marker): the marker must survive the recovery, or a replay could create it twice.
    let marked: i64 = 1_700_000_000_000;
    rusqlite::Connection::open(account.database_path())
        .unwrap()
        .execute(
            "UPDATE queue SET create_attempted_at = ?1 WHERE seq = (SELECT MIN(seq) FROM queue)",
            [marked],
        )
        .unwrap();
    damage_table(&account.database_path(), "messages");
    let damaged = Mailbox::open(account.clone()).await.unwrap();
    let met = damaged.list("inbox", 0, 10).await.unwrap_err();
    assert_eq!(met.kind(), messagerie_core::ErrorKind::Storage, "{met:?}");
    drop(damaged);

    // Act: the next start.
    let mb = Mailbox::open(account.clone()).await.unwrap();

    // Assert: the queue was carried over, and replaying it sends both messages once each.
    let recovery = mb
        .store_recovery()
        .cloned()
        .expect("the damage is reported");
    assert!(recovery.damaged_file.exists());
    assert_eq!(mb.unsent().await.unwrap().messages, 2);
    assert_eq!(
        recovery.recovered_actions,
        Some(mb.pending_actions().await.unwrap())
    );
    let carried: Option<i64> = rusqlite::Connection::open(account.database_path())
        .unwrap()
        .query_row(
            "SELECT create_attempted_at FROM queue ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(carried, Some(marked), "the step marker is carried over");
    app.restart().await;
    drop(mb);
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    let paul_inbox = app.remote("paul.martin", "inbox").await;
    for subject in ["Hors ligne 1", "Hors ligne 2"] {
        assert_eq!(
            paul_inbox.iter().filter(|m| m.subject == subject).count(),
            1,
            "{subject}"
        );
    }
}
