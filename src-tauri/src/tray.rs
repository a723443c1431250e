//! The tray icon: the unread count at a glance (its title and tooltip), and a menu to bring the
//! window forward or quit. A desktop without a tray (or without a tray host) just shows none.
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

const ID: &str = "messagerie";

/// Adds the tray icon; its absence is logged, never fatal.
pub fn install(app: &AppHandle) {
    if let Err(error) = build(app) {
        tracing::warn!(%error, "no tray icon");
    }
}

fn build(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Ouvrir Messagerie", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quitter", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut tray = TrayIconBuilder::with_id(ID)
        .tooltip("Messagerie")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Shows the unread count on the tray icon: « (3) Messagerie » as its tooltip, « 3 » as its
/// label where the desktop shows one.
pub fn show_unread(app: &AppHandle, title: &str, unread: Option<u32>) {
    let Some(tray) = app.tray_by_id(ID) else {
        return;
    };
    let _ = tray.set_tooltip(Some(title));
    let label = unread.filter(|n| *n > 0).map(|n| n.to_string());
    let _ = tray.set_title(label);
}
