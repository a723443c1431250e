//! A large folder: the list draws only what is in view.
use thirtyfour::By;

use crate::harness::{self, big_mailbox, Launch};
use crate::ui;

const MESSAGES: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_message_folder_keeps_few_rows_in_the_page_and_scrolls_to_its_end() {
    let data = tempfile::tempdir().expect("temp dir");
    big_mailbox::write(data.path(), MESSAGES);
    let launch = Launch {
        data_dir: Some(data.path().to_path_buf()),
        ..Launch::default()
    };
    harness::run_with("big_folder", launch, |app| async move {
        // Arrange: the newest message first.
        ui::wait_for_row(&app, &format!("Message numéro {}", MESSAGES - 1)).await;
        let drawn_at_top = app
            .driver
            .find_all(By::Css("[role='row']"))
            .await
            .expect("rows");

        // The first page is drawn at once; wait for the whole listing (the canvas's height).
        harness::wait_until("the whole folder to be listed", harness::EFFECT, || async {
            let height = app
                .driver
                .execute(
                    "return document.querySelector('.mbx-list-canvas').offsetHeight;",
                    Vec::new(),
                )
                .await
                .ok()?;
            let rows = height.json().as_u64()? / 52;
            (rows == MESSAGES as u64).then_some(())
        })
        .await;

        // Act: to the end in one go.
        app.driver
            .execute(
                "const l = document.querySelector('.mbx-list'); l.scrollTop = l.scrollHeight;",
                Vec::new(),
            )
            .await
            .expect("scroll the list");

        // Assert
        ui::wait_for_row(&app, "Message numéro 0").await;
        let drawn_at_end = app
            .driver
            .find_all(By::Css("[role='row']"))
            .await
            .expect("rows");
        assert!(
            drawn_at_top.len() < 200,
            "{} rows drawn",
            drawn_at_top.len()
        );
        assert!(
            drawn_at_end.len() < 200,
            "{} rows drawn",
            drawn_at_end.len()
        );
        // The startup measure's event: drawn from the first page, before the rest is read.
        let log = app.app_log();
        let drawn = log
            .lines()
            .find(|l| l.contains("inbox drawn from the local store"));
        assert!(
            drawn.is_some_and(|l| l.contains("elapsed_ms=") && l.contains("messages=200")),
            "{drawn:?}"
        );
    })
    .await;
}
