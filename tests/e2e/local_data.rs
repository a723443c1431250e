//! Local data on a shared school computer, as a user meets it: the account folder private to
//! them, a sign-out that names the unsent messages erasing the local copy would lose, a
//! password no keyring could keep said at sign-in, and notifications that show a sender's
//! markup as text.
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, Launch, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_with_two_queued_sends_names_the_two_unsent_messages() {
    let mut ent = Ent::start().await;
    harness::run("sign_out_unsent", |app| async move {
        // Arrange: two messages sent while the ENT is stopped wait in the queue.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        ent.stop().await;
        for subject in ["Premier envoi", "Second envoi"] {
            ui::compose_new(&app).await;
            ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
            ui::write(&app, subject, "Parti plus tard.").await;
            ui::send(&app).await;
            // « Annuler l'envoi » covers « Envoyer » for a few seconds: wait until it is gone.
            app.find("« Annuler l'envoi »", ui::button("Annuler l'envoi"))
                .await;
            wait_until("the undo offer to go", EFFECT, || async {
                app.driver
                    .find(ui::button("Annuler l'envoi"))
                    .await
                    .is_err()
                    .then_some(())
            })
            .await;
        }

        // Act: « Se déconnecter », then « Effacer la copie locale ».
        ui::click(&app, "« Se déconnecter »", ui::button("Se déconnecter")).await;
        ui::click(
            &app,
            "« Effacer la copie locale »",
            By::XPath("//div[@role='dialog']//label[contains(., 'Effacer la copie locale')]//input"),
        )
        .await;

        // Assert: the dialog names what would be lost before anything is erased.
        let warning = app
            .find("the warning", ui::testid("sign-out-unsent"))
            .await
            .text()
            .await
            .expect("the warning's text");
        assert!(warning.contains("2 messages non envoyés"), "{warning}");
        app.find(
            "« Se déconnecter et tout effacer »",
            By::XPath("//div[@role='dialog']//button[normalize-space(.)='Se déconnecter et tout effacer']"),
        )
        .await;
    })
    .await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_sync_the_mailbox_on_disk_is_readable_by_its_user_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let ent = Ent::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let root = data.path().join("messagerie");
    let launch = Launch {
        data_dir: Some(root.clone()),
        ..Launch::default()
    };
    harness::run_with("private_files", launch, |app| async move {
        // Arrange + act: sign in and sync.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;

        // Assert: every folder 0700, every file 0600 (the store, its WAL, accounts.json).
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
        };
        let mut files = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            assert_eq!(mode(&dir), 0o700, "{}", dir.display());
            for entry in std::fs::read_dir(&dir).expect("read a folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    // The demo ENT is not the user's mailbox; only the accounts are checked.
                    if !path.ends_with("demo-ent") {
                        dirs.push(path);
                    }
                } else {
                    files.push(path);
                }
            }
        }
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap_or_default().to_string_lossy().into())
            .collect();
        for wanted in ["mailbox.sqlite", "mailbox.sqlite-wal", "accounts.json"] {
            assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
        }
        for file in &files {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keyring_se_souvenir_de_moi_says_the_password_was_not_saved() {
    // The harness runs the app with MESSAGERIE_NO_KEYRING, as on a computer with no keyring.
    let ent = Ent::start().await;
    harness::run("no_keyring", |app| async move {
        // Act: sign in with « Se souvenir de moi » ticked.
        let field =
            |label: &str| By::XPath(format!("//form//label[contains(., \"{label}\")]//input"));
        for (label, value) in [
            ("Adresse de l'ENT", ent.url()),
            ("Identifiant", "marie.durand".to_string()),
            ("Mot de passe", "demo".to_string()),
        ] {
            let input = app.find(label, field(label)).await;
            input.send_keys(value).await.expect("type in a field");
        }
        ui::click(&app, "« Se souvenir de moi »", field("Se souvenir de moi")).await;
        ui::click(&app, "Se connecter", By::XPath("//button[@type='submit']")).await;

        // Assert: signed in, and told the password will be asked for again.
        ui::folder(&app, "inbox").await;
        let notice = app
            .find("the keyring notice", ui::testid("notice-password"))
            .await
            .text()
            .await
            .expect("the notice's text");
        assert!(
            notice
                .contains("Impossible d'enregistrer le mot de passe : aucun trousseau disponible"),
            "{notice}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_in_a_subject_reaches_the_notification_server_as_text() {
    let ent = Ent::start().await;
    harness::run("notification_markup", |app| async move {
        // Arrange: the window shows the trash, so new mail is not in sight.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "trash").await;

        // Act: a subject with a link and an entity written out.
        ent.send(
            "paul.martin",
            &["marie.durand"],
            r#"<a href="https://evil.example/">Résultats</a> &lt;3"#,
            "<p>Voir le lien.</p>",
        )
        .await;
        let seen = wait_until("the notification", EFFECT, || async {
            let seen = app.notifications();
            (!seen.is_empty()).then_some(seen)
        })
        .await;

        // Assert: escaped markup (the `&` too), so servers that render markup show text.
        let body = &seen[0].body;
        assert!(
            body.contains(
                "&lt;a href=&quot;https://evil.example/&quot;&gt;Résultats&lt;/a&gt; &amp;lt;3"
            ),
            "{seen:?}"
        );
        assert!(!body.contains("<a"), "{seen:?}");
    })
    .await;
}

/// Signs in through « Se connecter avec la page de l'ENT », typing on the ENT's own page.
async fn sign_in_with_the_ents_page(app: &harness::App, ent_url: &str) {
    ui::type_ent_address(app, ent_url).await;
    let main = app.driver.window().await.expect("the main window");
    let login = open_the_ents_page(app, &main).await;
    app.driver
        .switch_to_window(login)
        .await
        .expect("switch to the login window");
    for (field, value) in [("email", "marie.durand"), ("password", "demo")] {
        app.find(field, By::Css(format!("input[name='{field}']")))
            .await
            .send_keys(value)
            .await
            .expect("type on the ENT's page");
    }
    ui::click(
        app,
        "the ENT's submit button",
        By::Css("button[type='submit']"),
    )
    .await;
    app.driver
        .switch_to_window(main)
        .await
        .expect("back to the main window");
    ui::folder(app, "inbox").await;
}

/// Clicks « Se connecter avec la page de l'ENT » and returns the window it opens.
async fn open_the_ents_page(
    app: &harness::App,
    main: &thirtyfour::WindowHandle,
) -> thirtyfour::WindowHandle {
    ui::click(
        app,
        "the ENT page button",
        ui::button("Se connecter avec la page de l'ENT"),
    )
    .await;
    wait_until("the ENT's login window", harness::STARTUP, || async {
        let handles = app.driver.windows().await.ok()?;
        handles.into_iter().find(|h| h != main)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sign_out_the_ents_page_no_longer_holds_the_previous_session() {
    let ent = Ent::start().await;
    harness::run("sign_out_forgets_the_ent_page", |app| async move {
        // Arrange: signed in on the ENT's own page, then « Se déconnecter ».
        sign_in_with_the_ents_page(&app, &ent.url()).await;
        ui::click(&app, "« Se déconnecter »", ui::button("Se déconnecter")).await;
        ui::click(
            &app,
            "the confirmation",
            By::XPath("//div[@role='dialog']//button[normalize-space(.)='Se déconnecter']"),
        )
        .await;

        // Act: the next person opens the ENT's page again.
        ui::type_ent_address(&app, &ent.url()).await;
        let main = app.driver.window().await.expect("the main window");
        let login = open_the_ents_page(&app, &main).await;
        app.driver
            .switch_to_window(login)
            .await
            .expect("switch to the login window");

        // Assert: the ENT's login form, and no session cookie left from the previous person.
        app.find("the ENT's login field", By::Css("input[name='email']"))
            .await;
        let cookies = app.driver.get_all_cookies().await.expect("the cookies");
        let session: Vec<_> = cookies
            .iter()
            .filter(|c| c.name == "oneSessionId" && !c.value.is_empty())
            .collect();
        assert!(session.is_empty(), "{session:?}");
    })
    .await;
}
