//! Signing in: each failure says its own cause; the ENT's own login page (SSO schools) hands
//! its session to the app.
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

async fn fill_and_submit(app: &harness::App, url: &str, login: &str, password: &str) {
    let field = |label: &str| By::XPath(format!("//form//label[contains(., \"{label}\")]//input"));
    for (label, value) in [
        ("Adresse de l'ENT", url),
        ("Identifiant", login),
        ("Mot de passe", password),
    ] {
        let input = app.find(label, field(label)).await;
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }
    ui::click(
        app,
        "« Se connecter »",
        By::XPath("//button[@type='submit']"),
    )
    .await;
}

async fn alert_text(app: &harness::App) -> String {
    app.find("the error message", By::Css("[role='alert']"))
        .await
        .text()
        .await
        .expect("text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unreachable_ent_get_their_own_messages() {
    let ent = Ent::start().await;
    // A port nobody listens on, held for the whole test.
    let closed = ent_server::testing::ClosedPort::new();
    harness::run("sign_in_failures", |app| async move {
        fill_and_submit(&app, &ent.url(), "marie.durand", "pas-le-bon").await;
        let wrong = alert_text(&app).await;
        app.screenshot("sign-in-wrong-password.png");

        fill_and_submit(&app, &closed.url(), "marie.durand", "demo").await;
        let unreachable = wait_until("the unreachable message", EFFECT, || async {
            let text = alert_text(&app).await;
            (text != wrong).then_some(text)
        })
        .await;

        assert!(wrong.contains("mot de passe incorrect"), "{wrong}");
        assert!(unreachable.contains("ne répond pas"), "{unreachable}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ents_own_login_page_signs_the_app_in() {
    let ent = Ent::start().await;
    harness::run("sign_in_with_ent_page", |app| async move {
        // Arrange
        ui::type_ent_address(&app, &ent.url()).await;

        // Act: « Se connecter avec la page de l'ENT », then sign in on the ENT's own page.
        ui::sign_in_on_ent_window(
            &app,
            ui::button("Se connecter avec la page de l'ENT"),
            "marie.durand",
            "demo",
        )
        .await;

        // Assert: the mailbox of the user who signed in on the ENT's page.
        ui::folder(&app, "inbox").await;
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        let account = app
            .invoke("account", serde_json::json!({}))
            .await
            .expect("account");
        assert_eq!(account["login"], "marie.durand");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trying_the_demo_as_a_pupil_opens_the_demo_pupils_inbox() {
    harness::run("sign_in_demo_pupil", |app| async move {
        // Arrange: the sign-in screen.
        ui::click(&app, "« Essayer la démo »", ui::button("Essayer la démo")).await;

        // Act
        ui::click(&app, "« Élève »", ui::button("Élève")).await;

        // Assert: the mailbox of the demo school's pupil, not the teacher's.
        let inbox = ui::folder(&app, "inbox").await;
        wait_until("the inbox to be selected", EFFECT, || async {
            let selected = inbox.attr("aria-selected").await.ok()??;
            (selected == "true").then_some(())
        })
        .await;
        let account = app
            .invoke("account", serde_json::json!({}))
            .await
            .expect("account");
        assert_eq!(account["login"], "hugo.leroy", "{account}");
        assert_eq!(account["demo"], true, "{account}");
    })
    .await;
}
