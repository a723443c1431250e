//! « Imprimer »: the open message, its headers and its attachments' names on paper.
//!
//! The document is printed to a PDF file through the debug-build seam `MESSAGERIE_TEST_PRINT_TO`
//! (GTK's file printer, no dialog: WebDriver cannot reach GTK's print dialog, and nothing can
//! choose a printer in it for the test), then read back with `pdftotext`. The user's path is
//! checked as far as a test can: the button opens GTK's print dialog (found with xdotool, as the
//! file dialog in `file_picker.rs`, and photographed), and « Annuler » closes it.
use std::path::Path;
use std::process::Command;

use thirtyfour::By;

use crate::attachments::send_files;
use crate::harness::{self, require, wait_until, Ent, Launch, EFFECT};
use crate::ui;

const SUBJECT: &str = "Sortie au musée";

/// The text of the PDF at `path`, once it is a whole PDF (GTK writes it while the test waits).
fn pdf_text(path: &Path) -> Option<String> {
    let out = Command::new(require("pdftotext"))
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imprimer_prints_the_open_message_with_its_headers_body_and_attachments_names() {
    // Arrange: Paul sends Marie a message with a file; printing goes to a PDF file, kept with
    // the test's artifacts (target/e2e-artifacts/print_to_pdf/) for whoever wants to look at it.
    let out = harness::artifacts_root().join("print_to_pdf");
    std::fs::create_dir_all(&out).expect("the artifacts directory");
    let pdf = out.join("message.pdf");
    let _ = std::fs::remove_file(&pdf);
    let ent = Ent::start().await;
    send_files(
        &ent,
        SUBJECT,
        &[("autorisation-sortie.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")],
    )
    .await;
    let launch = printing_to(&pdf);

    harness::run_with("print_to_pdf", launch, |app| async move {
        open_as_marie(&app, &ent.url()).await;
        app.find("the attachment", ui::testid("received-attachment"))
            .await;

        // Act: « Imprimer ».
        ui::click(&app, "« Imprimer »", ui::testid("print")).await;

        // Assert: the PDF holds the headers, the body and the attachment's name.
        let text = wait_until("the printed PDF", EFFECT, || {
            std::future::ready(pdf_text(&pdf).filter(|t| t.contains("demain")))
        })
        .await;
        for expected in [
            "De",
            "À",
            "Date",
            "Objet",
            "Pièces jointes",
            SUBJECT,
            "MARTIN",
            "DURAND",
            "Les documents pour demain.",
            "autorisation-sortie.pdf",
        ] {
            assert!(text.contains(expected), "« {expected} » in:\n{text}");
        }
        // Marie received it: no hidden copy, and nothing of the window (toolbar, list).
        for absent in ["Copie cachée", "Répondre", "Boîte de réception"] {
            assert!(!text.contains(absent), "« {absent} » in:\n{text}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_print_button_opens_the_systems_print_dialog() {
    // Arrange: a message in Marie's inbox; no test seam: the user's path.
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand"],
        SUBJECT,
        "<p>Rendez-vous à 9 h.</p>",
    )
    .await;

    harness::run("print_dialog", |app| async move {
        open_as_marie(&app, &ent.url()).await;

        // Act: « Imprimer ».
        ui::click(&app, "« Imprimer »", ui::testid("print")).await;

        // Assert: GTK's print dialog shows (titled in the desktop's language).
        let dialog = wait_until("GTK's print dialog", EFFECT, || {
            std::future::ready(
                app.visible_window("Imprimer")
                    .or_else(|| app.visible_window("Print")),
            )
        })
        .await;
        // Over the window (no window manager places it), so that the window's capture shows it.
        app.xdotool(&["windowmove", "--sync", &dialog, "120", "60"]);
        app.screenshot("print-dialog.png");

        // « Annuler » (Escape) closes it and the window goes on.
        app.xdotool(&["windowfocus", "--sync", &dialog]);
        app.xdotool(&["key", "Escape"]);
        wait_until("the dialog to close", EFFECT, || {
            std::future::ready(
                (app.visible_window("Imprimer").is_none() && app.visible_window("Print").is_none())
                    .then_some(()),
            )
        })
        .await;
        app.find("the message, still open", ui::testid("print"))
            .await;
    })
    .await;
}

/// Where `word` is drawn on the first page of the PDF at `path`: `(y_min, y_max)` in points from
/// the top, from `pdftotext -bbox`.
fn word_box(path: &Path, word: &str) -> Option<(f64, f64)> {
    let out = Command::new(require("pdftotext"))
        .args(["-bbox", "-f", "1", "-l", "1"])
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    let listing = String::from_utf8_lossy(&out.stdout);
    let line = listing
        .lines()
        .find(|l| l.trim_start().starts_with("<word") && l.contains(&format!(">{word}</word>")))?;
    let attribute = |name: &str| -> Option<f64> {
        let start = line.find(&format!("{name}=\""))? + name.len() + 2;
        let rest = &line[start..];
        rest[..rest.find('"')?].parse().ok()
    };
    Some((attribute("yMin")?, attribute("yMax")?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_styled_to_cover_the_headers_is_printed_below_them() {
    // Arrange: a body that places a forged sender at the top of the page (`position: fixed`,
    // which the sanitizer keeps: it loads nothing).
    let out = harness::artifacts_root().join("print_forged_header");
    std::fs::create_dir_all(&out).expect("the artifacts directory");
    let pdf = out.join("message.pdf");
    let _ = std::fs::remove_file(&pdf);
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand"],
        SUBJECT,
        "<p>Bonjour.</p><div style=\"position: fixed; top: 0; left: 0; width: 100%; \
         background: #fff; font-size: 40px\">Expéditeur FAUSSAIRE</div>",
    )
    .await;
    let launch = printing_to(&pdf);

    harness::run_with("print_forged_header", launch, |app| async move {
        open_as_marie(&app, &ent.url()).await;

        // Act: « Imprimer ».
        ui::click(&app, "« Imprimer »", ui::testid("print")).await;

        // Assert: the forged line is drawn inside the body's box, below every header.
        let forged = wait_until("the printed PDF", EFFECT, || {
            std::future::ready(word_box(&pdf, "FAUSSAIRE"))
        })
        .await;
        let subject_row = word_box(&pdf, "Objet").expect("the « Objet » header");
        let sender = word_box(&pdf, "MARTIN").expect("the real sender");
        assert!(
            forged.0 > subject_row.1 && forged.0 > sender.1,
            "the forged line {forged:?} is drawn over the headers (Objet {subject_row:?}, De {sender:?})"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printing_a_message_with_a_remote_image_fetches_nothing() {
    // Arrange: a tracking image on a loopback server that counts its connections.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let tracker = format!("http://{}", listener.local_addr().expect("address"));
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&hits);
    tokio::spawn(async move {
        while let Ok((_stream, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let out = tempfile::tempdir().expect("temp dir");
    let pdf = out.path().join("message.pdf");
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand"],
        SUBJECT,
        &format!(r#"<p>Photo de la sortie :</p><img src="{tracker}/pixel.png" alt="">"#),
    )
    .await;
    let launch = printing_to(&pdf);

    harness::run_with("print_remote_image", launch, move |app| async move {
        open_as_marie(&app, &ent.url()).await;

        // Act: « Imprimer » (the view loads the whole document before it prints it).
        ui::click(&app, "« Imprimer »", ui::testid("print")).await;

        // Assert: the page is printed, and nothing asked the tracker for its image.
        wait_until("the printed PDF", EFFECT, || {
            std::future::ready(pdf_text(&pdf).filter(|t| t.contains("Photo de la sortie")))
        })
        .await;
        assert_eq!(
            hits.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "printing fetched the remote image"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_print_that_fails_says_so_in_the_window() {
    // Arrange: the printer cannot write its file (a folder that does not exist).
    let out = tempfile::tempdir().expect("temp dir");
    let pdf = out.path().join("absent").join("message.pdf");
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand"],
        SUBJECT,
        "<p>Rendez-vous à 9 h.</p>",
    )
    .await;
    let launch = printing_to(&pdf);

    harness::run_with("print_fails", launch, |app| async move {
        open_as_marie(&app, &ent.url()).await;

        // Act: « Imprimer ».
        ui::click(&app, "« Imprimer »", ui::testid("print")).await;

        // Assert: the window says the print failed and what to do.
        let alert = app
            .find(
                "the error",
                By::XPath("//*[@role='alert'][contains(., 'impression')]"),
            )
            .await;
        let text = alert.text().await.expect("the error's text");
        assert!(text.contains("vérifiez l'imprimante"), "{text}");
    })
    .await;
}

/// The app, printing to `pdf` without a dialog (the debug builds' test seam).
fn printing_to(pdf: &Path) -> Launch {
    Launch {
        env: vec![("MESSAGERIE_TEST_PRINT_TO".into(), pdf.display().to_string())],
        ..Launch::default()
    }
}

/// Marie signed in, with the message [`SUBJECT`] open.
async fn open_as_marie(app: &harness::App, ent_url: &str) {
    ui::sign_in(app, ent_url, "marie.durand", "demo").await;
    ui::open_row(app, SUBJECT).await;
}
