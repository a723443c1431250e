use ent_server::FaultKind;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::ErrorKind;

use crate::harness::TestApp;

fn draft(to: String, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: vec![to],
        ..Default::default()
    }
}

fn count_subject(list: &[messagerie_core::message::SummaryRow], subject: &str) -> usize {
    list.iter().filter(|m| m.subject == subject).count()
}

#[tokio::test]
async fn actions_made_while_the_ent_is_down_are_replayed_in_order_when_it_returns() {
    // Arrange
    let mut app = TestApp::start().await;
    let a = app
        .deliver(
            "paul.martin",
            &["marie.durand"],
            "Lu hors ligne",
            "<p>a</p>",
        )
        .await;
    let b = app
        .deliver(
            "paul.martin",
            &["marie.durand"],
            "Jeté hors ligne",
            "<p>b</p>",
        )
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    app.stop().await;

    // Act: offline actions apply locally at once and stay queued; then the server comes back
    // on the same port with the same data.
    mb.read(&a).await.unwrap();
    mb.trash(std::slice::from_ref(&b)).await.unwrap();
    let folder = mb.create_folder("Projets", None).await.unwrap();
    let sent = mb
        .send(None, draft(app.id("paul.martin"), "Envoyé hors ligne"))
        .await
        .unwrap();
    let offline = mb.sync(SyncMode::Quick).await.unwrap_err();
    assert_eq!(offline.kind(), ErrorKind::Offline);
    assert!(!mb.message(&a).await.unwrap().summary.unread);
    assert_eq!(mb.list("trash", 0, 10).await.unwrap().len(), 1);
    assert!(mb.pending_actions().await.unwrap() >= 4);
    app.restart().await;
    let report = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    assert!(report.actions_replayed >= 4, "{report:?}");
    assert_eq!(app.remote_unread("marie.durand", &a).await, Some(false));
    let trash = app.remote("marie.durand", "trash").await;
    assert_eq!(
        trash.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        vec![b.clone()]
    );
    assert!(!folder.is_empty());
    assert_eq!(
        app.remote_folder_names("marie.durand").await,
        vec!["Projets".to_string()]
    );
    let paul_inbox = app.remote("paul.martin", "inbox").await;
    assert_eq!(count_subject(&paul_inbox, "Envoyé hors ligne"), 1);
    assert!(sent.starts_with("local-"));
    let outbox = mb.list("outbox", 0, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        outbox[0].id, paul_inbox[0].id,
        "the local id was replaced by the ENT's"
    );
}

#[tokio::test]
async fn a_process_killed_between_queueing_and_replay_does_each_action_once() {
    // Arrange: queue actions with the ENT down, then drop the mailbox without flushing
    // (the process dies).
    let mut app = TestApp::start().await;
    let a = app
        .deliver("paul.martin", &["marie.durand"], "Un", "<p>a</p>")
        .await;
    {
        let mb = app.mailbox("marie.durand").await;
        mb.sync(SyncMode::Quick).await.unwrap();
        app.stop().await;
        mb.trash(std::slice::from_ref(&a)).await.unwrap();
        mb.send(None, draft(app.id("paul.martin"), "Une seule fois"))
            .await
            .unwrap();
    }
    app.restart().await;

    // Act: a new process opens the same store and syncs, twice.
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    mb.sync(SyncMode::Full).await.unwrap();

    // Assert
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    let paul_inbox = app.remote("paul.martin", "inbox").await;
    assert_eq!(count_subject(&paul_inbox, "Une seule fois"), 1);
    let marie_outbox = app.remote("marie.durand", "outbox").await;
    assert_eq!(count_subject(&marie_outbox, "Une seule fois"), 1);
    let trash = app.remote("marie.durand", "trash").await;
    assert_eq!(
        trash.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        vec![a]
    );
}

#[tokio::test]
async fn a_send_committed_by_the_ent_whose_answer_is_lost_is_delivered_once() {
    // Arrange: the ENT commits the send, then the connection drops before the answer.
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    app.server()
        .faults()
        .inject_times("/conversation/send", FaultKind::CommitThenDrop, 1);
    mb.send(None, draft(app.id("paul.martin"), "Réponse perdue"))
        .await
        .unwrap();
    let first = mb.flush_queue().await;
    assert!(first.is_err(), "the lost answer is an error: {first:?}");
    assert_eq!(mb.pending_actions().await.unwrap(), 1);
    let paul_inbox = app.remote("paul.martin", "inbox").await;
    assert_eq!(
        count_subject(&paul_inbox, "Réponse perdue"),
        1,
        "the ENT committed the send before the connection dropped"
    );

    // Act: the replay sends the same draft again.
    let second = mb.flush_queue().await.unwrap();

    // Assert
    assert!(second.refused.is_empty(), "{second:?}");
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    let paul_inbox = app.remote("paul.martin", "inbox").await;
    assert_eq!(count_subject(&paul_inbox, "Réponse perdue"), 1);
    let marie_outbox = app.remote("marie.durand", "outbox").await;
    assert_eq!(count_subject(&marie_outbox, "Réponse perdue"), 1);
    mb.sync(SyncMode::Full).await.unwrap();
    let outbox = mb.list("outbox", 0, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert!(mb.list("draft", 0, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_send_the_ent_refuses_is_undone_and_the_reason_reaches_the_caller() {
    // Arrange: a pupil may not write to a teacher of another class.
    let app = TestApp::start().await;
    let mb = app.mailbox("hugo.leroy").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let mut events = mb.events();
    let id = mb
        .send(None, draft(app.id("paul.martin"), "Refusé"))
        .await
        .unwrap();
    assert_eq!(mb.list("outbox", 0, 10).await.unwrap().len(), 1);

    // Act
    let report = mb.flush_queue().await.unwrap();

    // Assert
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].0, "send");
    assert!(!report.refused[0].1.is_empty(), "a reason is given");
    assert!(mb.list("outbox", 0, 10).await.unwrap().is_empty());
    let drafts = mb.list("draft", 0, 10).await.unwrap();
    assert_eq!(drafts.len(), 1, "the message is back in the drafts");
    assert_ne!(drafts[0].id, id, "it kept the ENT's draft id");
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    let mut refused = None;
    while let Ok(e) = events.try_recv() {
        if let messagerie_core::mailbox::Event::ActionRefused { reason, .. } = e {
            refused = Some(reason);
        }
    }
    assert_eq!(refused.as_deref(), Some(report.refused[0].1.as_str()));
    assert!(app.remote("paul.martin", "inbox").await.is_empty());
}

#[tokio::test]
async fn moving_to_a_folder_and_back_restoring_and_deleting_reach_the_ent() {
    let app = TestApp::start().await;
    let a = app
        .deliver("paul.martin", &["marie.durand"], "A classer", "<p>a</p>")
        .await;
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
    let in_folder = app.remote("marie.durand", &folder_id).await;
    assert_eq!(in_folder.len(), 1);
    assert_eq!(in_folder[0].id, a);
    assert!(app.remote("marie.durand", "inbox").await.is_empty());

    mb.move_to_root(std::slice::from_ref(&a)).await.unwrap();
    mb.trash(std::slice::from_ref(&a)).await.unwrap();
    mb.restore(std::slice::from_ref(&a)).await.unwrap();
    mb.flush_queue().await.unwrap();
    assert_eq!(mb.list("inbox", 0, 10).await.unwrap().len(), 1);
    assert_eq!(app.remote("marie.durand", "inbox").await.len(), 1);
    assert!(app.remote("marie.durand", "trash").await.is_empty());

    mb.trash(std::slice::from_ref(&a)).await.unwrap();
    mb.delete_forever(std::slice::from_ref(&a)).await.unwrap();
    mb.flush_queue().await.unwrap();
    assert!(app.remote("marie.durand", "inbox").await.is_empty());
    assert!(app.remote("marie.durand", "trash").await.is_empty());
    let report = mb.sync(SyncMode::Full).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(mb.message(&a).await.is_err());
}

#[tokio::test]
async fn an_attachment_added_offline_is_uploaded_with_the_draft() {
    // Arrange
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let file = app.dir.path().join("ordre-du-jour.txt");
    std::fs::write(&file, b"point 1").unwrap();
    let paul_id = app.id("paul.martin");

    // Act
    let id = mb
        .save_draft(None, draft(paul_id.clone(), "Avec PJ"))
        .await
        .unwrap();
    mb.add_attachment(&id, &file).await.unwrap();
    mb.send(Some(&id), draft(paul_id, "Avec PJ")).await.unwrap();
    mb.flush_queue().await.unwrap();

    // Assert: paul receives it with the file.
    let paul = app.mailbox("paul.martin").await;
    paul.sync(SyncMode::Quick).await.unwrap();
    let inbox = paul.list("inbox", 0, 10).await.unwrap();
    assert_eq!(inbox.len(), 1);
    let msg = paul.message(&inbox[0].id).await.unwrap();
    assert_eq!(msg.summary.subject, "Avec PJ");
    assert_eq!(msg.attachments.len(), 1, "{:?}", msg.attachments);
    let path = paul
        .attachment_file(&msg.summary.id, &msg.attachments[0].id)
        .await
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"point 1");
}

#[tokio::test]
async fn a_trash_made_offline_stays_pending_until_the_ent_confirms_it() {
    // Arrange
    let mut app = TestApp::start().await;
    let id = app
        .deliver("paul.martin", &["marie.durand"], "En attente", "<p>a</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let mut events = mb.events();
    app.stop().await;

    // Act: trash while the ENT is down, then flush once it is back.
    mb.trash(std::slice::from_ref(&id)).await.unwrap();
    let offline = mb.flush_queue().await.unwrap_err();
    let while_down = mb.pending_message_ids().await.unwrap();
    let announced_when_queued = last_pending_set(&mut events);
    app.restart().await;
    mb.flush_queue().await.unwrap();
    let announced_after_flush = last_pending_set(&mut events);

    // Assert
    assert_eq!(offline.kind(), ErrorKind::Offline);
    assert_eq!(while_down, vec![id.clone()]);
    assert_eq!(announced_when_queued, Some(vec![id.clone()]));
    assert!(mb.pending_message_ids().await.unwrap().is_empty());
    assert_eq!(announced_after_flush, Some(Vec::new()));
    assert!(app
        .remote("marie.durand", "TRASH")
        .await
        .iter()
        .any(|m| m.id == id));
    app.stop().await;
}

/// The last set of pending messages announced among the events received so far.
fn last_pending_set(
    events: &mut tokio::sync::broadcast::Receiver<messagerie_core::mailbox::Event>,
) -> Option<Vec<String>> {
    let mut announced = None;
    while let Ok(event) = events.try_recv() {
        if let messagerie_core::mailbox::Event::PendingChanged { message_ids } = event {
            announced = Some(message_ids);
        }
    }
    announced
}

/// The window lists a new folder under its local id until it refreshes; the replay may give it
/// the ENT's id in between. A move, a sub-folder, a rename or a delete chosen on the window's
/// stale list still lands in that folder instead of failing with « dossier introuvable ».
#[tokio::test]
async fn a_folder_chosen_by_the_id_it_had_before_the_replay_still_takes_the_action() {
    // Arrange: a folder made here, then given its ENT id by a replay.
    let app = TestApp::start().await;
    let a = app
        .deliver(
            "paul.martin",
            &["marie.durand"],
            "Sortie au musée",
            "<p>a</p>",
        )
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let local = mb.create_folder("Sorties scolaires", None).await.unwrap();
    let mut events = mb.events();
    mb.flush_queue().await.unwrap();
    let remote_id = |folders: Vec<messagerie_core::mailbox::Folder>, name: &str| {
        folders.into_iter().find(|f| f.name == name).map(|f| f.id)
    };
    let folder = remote_id(mb.folders().await.unwrap(), "Sorties scolaires").unwrap();
    assert_ne!(folder, local, "the replay gave the folder the ENT's id");
    let mut told = None;
    while let Ok(e) = events.try_recv() {
        if let messagerie_core::mailbox::Event::FolderRenamed { from, to } = e {
            told = Some((from, to));
        }
    }
    assert_eq!(
        told,
        Some((local.clone(), folder.clone())),
        "a window showing it is told"
    );

    // Act: each action names the folder by its old local id.
    mb.move_to_folder(std::slice::from_ref(&a), &local)
        .await
        .unwrap();
    let child = mb.create_folder("Musées", Some(&local)).await.unwrap();
    mb.rename_folder(&local, "Sorties").await.unwrap();
    mb.flush_queue().await.unwrap();

    // Assert: the message, the sub-folder and the name are the folder's, here and on the ENT.
    assert_eq!(mb.list(&folder, 0, 10).await.unwrap().len(), 1);
    assert!(mb.list("inbox", 0, 10).await.unwrap().is_empty());
    let in_folder = app.remote("marie.durand", &folder).await;
    assert_eq!(in_folder.iter().map(|m| &m.id).collect::<Vec<_>>(), [&a]);
    let folders = mb.folders().await.unwrap();
    let sub = folders.iter().find(|f| f.name == "Musées").unwrap();
    assert_eq!(sub.parent_id.as_deref(), Some(folder.as_str()), "{child}");
    let mut names = app.remote_folder_names("marie.durand").await;
    names.sort();
    assert_eq!(names, ["Musées", "Sorties"]);

    // Act: deleted by its old id, its message goes to the trash.
    mb.delete_folder(&local).await.unwrap();
    mb.flush_queue().await.unwrap();
    assert!(remote_id(mb.folders().await.unwrap(), "Sorties").is_none());
    assert_eq!(mb.list("trash", 0, 10).await.unwrap().len(), 1);
    assert!(app.remote_folder_names("marie.durand").await.is_empty());
}
