use ent_protocol::{DraftBody, IdResponse, SendResponse};
use reqwest::StatusCode;

use crate::helpers::{draft, json, TestApp};

#[tokio::test]
async fn an_attachment_uploads_downloads_with_its_name_and_serves_ranges() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let att: IdResponse = json(marie.upload(&id, "ordre du jour.pdf", bytes.clone()).await).await;
    let msg = marie.message(&id).await;
    assert_eq!(msg.attachments[0].filename, "ordre du jour.pdf");
    assert_eq!(msg.attachments[0].size, 5000);
    let resp = marie.download(&id, &att.id, None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-disposition"],
        "attachment; filename=\"ordre du jour.pdf\""
    );
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);
    let part = marie.download(&id, &att.id, Some("bytes=10-19")).await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], "bytes 10-19/5000");
    assert_eq!(part.bytes().await.unwrap().to_vec(), bytes[10..20].to_vec());
}

#[tokio::test]
async fn a_file_name_that_lies_or_is_too_long_is_stored_clean_and_capped() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    let long = format!("{}.pdf", "é".repeat(200)); // 404 bytes

    marie
        .upload(&id, "devoir_\u{202E}fdp.exe", b"MZ".to_vec())
        .await;
    marie.upload(&id, &long, b"%PDF-1.4".to_vec()).await;

    let names: Vec<String> = marie
        .message(&id)
        .await
        .attachments
        .into_iter()
        .map(|a| a.filename)
        .collect();
    assert_eq!(names[0], "devoir_fdp.exe");
    assert!(names[1].len() <= 255, "{} bytes", names[1].len());
    assert!(names[1].ends_with("é.pdf"), "{}", names[1]);
}

#[tokio::test]
async fn a_large_file_is_served_whole_with_its_length() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3 * 1024 * 1024 + 7).collect();
    let att: IdResponse = json(marie.upload(&id, "film.mp4", bytes.clone()).await).await;

    let resp = marie.download(&id, &att.id, None).await;

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.content_length(), Some(bytes.len() as u64));
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn a_recipient_keeps_a_file_after_the_sender_deleted_the_message_and_the_file_goes_when_nobody_has_it(
) {
    let app = TestApp::spawn().await;
    let (marie, paul) = (
        app.login("marie.durand").await,
        app.login("paul.martin").await,
    );
    let id = marie.create_draft(&DraftBody::default()).await;
    let att: IdResponse = json(marie.upload(&id, "a.pdf", b"%PDF-1.4 test".to_vec()).await).await;
    let sent: SendResponse = json(
        marie
            .send_raw(Some(&id), None, &draft(&[&app.id("paul.martin")], "PJ"))
            .await,
    )
    .await;
    assert!(paul.list("inbox").await[0].has_attachment);
    marie.trash(&[&sent.id]).await;
    marie.delete(&[&sent.id]).await;
    app.server.sweep_orphans().await.unwrap();
    let resp = paul.download(&sent.id, &att.id, None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF-1.4 test");
    assert_eq!(
        marie.download(&sent.id, &att.id, None).await.status(),
        StatusCode::NOT_FOUND
    );
    paul.trash(&[&sent.id]).await;
    paul.delete(&[&sent.id]).await;
    assert_eq!(app.server.sweep_orphans().await.unwrap(), 1);
    assert!(!app.data.path().join("files").join(&att.id).exists());
}

#[tokio::test]
async fn an_upload_over_the_quota_is_refused_with_file_too_large() {
    let app = TestApp::spawn_with(|c| c.quota_bytes = 1000).await;
    let marie = app.login("marie.durand").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    let resp = marie.upload(&id, "big.bin", vec![0; 1001]).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(resp.text().await.unwrap(), r#"{"error":"file.too.large"}"#);
    assert!(marie.message(&id).await.attachments.is_empty());
    assert_eq!(
        marie.upload(&id, "ok.bin", vec![0; 1000]).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_quota_route_says_what_attachments_use_and_only_to_their_owner() {
    let app = TestApp::spawn_with(|c| c.quota_bytes = 10_000).await;
    let marie = app.login("marie.durand").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    assert_eq!(
        marie.upload(&id, "a.bin", vec![0; 1200]).await.status(),
        StatusCode::OK
    );

    let own = marie
        .get(&format!("/workspace/quota/user/{}", app.id("marie.durand")))
        .await;
    let other = marie
        .get(&format!("/workspace/quota/user/{}", app.id("paul.martin")))
        .await;

    assert_eq!(own.status(), StatusCode::OK);
    let body: serde_json::Value = own.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "quota": 10_000, "storage": 1200 })
    );
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn path_traversal_in_a_file_name_is_cut_to_its_last_component_and_never_reaches_the_disk() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    let att: IdResponse = json(marie.upload(&id, "../../evil.pdf", b"x".to_vec()).await).await;
    let msg = marie.message(&id).await;
    assert_eq!(msg.attachments[0].filename, "evil.pdf");
    assert!(app.data.path().join("files").join(&att.id).exists());
    assert!(!app.data.path().join("evil.pdf").exists());
}

#[tokio::test]
async fn a_nul_byte_in_a_file_name_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let id = marie.create_draft(&DraftBody::default()).await;
    let resp = marie.upload(&id, "evil\0.pdf", b"x".to_vec()).await;
    assert!(resp.status() == StatusCode::BAD_REQUEST || resp.status() == StatusCode::OK);
    if resp.status() == StatusCode::OK {
        assert!(!marie.message(&id).await.attachments[0]
            .filename
            .contains('\0'));
    } else {
        assert!(marie.message(&id).await.attachments.is_empty());
        assert_eq!(
            std::fs::read_dir(app.data.path().join("files"))
                .unwrap()
                .count(),
            0
        );
    }
}

#[tokio::test]
async fn removing_and_forwarding_attachments_follow_the_callers_links() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let orig = marie.create_draft(&DraftBody::default()).await;
    let att: IdResponse = json(marie.upload(&orig, "a.pdf", vec![1; 100]).await).await;
    let fwd = marie.create_draft(&DraftBody::default()).await;
    assert_eq!(
        marie.forward_attachments(&fwd, &orig).await.status(),
        StatusCode::OK
    );
    assert_eq!(marie.message(&fwd).await.attachments[0].id, att.id);
    let removed: ent_protocol::AttachmentRemoved =
        json(marie.remove_attachment(&orig, &att.id).await).await;
    assert_eq!(removed.file_size, 100);
    assert!(marie.message(&orig).await.attachments.is_empty());
    assert_eq!(
        marie.download(&fwd, &att.id, None).await.status(),
        StatusCode::OK
    );
    let paul = app.login("paul.martin").await;
    assert_eq!(
        paul.download(&fwd, &att.id, None).await.status(),
        StatusCode::NOT_FOUND
    );
}
