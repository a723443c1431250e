//! The app's window: what it opens on, with no account and with `--demo` (the README's command).
use thirtyfour::By;

use crate::harness::{self, wait_until, Launch, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_account_the_window_titled_messagerie_opens_on_the_sign_in_screen() {
    harness::run("window_sign_in_screen", |app| async move {
        // Arrange: the harness has started the app on an empty data directory.

        // Act: wait for the sign-in form to render.
        let form = app
            .find(
                "the sign-in form",
                By::Css("form[aria-label='Connexion à votre ENT']"),
            )
            .await;

        // Assert: the native window's title as the X server knows it, and the screen's fields.
        wait_until("an X window titled Messagerie", EFFECT, || {
            std::future::ready(app.window_id("Messagerie"))
        })
        .await;
        assert_eq!(
            app.driver.title().await.expect("document title"),
            "Messagerie"
        );
        let text = form.text().await.expect("form text");
        for label in [
            "Adresse de l'ENT",
            "Identifiant",
            "Mot de passe",
            "Se connecter",
        ] {
            assert!(text.contains(label), "« {label} » missing in {text:?}");
        }
        app.find("« Essayer la démo »", ui::button("Essayer la démo"))
            .await;
        app.find(
            "« Se connecter avec la page de l'ENT »",
            ui::button("Se connecter avec la page de l'ENT"),
        )
        .await;
        let screenshot = app.screenshot("sign-in.png");
        assert!(
            std::fs::metadata(&screenshot)
                .expect("screenshot saved")
                .len()
                > 5000,
            "the screenshot shows more than a blank window"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_flag_lands_in_the_teachers_demo_inbox_drawn_from_the_local_store() {
    harness::run_with("window_demo_flag", Launch::demo(), |app| async move {
        // Arrange: `messagerie --demo`, no sign-in screen in between.

        // Act: wait for the demo inbox.
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;

        // Assert: the teacher of the demo school, in her inbox; the startup event is logged.
        let inbox = ui::folder(&app, "inbox").await;
        assert_eq!(
            inbox.attr("aria-selected").await.expect("attr").as_deref(),
            Some("true")
        );
        let account = app
            .invoke("account", serde_json::json!({}))
            .await
            .expect("account");
        assert_eq!(account["login"], "marie.durand", "{account}");
        assert_eq!(account["demo"], true, "{account}");
        assert!(
            app.driver
                .find(By::Css("form[aria-label='Connexion à votre ENT']"))
                .await
                .is_err(),
            "no sign-in form under --demo"
        );
        let log = wait_until("the startup event in the log", EFFECT, || {
            let log = app.app_log();
            std::future::ready(
                log.contains("inbox drawn from the local store")
                    .then_some(log),
            )
        })
        .await;
        assert!(log.contains("elapsed_ms="), "{log}");
    })
    .await;
}
