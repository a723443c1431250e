//! State changes of the caller's copies (§4.11–§4.13): unread, trash, restore, delete, empty
//! trash, moves between folders. A batch is all-or-nothing ([`super::check_owns_all`]).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ent_protocol::{IdsBody, ToggleUnreadBody};
use rusqlite::{params, Connection, OptionalExtension};

use super::{check_folder_owner, check_owns_all, empty_json, parse};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::State as AppState;

/// Sets one column of the caller's rows for `ids` to `value`, in the caller's transaction:
/// `sql` takes the user (?1), the message id (?2) and `value` (?3). Answers 401 unless the
/// caller owns every id, as [`check_owns_all`] decides.
fn update_owned(
    tx: &Connection,
    user: &str,
    ids: &[String],
    sql: &str,
    value: &dyn rusqlite::ToSql,
) -> ApiResult<()> {
    check_owns_all(tx, user, ids)?;
    let mut stmt = tx.prepare_cached(sql)?;
    for id in ids {
        stmt.execute(params![user, id, value])?;
    }
    Ok(())
}

/// `POST /conversation/toggleUnread` (§4.11).
pub(super) async fn toggle_unread(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let body: ToggleUnreadBody = parse(&body)?;
    state
        .db
        .write_unread(move |tx| {
            update_owned(
                tx,
                &caller.user_id,
                &body.id,
                "UPDATE usermessages SET unread = ?3 WHERE user_id = ?1 AND message_id = ?2",
                &body.unread,
            )
        })
        .await?;
    Ok(empty_json())
}

async fn set_trashed(
    state: AppState,
    caller: Caller,
    body: Bytes,
    trashed: bool,
) -> ApiResult<Response> {
    let body: IdsBody = parse(&body)?;
    state
        .db
        .write(move |tx| {
            update_owned(
                tx,
                &caller.user_id,
                &body.id,
                "UPDATE usermessages SET trashed = ?3 WHERE user_id = ?1 AND message_id = ?2",
                &trashed,
            )
        })
        .await?;
    Ok(empty_json())
}

/// `PUT /conversation/trash` (§4.12).
pub(super) async fn trash(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    set_trashed(state, caller, body, true).await
}

/// `PUT /conversation/restore` (§4.12).
pub(super) async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    set_trashed(state, caller, body, false).await
}

/// Deletes the caller's trashed rows among `ids` (or all when `None`) and frees his quota.
fn delete_rows(tx: &Connection, user: &str, ids: Option<&[String]>) -> rusqlite::Result<()> {
    let targets: Vec<(String, i64)> = match ids {
        Some(ids) => {
            let mut stmt = tx.prepare_cached("SELECT message_id, total_quota FROM usermessages WHERE user_id = ?1 AND message_id = ?2 AND trashed = 1")?;
            let mut out = Vec::new();
            for id in ids {
                if let Some(r) = stmt
                    .query_row(params![user, id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?
                {
                    out.push(r);
                }
            }
            out
        }
        None => {
            let mut stmt = tx.prepare_cached("SELECT message_id, total_quota FROM usermessages WHERE user_id = ?1 AND trashed = 1")?;
            let rows = stmt
                .query_map([user], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        }
    };
    let freed: i64 = targets.iter().map(|t| t.1).sum();
    let mut del =
        tx.prepare_cached("DELETE FROM usermessages WHERE user_id = ?1 AND message_id = ?2")?;
    for (id, _) in &targets {
        del.execute(params![user, id])?;
    }
    if freed > 0 {
        tx.execute(
            "UPDATE quotas SET storage = max(0, storage - ?2) WHERE user_id = ?1",
            params![user, freed],
        )?;
    }
    Ok(())
}

/// `PUT /conversation/delete` (§4.12): only messages in the trash go (§12.33).
pub(super) async fn delete_messages(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let body: IdsBody = parse(&body)?;
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            check_owns_all(tx, &caller.user_id, &body.id)?;
            Ok(delete_rows(tx, &caller.user_id, Some(&body.id))?)
        })
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// `DELETE /conversation/emptyTrash` (§4.12).
pub(super) async fn empty_trash(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Response> {
    state
        .db
        .write(move |tx| -> ApiResult<()> { Ok(delete_rows(tx, &caller.user_id, None)?) })
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// `PUT /conversation/move/userfolder/{folder}` (§4.13): the folder is checked first.
pub(super) async fn move_to_folder(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body: IdsBody = parse(&body)?;
    state
        .db
        .write(move |tx| {
            let user = caller.user_id;
            check_folder_owner(tx, &user, &folder)?;
            update_owned(
                tx,
                &user,
                &body.id,
                "UPDATE usermessages SET folder_id = ?3 WHERE user_id = ?1 AND message_id = ?2",
                &folder,
            )
        })
        .await?;
    Ok(empty_json())
}

/// `PUT /conversation/move/root?id=…` (§4.13).
pub(super) async fn move_to_root(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let ids: Vec<String> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.into_owned())
        .collect();
    state
        .db
        .write(move |tx| {
            update_owned(
                tx,
                &caller.user_id,
                &ids,
                "UPDATE usermessages SET folder_id = ?3 WHERE user_id = ?1 AND message_id = ?2",
                &rusqlite::types::Null,
            )
        })
        .await?;
    Ok(empty_json())
}
