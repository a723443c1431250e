//! The app's window.
use thirtyfour::By;

use crate::harness::{self, wait_until, EFFECT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_opens_a_window_titled_messagerie_that_shows_the_ui() {
    harness::run(
        "the_app_opens_a_window_titled_messagerie",
        |app| async move {
            // Arrange: the harness has started the app.

            // Act: wait for the UI to render.
            let heading = app.find("the UI's heading", By::Tag("h1")).await;

            // Assert: the native window's title as the X server knows it, and the page itself.
            wait_until("an X window titled Messagerie", EFFECT, || {
                std::future::ready(app.window_id("Messagerie"))
            })
            .await;
            assert_eq!(
                app.driver.title().await.expect("document title"),
                "Messagerie"
            );
            assert_eq!(heading.text().await.expect("heading text"), "Messagerie");
            let screenshot = app.screenshot("window.png");
            assert!(
                std::fs::metadata(&screenshot)
                    .expect("screenshot saved")
                    .len()
                    > 1000
            );
        },
    )
    .await;
}
