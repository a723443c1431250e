//! Quiet hours (« droit à la déconnexion »): mail still arrives and is counted, no `Notify` on
//! the bus while they last; one summary with the count when the clock goes past their end.
use chrono::{Duration, Local};
use serde_json::json;

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_notification_during_quiet_hours_then_one_summary_with_the_count() {
    let ent = Ent::start().await;
    harness::run("quiet_hours", |app| async move {
        // Arrange: signed in, the window on the trash (new mail out of sight), quiet hours from
        // an hour ago to an hour from now, every day.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "trash").await;
        let now = Local::now();
        let hhmm = |t: chrono::DateTime<Local>| t.format("%H:%M").to_string();
        let mut settings = app.invoke("settings", json!({})).await.expect("settings");
        settings["quietHours"] = json!({
            "enabled": true,
            "start": hhmm(now - Duration::hours(1)),
            "end": hhmm(now + Duration::hours(1)),
            "wholeDays": [],
        });
        app.invoke("save_settings", json!({ "settings": settings }))
            .await
            .expect("save the quiet hours");
        let unread_before = ent.unread_in_inbox("marie.durand").await;

        // Act: three messages arrive during quiet hours.
        for subject in ["Conseil pédagogique", "Sortie au musée", "Cantine"] {
            ent.send("paul.martin", &["marie.durand"], subject, "<p>Bonsoir.</p>")
                .await;
        }

        // Assert: listed and counted, held back, not announced.
        ui::wait_inbox_unread(&app, "the inbox count to go up by three", unread_before + 3).await;
        wait_until("the three to be held back", EFFECT, || async {
            app.app_log()
                .contains("the notification waits for their end held=3")
                .then_some(())
        })
        .await;
        assert!(app.notifications().is_empty(), "{:?}", app.notifications());

        // Act: the clock goes past their end.
        app.invoke("debug_advance_clock", json!({ "seconds": 2 * 3600 }))
            .await
            .expect("move the clock");

        // Assert: exactly one summary, with the count and nothing of the messages.
        let seen = wait_until("the summary", EFFECT, || async {
            let seen = app.notifications();
            (!seen.is_empty()).then_some(seen)
        })
        .await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(
            seen[0].summary,
            "3 nouveaux messages pendant la plage de déconnexion"
        );
        assert!(!seen[0].body.contains("Cantine"), "{seen:?}");
        // A later message is announced as usual, and the summary came only once.
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Photocopies",
            "<p>Prêtes.</p>",
        )
        .await;
        let seen = wait_until("the next notification", EFFECT, || async {
            let seen = app.notifications();
            (seen.len() >= 2).then_some(seen)
        })
        .await;
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen[1].body.contains("Photocopies"), "{seen:?}");
    })
    .await;
}
