//! « Essayer la démo » (issue 17, point 4): the demo school opens on a year of mail (its
//! folders and counts, threads, a recalled message as the ENT shows it), and a minute after it
//! starts a colleague writes: one notification, and the message in the list.
use serde_json::{json, Value};

use crate::harness::{self, wait_until, Launch, EFFECT, STARTUP};
use crate::ui;

/// The total of the folder `id` in the app's folder list.
fn total(folders: &Value, id: &str) -> Option<u64> {
    folders
        .as_array()?
        .iter()
        .find(|f| f["id"] == id)?
        .get("total")?
        .as_u64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_opens_on_a_year_of_mail_and_a_colleague_writes_a_minute_later() {
    harness::run_with("demo_year", Launch::demo(), |app| async move {
        // Assert (a year of mail): the three known messages, Marie's own folders, a few
        // hundred messages counted across the folders once the first sync is through.
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        for name in [
            "Parents",
            "Conseils de classe",
            "Administration",
            "Voyage à Londres",
        ] {
            app.find(&format!("the folder « {name} »"), ui::folder_named(name))
                .await;
        }
        let folders = wait_until("the year's folders counted", STARTUP, || async {
            let folders = app.invoke("folders", json!({})).await.ok()?;
            (total(&folders, "inbox")? >= 150 && total(&folders, "outbox")? >= 100)
                .then_some(folders)
        })
        .await;
        let all: u64 = folders
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|f| f["total"].as_u64())
            .sum();
        assert!((300..=700).contains(&all), "{all} messages: {folders}");
        let unread = ui::count_in(&ui::folder_label(&app, "inbox").await);
        assert!(unread >= 3, "unread mail in the inbox: {unread}");

        // Assert (a thread): a parent's message, Marie's answer, the parent's reply.
        ui::wait_for_row(&app, "Rendez-vous pour Léa").await;
        ui::wait_for_row(&app, "Re : Rendez-vous pour Léa").await;

        // Assert (a recall): listed and shown as the ENT shows it to a recipient.
        ui::click(&app, "the recalled message", ui::row("Message rappelé")).await;
        let note = app
            .find("the recall note", ui::testid("recalled"))
            .await
            .text()
            .await
            .expect("its text");
        assert!(note.contains("a rappelé ce message"), "{note}");
        // It was unread: opened, it is not any more.
        ui::wait_inbox_unread(&app, "the recalled message read", unread - 1).await;
        app.screenshot("demo-year.png");

        // Assert: Marie's answer is in « Messages envoyés ».
        ui::open_folder(&app, "outbox").await;
        ui::wait_for_row(&app, "Re : Rendez-vous pour Léa").await;
        assert!(
            app.notifications().is_empty(),
            "no notification for the year on the first sync: {:?}",
            app.notifications()
        );

        // Act: the app's clock a minute on (the window shows « Messages envoyés »).
        app.invoke("debug_advance_clock", json!({ "seconds": 61 }))
            .await
            .expect("move the clock");

        // Assert: one notification for the colleague's message, the inbox counts it, and
        // the list shows it.
        let seen = wait_until("the colleague's notification", EFFECT, || async {
            let seen = app.notifications();
            (!seen.is_empty()).then_some(seen)
        })
        .await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(
            seen[0].body.contains("Café en salle des professeurs ?"),
            "{seen:?}"
        );
        ui::wait_inbox_unread(&app, "the inbox to count it", unread).await;
        ui::open_folder(&app, "inbox").await;
        assert!(
            ui::is_bold(&app, "Café en salle des professeurs ?").await,
            "listed unread"
        );
        assert_eq!(app.bus.notify_calls_answered(1).await, 1);
        let listed = app
            .driver
            .find_all(ui::row("Café en salle des professeurs ?"))
            .await
            .expect("rows");
        assert_eq!(listed.len(), 1, "listed once");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_the_demos_draft_to_6b_reports_the_pupil_who_has_not_activated_his_account() {
    harness::run_with("demo_send_report", Launch::demo(), |app| async move {
        // Arrange: Marie's draft to the pupils of 6B, where Jules Blanc never activated his
        // account.
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        ui::open_folder(&app, "draft").await;
        ui::click(
            &app,
            "the draft to 6B",
            ui::row("Rappel : livres du CDI à rendre"),
        )
        .await;

        // Act
        ui::send(&app).await;

        // Assert: the ENT's send report, as the composer words it.
        let report = app
            .find("the send report", ui::testid("send-report"))
            .await
            .text()
            .await
            .expect("its text");
        assert!(
            report.contains("Comptes non activés : BLANC Jules"),
            "{report}"
        );
    })
    .await;
}
