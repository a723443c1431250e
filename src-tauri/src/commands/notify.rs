//! The native new-mail notification (D-Bus on Linux, through notify-rust).
use crate::error::CommandError;

/// Raises one desktop notification with `summary` as its title and `body` as its text.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn notify_new_mail(summary: String, body: String) -> Result<(), CommandError> {
    // notify-rust blocks on the D-Bus round trip: keep it off the async runtime.
    tokio::task::spawn_blocking(move || {
        notify_rust::Notification::new()
            .appname("Messagerie")
            .summary(&summary)
            .body(&body)
            .icon("mail-unread")
            .show()
            .map(|_| ())
    })
    .await
    .map_err(|_| CommandError::internal())?
    .map_err(CommandError::notification)
}
