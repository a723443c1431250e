//! Issue 16, points 3–5: the ENT signature, « Rappeler », « Envoyer plus tard ». Due times are
//! a second or so ahead here, waited for on conditions: the app's clock is one per process and
//! other tests of this binary run meanwhile, so it is moved only by the end-to-end test.

use std::time::Duration;

use ent_protocol::{paths, ConversationPreference};
use messagerie_core::client::{userbook, Body, Call};
use messagerie_core::mailbox::recall::RecallBlock;
use messagerie_core::mailbox::signature::Signature;
use messagerie_core::mailbox::{Event, Mailbox};
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::{clock, ErrorKind};

use crate::harness::TestApp;

fn to(ids: Vec<String>, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: ids,
        ..Default::default()
    }
}

async fn count_in(app: &TestApp, login: &str, subject: &str) -> usize {
    app.remote(login, "inbox")
        .await
        .iter()
        .filter(|m| m.subject == subject)
        .count()
}

/// Waits (at most 20 s) until `login`'s inbox on the ENT holds `subject`.
async fn until_delivered(app: &TestApp, login: &str, subject: &str) {
    tokio::time::timeout(Duration::from_secs(20), async {
        while count_in(app, login, subject).await == 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("delivered within 20 s");
}

/// Waits until the app's clock has passed `due` (epoch ms).
async fn until_past(due: i64) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while clock::now_ms() <= due {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the time comes");
}

// --- « Envoyer plus tard » ---

#[tokio::test]
async fn a_scheduled_message_waits_for_its_time_without_holding_the_queue_then_leaves_once() {
    // Arrange
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let due = clock::now_ms() + 1_500;

    // Act: scheduled, then another message sent plainly after it.
    let id = marie
        .schedule_send(None, to(vec![app.id("paul.martin")], "Plus tard"), due)
        .await
        .unwrap();
    marie
        .send(None, to(vec![app.id("paul.martin")], "Tout de suite"))
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();

    // Assert: the later one went, the scheduled one waits and is listed.
    assert_eq!(count_in(&app, "paul.martin", "Tout de suite").await, 1);
    assert_eq!(count_in(&app, "paul.martin", "Plus tard").await, 0);
    let listed = marie.scheduled_sends().await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0].subject.as_str(), listed[0].due),
        ("Plus tard", due)
    );
    let outbox = marie.list("outbox", 0, 50).await.unwrap();
    assert!(
        !outbox.iter().any(|m| m.subject == "Plus tard"),
        "{outbox:?}"
    );
    let waiting = marie.pending_message_ids().await.unwrap();
    assert!(
        !waiting.contains(&id),
        "a scheduled message waits for its time, not for the ENT: {waiting:?}"
    );

    // Act: the app's timer sends it when due.
    let task = marie.spawn_scheduled_sends();
    until_delivered(&app, "paul.martin", "Plus tard").await;
    marie.flush_queue().await.unwrap();
    task.abort();

    // Assert: once, and it is a sent message now.
    assert_eq!(count_in(&app, "paul.martin", "Plus tard").await, 1);
    assert!(marie.scheduled_sends().await.unwrap().is_empty());
    let mine = marie.message(&id).await;
    let mine = match mine {
        Ok(m) => m,
        Err(_) => {
            marie.sync(SyncMode::Quick).await.unwrap();
            let outbox = marie.list("outbox", 0, 50).await.unwrap();
            let sent = outbox.iter().find(|m| m.subject == "Plus tard").unwrap();
            marie.message(&sent.id).await.unwrap()
        }
    };
    assert_eq!(mine.summary.state, "SENT");
}

#[tokio::test]
async fn a_scheduled_message_due_while_the_app_was_closed_leaves_once_at_the_next_start_told_late()
{
    // Arrange: scheduled, then the app closes before its time.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let due = clock::now_ms() + 300;
    marie
        .schedule_send(None, to(vec![app.id("paul.martin")], "Au réveil"), due)
        .await
        .unwrap();
    drop(marie);
    until_past(due + 400).await;

    // Act: the next start.
    let marie = app.mailbox("marie.durand").await;
    marie.set_late_after(Duration::from_millis(200));
    let mut events = marie.events();
    let task = marie.spawn_scheduled_sends();
    let late = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(Event::SentLate { due, .. }) = events.recv().await {
                return due;
            }
        }
    })
    .await
    .expect("told it left late");
    marie.flush_queue().await.unwrap();
    task.abort();

    // Assert
    assert_eq!(late, due);
    assert_eq!(count_in(&app, "paul.martin", "Au réveil").await, 1);
}

#[tokio::test]
async fn a_scheduled_message_cancelled_is_never_delivered_and_is_a_draft_again() {
    // Arrange
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let due = clock::now_ms() + 500;
    let id = marie
        .schedule_send(None, to(vec![app.id("paul.martin")], "Annulé"), due)
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();

    // Act
    let cancelled = marie.cancel_scheduled(&id).await.unwrap();
    until_past(due + 200).await;
    marie.flush_queue().await.unwrap();

    // Assert
    assert!(cancelled);
    assert_eq!(count_in(&app, "paul.martin", "Annulé").await, 0);
    assert!(marie.scheduled_sends().await.unwrap().is_empty());
    let drafts = marie.list("draft", 0, 10).await.unwrap();
    assert!(drafts.iter().any(|m| m.subject == "Annulé"), "{drafts:?}");
}

#[tokio::test]
async fn a_scheduled_message_changed_then_sent_now_leaves_once_with_its_new_content() {
    // Arrange: scheduled for tomorrow.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let tomorrow = clock::now_ms() + 24 * 3600 * 1000;
    let id = marie
        .schedule_send(None, to(vec![app.id("paul.martin")], "Version 1"), tomorrow)
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();

    // Act: edited in the composer (saved as it goes): it stays scheduled, with the new text.
    marie
        .save_draft(Some(&id), to(vec![app.id("paul.martin")], "Version 1b"))
        .await
        .unwrap();
    let listed = marie.scheduled_sends().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].subject, "Version 1b");
    let drafts = marie.list("draft", 0, 10).await.unwrap();
    assert!(drafts.is_empty(), "{drafts:?}");

    // Act: changed (same message, new subject and time), then « Envoyer maintenant ».
    let id = marie
        .schedule_send(
            Some(&id),
            to(vec![app.id("paul.martin")], "Version 2"),
            tomorrow + 1,
        )
        .await
        .unwrap();
    assert_eq!(marie.scheduled_sends().await.unwrap().len(), 1);
    assert!(marie.send_scheduled_now(&id).await.unwrap());
    marie.flush_queue().await.unwrap();

    // Assert
    assert_eq!(count_in(&app, "paul.martin", "Version 2").await, 1);
    assert_eq!(count_in(&app, "paul.martin", "Version 1").await, 0);
    assert!(marie.scheduled_sends().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_time_already_passed_is_refused() {
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    let err = marie
        .schedule_send(
            None,
            to(vec![app.id("paul.martin")], "Hier"),
            clock::now_ms() - 1,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

// --- « Rappeler » ---

async fn sent_by_marie(app: &TestApp, marie: &Mailbox, subject: &str) -> String {
    marie
        .send(None, to(vec![app.id("paul.martin")], subject))
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();
    marie.sync(SyncMode::Quick).await.unwrap();
    let outbox = marie.list("outbox", 0, 50).await.unwrap();
    outbox
        .iter()
        .find(|m| m.subject == subject)
        .unwrap()
        .id
        .clone()
}

#[tokio::test]
async fn a_recall_within_the_delay_blanks_the_message_for_its_recipient_here_and_on_the_ent() {
    // Arrange: Paul has already read it in the app.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    let paul = app.mailbox("paul.martin").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let id = sent_by_marie(&app, &marie, "Erreur de destinataire").await;
    paul.sync(SyncMode::Quick).await.unwrap();
    assert!(paul
        .read(&id)
        .await
        .unwrap()
        .body
        .unwrap()
        .contains("Bonjour"));
    let status = marie.recall_status(&id).await.unwrap();
    assert_eq!((status.blocked, status.delay_minutes), (None, 60));
    assert_eq!(
        paul.recall_status(&id).await.unwrap().blocked,
        Some(RecallBlock::NotSender)
    );

    // Act
    marie.recall(&id).await.unwrap();
    paul.sync(SyncMode::Quick).await.unwrap();

    // Assert: the ENT shows Paul nothing of it, nor does the app; Marie keeps hers, recalled.
    let remote = app.remote("paul.martin", "inbox").await;
    let seen = remote.iter().find(|m| m.id == id).unwrap();
    assert_eq!((seen.state.as_str(), seen.subject.as_str()), ("RECALL", ""));
    let here = paul.message(&id).await.unwrap();
    assert_eq!(here.summary.state, "RECALL");
    assert_eq!(here.summary.subject, "");
    assert!(!here.body.unwrap_or_default().contains("Bonjour"));
    let mine = marie.message(&id).await.unwrap();
    assert_eq!(
        (mine.summary.state.as_str(), mine.summary.subject.as_str()),
        ("RECALL", "Erreur de destinataire")
    );
    assert_eq!(
        marie.recall_status(&id).await.unwrap().blocked,
        Some(RecallBlock::NotSent)
    );
}

#[tokio::test]
async fn a_recall_after_the_delay_is_refused_by_the_ent_and_the_recipient_keeps_the_message() {
    // Arrange: sent, then the ENT's clock sees the delay pass.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let id = sent_by_marie(&app, &marie, "Trop tard").await;
    app.server()
        .backdate_message(&id, Duration::from_secs(61 * 60))
        .await
        .unwrap();

    // Act
    let err = marie.recall(&id).await.unwrap_err();

    // Assert
    assert_eq!(err.kind(), ErrorKind::Refused, "{err}");
    let remote = app.remote("paul.martin", "inbox").await;
    let seen = remote.iter().find(|m| m.id == id).unwrap();
    assert_eq!(
        (seen.state.as_str(), seen.subject.as_str()),
        ("SENT", "Trop tard")
    );
    assert_eq!(marie.message(&id).await.unwrap().summary.state, "SENT");
}

// --- the signature ---

#[tokio::test]
async fn a_signature_set_on_the_ent_starts_new_messages_and_replies_in_the_app() {
    // Arrange: the web page writes the preference, with a key of its own.
    let app = TestApp::start().await;
    let pref = r#"{"useSignature":true,"signature":"<p>Marie Durand, CPE<img src=x onerror=alert(1)></p>","other":1}"#;
    app.with_web("marie.durand", async |c| {
        let call = Call::write(
            reqwest::Method::PUT,
            paths::preference("conversation"),
            Body::Json(serde_json::from_str(pref).unwrap()),
        );
        let _: serde_json::Value = c.send(call).await.unwrap();
    })
    .await;
    app.deliver("paul.martin", &["marie.durand"], "Question", "<p>?</p>")
        .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let inbox = marie.list("inbox", 0, 10).await.unwrap();

    // Act
    let block = marie.signature_block().await.unwrap();
    let reply = marie.reply_draft(&inbox[0].id, false).await.unwrap();

    // Assert: as the ENT's web page starts a message, made safe like a body.
    assert!(
        block.starts_with("<p></p><p></p><p>Marie Durand, CPE"),
        "{block}"
    );
    assert!(!block.contains("onerror"), "{block}");
    assert!(reply.body.starts_with(&block), "{}", reply.body);
}

#[tokio::test]
async fn a_signature_set_offline_is_used_at_once_and_reaches_the_ent_when_it_answers() {
    // Arrange
    let mut app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    app.with_web("marie.durand", async |c| {
        let pref = ConversationPreference {
            use_signature: Some(false),
            signature: Some(String::new()),
            other: serde_json::from_str(r#"{"kept":"yes"}"#).unwrap(),
        };
        userbook::set_conversation_preference(c, &pref)
            .await
            .unwrap();
    })
    .await;
    app.stop().await;
    let wanted = Signature {
        use_signature: true,
        signature: "<p><strong>M. Durand</strong></p>".into(),
    };

    // Act: set while the ENT does not answer.
    marie.set_signature(wanted.clone()).await.unwrap();
    let offline = marie.signature().await.unwrap();
    app.restart().await;
    marie.flush_queue().await.unwrap();

    // Assert: used offline; on the ENT afterwards, its other keys kept.
    assert_eq!(offline, wanted);
    assert_eq!(marie.pending_actions().await.unwrap(), 0);
    let on_ent = app
        .with_web("marie.durand", async |c| {
            userbook::conversation_preference(c).await.unwrap()
        })
        .await;
    assert_eq!(on_ent.use_signature, Some(true));
    assert_eq!(
        on_ent.signature.as_deref(),
        Some("<p><strong>M. Durand</strong></p>")
    );
    assert_eq!(on_ent.other["kept"], "yes");
}
