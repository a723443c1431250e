//! A replay killed at any moment (issue 10, case 6): sending is two steps on the ENT (create a
//! draft, send it by id), neither idempotent. Each test stops the replay at a step boundary,
//! as a SIGKILL would leave the store (the mailbox dropped, its claim on the entry left
//! behind), reopens the same SQLite file and syncs: every message must reach its recipient
//! once, and the sender's Brouillons on the ENT must hold no orphan draft.

use ent_server::FaultKind;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::Mailbox;

use crate::harness::TestApp;

fn content(to: String, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: vec![to],
        ..Default::default()
    }
}

/// Runs SQL on a mailbox's store file from outside, as another process would.
async fn on_store(mb: &Mailbox, sql: String) {
    let path = mb.account().database_path();
    tokio::task::spawn_blocking(move || {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        conn.execute_batch(&sql).unwrap();
    })
    .await
    .unwrap();
}

/// Leaves the queue as a process killed while replaying it would: claimed by a replay of
/// this process that no longer exists.
async fn die(mb: Mailbox) {
    let now = chrono_now();
    let sql = format!(
        "UPDATE queue SET claimed_by = '{}/killed', claimed_at = {now};",
        std::process::id()
    );
    on_store(&mb, sql).await;
    drop(mb);
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Where a replay stops.
#[derive(Debug, Clone, Copy)]
enum Boundary {
    /// Claimed, nothing sent yet.
    Claimed,
    /// The draft creation marked attempted, the request lost before the ENT ran it.
    CreateLost,
    /// The ENT created the draft; its answer (the id) was lost.
    CreateCommitted,
    /// The draft's id stored, the send not yet marked attempted.
    Mapped,
    /// The send marked attempted, the request lost before the ENT ran it.
    SendLost,
    /// The ENT sent the message; its answer was lost.
    SendCommitted,
}

const BOUNDARIES: [Boundary; 6] = [
    Boundary::Claimed,
    Boundary::CreateLost,
    Boundary::CreateCommitted,
    Boundary::Mapped,
    Boundary::SendLost,
    Boundary::SendCommitted,
];

#[tokio::test]
async fn a_send_killed_at_every_step_boundary_is_delivered_once_without_orphan_drafts() {
    let app = TestApp::start().await;
    let paul = app.id("paul.martin");
    for (i, boundary) in BOUNDARIES.iter().enumerate() {
        // Arrange: one message queued on its own device (its own store file).
        let device = format!("device-{i}");
        let subject = format!("Message {boundary:?}");
        let mb = app.mailbox_on(&device, "marie.durand").await;
        mb.send(None, content(paul.clone(), &subject))
            .await
            .unwrap();

        // Act: the replay stops at the boundary, the process dies, a new one syncs.
        let faults = app.server().faults();
        match boundary {
            Boundary::Claimed => {}
            Boundary::CreateLost => {
                faults.inject_times("/conversation/draft", FaultKind::DropConnection, 1)
            }
            Boundary::CreateCommitted => {
                faults.inject_times("/conversation/draft", FaultKind::CommitThenDrop, 1)
            }
            Boundary::Mapped | Boundary::SendLost => {
                faults.inject_times("/conversation/send", FaultKind::DropConnection, 1)
            }
            Boundary::SendCommitted => {
                faults.inject_times("/conversation/send", FaultKind::CommitThenDrop, 1)
            }
        }
        if !matches!(boundary, Boundary::Claimed) {
            assert!(mb.flush_queue().await.is_err(), "{boundary:?}");
        }
        faults.clear();
        if matches!(boundary, Boundary::Mapped) {
            // Killed after the id was stored, before the send was marked attempted.
            on_store(&mb, "UPDATE queue SET send_attempted_at = NULL;".into()).await;
        }
        die(mb).await;
        let mb = app.mailbox_on(&device, "marie.durand").await;
        mb.sync(SyncMode::Quick).await.unwrap();
        mb.sync(SyncMode::Quick).await.unwrap();

        // Assert
        assert_eq!(mb.pending_actions().await.unwrap(), 0, "{boundary:?}");
        let inbox = app.remote("paul.martin", "inbox").await;
        assert_eq!(
            inbox.iter().filter(|m| m.subject == subject).count(),
            1,
            "{boundary:?}: delivered once"
        );
        let drafts = app.remote("marie.durand", "draft").await;
        assert!(drafts.is_empty(), "{boundary:?}: orphan drafts {drafts:?}");
        let outbox = mb.list("outbox", 0, 10).await.unwrap();
        assert_eq!(
            outbox.iter().filter(|m| m.subject == subject).count(),
            1,
            "{boundary:?}: sent once here"
        );
    }
}

#[tokio::test]
async fn a_store_with_actions_queued_by_the_previous_version_opens_and_replays_them() {
    // Arrange: a store with only the first migration, its queue as the previous version wrote
    // it (a draft made offline, then its send).
    let app = TestApp::start().await;
    let marie = app.id("marie.durand");
    let paul = app.id("paul.martin");
    let account = app.account_on("old", "marie.durand");
    let path = account.database_path();
    let (m, p) = (marie.clone(), paul.clone());
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!(
            "../../src/store/migrations/20261128_0001_init.sql"
        ))
        .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('user_id', ?1), ('user_name', 'DURAND Marie')",
            [&m],
        )
        .unwrap();
        let local = "local-0b6a1f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
        conn.execute(
            "INSERT INTO messages (rowid, id, subject, from_id, state, date, origin)
             VALUES (1, ?1, 'Écrit avant la mise à jour', ?2, 'SENT', 1764400000000, 'user')",
            [local, &m],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO placements (folder_id, message_id, date) VALUES ('outbox', ?1, 1764400000000)",
            [local],
        )
        .unwrap();
        let content = serde_json::json!({
            "subject": "Écrit avant la mise à jour",
            "body": "<p>Bonjour</p>",
            "to": [p],
            "cc": [],
            "cci": [],
            "inReplyTo": null
        });
        let save = serde_json::json!({
            "action": {"type": "saveDraft", "id": local, "content": content},
            "before": []
        });
        let send = serde_json::json!({
            "action": {"type": "send", "id": local, "content": content},
            "before": [{"id": local, "folders": ["draft"], "unread": false, "trashed": false,
                        "userFolderId": null, "state": "DRAFT"}]
        });
        for (i, a) in [save, send].iter().enumerate() {
            conn.execute(
                "INSERT INTO queue (action, created_at) VALUES (?1, ?2)",
                rusqlite::params![a.to_string(), 1_764_400_000_000_i64 + i as i64],
            )
            .unwrap();
        }
    })
    .await
    .unwrap();

    // Act: the new version opens it (migrating it) and syncs.
    let mb = Mailbox::open(account).await.unwrap();
    assert_eq!(mb.pending_actions().await.unwrap(), 2);
    mb.sign_in(
        messagerie_core::session::Credentials {
            login: "marie.durand".into(),
            password: messagerie_core::session::Secret::new("demo"),
        },
        None,
    )
    .await
    .unwrap();
    mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    let inbox = app.remote("paul.martin", "inbox").await;
    assert_eq!(
        inbox
            .iter()
            .filter(|m| m.subject == "Écrit avant la mise à jour")
            .count(),
        1
    );
    assert!(app.remote("marie.durand", "draft").await.is_empty());
}

#[tokio::test]
async fn a_folder_created_by_the_ent_whose_answer_was_lost_is_taken_with_its_messages() {
    // Arrange: a folder made offline and a message moved into it; the ENT creates the folder
    // and the answer is lost.
    let app = TestApp::start().await;
    let id = app
        .deliver("paul.martin", &["marie.durand"], "À classer", "<p>x</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let folder = mb.create_folder("Sorties", None).await.unwrap();
    mb.move_to_folder(std::slice::from_ref(&id), &folder)
        .await
        .unwrap();
    app.server()
        .faults()
        .inject_times("/conversation/folder", FaultKind::CommitThenDrop, 1);
    assert!(mb.flush_queue().await.is_err());

    // Act
    let report = mb.flush_queue().await.unwrap();

    // Assert: one folder on the ENT, holding the message; nothing refused.
    assert!(report.refused.is_empty(), "{report:?}");
    assert_eq!(
        app.remote_folder_names("marie.durand").await,
        vec!["Sorties".to_string()]
    );
    let folders = mb.folders().await.unwrap();
    let here = folders.iter().find(|f| f.name == "Sorties").unwrap();
    let on_ent = app
        .with_web("marie.durand", async |c| {
            messagerie_core::client::conversation::list(c, &here.id, 0, 25)
                .await
                .unwrap()
                .items
        })
        .await;
    assert_eq!(on_ent.iter().map(|m| &m.id).collect::<Vec<_>>(), vec![&id]);
}

#[tokio::test]
async fn an_attachment_uploaded_by_the_ent_whose_answer_was_lost_is_on_the_draft_once() {
    // Arrange: a draft with a file, the upload committed and its answer lost.
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    let id = mb
        .save_draft(None, content(app.id("paul.martin"), "Avec pièce"))
        .await
        .unwrap();
    mb.flush_queue().await.unwrap();
    let file = app.dir.path().join("sortie.txt");
    std::fs::write(&file, b"autorisation de sortie").unwrap();
    mb.add_attachment(&id, &file).await.unwrap();
    app.server()
        .faults()
        .inject_times("/conversation/message/", FaultKind::CommitThenDrop, 1);
    assert!(mb.flush_queue().await.is_err());

    // Act
    drop(mb);
    let mb = app.mailbox("marie.durand").await;
    mb.flush_queue().await.unwrap();

    // Assert: one file on the ENT's draft, and the store names it by the ENT's id.
    let remote = mb.message(&id).await.unwrap().summary.id;
    let on_ent = app
        .with_web("marie.durand", async |c| {
            messagerie_core::client::conversation::message(c, &remote)
                .await
                .unwrap()
                .1
                .attachments
        })
        .await;
    assert_eq!(on_ent.len(), 1, "{on_ent:?}");
    let here = mb.message(&remote).await.unwrap().attachments;
    assert_eq!(
        here.iter().map(|a| &a.id).collect::<Vec<_>>(),
        vec![&on_ent[0].id]
    );
}

#[tokio::test]
async fn a_send_another_live_process_is_replaying_is_not_taken_back() {
    // Arrange: a send in its undo delay, claimed by a replay of another process that is alive
    // (process 1 always is).
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    let id = mb
        .send_delayed(
            None,
            content(app.id("paul.martin"), "Déjà en route"),
            std::time::Duration::from_secs(3600),
        )
        .await
        .unwrap();
    on_store(
        &mb,
        format!(
            "UPDATE queue SET claimed_by = '1/app', claimed_at = {};",
            chrono_now()
        ),
    )
    .await;

    // Act
    let taken_back = mb.cancel_send(&id).await.unwrap();

    // Assert: the other replay keeps it (it may be sending it right now).
    assert!(!taken_back);
    assert!(mb.pending_actions().await.unwrap() > 0);
}

/// A local failure while replaying (here the id map gone, as a damaged or full disk leaves
/// it) is a storage failure: the user is told about the disk, not that the ENT answered
/// nonsense. Before, the replay reported it as the ENT's bad answer.
#[tokio::test]
async fn a_store_that_fails_during_replay_is_reported_as_storage() {
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    // A folder made here has a local id until the ENT gives it its own: the replay reads the
    // id map to know whether it was created already.
    mb.create_folder("Sorties", None).await.unwrap();
    on_store(&mb, "DROP TABLE id_map;".into()).await;

    let error = mb.flush_queue().await.unwrap_err();

    assert_eq!(error.kind(), messagerie_core::ErrorKind::Storage, "{error}");
    assert!(!error.to_string().contains("ENT"), "{error}");
}
