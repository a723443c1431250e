//! The mailbox window's reads and actions: each one line over `messagerie_core::Mailbox`.
//! Actions change the local copy at once and are queued for the ENT (offline too).
use messagerie_core::mailbox::{ConversationSummary, Folder, OpenedMessage};
use messagerie_core::message::{Message, MessageSummary};
use messagerie_core::search::{SearchHit, SearchQuery};
use tauri::State;

use crate::commands::queued;
use crate::error::CommandError;
use crate::state::AppState;

type Answer<T> = Result<T, CommandError>;

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn folders(state: State<'_, AppState>) -> Answer<Vec<Folder>> {
    Ok(state.mailbox().await?.folders().await?)
}

/// The ENT's folder depth limit; its default when offline.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn max_folder_depth(state: State<'_, AppState>) -> Answer<u32> {
    Ok(state.mailbox().await?.max_folder_depth().await)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list(
    state: State<'_, AppState>,
    folder_id: String,
    offset: u32,
    limit: u32,
) -> Answer<Vec<MessageSummary>> {
    Ok(state
        .mailbox()
        .await?
        .list(&folder_id, offset, limit)
        .await?)
}

/// « Afficher par conversation »: a page of a folder, one line per conversation.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn list_conversations(
    state: State<'_, AppState>,
    folder_id: String,
    offset: u32,
    limit: u32,
) -> Answer<Vec<ConversationSummary>> {
    Ok(state
        .mailbox()
        .await?
        .list_conversations(&folder_id, offset, limit)
        .await?)
}

/// The conversation of a message, oldest first, across folders, without bodies (each one the
/// window shows is opened with `read`).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn conversation(state: State<'_, AppState>, id: String) -> Answer<Vec<Message>> {
    Ok(state.mailbox().await?.conversation(&id).await?)
}

/// Opens a message (marking it read): its body made safe, with its links and whether it
/// shows remote images, all from the core; the raw body never leaves Rust.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn read(state: State<'_, AppState>, id: String) -> Answer<OpenedMessage> {
    queued(
        state,
        |mailbox| async move { mailbox.open_message(&id).await },
    )
    .await
}

/// « Afficher les images »: the message's body, sanitized, with its remote images fetched by
/// the app and inlined as `data:` URLs (the window's CSP loads nothing from the web).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn show_remote_images(state: State<'_, AppState>, id: String) -> Answer<String> {
    Ok(state.mailbox().await?.body_with_remote_images(&id).await?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn set_unread(state: State<'_, AppState>, ids: Vec<String>, unread: bool) -> Answer<()> {
    queued(state, |mailbox| async move {
        mailbox.set_unread(&ids, unread).await
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn trash(state: State<'_, AppState>, ids: Vec<String>) -> Answer<()> {
    queued(state, |mailbox| async move { mailbox.trash(&ids).await }).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn restore(state: State<'_, AppState>, ids: Vec<String>) -> Answer<()> {
    queued(state, |mailbox| async move { mailbox.restore(&ids).await }).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn delete_forever(state: State<'_, AppState>, ids: Vec<String>) -> Answer<()> {
    queued(state, |mailbox| async move {
        mailbox.delete_forever(&ids).await
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn empty_trash(state: State<'_, AppState>) -> Answer<()> {
    queued(state, |mailbox| async move { mailbox.empty_trash().await }).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn move_to_folder(
    state: State<'_, AppState>,
    ids: Vec<String>,
    folder_id: String,
) -> Answer<()> {
    queued(state, |mailbox| async move {
        mailbox.move_to_folder(&ids, &folder_id).await
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn move_to_inbox(state: State<'_, AppState>, ids: Vec<String>) -> Answer<()> {
    queued(
        state,
        |mailbox| async move { mailbox.move_to_root(&ids).await },
    )
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn create_folder(
    state: State<'_, AppState>,
    name: String,
    parent_id: Option<String>,
) -> Answer<String> {
    queued(state, |mailbox| async move {
        mailbox.create_folder(&name, parent_id.as_deref()).await
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn rename_folder(state: State<'_, AppState>, id: String, name: String) -> Answer<()> {
    queued(state, |mailbox| async move {
        mailbox.rename_folder(&id, &name).await
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn delete_folder(state: State<'_, AppState>, id: String) -> Answer<()> {
    queued(
        state,
        |mailbox| async move { mailbox.delete_folder(&id).await },
    )
    .await
}

/// Local full-text search over every folder.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn search(state: State<'_, AppState>, text: String) -> Answer<Vec<SearchHit>> {
    let query = SearchQuery {
        text,
        ..SearchQuery::default()
    };
    Ok(state.mailbox().await?.search(query).await?)
}

/// Asks the mailbox's sync timer for a pass now and returns at once; progress and the outcome
/// arrive as events. The window only asks: the timer is the core's.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn sync(state: State<'_, AppState>) -> Answer<()> {
    state.mailbox().await?.request_sync();
    Ok(())
}

/// Messages with actions the ENT has not confirmed yet.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn pending_message_ids(state: State<'_, AppState>) -> Answer<Vec<String>> {
    Ok(state.mailbox().await?.pending_message_ids().await?)
}
