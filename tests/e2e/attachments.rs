//! Hostile attachments seen through the window: « Ouvrir » on a launcher asks and runs nothing,
//! a name with a right-to-left override shows its real extension, the composer attaches only
//! what the file dialog handed out (never a path from the page, never a device), and a video of
//! the ENT's workspace a message shows goes to the system's player under the ENT's name.

use serde_json::json;
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, Launch, EFFECT};
use crate::ui;

/// Stand-ins for every program the system opener tries (`xdg-open` first), each writing what
/// it was asked to open to a log: the test sees what the app handed to the system.
struct FakeOpeners {
    dir: tempfile::TempDir,
}

impl FakeOpeners {
    fn install() -> FakeOpeners {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("opened.log");
        for program in ["xdg-open", "gio", "gnome-open", "kde-open", "wslview"] {
            let path = dir.path().join(program);
            std::fs::write(
                &path,
                format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n", log.display()),
            )
            .expect("write a fake opener");
            let mut permissions = std::fs::metadata(&path).expect("stat").permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
            std::fs::set_permissions(&path, permissions).expect("make a fake opener executable");
        }
        FakeOpeners { dir }
    }

    /// A launch of the app that finds them first on its `PATH`.
    fn launch(&self) -> Launch {
        let path = std::env::var("PATH").unwrap_or_default();
        Launch {
            env: vec![(
                "PATH".into(),
                format!("{}:{path}", self.dir.path().display()),
            )],
            ..Launch::default()
        }
    }

    /// What the app handed to the system, a line per call.
    fn opened(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("opened.log")).unwrap_or_default()
    }
}

/// Paul sends Marie a message with these files, through the ENT's API.
pub(crate) async fn send_files(ent: &Ent, subject: &str, files: &[(&str, &[u8])]) {
    use messagerie_core::client::conversation;
    use messagerie_core::queue::DraftContent;
    let client = ent.client("paul.martin").await;
    let content = DraftContent {
        subject: subject.into(),
        body: "<p>Les documents pour demain.</p>".into(),
        to: vec![ent.id("marie.durand")],
        ..DraftContent::default()
    };
    let draft = conversation::create_draft(&client, &content)
        .await
        .expect("the demo ENT creates the draft");
    for (name, bytes) in files {
        conversation::add_attachment(
            &client,
            &draft,
            name,
            "application/octet-stream",
            bytes.to_vec(),
            None,
        )
        .await
        .expect("the demo ENT takes the file");
    }
    conversation::send(&client, &draft, &content)
        .await
        .expect("the demo ENT sends the message");
}

/// A button by its accessible name (`aria-label`).
fn labelled(label: &str) -> By {
    By::XPath(format!("//button[@aria-label=\"{label}\"]"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_on_a_desktop_launcher_asks_and_never_runs_it_and_a_reversed_name_shows_its_real_extension(
) {
    // Arrange: a launcher, a name reversed by U+202E, and a real PDF (the control: it opens).
    let openers = FakeOpeners::install();
    let ent = Ent::start().await;
    send_files(
        &ent,
        "Documents piégés",
        &[
            (
                "lancer.desktop",
                b"[Desktop Entry]\nType=Application\nName=Devoir\nExec=sh -c 'touch /tmp/pwned'\n",
            ),
            ("devoir_\u{202E}fdp.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
            ("cours.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ],
    )
    .await;
    let launch = openers.launch();

    harness::run_with("attachments_open", launch, |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_row(&app, "Documents piégés").await;

        // Act 1: « Ouvrir » on the launcher.
        ui::click(
            &app,
            "« Ouvrir » the launcher",
            labelled("Ouvrir lancer.desktop"),
        )
        .await;

        // Assert 1: the window asks, with the real name and type, and offers only to save it.
        let warning = app
            .find("the warning", ui::testid("attachment-warning"))
            .await;
        let text = warning.text().await.expect("the warning's text");
        assert!(text.contains("lancer.desktop"), "{text}");
        assert!(text.contains("DESKTOP"), "{text}");
        assert!(text.contains("application/x-desktop"), "{text}");
        assert!(
            app.driver
                .find(ui::button("Ouvrir quand même"))
                .await
                .is_err(),
            "a launcher must not be offered « Ouvrir quand même »"
        );
        app.find(
            "« Enregistrer sous… »",
            By::XPath("//div[@role='dialog']//button[normalize-space(.)='Enregistrer sous…']"),
        )
        .await;
        app.screenshot("launcher-warning.png");
        ui::click(
            &app,
            "« Annuler »",
            By::XPath("//div[@role='dialog']//button[normalize-space(.)='Annuler']"),
        )
        .await;

        // Assert 2: the reversed name shows « EXE » apart, and no override character.
        let reversed = app
            .find(
                "the reversed name",
                By::XPath("//*[@data-testid='received-attachment'][contains(., 'devoir_')]"),
            )
            .await;
        let badge = reversed
            .find(ui::testid("attachment-extension"))
            .await
            .expect("the extension badge");
        assert_eq!(badge.text().await.expect("badge text"), "EXE");
        let shown = reversed.text().await.expect("the row's text");
        assert!(!shown.contains('\u{202E}'), "{shown:?}");
        assert!(shown.contains("devoir_fdp"), "{shown:?}");

        // Act 3, the control: « Ouvrir » on the PDF reaches the system opener...
        ui::click(&app, "« Ouvrir » the PDF", labelled("Ouvrir cours.pdf")).await;
        let seen = wait_until("the PDF to reach the system opener", EFFECT, || async {
            let seen = openers.opened();
            seen.contains("cours.pdf").then_some(seen)
        })
        .await;

        // ... and it is the only thing the app ever handed to it.
        assert_eq!(seen.lines().count(), 1, "{seen}");
        assert!(
            !seen.contains(".desktop") && !seen.contains(".exe"),
            "{seen}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_cannot_attach_a_path_and_dev_zero_from_the_dialog_is_refused_clearly() {
    // Arrange: the file dialog's test seam picks /dev/zero; a secret sits in the home folder.
    let secret_dir = tempfile::tempdir().expect("temp dir");
    let secret = secret_dir.path().join("id_rsa");
    std::fs::write(&secret, b"-----BEGIN OPENSSH PRIVATE KEY-----").expect("write the secret");
    let ent = Ent::start().await;
    let launch = Launch {
        env: vec![("MESSAGERIE_TEST_PICK_FILES".into(), "/dev/zero".into())],
        ..Launch::default()
    };

    harness::run_with("attachments_tokens", launch, |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::compose_new(&app).await;
        ui::write(&app, "Pièce jointe", "Voici le fichier.").await;

        // Act 1: « Ajouter une pièce jointe » hands the window a token for /dev/zero.
        ui::click(&app, "« Ajouter une pièce jointe »", ui::testid("attach")).await;

        // Assert 1: refused, saying why, and nothing was copied.
        let refused = app
            .find(
                "the refused file",
                By::Css("[data-testid='attachment'][data-status='failed']"),
            )
            .await;
        let text = refused.text().await.expect("the refusal's text");
        assert!(text.contains("n'est pas un fichier ordinaire"), "{text}");

        // Act 2: the page names a path itself, as a compromised window would.
        let answer = app
            .invoke(
                "add_attachment",
                json!({ "draftId": "any", "token": secret.display().to_string() }),
            )
            .await;

        // Assert 2: refused as no file the user picked.
        let error = answer.expect_err("a path is no token");
        assert_eq!(error["kind"], "invalidInput", "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap_or_default()
                .contains("choisi"),
            "{error}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_video_a_message_shows_is_handed_to_the_systems_player_under_the_ents_name() {
    // Arrange: Paul puts a video in his workspace and shows it in a message to Marie, as the
    // ENT's editor inserts one.
    let openers = FakeOpeners::install();
    let ent = Ent::start().await;
    let paul = ent.client("paul.martin").await;
    // The start of an MP4 file (its `ftyp` box).
    let mp4 = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41\0\0\0\x08free".to_vec();
    let document = messagerie_core::ent_images::upload(&paul, "chorale.mp4", mp4)
        .await
        .expect("the demo ENT takes the video");
    ent.send(
        "paul.martin",
        &["marie.durand"],
        "Chorale",
        &format!("<p>La chorale :</p>{}", harness::workspace_video(&document)),
    )
    .await;
    let launch = openers.launch();

    harness::run_with("workspace_video", launch, |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_row(&app, "Chorale").await;

        // Act: « Ouvrir » on the video, listed with the message's files.
        ui::click(
            &app,
            "« Ouvrir » the video",
            labelled("Ouvrir Vidéo de l'espace documentaire"),
        )
        .await;

        // Assert: the system's player gets the file, under the name the ENT gives it.
        let seen = wait_until("the video to reach the system opener", EFFECT, || async {
            let seen = openers.opened();
            (!seen.is_empty()).then_some(seen)
        })
        .await;
        assert!(seen.trim_end().ends_with("/chorale.mp4"), "{seen}");
    })
    .await;
}
