//! Running in the background: closing the window (the window manager's close, a real
//! `WM_DELETE_WINDOW`) keeps the app in the tray, where new mail is still notified; the tray's
//! menu (clicked over D-Bus as a tray host does) shows the unread count, opens the window,
//! syncs and quits; a second launch brings the hidden window back; the window's size and the
//! panes' widths survive a restart.
use std::future::ready;

use thirtyfour::{By, Key};

use crate::harness::{self, process_running, wait_until, Ent, Launch, EFFECT};
use crate::ui;

/// The tray menu's unread line, as the app words it.
fn unread_line(n: u32) -> String {
    match n {
        0 => "Aucun message non lu".into(),
        1 => "1 message non lu".into(),
        n => format!("{n} messages non lus"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_window_keeps_the_app_in_the_tray_and_new_mail_is_still_notified() {
    let ent = Ent::start().await;
    harness::run("background_close_to_tray", |app| async move {
        // Arrange: signed in, the inbox on screen, the tray icon on the bus.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        let menu = wait_until("the tray menu on the bus", EFFECT, || {
            ready(app.tray_menu())
        })
        .await;
        assert!(app.window_shown(), "the window is on screen at first");

        // Act: the window manager's close button.
        app.close_window();

        // Assert: the window is gone from the screen, the app still runs, and says where it is.
        wait_until("the window to be hidden", EFFECT, || {
            ready((!app.window_shown()).then_some(()))
        })
        .await;
        assert!(process_running(menu.pid), "the app keeps running");
        let explained = |app: &harness::App| {
            app.notifications()
                .into_iter()
                .filter(|n| n.body.contains("zone de notification"))
                .count()
        };
        wait_until("the one-line explanation", EFFECT, || {
            ready((explained(&app) == 1).then_some(()))
        })
        .await;

        // Act: a message arrives on the ENT while the window is hidden.
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Réunion parents-professeurs",
            "<p>Jeudi à 18 h.</p>",
        )
        .await;

        // Assert: it is notified on the bus; the window stays hidden.
        wait_until("the new mail's notification", EFFECT, || {
            let seen = app.notifications();
            ready(
                seen.iter()
                    .any(|n| n.body.contains("Réunion parents-professeurs"))
                    .then_some(()),
            )
        })
        .await;
        assert!(
            !app.window_shown(),
            "a notification does not open the window"
        );

        // Act: the tray's « Ouvrir Messagerie ».
        app.click_tray("Ouvrir Messagerie").await;

        // Assert: the window is back, with the new message listed.
        wait_until("the window to be shown again", EFFECT, || {
            ready(app.window_shown().then_some(()))
        })
        .await;
        ui::wait_for_row(&app, "Réunion parents-professeurs").await;

        // Closing it again hides it again, without explaining twice.
        app.close_window();
        wait_until("the window to be hidden again", EFFECT, || {
            ready((!app.window_shown()).then_some(()))
        })
        .await;
        ent.send(
            "sophie.bernard",
            &["marie.durand"],
            "Photocopies prêtes",
            "<p>Salle des profs.</p>",
        )
        .await;
        wait_until("the second message's notification", EFFECT, || {
            let seen = app.notifications();
            ready(
                seen.iter()
                    .any(|n| n.body.contains("Photocopies prêtes"))
                    .then_some(()),
            )
        })
        .await;
        assert_eq!(explained(&app), 1, "{:?}", app.notifications());
        assert!(process_running(menu.pid));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_menu_counts_unread_mail_syncs_now_comes_back_on_a_second_launch_and_quits() {
    let ent = Ent::start().await;
    // No periodic sync during the test: new mail shows only when someone asks.
    let launch = Launch {
        env: vec![("MESSAGERIE_SYNC_INTERVAL_SECS".into(), "3600".into())],
        ..Launch::default()
    };
    harness::run_with("background_tray_menu", launch, |app| async move {
        // Arrange: signed in; the tray's unread line says what the inbox says.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        let menu = wait_until("the tray menu on the bus", EFFECT, || {
            ready(app.tray_menu())
        })
        .await;
        let unread = ui::count_in(&ui::folder_label(&app, "inbox").await);
        let line = |n: u32| {
            let app = &app;
            let menu = &menu;
            async move {
                app.tray_items(menu)
                    .into_iter()
                    .find(|i| i.label == unread_line(n))
            }
        };
        let item = wait_until("the tray's unread line", EFFECT, || line(unread)).await;
        assert!(
            !item.enabled,
            "the unread line is information, not an action"
        );
        app.close_window();
        wait_until("the window to be hidden", EFFECT, || {
            ready((!app.window_shown()).then_some(()))
        })
        .await;

        // Act: a message arrives; the tray's « Synchroniser maintenant ».
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Sortie au musée",
            "<p>Les autorisations.</p>",
        )
        .await;
        app.click_tray("Synchroniser maintenant").await;

        // Assert: it is fetched at once (no periodic pass for an hour): notified, and counted
        // in the tray while the window is hidden.
        wait_until(
            "the tray's unread line to count the new message",
            EFFECT,
            || line(unread + 1),
        )
        .await;
        // The window raises the notification once it has read the message, which may come
        // just after the tray's count.
        wait_until("the new message's notification", EFFECT, || {
            ready(
                app.notifications()
                    .iter()
                    .any(|n| n.body.contains("Sortie au musée"))
                    .then_some(()),
            )
        })
        .await;

        // Act: the app is launched again (the applications menu, a second time).
        let second = app.launch_again(&[]).await;

        // Assert: that launch hands over and ends; the hidden window comes forward.
        assert!(second.status.success(), "{second:?}");
        wait_until("the hidden window to come forward", EFFECT, || {
            ready(app.window_shown().then_some(()))
        })
        .await;
        assert!(process_running(menu.pid), "still the first process");

        // Act: the window is switched to English.
        ui::click(
            &app,
            "English in the language picker",
            By::Css(".locale-picker select option[value='en']"),
        )
        .await;

        // Assert: the tray speaks it too.
        let english = match unread + 1 {
            1 => "1 unread message".to_string(),
            n => format!("{n} unread messages"),
        };
        app.find_tray_item(&english).await;

        // Act: « Quit ».
        app.click_tray("Quit").await;

        // Assert: the process ends.
        wait_until("the app to end", EFFECT, || {
            ready((!process_running(menu.pid)).then_some(()))
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_size_and_the_panes_widths_survive_a_restart() {
    let state_file = |app: &harness::App| {
        app.home()
            .join(".config/fr.messagerie.desktop/.window-state.json")
    };
    let folders_width = |app: &harness::App| {
        let app = app.driver.clone();
        async move {
            let splitter = app
                .find(By::Css("[data-testid='splitter-folders']"))
                .await
                .ok()?;
            splitter
                .attr("aria-valuenow")
                .await
                .ok()??
                .parse::<u32>()
                .ok()
        }
    };
    let before_width = std::sync::Arc::new(std::sync::Mutex::new(0));
    let after_width = before_width.clone();
    harness::run_across_restart(
        "background_window_state",
        Launch::demo(),
        move |app| async move {
            // Arrange: the demo mailbox.
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;

            // Act: the window is resized; the folder pane widened from the keyboard.
            app.resize_window(1000, 640);
            let splitter = app
                .find(
                    "the folder pane's splitter",
                    By::Css("[data-testid='splitter-folders']"),
                )
                .await;
            let width = wait_until("the splitter's width", EFFECT, || folders_width(&app)).await;
            splitter.send_keys(Key::Right).await.expect("press →");

            // Assert: both are written down.
            wait_until("the window to take its new size", EFFECT, || {
                ready((app.window_size() == Some((1000, 640))).then_some(()))
            })
            .await;
            wait_until("the window's size in the window-state file", EFFECT, || {
                let saved = std::fs::read_to_string(state_file(&app)).unwrap_or_default();
                ready(saved.contains("\"width\": 1000").then_some(()))
            })
            .await;
            wait_until("the wider folder pane", EFFECT, || async {
                (folders_width(&app).await == Some(width + 16)).then_some(())
            })
            .await;
            *before_width.lock().expect("lock") = width + 16;
        },
        move |app| async move {
            // Assert: the app opens with that size and that pane width.
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;
            wait_until("the remembered window size", EFFECT, || {
                ready((app.window_size() == Some((1000, 640))).then_some(()))
            })
            .await;
            let expected = *after_width.lock().expect("lock");
            wait_until("the remembered folder pane width", EFFECT, || async {
                (folders_width(&app).await == Some(expected)).then_some(())
            })
            .await;
        },
    )
    .await;
}

/// Writes a message in a new composer and leaves it there, its autosave (2 s after the last
/// key) still to come.
async fn start_writing(app: &harness::App, subject: &str) {
    ui::compose_new(app).await;
    let field = app.find("the subject", ui::testid("subject")).await;
    field.send_keys(subject).await.expect("type the subject");
}

/// Brouillons lists `subject`.
async fn listed_in_drafts(app: &harness::App, subject: &str) {
    ui::open_folder(app, "draft").await;
    ui::wait_for_row(app, subject).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_from_the_tray_saves_the_message_being_written_first() {
    let pid = std::sync::Arc::new(std::sync::Mutex::new(0));
    harness::run_across_restart(
        "background_quit_saves_draft",
        Launch::demo(),
        move |app| async move {
            // Arrange: « Quitter » found in the tray; a subject typed a moment ago.
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;
            let (menu, quit) = app.find_tray_item("Quitter").await;
            *pid.lock().expect("lock") = menu.pid;
            start_writing(&app, "Écrit juste avant de quitter").await;

            // Act: « Quitter » at once, before the autosave.
            app.click_tray_item(&menu, &quit);

            // Assert: the app ends.
            wait_until("the app to end", EFFECT, || {
                ready((!process_running(menu.pid)).then_some(()))
            })
            .await;
        },
        |app| async move {
            // Assert: the next start has the message in Brouillons.
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;
            listed_in_drafts(&app, "Écrit juste avant de quitter").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_close_to_tray_off_closing_the_window_quits_after_saving_the_message_being_written() {
    // The settings screen's « closeToTray » turned off, in the settings store.
    let data = tempfile::tempdir().expect("data dir");
    std::fs::write(
        data.path().join("settings.json"),
        r#"{ "closeToTray": false }"#,
    )
    .expect("write the settings");
    let launch = Launch {
        data_dir: Some(data.path().to_path_buf()),
        ..Launch::demo()
    };
    harness::run_across_restart(
        "background_close_quits",
        launch,
        |app| async move {
            // Arrange: the app's process; a subject typed a moment ago.
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;
            let menu = wait_until("the tray menu on the bus", EFFECT, || {
                ready(app.tray_menu())
            })
            .await;
            start_writing(&app, "Écrit avant de fermer").await;

            // Act: the window manager's close button.
            app.close_window();

            // Assert: the app ends (no tray this time), and no explanation was shown.
            wait_until("the app to end", EFFECT, || {
                ready((!process_running(menu.pid)).then_some(()))
            })
            .await;
            assert!(
                !app.notifications()
                    .iter()
                    .any(|n| n.body.contains("zone de notification")),
                "{:?}",
                app.notifications()
            );
        },
        |app| async move {
            ui::wait_for_row(&app, "Conseil de classe de 3A").await;
            listed_in_drafts(&app, "Écrit avant de fermer").await;
        },
    )
    .await;
    drop(data);
}
