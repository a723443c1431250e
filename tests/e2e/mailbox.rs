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
        ui::wait_inbox_unread(&app, "the inbox count to be the ENT's", on_server).await;
        assert!(ui::is_bold(&app, MUSEUM).await, "an unread message is bold");

        // Act
        ui::open_row(&app, MUSEUM).await;

        // Assert
        wait_until("the row to lose its bold", EFFECT, || async {
            (!ui::is_bold(&app, MUSEUM).await).then_some(())
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
async fn a_message_another_user_sends_appears_without_any_click_and_is_not_notified_while_the_inbox_is_in_view(
) {
    let ent = Ent::start().await;
    harness::run("new_mail_appears", |app| async move {
        // Arrange: the inbox in view, in a window that has the focus.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, COUNCIL).await;
        let focus = app
            .driver
            .execute("return document.hasFocus()", Vec::new())
            .await
            .expect("ask the page for the focus");
        assert_eq!(
            focus.json(),
            &serde_json::json!(true),
            "the window has the focus"
        );

        // Act
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Réunion parents-professeurs",
            "<p>Jeudi 18 h.</p>",
        )
        .await;

        // Assert: listed and bold without a click.
        assert!(ui::is_bold(&app, "Réunion parents-professeurs").await);
        // No notification for it: once the inbox is out of view, a later message is notified
        // (the marker that the app had its chance), and only that one.
        ui::open_folder(&app, "trash").await;
        ent.send(
            "sophie.bernard",
            &["marie.durand"],
            "Photocopies",
            "<p>Prêtes.</p>",
        )
        .await;
        let seen = wait_until("the marker's notification", EFFECT, || async {
            let seen = app.notifications();
            seen.iter()
                .any(|n| n.body.contains("Photocopies"))
                .then_some(seen)
        })
        .await;
        assert!(
            !seen
                .iter()
                .any(|n| n.body.contains("Réunion parents-professeurs")),
            "{seen:?}"
        );
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
        ui::open_folder(&app, "trash").await;
        ui::wait_for_row(&app, MUSEUM).await;
        ui::wait_for_row(&app, COUNCIL).await;
        app.screenshot("trash.png");

        // Act 2: restore one, delete the other for good (after the confirmation).
        ui::tick(&app, COUNCIL).await;
        ui::click(&app, "« Restaurer »", ui::button("Restaurer")).await;
        ui::wait_row_gone(&app, COUNCIL).await;
        ui::tick(&app, MUSEUM).await;
        ui::delete_for_good(&app).await;
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
async fn a_link_clicked_in_a_message_shows_its_address_before_anything_opens() {
    let ent = Ent::start().await;
    ent.send(
        "paul.martin",
        &["marie.durand"],
        "Lien du menu",
        r#"<p>Le menu est <a href="https://www.college-jean-moulin.fr/menu">ici</a>.</p>"#,
    )
    .await;
    harness::run("link_in_body", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_row(&app, "Lien du menu").await;

        // Act: click the link inside the body's frame.
        let frame = app.find("the body's frame", By::Css("iframe")).await;
        frame.enter_frame().await.expect("enter the frame");
        app.find("the link", By::LinkText("ici"))
            .await
            .click()
            .await
            .expect("click the link");
        app.driver
            .enter_default_frame()
            .await
            .expect("leave the frame");

        // Assert: the app asks, with the address; the window stayed on the app.
        let dialog = app
            .find("the confirmation", By::Css("[role='dialog']"))
            .await;
        let text = dialog.text().await.expect("dialog text");
        assert!(
            text.contains("https://www.college-jean-moulin.fr/menu"),
            "{text}"
        );
        assert_eq!(app.driver.windows().await.expect("windows").len(), 1);
        ui::click(
            &app,
            "« Annuler »",
            By::XPath("//div[@role='dialog']//button[normalize-space(.)='Annuler']"),
        )
        .await;
    })
    .await;
}
