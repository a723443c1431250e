//! Images in bodies (issue 16 point 1, « image »): inserted as the ENT's editor inserts them,
//! read back by a recipient with her own session, and hostile addresses never fetched.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::{attachment, ErrorKind};

use crate::harness::{workspace_video, TestApp};

/// The header of a 2 × 1 PNG (what the app reads of it) and a few bytes.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7b, 0x40, 0xe8,
    0xdd, 0x00, 0x00, 0x00, 0x0f, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x44, 0x0c, 0xff, 0x01, 0x06, 0x02, 0x01, 0xff, 0xa1, 0x3c, 0x4f, 0x5d, 0x00, 0x00, 0x00, 0x00,
    0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

async fn opened_body(mb: &messagerie_core::Mailbox, subject: &str) -> (String, bool) {
    mb.sync(SyncMode::Full).await.unwrap();
    let row = mb
        .list("inbox", 0, 20)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.subject == subject)
        .expect("delivered");
    let opened = mb.open_message(&row.id).await.unwrap();
    let body = opened.body.unwrap();
    (
        row.id,
        body.ent_images && !body.remote_images && !body.html.contains("data:"),
    )
}

#[tokio::test]
async fn an_inserted_image_goes_to_the_workspace_and_the_recipient_sees_it_with_her_own_session() {
    let app = TestApp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let marie = app.mailbox("marie.durand").await;

    let image = marie
        .insert_image(&file(&dir, "sortie.png", PNG))
        .await
        .unwrap();

    let (path, query) = image.src.split_once('?').unwrap();
    assert!(path.starts_with("/workspace/document/"), "{}", image.src);
    assert!(query.starts_with("timestamp="), "{}", image.src);
    assert!(image.data_url.starts_with("data:image/png;base64,"));
    let body = format!(
        r#"<p>La photo :</p><p><img src="{}" class="custom-image" width="350"></p>"#,
        image.src
    );
    marie
        .send(
            None,
            DraftContent {
                subject: "Photo".into(),
                body: body.clone(),
                to: vec![app.id("paul.martin")],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    marie.sync(SyncMode::Full).await.unwrap();

    let paul = app.mailbox("paul.martin").await;
    let (id, shown_later) = opened_body(&paul, "Photo").await;
    assert!(
        shown_later,
        "the pane gets the address, never the bytes from the window"
    );
    let html = paul.body_with_ent_images(&id).await.unwrap();
    assert!(html.contains(&image.data_url), "{html}");
    assert!(html.contains(r#"width="350""#), "{html}");
    assert_eq!(
        paul.ent_image(&image.src).await.unwrap().as_deref(),
        Some(image.data_url.as_str())
    );
}

#[tokio::test]
async fn a_photo_larger_than_the_ents_box_is_shrunk_as_the_ents_editor_does_before_it_is_sent() {
    // Arrange: a 2,400 × 1,800 photo of noise, 13 MB as a PNG (refused before: over 5 MiB).
    let app = TestApp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 0x2545_f491_u32;
    let noise = image::RgbImage::from_fn(2400, 1800, |_, _| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [r, g, b, _] = seed.to_be_bytes();
        image::Rgb([r, g, b])
    });
    let mut photo = std::io::Cursor::new(Vec::new());
    noise.write_to(&mut photo, image::ImageFormat::Png).unwrap();
    let photo = photo.into_inner();
    assert!(photo.len() > 10 * 1024 * 1024);
    let marie = app.mailbox("marie.durand").await;

    // Act
    let image = marie
        .insert_image(&file(&dir, "photo.png", &photo))
        .await
        .unwrap();

    // Assert: the document in Marie's workspace, read with Paul's session, is a JPEG of
    // 1,440 × 1,080, and the editor shows that same JPEG.
    let (path, _) = image.src.split_once('?').unwrap();
    let stored = app
        .with_web("paul.martin", async |c| {
            c.send_raw(messagerie_core::client::Call::get(path))
                .await
                .unwrap()
                .bytes
        })
        .await;
    assert!(stored.starts_with(b"\xff\xd8\xff"), "a JPEG");
    assert_eq!(
        messagerie_core::ent_images::dimensions(&stored),
        Some((1440, 1080))
    );
    assert!(stored.len() < photo.len() / 4, "{} bytes", stored.len());
    assert_eq!(
        image.data_url,
        messagerie_core::ent_images::data_url(&stored).unwrap()
    );
}

#[tokio::test]
async fn what_is_not_an_image_or_does_not_fit_is_refused_before_any_upload() {
    let app = TestApp::start_with(|c| c.quota_bytes = 50).await;
    let dir = tempfile::tempdir().unwrap();
    let marie = app.mailbox("marie.durand").await;

    let text = marie
        .insert_image(&file(&dir, "photo.png", b"<svg onload=alert(1)>"))
        .await
        .unwrap_err();
    assert_eq!(text.kind(), ErrorKind::InvalidInput);
    assert!(text.to_string().contains("not an image"), "{text}");

    let over = marie
        .insert_image(&file(&dir, "sortie.png", PNG))
        .await
        .unwrap_err();
    assert_eq!(over.kind(), ErrorKind::Refused, "{over}");

    let folder = marie.insert_image(dir.path()).await.unwrap_err();
    assert_eq!(folder.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn hostile_addresses_are_not_fetched_as_ent_images_and_a_huge_one_is_left_empty_at_once() {
    let app = TestApp::start().await;
    // A « PNG » of a few bytes that claims 100,000 × 100,000 pixels, put in paul's workspace
    // as the ENT's editor would.
    let mut bomb = PNG[..16].to_vec();
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&PNG[24..]);
    let bomb_id = app
        .with_web("paul.martin", async |c| {
            messagerie_core::ent_images::upload(c, "bombe.png", bomb)
                .await
                .unwrap()
        })
        .await;
    let body = format!(
        r#"<p><img src="/workspace/document/{bomb_id}"><img src="/workspace/document/../../conversation/api/folders"><img src="//evil.example/workspace/document/abc"><img src="/workspace/document/abc%2F..%2Fx"></p>"#
    );
    app.deliver("paul.martin", &["marie.durand"], "Piège", &body)
        .await;
    let marie = app.mailbox("marie.durand").await;
    let (id, _) = opened_body(&marie, "Piège").await;
    let before = marie.client().request_count();

    let started = Instant::now();
    let html = marie.body_with_ent_images(&id).await.unwrap();

    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        marie.client().request_count() - before,
        1,
        "only the well-formed address: {html}"
    );
    assert!(!html.contains("data:"), "{html}");
    assert!(
        !html.contains("folders") && !html.contains("evil") && !html.contains("%2F"),
        "{html}"
    );
}

#[tokio::test]
async fn an_image_inserted_offline_waits_with_the_message_and_reaches_the_recipient_under_its_ent_address(
) {
    let mut app = TestApp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    app.stop().await;

    // Offline: the image goes in at once, under a local address, and the message is queued.
    let image = marie
        .insert_image(&file(&dir, "sortie.png", PNG))
        .await
        .unwrap();
    assert!(
        image.src.starts_with("/workspace/document/local-"),
        "{}",
        image.src
    );
    assert_eq!(
        marie.ent_image(&image.src).await.unwrap().as_deref(),
        Some(image.data_url.as_str()),
        "the editor shows the queued file"
    );
    marie
        .send(
            None,
            DraftContent {
                subject: "Photo hors ligne".into(),
                body: format!(
                    r#"<p>La photo :<img class="custom-image" src="{}" width="350"></p>"#,
                    image.src
                ),
                to: vec![app.id("paul.martin")],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(marie.pending_actions().await.unwrap() >= 2);

    app.restart().await;
    marie.sync(SyncMode::Quick).await.unwrap();

    assert_eq!(marie.pending_actions().await.unwrap(), 0);
    let paul = app.mailbox("paul.martin").await;
    let (id, _) = opened_body(&paul, "Photo hors ligne").await;
    let body = paul.message(&id).await.unwrap().body.unwrap();
    assert!(!body.contains("local-"), "{body}");
    assert!(
        body.contains(r#"<img class="custom-image" src="/workspace/document/"#),
        "{body}"
    );
    let html = paul.body_with_ent_images(&id).await.unwrap();
    assert!(
        html.contains(&image.data_url),
        "paul sees the image: {html}"
    );
}

#[tokio::test]
async fn a_scheduled_message_given_an_image_offline_after_it_was_queued_leaves_with_the_images_ent_address(
) {
    let mut app = TestApp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    app.stop().await;
    let content = |body: String| DraftContent {
        subject: "Programmé avec photo".into(),
        body,
        to: vec![app.id("paul.martin")],
        ..Default::default()
    };

    // Offline: scheduled first, then an image inserted and the message changed to show it (the
    // queued send, older than the image's upload, is changed in place).
    let due = messagerie_core::clock::now_ms() + 1_500;
    let id = marie
        .schedule_send(None, content("<p>Bientôt</p>".into()), due)
        .await
        .unwrap();
    let image = marie
        .insert_image(&file(&dir, "sortie.png", PNG))
        .await
        .unwrap();
    let body = format!(
        r#"<p>Bientôt<img class="custom-image" src="{}" width="350"></p>"#,
        image.src
    );
    marie.save_draft(Some(&id), content(body)).await.unwrap();
    app.restart().await;
    while messagerie_core::clock::now_ms() <= due {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    marie.flush_queue().await.unwrap();

    let paul = app.mailbox("paul.martin").await;
    let (id, _) = opened_body(&paul, "Programmé avec photo").await;
    let body = paul.message(&id).await.unwrap().body.unwrap();
    assert!(!body.contains("local-"), "{body}");
    let html = paul.body_with_ent_images(&id).await.unwrap();
    assert!(html.contains(&image.data_url), "{html}");
}

/// Paul puts a file in his workspace and sends Marie a message that links it the way the ENT's
/// editor lists a message's files (`div.attachments`, one link a line). Marie's mailbox, synced,
/// the message's id and the file's address.
async fn marie_gets_a_linked_workspace_document(
    app: &TestApp,
) -> (messagerie_core::Mailbox, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let paul = app.mailbox("paul.martin").await;
    let affiche = paul
        .insert_image(&file(&dir, "affiche.png", PNG))
        .await
        .unwrap();
    let (path, _) = affiche.src.split_once('?').unwrap();
    let body = format!(
        r#"<p>L'affiche :</p><div class="attachments"><a name="affiche.png" href="{path}" data-document-id="x" data-content-type="image/png">affiche.png</a></div>"#
    );
    paul.send(
        None,
        DraftContent {
            subject: "Affiche".into(),
            body,
            to: vec![app.id("marie.durand")],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    paul.sync(SyncMode::Full).await.unwrap();
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Full).await.unwrap();
    let id = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();
    (marie, id, path.to_string())
}

#[tokio::test]
async fn a_workspace_document_a_body_links_is_offered_as_an_attachment_and_fetched_with_the_session(
) {
    // Arrange
    let app = TestApp::start().await;
    let (marie, id, path) = marie_gets_a_linked_workspace_document(&app).await;
    let path = path.as_str();

    // Act: Marie opens the message, then « Ouvrir » on the linked file.
    let opened = marie.open_message(&id).await.unwrap();
    let safe = opened.body.unwrap();
    let (cached, decision) = marie.attachment_to_open(&id, path, &|_| {}).await.unwrap();

    // Assert: listed with its name, no longer a dead link in the body, fetched with Marie's
    // own session, and opened as the image it is.
    assert_eq!(safe.documents.len(), 1, "{safe:?}");
    assert_eq!(
        (
            safe.documents[0].id.as_str(),
            safe.documents[0].filename.as_str()
        ),
        (path, "affiche.png")
    );
    assert!(safe.html.contains("affiche.png") && !safe.html.contains("workspace"));
    assert_eq!(std::fs::read(&cached).unwrap(), PNG);
    assert_eq!(decision.verdict, messagerie_core::attachment::Verdict::Open);
    // A document the body does not link is not fetched for the window.
    let other = "/workspace/document/0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b";
    let refused = marie.attachment_file(&id, other).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_linked_workspace_document_opened_once_opens_offline_as_last_downloaded() {
    // Arrange: Marie has opened the document a message links once, online.
    let mut app = TestApp::start().await;
    let (marie, id, path) = marie_gets_a_linked_workspace_document(&app).await;
    marie.open_message(&id).await.unwrap();
    let (online, _) = marie.attachment_to_open(&id, &path, &|_| {}).await.unwrap();

    // Act: the ENT is out of reach (the train, the holidays); she opens it again.
    app.stop().await;
    let offline = marie.attachment_to_open(&id, &path, &|_| {}).await;

    // Assert: the file she downloaded opens, whole.
    let (offline, decision) = offline.unwrap();
    assert_eq!(offline, online);
    assert_eq!(std::fs::read(&offline).unwrap(), PNG);
    assert_eq!(decision.verdict, messagerie_core::attachment::Verdict::Open);
}

/// The folder a linked workspace document `path` of message `id` is downloaded into, and the
/// files in it.
fn downloads_of(marie: &messagerie_core::Mailbox, id: &str, path: &str) -> (PathBuf, Vec<String>) {
    let dir = marie
        .account()
        .dir
        .join("attachments")
        .join(attachment::file_name(id))
        .join(attachment::file_name(path));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    (dir, names)
}

#[tokio::test]
async fn a_linked_workspace_document_an_earlier_version_downloaded_still_opens_offline() {
    // Arrange: the version before this one downloaded the document beside the message's
    // attachments, as `{address}-{link text}`.
    let mut app = TestApp::start().await;
    let (marie, id, path) = marie_gets_a_linked_workspace_document(&app).await;
    marie.open_message(&id).await.unwrap();
    let (dir, _) = downloads_of(&marie, &id, &path);
    let earlier = dir
        .parent()
        .unwrap()
        .join(attachment::file_name(&format!("{path}-affiche.png")));
    std::fs::create_dir_all(earlier.parent().unwrap()).unwrap();
    // Other bytes than the ENT's, to tell which file opens.
    let mut earlier_bytes = PNG.to_vec();
    earlier_bytes.extend_from_slice(b"earlier");
    std::fs::write(&earlier, &earlier_bytes).unwrap();

    // Act: she opens it with the ENT out of reach, then again once it is back.
    app.stop().await;
    let (offline, _) = marie.attachment_to_open(&id, &path, &|_| {}).await.unwrap();
    let opened_offline = std::fs::read(&offline).unwrap();
    app.restart().await;
    let (online, _) = marie.attachment_to_open(&id, &path, &|_| {}).await.unwrap();

    // Assert: the earlier download opened offline, moved into the document's folder, and the
    // next download replaced it there.
    assert_eq!(offline, dir.join("affiche.png"));
    assert_eq!(opened_offline, earlier_bytes);
    assert_eq!(online, offline);
    assert_eq!(std::fs::read(&online).unwrap(), PNG);
    assert!(!earlier.exists());
    assert_eq!(downloads_of(&marie, &id, &path).1, ["affiche.png"]);
}

#[tokio::test]
async fn a_linked_workspace_document_renamed_by_its_owner_is_downloaded_again_under_its_new_name_only(
) {
    // Arrange: Marie downloaded the document when its owner had named it otherwise.
    let app = TestApp::start().await;
    let (marie, id, path) = marie_gets_a_linked_workspace_document(&app).await;
    marie.open_message(&id).await.unwrap();
    let (dir, _) = downloads_of(&marie, &id, &path);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("brouillon affiche.png"), b"old").unwrap();

    // Act
    let (online, _) = marie.attachment_to_open(&id, &path, &|_| {}).await.unwrap();

    // Assert: only the download under the ENT's name is left.
    assert_eq!(online, dir.join("affiche.png"));
    assert_eq!(downloads_of(&marie, &id, &path).1, ["affiche.png"]);
}

#[tokio::test]
async fn a_linked_workspace_document_never_downloaded_says_offline_when_the_ent_is_out_of_reach() {
    // Arrange: Marie has the message, not the document it links.
    let mut app = TestApp::start().await;
    let (marie, id, path) = marie_gets_a_linked_workspace_document(&app).await;

    // Act
    app.stop().await;
    let err = marie
        .attachment_to_open(&id, &path, &|_| {})
        .await
        .unwrap_err();

    // Assert
    assert_eq!(err.kind(), ErrorKind::Offline, "{err}");
}

#[tokio::test]
async fn a_workspace_video_a_message_shows_opens_in_the_systems_player_under_its_name_online_and_offline(
) {
    // Arrange: Paul sends Marie a video of his workspace, as the ENT's editor inserts one.
    let mut app = TestApp::start().await;
    // The start of an MP4 file (its `ftyp` box), as a phone records it.
    let mp4 = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41\0\0\0\x08free".to_vec();
    let document = app
        .with_web("paul.martin", async |c| {
            messagerie_core::ent_images::upload(c, "chorale de Noël.mp4", mp4.clone())
                .await
                .unwrap()
        })
        .await;
    let path = format!("/workspace/document/{document}");
    let body = format!("<p>La chorale :</p>{}", workspace_video(&document));
    app.deliver("paul.martin", &["marie.durand"], "Chorale", &body)
        .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Full).await.unwrap();
    let id = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();

    // Act: Marie opens the message and « Ouvrir » on the video, then again with the ENT out
    // of reach.
    let safe = marie.open_message(&id).await.unwrap().body.unwrap();
    let (online, decision) = marie.attachment_to_open(&id, &path, &|_| {}).await.unwrap();
    app.stop().await;
    let (offline, _) = marie.attachment_to_open(&id, &path, &|_| {}).await.unwrap();

    // Assert: offered with the message's files, named as the ENT names it once downloaded,
    // handed to the system's player, and there offline.
    let offered: Vec<(&str, &str, &str)> = safe
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.filename.as_str(), d.content_type.as_str()))
        .collect();
    assert_eq!(offered, [(path.as_str(), "", "video/*")]);
    assert!(safe.html.contains("mbx-media-document"), "{}", safe.html);
    assert_eq!(
        online.file_name().unwrap().to_string_lossy(),
        "chorale de Noël.mp4"
    );
    assert_eq!(std::fs::read(&online).unwrap(), mp4);
    assert_eq!(decision.verdict, messagerie_core::attachment::Verdict::Open);
    assert_eq!(offline, online);
}
