//! A first sync is the long one (a school secretary's tens of thousands of messages): stopped
//! in the middle (the app quit, the laptop closed, the process killed), the next start goes on
//! from where it stopped instead of starting over.

use std::time::Duration;

use ent_server::seed::InboxSeed;
use ent_server::FaultKind;
use messagerie_core::client::pace::MAX_IN_FLIGHT;
use messagerie_core::mailbox::Event;
use messagerie_core::message::MessageSummary;
use messagerie_core::sync::engine::QUEUE_BYTES;
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

const MESSAGES: usize = 120;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_stopped_halfway_resumes_with_the_bodies_still_missing() {
    // Arrange: 120 unread messages, and a first sync stopped once half the bodies are stored
    // (the sync future dropped, as when the process dies: what was committed stays). The ENT
    // answers only the first half of the body requests, so that "half" does not depend on
    // how the store happened to cut its batches on a busy machine.
    let app = TestApp::start().await;
    app.deliver_n(MESSAGES, "<p>x</p>").await;
    app.server().faults().inject_after(
        "/conversation/api/messages/",
        FaultKind::Hang,
        (MESSAGES / 2) as u32,
    );
    let mb = app.mailbox("marie.durand").await;
    let mut events = mb.events();
    tokio::select! {
        r = mb.sync(SyncMode::Quick) => panic!("the first sync ended before half its bodies: {r:?}"),
        _ = progress(&mut events, "bodies", (MESSAGES / 2) as u32) => {}
    }
    let stored_before = count_bodies(&mb).await;
    assert_eq!(stored_before, MESSAGES / 2);

    // Act: the next start syncs again, the ENT answering again.
    drop(mb);
    app.server().faults().clear();
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
    assert_left_unread(&app, &inbox, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_stores_bodies_while_it_still_lists_the_mailbox() {
    // Arrange: 300 unread messages, 12 pages of the inbox; past the check and the first page
    // of the listing, the ENT takes a second for each page.
    let app = TestApp::start().await;
    app.deliver_n(300, "<p>x</p>").await;
    app.server().faults().inject_after(
        "/conversation/api/folders/inbox/messages",
        FaultKind::Delay(Duration::from_secs(1)),
        2,
    );
    let mb = app.mailbox("marie.durand").await;
    let mut events = mb.events();

    // Act
    let sync = mb.sync(SyncMode::Quick);
    tokio::pin!(sync);
    let stored = tokio::select! {
        r = &mut sync => panic!("the first sync ended before any body was counted: {r:?}"),
        done = progress(&mut events, "bodies", 0) => done,
    };

    // Assert: the first bodies are stored while pages of the inbox are still to come, and the
    // sync ends with every message, its body, and its unread flag kept on the ENT.
    let listed = mb.list("inbox", 0, 500).await.unwrap().len();
    assert!(stored > 0);
    assert!(
        listed < 300,
        "{stored} bodies stored only once the whole inbox ({listed}) was listed"
    );
    let report = sync.await.unwrap();
    app.server().faults().clear();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.bodies_fetched, 300);
    assert_eq!(count_bodies(&mb).await, 300);
    let inbox = mb.list("inbox", 0, 500).await.unwrap();
    assert_left_unread(&app, &inbox, 25).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_stopped_while_it_lists_goes_on_from_the_first_page_not_stored() {
    // Arrange: 600 unread messages, 24 pages of the inbox. The ENT never answers page 10, so a
    // first sync stores pages 0 to 9 and their bodies and goes no further; it is stopped there
    // (the sync future dropped, as when the process dies: what was committed stays).
    const ALL: usize = 600;
    const PAGES: usize = ALL / 25;
    let app = TestApp::start().await;
    app.deliver_n(ALL, "<p>x</p>").await;
    let faults = app.server().faults();
    faults.inject(
        "/conversation/api/folders/inbox/messages?page=10&",
        FaultKind::Hang,
    );
    let mb = app.mailbox("marie.durand").await;
    {
        let sync = mb.sync(SyncMode::Quick);
        tokio::pin!(sync);
        let stopped = async {
            while mb.list("inbox", 0, 1000).await.unwrap().len() < 250
                || count_bodies(&mb).await < 250
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::select! {
            r = &mut sync => panic!("the first sync ended with a page unanswered: {r:?}"),
            r = tokio::time::timeout(Duration::from_secs(60), stopped) => r.expect("pages 0 to 9 and their bodies stored"),
        }
    }
    assert_eq!(mb.list("inbox", 0, 1000).await.unwrap().len(), 250);
    drop(mb);

    // Act: the next start syncs again. The ENT answers every page now, but fails any listing
    // of the inbox beyond what going on needs: the check's first page, then pages 10 to 23.
    faults.clear();
    faults.inject_after(
        "/conversation/api/folders/inbox/messages",
        FaultKind::ServerError,
        1 + (PAGES - 10) as u32,
    );
    let mb = app.mailbox("marie.durand").await;
    let report = tokio::time::timeout(Duration::from_secs(60), mb.sync(SyncMode::Quick))
        .await
        .expect("the resumed sync ends")
        .unwrap();
    faults.clear();

    // Assert: no page was listed twice (none failed), only the 350 bodies still missing were
    // fetched, every message is there with its body, and none is left read on the ENT.
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.bodies_fetched as usize, ALL - 250, "{report:?}");
    assert_eq!(count_bodies(&mb).await, ALL);
    let inbox = mb.list("inbox", 0, 1000).await.unwrap();
    assert_eq!(inbox.len(), ALL);
    assert_left_unread(&app, &inbox, 20).await;
}

#[tokio::test]
async fn a_first_sync_on_a_slow_disk_downloads_only_a_few_megabytes_ahead_of_it() {
    // Arrange: sixty unread messages of a megabyte each (a picture pasted into the text), and
    // a store that cannot write for two seconds once the first of them are stored: another
    // program holds its write lock (a backup, an antivirus scan).
    const LARGE: usize = 60;
    let app = TestApp::start().await;
    let picture = format!(
        "<p><img src=\"data:image/png;base64,{}\"></p>",
        "A".repeat(1 << 20)
    );
    app.server()
        .seed_inbox(InboxSeed {
            unread_every: 1,
            body: Some(picture.clone()),
            ..InboxSeed::new("marie.durand", LARGE)
        })
        .await
        .unwrap();
    let mb = app.mailbox("marie.durand").await;
    let path = app.account("marie.durand").database_path();
    let mut events = mb.events();
    let slow_disk = async {
        progress(&mut events, "bodies", 1).await;
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let stored = count_bodies(&mb).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Each body read makes it read on the ENT until the store restores it: what the ENT
        // shows read is what was downloaded.
        let remote = app.remote("marie.durand", "inbox").await;
        let downloaded = remote.iter().filter(|m| !m.unread).count();
        other.execute_batch("ROLLBACK").unwrap();
        downloaded - stored
    };

    // Act
    let (report, ahead) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(mb.sync(SyncMode::Quick), slow_disk)
    })
    .await
    .expect("the sync ends once the disk is free");

    // Assert: while the store could not write, the downloads stopped once they held
    // `QUEUE_BYTES` of bodies besides the requests in flight (and the one waiting for room),
    // instead of the 200 bodies the queue holds (here all sixty).
    let in_memory = QUEUE_BYTES / picture.len() + MAX_IN_FLIGHT + 1;
    assert!(
        ahead <= in_memory,
        "{ahead} bodies downloaded and not stored (at most {in_memory})"
    );
    let report = report.unwrap();
    assert!(report.errors.is_empty(), "{report:?}");
    assert_eq!(count_bodies(&mb).await, LARGE);
    let inbox = mb.list("inbox", 0, 100).await.unwrap();
    assert_left_unread(&app, &inbox, 1).await;
}

#[tokio::test]
async fn a_folder_emptied_on_the_web_while_it_is_listed_is_not_asked_for_to_its_old_end() {
    // Arrange: 2,000 messages, 80 pages of the inbox. The inbox's page 1 is answered five
    // seconds late, and meanwhile the user trashes all but the 100 newest on the ENT's web
    // page: the count the first page gave (2,000) is stale before page 7 is asked for.
    let app = TestApp::start().await;
    app.server()
        .seed_inbox(InboxSeed::new("marie.durand", 2_000))
        .await
        .unwrap();
    let remote: Vec<String> = app
        .remote("marie.durand", "inbox")
        .await
        .into_iter()
        .map(|m| m.id)
        .collect();
    let faults = app.server().faults();
    faults.inject(
        "/conversation/api/folders/inbox/messages?page=1&",
        FaultKind::Delay(Duration::from_secs(5)),
    );
    // Counts the inbox's pages: any asked for beyond 20 fails, and fails the sync.
    faults.inject_after(
        "/conversation/api/folders/inbox/messages",
        FaultKind::ServerError,
        20,
    );
    let mb = app.mailbox("marie.durand").await;
    let mut events = mb.events();
    let trash_on_the_web = async {
        progress(&mut events, "inbox", 0).await;
        app.web_trash("marie.durand", &remote[100..]).await;
    };

    // Act
    let (report, ()) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(mb.sync(SyncMode::Quick), trash_on_the_web)
    })
    .await
    .expect("the sync ends");

    // Assert: the listing stopped at the inbox's new end (the first empty page, and those
    // already in flight), not at page 80; the next pass puts every message where it is.
    let report = report.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    faults.clear();
    mb.sync(SyncMode::Full).await.unwrap();
    assert_eq!(mb.list("inbox", 0, 3_000).await.unwrap().len(), 100);
    assert_eq!(mb.list("trash", 0, 3_000).await.unwrap().len(), 1_900);
}

/// Waits for a progress event of `folder` that counts at least `done`, and returns its count.
/// Events missed while this lagged behind are skipped: a later one counts more.
async fn progress(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    folder: &str,
    done: u32,
) -> u32 {
    loop {
        match events.recv().await {
            Ok(Event::Progress {
                folder: f, done: d, ..
            }) if f == folder && d >= done => return d,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(e) => panic!("events ended: {e}"),
        }
    }
}

/// Every `step`-th message of `inbox` (all unread on the ENT before the sync read their bodies)
/// shows unread in the app and is unread on the ENT: a message the user never opened stays so.
async fn assert_left_unread(app: &TestApp, inbox: &[MessageSummary], step: usize) {
    for m in inbox.iter().step_by(step) {
        assert!(m.unread, "{} shows read in the app", m.subject);
        assert_eq!(
            app.remote_unread("marie.durand", &m.id).await,
            Some(true),
            "{}: left read on the ENT",
            m.subject
        );
    }
}

async fn count_bodies(mb: &messagerie_core::Mailbox) -> usize {
    let mut n = 0;
    for m in mb.list("inbox", 0, 1000).await.unwrap() {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_opened_during_the_first_sync_shows_its_body_at_once_and_stays_read() {
    // Arrange: 200 unread messages on an ENT 20 ms away, a first sync under way with bodies
    // still to download.
    let app = TestApp::start().await;
    app.deliver_n(200, "<p>corps</p>").await;
    app.server().faults().set_latency(Duration::from_millis(20));
    let mb = app.mailbox("marie.durand").await;
    let mut events = mb.events();
    let sync = mb.sync(SyncMode::Quick);
    tokio::pin!(sync);
    tokio::select! {
        r = &mut sync => panic!("the first sync ended before its bodies: {r:?}"),
        _ = progress(&mut events, "bodies", 0) => {}
    }

    // Act: the user opens a message whose body the sync has not downloaded yet.
    let mut waiting = None;
    for m in mb.list("inbox", 0, 500).await.unwrap() {
        if mb.message(&m.id).await.unwrap().body.is_none() {
            waiting = Some(m.id);
            break;
        }
    }
    let id = waiting.expect("a body still to download");
    let opened = tokio::select! {
        r = &mut sync => panic!("the sync ended before the message was opened: {r:?}"),
        opened = mb.read(&id) => opened.unwrap(),
    };

    // Assert: its body is there before the sync ends; once the sync is over, the message
    // the user read is read on the ENT, the others still unread.
    assert!(opened.body.unwrap().contains("corps"));
    let report = sync.await.unwrap();
    assert!(report.errors.is_empty(), "{report:?}");
    app.server().faults().set_latency(Duration::ZERO);
    mb.flush_queue().await.unwrap();
    assert_eq!(app.remote_unread("marie.durand", &id).await, Some(false));
    let inbox = app.remote("marie.durand", "inbox").await;
    assert_eq!(inbox.iter().filter(|m| m.unread).count(), 199);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_of_large_messages_stores_them_a_few_megabytes_at_a_time() {
    // Arrange: twelve unread messages of a megabyte each (a pasted document, a long thread
    // quoted again and again), 12 MB in all.
    const LARGE: usize = 12;
    let app = TestApp::start().await;
    let body = format!("<p>{}</p>", "compte rendu ".repeat(1_000_000 / 13));
    app.deliver_n(LARGE, &body).await;
    let mb = app.mailbox("marie.durand").await;
    let mut events = mb.events();
    let progress = async {
        let mut steps = Vec::new();
        let mut last = 0;
        while last < LARGE as u32 {
            match events.recv().await {
                Ok(Event::Progress { folder, done, .. }) if folder == "bodies" => {
                    steps.push(done - last);
                    last = done;
                }
                Ok(_) => {}
                Err(e) => panic!("events ended or lagged: {e}"),
            }
        }
        steps
    };

    // Act
    let (report, steps) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(mb.sync(SyncMode::Quick), progress)
    })
    .await
    .expect("the sync and its progress end");

    // Assert: every body is stored, in batches that end once they hold 4 MiB (five of these
    // bodies), not all twelve held in memory to be written at once.
    let report = report.unwrap();
    assert!(report.errors.is_empty(), "{report:?}");
    assert_eq!(report.bodies_fetched as usize, LARGE);
    assert_eq!(count_bodies(&mb).await, LARGE);
    assert!(
        steps.iter().all(|&n| n <= 5),
        "bodies stored per batch: {steps:?}"
    );
    let inbox = mb.list("inbox", 0, 100).await.unwrap();
    assert_left_unread(&app, &inbox, 1).await;
}
