//! The desktop shell of Messagerie: a thin Tauri layer over `messagerie-core`.
//!
//! Layers: `commands/<feature>.rs` hold `#[tauri::command]`s of a few lines each (extract state,
//! call the core, map the error); `error.rs` turns errors into `{kind, message}` for the UI;
//! native parts (notifications, dialogs, tray) live here and nowhere else. The work itself
//! belongs in `messagerie-core`: if a command grows logic, move it there.

mod commands;
mod error;

use tracing_subscriber::EnvFilter;

/// Starts the app: logging, plugins, commands, then the event loop.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("MESSAGERIE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::notify::notify_new_mail,
            commands::app::app_info,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the app stopped with an error");
        std::process::exit(1);
    }
}
