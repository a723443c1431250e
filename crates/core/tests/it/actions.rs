use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::ErrorKind;

use crate::harness::TestApp;

fn draft(to: &str, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: vec![to.into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn actions_made_while_the_ent_is_down_are_replayed_in_order_when_it_returns() {
    // Arrange
    let mut app = TestApp::start().await;
    let a = app.deliver(
        "paul.martin",
        &["marie.durand"],
        "Lu hors ligne",
        "<p>a</p>",
    );
    let b = app.deliver(
        "paul.martin",
        &["marie.durand"],
        "Jeté hors ligne",
        "<p>b</p>",
    );
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    app.peer.stop().await;

    // Act: offline actions apply locally at once and stay queued.
    mb.read(&a).await.unwrap();
    mb.trash(std::slice::from_ref(&b)).await.unwrap();
    let folder = mb.create_folder("Projets", None).await.unwrap();
    let sent = mb
        .send(None, draft("paul.martin", "Envoyé hors ligne"))
        .await
        .unwrap();
    let offline = mb.sync(SyncMode::Quick).await.unwrap_err();
    assert_eq!(offline.kind(), ErrorKind::Offline);
    assert!(!mb.message(&a).await.unwrap().summary.unread);
    assert_eq!(mb.list("trash", 0, 10).await.unwrap().len(), 1);
    assert!(mb.pending_actions().await.unwrap() >= 4);
    app.peer.restart().await;
    let report = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    assert!(report.actions_replayed >= 4);
    assert_eq!(app.remote_unread("marie.durand", &a), Some(false));
    assert_eq!(app.remote_trashed("marie.durand", &b), Some(true));
    let d = app.peer.data.lock().unwrap();
    assert!(d
        .folders
        .values()
        .any(|f| f.user == "marie.durand" && f.name == "Projets"));
    assert!(!folder.is_empty());
    assert_eq!(d.deliveries.len(), 1, "one message delivered");
    assert!(d
        .messages
        .values()
        .any(|m| m.subject == "Envoyé hors ligne" && m.state == "SENT"));
    assert!(d.usermessages.keys().any(|(u, _)| u == "paul.martin"));
    drop(d);
    assert!(sent.starts_with("local-"));
    let outbox = mb.list("outbox", 0, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert!(
        !outbox[0].id.starts_with("local-"),
        "the local id was replaced by the ENT's"
    );
}

#[tokio::test]
async fn a_process_killed_between_queueing_and_replay_does_each_action_once() {
    // Arrange: queue actions with the ENT down, then drop the mailbox (the process dies).
    let mut app = TestApp::start().await;
    let a = app.deliver("paul.martin", &["marie.durand"], "Un", "<p>a</p>");
    {
        let mb = app.mailbox("marie.durand").await;
        mb.sync(SyncMode::Quick).await.unwrap();
        app.peer.stop().await;
        mb.trash(std::slice::from_ref(&a)).await.unwrap();
        mb.send(None, draft("paul.martin", "Une seule fois"))
            .await
            .unwrap();
    }
    app.peer.restart().await;

    // Act: a new process opens the same store and syncs, twice.
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    mb.sync(SyncMode::Full).await.unwrap();

    // Assert
    let d = app.peer.data.lock().unwrap();
    let copies = d
        .messages
        .values()
        .filter(|m| m.subject == "Une seule fois" && m.state == "SENT")
        .count();
    assert_eq!(copies, 1);
    assert_eq!(d.deliveries.values().sum::<u32>(), 1);
    assert_eq!(
        d.usermessages
            .get(&("marie.durand".into(), a.clone()))
            .map(|u| u.trashed),
        Some(true)
    );
}

#[tokio::test]
async fn a_send_committed_by_the_ent_whose_answer_is_lost_is_delivered_once() {
    // Arrange: the ENT commits the send, then the connection drops before the answer.
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    app.peer
        .fault("/conversation/send", crate::peer::Fault::CommitThenDrop);
    mb.send(None, draft("paul.martin", "Réponse perdue"))
        .await
        .unwrap();
    let first = mb.flush_queue().await;
    assert!(first.is_err(), "the lost answer is an error");
    app.peer.clear_faults();

    // Act: the replay sends the same draft again.
    mb.flush_queue().await.unwrap();

    // Assert
    let d = app.peer.data.lock().unwrap();
    assert_eq!(d.deliveries.values().copied().collect::<Vec<_>>(), vec![1]);
    assert_eq!(
        d.usermessages
            .keys()
            .filter(|(u, _)| u == "paul.martin")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_send_the_ent_refuses_is_undone_and_the_reason_reaches_the_caller() {
    // Arrange: a recipient the ENT does not let marie write to.
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let id = mb
        .send(None, draft("someone.hidden", "Refusé"))
        .await
        .unwrap();
    assert_eq!(mb.list("outbox", 0, 10).await.unwrap().len(), 1);

    // Act
    let report = mb.flush_queue().await.unwrap();

    // Assert
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].0, "send");
    assert!(mb.list("outbox", 0, 10).await.unwrap().is_empty());
    let drafts = mb.list("draft", 0, 10).await.unwrap();
    assert_eq!(drafts.len(), 1, "the message is back in the drafts");
    assert_ne!(drafts[0].id, id, "it kept the ENT's draft id");
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
}

#[tokio::test]
async fn moving_to_a_folder_and_back_restoring_and_deleting_reach_the_ent() {
    let app = TestApp::start().await;
    let a = app.deliver("paul.martin", &["marie.durand"], "A classer", "<p>a</p>");
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let folder = mb.create_folder("Classe", None).await.unwrap();

    mb.move_to_folder(std::slice::from_ref(&a), &folder)
        .await
        .unwrap();
    mb.flush_queue().await.unwrap();
    let folder_id = mb
        .folders()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Classe")
        .unwrap()
        .id;
    assert_eq!(mb.list(&folder_id, 0, 10).await.unwrap().len(), 1);
    assert_eq!(
        app.peer.data.lock().unwrap().usermessages[&("marie.durand".to_string(), a.clone())]
            .folder_id
            .as_deref(),
        Some(folder_id.as_str())
    );

    mb.move_to_root(std::slice::from_ref(&a)).await.unwrap();
    mb.trash(std::slice::from_ref(&a)).await.unwrap();
    mb.restore(std::slice::from_ref(&a)).await.unwrap();
    mb.flush_queue().await.unwrap();
    assert_eq!(mb.list("inbox", 0, 10).await.unwrap().len(), 1);
    assert_eq!(app.remote_trashed("marie.durand", &a), Some(false));

    mb.trash(std::slice::from_ref(&a)).await.unwrap();
    mb.delete_forever(std::slice::from_ref(&a)).await.unwrap();
    mb.flush_queue().await.unwrap();
    assert!(app.remote_trashed("marie.durand", &a).is_none());
    let report = mb.sync(SyncMode::Full).await.unwrap();
    assert!(report.errors.is_empty());
    assert!(mb.message(&a).await.is_err());
}

#[tokio::test]
async fn an_attachment_added_offline_is_uploaded_with_the_draft() {
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let file = app.dir.path().join("ordre-du-jour.txt");
    std::fs::write(&file, b"point 1").unwrap();

    let id = mb
        .save_draft(None, draft("paul.martin", "Avec PJ"))
        .await
        .unwrap();
    mb.add_attachment(&id, &file).await.unwrap();
    mb.send(Some(&id), draft("paul.martin", "Avec PJ"))
        .await
        .unwrap();
    mb.flush_queue().await.unwrap();

    let d = app.peer.data.lock().unwrap();
    let m = d
        .messages
        .values()
        .find(|m| m.subject == "Avec PJ")
        .unwrap();
    assert_eq!(m.state, "SENT");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].3, b"point 1");
}
