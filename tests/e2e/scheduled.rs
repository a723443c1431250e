//! « Envoyer plus tard » (issue 16): a message scheduled a minute or two ahead leaves once, at
//! its time, also when the app was closed and started again in between (the app's clock moved
//! through the debug command), and the app says it left late.
use serde_json::json;
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, Launch, EFFECT};
use crate::ui;

const DELIVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Sets the « Envoyer plus tard » date and time field as typing would (WebKitWebDriver cannot
/// type into a datetime-local field): two minutes ahead of the page's clock, to the minute.
const SET_DUE: &str = r#"
    const el = document.querySelector("[data-testid='send-later-at']");
    const d = new Date(Date.now() + 120000);
    const p = (n) => String(n).padStart(2, "0");
    const value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return value;
"#;

/// Waits until « Programmés » lists nothing.
async fn programmes_empty(app: &harness::App) {
    wait_until("« Programmés » to be empty", EFFECT, || async {
        app.driver
            .find_all(ui::testid("scheduled-item"))
            .await
            .ok()?
            .is_empty()
            .then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_scheduled_ahead_leaves_once_after_a_restart_and_is_told_late() {
    let ent = std::sync::Arc::new(Ent::start().await);
    let (before, after) = (ent.clone(), ent.clone());
    // The session is kept across the restart in a test keyring, as the OS keyring would.
    let keys = tempfile::tempdir().expect("temp dir");
    let launch = Launch {
        env: vec![(
            "MESSAGERIE_TEST_KEYRING_FILE".into(),
            keys.path().join("keyring.json").display().to_string(),
        )],
        ..Launch::default()
    };
    harness::run_across_restart(
        "scheduled",
        launch,
        |app| async move {
            // Arrange
            ui::sign_in(&app, &before.url(), "marie.durand", "demo").await;
            ui::compose_new(&app).await;
            ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
            ui::write(&app, "Réunion de lundi", "À lundi.").await;

            // Act: « Envoyer plus tard », a date and time two minutes ahead.
            ui::click(&app, "« Envoyer plus tard »", ui::testid("send-later")).await;
            app.find("the date field", ui::testid("send-later-at"))
                .await;
            app.driver
                .execute(SET_DUE, vec![])
                .await
                .expect("set the date and time");
            ui::click(
                &app,
                "« Programmer »",
                By::XPath("//div[@role='dialog']//button[normalize-space(.)='Programmer']"),
            )
            .await;

            // Assert: listed in « Programmés », not delivered.
            ui::click(&app, "« Programmés »", ui::testid("scheduled-folder")).await;
            app.find(
                "the scheduled message",
                By::XPath("//*[@data-testid='scheduled-item'][contains(., 'Réunion de lundi')]"),
            )
            .await;
            app.screenshot("scheduled.png");
            assert_eq!(
                before
                    .count_received("paul.martin", "Réunion de lundi")
                    .await,
                0
            );
        },
        |app| async move {
            // Act: started again; then its time passes by ten minutes at once, as if the app
            // had been closed meanwhile.
            let signed_in = wait_until("the mailbox or the sign-in screen", EFFECT, || async {
                if app.driver.find(ui::ent_address_field()).await.is_ok() {
                    return Some(false);
                }
                app.driver
                    .find(By::Css("[role='treeitem'][data-folder='inbox']"))
                    .await
                    .ok()
                    .map(|_| true)
            })
            .await;
            if !signed_in {
                ui::sign_in(&app, &after.url(), "marie.durand", "demo").await;
            }
            assert_eq!(
                after
                    .count_received("paul.martin", "Réunion de lundi")
                    .await,
                0
            );
            app.invoke("debug_advance_clock", json!({ "seconds": 600 }))
                .await
                .expect("move the app's clock");

            // Assert: delivered once, and the user is told it left late.
            wait_until("the scheduled message to leave", DELIVERY, || async {
                (after
                    .count_received("paul.martin", "Réunion de lundi")
                    .await
                    > 0)
                .then_some(())
            })
            .await;
            app.find("the « parti en retard » notice", ui::testid("sent-late"))
                .await;
            ui::click(&app, "« Programmés »", ui::testid("scheduled-folder")).await;
            programmes_empty(&app).await;
            assert_eq!(
                after
                    .count_received("paul.martin", "Réunion de lundi")
                    .await,
                1
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_message_cancelled_is_never_delivered() {
    let ent = Ent::start().await;
    harness::run("scheduled_cancelled", |app| async move {
        // Arrange: « Demain 7 h 30 ».
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(&app, "Finalement non", "Oubliez.").await;
        ui::click(&app, "« Envoyer plus tard »", ui::testid("send-later")).await;
        ui::click(&app, "« Demain 7 h 30 »", ui::testid("send-later-tomorrow")).await;

        // Act: « Annuler l'envoi » in « Programmés », then its time passes.
        ui::click(&app, "« Programmés »", ui::testid("scheduled-folder")).await;
        ui::click(&app, "« Annuler l'envoi »", ui::testid("scheduled-cancel")).await;
        programmes_empty(&app).await;
        app.invoke("debug_advance_clock", json!({ "seconds": 2 * 24 * 3600 }))
            .await
            .expect("move the app's clock");
        // A message sent after it: once it is delivered, the queue has been replayed past the
        // cancelled one's time.
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(&app, "Témoin", "Celui-ci part.").await;
        ui::send(&app).await;
        wait_until("the witness to be delivered", DELIVERY, || async {
            (ent.count_received("paul.martin", "Témoin").await > 0).then_some(())
        })
        .await;

        // Assert: never delivered; a draft again.
        assert_eq!(ent.count_received("paul.martin", "Finalement non").await, 0);
        ui::open_folder(&app, "draft").await;
        ui::wait_for_row(&app, "Finalement non").await;
    })
    .await;
}
