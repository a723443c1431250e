//! The user's own folders: created, filled, and still there after the app restarts.
use thirtyfour::By;

use crate::harness::{self, Launch};
use crate::ui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_created_and_filled_is_still_there_after_a_restart() {
    // Both launches open the demo school (`--demo`) in the same home and data.
    harness::run_across_restart(
        "folder_across_restart",
        Launch::demo(),
        |app| async move {
            // Arrange: the demo inbox.
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;

            // Act: « Nouveau dossier » « Sorties », then move a message into it.
            ui::click(&app, "« Nouveau dossier »", ui::button("Nouveau dossier")).await;
            let name = app
                .find(
                    "the folder name field",
                    By::Css("form.mbx-folder-form input"),
                )
                .await;
            name.send_keys("Sorties scolaires")
                .await
                .expect("type a name");
            // The form's own « Créer », not the composer's one above the folders.
            ui::click(
                &app,
                "the folder form's « Créer »",
                By::XPath(
                    "//form[@aria-label='Nouveau dossier']//button[normalize-space(.)='Créer']",
                ),
            )
            .await;
            app.find("the new folder", ui::folder_named("Sorties scolaires"))
                .await;
            ui::tick(&app, "Sortie au musée").await;
            ui::choose(
                &app,
                "« Déplacer vers… » Sorties scolaires",
                By::Css("select[aria-label='Déplacer vers…']"),
                "Sorties scolaires",
            )
            .await;

            // Assert: out of the inbox, in the folder.
            ui::wait_row_gone(&app, "Sortie au musée").await;
            ui::click(&app, "the folder", ui::folder_named("Sorties scolaires")).await;
            ui::wait_for_row(&app, "Sortie au musée").await;
        },
        |app| async move {
            // Act: the app has started again (a second process, logging to the same file).
            let starts = app.app_log().matches("messagerie starting").count();
            assert_eq!(starts, 2, "the app was started twice");
            ui::click(&app, "the folder", ui::folder_named("Sorties scolaires")).await;

            // Assert
            ui::wait_for_row(&app, "Sortie au musée").await;
        },
    )
    .await;
}
