//! Running in the background: closing the window hides it into the tray (so new-mail
//! notifications keep coming) unless the user turned « closeToTray » off; the first time, one
//! notification says where the app went. Quitting (the tray's « Quitter », or closing the window
//! with close-to-tray off) first lets the window save the message being written, then exits.
//! The window's size and position are remembered by `tauri-plugin-window-state`, saved shortly
//! after each move or resize (a killed process keeps them too), and the panes' widths in the
//! settings store (`paneWidths`).
//!
//! « closeToTray » is a setting (settings.rs); the app's own keys of the same store
//! (`<data root>/settings.json`, through `settings::store`): `closeToTrayExplained` (bool, set
//! once the explanation was shown), `paneWidths` (`{folders, list}` in CSS pixels).
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::error::CommandError;

/// The event that asks the window to save what is being written before the app quits; the
/// window answers with the `quit_app` command.
const QUIT_REQUESTED_EVENT: &str = "quit-requested";
/// How long the window gets to save before the app quits anyway (a hung window saves nothing).
const QUIT_PATIENCE: Duration = Duration::from_secs(5);
/// How long after the last move or resize the window's place is written down.
const WINDOW_STATE_DEBOUNCE: Duration = Duration::from_millis(700);

const CLOSE_TO_TRAY_EXPLAINED: &str = "closeToTrayExplained";
const PANE_WIDTHS: &str = "paneWidths";

/// The one-line explanation shown the first time the window goes into the tray (summary, body),
/// in the window's language.
fn explanation(english: bool) -> (&'static str, &'static str) {
    if english {
        (
            "Messagerie keeps running",
            "Messagerie keeps running in the notification area to tell you about new messages. \
             To close it: Quit in its menu.",
        )
    } else {
        (
            "Messagerie reste ouverte",
            "Messagerie reste ouverte dans la zone de notification pour vous prévenir des \
             nouveaux messages. Pour la fermer : Quitter dans son menu.",
        )
    }
}

/// What is remembered of the window: size and position, maximized or not; never whether it was
/// hidden (an app quit from the tray must open with its window the next time).
fn window_state_flags() -> StateFlags {
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// The window-state plugin, configured for the main window.
pub fn window_state_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(window_state_flags())
        .build()
}

/// A boolean setting, `default` when absent or unreadable.
fn setting(app: &AppHandle, key: &str, default: bool) -> bool {
    match crate::settings::store(app) {
        Ok(store) => store.get(key).and_then(|v| v.as_bool()).unwrap_or(default),
        Err(error) => {
            tracing::warn!(%error, key, "cannot read the settings; using the default");
            default
        }
    }
}

fn set_setting(app: &AppHandle, key: &str, value: serde_json::Value) {
    match crate::settings::store(app) {
        Ok(store) => {
            store.set(key, value);
            if let Err(error) = store.save() {
                tracing::warn!(%error, key, "cannot save the settings");
            }
        }
        Err(error) => tracing::warn!(%error, key, "cannot open the settings"),
    }
}

/// The app's window events: close → tray (or quit), move/resize → remember the place.
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if window.label() != "main" {
        return;
    }
    let app = window.app_handle();
    match event {
        WindowEvent::CloseRequested { api, .. } => {
            api.prevent_close();
            if crate::settings::state(app).get().close_to_tray {
                hide_to_tray(app, window);
            } else {
                request_quit(app);
            }
        }
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => remember_place_soon(app),
        _ => {}
    }
}

/// Hides the window; the app keeps syncing and notifying. Says so the first time.
fn hide_to_tray(app: &AppHandle, window: &Window) {
    save_place(app);
    if let Err(error) = window.hide() {
        tracing::warn!(%error, "cannot hide the window");
        return;
    }
    tracing::info!("the window went into the tray; the app keeps running");
    if !setting(app, CLOSE_TO_TRAY_EXPLAINED, false) {
        explain(app.clone());
    }
}

/// The first time only: a notification says where the app is and how to quit it. A
/// notification rather than a line in the window: the window is gone the moment the user
/// closed it, and the notification shows where the app now lives. Marked as shown only once
/// the notification server took it.
fn explain(app: AppHandle) {
    let (summary, body) = explanation(crate::tray::english(&app));
    tauri::async_runtime::spawn_blocking(move || {
        let shown = notify_rust::Notification::new()
            .appname("Messagerie")
            .summary(summary)
            .body(body)
            .icon("mail-unread")
            .show();
        match shown {
            Ok(_) => set_setting(&app, CLOSE_TO_TRAY_EXPLAINED, true.into()),
            Err(error) => tracing::warn!(%error, "cannot explain that the app stays in the tray"),
        }
    });
}

/// Brings the window forward, shown again if it was hidden into the tray.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Quits without losing what is being written: the window saves the open draft and answers
/// with `quit_app`; if it does not within [`QUIT_PATIENCE`], the app quits anyway. (Messages
/// already sent or queued are in the local store and leave on the next start.)
pub fn request_quit(app: &AppHandle) {
    tracing::info!("quitting: the window saves what is being written first");
    save_place(app);
    if let Err(error) = app.emit(QUIT_REQUESTED_EVENT, ()) {
        tracing::warn!(%error, "cannot ask the window to save before quitting");
        app.exit(0);
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(QUIT_PATIENCE).await;
        tracing::warn!("the window did not answer in time; quitting anyway");
        app.exit(0);
    });
}

/// The window saved what it had to: the app quits.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn quit_app(app: AppHandle) {
    app.exit(0);
}

/// Writes the window's size and position down now.
fn save_place(app: &AppHandle) {
    if let Err(error) = app.save_window_state(window_state_flags()) {
        tracing::debug!(%error, "cannot save the window's place");
    }
}

/// Writes the window's place down once it stops moving: the file is written once per gesture,
/// and the place survives even a process that is killed rather than quit.
fn remember_place_soon(app: &AppHandle) {
    struct Pending(Arc<AtomicU64>);
    let generation = match app.try_state::<Pending>() {
        Some(pending) => pending.0.clone(),
        None => {
            app.manage(Pending(Arc::new(AtomicU64::new(0))));
            match app.try_state::<Pending>() {
                Some(pending) => pending.0.clone(),
                None => return,
            }
        }
    };
    let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(WINDOW_STATE_DEBOUNCE).await;
        if generation.load(Ordering::SeqCst) == mine {
            save_place(&app);
        }
    });
}

/// The widths of the panes the user can resize, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PaneWidths {
    /// The folder pane.
    pub folders: f64,
    /// The message list.
    pub list: f64,
}

impl PaneWidths {
    /// Widths a window could use: finite, positive, below any screen.
    fn sane(self) -> Option<Self> {
        let ok = |w: f64| w.is_finite() && (80.0..=8000.0).contains(&w);
        (ok(self.folders) && ok(self.list)).then_some(self)
    }
}

/// The panes' widths the user left, if any (the window's defaults otherwise).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn pane_widths(app: AppHandle) -> Option<PaneWidths> {
    let store = crate::settings::store(&app).ok()?;
    let value = store.get(PANE_WIDTHS)?;
    serde_json::from_value::<PaneWidths>(value).ok()?.sane()
}

/// Remembers the panes' widths.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub fn set_pane_widths(app: AppHandle, widths: PaneWidths) -> Result<(), CommandError> {
    let Some(widths) = widths.sane() else {
        return Err(CommandError::new(
            crate::error::ErrorKind::InvalidInput,
            "les largeurs des volets doivent être entre 80 et 8000 pixels",
        ));
    };
    let value = serde_json::to_value(widths).map_err(|_| CommandError::internal())?;
    set_setting(&app, PANE_WIDTHS, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_widths_a_window_can_use_are_kept() {
        let ok = PaneWidths {
            folders: 220.0,
            list: 480.0,
        };
        assert_eq!(ok.sane(), Some(ok));
        for (folders, list) in [
            (f64::NAN, 400.0),
            (200.0, f64::INFINITY),
            (-5.0, 400.0),
            (200.0, 1e9),
        ] {
            assert_eq!(PaneWidths { folders, list }.sane(), None);
        }
    }

    #[test]
    fn the_explanation_is_one_line_in_each_language() {
        for english in [false, true] {
            let (_, body) = explanation(english);
            assert!(!body.contains('\n') && !body.contains("  "), "{body}");
        }
        assert!(explanation(false)
            .1
            .ends_with("Pour la fermer : Quitter dans son menu."));
    }

    #[test]
    fn the_hidden_state_is_never_remembered() {
        assert!(!window_state_flags().contains(StateFlags::VISIBLE));
    }
}
