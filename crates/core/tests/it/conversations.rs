//! « Afficher par conversation »: a message, the reply made in the app and the answer made on
//! the web form one conversation, across « Boîte de réception » and « Messages envoyés »,
//! read from the store (so offline too).

use messagerie_core::client::conversation as api;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

fn web_message(to: String, subject: &str, in_reply_to: Option<String>) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: format!("<p>{subject}</p>"),
        to: vec![to],
        in_reply_to,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_reply_made_here_and_one_made_on_the_web_form_one_conversation_across_folders() {
    // Arrange: Paul writes to Marie from the web; Marie replies from the app; Paul answers her
    // reply on the web. Then an unrelated message.
    let app = TestApp::start().await;
    let marie_id = app.id("marie.durand");
    let first = web_message(marie_id.clone(), "Sortie au musée", None);
    app.with_web("paul.martin", async |c| {
        let id = api::create_draft(c, &first).await.unwrap();
        api::send(c, &id, &first).await.unwrap();
    })
    .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let original = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();
    let reply = marie.reply_draft(&original, false).await.unwrap();
    marie
        .send(
            None,
            DraftContent {
                subject: reply.subject.clone(),
                body: "<p>Avec plaisir</p>".into(),
                to: reply.to.iter().map(|r| r.id.clone()).collect(),
                in_reply_to: reply.in_reply_to.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    marie.flush_queue().await.unwrap();
    let her_reply = app
        .remote("paul.martin", "inbox")
        .await
        .into_iter()
        .find(|m| m.subject == "Re : Sortie au musée")
        .expect("Paul has Marie's reply")
        .id;
    let answer = web_message(marie_id.clone(), "Re : Sortie au musée", Some(her_reply));
    let other = web_message(marie_id, "Cantine", None);
    app.with_web("paul.martin", async |c| {
        for m in [&answer, &other] {
            let id = api::create_draft(c, m).await.unwrap();
            api::send(c, &id, m).await.unwrap();
        }
    })
    .await;
    marie.sync(SyncMode::Full).await.unwrap();

    // Act
    let inbox = marie.list_conversations("inbox", 0, 50).await.unwrap();
    let outbox = marie.list_conversations("outbox", 0, 50).await.unwrap();
    app.server()
        .faults()
        .inject("/conversation", ent_server::FaultKind::DropConnection);
    let thread = marie.conversation(&inbox[1].latest.id).await;

    // Assert: two lines in the inbox, the later one first; the conversation counts the three
    // messages, is unread (Paul's answer is), names both; the sent reply's line is the same
    // conversation; offline, the conversation opens with its three messages oldest first.
    let subjects: Vec<&str> = inbox.iter().map(|c| c.latest.subject.as_str()).collect();
    assert_eq!(subjects, ["Cantine", "Re : Sortie au musée"]);
    let line = &inbox[1];
    assert_eq!((line.count, line.unread), (3, true), "{line:?}");
    assert_eq!(line.participants, ["MARTIN Paul", "DURAND Marie"]);
    assert_eq!(
        (inbox[0].count, inbox[0].thread_id.as_str()),
        (1, inbox[0].latest.id.as_str())
    );
    assert_eq!(line.here.len(), 2, "Paul's two messages are in the inbox");
    assert_eq!(line.here[0], line.latest.id);
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].thread_id, line.thread_id);
    assert_eq!(
        outbox[0].here.len(),
        1,
        "Marie's reply is in « Messages envoyés »"
    );
    assert_eq!(outbox[0].count, 3);
    let thread = thread.unwrap();
    let in_order: Vec<(&str, &str)> = thread
        .iter()
        .map(|m| {
            let from = m.summary.from.as_ref().map(|f| f.display_name.as_str());
            (m.summary.subject.as_str(), from.unwrap_or_default())
        })
        .collect();
    assert_eq!(
        in_order,
        [
            ("Sortie au musée", "MARTIN Paul"),
            ("Re : Sortie au musée", "DURAND Marie"),
            ("Re : Sortie au musée", "MARTIN Paul"),
        ]
    );
    assert_eq!(thread[0].summary.id, original);
    assert!(
        thread.iter().all(|m| m.body.is_none()),
        "bodies are asked one by one"
    );
    assert!(
        thread[2].summary.unread,
        "listing a conversation reads nothing"
    );
}

#[tokio::test]
async fn a_trashed_message_leaves_its_conversation_and_is_its_own_line_in_the_trash() {
    // Arrange: Paul writes twice in one thread (his second message answers the first).
    let app = TestApp::start().await;
    let marie_id = app.id("marie.durand");
    let first = web_message(marie_id.clone(), "Réunion", None);
    app.with_web("paul.martin", async |c| {
        let id = api::create_draft(c, &first).await.unwrap();
        api::send(c, &id, &first).await.unwrap();
        let again = web_message(marie_id.clone(), "Re : Réunion", Some(id));
        let id = api::create_draft(c, &again).await.unwrap();
        api::send(c, &id, &again).await.unwrap();
    })
    .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let both = marie.list_conversations("inbox", 0, 50).await.unwrap();
    assert_eq!(both.len(), 1);
    assert_eq!(both[0].count, 2);

    // Act: the older one goes to the trash.
    let older = marie.conversation(&both[0].latest.id).await.unwrap()[0]
        .summary
        .id
        .clone();
    marie.trash(std::slice::from_ref(&older)).await.unwrap();

    // Assert
    let inbox = marie.list_conversations("inbox", 0, 50).await.unwrap();
    assert_eq!(inbox[0].count, 1);
    let trash = marie.list_conversations("trash", 0, 50).await.unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].latest.id, older);
    assert_eq!(marie.conversation(&older).await.unwrap().len(), 1);
}
