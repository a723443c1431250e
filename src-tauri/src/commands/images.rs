//! Images in bodies (issue 16): inserting one from the user's files, and the ENT's own images
//! of a body, fetched by the core with the session (`messagerie_core::ent_images`); the window
//! never loads anything from the ENT itself.
use messagerie_core::attachment::PickedFiles;
use messagerie_core::mailbox::images::InlineImage;
use tauri::State;

use crate::commands::compose::chosen_file;
use crate::error::CommandError;
use crate::state::AppState;

type Answer<T> = Result<T, CommandError>;

/// « Image »: uploads the image the user picked (by its `pick_files` token) as the ENT's editor
/// does, and returns what the editor inserts and shows.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn insert_image(
    state: State<'_, AppState>,
    picked: State<'_, PickedFiles>,
    token: String,
) -> Answer<InlineImage> {
    let path = chosen_file(&picked, &token)?;
    Ok(state.mailbox().await?.insert_image(&path).await?)
}

/// One ENT image of a body (its `src`) as a `data:` URL, for the editor; `None` when it is not
/// an ENT image or cannot be shown.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn ent_image(state: State<'_, AppState>, src: String) -> Answer<Option<String>> {
    Ok(state.mailbox().await?.ent_image(&src).await?)
}

/// The message's safe body with its ENT images inlined (the reading pane asks once it shows
/// the body without them).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn show_ent_images(state: State<'_, AppState>, id: String) -> Answer<String> {
    Ok(state.mailbox().await?.body_with_ent_images(&id).await?)
}
