//! The native window: its title (with the unread count), the desktop's badge, the tray.
use tauri::{AppHandle, Manager, State};

use crate::error::CommandError;
use crate::state::AppState;

/// Sets the main window's title and, where the desktop shows one, the unread badge; the tray
/// follows, in the window's language (`lang`).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub fn set_window_title(
    app: AppHandle,
    title: String,
    unread: Option<u32>,
    lang: Option<String>,
) -> Result<(), CommandError> {
    let Some(window) = app.get_webview_window("main") else {
        return Ok(());
    };
    window.set_title(&title)?;
    crate::tray::show_unread(&app, &title, unread, lang.as_deref() == Some("en"));
    // Badges exist only on some desktops (macOS, Unity launchers); their absence is no error.
    if let Err(error) = window.set_badge_count(unread.filter(|n| *n > 0).map(i64::from)) {
        tracing::debug!(%error, "no badge on this desktop");
    }
    Ok(())
}

/// Opens the ENT's page where it asks the user to act (`actionNeeded`), in the ENT window.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn open_ent_page(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
) -> Result<(), CommandError> {
    let mailbox = state.mailbox().await?;
    crate::sso::open_page(&app, &mailbox.account().base_url, &url)
}
