//! What the ENT does besides what was asked (issue 10, case 7), and the store following it:
//! the local state is what the ENT did, not what was asked.

use messagerie_core::client::conversation as api;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

fn content(to: String, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: vec![to],
        ..Default::default()
    }
}

#[tokio::test]
async fn forwarding_an_unread_message_marks_it_read_on_the_ent_and_in_the_store() {
    // Arrange: an unread message, forwarded without being opened.
    let app = TestApp::start().await;
    let original = app
        .deliver("paul.martin", &["marie.durand"], "À transférer", "<p>x</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    assert!(mb.message(&original).await.unwrap().summary.unread);

    // Act
    mb.forward_draft(&original).await.unwrap();
    mb.flush_queue().await.unwrap();

    // Assert
    assert_eq!(
        app.remote_unread("marie.durand", &original).await,
        Some(false)
    );
    assert!(!mb.message(&original).await.unwrap().summary.unread);
}

#[tokio::test]
async fn the_ent_marks_the_original_read_when_a_forward_links_its_files() {
    // Arrange: a draft made without In-Reply-To (as an older web client may), then linked.
    let app = TestApp::start().await;
    let original = app
        .deliver("paul.martin", &["marie.durand"], "Pièces", "<p>x</p>")
        .await;
    assert_eq!(
        app.remote_unread("marie.durand", &original).await,
        Some(true)
    );

    // Act
    app.with_web("marie.durand", async |c| {
        let draft = api::create_draft(c, &DraftContent::default())
            .await
            .unwrap();
        api::forward_attachments(c, &draft, &original)
            .await
            .unwrap();
    })
    .await;

    // Assert: as entcore, which reads the original to find its files.
    assert_eq!(
        app.remote_unread("marie.durand", &original).await,
        Some(false)
    );
}

#[tokio::test]
async fn a_reply_sent_without_opening_the_message_marks_it_read_in_the_store() {
    // Arrange
    let app = TestApp::start().await;
    let parent = app
        .deliver("paul.martin", &["marie.durand"], "Question", "<p>?</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    assert!(mb.message(&parent).await.unwrap().summary.unread);

    // Act
    let reply = DraftContent {
        in_reply_to: Some(parent.clone()),
        ..content(app.id("paul.martin"), "Re : Question")
    };
    mb.send(None, reply).await.unwrap();
    mb.flush_queue().await.unwrap();

    // Assert
    assert_eq!(
        app.remote_unread("marie.durand", &parent).await,
        Some(false)
    );
    assert!(!mb.message(&parent).await.unwrap().summary.unread);
}

#[tokio::test]
async fn deleting_for_good_a_message_restored_on_the_web_meanwhile_keeps_it_where_the_ent_has_it() {
    // Arrange: a message in a folder, trashed here and synced; then restored on the web page
    // (back into its folder there), while here it is deleted for good.
    let app = TestApp::start().await;
    let id = app
        .deliver("paul.martin", &["marie.durand"], "À garder", "<p>x</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let folder = mb.create_folder("Projets", None).await.unwrap();
    mb.sync(SyncMode::Quick).await.unwrap();
    let folder = mb
        .folders()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Projets")
        .map(|f| f.id)
        .unwrap_or(folder);
    mb.move_to_folder(std::slice::from_ref(&id), &folder)
        .await
        .unwrap();
    mb.trash(std::slice::from_ref(&id)).await.unwrap();
    mb.sync(SyncMode::Quick).await.unwrap();
    app.with_web("marie.durand", async |c| {
        api::restore(c, std::slice::from_ref(&id)).await.unwrap()
    })
    .await;

    // Act: the ENT answers 200 to the delete and keeps the message (it is not in its trash).
    mb.delete_forever(std::slice::from_ref(&id)).await.unwrap();
    mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: here as on the ENT, the message is in its folder.
    let on_ent = app
        .with_web("marie.durand", async |c| {
            api::list(c, &folder, 0, 25).await.unwrap().items
        })
        .await;
    assert_eq!(on_ent.iter().map(|m| &m.id).collect::<Vec<_>>(), vec![&id]);
    let here = mb.list(&folder, 0, 10).await.unwrap();
    assert_eq!(here.iter().map(|m| &m.id).collect::<Vec<_>>(), vec![&id]);
}

#[tokio::test]
async fn saving_a_draft_that_was_sent_elsewhere_shows_it_as_sent() {
    // Arrange: a draft on the ENT, sent from the web page; the desktop still has it as a draft.
    let app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    let first = content(app.id("paul.martin"), "Brouillon parti");
    let id = mb.save_draft(None, first.clone()).await.unwrap();
    mb.flush_queue().await.unwrap();
    let id = mb.message(&id).await.unwrap().summary.id;
    app.with_web("marie.durand", async |c| {
        api::send(c, &id, &first).await.unwrap();
    })
    .await;

    // Act: an edit saved here; the ENT answers 200 and changes nothing.
    let edited = content(app.id("paul.martin"), "Brouillon modifié");
    mb.save_draft(Some(&id), edited).await.unwrap();
    mb.flush_queue().await.unwrap();

    // Assert: here as on the ENT, the message was sent as it was.
    let m = mb.message(&id).await.unwrap();
    assert_eq!(m.summary.state, "SENT");
    assert_eq!(m.summary.subject, "Brouillon parti");
    assert!(mb.list("draft", 0, 10).await.unwrap().is_empty());
    let paul = app.remote("paul.martin", "inbox").await;
    assert_eq!(paul.len(), 1);
    assert_eq!(paul[0].subject, "Brouillon parti");
}
