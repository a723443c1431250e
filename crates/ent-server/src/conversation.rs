//! The conversation module (§3, §4, §7), one file per feature: [`folders`] (the folder tree and
//! user folders), [`list`] (folder lists and counts, answered from the cache), [`message`] (a
//! message as stored, and reading one), [`index`] (full-text search), [`draft`] (creating and
//! updating drafts), [`send`] (the send algorithm of §7, and recall), [`state`] (unread, trash,
//! restore, delete, moves). This file holds the router and the helpers they share. Every write
//! is one transaction ([`crate::db::Db::write`]): a handler that refuses returns its
//! [`ApiError`] and nothing it wrote stays.

mod draft;
mod folders;
mod index;
mod list;
mod message;
mod send;
mod state;

use std::collections::HashSet;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{ApiError, ApiResult};
use crate::State as AppState;

pub(crate) use message::{mark_read, save_message, MsgRow};
pub(crate) use send::send_message;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversation/max-depth", get(folders::max_depth))
        .route("/conversation/api/folders", get(folders::folder_tree))
        .route(
            "/conversation/api/folders/{folder}",
            delete(folders::delete_folder),
        )
        .route(
            "/conversation/api/folders/{folder}/messages",
            get(list::list),
        )
        .route("/conversation/api/count/{folder}", get(list::count))
        .route(
            "/conversation/api/messages/{id}",
            get(message::read_message),
        )
        .route("/conversation/api/messages/{id}/recall", post(send::recall))
        .route("/conversation/draft", post(draft::create_draft))
        .route("/conversation/draft/{id}", put(draft::update_draft))
        .route("/conversation/send", post(send::send))
        .route("/conversation/toggleUnread", post(state::toggle_unread))
        .route("/conversation/trash", put(state::trash))
        .route("/conversation/restore", put(state::restore))
        .route("/conversation/delete", put(state::delete_messages))
        .route("/conversation/emptyTrash", delete(state::empty_trash))
        .route(
            "/conversation/move/userfolder/{folder}",
            put(state::move_to_folder),
        )
        .route("/conversation/move/root", put(state::move_to_root))
        .route("/conversation/folder", post(folders::create_folder))
        .route("/conversation/folder/{folder}", put(folders::rename_folder))
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Parses a JSON body; malformed JSON, wrong types or unknown fields answer 400 empty.
fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|_| ApiError::BadRequestEmpty)
}

/// Parses a JSON body that may also be empty (then `T::default()`), as draft and send accept.
fn parse_or_default<T: serde::de::DeserializeOwned + Default>(body: &Bytes) -> ApiResult<T> {
    if body.is_empty() {
        Ok(T::default())
    } else {
        parse(body)
    }
}

fn empty_json() -> Response {
    (StatusCode::OK, Json(serde_json::json!({}))).into_response()
}

fn json_bytes(body: Bytes) -> Response {
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// The caller's row for a message: (folder_id, trashed, unread).
fn user_row(
    conn: &Connection,
    user: &str,
    id: &str,
) -> rusqlite::Result<Option<(Option<String>, bool, bool)>> {
    // Cached statements here and in `load_message` and `mark_read`: a first sync reads every
    // message, and parsing their SQL each time was an eighth of the server's CPU.
    conn.prepare_cached(
        "SELECT folder_id, trashed, unread FROM usermessages WHERE user_id = ?1 AND message_id = ?2",
    )?
    .query_row(params![user, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}

/// The owner and depth of a user folder.
fn folder_owner(conn: &Connection, folder: &str) -> rusqlite::Result<Option<(String, i64)>> {
    conn.query_row(
        "SELECT user_id, depth FROM folders WHERE id = ?1",
        [folder],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// 401 unless `folder` is a user folder of `user` (`FoldersMessagesFilter`, §9).
fn check_folder_owner(conn: &Connection, user: &str, folder: &str) -> ApiResult<()> {
    match folder_owner(conn, folder)? {
        Some((owner, _)) if owner == user => Ok(()),
        _ => Err(ApiError::Unauthorized),
    }
}

/// MultipleMessageUserFilter (§9, §12 items 8 and 30): the caller owns a row for every id, and
/// ids are distinct (a duplicate makes the counts differ, hence 401 as on a real ENT). One id
/// the caller no longer has (deleted on the web page meanwhile) refuses the whole batch with
/// 401 + HTML, as entcore's `MultipleMessageUserFilter`, `FoldersMessagesFilter` and
/// `MessageUserFilter` do (count of distinct owned ids compared with the ids sent); nothing of
/// the batch is applied.
fn check_owns_all(conn: &Connection, user: &str, ids: &[String]) -> ApiResult<()> {
    if ids.is_empty() {
        return Err(ApiError::Unauthorized);
    }
    let distinct: HashSet<&String> = ids.iter().collect();
    let mut found = 0usize;
    let mut stmt =
        conn.prepare_cached("SELECT 1 FROM usermessages WHERE user_id = ?1 AND message_id = ?2")?;
    for id in &distinct {
        if stmt.exists(params![user, id])? {
            found += 1;
        }
    }
    if found == ids.len() {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}
