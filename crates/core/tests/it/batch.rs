//! Batches the ENT refuses whole for one id (issue 10, case 3): entcore's
//! `MultipleMessageUserFilter` answers 401 + HTML to a batch when one id is not the user's any
//! more, and so does ent-server.

use messagerie_core::mailbox::Event;
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

fn ids(list: &[messagerie_core::message::SummaryRow]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|m| m.id.clone()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn trashing_three_messages_one_of_which_was_deleted_on_the_web_trashes_the_two_others() {
    // Arrange: three messages synced to the desktop; the second is deleted on the web page.
    let app = TestApp::start().await;
    let mut sent = Vec::new();
    for subject in ["Un", "Deux", "Trois"] {
        sent.push(
            app.deliver("paul.martin", &["marie.durand"], subject, "<p>x</p>")
                .await,
        );
    }
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let gone = sent[1].clone();
    app.web_trash("marie.durand", std::slice::from_ref(&gone))
        .await;
    app.web_delete("marie.durand", std::slice::from_ref(&gone))
        .await;
    let mut events = mb.events();

    // Act
    mb.trash(&sent).await.unwrap();
    let report = mb.flush_queue().await.unwrap();

    // Assert: the two others are trashed on the ENT and here, nobody is told of a refusal, and
    // the message deleted on the web is gone here too.
    assert!(report.refused.is_empty(), "{report:?}");
    assert_eq!(report.remaining, 0);
    let mut expected = vec![sent[0].clone(), sent[2].clone()];
    expected.sort();
    assert_eq!(ids(&app.remote("marie.durand", "trash").await), expected);
    let local_trash: Vec<String> = {
        let mut v: Vec<String> = mb
            .list("trash", 0, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect();
        v.sort();
        v
    };
    assert_eq!(local_trash, expected);
    assert!(matches!(
        mb.message(&gone).await.unwrap_err(),
        messagerie_core::Error::MessageNotFound(_)
    ));
    while let Ok(e) = events.try_recv() {
        assert!(
            !matches!(e, Event::ActionRefused { .. }),
            "no refusal is reported: {e:?}"
        );
    }
}

#[tokio::test]
async fn an_unread_restore_batch_with_one_gone_message_keeps_the_others_unread() {
    // Arrange: the sync read three unread messages on the ENT (which marks them read) and was
    // killed before it marked them unread again; meanwhile the second was deleted on the web.
    let app = TestApp::start().await;
    let mut sent = Vec::new();
    for subject in ["Un", "Deux", "Trois"] {
        sent.push(
            app.deliver("paul.martin", &["marie.durand"], subject, "<p>x</p>")
                .await,
        );
    }
    let mb = app.mailbox("marie.durand").await;
    app.web_mark_unread("marie.durand", &sent, false).await;
    let gone = sent[1].clone();
    app.web_trash("marie.durand", std::slice::from_ref(&gone))
        .await;
    app.web_delete("marie.durand", std::slice::from_ref(&gone))
        .await;
    let path = mb.account().database_path();
    let pending = sent.clone();
    tokio::task::spawn_blocking(move || {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        for id in &pending {
            conn.execute("INSERT INTO unread_restore (message_id) VALUES (?1)", [id])
                .unwrap();
        }
    })
    .await
    .unwrap();

    // Act: the next sync sends the restore the crash left behind.
    mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(
        app.remote_unread("marie.durand", &sent[0]).await,
        Some(true)
    );
    assert_eq!(
        app.remote_unread("marie.durand", &sent[2]).await,
        Some(true)
    );
    assert_eq!(app.remote_unread("marie.durand", &gone).await, None);
}

#[tokio::test]
async fn a_move_with_one_message_gone_moves_the_others_but_a_folder_gone_is_refused() {
    // Arrange: two messages and a folder, synced; one message deleted on the web.
    let app = TestApp::start().await;
    let a = app
        .deliver("paul.martin", &["marie.durand"], "Un", "<p>x</p>")
        .await;
    let b = app
        .deliver("paul.martin", &["marie.durand"], "Deux", "<p>x</p>")
        .await;
    let mb = app.mailbox("marie.durand").await;
    mb.create_folder("Gardé", None).await.unwrap();
    mb.create_folder("Supprimé", None).await.unwrap();
    mb.sync(SyncMode::Quick).await.unwrap();
    let id_of = |name: &'static str| {
        let mb = mb.clone();
        async move {
            mb.folders()
                .await
                .unwrap()
                .into_iter()
                .find(|f| f.name == name)
                .unwrap()
                .id
        }
    };
    let (kept, dropped) = (id_of("Gardé").await, id_of("Supprimé").await);
    app.web_trash("marie.durand", std::slice::from_ref(&b))
        .await;
    app.web_delete("marie.durand", std::slice::from_ref(&b))
        .await;
    app.with_web("marie.durand", async |c| {
        messagerie_core::client::conversation::delete_folder(c, &dropped)
            .await
            .unwrap()
    })
    .await;

    // Act
    mb.move_to_folder(&[a.clone(), b.clone()], &kept)
        .await
        .unwrap();
    let first = mb.flush_queue().await.unwrap();
    mb.move_to_folder(std::slice::from_ref(&a), &dropped)
        .await
        .unwrap();
    let second = mb.flush_queue().await.unwrap();

    // Assert: the first move is done for the message that exists, nothing refused; the second
    // is a real refusal, undone here.
    assert!(first.refused.is_empty(), "{first:?}");
    assert_eq!(second.refused.len(), 1, "{second:?}");
    let in_kept = app
        .with_web("marie.durand", async |c| {
            messagerie_core::client::conversation::list(c, &kept, 0, 25)
                .await
                .unwrap()
                .items
        })
        .await;
    assert_eq!(in_kept.iter().map(|m| &m.id).collect::<Vec<_>>(), vec![&a]);
    let here = mb.list(&kept, 0, 10).await.unwrap();
    assert_eq!(here.iter().map(|m| &m.id).collect::<Vec<_>>(), vec![&a]);
}
