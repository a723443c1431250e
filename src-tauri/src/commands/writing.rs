//! Issue 16's commands: the ENT signature, « Rappeler » and « Envoyer plus tard ». The logic is
//! the core's (`mailbox::signature`, `mailbox::recall`, `mailbox::compose` scheduling).
use messagerie_core::mailbox::compose::ScheduledSend;
use messagerie_core::mailbox::recall::RecallStatus;
use messagerie_core::mailbox::signature::Signature;
use messagerie_core::queue::DraftContent;
use tauri::State;

use crate::commands::queued;
use crate::error::CommandError;
use crate::state::AppState;

type Answer<T> = Result<T, CommandError>;

/// The signature (the ENT's preference; the cached one offline).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn signature(state: State<'_, AppState>) -> Answer<Signature> {
    Ok(state.mailbox().await?.signature().await?)
}

/// Sets the signature: at once here, on the ENT through the queue.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn set_signature(state: State<'_, AppState>, signature: Signature) -> Answer<()> {
    Ok(state.mailbox().await?.set_signature(signature).await?)
}

/// What a new message starts with: the signature as the ENT adds it, or nothing.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn signature_block(state: State<'_, AppState>) -> Answer<String> {
    Ok(state.mailbox().await?.signature_block().await?)
}

/// Whether « Rappeler » is offered for a message, and until when.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn recall_status(state: State<'_, AppState>, id: String) -> Answer<RecallStatus> {
    Ok(state.mailbox().await?.recall_status(&id).await?)
}

/// « Rappeler »: asks the ENT now; its refusal (the delay passed) comes back as `refused`.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn recall_message(state: State<'_, AppState>, id: String) -> Answer<()> {
    Ok(state.mailbox().await?.recall(&id).await?)
}

/// « Envoyer plus tard »: the message waits in the queue until `due` (epoch milliseconds).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn schedule_message(
    state: State<'_, AppState>,
    id: Option<String>,
    content: DraftContent,
    due: f64,
) -> Answer<String> {
    // A JS number; whole milliseconds well inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let due = due as i64;
    queued(state, |mailbox| async move {
        mailbox.schedule_send(id.as_deref(), content, due).await
    })
    .await
}

/// « Programmés »: the messages waiting for their time, soonest first.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn scheduled_messages(state: State<'_, AppState>) -> Answer<Vec<ScheduledSend>> {
    Ok(state.mailbox().await?.scheduled_sends().await?)
}

/// « Envoyer maintenant » on a scheduled message.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn send_scheduled_now(state: State<'_, AppState>, id: String) -> Answer<bool> {
    Ok(state.mailbox().await?.send_scheduled_now(&id).await?)
}

/// « Annuler l'envoi » of a scheduled message: a draft again, never delivered.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn cancel_scheduled(state: State<'_, AppState>, id: String) -> Answer<bool> {
    Ok(state.mailbox().await?.cancel_scheduled(&id).await?)
}
