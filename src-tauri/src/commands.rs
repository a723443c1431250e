//! Tauri commands, one module per feature; registered in `lib.rs`.
pub mod accounts;
pub mod app;
pub mod compose;
pub mod files;
pub mod images;
pub mod mailbox;
pub mod notify;
pub mod session;
pub mod settings;
pub mod window;
pub mod writing;

use messagerie_core::Mailbox;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Runs an action on the local copy, then has the ENT told behind it.
pub async fn queued<T, F, Fut>(state: State<'_, AppState>, action: F) -> Result<T, CommandError>
where
    F: FnOnce(Mailbox) -> Fut,
    Fut: std::future::Future<Output = messagerie_core::Result<T>>,
{
    let mailbox = state.mailbox().await?;
    let value = action(mailbox.clone()).await?;
    crate::events::flush_soon(mailbox);
    Ok(value)
}
