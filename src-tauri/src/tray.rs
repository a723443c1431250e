//! The tray icon: the unread count at a glance (its title, its tooltip and a line of its menu),
//! and a menu to bring the window forward, sync now, or quit. The app lives there while its
//! window is closed (see background.rs). A desktop without a tray (or without a tray host) just
//! shows none.
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::state::AppState;

const ID: &str = "messagerie";

/// The menu's line that shows the unread count (disabled: it is information, not an action).
struct UnreadItem(MenuItem<Wry>);

/// Adds the tray icon; its absence is logged, never fatal.
pub fn install(app: &AppHandle) {
    if let Err(error) = build(app) {
        tracing::warn!(%error, "no tray icon");
    }
}

fn build(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Ouvrir Messagerie", true, None::<&str>)?;
    let unread = MenuItem::with_id(app, "unread", unread_line(None), false, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", "Synchroniser maintenant", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quitter", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &open,
            &unread,
            &PredefinedMenuItem::separator(app)?,
            &sync,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    app.manage(UnreadItem(unread));
    let mut tray = TrayIconBuilder::with_id(ID)
        .tooltip("Messagerie")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => crate::background::show_window(app),
            "sync" => sync_now(app),
            "quit" => crate::background::request_quit(app),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// « Synchroniser maintenant »: asks the open mailbox for a pass (nothing when signed out).
fn sync_now(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match app.state::<AppState>().mailbox().await {
            Ok(mailbox) => {
                tracing::info!("sync asked from the tray");
                mailbox.request_sync();
            }
            Err(_) => tracing::info!("sync asked from the tray while signed out: nothing to do"),
        }
    });
}

/// The menu's unread line: « 3 messages non lus ».
fn unread_line(unread: Option<u32>) -> String {
    match unread.unwrap_or(0) {
        0 => "Aucun message non lu".to_string(),
        1 => "1 message non lu".to_string(),
        n => format!("{n} messages non lus"),
    }
}

/// Shows the unread count on the tray icon: « (3) Messagerie » as its tooltip, « 3 » as its
/// label where the desktop shows one, « 3 messages non lus » in its menu.
pub fn show_unread(app: &AppHandle, title: &str, unread: Option<u32>) {
    let Some(tray) = app.tray_by_id(ID) else {
        return;
    };
    let _ = tray.set_tooltip(Some(title));
    let label = unread.filter(|n| *n > 0).map(|n| n.to_string());
    let _ = tray.set_title(label);
    if let Some(item) = app.try_state::<UnreadItem>() {
        if let Err(error) = item.0.set_text(unread_line(unread)) {
            tracing::debug!(%error, "cannot update the tray's unread line");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unread_line_counts_in_french() {
        assert_eq!(unread_line(None), "Aucun message non lu");
        assert_eq!(unread_line(Some(0)), "Aucun message non lu");
        assert_eq!(unread_line(Some(1)), "1 message non lu");
        assert_eq!(unread_line(Some(3)), "3 messages non lus");
    }
}
