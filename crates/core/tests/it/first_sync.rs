//! A first sync is the long one (a school secretary's tens of thousands of messages): stopped
//! in the middle (the app quit, the laptop closed, the process killed), the next start goes on
//! from where it stopped instead of starting over.

use std::time::Duration;

use messagerie_core::mailbox::Event;
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

const MESSAGES: usize = 120;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_stopped_halfway_resumes_with_the_bodies_still_missing() {
    // Arrange: 120 unread messages, and a first sync stopped once half the bodies are stored
    // (the sync future dropped, as when the process dies: what was committed stays).
    let app = TestApp::start().await;
    for i in 0..MESSAGES {
        app.deliver(
            "paul.martin",
            &["marie.durand"],
            &format!("M{i}"),
            "<p>x</p>",
        )
        .await;
    }
    let mb = app.mailbox("marie.durand").await;
    let mut events = mb.events();
    let halfway = async {
        loop {
            match events.recv().await {
                Ok(Event::Progress { folder, done, .. })
                    if folder == "bodies" && done as usize >= MESSAGES / 2 =>
                {
                    return
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("events ended: {e}"),
            }
        }
    };
    tokio::select! {
        r = mb.sync(SyncMode::Quick) => panic!("the first sync ended before half its bodies: {r:?}"),
        () = halfway => {}
    }
    let stored_before = count_bodies(&mb).await;
    assert!(
        (MESSAGES / 2..MESSAGES).contains(&stored_before),
        "{stored_before}"
    );

    // Act: the next start syncs again.
    drop(mb);
    let mb = app.mailbox("marie.durand").await;
    let report = tokio::time::timeout(Duration::from_secs(60), mb.sync(SyncMode::Quick))
        .await
        .expect("the resumed sync ends")
        .unwrap();

    // Assert: only the missing bodies were fetched, nothing listed again beyond the cheap
    // check (the ENT's inbox did not change), every message is there with its body, and
    // none of them was left read on the ENT.
    let missing = MESSAGES - stored_before;
    assert_eq!(report.bodies_fetched as usize, missing, "{report:?}");
    assert!(
        report.requests as usize <= missing + 8,
        "a resumed first sync sent {} requests for {missing} bodies: {report:?}",
        report.requests
    );
    assert_eq!(count_bodies(&mb).await, MESSAGES);
    let inbox = mb.list("inbox", 0, 500).await.unwrap();
    assert_eq!(inbox.len(), MESSAGES);
    for m in &inbox {
        assert!(m.unread, "{} shows read in the app", m.subject);
        assert_eq!(
            app.remote_unread("marie.durand", &m.id).await,
            Some(true),
            "{}: a message the user never opened stays unread on the ENT",
            m.subject
        );
    }
}

async fn count_bodies(mb: &messagerie_core::Mailbox) -> usize {
    let mut n = 0;
    for m in mb.list("inbox", 0, 500).await.unwrap() {
        if mb
            .message(&m.id)
            .await
            .is_ok_and(|full| full.body.is_some())
        {
            n += 1;
        }
    }
    n
}
