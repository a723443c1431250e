//! New-mail notifications, observed on the private D-Bus bus: one per message that is really
//! new, none for old mail, and a click opens the message.
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_mail_raises_exactly_one_notification_carrying_its_subject() {
    let ent = Ent::start().await;
    harness::run("new_mail_notification", |app| async move {
        // Arrange: the window shows the trash, so new mail is not in sight.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "trash").await;
        assert!(
            app.notifications().is_empty(),
            "no notification for old mail on a first sync"
        );
        let unread_before = ent.unread_in_inbox("marie.durand").await;

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
        // Without any click, the inbox's count already says so.
        ui::wait_inbox_unread(&app, "the inbox count to go up by one", unread_before + 1).await;
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
        assert_eq!(
            app.bus.notify_calls_answered(2).await,
            2,
            "each call got its reply"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_the_notification_opens_the_new_message() {
    let ent = Ent::start().await;
    harness::run("notification_click", |app| async move {
        // Arrange: a new message notified while the window shows the trash.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "trash").await;
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

        // Act: click it. dbus-monitor records the Notify call before notify-rust, once it has
        // its reply, subscribes to ActionInvoked, so a click sent at once can fall before the
        // app listens (a person cannot click that fast). Click again until it is taken: the
        // app takes one click per notification and ignores the rest.
        // Assert: the inbox, with that message open in the reading pane.
        wait_until("the message to open", EFFECT, || async {
            app.bus.click_notification(1).await;
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
