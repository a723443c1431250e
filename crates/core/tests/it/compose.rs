use std::time::Duration;

use axum::http::Method;
use messagerie_core::client::{Body, Call};
use messagerie_core::mailbox::compose::{DraftView, RefusalReason, RefusedRecipient};
use messagerie_core::mailbox::Event;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::{ErrorKind, Mailbox};

use crate::harness::{workspace_video, TestApp};

fn to(ids: Vec<String>, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: ids,
        ..Default::default()
    }
}

/// Marie sends the draft `forward` as the composer got it, to Sophie, and the queue is flushed.
async fn send_to_sophie(app: &TestApp, marie: &Mailbox, forward: &DraftView) {
    let content = DraftContent {
        to: vec![app.id("sophie.bernard")],
        subject: forward.subject.clone(),
        body: forward.body.clone(),
        in_reply_to: forward.in_reply_to.clone(),
        ..Default::default()
    };
    marie.send(forward.id.as_deref(), content).await.unwrap();
    marie.flush_queue().await.unwrap();
}

#[tokio::test]
async fn reply_all_reaches_the_sender_and_the_other_recipients_not_the_replier() {
    // Arrange: Paul writes to Marie and Sophie, with Hugo in copy.
    let app = TestApp::start().await;
    let content = DraftContent {
        cc: vec![app.id("hugo.leroy")],
        ..to(
            vec![app.id("marie.durand"), app.id("sophie.bernard")],
            "Conseil",
        )
    };
    app.with_web("paul.martin", async |c| {
        use messagerie_core::client::conversation as api;
        let id = api::create_draft(c, &content).await.unwrap();
        api::send(c, &id, &content).await.unwrap();
    })
    .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let original = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();

    // Act
    let reply = marie.reply_draft(&original, false).await.unwrap();
    let all = marie.reply_draft(&original, true).await.unwrap();
    let ids = |list: &[messagerie_core::message::Recipient]| -> Vec<String> {
        list.iter().map(|r| r.id.clone()).collect()
    };
    let content = DraftContent {
        subject: all.subject.clone(),
        body: all.body.clone(),
        to: ids(&all.to),
        cc: ids(&all.cc),
        cci: ids(&all.cci),
        in_reply_to: all.in_reply_to.clone(),
    };
    marie.send(None, content).await.unwrap();
    marie.flush_queue().await.unwrap();

    // Assert
    assert_eq!(reply.subject, "Re : Conseil");
    assert_eq!(ids(&reply.to), [app.id("paul.martin")]);
    // The ENT's quoted-history block (entcore conversation/frontend useInitMessage.tsx).
    assert!(
        reply.body.contains("<div class=\"conversation-history\"><p><span style=\"font-size: 14px; font-weight:400;\"><em>De MARTIN Paul, le ")
            && reply.body.contains("<div class=\"conversation-history-body\">")
            && reply.body.contains("Bonjour"),
        "{}",
        reply.body
    );
    assert!(all.body.contains("<em>CC : "), "{}", all.body);
    assert_eq!(
        ids(&all.to),
        [app.id("paul.martin"), app.id("sophie.bernard")]
    );
    assert_eq!(ids(&all.cc), [app.id("hugo.leroy")]);
    for login in ["paul.martin", "sophie.bernard", "hugo.leroy"] {
        let inbox = app.remote(login, "inbox").await;
        assert!(
            inbox.iter().any(|m| m.subject == "Re : Conseil"),
            "{login} got no reply"
        );
    }
    let marie_inbox = app.remote("marie.durand", "inbox").await;
    assert!(!marie_inbox.iter().any(|m| m.subject == "Re : Conseil"));
}

#[tokio::test]
async fn a_forward_carries_the_originals_file_to_its_recipient() {
    // Arrange: Paul sends Marie a file.
    let app = TestApp::start().await;
    let file = app.dir.path().join("sortie.pdf");
    std::fs::write(&file, b"%PDF autorisation").unwrap();
    let paul = app.mailbox("paul.martin").await;
    paul.sync(SyncMode::Quick).await.unwrap();
    let draft = paul
        .save_draft(None, to(vec![app.id("marie.durand")], "Autorisation"))
        .await
        .unwrap();
    paul.add_attachment(&draft, &file).await.unwrap();
    paul.send(
        Some(&draft),
        to(vec![app.id("marie.durand")], "Autorisation"),
    )
    .await
    .unwrap();
    paul.flush_queue().await.unwrap();
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let original = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();

    // Act: Marie forwards it to Sophie.
    let forward = marie.forward_draft(&original).await.unwrap();
    send_to_sophie(&app, &marie, &forward).await;

    // Assert
    assert_eq!(forward.subject, "Tr : Autorisation");
    assert!(
        forward
            .body
            .contains("--------- Message transféré ---------")
            && forward.body.contains("Objet : Autorisation"),
        "{}",
        forward.body
    );
    assert_eq!(forward.attachments.len(), 1);
    let sophie = app.mailbox("sophie.bernard").await;
    sophie.sync(SyncMode::Quick).await.unwrap();
    let inbox = sophie.list("inbox", 0, 10).await.unwrap();
    let got = sophie.message(&inbox[0].id).await.unwrap();
    assert_eq!(got.summary.subject, "Tr : Autorisation");
    let path = sophie
        .attachment_file(&got.summary.id, &got.attachments[0].id)
        .await
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"%PDF autorisation");
}

#[tokio::test]
async fn a_workspace_video_or_an_embed_in_the_original_is_quoted_and_reaches_the_forwards_recipient(
) {
    // Arrange: Paul sends Marie a video of his workspace and a YouTube video, as the ENT's
    // editor inserts them (tests/e2e/fixtures/reading/media.html).
    let app = TestApp::start().await;
    let video = workspace_video("7c3f1a2b-0000-4000-8000-000000000001");
    let embed = r#"<div class="iframe-wrapper"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" frameborder="0" allowfullscreen="true" width="560" height="315"></iframe></div>"#;
    app.deliver(
        "paul.martin",
        &["marie.durand"],
        "Chorale",
        &format!("<p>La chorale :</p>{video}{embed}"),
    )
    .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let original = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();

    // Act: Marie replies (not sent), then forwards it to Sophie.
    let reply = marie.reply_draft(&original, false).await.unwrap();
    let forward = marie.forward_draft(&original).await.unwrap();
    let reopened = marie
        .draft_view(forward.id.as_deref().unwrap())
        .await
        .unwrap();
    send_to_sophie(&app, &marie, &forward).await;

    // Assert: the videos are in both quotes and in the draft reopened, and Sophie gets them.
    for (what, body) in [
        ("the reply", &reply.body),
        ("the forward", &forward.body),
        ("the forward reopened", &reopened.body),
    ] {
        assert!(
            body.contains(&video) && body.contains(embed),
            "{what}: {body}"
        );
    }
    let sophie = app.mailbox("sophie.bernard").await;
    sophie.sync(SyncMode::Quick).await.unwrap();
    let inbox = sophie.list("inbox", 0, 10).await.unwrap();
    let got = sophie.message(&inbox[0].id).await.unwrap();
    assert_eq!(got.summary.subject, "Tr : Chorale");
    let body = got.body.unwrap_or_default();
    assert!(body.contains(&video) && body.contains(embed), "{body}");
}

#[tokio::test]
async fn a_send_taken_back_within_its_delay_reaches_nobody_and_is_a_draft_again() {
    // Arrange
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();

    // Act: sent with a long delay, flushed (nothing due), then taken back.
    let id = marie
        .send_delayed(
            None,
            to(vec![app.id("paul.martin")], "Oups"),
            Duration::from_secs(30),
        )
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();
    let taken_back = marie.cancel_send(&id).await.unwrap();
    marie.flush_queue().await.unwrap();

    // Assert
    assert!(taken_back);
    assert!(!app
        .remote("paul.martin", "inbox")
        .await
        .iter()
        .any(|m| m.subject == "Oups"));
    let drafts = marie.list("draft", 0, 10).await.unwrap();
    assert!(drafts.iter().any(|m| m.subject == "Oups"), "{drafts:?}");
    assert!(
        !marie.cancel_send(&id).await.unwrap(),
        "nothing left to take back"
    );
}

#[tokio::test]
async fn a_delayed_send_leaves_once_when_due_and_reports_what_the_ent_said() {
    // Arrange
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let mut events = marie.events();

    // Act: a short delay; its own timer flushes it.
    let id = marie
        .send_delayed(
            None,
            to(vec![app.id("paul.martin")], "Parti"),
            Duration::from_millis(200),
        )
        .await
        .unwrap();
    let report = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            if let Ok(Event::Sent { id, inactive, .. }) = events.recv().await {
                return (id, inactive);
            }
        }
    })
    .await
    .expect("a send report within 15 s");

    // Assert
    let paul = app.remote("paul.martin", "inbox").await;
    assert_eq!(paul.iter().filter(|m| m.subject == "Parti").count(), 1);
    assert!(!report.0.is_empty());
    assert!(report.1.is_empty());
    assert!(
        !marie.cancel_send(&id).await.unwrap(),
        "too late to take it back"
    );
}

#[tokio::test]
async fn a_pupil_may_not_write_to_a_teacher_of_another_class() {
    let app = TestApp::start().await;
    let hugo = app.mailbox("hugo.leroy").await;
    hugo.sync(SyncMode::Quick).await.unwrap();

    // Hugo is in 6A: Marie teaches 6A, Paul only 6B and 3A.
    let refused = hugo
        .check_recipients(&[app.id("marie.durand"), app.id("paul.martin")])
        .await
        .unwrap();

    assert_eq!(
        refused,
        [RefusedRecipient {
            id: app.id("paul.martin"),
            reason: RefusalReason::NotVisible,
        }]
    );
    assert!(hugo
        .recipients("martin", None)
        .await
        .unwrap()
        .iter()
        .all(|v| v.id != app.id("paul.martin")));
}

#[tokio::test]
async fn the_attachment_space_is_known_offline_once_asked() {
    let mut app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();

    let online = marie.quota().await.unwrap();
    app.stop().await;
    let offline = marie.quota().await.unwrap();

    assert!(online.quota > 0);
    assert_eq!(online, offline);
}

#[tokio::test]
async fn suggestions_fetch_the_list_once_then_answer_offline_from_the_cache() {
    let mut app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;

    // Never synced: the first key press fetches the list.
    let online = marie.recipients("hug", None).await.unwrap();
    app.stop().await;
    let offline = marie.recipients("hug", None).await.unwrap();
    let refused_offline = marie
        .check_recipients(&[app.id("hugo.leroy"), "nobody-at-all".to_string()])
        .await
        .unwrap();

    assert!(online.iter().any(|v| v.id == app.id("hugo.leroy")));
    assert_eq!(online, offline);
    assert_eq!(
        refused_offline
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["nobody-at-all"]
    );
}

#[tokio::test]
async fn a_message_sent_as_do_not_reply_takes_no_reply() {
    // Arrange: Paul sends « ne pas répondre » from the ENT's own page.
    let app = TestApp::start().await;
    let body = serde_json::json!({
        "subject": "Fermeture exceptionnelle",
        "body": "<p>Le collège sera fermé vendredi.</p>",
        "to": [app.id("marie.durand")],
        "noReply": true,
    });
    let id = app
        .with_web("paul.martin", async |c| {
            let created: serde_json::Value = c
                .send(Call::write(
                    Method::POST,
                    ent_protocol::paths::create_draft(None),
                    Body::Json(body.clone()),
                ))
                .await
                .unwrap();
            let id = created["id"].as_str().unwrap().to_string();
            let _: serde_json::Value = c
                .send(Call::write(
                    Method::POST,
                    ent_protocol::paths::send(Some(&id), None),
                    Body::Json(body),
                ))
                .await
                .unwrap();
            id
        })
        .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();

    // Act
    let reply = marie.reply_draft(&id, false).await;
    let reply_all = marie.reply_draft(&id, true).await;

    // Assert
    assert_eq!(reply.unwrap_err().kind(), ErrorKind::InvalidInput);
    assert_eq!(reply_all.unwrap_err().kind(), ErrorKind::InvalidInput);
    assert!(
        marie.forward_draft(&id).await.is_ok(),
        "forwarding stays possible"
    );
}

#[tokio::test]
async fn a_draft_keeps_working_under_its_first_id_after_the_ent_gave_it_one() {
    // Arrange: a draft saved, then created on the ENT (its local id is replaced).
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let first = marie
        .save_draft(None, to(vec![app.id("paul.martin")], "Premier jet"))
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();
    let file = app.dir.path().join("notes.txt");
    std::fs::write(&file, b"notes").unwrap();

    // Act: the composer still holds the first id.
    let again = marie
        .save_draft(Some(&first), to(vec![app.id("paul.martin")], "Second jet"))
        .await
        .unwrap();
    marie.add_attachment(&first, &file).await.unwrap();
    marie.flush_queue().await.unwrap();

    // Assert: one draft, renamed, with its file, here and on the ENT.
    let drafts = marie.list("draft", 0, 10).await.unwrap();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(drafts[0].id, again);
    assert_eq!(drafts[0].subject, "Second jet");
    assert_eq!(marie.message(&first).await.unwrap().attachments.len(), 1);
    let remote = app.remote("marie.durand", "draft").await;
    assert_eq!(remote.len(), 1);
    assert_eq!(remote[0].subject, "Second jet");
}

#[tokio::test]
async fn a_large_attachment_going_up_tells_how_far_it_is_until_the_end() {
    // Arrange: a 1 Mo file on a draft, queued.
    let app = TestApp::start().await;
    let file = app.dir.path().join("exposé.pdf");
    std::fs::write(&file, vec![b'x'; 1024 * 1024]).unwrap();
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let draft = marie
        .save_draft(None, to(vec![app.id("paul.martin")], "Exposé"))
        .await
        .unwrap();
    let attachment = marie.add_attachment(&draft, &file).await.unwrap();
    let mut events = marie.events();

    // Act: the queue goes to the ENT.
    marie.flush_queue().await.unwrap();

    // Assert: progress for that file, growing, a few times (not per piece), ending at its size.
    let mut told = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let Event::UploadProgress {
            message_id,
            attachment_id,
            sent,
            total,
        } = event
        {
            assert_eq!(
                (message_id.as_str(), attachment_id.as_str()),
                (draft.as_str(), attachment.as_str())
            );
            assert_eq!(total, 1024 * 1024);
            told.push(sent);
        }
    }
    assert!(told.len() >= 3 && told.len() <= 21, "{told:?}");
    assert!(told.windows(2).all(|w| w[0] < w[1]), "{told:?}");
    assert_eq!(told.last(), Some(&(1024 * 1024)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_added_while_the_ent_gives_the_draft_its_id_stays_with_the_draft() {
    // Arrange: drafts saved, each created on the ENT (its local id replaced) while the user
    // adds a file to it, as the composer does right after the first save.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let file = app.dir.path().join("sortie.pdf");
    std::fs::write(&file, vec![b'%'; 512 * 1024]).unwrap();

    for round in 0..40 {
        let subject = format!("Sortie {round}");
        let id = marie
            .save_draft(None, to(vec![app.id("paul.martin")], &subject))
            .await
            .unwrap();

        // Act: the replay and the new file at once.
        let (flushed, added) = tokio::join!(marie.flush_queue(), marie.add_attachment(&id, &file));
        flushed.unwrap();
        added.unwrap_or_else(|e| panic!("round {round}: the file was refused: {e}"));
        marie.flush_queue().await.unwrap();

        // Assert: one draft, here and on the ENT, with its file.
        let here = marie.message(&id).await.unwrap();
        assert_eq!(here.attachments.len(), 1, "round {round}");
        let remote = app.remote("marie.durand", "draft").await;
        let on_ent = remote
            .iter()
            .filter(|m| m.subject == subject)
            .collect::<Vec<_>>();
        assert_eq!(on_ent.len(), 1, "round {round}: {remote:?}");
        assert!(
            on_ent[0].has_attachment,
            "round {round}: the ENT's draft has no file"
        );
    }
}
