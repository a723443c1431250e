//! The composer's commands: recipients, drafts, attachments, sending. Drafts and sends change
//! the local copy at once and are queued for the ENT, so writing works offline too.
use std::path::PathBuf;
use std::time::Duration;

use messagerie_core::attachment::{self, PickError, Picked, PickedFiles};
use messagerie_core::mailbox::compose::{DraftView, Quota, RefusedRecipient};
use messagerie_core::message::Attachment;
use messagerie_core::queue::DraftContent;
use messagerie_core::recipients::Visible;
use tauri::{AppHandle, DragDropEvent, Manager, State, WindowEvent};
use tauri_plugin_dialog::DialogExt;

use crate::commands::queued;
use crate::error::{CommandError, ErrorKind};
use crate::state::AppState;

type Answer<T> = Result<T, CommandError>;

/// Suggestions shown under a recipient field.
const SUGGESTIONS: u32 = 20;

/// Users and groups this user may write to whose name starts with what was typed (offline,
/// from the cached list the sync keeps).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn suggest_recipients(state: State<'_, AppState>, query: String) -> Answer<Vec<Visible>> {
    Ok(state
        .mailbox()
        .await?
        .recipients(&query, Some(SUGGESTIONS))
        .await?)
}

/// Saves a draft (a new one when `id` is null) and returns its id.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn save_draft(
    state: State<'_, AppState>,
    id: Option<String>,
    content: DraftContent,
) -> Answer<String> {
    queued(state, |mailbox| async move {
        mailbox.save_draft(id.as_deref(), content).await
    })
    .await
}

/// The chosen recipients this user may not write to, and why (offline, from the cached rules);
/// the window words the reason.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn check_recipients(
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Answer<Vec<RefusedRecipient>> {
    Ok(state.mailbox().await?.check_recipients(&ids).await?)
}

/// The attachment space on the ENT (the last known one when offline).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn quota(state: State<'_, AppState>) -> Answer<Quota> {
    Ok(state.mailbox().await?.quota().await?)
}

/// A draft as stored, to reopen it in the composer.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn open_draft(state: State<'_, AppState>, id: String) -> Answer<DraftView> {
    Ok(state.mailbox().await?.draft_view(&id).await?)
}

/// « Répondre » / « Répondre à tous »: recipients, « Re : » and the quoted history.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn reply_draft(state: State<'_, AppState>, id: String, all: bool) -> Answer<DraftView> {
    Ok(state.mailbox().await?.reply_draft(&id, all).await?)
}

/// « Transférer »: a draft made at once, with the original's attachments.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn forward_draft(state: State<'_, AppState>, id: String) -> Answer<DraftView> {
    queued(
        state,
        |mailbox| async move { mailbox.forward_draft(&id).await },
    )
    .await
}

/// « Annuler » on a saved draft: it goes for good ([`messagerie_core::Mailbox::discard_draft`]).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn delete_draft(state: State<'_, AppState>, id: String) -> Answer<()> {
    queued(
        state,
        |mailbox| async move { mailbox.discard_draft(&id).await },
    )
    .await
}

/// « Envoyer »: the message leaves after `undo_seconds`, until then `cancel_send` takes it
/// back. Offline, it leaves once the ENT answers, once.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn send_message(
    state: State<'_, AppState>,
    id: Option<String>,
    content: DraftContent,
    undo_seconds: u32,
) -> Answer<String> {
    let delay = Duration::from_secs(u64::from(undo_seconds.min(60)));
    queued(state, |mailbox| async move {
        mailbox.send_delayed(id.as_deref(), content, delay).await
    })
    .await
}

/// « Annuler l'envoi »: true when the message was taken back in time (a draft again).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn cancel_send(state: State<'_, AppState>, id: String) -> Answer<bool> {
    Ok(state.mailbox().await?.cancel_send(&id).await?)
}

/// Adds a file the user picked to a draft, by the token `pick_files` (or a drop) gave: the
/// window never names a path. The file is copied into the account first, so a queued upload
/// survives the original being moved.
#[tauri::command]
#[tracing::instrument(skip(state, picked), err)]
pub async fn add_attachment(
    state: State<'_, AppState>,
    picked: State<'_, PickedFiles>,
    draft_id: String,
    token: String,
) -> Answer<Attachment> {
    let path = chosen_file(&picked, &token)?;
    let mailbox = state.mailbox().await?;
    let id = mailbox
        .add_attachment(&draft_id, &path)
        .await
        .map_err(attach_error)?;
    crate::events::flush_soon(mailbox.clone());
    mailbox
        .message(&draft_id)
        .await?
        .attachments
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(CommandError::internal)
}

/// The file behind a token: a path, a spent or an unknown token is refused. Whether it is a
/// regular file (not a device, a FIFO or a folder) is the core's check, in `add_attachment`.
pub(crate) fn chosen_file(picked: &PickedFiles, token: &str) -> Answer<PathBuf> {
    picked.take(token).ok_or_else(|| {
        CommandError::new(
            ErrorKind::InvalidInput,
            "ce fichier n'a pas été choisi avec « Ajouter une pièce jointe » ; choisissez-le à \
             nouveau",
        )
    })
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn remove_attachment(
    state: State<'_, AppState>,
    draft_id: String,
    attachment_id: String,
) -> Answer<()> {
    queued(state, |mailbox| async move {
        mailbox.remove_attachment(&draft_id, &attachment_id).await
    })
    .await
}

/// « Ajouter une pièce jointe »: the native file dialog, several files at once, titled in the
/// window's language (`lang`, as for notifications); a token and a name for each chosen file
/// (none when cancelled).
///
/// Test seam: WebDriver cannot drive a native dialog, so debug builds (what `cargo test`
/// builds) take the paths from `MESSAGERIE_TEST_PICK_FILES` (separated by `:`) when it is set.
/// Release builds have no such seam. The real dialog is driven too, with xdotool
/// (`tests/e2e/file_picker.rs`).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn pick_files(
    app: AppHandle,
    picked: State<'_, PickedFiles>,
    lang: Option<String>,
) -> Answer<Vec<Picked>> {
    #[cfg(debug_assertions)]
    if let Some(paths) = std::env::var_os("MESSAGERIE_TEST_PICK_FILES") {
        return Ok(std::env::split_paths(&paths)
            .map(|p| picked.issue(p))
            .collect());
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let title = pick_title(lang.as_deref() == Some("en"));
    app.dialog()
        .file()
        .set_title(title)
        .pick_files(move |chosen| {
            let _ = tx.send(chosen);
        });
    let chosen = rx
        .await
        .map_err(|_| CommandError::internal())?
        .unwrap_or_default();
    chosen
        .into_iter()
        .map(|p| {
            p.into_path().map(|p| picked.issue(p)).map_err(|_| {
                CommandError::new(ErrorKind::InvalidInput, "ce fichier ne peut pas être joint")
            })
        })
        .collect()
}

/// The file dialog's title (GTK's own default is « Open File », in English whatever the app's
/// language).
fn pick_title(english: bool) -> &'static str {
    if english {
        "Attach files"
    } else {
        "Joindre des fichiers"
    }
}

/// Files dropped on the window reach it as tokens too (`{kind: "filesDropped", files}` on the
/// mailbox event stream): the page never handles a path. Called once the main window exists.
pub fn hand_drops_as_tokens(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let handle = app.clone();
    window.on_window_event(move |event| {
        let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event else {
            return;
        };
        let picked = handle.state::<PickedFiles>();
        let files: Vec<Picked> = paths.iter().map(|p| picked.issue(p.clone())).collect();
        crate::events::emit(&handle, crate::events::AppEvent::FilesDropped { files });
    });
}

/// What the core refuses to attach, in the window's words: a file larger than the space left
/// on the ENT ([`messagerie_core::Error::OverQuota`], with both sizes), a device, a FIFO or a
/// folder, a file that cannot be read.
fn attach_error(error: messagerie_core::Error) -> CommandError {
    match error {
        messagerie_core::Error::Pick(PickError::NotARegularFile { path }) => CommandError::new(
            ErrorKind::InvalidInput,
            format!(
                "{} n'est pas un fichier ordinaire (dossier, périphérique ou tube) ; il ne peut \
                 pas être joint",
                path.display()
            ),
        ),
        messagerie_core::Error::Pick(PickError::Unreadable { path, source }) => CommandError::new(
            ErrorKind::InvalidInput,
            format!(
                "le fichier {} ne peut pas être lu : {source}",
                path.display()
            ),
        ),
        messagerie_core::Error::OverQuota { size, left } => CommandError::new(
            ErrorKind::Refused,
            format!(
                "ce fichier ({}) dépasse l'espace disponible sur l'ENT ({}) ; choisissez un \
                 fichier plus petit ou libérez de l'espace en supprimant des messages avec \
                 pièces jointes",
                attachment::human_size(size),
                attachment::human_size(left)
            ),
        ),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_from_the_window_is_refused_and_only_a_picked_token_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("devoir.pdf");
        std::fs::write(&file, b"%PDF-1.4").unwrap();
        let picked = PickedFiles::default();
        let token = picked.issue(file.clone()).token;

        let by_path = chosen_file(&picked, &file.display().to_string()).unwrap_err();
        let by_token = chosen_file(&picked, &token).unwrap();

        assert_eq!(by_path.kind, ErrorKind::InvalidInput);
        assert!(by_path.message.contains("choisi"), "{}", by_path.message);
        assert_eq!(by_token, file);
        // A token is good once.
        assert!(chosen_file(&picked, &token).is_err());
    }

    #[test]
    fn the_file_dialog_is_titled_in_the_windows_language() {
        assert_eq!(pick_title(false), "Joindre des fichiers");
        assert_eq!(pick_title(true), "Attach files");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_or_a_directory_is_refused_with_a_clear_message() {
        let picked = PickedFiles::default();
        let dir = tempfile::tempdir().unwrap();
        for path in [PathBuf::from("/dev/zero"), dir.path().to_path_buf()] {
            let token = picked.issue(path.clone()).token;
            let chosen = chosen_file(&picked, &token).unwrap();
            let refused = attachment::regular_file_size(&chosen).unwrap_err();

            let error = attach_error(refused.into());

            assert_eq!(error.kind, ErrorKind::InvalidInput);
            assert!(
                error.message.contains("n'est pas un fichier ordinaire"),
                "{}",
                error.message
            );
        }
    }
}
