//! Folder lists and counts (§4.4, §4.5): which rows a folder holds, pages, unread filter and
//! search; both answers are kept in the cache until the next committed write.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ent_protocol::{Count, MessageListItem, SystemFolder};
use rusqlite::{params, params_from_iter, Connection};
use serde::Deserialize;

use super::index::fts_query;
use super::message::{msg_from_row, state_of, MSG_COLS};
use super::{folder_owner, json_bytes};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::render;
use crate::State as AppState;

/// Largest page a list answers (§1.6).
const PAGE_SIZE: i64 = 25;

enum Folder {
    System(SystemFolder),
    User(String),
}

/// WHERE clause over `u` (usermessages) for a folder; `counting` uses SENT only (§3.2 notes).
fn folder_condition(folder: &Folder, counting: bool) -> String {
    let sent = if counting {
        "u.state = 'SENT'"
    } else {
        "u.state IN ('SENT','RECALL')"
    };
    match folder {
        Folder::System(SystemFolder::Inbox) => {
            format!("u.trashed = 0 AND u.folder_id IS NULL AND u.is_recipient = 1 AND {sent}")
        }
        Folder::System(SystemFolder::Outbox) => {
            format!("u.trashed = 0 AND u.folder_id IS NULL AND u.is_author = 1 AND {sent}")
        }
        Folder::System(SystemFolder::Draft) => {
            "u.trashed = 0 AND u.folder_id IS NULL AND u.is_author = 1 AND u.state = 'DRAFT'".into()
        }
        Folder::System(SystemFolder::Trash) => {
            if counting {
                format!("u.trashed = 1 AND {sent}")
            } else {
                "u.trashed = 1".into()
            }
        }
        Folder::User(_) => {
            if counting {
                format!("u.trashed = 0 AND u.folder_id = ?2 AND {sent}")
            } else {
                "u.trashed = 0 AND u.folder_id = ?2".into()
            }
        }
    }
}

/// Resolves `{folder}`: a system name, or a user folder the caller owns (else 401).
async fn resolve_folder(state: &AppState, user: &str, name: &str) -> ApiResult<Folder> {
    if let Some(f) = SystemFolder::parse(name) {
        return Ok(Folder::System(f));
    }
    let (u, id) = (user.to_owned(), name.to_owned());
    let owner = state
        .db
        .read(move |c| -> ApiResult<_> { Ok(folder_owner(c, &id)?) })
        .await?;
    match owner {
        Some((owner, _)) if owner == u => Ok(Folder::User(name.to_owned())),
        _ => Err(ApiError::Unauthorized),
    }
}

/// Serves a cached answer of `uri` for the caller when no write happened since it was read.
async fn cached<T, F>(
    state: &AppState,
    user: &str,
    uri: &axum::http::Uri,
    compute: F,
) -> ApiResult<Response>
where
    T: serde::Serialize,
    F: std::future::Future<Output = ApiResult<T>>,
{
    let key = uri.to_string();
    let generation = state.db.generation();
    if let Some(body) = state.cache.get(user, &key, generation) {
        return Ok(json_bytes(body));
    }
    let value = compute.await?;
    let body = Bytes::from(serde_json::to_vec(&value).map_err(anyhow::Error::from)?);
    state.cache.put(user, &key, generation, body.clone());
    Ok(json_bytes(body))
}

#[derive(Deserialize)]
pub(super) struct CountQuery {
    unread: Option<String>,
}

/// `GET /conversation/api/count/{folder}[?unread=true]` (§4.4).
pub(super) async fn count(
    State(state): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    Path(folder): Path<String>,
    Query(q): Query<CountQuery>,
) -> ApiResult<Response> {
    let user = caller.user_id.clone();
    cached(
        &state,
        &user,
        &uri,
        count_uncached(&state, caller, folder, q),
    )
    .await
}

async fn count_uncached(
    state: &AppState,
    caller: Caller,
    folder: String,
    q: CountQuery,
) -> ApiResult<Count> {
    let folder = resolve_folder(state, &caller.user_id, &folder).await?;
    let unread = q.unread.as_deref() == Some("true");
    let mut sql = format!(
        "SELECT count(*) FROM usermessages u WHERE u.user_id = ?1 AND {}",
        folder_condition(&folder, true)
    );
    if unread {
        sql.push_str(" AND u.unread = 1");
        if matches!(folder, Folder::User(_)) {
            sql.push_str(" AND u.is_recipient = 1");
        }
    }
    // Drafts count every draft (the React menu shows DRAFT without filter).
    if matches!(folder, Folder::System(SystemFolder::Draft)) {
        sql = format!(
            "SELECT count(*) FROM usermessages u WHERE u.user_id = ?1 AND u.trashed = 0 AND u.folder_id IS NULL AND u.is_author = 1 AND u.state = 'DRAFT'{}",
            if unread { " AND u.unread = 1" } else { "" }
        );
    }
    let user = caller.user_id;
    let folder_id = match &folder {
        Folder::User(id) => Some(id.clone()),
        Folder::System(_) => None,
    };
    let n = state
        .db
        .read(move |c| -> ApiResult<u64> {
            let mut stmt = c.prepare_cached(&sql)?;
            Ok(match folder_id {
                Some(f) => stmt.query_row(params![user, f], |r| r.get(0))?,
                None => stmt.query_row(params![user], |r| r.get(0))?,
            })
        })
        .await?;
    Ok(Count { count: n })
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    page: Option<String>,
    page_size: Option<String>,
    unread: Option<String>,
    search: Option<String>,
}

/// `GET /conversation/api/folders/{folder}/messages` (§4.5).
pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    Path(folder): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let user = caller.user_id.clone();
    cached(
        &state,
        &user,
        &uri,
        list_uncached(&state, caller, folder, q),
    )
    .await
}

/// One page of a folder: the SQL condition, its parameters, and the page asked for.
struct Page {
    cond: String,
    params: Vec<rusqlite::types::Value>,
    size: i64,
    offset: i64,
}

async fn list_uncached(
    state: &AppState,
    caller: Caller,
    folder: String,
    q: ListQuery,
) -> ApiResult<Vec<MessageListItem>> {
    let folder = resolve_folder(state, &caller.user_id, &folder).await?;
    let page: i64 = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(0);
    if page < 0 {
        return Ok(Vec::new());
    }
    let size: i64 = q
        .page_size
        .as_deref()
        .and_then(|p| p.trim().parse().ok())
        .filter(|s| (1..=PAGE_SIZE).contains(s))
        .unwrap_or(PAGE_SIZE);
    let search = match q.search.as_deref() {
        Some(s) if s.trim().chars().count() < 3 => return Err(ApiError::BadRequestEmpty),
        Some(s) => fts_query(s.trim()),
        None => None,
    };
    let mut cond = folder_condition(&folder, false);
    if q.unread.as_deref() == Some("true") {
        cond.push_str(" AND u.unread = 1");
    }
    if search.is_some() {
        cond.push_str(" AND u.message_id IN (SELECT m2.id FROM messages m2 WHERE m2.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?3))");
    }
    let folder_id = match folder {
        Folder::User(id) => id,
        Folder::System(_) => String::new(),
    };
    let user = caller.user_id;
    let mut params: Vec<rusqlite::types::Value> = vec![user.clone().into()];
    if cond.contains("?2") || search.is_some() {
        params.push(folder_id.into());
    }
    if let Some(s) = search {
        params.push(s.into());
    }
    let page = Page {
        cond,
        params,
        size,
        offset: page.saturating_mul(size),
    };
    let st = state.clone();
    state
        .db
        .read(move |c| list_page(c, &st, &user, &page))
        .await
}

/// The items of `page` for `user`, each carrying the folder's total (`count`, §4.5).
fn list_page(
    c: &Connection,
    state: &AppState,
    user: &str,
    page: &Page,
) -> ApiResult<Vec<MessageListItem>> {
    let Page {
        cond,
        params,
        size,
        offset,
    } = page;
    // The total costs a count over the whole folder (entcore's `COUNT(*) OVER()` does the same
    // on every page): it is kept until the folder's membership changes, or any flag when the
    // list is filtered on unread — marking a message read does not change a folder's total.
    let key = format!("{cond} {params:?}");
    let generation = if cond.contains("u.unread") {
        state.db.generation()
    } else {
        state.db.membership()
    };
    let total: u64 = match state.cache.total(user, &key, generation) {
        Some(total) => total,
        None => {
            let total = c
                .prepare_cached(&format!(
                    "SELECT count(*) FROM usermessages u WHERE u.user_id = ?1 AND ({cond})"
                ))?
                .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
            state.cache.put_total(user, &key, generation, total);
            total
        }
    };
    // The page's rows are chosen on `usermessages` alone (its list index), then joined: the
    // rows skipped by OFFSET are never joined to their message, body and flags, so a page deep
    // in a 100,000-message folder costs a scan of ids, not 100,000 joins.
    let sql = format!(
        "SELECT {MSG_COLS}, u.unread,
           EXISTS(SELECT 1 FROM messages c JOIN usermessages cu ON cu.message_id = c.id AND cu.user_id = ?1
                  WHERE c.parent_id = m.id AND c.from_id = ?1 AND c.state IN ('SENT','RECALL')),
           EXISTS(SELECT 1 FROM usermessagesattachments a WHERE a.user_id = ?1 AND a.message_id = m.id)
         FROM (SELECT u.message_id, u.unread, u.date FROM usermessages u
               WHERE u.user_id = ?1 AND ({cond})
               ORDER BY u.date DESC LIMIT {size} OFFSET {offset}) u
         JOIN messages m ON m.id = u.message_id
         ORDER BY u.date DESC"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(params.iter()), |r| {
            Ok((
                msg_from_row(r)?,
                r.get::<_, bool>(13)?,
                r.get::<_, bool>(14)?,
                r.get::<_, bool>(15)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let dir = &state.cfg.directory;
    Ok(rows
        .into_iter()
        .map(|(m, unread, response, has_attachment)| {
            let recalled_for_me = m.state == "RECALL" && m.from_id != user;
            MessageListItem {
                subject: Some(if recalled_for_me {
                    String::new()
                } else {
                    m.subject.clone()
                }),
                from: render::user_ref(dir, &m.from_id, &m.names),
                to: render::recipients(dir, &m.to, &m.names),
                cc: render::recipients(dir, &m.cc, &m.names),
                cci: render::cci_for(dir, user, &m.from_id, &m.cci, &m.names),
                state: state_of(&m.state),
                date: m.date,
                no_reply: m.no_reply,
                unread,
                response,
                has_attachment: has_attachment && !recalled_for_me,
                count: total,
                id: m.id,
            }
        })
        .collect())
}
