//! Attachments and links leave the app through the system: the default viewer, a « save as »
//! dialog, the browser. Only what the user chose, only after the window asked them.
use messagerie_core::attachment::{self, Decision, Progress};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::{CommandError, ErrorKind};
use crate::state::AppState;

/// What « Ouvrir » did.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export, rename = "OpenOutcome")]
pub enum Opened {
    /// Handed to the system's viewer.
    Opened,
    /// Not opened: the window shows the real name and type, and offers « Enregistrer sous… »
    /// (and « Ouvrir quand même » when the verdict is `ask`).
    Ask { decision: Decision },
}

/// « Ouvrir »: downloads the file when it is not cached (progress on `on_progress`), then hands
/// it to the system's viewer only if [`attachment::decide`] allows it (`insist`: the user chose
/// « Ouvrir quand même » for a document whose content does not match its name). Programs,
/// launchers, scripts and web pages are never handed over.
#[tauri::command]
#[tracing::instrument(skip(app, state, on_progress), err)]
pub async fn open_attachment(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    message_id: String,
    attachment_id: String,
    insist: Option<bool>,
    on_progress: Channel<Progress>,
) -> Result<Opened, CommandError> {
    let (path, decision) = state
        .mailbox()
        .await?
        .attachment_to_open(&message_id, &attachment_id, &progress_to(on_progress))
        .await
        .map_err(download_error)?;
    if !attachment::may_open(decision.verdict, insist.unwrap_or(false)) {
        tracing::info!(verdict = ?decision.verdict, detected = ?decision.detected, "an attachment was not opened");
        return Ok(Opened::Ask { decision });
    }
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|error| {
            tracing::warn!(%error, "cannot open an attachment");
            CommandError::new(
                ErrorKind::Internal,
                "aucune application ne sait ouvrir ce fichier ; utilisez « Enregistrer sous… »",
            )
        })?;
    Ok(Opened::Opened)
}

/// « Enregistrer sous… »: the native dialog (a name safe for the disk suggested), then a copy
/// of the attachment where the user chose, written whole or not at all, marked on Windows as
/// downloaded from the Internet.
#[tauri::command]
#[tracing::instrument(skip(app, state, on_progress), err)]
pub async fn save_attachment_as(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    message_id: String,
    attachment_id: String,
    on_progress: Channel<Progress>,
) -> Result<(), CommandError> {
    let mailbox = state.mailbox().await?;
    let att = mailbox.attachment(&message_id, &attachment_id).await?;
    let source = mailbox
        .attachment_file_of(&message_id, &att, &progress_to(on_progress))
        .await
        .map_err(download_error)?;
    let name = messagerie_core::mailbox::file_name_of(&att, &source);
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(attachment::file_name(&name))
        .save_file(move |chosen| {
            let _ = tx.send(chosen);
        });
    let Some(Some(target)) = rx.await.ok() else {
        return Ok(()); // The user cancelled.
    };
    let target = target.into_path().map_err(|_| CommandError::internal())?;
    let written = target.clone();
    tokio::task::spawn_blocking(move || attachment::save_copy(&source, &written))
        .await
        .map_err(|_| CommandError::internal())?
        .map_err(|error| {
            CommandError::new(
                ErrorKind::Storage,
                format!(
                    "le fichier n'a pas pu être enregistré dans {} : {error}",
                    target.display()
                ),
            )
        })
}

/// Download progress to the window; a closed window only stops the reports.
fn progress_to(channel: Channel<Progress>) -> impl Fn(Progress) + Send + Sync {
    move |progress| {
        let _ = channel.send(progress);
    }
}

/// Download failures the user can act on, in their words.
fn download_error(error: messagerie_core::Error) -> CommandError {
    match error {
        messagerie_core::Error::TooLarge { size, limit } => CommandError::new(
            ErrorKind::InvalidInput,
            format!(
                "ce fichier ({}) dépasse la taille que Messagerie télécharge ({}) ; ouvrez-le \
                 depuis le site de l'ENT",
                messagerie_core::attachment::human_size(size),
                messagerie_core::attachment::human_size(limit)
            ),
        ),
        messagerie_core::Error::Incomplete { .. } => CommandError::new(
            ErrorKind::Offline,
            "le téléchargement s'est interrompu ; réessayez",
        ),
        other => other.into(),
    }
}

/// Opens a link from a message in the system's browser; only web and mail addresses.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
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
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_with_both_sizes_in_french() {
        let error = download_error(messagerie_core::Error::TooLarge {
            size: 3 * 1024 * 1024 * 1024,
            limit: attachment::MAX_DOWNLOAD_BYTES,
        });

        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(error.message.contains("3,0 Go"), "{}", error.message);
        assert!(error.message.contains("2,0 Go"), "{}", error.message);
    }

    #[test]
    fn a_file_not_opened_reaches_the_window_with_its_decision() {
        let json = serde_json::to_value(Opened::Ask {
            decision: attachment::decide("lancer.desktop", b"[Desktop Entry]\n"),
        })
        .unwrap();

        assert_eq!(json["kind"], "ask");
        assert_eq!(json["decision"]["verdict"], "saveOnly");
        assert_eq!(json["decision"]["extension"], "desktop");
        assert_eq!(json["decision"]["detected"], "application/x-desktop");
    }

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
