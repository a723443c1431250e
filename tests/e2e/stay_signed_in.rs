//! Staying signed in without a registered client (issue 12): the ENT session of an SSO
//! sign-in goes to the keyring (here the debug builds' stand-in file), the next start opens the
//! mail at once (offline too) and syncs with the kept session; when the ENT ends the session a
//! banner offers « Se reconnecter » (one click where the identity provider still knows the
//! user), and the queued actions wait for it; signing out forgets it.
use std::path::Path;

use thirtyfour::By;

use crate::harness::{wait_until, App, Ent, Launch, EFFECT, STARTUP};
use crate::ui;

fn keyring(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

async fn sign_in_screen(app: &App) {
    app.find("the sign-in screen", ui::ent_address_field())
        .await;
}

/// Waits until the banner « Votre session ENT a expiré » shows; returns its text.
async fn expired_banner(app: &App) -> String {
    app.find("the expired-session banner", ui::testid("session-expired"))
        .await
        .text()
        .await
        .expect("banner text")
}

async fn banner_gone(app: &App) {
    wait_until("the banner to go", EFFECT, || async {
        app.driver
            .find(ui::testid("session-expired"))
            .await
            .is_err()
            .then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_sign_in_survives_restarts_and_an_ended_session_is_one_click_to_sign_in_again() {
    let mut ent = Ent::start().await;
    let keys = tempfile::tempdir().expect("temp dir");
    let keyring_file = keys.path().join("keyring.json");
    let launch = Launch {
        env: vec![(
            "MESSAGERIE_TEST_KEYRING_FILE".into(),
            keyring_file.display().to_string(),
        )],
        ..Launch::default()
    };
    let app = App::start("stay_signed_in", launch).await;

    // Arrange: signed in through ÉduConnect from the ENT's own page (as an SSO school does).
    ui::type_ent_address(&app, &ent.url()).await;
    ui::sign_in_with_educonnect(
        &app,
        ui::button("Se connecter avec la page de l'ENT"),
        "marie.durand",
        "demo",
    )
    .await;
    ui::wait_for_row(&app, "Conseil de classe de 3A").await;
    assert!(
        keyring(&keyring_file).contains("session:marie.durand@"),
        "the ENT session is kept in the keyring"
    );

    // Act 1: quit, new mail arrives, start again with the ENT up.
    ent.send(
        "hugo.leroy",
        &["marie.durand"],
        "Après le redémarrage",
        "Bonjour",
    )
    .await;
    let app = app.restart().await;

    // Assert 1: the inbox, synced with the kept session, no sign-in screen.
    ui::wait_for_row(&app, "Après le redémarrage").await;

    // Act 2: quit, start again with the ENT stopped.
    ent.stop().await;
    let app = app.restart().await;

    // Assert 2: the stored inbox shows.
    ui::wait_for_row(&app, "Conseil de classe de 3A").await;
    ui::wait_for_row(&app, "Après le redémarrage").await;

    // Act 3: the ENT comes back having forgotten every session (its ÉduConnect stand-in runs
    // in the same server here, so it forgot the user too): sign in again on ÉduConnect's page.
    ent.restart().await;
    let text = expired_banner(&app).await;
    assert!(text.contains("Votre session ENT a expiré"), "{text}");
    ui::sign_in_with_educonnect(&app, ui::button("Se reconnecter"), "marie.durand", "demo").await;
    banner_gone(&app).await;

    // Act 4: the ENT drops the session (ÉduConnect still knows the user); a trash is queued.
    ent.faults().expire_sessions();
    let text = expired_banner(&app).await;
    ui::tick(&app, "Sortie au musée").await;
    ui::click(&app, "« Supprimer »", ui::button("Supprimer")).await;

    // Assert 4: the banner says it; the trash waits.
    assert!(text.contains("Votre session ENT a expiré"), "{text}");
    assert!(
        !ent.subjects("marie.durand", "trash")
            .await
            .iter()
            .any(|s| s.starts_with("Sortie au musée")),
        "the trash waits for the new session"
    );

    // Act 5: « Se reconnecter », then one click on « Se connecter avec ÉduConnect » in the
    // ENT's window: nothing typed, the window's profile still holds ÉduConnect's cookie.
    ent.send(
        "hugo.leroy",
        &["marie.durand"],
        "Après la reconnexion",
        "Re",
    )
    .await;
    let main = ui::switch_to_ent_window(&app, ui::button("Se reconnecter")).await;
    ui::click(
        &app,
        "« Se connecter avec ÉduConnect »",
        ui::educonnect_link(),
    )
    .await;
    wait_until("the ENT's window to close", STARTUP, || async {
        (app.driver.windows().await.ok()?.len() == 1).then_some(())
    })
    .await;
    app.driver
        .switch_to_window(main)
        .await
        .expect("back to the main window");

    // Assert 5: sync resumes, the banner goes, the trash reached the ENT once.
    ui::wait_for_row(&app, "Après la reconnexion").await;
    banner_gone(&app).await;
    wait_until(
        "the ENT to have the message in its trash",
        EFFECT,
        || async {
            let trash = ent.subjects("marie.durand", "trash").await;
            (trash
                .iter()
                .filter(|s| s.starts_with("Sortie au musée"))
                .count()
                == 1)
                .then_some(())
        },
    )
    .await;

    // Act 6: sign out; the next person opens the ENT's window and goes to ÉduConnect.
    ui::click(&app, "« Se déconnecter »", ui::button("Se déconnecter")).await;
    ui::click(
        &app,
        "the sign-out dialog's « Se déconnecter »",
        By::XPath("//*[@role='dialog']//button[normalize-space(.)='Se déconnecter']"),
    )
    .await;
    sign_in_screen(&app).await;
    ui::type_ent_address(&app, &ent.url()).await;
    let main =
        ui::switch_to_ent_window(&app, ui::button("Se connecter avec la page de l'ENT")).await;
    ui::click(
        &app,
        "« Se connecter avec ÉduConnect »",
        ui::educonnect_link(),
    )
    .await;

    // Assert 6: ÉduConnect asks for the password again (its cookie went with the sign-out,
    // though ÉduConnect itself would still have known it).
    app.find("ÉduConnect's login field", By::Css("input[name='login']"))
        .await;
    app.driver
        .close_window()
        .await
        .expect("close the ENT's window");
    app.driver
        .switch_to_window(main)
        .await
        .expect("back to the main window");
    let app = app.restart().await;

    // Assert 7: the sign-in screen, and the kept session is gone.
    wait_until("the sign-in screen after the restart", STARTUP, || async {
        app.driver.find(ui::ent_address_field()).await.ok()
    })
    .await;
    assert!(
        !keyring(&keyring_file).contains("session:"),
        "the ENT session is forgotten: {}",
        keyring(&keyring_file)
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_deployed_connector_the_app_stays_signed_in_and_refreshes_silently() {
    let ent = Ent::start().await;
    let keys = tempfile::tempdir().expect("temp dir");
    let keyring_file = keys.path().join("keyring.json");
    let data = tempfile::tempdir().expect("temp dir");
    // What an ENT administrator deploys on school computers.
    std::fs::write(
        data.path().join("connector.json"),
        format!(
            r#"{{"entUrl": "{}", "clientId": "messagerie-desktop", "clientSecret": "demo-secret"}}"#,
            ent.url()
        ),
    )
    .expect("write connector.json");
    let launch = Launch {
        data_dir: Some(data.path().to_path_buf()),
        env: vec![(
            "MESSAGERIE_TEST_KEYRING_FILE".into(),
            keyring_file.display().to_string(),
        )],
        ..Launch::default()
    };
    let app = App::start("stay_signed_in_connector", launch).await;

    // Arrange: signed in through the ENT's own page.
    ui::type_ent_address(&app, &ent.url()).await;
    ui::sign_in_on_ent_window(
        &app,
        ui::button("Se connecter avec la page de l'ENT"),
        "marie.durand",
        "demo",
    )
    .await;
    ui::wait_for_row(&app, "Conseil de classe de 3A").await;
    let kept = keyring(&keyring_file);
    assert!(kept.contains("refreshToken"), "a refresh token is kept");

    // Act 1: start again after the access token's hour (`Faults::expire_sessions` would
    // revoke the refresh tokens too, which entcore never does by itself).
    ent.faults().expire_access_tokens();
    ent.send(
        "hugo.leroy",
        &["marie.durand"],
        "Avec le connecteur",
        "Bonjour",
    )
    .await;
    let app = app.restart().await;

    // Assert 1: synced, no sign-in screen and no banner.
    ui::wait_for_row(&app, "Avec le connecteur").await;

    // Act 2: the hour is up while the app runs.
    ent.faults().expire_access_tokens();
    ent.send("hugo.leroy", &["marie.durand"], "Une heure plus tard", "Re")
        .await;

    // Assert 2: refreshed without the user seeing anything.
    ui::wait_for_row(&app, "Une heure plus tard").await;
    assert!(
        app.driver
            .find(ui::testid("session-expired"))
            .await
            .is_err(),
        "no expired-session banner"
    );

    // Act 3: sign out.
    ui::click(&app, "« Se déconnecter »", ui::button("Se déconnecter")).await;
    ui::click(
        &app,
        "the sign-out dialog's « Se déconnecter »",
        By::XPath("//*[@role='dialog']//button[normalize-space(.)='Se déconnecter']"),
    )
    .await;
    sign_in_screen(&app).await;

    // Assert 3: the refresh token is forgotten.
    assert!(
        !keyring(&keyring_file).contains("session:"),
        "the tokens are forgotten"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connector_typed_under_advanced_options_is_kept_and_used_after_a_restart() {
    let ent = Ent::start().await;
    let keys = tempfile::tempdir().expect("temp dir");
    let keyring_file = keys.path().join("keyring.json");
    let launch = Launch {
        env: vec![(
            "MESSAGERIE_TEST_KEYRING_FILE".into(),
            keyring_file.display().to_string(),
        )],
        ..Launch::default()
    };
    let app = App::start("stay_signed_in_advanced_options", launch).await;

    // Arrange: the address, then « Options avancées » with the connector's id and secret.
    ui::type_ent_address(&app, &ent.url()).await;
    ui::click(
        &app,
        "« Options avancées »",
        By::XPath("//summary[normalize-space(.)='Options avancées']"),
    )
    .await;
    for (label, value) in [
        ("Identifiant du connecteur", "messagerie-desktop"),
        ("Secret du connecteur", "demo-secret"),
    ] {
        app.find(
            &format!("the « {label} » field"),
            By::XPath(format!("//details//label[contains(., \"{label}\")]//input")),
        )
        .await
        .send_keys(value)
        .await
        .expect("type in a field");
    }

    // Act: sign in on the ENT's page, then start again after the access token's hour.
    ui::sign_in_on_ent_window(
        &app,
        ui::button("Se connecter avec la page de l'ENT"),
        "marie.durand",
        "demo",
    )
    .await;
    ui::wait_for_row(&app, "Conseil de classe de 3A").await;
    let kept = keyring(&keyring_file);
    ent.faults().expire_access_tokens();
    ent.send(
        "hugo.leroy",
        &["marie.durand"],
        "Connecteur saisi",
        "Bonjour",
    )
    .await;
    let app = app.restart().await;

    // Assert: the connector and the refresh token were kept; synced without a sign-in screen.
    assert!(
        kept.contains("connector:"),
        "the connector is in the keyring"
    );
    assert!(kept.contains("refreshToken"), "a refresh token is kept");
    ui::wait_for_row(&app, "Connecteur saisi").await;
    app.quit().await;
}
