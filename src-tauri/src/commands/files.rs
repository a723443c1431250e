//! Attachments and links leave the app through the system: the default viewer, a « save as »
//! dialog, the browser. Only what the user chose, only after the window asked them.
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::{CommandError, ErrorKind};
use crate::state::AppState;

/// Opens an attachment in the system's viewer (downloaded first when not cached).
#[tauri::command]
#[tracing::instrument(skip(app, state))]
pub async fn open_attachment(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    message_id: String,
    attachment_id: String,
) -> Result<(), CommandError> {
    let path = state
        .mailbox()
        .await?
        .attachment_file(&message_id, &attachment_id)
        .await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|error| {
            tracing::warn!(%error, "cannot open an attachment");
            CommandError::new(
                ErrorKind::Internal,
                "aucune application ne sait ouvrir ce fichier ; utilisez « Enregistrer sous… »",
            )
        })
}

/// « Enregistrer sous… »: the native dialog, then a copy of the attachment where the user chose.
#[tauri::command]
#[tracing::instrument(skip(app, state))]
pub async fn save_attachment_as(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    message_id: String,
    attachment_id: String,
) -> Result<(), CommandError> {
    let mailbox = state.mailbox().await?;
    let source = mailbox.attachment_file(&message_id, &attachment_id).await?;
    let message = mailbox.message(&message_id).await?;
    let name = message
        .attachments
        .iter()
        .find(|a| a.id == attachment_id)
        .map_or_else(|| "piece-jointe".to_string(), |a| a.filename.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(&name)
        .save_file(move |chosen| {
            let _ = tx.send(chosen);
        });
    let Some(Some(target)) = rx.await.ok() else {
        return Ok(()); // The user cancelled.
    };
    let target = target.into_path().map_err(|_| CommandError::internal())?;
    tokio::fs::copy(&source, &target).await.map_err(|error| {
        CommandError::new(
            ErrorKind::Storage,
            format!(
                "le fichier n'a pas pu être enregistré dans {} : {error}",
                target.display()
            ),
        )
    })?;
    Ok(())
}

/// Opens a link from a message in the system's browser; only web and mail addresses.
#[tauri::command]
#[tracing::instrument(skip(app))]
pub fn open_link(app: AppHandle, url: String) -> Result<(), CommandError> {
    if !is_openable(&url) {
        return Err(CommandError::new(
            ErrorKind::InvalidInput,
            "ce lien n'est pas une adresse web ; il n'a pas été ouvert",
        ));
    }
    app.opener().open_url(url, None::<&str>).map_err(|error| {
        tracing::warn!(%error, "cannot open a link");
        CommandError::new(ErrorKind::Internal, "le navigateur n'a pas pu être ouvert")
    })
}

/// http, https and mailto only: never `file:`, `javascript:` or an app's own scheme.
fn is_openable(url: &str) -> bool {
    tauri::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https" | "mailto"))
}

#[cfg(test)]
mod tests {
    use super::is_openable;

    #[test]
    fn only_web_and_mail_links_leave_the_app() {
        assert!(is_openable("https://www.education.gouv.fr/"));
        assert!(is_openable("mailto:vie.scolaire@college.fr"));
        for hostile in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "tauri://localhost",
            "data:text/html,x",
            "ent",
        ] {
            assert!(!is_openable(hostile), "{hostile}");
        }
    }
}
