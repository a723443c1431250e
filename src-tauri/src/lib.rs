//! The desktop shell of Messagerie: a thin Tauri layer over `messagerie-core`.
//!
//! Layers: `commands/<feature>.rs` hold `#[tauri::command]`s of a few lines each (extract state,
//! call the core, map the error); `error.rs` turns errors into `{kind, message}` for the UI;
//! native parts (notifications, dialogs, tray) live here and nowhere else. The work itself
//! belongs in `messagerie-core`: if a command grows logic, move it there.

mod commands;
mod error;
mod launch;

use tracing_subscriber::EnvFilter;

/// Starts the app: logging, plugins, commands, then the event loop.
pub fn run() {
    init_logging();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "messagerie starting");
    let options = launch::parse(std::env::args().skip(1));
    if !options.ignored.is_empty() {
        tracing::warn!(arguments = ?options.ignored, "ignoring unknown command-line arguments");
    }
    if options.demo {
        // The embedded demo ENT arrives with a later issue; until then --demo opens the window.
        tracing::info!("demo mode requested: the demo ENT is not wired yet, opening the window");
    }
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
