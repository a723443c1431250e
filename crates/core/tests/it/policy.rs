//! Decisions the app's commands used to take themselves, now the core's: discarding a draft,
//! refusing a file larger than the space left, the folder depth allowed, the body as the
//! reading pane shows it, signing in again as the same user only.

use messagerie_core::mailbox::folder::DEFAULT_MAX_DEPTH;
use messagerie_core::queue::DraftContent;
use messagerie_core::session::{Credentials, Proof, Secret, Session};
use messagerie_core::sync::SyncMode;
use messagerie_core::{Error, ErrorKind, Mailbox};

use crate::harness::TestApp;

fn draft(to: String) -> DraftContent {
    DraftContent {
        subject: "Brouillon".into(),
        body: "<p>À finir</p>".into(),
        to: vec![to],
        ..Default::default()
    }
}

#[tokio::test]
async fn a_discarded_draft_is_gone_here_and_on_the_ent_not_left_in_the_trash() {
    // Arrange: a draft the ENT has, the composer still holding its local id.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    let local = marie
        .save_draft(None, draft(app.id("hugo.leroy")))
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();
    assert_eq!(app.remote("marie.durand", "draft").await.len(), 1);

    // Act
    marie.discard_draft(&local).await.unwrap();
    marie.flush_queue().await.unwrap();

    // Assert
    for folder in ["draft", "trash"] {
        assert!(
            marie.list(folder, 0, 10).await.unwrap().is_empty(),
            "{folder}"
        );
        assert!(
            app.remote("marie.durand", folder).await.is_empty(),
            "{folder}"
        );
    }
}

#[tokio::test]
async fn a_received_message_is_never_discarded_as_a_draft() {
    let app = TestApp::start().await;
    app.deliver("paul.martin", &["marie.durand"], "Sortie", "<p>Demain</p>")
        .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let id = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();

    let error = marie.discard_draft(&id).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(marie.list("inbox", 0, 10).await.unwrap().len(), 1);
    assert_eq!(marie.pending_actions().await.unwrap(), 0);
}

#[tokio::test]
async fn a_file_larger_than_the_space_left_is_refused_before_anything_is_queued() {
    // Arrange: 1,000 bytes of space on the ENT.
    let app = TestApp::start_with(|c| c.quota_bytes = 1000).await;
    let marie = app.mailbox("marie.durand").await;
    let id = marie
        .save_draft(None, draft(app.id("hugo.leroy")))
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();
    let files = tempfile::tempdir().unwrap();
    let (big, small) = (files.path().join("video.mp4"), files.path().join("mot.txt"));
    std::fs::write(&big, vec![0u8; 2000]).unwrap();
    std::fs::write(&small, vec![b'a'; 500]).unwrap();

    // Act
    let refused = marie.add_attachment(&id, &big).await.unwrap_err();
    let queued_after_refusal = marie.pending_actions().await.unwrap();
    marie.add_attachment(&id, &small).await.unwrap();

    // Assert
    assert!(
        matches!(
            refused,
            Error::OverQuota {
                size: 2000,
                left: 1000
            }
        ),
        "{refused:?}"
    );
    assert_eq!(refused.kind(), ErrorKind::Refused);
    assert_eq!(queued_after_refusal, 0);
    let names: Vec<String> = marie
        .message(&id)
        .await
        .unwrap()
        .attachments
        .into_iter()
        .map(|a| a.filename)
        .collect();
    assert_eq!(names, ["mot.txt"]);
}

#[tokio::test]
async fn offline_with_the_space_never_asked_a_file_is_queued_and_the_ent_decides() {
    let mut app = TestApp::start_with(|c| c.quota_bytes = 1000).await;
    let marie = app.mailbox("marie.durand").await;
    app.stop().await;
    let id = marie
        .save_draft(None, draft(app.id("hugo.leroy")))
        .await
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let big = files.path().join("video.mp4");
    std::fs::write(&big, vec![0u8; 2000]).unwrap();

    marie.add_attachment(&id, &big).await.unwrap();

    assert_eq!(marie.message(&id).await.unwrap().attachments.len(), 1);
}

#[tokio::test]
async fn the_folder_depth_is_the_ents_and_its_default_offline() {
    let mut app = TestApp::start_with(|c| c.max_folder_depth = 5).await;
    let marie = app.mailbox("marie.durand").await;

    let online = marie.max_folder_depth().await;
    app.stop().await;
    let offline = marie.max_folder_depth().await;

    assert_eq!(online, 5);
    assert_eq!(offline, DEFAULT_MAX_DEPTH);
}

#[tokio::test]
async fn an_opened_message_carries_its_safe_body_links_and_remote_images_not_the_raw_one() {
    let app = TestApp::start().await;
    app.deliver(
        "paul.martin",
        &["marie.durand"],
        "Sortie",
        "<p onclick=\"steal()\">Programme : <a href=\"https://college.example/sortie\">ici</a> \
         <a href=\"javascript:steal()\">là</a><img src=\"https://tracker.example/p.png\"></p>\
         <script>steal()</script>",
    )
    .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Full).await.unwrap();
    let id = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();

    let opened = marie.open_message(&id).await.unwrap();

    let body = opened.body.expect("the body was synced");
    assert_eq!(body.links, ["https://college.example/sortie"]);
    assert!(body.remote_images);
    assert!(!body.html.contains("script") && !body.html.contains("onclick"));
    assert!(!body.html.contains("javascript:"));
    assert_eq!(opened.message.body, None);
    assert!(!opened.message.summary.unread);
}

/// A fresh ENT session of `login`, as the ENT's page gives one (signed in on another device).
async fn web_session(app: &TestApp, login: &str) -> Session {
    let other = Mailbox::open(app.account_on("web", login)).await.unwrap();
    other
        .sign_in(
            Credentials {
                login: login.into(),
                password: Secret::new("demo"),
            },
            None,
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn signing_in_again_as_another_user_is_refused_and_the_account_stays_its_own() {
    // Arrange: Marie's session ended; Hugo signs in on the ENT's page.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.client().set_session(None).await;
    let hugo = web_session(&app, "hugo.leroy").await;

    // Act
    let error = marie
        .sign_in_again_as("hugo.leroy", Proof::Session(hugo))
        .await
        .unwrap_err();

    // Assert: refused before anything was used; the store still says Marie.
    assert!(
        matches!(&error, Error::NotTheOpenAccount { login } if login == "hugo.leroy"),
        "{error:?}"
    );
    assert_eq!(marie.client().session().await, None);
    let (id, _) = marie.user().await.unwrap().unwrap();
    assert_eq!(id, app.id("marie.durand"));
}

#[tokio::test]
async fn signing_in_again_as_the_same_user_lets_the_queued_actions_reach_the_ent() {
    // Arrange: Marie's session ended on the ENT (no password kept); a trash waits.
    let app = TestApp::start().await;
    app.deliver("paul.martin", &["marie.durand"], "Sortie", "<p>Demain</p>")
        .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let id = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();
    marie.client().set_sign_in(Default::default()).await;
    marie.client().set_session(None).await;
    marie.trash(std::slice::from_ref(&id)).await.unwrap();
    let renewed = web_session(&app, "marie.durand").await;

    // Act
    marie
        .sign_in_again_as("marie.durand", Proof::Session(renewed))
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();

    // Assert
    assert!(app.remote("marie.durand", "inbox").await.is_empty());
    assert_eq!(app.remote("marie.durand", "trash").await.len(), 1);
}

#[tokio::test]
async fn a_download_rides_out_a_failed_answer_and_an_ended_session_like_any_request() {
    // Arrange: Marie received a file; then the ENT ends her session and fails once.
    let app = TestApp::start().await;
    let content = DraftContent {
        subject: "Pièce jointe".into(),
        to: vec![app.id("marie.durand")],
        ..Default::default()
    };
    app.with_web("paul.martin", async |c| {
        use messagerie_core::client::conversation as api;
        let id = api::create_draft(c, &content).await.unwrap();
        api::add_attachment(c, &id, "menu.txt", "text/plain", b"frites".to_vec(), None)
            .await
            .unwrap();
        api::send(c, &id, &content).await.unwrap();
    })
    .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let id = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();
    let file = marie.message(&id).await.unwrap().attachments[0].id.clone();
    let faults = app.server().faults();
    faults.expire_sessions();
    faults.inject_times(
        &ent_protocol::paths::attachment(&id, &file),
        ent_server::FaultKind::ServerError,
        1,
    );

    // Act
    let path = marie.attachment_file(&id, &file).await.unwrap();

    // Assert
    assert_eq!(std::fs::read(path).unwrap(), b"frites");
}
