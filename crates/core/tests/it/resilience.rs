use std::time::Duration;

use ent_server::FaultKind;
use messagerie_core::mailbox::Event;
use messagerie_core::session::{Credentials, OAuthClient, Secret, Session};
use messagerie_core::sync::SyncMode;
use messagerie_core::{ErrorKind, Mailbox};

use crate::harness::TestApp;

#[tokio::test]
async fn a_session_that_expires_in_the_middle_of_a_sync_is_renewed_once() {
    // Arrange: 30 messages (two pages of the inbox, then 30 bodies to fetch).
    let app = TestApp::start().await;
    for i in 0..30 {
        app.deliver(
            "paul.martin",
            &["marie.durand"],
            &format!("S{i}"),
            "<p>x</p>",
        )
        .await;
    }
    let mb = app.mailbox("marie.durand").await;
    let before = mb.client().session().await.unwrap();
    let mut events = mb.events();

    // Act: the sessions end as soon as the first page of the inbox is in. The test runtime
    // has one thread, so nothing else of the sync runs between that event and the expiry.
    let expire_mid_sync = async {
        loop {
            match events.recv().await.unwrap() {
                Event::Progress {
                    folder,
                    done,
                    total,
                } if folder == "inbox" && done < total => {
                    app.server().faults().expire_sessions();
                    return;
                }
                _ => {}
            }
        }
    };
    let (report, ()) = tokio::join!(mb.sync(SyncMode::Quick), expire_mid_sync);

    // Assert
    let report = report.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.inserted, 30);
    assert_eq!(report.bodies_fetched, 30);
    let after = mb.client().session().await.unwrap();
    assert_ne!(after, before, "signed in again during the sync");
}

#[tokio::test]
async fn a_handed_in_session_that_expires_is_reported_as_session_expired() {
    let app = TestApp::start().await;
    let signed = app.mailbox("marie.durand").await;
    let session = signed.client().session().await.unwrap();
    let other = Mailbox::open(app.account_on("other", "marie.durand"))
        .await
        .unwrap();
    other.use_session(session).await.unwrap();
    app.server().faults().expire_sessions();

    let err = other.sync(SyncMode::Quick).await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::SessionExpired);
    assert!(err.is_auth_expired());
}

#[tokio::test]
async fn a_wrong_password_is_reported_as_bad_credentials() {
    let app = TestApp::start().await;
    let mb = Mailbox::open(app.account("marie.durand")).await.unwrap();

    let err = mb
        .sign_in(
            Credentials {
                login: "marie.durand".into(),
                password: "nope".into(),
            },
            None,
        )
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::BadCredentials);
}

#[tokio::test]
async fn oauth2_sign_in_uses_a_bearer_token_and_renews_it_when_it_expires() {
    // Arrange: the demo school registers the desktop client.
    let app = TestApp::start().await;
    let mb = Mailbox::open(app.account("marie.durand")).await.unwrap();
    let oauth = OAuthClient {
        client_id: "messagerie-desktop".into(),
        client_secret: Secret::new("demo-secret"),
    };

    // Act
    let session = mb
        .sign_in(
            Credentials {
                login: "marie.durand".into(),
                password: Secret::new("demo"),
            },
            Some(oauth),
        )
        .await
        .unwrap();
    app.server().faults().expire_sessions();
    let report = mb.sync(SyncMode::Quick).await;

    // Assert
    assert!(matches!(session, Session::Bearer { .. }));
    assert!(
        !format!("{session:?}").contains("demo"),
        "secrets stay out of Debug"
    );
    assert!(report.is_ok(), "{report:?}");
    let renewed = mb.client().session().await.unwrap();
    assert_ne!(renewed, session, "a new token after the expiry");
}

#[tokio::test]
async fn one_endpoint_failing_does_not_stop_the_rest_of_the_sync() {
    // Arrange: the trash answers 500, one message body answers malformed JSON.
    let app = TestApp::start().await;
    let good = app
        .deliver("paul.martin", &["marie.durand"], "Bon", "<p>ok</p>")
        .await;
    let broken = app
        .deliver("paul.martin", &["marie.durand"], "Cassé", "<p>ko</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    let faults = app.server().faults();
    faults.inject("/conversation/api/folders/trash", FaultKind::ServerError);
    faults.inject(
        &format!("/conversation/api/messages/{broken}"),
        FaultKind::MalformedJson,
    );
    let mut events = mb.events();

    // Act
    let report = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(report.inserted, 2);
    assert_eq!(report.bodies_fetched, 1);
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert!(mb.message(&good).await.unwrap().body.is_some());
    assert!(mb.message(&broken).await.unwrap().body.is_none());
    let mut kinds = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let Event::SyncError {
            error_kind: kind, ..
        } = e
        {
            kinds.push(kind);
        }
    }
    assert!(
        kinds.contains(&ErrorKind::Server) && kinds.contains(&ErrorKind::BadAnswer),
        "{kinds:?}"
    );

    // And once the ENT heals, the next check lists the trash again. The body the ENT refused
    // waits for its next ask (an hour) or for the message to be opened, which fetches it.
    faults.clear();
    let report = mb.sync(SyncMode::Quick).await.unwrap();
    assert!(!report.unchanged && report.errors.is_empty(), "{report:?}");
    assert_eq!(report.bodies_fetched, 0);
    assert!(mb.open_message(&broken).await.unwrap().body.is_some());
}

#[tokio::test]
async fn an_answer_that_never_ends_is_cut_off_and_the_rest_of_the_sync_goes_on() {
    // Arrange: one message's body answers 200 and keeps sending, without end.
    let app = TestApp::start().await;
    let (good, endless) = deliver_one_endless(&app).await;
    let mb = app.mailbox("marie.durand").await;

    // Act: well before the client's 60 s request timeout, by which an answer read whole would
    // have filled the memory.
    let report = tokio::time::timeout(Duration::from_secs(20), mb.sync(SyncMode::Quick))
        .await
        .expect("the sync gives up the endless answer")
        .unwrap();
    let opened = tokio::time::timeout(Duration::from_secs(20), mb.open_message(&endless))
        .await
        .expect("opening it gives up too")
        .unwrap();

    // Assert: the other body is stored, this one is not, and the error says why (the reading
    // pane too: not "not downloaded yet").
    assert_eq!(report.bodies_fetched, 1);
    assert!(mb.message(&good).await.unwrap().body.is_some());
    assert!(opened.body.is_none());
    assert_eq!(opened.body_error, Some(ErrorKind::BadAnswer));
    let [error] = &report.errors[..] else {
        panic!("{:?}", report.errors)
    };
    assert!(
        error.contains(&format!("/conversation/api/messages/{endless}"))
            && error.contains("longer than 32 MB"),
        "{error}"
    );

    // And once the ENT heals, opening it fetches it.
    app.server().faults().clear();
    let opened = mb.open_message(&endless).await.unwrap();
    assert!(opened.body.is_some());
    assert_eq!(opened.body_error, None);
}

#[tokio::test]
async fn a_message_the_ent_cannot_serve_does_not_make_every_check_a_full_sync() {
    // Arrange: the inbox holds a message whose answer never ends; a first sync stored the
    // other one and said why not this one.
    let app = TestApp::start().await;
    let (_, endless) = deliver_one_endless(&app).await;
    let mb = app.mailbox("marie.durand").await;
    let first = mb.sync(SyncMode::Quick).await.unwrap();
    assert_eq!(first.errors.len(), 1, "{first:?}");

    // Act: the periodic check, nothing new on the ENT.
    let check = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: the cheap check alone, not every folder listed and 32 MB downloaded again.
    assert!(check.unchanged, "{check:?}");
    assert_eq!(check.requests, 2);

    // New mail runs a pass, which does not ask for it again before its hour (it would read
    // 32 MB and fail again): the new message alone is fetched.
    app.deliver("paul.martin", &["marie.durand"], "Nouveau", "<p>n</p>")
        .await;
    let next = mb.sync(SyncMode::Quick).await.unwrap();
    assert!(next.errors.is_empty(), "{next:?}");
    assert_eq!(next.bodies_fetched, 1);
    assert!(mb.message(&endless).await.unwrap().body.is_none());
}

#[tokio::test]
async fn a_body_the_ent_refused_is_asked_for_again_after_an_hour_then_two_and_by_a_full_sync() {
    // Arrange: the first sync could not get « Sans fin » (refused once).
    let app = TestApp::start().await;
    let (_, endless) = deliver_one_endless(&app).await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();

    // Act and assert: a Full sync asks for every missing body, so for this one (refused twice).
    let full = mb.sync(SyncMode::Full).await.unwrap();
    assert_eq!(full.errors.len(), 1, "{full:?}");
    assert!(full.errors[0].contains("longer than 32 MB"), "{full:?}");

    // The ENT serves it again. An hour later, the check does not ask yet: the second refusal
    // doubled the wait.
    app.server().faults().clear();
    hour_passes(&app, "marie.durand");
    let check = mb.sync(SyncMode::Quick).await.unwrap();
    assert!(check.unchanged, "{check:?}");
    assert_eq!((check.requests, check.bodies_fetched), (2, 0));

    // Two hours after it, the check asks for that body alone (its own 2 requests, the body and
    // its unread restore: no folder listed), and the message stays unread.
    hour_passes(&app, "marie.durand");
    let check = mb.sync(SyncMode::Quick).await.unwrap();
    assert!(check.unchanged && check.errors.is_empty(), "{check:?}");
    assert_eq!((check.requests, check.bodies_fetched), (4, 1));
    assert!(mb.message(&endless).await.unwrap().body.is_some());
    assert_eq!(
        app.remote_unread("marie.durand", &endless).await,
        Some(true)
    );
}

/// Moves the refusals the store of `login` recorded an hour into the past, as if the hour
/// had gone by.
fn hour_passes(app: &TestApp, login: &str) {
    let conn = rusqlite::Connection::open(app.account(login).database_path()).unwrap();
    conn.execute("UPDATE body_refusals SET next_try = next_try - 3600000", [])
        .unwrap();
}

/// Two messages in marie's inbox, « Bon » then « Sans fin », whose answer never ends (a broken
/// proxy, an ENT stuck in a loop); returns their ids.
async fn deliver_one_endless(app: &TestApp) -> (String, String) {
    let good = app
        .deliver("paul.martin", &["marie.durand"], "Bon", "<p>ok</p>")
        .await;
    let endless = app
        .deliver("paul.martin", &["marie.durand"], "Sans fin", "<p>ko</p>")
        .await;
    app.server().faults().inject(
        &format!("/conversation/api/messages/{endless}"),
        FaultKind::Endless,
    );
    (good, endless)
}

#[tokio::test]
async fn a_body_the_ent_failed_to_serve_for_a_moment_is_fetched_at_the_next_check() {
    // Arrange: the ENT fails (500) on a message's body during the first sync.
    let app = TestApp::start().await;
    let id = app
        .deliver("paul.martin", &["marie.durand"], "Un", "<p>a</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    let faults = app.server().faults();
    faults.inject(
        &format!("/conversation/api/messages/{id}"),
        FaultKind::ServerError,
    );
    let first = mb.sync(SyncMode::Quick).await.unwrap();
    assert_eq!(first.errors.len(), 1, "{first:?}");
    faults.clear();

    // Act: the periodic check, nothing new on the ENT.
    let check = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: it ran a pass and fetched the body, without waiting for new mail.
    assert!(!check.unchanged, "{check:?}");
    assert_eq!(check.bodies_fetched, 1);
    assert!(mb.message(&id).await.unwrap().body.is_some());
}

#[tokio::test]
async fn a_locked_database_gives_a_clear_error_and_loses_nothing() {
    // Arrange: another process holds the write lock of the store.
    let app = TestApp::start().await;
    let a = app
        .deliver("paul.martin", &["marie.durand"], "Un", "<p>a</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let path = app.account("marie.durand").database_path();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();

    // Act
    let err = mb.trash(std::slice::from_ref(&a)).await.unwrap_err();

    // Assert
    assert_eq!(err.kind(), ErrorKind::Storage);
    assert!(err.is_retryable());
    assert!(err.to_string().contains("local store"), "{err}");
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(mb.list("inbox", 0, 10).await.unwrap().len(), 1);
    assert_eq!(
        mb.pending_actions().await.unwrap(),
        0,
        "no half-applied action"
    );
    mb.trash(std::slice::from_ref(&a)).await.unwrap();
    assert_eq!(mb.pending_actions().await.unwrap(), 1);
}

#[tokio::test]
async fn a_full_disk_gives_a_clear_error_and_loses_nothing() {
    // Arrange: the store may not grow by a single page (SQLite's own "disk full").
    let app = TestApp::start().await;
    let a = app
        .deliver("paul.martin", &["marie.durand"], "Un", "<p>a</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    mb.store()
        .write_blocking(|tx| {
            let pages: i64 = tx.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
            tx.pragma_update(None, "max_page_count", pages).unwrap();
            Ok(())
        })
        .unwrap();
    let big = "x".repeat(200_000);

    // Act: a draft too big for the space left.
    let err = mb
        .save_draft(
            None,
            messagerie_core::queue::DraftContent {
                subject: "Gros".into(),
                body: big,
                ..Default::default()
            },
        )
        .await
        .unwrap_err();

    // Assert
    assert_eq!(err.kind(), ErrorKind::Storage);
    assert!(
        matches!(&err, messagerie_core::Error::Store(e) if e.is_disk_full()),
        "{err:?}"
    );
    assert_eq!(
        mb.pending_actions().await.unwrap(),
        0,
        "no half-applied action"
    );
    assert_eq!(mb.list("inbox", 0, 10).await.unwrap()[0].id, a);
    assert!(mb.list("draft", 0, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_ent_that_asks_for_a_pause_gets_no_request_before_its_retry_after() {
    // Arrange: three messages; the first body read is answered 503 with `Retry-After: 1`, as
    // the proxy in front of a busy ENT does.
    let app = TestApp::start().await;
    app.deliver_n(3, "<p>x</p>").await;
    let mb = app.mailbox("marie.durand").await;
    app.server().faults().inject_times(
        "/conversation/api/messages/",
        FaultKind::Busy {
            status: 503,
            retry_after_secs: 1,
        },
        1,
    );

    // Act
    let started = std::time::Instant::now();
    let report = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: the refused read was sent again once, after the second the ENT asked for, and
    // the sync brought everything.
    assert!(report.errors.is_empty(), "{report:?}");
    assert_eq!(report.bodies_fetched, 3);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "the client came back before the ENT's Retry-After"
    );
}
