//! The composer's commands: recipients, drafts, attachments, sending. Drafts and sends change
//! the local copy at once and are queued for the ENT, so writing works offline too.
use messagerie_core::message::{Attachment, Message};
use messagerie_core::queue::DraftContent;
use messagerie_core::recipients::Visible;
use tauri::{AppHandle, State};
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
pub async fn suggest_recipients(state: State<'_, AppState>, query: String) -> Answer<Vec<Visible>> {
    Ok(state
        .mailbox()
        .await?
        .recipients(&query, Some(SUGGESTIONS))
        .await?)
}

/// Saves a draft (a new one when `id` is null) and returns its id.
#[tauri::command]
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

/// A draft as stored, to reopen it in the composer.
#[tauri::command]
pub async fn open_draft(state: State<'_, AppState>, id: String) -> Answer<Message> {
    Ok(state.mailbox().await?.message(&id).await?)
}

/// Adds a file to a draft; the file is copied into the account first, so a queued upload
/// survives the original being moved.
#[tauri::command]
pub async fn add_attachment(
    state: State<'_, AppState>,
    draft_id: String,
    path: String,
) -> Answer<Attachment> {
    let mailbox = state.mailbox().await?;
    let (draft, file) = (draft_id.clone(), path.clone());
    let id = queued(state, |mailbox| async move {
        mailbox
            .add_attachment(&draft, std::path::Path::new(&file))
            .await
    })
    .await?;
    mailbox
        .message(&draft_id)
        .await?
        .attachments
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(CommandError::internal)
}

#[tauri::command]
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

/// « Ajouter une pièce jointe »: the native file dialog, several files at once; the chosen
/// paths (none when cancelled).
///
/// Test seam: WebDriver cannot drive a native dialog, so debug builds (what `cargo test`
/// builds) take the paths from `MESSAGERIE_TEST_PICK_FILES` (separated by `:`) when it is set.
/// Release builds have no such seam.
#[tauri::command]
pub async fn pick_files(app: AppHandle) -> Answer<Vec<String>> {
    #[cfg(debug_assertions)]
    if let Some(paths) = std::env::var_os("MESSAGERIE_TEST_PICK_FILES") {
        return Ok(std::env::split_paths(&paths)
            .map(|p| p.to_string_lossy().into_owned())
            .collect());
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().pick_files(move |chosen| {
        let _ = tx.send(chosen);
    });
    let chosen = rx
        .await
        .map_err(|_| CommandError::internal())?
        .unwrap_or_default();
    chosen
        .into_iter()
        .map(|p| {
            p.into_path()
                .map(|p| p.to_string_lossy().into_owned())
                .map_err(|_| {
                    CommandError::new(ErrorKind::InvalidInput, "ce fichier ne peut pas être joint")
                })
        })
        .collect()
}
