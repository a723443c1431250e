//! The tray icon: the unread count at a glance (its title, its tooltip and a line of its menu;
//! with several accounts, the sum of their inboxes' counts, which the window passes),
//! and a menu to bring the window forward, sync now, or quit. The app lives there while its
//! window is closed (see background.rs). A desktop without a tray (or without a tray host) just
//! shows none.
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;

use tauri::{AppHandle, Manager, Wry};

use crate::state::AppState;

const ID: &str = "messagerie";

/// The menu's items whose words change: the unread line (disabled: it is information, not an
/// action) and, with the window's language, the others.
struct Items {
    open: MenuItem<Wry>,
    unread: MenuItem<Wry>,
    sync: MenuItem<Wry>,
    quit: MenuItem<Wry>,
    /// The window's language is English (French otherwise, and until the window says).
    english: AtomicBool,
}

/// Adds the tray icon; its absence is logged, never fatal.
pub fn install(app: &AppHandle) {
    if let Err(error) = build(app) {
        tracing::warn!(%error, "no tray icon");
    }
}

fn build(app: &AppHandle) -> tauri::Result<()> {
    let words = Words::of(false);
    let open = MenuItem::with_id(app, "open", words.open, true, None::<&str>)?;
    let unread = MenuItem::with_id(app, "unread", words.unread(None), false, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", words.sync, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", words.quit, true, None::<&str>)?;
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
    app.manage(Items {
        open,
        unread,
        sync,
        quit,
        english: AtomicBool::new(false),
    });
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

/// « Synchroniser maintenant »: asks every open account's mailbox for a pass (nothing when
/// signed out).
fn sync_now(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let accounts = state.accounts.read().await;
        if accounts.open.is_empty() {
            tracing::info!("sync asked from the tray while signed out: nothing to do");
        }
        for current in &accounts.open {
            tracing::info!("sync asked from the tray");
            current.mailbox.request_sync();
        }
    });
}

/// The tray's words in one language.
pub struct Words {
    pub open: &'static str,
    pub sync: &'static str,
    pub quit: &'static str,
    english: bool,
}

impl Words {
    pub fn of(english: bool) -> Words {
        if english {
            Words {
                open: "Open Messagerie",
                sync: "Sync now",
                quit: "Quit",
                english,
            }
        } else {
            Words {
                open: "Ouvrir Messagerie",
                sync: "Synchroniser maintenant",
                quit: "Quitter",
                english,
            }
        }
    }

    /// The menu's unread line: « 3 messages non lus ».
    pub fn unread(&self, unread: Option<u32>) -> String {
        match (unread.unwrap_or(0), self.english) {
            (0, false) => "Aucun message non lu".to_string(),
            (1, false) => "1 message non lu".to_string(),
            (n, false) => format!("{n} messages non lus"),
            (0, true) => "No unread message".to_string(),
            (1, true) => "1 unread message".to_string(),
            (n, true) => format!("{n} unread messages"),
        }
    }
}

/// Whether the window last said its language is English.
pub fn english(app: &AppHandle) -> bool {
    app.try_state::<Items>()
        .is_some_and(|items| items.english.load(Ordering::Relaxed))
}

/// Shows the unread count on the tray icon: « (3) Messagerie » as its tooltip, « 3 » as its
/// label where the desktop shows one, « 3 messages non lus » in its menu, in the window's
/// language.
pub fn show_unread(app: &AppHandle, title: &str, unread: Option<u32>, english: bool) {
    let Some(tray) = app.tray_by_id(ID) else {
        return;
    };
    let _ = tray.set_tooltip(Some(title));
    let label = unread.filter(|n| *n > 0).map(|n| n.to_string());
    let _ = tray.set_title(label);
    let Some(items) = app.try_state::<Items>() else {
        return;
    };
    let words = Words::of(english);
    if items.english.swap(english, Ordering::Relaxed) != english {
        for (item, text) in [
            (&items.open, words.open),
            (&items.sync, words.sync),
            (&items.quit, words.quit),
        ] {
            let _ = item.set_text(text);
        }
    }
    if let Err(error) = items.unread.set_text(words.unread(unread)) {
        tracing::debug!(%error, "cannot update the tray's unread line");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unread_line_counts_in_the_windows_language() {
        let fr = Words::of(false);
        assert_eq!(fr.unread(None), "Aucun message non lu");
        assert_eq!(fr.unread(Some(0)), "Aucun message non lu");
        assert_eq!(fr.unread(Some(1)), "1 message non lu");
        assert_eq!(fr.unread(Some(3)), "3 messages non lus");
        let en = Words::of(true);
        assert_eq!(en.unread(Some(1)), "1 unread message");
        assert_eq!(en.unread(Some(3)), "3 unread messages");
        assert_eq!(en.quit, "Quit");
    }
}
