use ent_protocol::FolderTreeItem;
use reqwest::StatusCode;

use crate::helpers::{json, TestApp};

#[tokio::test]
async fn the_demo_school_starts_with_read_and_unread_mail_a_pdf_a_thread_a_folder_and_a_draft() {
    let app = TestApp::spawn_with(|c| c.seed_demo_mailboxes = true).await;
    let marie = app.login("marie.durand").await;
    let inbox = marie.list("inbox").await;
    assert!(inbox.iter().any(|m| m.unread) && inbox.iter().any(|m| !m.unread));
    let with_pdf = inbox
        .iter()
        .find(|m| m.has_attachment)
        .expect("a message with an attachment");
    let msg = marie.message(&with_pdf.id).await;
    let att = &msg.attachments[0];
    assert_eq!(att.content_type, "application/pdf");
    let pdf = marie.download(&msg.id, &att.id, None).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let outbox = marie.list("outbox").await;
    let reply = marie.message(&outbox[0].id).await;
    assert!(reply.parent_id.is_some());
    let folders: Vec<FolderTreeItem> = json(marie.folders(1).await).await;
    assert_eq!(folders[0].nb_messages, 1);
    assert_eq!(marie.list("draft").await.len(), 1);
}

#[tokio::test]
async fn the_demo_seed_runs_once() {
    let app = TestApp::spawn_with(|c| c.seed_demo_mailboxes = true).await;
    let data = app.data.path().to_owned();
    let before = app.login("marie.durand").await.list("inbox").await.len();
    app.server.stop().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = ent_server::start(listener, ent_server::Config::demo(&data))
        .await
        .unwrap();
    let again = TestApp {
        base: server.base_url(),
        server,
        data: app.data,
    };
    assert_eq!(
        again.login("marie.durand").await.list("inbox").await.len(),
        before
    );
}
