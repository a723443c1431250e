//! Reading mail: the unread count, bold rows, new mail without a click, trash and restore,
//! search — against a real ent-server, signed in through the sign-in form.
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

/// Demo mail in Marie Durand's inbox (crates/ent-server/src/demo.rs).
const MUSEUM: &str = "Sortie au musée : autorisation";
const COUNCIL: &str = "Conseil de classe de 3A";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_count_is_the_ents_and_opening_an_unread_message_unbolds_it_and_lowers_it() {
    let ent = Ent::start().await;
    harness::run("unread_count_and_bold", |app| async move {
        // Arrange
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        let on_server = ent.unread_in_inbox("marie.durand").await;
        assert!(on_server > 0, "the demo inbox has unread mail");
        wait_until("the inbox count to be the ENT's", EFFECT, || async {
            let label = ui::folder_label(&app, "inbox").await;
            (ui::count_in(&label) == on_server).then_some(())
        })
        .await;
        let row = ui::wait_for_row(&app, MUSEUM).await;
        assert!(ui::is_bold(&row).await, "an unread message is bold");

        // Act
        row.click().await.expect("open the message");

        // Assert
        wait_until("the row to lose its bold", EFFECT, || async {
            let row = app.driver.find(ui::row(MUSEUM)).await.ok()?;
            (!ui::is_bold(&row).await).then_some(())
        })
        .await;
        wait_until("the count to go down by one", EFFECT, || async {
            let label = ui::folder_label(&app, "inbox").await;
            (ui::count_in(&label) == on_server - 1).then_some(())
        })
        .await;
        wait_until("the ENT to know it was read", EFFECT, || async {
            (ent.unread_in_inbox("marie.durand").await == on_server - 1).then_some(())
        })
        .await;
        app.screenshot("inbox-message-open.png");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_another_user_sends_appears_without_any_click() {
    let ent = Ent::start().await;
    harness::run("new_mail_appears", |app| async move {
        // Arrange
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, COUNCIL).await;

        // Act
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Réunion parents-professeurs",
            "<p>Jeudi 18 h.</p>",
        )
        .await;

        // Assert
        let row = ui::wait_for_row(&app, "Réunion parents-professeurs").await;
        assert!(ui::is_bold(&row).await);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_mail_raises_exactly_one_notification_carrying_its_subject() {
    let ent = Ent::start().await;
    harness::run("new_mail_notification", |app| async move {
        // Arrange: the window shows the trash, so new mail is not in sight.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::folder(&app, "trash")
            .await
            .click()
            .await
            .expect("open the trash");
        assert!(
            app.notifications().is_empty(),
            "no notification for old mail on a first sync"
        );

        // Act: one message, then (once it is notified) a second one as a later marker.
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Cahier de textes",
            "<p>Mis à jour.</p>",
        )
        .await;
        wait_until("the first notification", EFFECT, || async {
            (!app.notifications().is_empty()).then_some(())
        })
        .await;
        ent.send(
            "sophie.bernard",
            &["marie.durand"],
            "Photocopies",
            "<p>Prêtes.</p>",
        )
        .await;
        let seen = wait_until("the second notification", EFFECT, || async {
            let seen = app.notifications();
            (seen.len() >= 2).then_some(seen)
        })
        .await;

        // Assert: one per message, never twice for the same one.
        let about = |subject: &str| seen.iter().filter(|n| n.body.contains(subject)).count();
        assert_eq!(about("Cahier de textes"), 1, "{seen:?}");
        assert_eq!(about("Photocopies"), 1, "{seen:?}");
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen.iter().all(|n| n.app_name == "Messagerie"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticked_messages_go_to_the_trash_then_one_is_restored_and_one_deleted_for_good() {
    let ent = Ent::start().await;
    harness::run("trash_restore_delete", |app| async move {
        // Arrange
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, COUNCIL).await;

        // Act 1: tick two messages, « Supprimer ».
        ui::tick(&app, MUSEUM).await;
        ui::tick(&app, COUNCIL).await;
        ui::click(&app, "« Supprimer »", ui::button("Supprimer")).await;

        // Assert 1: gone from the inbox, both in the Corbeille.
        ui::wait_row_gone(&app, MUSEUM).await;
        ui::wait_row_gone(&app, COUNCIL).await;
        ui::folder(&app, "trash")
            .await
            .click()
            .await
            .expect("open the trash");
        ui::wait_for_row(&app, MUSEUM).await;
        ui::wait_for_row(&app, COUNCIL).await;
        app.screenshot("trash.png");

        // Act 2: restore one, delete the other for good (after the confirmation).
        ui::tick(&app, COUNCIL).await;
        ui::click(&app, "« Restaurer »", ui::button("Restaurer")).await;
        ui::wait_row_gone(&app, COUNCIL).await;
        ui::tick(&app, MUSEUM).await;
        ui::click(
            &app,
            "« Supprimer définitivement »",
            ui::button("Supprimer définitivement"),
        )
        .await;
        ui::click(
            &app,
            "the confirmation",
            By::XPath(
                "//div[@role='dialog']//button[normalize-space(.)='Supprimer définitivement']",
            ),
        )
        .await;
        ui::wait_row_gone(&app, MUSEUM).await;

        // Assert 2: the ENT agrees.
        wait_until(
            "the ENT to have restored one and deleted the other",
            EFFECT,
            || async {
                let inbox = ent.subjects("marie.durand", "inbox").await;
                let trash = ent.subjects("marie.durand", "trash").await;
                let done = inbox.iter().any(|s| s == COUNCIL)
                    && !inbox.iter().any(|s| s == MUSEUM)
                    && !trash.iter().any(|s| s == MUSEUM);
                done.then_some(())
            },
        )
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_a_message_by_a_word_of_its_body_and_says_its_folder() {
    let ent = Ent::start().await;
    harness::run("search_by_body", |app| async move {
        // Arrange
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, COUNCIL).await;

        // Act: a word only in the body of Paul's message, without its accent.
        ui::search(&app, "appreciations").await;

        // Assert
        let hit = ui::wait_for_row(&app, COUNCIL).await;
        let text = hit.text().await.expect("row text");
        assert!(text.contains("Dans Boîte de réception"), "{text}");
        ui::wait_row_gone(&app, MUSEUM).await;
        app.screenshot("search.png");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_the_notification_opens_the_new_message() {
    let ent = Ent::start().await;
    harness::run("notification_click", |app| async move {
        // Arrange: a new message notified while the window shows the trash.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::folder(&app, "trash")
            .await
            .click()
            .await
            .expect("open the trash");
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Salle 12 libre",
            "<p>Pour jeudi.</p>",
        )
        .await;
        wait_until("the notification", EFFECT, || async {
            (!app.notifications().is_empty()).then_some(())
        })
        .await;

        // Act
        app.bus.click_notification(1).await;

        // Assert: the inbox, with that message open in the reading pane.
        wait_until("the message to open", EFFECT, || async {
            let heading = app.driver.find(By::Css(".mbx-reading h2")).await.ok()?;
            let text = heading.text().await.ok()?;
            (text == "Salle 12 libre").then_some(())
        })
        .await;
        let inbox = ui::folder(&app, "inbox").await;
        assert_eq!(
            inbox.attr("aria-selected").await.expect("attr").as_deref(),
            Some("true")
        );
    })
    .await;
}
