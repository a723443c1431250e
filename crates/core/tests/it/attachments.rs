//! Received files: streamed to the cache with progress, a damaged cached copy fetched again,
//! a size limit, names that lie or are too long, and what « Ouvrir » may do.
use std::sync::Mutex;

use messagerie_core::attachment::{Progress, Verdict};
use messagerie_core::client::conversation as api;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::{Error, Mailbox};

use crate::harness::TestApp;

/// Paul sends Marie one file from the web; Marie's mailbox is synced and returns it:
/// (mailbox, message id, attachment id).
async fn marie_receives(
    app: &TestApp,
    filename: &str,
    bytes: Vec<u8>,
) -> (Mailbox, String, String) {
    let content = DraftContent {
        subject: "Pièce jointe".into(),
        body: "<p>Voici le fichier.</p>".into(),
        to: vec![app.id("marie.durand")],
        ..Default::default()
    };
    let name = filename.to_owned();
    app.with_web("paul.martin", async |c| {
        let id = api::create_draft(c, &content).await.unwrap();
        api::add_attachment(c, &id, &name, "application/octet-stream", bytes, None)
            .await
            .unwrap();
        api::send(c, &id, &content).await.unwrap();
    })
    .await;
    let marie = app.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let id = marie.list("inbox", 0, 10).await.unwrap()[0].id.clone();
    let attachment = marie.message(&id).await.unwrap().attachments[0].id.clone();
    (marie, id, attachment)
}

/// The names in the folder of a cached file (to see that no temporary file is left).
fn names_beside(path: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn a_large_file_streams_to_the_cache_with_progress_up_to_its_size() {
    // Arrange: 5 MiB and a bit.
    let app = TestApp::start().await;
    let bytes: Vec<u8> = (0..=250u8).cycle().take(5 * 1024 * 1024 + 13).collect();
    let (marie, id, att) = marie_receives(&app, "film.mp4", bytes.clone()).await;
    let seen = Mutex::new(Vec::<Progress>::new());

    // Act
    let path = marie
        .attachment_file_with(&id, &att, &|p| seen.lock().unwrap().push(p))
        .await
        .unwrap();

    // Assert: the whole file, progress rising to its size, nothing else beside it.
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let seen = seen.into_inner().unwrap();
    let total = bytes.len() as u64;
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
    assert!(seen.iter().all(|p| p.total == total), "{seen:?}");
    assert_eq!(seen.last().unwrap().done, total);
    assert_eq!(names_beside(&path).len(), 1, "{:?}", names_beside(&path));
}

#[tokio::test]
async fn a_truncated_cached_file_is_fetched_again() {
    // Arrange: the file was cached, then cut (a crash, a full disk).
    let app = TestApp::start().await;
    let bytes = b"%PDF-1.4 le programme de la sortie".to_vec();
    let (marie, id, att) = marie_receives(&app, "programme.pdf", bytes.clone()).await;
    let path = marie.attachment_file(&id, &att).await.unwrap();
    std::fs::write(&path, &bytes[..5]).unwrap();

    // Act
    let again = marie.attachment_file(&id, &att).await.unwrap();

    // Assert
    assert_eq!(std::fs::read(again).unwrap(), bytes);
}

#[tokio::test]
async fn a_file_over_the_download_limit_is_refused_with_its_size_and_nothing_is_written() {
    // Arrange
    let app = TestApp::start().await;
    let (marie, id, att) = marie_receives(&app, "enorme.pdf", vec![b'x'; 5000]).await;
    marie.set_download_limit(4096);

    // Act
    let error = marie.attachment_file(&id, &att).await.unwrap_err();

    // Assert
    assert!(
        matches!(
            error,
            Error::TooLarge {
                size: 5000,
                limit: 4096
            }
        ),
        "{error:?}"
    );
    assert!(!marie.account().dir.join("attachments").join(&id).exists());
}

#[tokio::test]
async fn a_name_of_404_bytes_is_cached_under_255_and_opens() {
    // Arrange: the ENT keeps up to 255 bytes; the cache adds the id in front.
    let app = TestApp::start().await;
    let long = format!("{}.pdf", "é".repeat(200));
    let (marie, id, att) = marie_receives(&app, &long, b"%PDF-1.4".to_vec()).await;

    // Act
    let (path, decision) = marie.attachment_to_open(&id, &att, &|_| {}).await.unwrap();

    // Assert
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.len() <= 255, "{} bytes", name.len());
    assert!(name.ends_with(".pdf"), "{name}");
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4");
    assert_eq!(decision.verdict, Verdict::Open);
}

#[tokio::test]
async fn a_launcher_is_never_to_be_opened_and_a_name_that_lies_shows_its_real_extension() {
    // Arrange
    let app = TestApp::start().await;
    let (marie, id, att) = marie_receives(
        &app,
        "devoir_\u{202E}fdp.desktop",
        b"[Desktop Entry]\nType=Application\nExec=sh -c id\n".to_vec(),
    )
    .await;

    // Act
    let shown = marie.attachment(&id, &att).await.unwrap().filename;
    let (_, decision) = marie.attachment_to_open(&id, &att, &|_| {}).await.unwrap();

    // Assert
    assert_eq!(shown, "devoir_fdp.desktop");
    assert_eq!(decision.verdict, Verdict::SaveOnly);
    assert_eq!(decision.extension.as_deref(), Some("desktop"));
    assert_eq!(decision.detected.as_deref(), Some("application/x-desktop"));
}

#[cfg(unix)]
#[tokio::test]
async fn a_device_or_a_folder_given_as_an_attachment_is_refused_and_nothing_is_queued() {
    // Arrange: a draft, as the CLI would make it before `--attach /dev/zero`.
    let app = TestApp::start().await;
    let marie = app.mailbox("marie.durand").await;
    let draft = marie
        .save_draft(None, DraftContent::default())
        .await
        .unwrap();
    let folder = tempfile::tempdir().unwrap();

    // The folder first: on a build without the check, /dev/zero would be copied until the disk
    // is full.
    for path in [folder.path(), std::path::Path::new("/dev/zero")] {
        // Act
        let err = marie.add_attachment(&draft, path).await.unwrap_err();

        // Assert
        assert!(matches!(err, Error::Pick(_)), "{path:?}: {err:?}");
    }
    assert!(marie.message(&draft).await.unwrap().attachments.is_empty());
}
