//! User folders (§4.1, §4.3, §4.14): the platform's depth limit, the folder tree with its
//! counts, and creating, renaming and deleting a folder.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ent_protocol::error::keys;
use ent_protocol::{CreateFolderBody, FolderTreeItem, IdResponse, MaxDepth, RenameFolderBody};
use rusqlite::{params, Connection};
use serde::Deserialize;

use super::{check_folder_owner, empty_json, folder_owner, new_id, parse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::State as AppState;

/// `folders.name` is VARCHAR(255) on a real ENT
/// (`conversation/backend/src/main/resources/sql/001-conversation-schema.sql`).
const MAX_FOLDER_NAME_CHARS: usize = 255;

/// `GET /conversation/max-depth` (§4.1).
pub(super) async fn max_depth(State(state): State<AppState>, _caller: Caller) -> Json<MaxDepth> {
    Json(MaxDepth {
        max_depth: state.cfg.max_folder_depth,
        recall_delay_minutes: Some(state.cfg.recall_delay_minutes),
        get_visible_strategy: Some("all-at-once".into()),
    })
}

#[derive(Deserialize)]
pub(super) struct DepthQuery {
    depth: Option<String>,
}

/// `GET /conversation/api/folders?depth=N` (§4.3): depth 1 is a flat unsorted list, deeper
/// ones a sorted tree.
pub(super) async fn folder_tree(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DepthQuery>,
) -> ApiResult<Json<Vec<FolderTreeItem>>> {
    let depth: i64 = match q.depth.as_deref() {
        None => 1,
        Some(d) => d
            .trim()
            .parse()
            .map_err(|_| ApiError::bad(keys::INVALID_PARAMETER))?,
    };
    if !(1..=3).contains(&depth) {
        return Err(ApiError::bad(keys::INVALID_PARAMETER));
    }
    let user = caller.user_id;
    let rows = state
        .db
        .read(move |conn| folders_of(conn, &user, depth))
        .await?;
    if depth == 1 {
        return Ok(Json(rows));
    }
    Ok(Json(tree(None, &rows)))
}

/// The user's folders down to `depth`, with their counts of messages and unread messages.
fn folders_of(conn: &Connection, user: &str, depth: i64) -> ApiResult<Vec<FolderTreeItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.parent_id, f.name, f.depth,
           (SELECT count(*) FROM usermessages u WHERE u.user_id = f.user_id AND u.folder_id = f.id AND u.trashed = 0 AND u.state = 'SENT'),
           (SELECT count(*) FROM usermessages u WHERE u.user_id = f.user_id AND u.folder_id = f.id AND u.trashed = 0 AND u.state = 'SENT' AND u.unread = 1)
         FROM folders f WHERE f.user_id = ?1 AND f.depth <= ?2",
    )?;
    let rows = stmt
        .query_map(params![user, depth], |r| {
            Ok(FolderTreeItem {
                id: r.get(0)?,
                parent_id: r.get(1)?,
                name: r.get(2)?,
                depth: r.get(3)?,
                nb_messages: r.get(4)?,
                nb_unread: r.get(5)?,
                sub_folders: None,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The children of `parent` among `all`, each with its own children.
fn tree(parent: Option<&str>, all: &[FolderTreeItem]) -> Vec<FolderTreeItem> {
    let mut level: Vec<FolderTreeItem> = all
        .iter()
        .filter(|f| f.parent_id.as_deref() == parent)
        .cloned()
        .map(|mut f| {
            f.sub_folders = Some(tree(Some(&f.id), all));
            f
        })
        .collect();
    // Case-insensitive, capitals first on ties (§4.3).
    level.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.name.cmp(&b.name))
    });
    level
}

/// A unique constraint (same name under the same parent) → `conversation.error.duplicate.folder`.
fn duplicate_as_refusal(e: rusqlite::Error) -> ApiError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            ApiError::bad(keys::DUPLICATE_FOLDER)
        }
        _ => e.into(),
    }
}

/// A folder name as stored: trimmed, not empty, at most [`MAX_FOLDER_NAME_CHARS`] characters
/// (longer → 400 with PostgreSQL's text, as a real ENT answers).
fn folder_name(raw: &str) -> ApiResult<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(ApiError::BadRequestEmpty);
    }
    if name.chars().count() > MAX_FOLDER_NAME_CHARS {
        return Err(ApiError::BadRequest(
            "value too long for type character varying(255)".into(),
        ));
    }
    Ok(name.to_owned())
}

/// `POST /conversation/folder` (§4.14): 201 with the new id.
pub(super) async fn create_folder(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let body: CreateFolderBody = parse(&body)?;
    let name = folder_name(&body.name)?;
    let max = i64::from(state.cfg.max_folder_depth);
    let id = state
        .db
        .write(move |tx| insert_folder(tx, &caller.user_id, body.parent_id.as_deref(), &name, max))
        .await?;
    Ok((StatusCode::CREATED, Json(IdResponse { id })).into_response())
}

/// Creates a folder of `user` under `parent` (his own, else 401), at most `max` deep.
fn insert_folder(
    tx: &Connection,
    user: &str,
    parent: Option<&str>,
    name: &str,
    max: i64,
) -> ApiResult<String> {
    let depth = match parent {
        Some(p) => match folder_owner(tx, p)? {
            Some((owner, d)) if owner == user => {
                if d >= max {
                    return Err(ApiError::bad(keys::MAX_FOLDER_DEPTH));
                }
                d + 1
            }
            _ => return Err(ApiError::Unauthorized),
        },
        None => 1,
    };
    let id = new_id();
    tx.execute(
        "INSERT INTO folders (id, parent_id, user_id, name, depth) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, parent, user, name, depth],
    )
    .map_err(duplicate_as_refusal)?;
    Ok(id)
}

/// `PUT /conversation/folder/{folder}` (§4.14).
pub(super) async fn rename_folder(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body: RenameFolderBody = parse(&body)?;
    let name = folder_name(&body.name)?;
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            check_folder_owner(tx, &caller.user_id, &folder)?;
            tx.execute(
                "UPDATE folders SET name = ?2 WHERE id = ?1",
                params![folder, name],
            )
            .map_err(duplicate_as_refusal)?;
            Ok(())
        })
        .await?;
    Ok(empty_json())
}

/// `DELETE /conversation/api/folders/{folder}` (§4.14): the messages of the folder and of its
/// descendants go to the trash.
pub(super) async fn delete_folder(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
) -> ApiResult<Response> {
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            let user = caller.user_id;
            check_folder_owner(tx, &user, &folder)?;
            tx.execute(
                "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id)
                 UPDATE usermessages SET trashed = 1, folder_id = NULL WHERE user_id = ?2 AND folder_id IN (SELECT id FROM sub)",
                params![folder, user],
            )?;
            tx.execute("DELETE FROM folders WHERE id = ?1", [&folder])?;
            Ok(())
        })
        .await?;
    Ok(empty_json())
}
