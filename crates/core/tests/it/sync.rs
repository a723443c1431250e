use messagerie_core::client::conversation as api;
use messagerie_core::mailbox::Event;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

#[tokio::test]
async fn the_first_sync_makes_every_message_readable_offline_and_leaves_unread_flags_alone() {
    // Arrange: 60 messages for marie (more than two pages), 20 of them read on the web.
    let app = TestApp::start().await;
    let mut ids = Vec::new();
    for i in 0..60 {
        ids.push(
            app.deliver(
                "paul.martin",
                &["marie.durand"],
                &format!("Sujet {i}"),
                &format!("<p>Corps {i}</p>"),
            )
            .await,
        );
    }
    app.web_mark_unread("marie.durand", &ids[..20], false).await;
    let mb = app.mailbox("marie.durand").await;
    let mut events = mb.events();

    // Act
    let report = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: everything is local, with bodies, and the ENT's unread flags did not move.
    assert!(report.first_sync);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.inserted, 60);
    assert_eq!(report.bodies_fetched, 60);
    assert!(
        report.new_mail.is_empty(),
        "no new-mail on the very first sync"
    );
    let inbox = mb.list("inbox", 0, 100).await.unwrap();
    assert_eq!(inbox.len(), 60);
    assert!(inbox.iter().all(|m| m.body_available));
    let remote = app.remote("marie.durand", "inbox").await;
    assert_eq!(remote.len(), 60);
    for (i, id) in ids.iter().enumerate() {
        let on_ent = remote.iter().find(|m| &m.id == id).unwrap();
        assert_eq!(on_ent.unread, i >= 20, "flag of message {i} on the ENT");
        let local = mb.message(id).await.unwrap();
        assert_eq!(local.summary.unread, i >= 20, "local flag of message {i}");
        assert!(local.body.unwrap().contains(&format!("Corps {i}")));
    }
    let mut saw_progress = false;
    while let Ok(e) = events.try_recv() {
        saw_progress |= matches!(e, Event::Progress { .. });
        assert!(!matches!(e, Event::NewMail { .. }));
    }
    assert!(saw_progress);
}

#[tokio::test]
async fn an_incremental_sync_after_another_user_sends_reports_only_the_new_mail() {
    // Arrange: paul writes from his own desktop client.
    let app = TestApp::start().await;
    app.deliver("paul.martin", &["marie.durand"], "Ancien", "<p>old</p>")
        .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let paul = app.mailbox("paul.martin").await;
    paul.sync(SyncMode::Quick).await.unwrap();
    paul.send(
        None,
        DraftContent {
            subject: "Conseil de classe".into(),
            body: "<p>Jeudi à 17 h</p>".into(),
            to: vec![app.id("marie.durand")],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(paul.flush_queue().await.unwrap().refused.is_empty());
    let mut events = marie.events();

    // Act
    let report = marie.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(report.inserted, 1);
    assert_eq!(report.new_mail.len(), 1);
    assert_eq!(report.bodies_fetched, 1);
    let mut new_mail = None;
    while let Ok(e) = events.try_recv() {
        if let Event::NewMail { messages } = e {
            new_mail = Some(messages);
        }
    }
    let new_mail = new_mail.expect("a new-mail event");
    assert_eq!(new_mail.len(), 1);
    assert_eq!(new_mail[0].subject, "Conseil de classe");
    let local = marie.message(&new_mail[0].id).await.unwrap();
    assert!(local.body.unwrap().contains("Jeudi à 17 h"));
    assert!(local.summary.unread);
    assert_eq!(
        app.remote_unread("marie.durand", &new_mail[0].id).await,
        Some(true),
        "fetching the body left it unread on the ENT"
    );
}

#[tokio::test]
async fn a_sync_with_nothing_new_costs_two_requests() {
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
    mb.sync(SyncMode::Quick).await.unwrap();

    let report = mb.sync(SyncMode::Quick).await.unwrap();

    assert!(report.unchanged);
    assert!(report.requests <= 2, "{} requests", report.requests);
}

#[tokio::test]
async fn changes_made_in_another_client_show_up_read_and_trashed() {
    // Arrange
    let app = TestApp::start().await;
    let a = app
        .deliver("paul.martin", &["marie.durand"], "A lire", "<p>a</p>")
        .await;
    let b = app
        .deliver("paul.martin", &["marie.durand"], "A jeter", "<p>b</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    app.web_mark_unread("marie.durand", std::slice::from_ref(&a), false)
        .await;
    app.web_trash("marie.durand", std::slice::from_ref(&b))
        .await;

    // Act
    let report = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert!(!report.unchanged);
    assert!(!mb.message(&a).await.unwrap().summary.unread);
    let trash = mb.list("trash", 0, 10).await.unwrap();
    assert_eq!(
        trash.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        vec![b.clone()]
    );
    assert!(mb
        .list("inbox", 0, 10)
        .await
        .unwrap()
        .iter()
        .all(|m| m.id != b));
    assert_eq!(report.bodies_fetched, 0, "bodies are not fetched again");
}

#[tokio::test]
async fn a_message_deleted_elsewhere_disappears() {
    let app = TestApp::start().await;
    let a = app
        .deliver(
            "paul.martin",
            &["marie.durand"],
            "Bientôt parti",
            "<p>a</p>",
        )
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    app.web_trash("marie.durand", std::slice::from_ref(&a))
        .await;
    app.web_delete("marie.durand", std::slice::from_ref(&a))
        .await;

    let report = mb.sync(SyncMode::Full).await.unwrap();

    assert_eq!(report.deleted, 1);
    assert!(mb.message(&a).await.is_err());
}

#[tokio::test]
async fn a_draft_edited_on_the_web_shows_its_new_text_after_a_full_sync() {
    // Arrange: a draft written on the web page, synced once.
    let app = TestApp::start().await;
    let mut content = DraftContent {
        subject: "Sortie au musée".into(),
        body: "<p>Première version</p>".into(),
        to: vec![app.id("paul.martin")],
        ..Default::default()
    };
    let id = app
        .with_web("marie.durand", async |c| {
            api::create_draft(c, &content).await.unwrap()
        })
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    assert!(mb
        .message(&id)
        .await
        .unwrap()
        .body
        .unwrap()
        .contains("Première version"));

    // Act: edited again on the web page, then a full sync.
    content.subject = "Sortie au musée (horaires)".into();
    content.body = "<p>Deuxième version</p>".into();
    app.with_web("marie.durand", async |c| {
        api::update_draft(c, &id, &content).await.unwrap()
    })
    .await;
    let report = mb.sync(SyncMode::Full).await.unwrap();

    // Assert
    assert_eq!(report.bodies_fetched, 1, "{report:?}");
    let draft = mb.message(&id).await.unwrap();
    assert_eq!(draft.summary.subject, "Sortie au musée (horaires)");
    assert!(draft.body.unwrap().contains("Deuxième version"));
}

#[tokio::test]
async fn a_message_sent_to_oneself_is_in_the_inbox_and_in_sent_messages() {
    // Arrange
    let app = TestApp::start().await;
    let id = app
        .deliver("marie.durand", &["marie.durand"], "Pense-bête", "<p>x</p>")
        .await;
    let on_ent = |rows: Vec<messagerie_core::message::SummaryRow>| rows.iter().any(|m| m.id == id);
    assert!(on_ent(app.remote("marie.durand", "inbox").await));
    assert!(on_ent(app.remote("marie.durand", "outbox").await));

    // Act
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: one message, listed in both folders as on the ENT.
    for folder in ["inbox", "outbox"] {
        let listed = mb.list(folder, 0, 10).await.unwrap();
        assert_eq!(
            listed.iter().filter(|m| m.id == id).count(),
            1,
            "{folder}: {listed:?}"
        );
    }
}

/// How long a test waits for a pass of the sync timer.
const WITHIN: std::time::Duration = std::time::Duration::from_secs(20);

/// The mailbox's one sync timer with an hour's period (longer than any test), and its passes
/// (`true` for a pass that succeeded), once the pass it makes at once is done.
async fn hourly_timer_after_its_first_pass(
    mb: &messagerie_core::mailbox::Mailbox,
) -> (
    tokio::task::JoinHandle<()>,
    tokio::sync::mpsc::UnboundedReceiver<bool>,
) {
    let (passes, mut passed) = tokio::sync::mpsc::unbounded_channel();
    let timer = mb.spawn_periodic_sync(std::time::Duration::from_secs(3600), move |outcome| {
        let _ = passes.send(outcome.is_ok());
    });
    let first = tokio::time::timeout(WITHIN, passed.recv()).await;
    assert_eq!(first.unwrap(), Some(true), "a pass at once");
    (timer, passed)
}

#[tokio::test]
async fn the_mailbox_syncs_on_its_own_timer_and_asks_at_once_make_one_more_pass_not_one_each() {
    // Arrange: the one sync timer, with a period longer than the test.
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    let (timer, mut passed) = hourly_timer_after_its_first_pass(&mb).await;

    // Act: the window asks five times in a row (focus, F5, the button…).
    for _ in 0..5 {
        mb.request_sync();
    }

    // Assert: one pass, perhaps a second for the asks that came while it started; not five.
    let asked = tokio::time::timeout(WITHIN, passed.recv()).await;
    assert_eq!(asked.unwrap(), Some(true));
    let mut more = 0;
    while let Ok(Some(_)) =
        tokio::time::timeout(std::time::Duration::from_millis(500), passed.recv()).await
    {
        more += 1;
    }
    assert!(more <= 1, "{} passes for five asks", more + 1);
    timer.abort();
}

#[tokio::test]
async fn a_new_sync_interval_applies_to_the_running_timer_at_once() {
    // Arrange: the timer with an hour's period, its first pass done.
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    let (timer, mut passed) = hourly_timer_after_its_first_pass(&mb).await;

    // Act: the user picks a shorter period while the timer waits.
    mb.set_sync_interval(std::time::Duration::from_secs(1));

    // Assert: passes come every second now, without a restart nor an ask.
    assert_eq!(mb.sync_interval(), std::time::Duration::from_secs(1));
    for _ in 0..2 {
        let next = tokio::time::timeout(WITHIN, passed.recv()).await;
        assert_eq!(next.unwrap(), Some(true), "a pass on the new period");
    }
    timer.abort();
}

/// A sync lists what the ENT says before the queue has told it what the user just did: an
/// action taken while the pass is under way keeps its effect here, even when the ENT's listing
/// of that very message arrives afterwards and differs.
#[tokio::test]
async fn an_action_taken_while_a_sync_is_listing_is_not_undone_by_that_listing() {
    // Arrange: two messages read here (the ENT knows), `a` filed by marie in « Sorties » on
    // the web.
    let app = TestApp::start().await;
    let b = app
        .deliver("paul.martin", &["marie.durand"], "Lu avant", "<p>b</p>")
        .await;
    let a = app
        .deliver(
            "paul.martin",
            &["marie.durand"],
            "À relire plus tard",
            "<p>a</p>",
        )
        .await;
    let folder = app
        .with_web("marie.durand", async |c| {
            let f = api::create_folder(c, "Sorties", None).await.unwrap();
            api::move_to_folder(c, std::slice::from_ref(&a), &f)
                .await
                .unwrap();
            f
        })
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Full).await.unwrap();
    mb.read(&a).await.unwrap();
    mb.read(&b).await.unwrap();
    mb.flush_queue().await.unwrap();
    // « Sorties » is listed after the inbox; its listing is slow.
    app.server().faults().inject_times(
        &format!("/conversation/api/folders/{folder}/messages"),
        ent_server::FaultKind::Delay(std::time::Duration::from_secs(2)),
        1,
    );

    // Act: a full pass starts; once it has written the inbox, marie marks `a` unread here.
    let mut events = mb.events();
    let pass = tokio::spawn({
        let mb = mb.clone();
        async move { mb.sync(SyncMode::Full).await }
    });
    tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            match events.recv().await.unwrap() {
                Event::MessagesChanged { ids } if ids.contains(&b) => break,
                _ => {}
            }
        }
    })
    .await
    .expect("the pass writes the inbox");
    mb.set_unread(std::slice::from_ref(&a), true).await.unwrap();
    pass.await.unwrap().unwrap();

    // Assert: still unread and in « Sorties » here, and unread on the ENT once replayed.
    assert!(
        mb.message(&a).await.unwrap().summary.unread,
        "the listing undid marie's « non lu »"
    );
    assert_eq!(mb.list(&folder, 0, 10).await.unwrap().len(), 1);
    mb.flush_queue().await.unwrap();
    let on_the_ent = app.remote("marie.durand", &folder).await;
    assert!(on_the_ent.iter().any(|m| m.id == a && m.unread));
    assert!(!mb.message(&b).await.unwrap().summary.unread);
}

/// The app's own read reached the ENT; then the message is marked unread again on the web: the
/// next sync shows it unread, though the ENT's listing is back to what it was at the first sync.
#[tokio::test]
async fn a_message_read_here_then_marked_unread_on_the_web_is_unread_after_the_next_sync() {
    // Arrange
    let app = TestApp::start().await;
    let a = app
        .deliver("paul.martin", &["marie.durand"], "À relire", "<p>a</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Full).await.unwrap();
    mb.read(&a).await.unwrap();
    mb.flush_queue().await.unwrap();
    assert_eq!(app.remote_unread("marie.durand", &a).await, Some(false));

    // Act
    app.web_mark_unread("marie.durand", std::slice::from_ref(&a), true)
        .await;
    mb.sync(SyncMode::Full).await.unwrap();

    // Assert
    assert!(mb.message(&a).await.unwrap().summary.unread);
    assert_eq!(mb.folders().await.unwrap()[0].unread, 1);
}

/// A first sync writes a batch of summaries, then of bodies, one SQL statement each (the search
/// index costs a segment per statement). Messages sent in the same millisecond (a class's copies
/// of one send) get their rowid from their date: two of one batch must not take the same one,
/// and each must keep its own body and be found by its own words.
#[test]
fn messages_dated_alike_written_in_one_batch_each_keep_their_body_and_are_found() {
    use messagerie_core::mailbox::listing;
    use messagerie_core::message::{self, BodyRow, NewSummary, Recipient, SummaryRow};
    use messagerie_core::search::{self, SearchQuery};
    use messagerie_core::store::Store;

    // Arrange: 300 messages of one date (in 1,024 rowid slots, a hundred-message batch holds
    // two that want the same slot with near certainty).
    let store = Store::open_in_memory().unwrap();
    let paul = Recipient {
        id: "paul.martin".into(),
        display_name: "MARTIN Paul".into(),
        is_group: false,
        profile: Some("Teacher".into()),
        size: None,
    };
    let rows: Vec<SummaryRow> = (0..300)
        .map(|i| SummaryRow {
            id: format!("m{i}"),
            subject: format!("Sortie {i}"),
            from: Some(paul.clone()),
            to: vec![],
            cc: vec![],
            cci: vec![],
            state: "SENT".into(),
            date: 1_764_000_000_000,
            unread: true,
            response: false,
            has_attachment: false,
            no_reply: false,
        })
        .collect();
    let inbox = std::collections::BTreeSet::from(["inbox".to_string()]);

    // Act: what a first sync does, its summaries then its bodies, a batch at a time.
    store
        .write_blocking(|tx| {
            let new: Vec<NewSummary<'_>> = rows
                .iter()
                .map(|row| NewSummary {
                    row,
                    fingerprint: 1,
                    trashed: false,
                    user_folder_id: None,
                })
                .collect();
            message::insert_summaries(tx, &new)?;
            for row in &rows {
                listing::place(tx, &row.id, &inbox)?;
            }
            Ok(())
        })
        .unwrap();
    let bodies: Vec<BodyRow> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| BodyRow {
            id: row.id.clone(),
            body: format!("<p>Rendez-vous kermesse{i:03}x devant le collège</p>"),
            user_folder_id: None,
            thread_id: None,
            parent_id: None,
            attachments: vec![],
        })
        .collect();
    store
        .write_blocking(|tx| message::store_bodies(tx, &bodies))
        .unwrap();

    // Assert: every message is listed once, opens with its own body, and is found by its word.
    let page = store
        .read_blocking(|c| listing::page(c, "inbox", 0, 1000))
        .unwrap();
    assert_eq!(page.len(), 300);
    assert!(page.iter().all(|m| m.body_available && m.unread));
    for i in [0, 1, 99, 100, 150, 299] {
        let id = format!("m{i}");
        let m = store
            .read_blocking(|c| message::get_message(c, &id))
            .unwrap()
            .unwrap();
        assert!(
            m.body.unwrap().contains(&format!("kermesse{i:03}x")),
            "body of {id}"
        );
        assert_eq!(m.summary.from.unwrap().id, "paul.martin");
        let query = SearchQuery {
            text: format!("kermesse{i:03}x"),
            ..Default::default()
        };
        let hits = store.read_blocking(|c| search::search(c, &query)).unwrap();
        assert_eq!(hits.len(), 1, "search for message {i}");
        assert_eq!(hits[0].message.id, id);
    }
}
