//! The native window: its title (with the unread count), the desktop's badge, the tray.
use tauri::{AppHandle, Manager};

use crate::error::CommandError;

/// Sets the main window's title and, where the desktop shows one, the unread badge.
#[tauri::command]
pub fn set_window_title(
    app: AppHandle,
    title: String,
    unread: Option<u32>,
) -> Result<(), CommandError> {
    let Some(window) = app.get_webview_window("main") else {
        return Ok(());
    };
    window.set_title(&title)?;
    crate::tray::show_unread(&app, &title, unread);
    // Badges exist only on some desktops (macOS, Unity launchers); their absence is no error.
    if let Err(error) = window.set_badge_count(unread.filter(|n| *n > 0).map(i64::from)) {
        tracing::debug!(%error, "no badge on this desktop");
    }
    Ok(())
}
