//! Dark mode: the window follows the system's theme (GTK's, `GTK_THEME=Adwaita:dark`; the
//! desktop's preference as the XDG portal gives it, switched while the app runs) and the
//! user's choice (`data-theme` on <html>, which « Paramètres » sets), and a message body
//! stays on its light sheet in both.
use serde_json::json;

use crate::harness::{self, wait_until, App, Launch, EFFECT};
use crate::ui;

/// `--mbx-bg` of each theme (src/styles.css), as the page computes it.
const LIGHT_BG: &str = "rgb(245, 247, 250)";
const DARK_BG: &str = "rgb(17, 24, 32)";
const SHEET: &str = "rgb(255, 255, 255)";

/// The computed background colour of the first element matching `selector`.
async fn background(app: &App, selector: &str) -> String {
    app.driver
        .execute(
            "const e = document.querySelector(arguments[0]); \
             return e ? getComputedStyle(e).backgroundColor : null;",
            vec![json!(selector)],
        )
        .await
        .expect("read a computed style")
        .json()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn wait_background(app: &App, selector: &str, expected: &str) {
    wait_until(
        &format!("{selector} to have the background {expected}"),
        EFFECT,
        || async { (background(app, selector).await == expected).then_some(()) },
    )
    .await;
}

/// What « Paramètres » does: `data-theme` on <html>, or none to follow the system.
async fn choose_theme(app: &App, theme: Option<&str>) {
    app.driver
        .execute(
            "const t = arguments[0]; const root = document.documentElement; \
             if (t) root.setAttribute('data-theme', t); else root.removeAttribute('data-theme');",
            vec![json!(theme)],
        )
        .await
        .expect("set data-theme");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailbox_turns_dark_and_light_with_data_theme_and_a_message_stays_on_its_light_sheet() {
    harness::run_with("theme_switch", Launch::demo(), |app| async move {
        // Arrange: the demo inbox, a message open.
        ui::open_row(&app, "Conseil de classe de 3A").await;
        app.find("the message body", thirtyfour::By::Css("iframe.mbx-body"))
            .await;

        // Act 1: light.
        choose_theme(&app, Some("light")).await;

        // Assert 1: the window, the panes and the sheet are light.
        wait_background(&app, "html", LIGHT_BG).await;
        assert_eq!(background(&app, ".mbx-middle").await, "rgb(255, 255, 255)");
        assert_eq!(background(&app, ".mbx-body").await, SHEET);
        app.screenshot("mailbox-light.png");

        // Act 2: dark.
        choose_theme(&app, Some("dark")).await;

        // Assert 2: the window and the panes are dark; the body keeps its white sheet.
        wait_background(&app, "html", DARK_BG).await;
        assert_eq!(background(&app, ".mbx-middle").await, "rgb(26, 34, 43)");
        assert_eq!(background(&app, ".mbx-body").await, SHEET);
        app.screenshot("mailbox-dark.png");

        // Act 3: back to following the system (light under the test's bare X server).
        choose_theme(&app, None).await;

        // Assert 3: light again.
        wait_background(&app, "html", LIGHT_BG).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dark_gtk_theme_makes_the_window_dark_without_any_setting_and_the_users_light_choice_wins(
) {
    let launch = Launch {
        env: vec![("GTK_THEME".into(), "Adwaita:dark".into())],
        ..Launch::demo()
    };
    harness::run_with("theme_system_dark", launch, |app| async move {
        // Arrange: the demo inbox under a dark GTK theme, no choice made.
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;

        // Assert 1: the window follows the system.
        wait_background(&app, "html", DARK_BG).await;
        let system = app
            .driver
            .execute(
                "return document.documentElement.getAttribute('data-system-theme');",
                vec![],
            )
            .await
            .expect("read data-system-theme")
            .json()
            .clone();
        assert_eq!(system, json!("dark"));

        // Act: the user chooses light.
        choose_theme(&app, Some("light")).await;

        // Assert 2: the choice wins over the system.
        wait_background(&app, "html", LIGHT_BG).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_follows_the_desktop_switching_from_dark_to_light_and_back_while_it_runs() {
    let launch = Launch {
        desktop_dark: Some(true),
        ..Launch::demo()
    };
    harness::run_with("theme_desktop_switch", launch, |app| async move {
        // Arrange: the demo inbox on a desktop that prefers dark (the XDG portal's
        // `color-scheme`, as GNOME and KDE serve it).
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        wait_background(&app, "html", DARK_BG).await;

        // Act 1: the desktop switches to light (GNOME's « Style », the portal's signal).
        app.bus.set_desktop_dark(false).await;

        // Assert 1: the window turns light, with no setting touched.
        wait_background(&app, "html", LIGHT_BG).await;

        // Act 2: and back to dark.
        app.bus.set_desktop_dark(true).await;

        // Assert 2: dark again.
        wait_background(&app, "html", DARK_BG).await;
    })
    .await;
}
