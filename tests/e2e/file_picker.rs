//! « Ajouter une pièce jointe » through the real native file dialog (GTK's chooser), without the
//! debug-build seam `MESSAGERIE_TEST_PICK_FILES`: the dialog is found by its French title and
//! driven with xdotool as a person would (Ctrl+L, a path, Enter).
use std::time::{Duration, Instant};

use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, Launch, EFFECT};
use crate::ui;

const TITLE: &str = "Joindre des fichiers";
/// How long the dialog may take to close after Enter before Enter is pressed again.
const ENTER_AGAIN: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_native_file_dialog_is_titled_in_french_and_the_file_typed_in_it_is_attached_as_8_octets(
) {
    // Arrange: an 8-byte file, the teacher in an empty composer, no test seam.
    let files = tempfile::tempdir().expect("temp dir");
    let file = files.path().join("mot-court.txt");
    std::fs::write(&file, b"bonjour\n").expect("write the file");
    let path = file.display().to_string();
    let ent = Ent::start().await;

    harness::run_with("file_picker", Launch::default(), |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::compose_new(&app).await;

        // Act: « Ajouter une pièce jointe » opens GTK's chooser; it is found by its title.
        ui::click(&app, "« Ajouter une pièce jointe »", ui::testid("attach")).await;
        let dialog = wait_until(
            &format!("the file dialog titled « {TITLE} »"),
            EFFECT,
            || std::future::ready(app.visible_window(TITLE)),
        )
        .await;
        app.screenshot("file-dialog.png");
        // Xvfb runs no window manager, so nothing gives the dialog the focus and
        // `windowactivate` (which asks the window manager) cannot: set the X input focus
        // directly, then type with XTEST into the focused window (events sent to a window with
        // `--window` are marked synthetic, which GTK may ignore).
        app.xdotool(&["windowfocus", "--sync", &dialog]);
        app.xdotool(&["key", "--clearmodifiers", "ctrl+l"]);
        // The location entry appears after Ctrl+L and may take the first keys before it has
        // the focus (the leading « / » was lost): type the path once, then select what the
        // entry holds and type it again, once the entry surely has the focus.
        app.xdotool(&["type", "--delay", "30", &path]);
        app.xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
        app.xdotool(&["type", "--delay", "30", &path]);
        // GTK ignores Enter until the chooser has looked the typed path up (by hand, one
        // presses it again): Enter, and again each time the dialog is still open a while later.
        let mut pressed: Option<Instant> = None;
        wait_until("the file dialog to take the path and close", EFFECT, || {
            let open = app.visible_window(TITLE).is_some();
            if open && pressed.is_none_or(|at| at.elapsed() > ENTER_AGAIN) {
                app.xdotool(&["key", "Return"]);
                pressed = Some(Instant::now());
            }
            std::future::ready((!open).then_some(()))
        })
        .await;

        // Assert: the file is in the composer, its size in octets.
        let row = By::XPath("//*[@data-testid='attachment'][contains(., 'mot-court.txt')]");
        let attached = app.find("the attached file", row).await;
        let size = wait_until("the file's size once uploaded", EFFECT, || async {
            let text = attached.text().await.ok()?.replace('\u{a0}', " ");
            text.contains("octet").then_some(text)
        })
        .await;
        assert!(size.contains("8 octets"), "{size}");
        assert!(!size.contains("ko"), "{size}");
    })
    .await;
}
