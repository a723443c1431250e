//! « Paramètres »: changed in the screen, kept across a restart; the notification settings
//! decide what the bus sees.
use serde_json::json;
use thirtyfour::{By, Key};

use crate::harness::{self, wait_until, Ent, Launch, EFFECT};
use crate::ui;

/// `<html lang>` and `<html data-theme>`, as the window has them.
async fn language_and_theme(app: &harness::App) -> (String, Option<String>) {
    let reply = app
        .driver
        .execute(
            "return [document.documentElement.lang, document.documentElement.getAttribute('data-theme')]",
            vec![],
        )
        .await
        .expect("read <html>");
    serde_json::from_value(reply.json().clone()).expect("two values")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_changed_in_the_screen_survive_a_restart() {
    let ent = Ent::start().await;
    let url = ent.url();
    let data = tempfile::tempdir().expect("a data folder");
    let launch = Launch {
        data_dir: Some(data.path().to_path_buf()),
        ..Launch::default()
    };
    let file = data.path().join("settings.json");
    harness::run_across_restart(
        "settings_restart",
        launch,
        |app| async move {
            // Arrange: the mailbox, then « Paramètres » by its shortcut.
            ui::sign_in(&app, &url, "marie.durand", "demo").await;
            app.find("the page", By::Tag("body"))
                .await
                .send_keys(Key::Control + ",")
                .await
                .expect("press Ctrl+,");
            app.find("the settings", ui::testid("settings")).await;

            // Act: English, the dark theme, no preview in notifications.
            ui::click(
                &app,
                "English",
                By::Css("[data-testid='settings-language'] option[value='en']"),
            )
            .await;
            ui::click(&app, "the dark theme", ui::testid("settings-theme-dark")).await;
            ui::click(&app, "the preview", ui::testid("settings-preview")).await;

            // Assert: at once, the window is in English and dark.
            wait_until("English and dark", EFFECT, || async {
                let seen = language_and_theme(&app).await;
                (seen == ("en".to_string(), Some("dark".to_string()))).then_some(())
            })
            .await;
            app.find("the English title", By::XPath("//h2[text()='Settings']"))
                .await;
        },
        move |app| async move {
            // Assert: after the restart, still English and dark, and the file has one key each.
            wait_until("English and dark after the restart", EFFECT, || async {
                let seen = language_and_theme(&app).await;
                (seen == ("en".to_string(), Some("dark".to_string()))).then_some(())
            })
            .await;
            let kept: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&file).expect("settings.json"))
                    .expect("JSON");
            assert_eq!(kept["language"], "en");
            assert_eq!(kept["theme"], "dark");
            assert_eq!(kept["notificationPreview"], false);
            assert_eq!(kept["closeToTray"], true);
            let settings = app.invoke("settings", json!({})).await.expect("settings");
            assert_eq!(settings["notificationPreview"], false);
        },
    )
    .await;
    drop(data);
}

/// Sets one setting through the command the screen calls.
async fn set(app: &harness::App, key: &str, value: serde_json::Value) {
    let mut settings = app.invoke("settings", json!({})).await.expect("settings");
    settings[key] = value;
    app.invoke("save_settings", json!({ "settings": settings }))
        .await
        .expect("save the settings");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_turned_off_show_nothing_on_the_bus() {
    let ent = Ent::start().await;
    harness::run("notifications_off", |app| async move {
        // Arrange
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "trash").await;
        set(&app, "notifications", json!(false)).await;
        let unread_before = ent.unread_in_inbox("marie.durand").await;

        // Act
        ent.send("paul.martin", &["marie.durand"], "Réunion", "<p>Jeudi.</p>")
            .await;

        // Assert: listed and counted, and the shell decided to show nothing.
        ui::wait_inbox_unread(&app, "the inbox count to go up", unread_before + 1).await;
        wait_until("the decision", EFFECT, || async {
            app.app_log()
                .contains("notifications are off: none shown")
                .then_some(())
        })
        .await;
        assert!(app.notifications().is_empty(), "{:?}", app.notifications());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_preview_a_notification_shows_no_sender_subject_nor_line() {
    let ent = Ent::start().await;
    harness::run("notifications_no_preview", |app| async move {
        // Arrange: the classroom screen setting.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "trash").await;
        set(&app, "notificationPreview", json!(false)).await;

        // Act
        ent.send(
            "paul.martin",
            &["marie.durand"],
            "Hugo ne va pas bien",
            "<p>Sa famille traverse un moment difficile.</p>",
        )
        .await;

        // Assert
        let seen = wait_until("the notification", EFFECT, || async {
            let seen = app.notifications();
            (!seen.is_empty()).then_some(seen)
        })
        .await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].summary, "Nouveau message");
        for private in ["Hugo", "famille", "MARTIN", "Martin"] {
            assert!(!seen[0].summary.contains(private), "{seen:?}");
            assert!(!seen[0].body.contains(private), "{seen:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sound_setting_reaches_the_notification_server() {
    let ent = Ent::start().await;
    harness::run("notification_sound", |app| async move {
        // Arrange: a notification is due (the window shows the trash).
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::open_folder(&app, "trash").await;

        // Act 1: with the sound on (the default).
        ent.send("paul.martin", &["marie.durand"], "Réunion", "<p>Jeudi.</p>")
            .await;
        let first = wait_until("the first notification", EFFECT, || async {
            app.notifications().first().cloned()
        })
        .await;

        // Act 2: the sound turned off.
        set(&app, "notificationSound", json!(false)).await;
        ent.send("paul.martin", &["marie.durand"], "Cantine", "<p>Menu.</p>")
            .await;
        let second = wait_until("the second notification", EFFECT, || async {
            app.notifications().get(1).cloned()
        })
        .await;

        // Assert: the desktop's new-mail sound, then explicitly none.
        assert!(first.hints.iter().any(|h| h == "sound-name"), "{first:?}");
        assert!(
            !first.hints.iter().any(|h| h == "suppress-sound"),
            "{first:?}"
        );
        assert!(
            second.hints.iter().any(|h| h == "suppress-sound"),
            "{second:?}"
        );
        assert!(
            !second.hints.iter().any(|h| h == "sound-name"),
            "{second:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_at_login_writes_and_removes_the_sessions_autostart_entry() {
    let ent = Ent::start().await;
    harness::run("start_at_login", |app| async move {
        // Arrange: « Paramètres », where « Lancer au démarrage de la session » is off.
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        ui::click(&app, "« Paramètres »", ui::testid("open-settings")).await;
        let autostart = app.home().join(".config/autostart");
        let entries = || -> Vec<String> {
            std::fs::read_dir(&autostart)
                .map(|dir| {
                    dir.filter_map(|e| e.ok())
                        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                        .collect()
                })
                .unwrap_or_default()
        };
        assert!(entries().is_empty(), "{:?}", entries());

        // Act 1: turned on.
        ui::click(
            &app,
            "the start at login",
            ui::testid("settings-startAtLogin"),
        )
        .await;

        // Assert 1: an XDG autostart entry that starts this app.
        let entry = wait_until("the autostart entry", EFFECT, || async {
            entries().into_iter().next()
        })
        .await;
        assert!(entry.contains("[Desktop Entry]"), "{entry}");
        let exec = entry
            .lines()
            .find(|l| l.starts_with("Exec="))
            .unwrap_or_default()
            .to_string();
        assert!(exec.contains("messagerie"), "{entry}");
        let settings = app.invoke("settings", json!({})).await.expect("settings");
        assert_eq!(settings["startAtLogin"], true);

        // Act 2 and assert 2: turned off, the entry goes.
        ui::click(
            &app,
            "the start at login",
            ui::testid("settings-startAtLogin"),
        )
        .await;
        wait_until("the autostart entry to go", EFFECT, || async {
            entries().is_empty().then_some(())
        })
        .await;
    })
    .await;
}
