//! The desktop shell of Messagerie: a thin Tauri layer over `messagerie-core`.
//!
//! Layers: `commands/<feature>.rs` hold `#[tauri::command]`s of a few lines each (extract state,
//! call the core, map the error); `error.rs` turns errors into `{kind, message}` for the UI;
//! native parts (notifications, dialogs, tray) live here and nowhere else. The work itself
//! belongs in `messagerie-core`: if a command grows logic, move it there.

mod account;
mod background;
mod commands;
mod connector;
mod error;
mod events;
pub mod launch;
mod print;
mod settings;
mod sso;
mod state;
mod tray;
#[cfg(test)]
mod window_policy;

use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Emitter, Manager as _, Url, WebviewWindowBuilder};
use tracing_subscriber::EnvFilter;

/// Starts the app: logging, plugins, state, the main window, then the event loop.
pub fn run() {
    init_logging();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "messagerie starting");
    commands::app::offset_clock_from_env();
    let options = launch::parse(std::env::args().skip(1));
    if !options.ignored.is_empty() {
        tracing::warn!(arguments = ?options.ignored, "ignoring unknown command-line arguments");
    }
    let data_root = match account::data_root() {
        Ok(root) => root,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            eprintln!("messagerie: {error}");
            std::process::exit(1);
        }
    };
    let settings_root = data_root.clone();
    let state = state::AppState::new(options, data_root);
    let result = tauri::Builder::default()
        // First, as its documentation asks: a second launch hands its arguments to this one and
        // exits, so one mailbox is never open in two windows.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            launched_again(app, args);
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        // « Paramètres »: <data root>/settings.json (src-tauri/src/settings.rs).
        .plugin(tauri_plugin_store::Builder::default().build())
        // « Lancer au démarrage de la session »: an XDG autostart entry on Linux.
        .plugin(tauri_plugin_autostart::Builder::new().build())
        .plugin(background::window_state_plugin())
        .manage(state)
        // Closing the window hides it into the tray; moving it is remembered (background.rs).
        .on_window_event(background::on_window_event)
        .manage(messagerie_core::attachment::PickedFiles::default())
        .setup(move |app| {
            app.manage(settings::SettingsState::load(app.handle(), &settings_root));
            commands::notify::watch_quiet_hours(app.handle().clone());
            open_main_window(app.handle())?;
            commands::compose::hand_drops_as_tokens(app.handle());
            tray::install(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::debug_advance_clock,
            commands::app::debug_set_zoom,
            commands::window::open_ent_page,
            commands::notify::notify_new_mail,
            commands::settings::settings,
            commands::settings::save_settings,
            commands::settings::forget_password,
            commands::session::startup,
            commands::session::sign_in,
            commands::session::sign_in_with_ent_page,
            commands::session::reconnect,
            commands::session::start_demo,
            commands::session::account,
            commands::session::sign_out,
            commands::session::unsent_work,
            commands::session::inbox_drawn,
            commands::accounts::accounts,
            commands::accounts::show_account,
            commands::accounts::remove_account,
            commands::accounts::unified_inbox,
            commands::mailbox::folders,
            commands::mailbox::max_folder_depth,
            commands::mailbox::list,
            commands::mailbox::list_conversations,
            commands::mailbox::conversation,
            commands::mailbox::read,
            commands::mailbox::show_remote_images,
            commands::mailbox::set_unread,
            commands::mailbox::trash,
            commands::mailbox::restore,
            commands::mailbox::delete_forever,
            commands::mailbox::empty_trash,
            commands::mailbox::move_to_folder,
            commands::mailbox::move_to_inbox,
            commands::mailbox::create_folder,
            commands::mailbox::rename_folder,
            commands::mailbox::delete_folder,
            commands::mailbox::search,
            commands::mailbox::sync,
            commands::mailbox::pending_message_ids,
            commands::files::open_attachment,
            commands::files::save_attachment_as,
            commands::files::open_link,
            commands::window::set_window_title,
            commands::compose::suggest_recipients,
            commands::compose::save_draft,
            commands::compose::check_recipients,
            commands::compose::quota,
            commands::compose::open_draft,
            commands::compose::reply_draft,
            commands::compose::forward_draft,
            commands::compose::delete_draft,
            commands::compose::send_message,
            commands::compose::cancel_send,
            commands::compose::add_attachment,
            commands::compose::remove_attachment,
            commands::compose::pick_files,
            background::quit_app,
            background::pane_widths,
            background::set_pane_widths,
            commands::writing::signature,
            commands::writing::set_signature,
            commands::writing::signature_block,
            commands::writing::recall_status,
            commands::writing::recall_message,
            commands::writing::schedule_message,
            commands::writing::scheduled_messages,
            commands::writing::send_scheduled_now,
            commands::writing::cancel_scheduled,
            commands::settings::quiet_hours_end,
            print::print_document,
            commands::images::insert_image,
            commands::images::ent_image,
            commands::images::show_ent_images,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the app stopped with an error");
        std::process::exit(1);
    }
}

/// The event the window receives when the app was launched again, with that launch's
/// arguments.
const LAUNCHED_AGAIN_EVENT: &str = "launched-again";

/// The arguments of a second launch, as the window receives them.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LaunchedAgain {
    /// That launch asked for the demo (`--demo`).
    pub demo: bool,
}

/// A second launch: the window comes forward (shown again if it was in the tray) and gets that
/// launch's arguments.
fn launched_again(app: &AppHandle, args: Vec<String>) {
    let options = launch::parse(args.into_iter().skip(1));
    tracing::info!(
        demo = options.demo,
        "launched again: bringing the window forward"
    );
    background::show_window(app);
    if let Err(error) = app.emit(LAUNCHED_AGAIN_EVENT, LaunchedAgain { demo: options.demo }) {
        tracing::warn!(%error, "cannot pass the arguments of a second launch to the window");
    }
}

/// The main window, from tauri.conf.json, locked to the app's own pages: it never navigates
/// elsewhere, and a link clicked in a message opens no window (the window asks the user first).
fn open_main_window(app: &AppHandle) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .unwrap_or_default();
    let links = app.clone();
    WebviewWindowBuilder::from_config(app, &config)?
        .on_navigation(is_app_page)
        .on_new_window(move |url, _features| {
            tracing::info!(scheme = url.scheme(), "a link in a message was clicked");
            events::emit(
                &links,
                events::AppEvent::LinkClicked {
                    url: url.to_string(),
                },
            );
            NewWindowResponse::Deny
        })
        .build()?;
    Ok(())
}

/// The app's own pages (per platform) and the message frames' `about:srcdoc`.
fn is_app_page(url: &Url) -> bool {
    let allowed = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => matches!(url.path(), "srcdoc" | "blank"),
        _ => false,
    };
    if !allowed {
        tracing::warn!(
            scheme = url.scheme(),
            "the window was kept from navigating away"
        );
    }
    allowed
}

/// Logs to stderr, or to the file named by `MESSAGERIE_LOG_FILE` (the end-to-end tests set it:
/// WebKitWebDriver does not pass the app's stderr on). `MESSAGERIE_LOG` filters, `info` by default.
fn init_logging() {
    let filter =
        EnvFilter::try_from_env("MESSAGERIE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let Some(path) = std::env::var_os("MESSAGERIE_LOG_FILE") else {
        builder.with_writer(std::io::stderr).init();
        return;
    };
    match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        Ok(file) => builder
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init(),
        Err(error) => {
            builder.with_writer(std::io::stderr).init();
            tracing::warn!(%error, path = %std::path::Path::new(&path).display(),
                "cannot open the log file; logging to stderr");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_stays_on_the_apps_own_pages() {
        for ok in [
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
            "about:srcdoc",
        ] {
            assert!(is_app_page(&Url::parse(ok).unwrap()), "{ok}");
        }
        for away in [
            "https://evil.example/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "http://127.0.0.1:8080/auth/login",
        ] {
            assert!(!is_app_page(&Url::parse(away).unwrap()), "{away}");
        }
    }
}
