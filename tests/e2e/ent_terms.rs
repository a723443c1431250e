//! The ENT asks for new terms of use (entcore's `MandatoryUserValidationFilter` sends every
//! call to `/auth/revalidate-terms`): the window says so with a banner, actions wait, and once
//! the terms are accepted they reach the ENT exactly once.
use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_terms_show_a_banner_and_queued_actions_reach_the_ent_once_they_are_accepted() {
    let ent = Ent::start().await;
    harness::run("ent_terms", |app| async move {
        // Arrange: signed in and synced; then the ENT publishes new terms of use.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, "Sortie au musée").await;
        let marie = ent.id("marie.durand");
        ent.faults().require_terms(&marie);

        // Act 1: trash a message and send one while every call is redirected.
        ui::tick(&app, "Sortie au musée").await;
        ui::click(&app, "« Supprimer »", ui::button("Supprimer")).await;
        ui::compose_new(&app).await;
        ui::add_recipient(&app, "to", "MARTIN", "MARTIN Paul").await;
        ui::write(&app, "Après les conditions", "Envoyé une seule fois.").await;
        ui::send(&app).await;

        // Assert 1: the banner says what the ENT asks and offers its page; Paul has nothing (the
        // trash cannot be checked: the ENT redirects Marie's every call).
        let banner = wait_until("the banner about the new terms", EFFECT, || async {
            let banner = app.driver.find(ui::testid("action-needed")).await.ok()?;
            let text = banner.text().await.ok()?;
            text.contains("conditions d'utilisation").then_some(text)
        })
        .await;
        assert!(banner.contains("Ouvrir la page de l'ENT"), "{banner}");
        assert_eq!(
            ent.count_received("paul.martin", "Après les conditions")
                .await,
            0
        );

        // Act 2: the user accepts the terms on the ENT.
        ent.faults().accept_terms(&marie);

        // Assert 2: both actions reach the ENT, once; the banner goes.
        wait_until("the message to reach Paul", EFFECT, || async {
            (ent.count_received("paul.martin", "Après les conditions")
                .await
                > 0)
            .then_some(())
        })
        .await;
        wait_until(
            "the ENT to have the message in its trash",
            EFFECT,
            || async {
                let trash = ent.subjects("marie.durand", "trash").await;
                trash
                    .iter()
                    .any(|s| s.starts_with("Sortie au musée"))
                    .then_some(())
            },
        )
        .await;
        wait_until("the banner to go", EFFECT, || async {
            app.driver
                .find(ui::testid("action-needed"))
                .await
                .is_err()
                .then_some(())
        })
        .await;
        assert_eq!(
            ent.count_received("paul.martin", "Après les conditions")
                .await,
            1,
            "sent exactly once"
        );
    })
    .await;
}
