//! The ENT goes away: cached mail still opens, a trash waits as pending, and reaches the ENT
//! once it is back.
use thirtyfour::By;

use crate::harness::{self, wait_until, Ent, EFFECT};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_ent_stopped_mail_opens_and_a_trash_is_queued_until_it_returns() {
    let mut ent = Ent::start().await;
    harness::run("offline_trash", |app| async move {
        // Arrange: synced, then the ENT stops.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        ent.stop().await;

        // Act 1: open a cached message, trash another.
        ui::open_row(&app, "Conseil de classe de 3A").await;
        let frame = app.find("the body's frame", By::Css("iframe")).await;
        frame.clone().enter_frame().await.expect("enter the frame");
        let text = app
            .find("the body", By::Tag("body"))
            .await
            .text()
            .await
            .expect("text");
        app.driver
            .enter_default_frame()
            .await
            .expect("leave the frame");
        ui::tick(&app, "Sortie au musée").await;
        ui::click(&app, "« Supprimer »", ui::button("Supprimer")).await;
        ui::open_folder(&app, "trash").await;
        let queued = ui::wait_for_row(&app, "Sortie au musée").await;

        // Assert 1
        assert!(text.contains("conseil de classe"), "{text}");
        let classes = queued
            .attr("class")
            .await
            .expect("class")
            .unwrap_or_default();
        assert!(
            classes.contains("mbx-pending"),
            "the queued trash shows as pending: {classes}"
        );
        wait_until("the status line to say offline", EFFECT, || async {
            let status = app.driver.find(ui::testid("sync-status")).await.ok()?;
            let text = status.text().await.ok()?;
            text.contains("Hors ligne").then_some(())
        })
        .await;

        // Act 2: the ENT comes back.
        ent.restart().await;

        // Assert 2: trashed on the ENT, no longer pending here.
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
        wait_until("the row to stop being pending", EFFECT, || async {
            let row = app.driver.find(ui::row("Sortie au musée")).await.ok()?;
            let classes = row.attr("class").await.ok()??;
            (!classes.contains("mbx-pending")).then_some(())
        })
        .await;
    })
    .await;
}
