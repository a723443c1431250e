//! The conversation module (§3, §4, §7): folders, lists, counts, messages, drafts, send,
//! recall, state changes, moves and user folders. Every write is one transaction.

use std::collections::HashSet;

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use ent_protocol::error::keys;
use ent_protocol::{
    Attachment, Count, CreateFolderBody, DraftBody, FolderTreeItem, IdResponse, IdsBody, MaxDepth,
    Message, MessageListItem, MessageState, RenameFolderBody, SendResponse, SystemFolder,
    ToggleUnreadBody,
};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::render::{self, Named};
use crate::State as AppState;

/// Largest page a list answers (§1.6).
pub(crate) const PAGE_SIZE: i64 = 25;
/// `subject` is VARCHAR(1024) on a real ENT (§1.4).
const MAX_SUBJECT_CHARS: usize = 1024;
/// `inactive-user-threshold` (§4.9).
const INACTIVE_THRESHOLD: usize = 50;
/// `folders.name` is VARCHAR(255) on a real ENT
/// (`conversation/backend/src/main/resources/sql/001-conversation-schema.sql`).
const MAX_FOLDER_NAME_CHARS: usize = 255;
/// The answer over [`crate::Config::max_recipients`] (entcore has no cap, hence no key of its own).
const TOO_MANY_RECIPIENTS: &str = "conversation.error.too.many.recipients";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversation/max-depth", get(max_depth))
        .route("/conversation/api/folders", get(folder_tree))
        .route("/conversation/api/folders/{folder}", delete(delete_folder))
        .route("/conversation/api/folders/{folder}/messages", get(list))
        .route("/conversation/api/count/{folder}", get(count))
        .route("/conversation/api/messages/{id}", get(read_message))
        .route("/conversation/api/messages/{id}/recall", post(recall))
        .route("/conversation/draft", post(create_draft))
        .route("/conversation/draft/{id}", put(update_draft))
        .route("/conversation/send", post(send))
        .route("/conversation/toggleUnread", post(toggle_unread))
        .route("/conversation/trash", put(trash))
        .route("/conversation/restore", put(restore))
        .route("/conversation/delete", put(delete_messages))
        .route("/conversation/emptyTrash", delete(empty_trash))
        .route(
            "/conversation/move/userfolder/{folder}",
            put(move_to_folder),
        )
        .route("/conversation/move/root", put(move_to_root))
        .route("/conversation/folder", post(create_folder))
        .route("/conversation/folder/{folder}", put(rename_folder))
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

fn empty_json() -> Response {
    (StatusCode::OK, Json(serde_json::json!({}))).into_response()
}

/// A message as stored.
#[derive(Debug, Clone)]
pub(crate) struct MsgRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub thread_id: Option<String>,
    pub subject: String,
    pub body: String,
    pub from_id: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub cci: Vec<String>,
    pub names: Vec<Named>,
    pub state: String,
    pub date: i64,
    pub no_reply: bool,
}

const MSG_COLS: &str = "m.id, m.parent_id, m.thread_id, m.subject, m.body, m.from_id, m.to_ids, m.cc_ids, m.cci_ids, m.display_names, m.state, m.date, m.no_reply";

fn msg_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MsgRow> {
    let json = |i: usize| -> rusqlite::Result<Vec<String>> {
        let s: String = r.get(i)?;
        Ok(serde_json::from_str(&s).unwrap_or_default())
    };
    let names: String = r.get(9)?;
    Ok(MsgRow {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        thread_id: r.get(2)?,
        subject: r.get(3)?,
        body: r.get(4)?,
        from_id: r.get(5)?,
        to: json(6)?,
        cc: json(7)?,
        cci: json(8)?,
        names: serde_json::from_str(&names).unwrap_or_default(),
        state: r.get(10)?,
        date: r.get(11)?,
        no_reply: r.get(12)?,
    })
}

pub(crate) fn load_message(conn: &Connection, id: &str) -> rusqlite::Result<Option<MsgRow>> {
    conn.query_row(
        &format!("SELECT {MSG_COLS} FROM messages m WHERE m.id = ?1"),
        [id],
        msg_from_row,
    )
    .optional()
}

fn state_of(s: &str) -> MessageState {
    match s {
        "DRAFT" => MessageState::Draft,
        "SENT" => MessageState::Sent,
        "RECALL" => MessageState::Recall,
        "SCHEDULE" => MessageState::Schedule,
        other => MessageState::Other(other.to_owned()),
    }
}

/// Indexes a message for search: subject, the text of its body, its snapshot names (§1.4).
pub(crate) fn index_message(tx: &Connection, m: &MsgRow) -> rusqlite::Result<()> {
    let rowid: i64 = tx.query_row("SELECT rowid FROM messages WHERE id = ?1", [&m.id], |r| {
        r.get(0)
    })?;
    tx.execute("DELETE FROM messages_fts WHERE rowid = ?1", [rowid])?;
    let names: Vec<&str> = m.names.iter().map(|n| n.1.as_str()).collect();
    tx.execute(
        "INSERT INTO messages_fts (rowid, subject, body, names) VALUES (?1, ?2, ?3, ?4)",
        params![
            rowid,
            m.subject,
            ent_protocol::html_to_text(&m.body),
            names.join(" ")
        ],
    )?;
    Ok(())
}

/// Writes a message row (insert or replace) and its index entry.
pub(crate) fn save_message(tx: &Connection, m: &MsgRow) -> rusqlite::Result<()> {
    let j = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    let names = serde_json::to_string(&m.names).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT INTO messages (id, parent_id, thread_id, subject, body, from_id, to_ids, cc_ids, cci_ids, display_names, state, date, no_reply)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(id) DO UPDATE SET parent_id=excluded.parent_id, thread_id=excluded.thread_id, subject=excluded.subject,
           body=excluded.body, to_ids=excluded.to_ids, cc_ids=excluded.cc_ids, cci_ids=excluded.cci_ids,
           display_names=excluded.display_names, state=excluded.state, date=excluded.date, no_reply=excluded.no_reply",
        params![m.id, m.parent_id, m.thread_id, m.subject, m.body, m.from_id, j(&m.to), j(&m.cc), j(&m.cci), names, m.state, m.date, m.no_reply],
    )?;
    index_message(tx, m)
}

/// The caller's row for a message: (folder_id, trashed, unread).
fn user_row(
    conn: &Connection,
    user: &str,
    id: &str,
) -> rusqlite::Result<Option<(Option<String>, bool, bool)>> {
    conn.query_row(
        "SELECT folder_id, trashed, unread FROM usermessages WHERE user_id = ?1 AND message_id = ?2",
        params![user, id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// MultipleMessageUserFilter (§9, §12 items 8 and 30): the caller owns a row for every id, and
/// ids are distinct (a duplicate makes the counts differ, hence 401 as on a real ENT). One id
/// the caller no longer has (deleted on the web page meanwhile) refuses the whole batch with
/// 401 + HTML, as entcore's `MultipleMessageUserFilter`, `FoldersMessagesFilter` and
/// `MessageUserFilter` do (count of distinct owned ids compared with the ids sent); nothing of
/// the batch is applied.
fn owns_all(conn: &Connection, user: &str, ids: &[String]) -> rusqlite::Result<bool> {
    if ids.is_empty() {
        return Ok(false);
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
    Ok(found == ids.len())
}

/// Sets one column of the caller's rows for `ids` to `value`, in the caller's transaction:
/// `sql` takes the user (?1), the message id (?2) and `value` (?3). Answers 401 unless the
/// caller owns every id, as [`owns_all`] decides.
fn update_owned(
    tx: &Connection,
    user: &str,
    ids: &[String],
    sql: &str,
    value: &dyn rusqlite::ToSql,
) -> anyhow::Result<Result<(), ApiError>> {
    if !owns_all(tx, user, ids)? {
        return Ok(Err(ApiError::Unauthorized));
    }
    let mut stmt = tx.prepare_cached(sql)?;
    for id in ids {
        stmt.execute(params![user, id, value])?;
    }
    Ok(Ok(()))
}

fn folder_owner(conn: &Connection, folder: &str) -> rusqlite::Result<Option<(String, i64)>> {
    conn.query_row(
        "SELECT user_id, depth FROM folders WHERE id = ?1",
        [folder],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

// ---------------------------------------------------------------------------------------------
// Read side

async fn max_depth(State(state): State<AppState>, _caller: Caller) -> Json<MaxDepth> {
    Json(MaxDepth {
        max_depth: state.cfg.max_folder_depth,
        recall_delay_minutes: Some(state.cfg.recall_delay_minutes),
        get_visible_strategy: Some("all-at-once".into()),
    })
}

#[derive(Deserialize)]
struct DepthQuery {
    depth: Option<String>,
}

async fn folder_tree(
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
        .read(move |conn| {
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
        })
        .await?;
    if depth == 1 {
        return Ok(Json(rows));
    }
    fn build(parent: Option<&str>, all: &[FolderTreeItem]) -> Vec<FolderTreeItem> {
        let mut level: Vec<FolderTreeItem> = all
            .iter()
            .filter(|f| f.parent_id.as_deref() == parent)
            .cloned()
            .map(|mut f| {
                f.sub_folders = Some(build(Some(&f.id), all));
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
    Ok(Json(build(None, &rows)))
}

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
    let owner = state.db.read(move |c| Ok(folder_owner(c, &id)?)).await?;
    match owner {
        Some((owner, _)) if owner == u => Ok(Folder::User(name.to_owned())),
        _ => Err(ApiError::Unauthorized),
    }
}

#[derive(Deserialize)]
struct CountQuery {
    unread: Option<String>,
}

async fn count_uncached(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
    Query(q): Query<CountQuery>,
) -> ApiResult<Json<Count>> {
    let folder = resolve_folder(&state, &caller.user_id, &folder).await?;
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
        .read(move |c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let n: u64 = match folder_id {
                Some(f) => stmt.query_row(params![user, f], |r| r.get(0))?,
                None => stmt.query_row(params![user], |r| r.get(0))?,
            };
            Ok(n)
        })
        .await?;
    Ok(Json(Count { count: n }))
}

#[derive(Deserialize)]
struct ListQuery {
    page: Option<String>,
    page_size: Option<String>,
    unread: Option<String>,
    search: Option<String>,
}

/// FTS5 query: each word (letters and digits) as a quoted prefix term, all required.
fn fts_query(search: &str) -> Option<String> {
    let terms: Vec<String> = search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

async fn list_uncached(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<MessageListItem>>> {
    let folder = resolve_folder(&state, &caller.user_id, &folder).await?;
    let page: i64 = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(0);
    if page < 0 {
        return Ok(Json(Vec::new()));
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
    let folder_id = match &folder {
        Folder::User(id) => id.clone(),
        Folder::System(_) => String::new(),
    };
    let user = caller.user_id.clone();
    let st = state.clone();
    let items = state
        .db
        .read(move |c| {
            let uses_folder = cond.contains("?2");
            let mut p: Vec<rusqlite::types::Value> = vec![user.clone().into()];
            if uses_folder || search.is_some() {
                p.push(folder_id.into());
            }
            if let Some(s) = &search {
                p.push(s.clone().into());
            }
            let total: u64 = c
                .prepare_cached(&format!("SELECT count(*) FROM usermessages u WHERE u.user_id = ?1 AND ({cond})"))?
                .query_row(params_from_iter(p.iter()), |r| r.get(0))?;
            let sql = format!(
                "SELECT {MSG_COLS}, u.unread,
                   EXISTS(SELECT 1 FROM messages c JOIN usermessages cu ON cu.message_id = c.id AND cu.user_id = ?1
                          WHERE c.parent_id = m.id AND c.from_id = ?1 AND c.state IN ('SENT','RECALL')),
                   EXISTS(SELECT 1 FROM usermessagesattachments a WHERE a.user_id = ?1 AND a.message_id = m.id)
                 FROM usermessages u JOIN messages m ON m.id = u.message_id
                 WHERE u.user_id = ?1 AND ({cond})
                 ORDER BY u.date DESC LIMIT {size} OFFSET {}",
                page.saturating_mul(size)
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(params_from_iter(p.iter()), |r| {
                    Ok((msg_from_row(r)?, r.get::<_, bool>(13)?, r.get::<_, bool>(14)?, r.get::<_, bool>(15)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let dir = &st.cfg.directory;
            Ok(rows
                .into_iter()
                .map(|(m, unread, response, has_attachment)| {
                    let recalled_for_me = m.state == "RECALL" && m.from_id != user;
                    MessageListItem {
                        subject: Some(if recalled_for_me { String::new() } else { m.subject.clone() }),
                        from: render::user_ref(dir, &m.from_id, &m.names),
                        to: render::recipients(dir, &m.to, &m.names),
                        cc: render::recipients(dir, &m.cc, &m.names),
                        cci: render::cci_for(dir, &user, &m.from_id, &m.cci, &m.names),
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
        })
        .await?;
    Ok(Json(items))
}

pub(crate) fn attachments_of(
    conn: &Connection,
    user: &str,
    message: &str,
) -> rusqlite::Result<Vec<Attachment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, a.charset, a.filename, a.content_type, a.transfer_encoding, a.size
         FROM usermessagesattachments l JOIN attachments a ON a.id = l.attachment_id
         WHERE l.user_id = ?1 AND l.message_id = ?2 ORDER BY a.rowid",
    )?;
    let rows = stmt
        .query_map(params![user, message], |r| {
            Ok(Attachment {
                id: r.get(0)?,
                name: r.get(1)?,
                charset: r.get(2)?,
                filename: r.get(3)?,
                content_type: r.get(4)?,
                content_transfer_encoding: r.get(5)?,
                size: r.get(6)?,
            })
        })?
        .collect();
    rows
}

/// Marks a message read for `user` when it is unread (a read mutates, §12 item 1; also a
/// draft or send with `In-Reply-To`, and linking a forward's attachments, §12 item 33).
pub(crate) fn mark_read(tx: &Connection, user: &str, id: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE usermessages SET unread = 0 WHERE user_id = ?1 AND message_id = ?2 AND unread = 1",
        params![user, id],
    )?;
    Ok(())
}

/// A cached answer is served only when nothing was written since it was read, so the message
/// is still marked read and nothing else changed; a miss marks read first, then reads.
async fn read_message(
    State(state): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let key = uri.path().to_owned();
    if let Some(body) = state
        .cache
        .get(&caller.user_id, &key, state.db.generation())
    {
        return Ok(json_bytes(body));
    }
    let uid = caller.user_id.clone();
    // The generation is taken inside, after marking read and before reading.
    let Json((generation, message)) = read_message_uncached(state.clone(), caller, id).await?;
    let body = Bytes::from(serde_json::to_vec(&message).map_err(anyhow::Error::from)?);
    state.cache.put(&uid, &key, generation, body.clone());
    Ok(json_bytes(body))
}

async fn read_message_uncached(
    state: AppState,
    caller: Caller,
    id: String,
) -> ApiResult<Json<(u64, Message)>> {
    let user = caller.user_id.clone();
    let mid = id.clone();
    let row = state
        .db
        .read(move |c| Ok(user_row(c, &user, &mid)?))
        .await?;
    let Some((folder_id, trashed, unread)) = row else {
        return Err(ApiError::Unauthorized);
    };
    if unread {
        let (user, mid) = (caller.user_id.clone(), id.clone());
        state
            .db
            .write(move |tx| Ok(mark_read(tx, &user, &mid)?))
            .await?;
    }
    let generation = state.db.generation();
    let (user, mid) = (caller.user_id.clone(), id.clone());
    let (msg, atts) = state
        .db
        .read(move |c| {
            let m = load_message(c, &mid)?.context("message row vanished")?;
            let a = attachments_of(c, &user, &mid)?;
            Ok((m, a))
        })
        .await?;
    let dir = &state.cfg.directory;
    let user = &caller.user_id;
    let recalled_for_me = msg.state == "RECALL" && &msg.from_id != user;
    let mut out = Message {
        id: msg.id.clone(),
        parent_id: msg.parent_id.clone(),
        thread_id: msg.thread_id.clone(),
        subject: Some(msg.subject.clone()),
        body: msg.body.clone(),
        from: render::user_ref(dir, &msg.from_id, &msg.names),
        to: render::recipients(dir, &msg.to, &msg.names),
        cc: render::recipients(dir, &msg.cc, &msg.names),
        cci: render::cci_for(dir, user, &msg.from_id, &msg.cci, &msg.names),
        state: state_of(&msg.state),
        date: msg.date,
        language: Some("fr".into()),
        no_reply: msg.no_reply,
        content_version: Some(1),
        folder_id,
        trashed,
        unread: false,
        original_format_exists: false,
        attachments: atts,
    };
    if recalled_for_me {
        out.subject = Some(String::new());
        out.body = String::new();
        out.attachments = Vec::new();
        let me: Vec<String> = vec![user.clone()];
        let names = render::snapshot(dir, &me);
        out.to = render::recipients(dir, &me, &names);
        out.cc = Default::default();
    }
    Ok(Json((generation, out)))
}

// ---------------------------------------------------------------------------------------------
// Drafts and send

#[derive(Deserialize)]
struct ReplyQuery {
    #[serde(rename = "In-Reply-To")]
    in_reply_to: Option<String>,
    id: Option<String>,
}

/// Keeps each recipient id once per list, in first-seen order (unless
/// `keep_duplicate_recipients` reproduces entcore, which stores the arrays as sent), and refuses
/// more than `max_recipients` distinct ids over to + cc + cci: a request naming one user 50,000
/// times must not become 50,000 names on every copy.
fn limit_recipients(body: &mut DraftBody, cfg: &crate::Config) -> ApiResult<()> {
    let mut distinct: HashSet<String> = HashSet::new();
    for list in [&mut body.to, &mut body.cc, &mut body.cci]
        .into_iter()
        .flatten()
    {
        if !cfg.keep_duplicate_recipients {
            let mut seen: HashSet<String> = HashSet::new();
            list.retain(|id| seen.insert(id.clone()));
        }
        distinct.extend(list.iter().cloned());
        if distinct.len() > cfg.max_recipients {
            return Err(ApiError::bad(TOO_MANY_RECIPIENTS));
        }
    }
    Ok(())
}

fn check_subject(body: &DraftBody) -> ApiResult<()> {
    if body
        .subject
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SUBJECT_CHARS)
    {
        return Err(ApiError::BadRequest(
            "value too long for type character varying(1024)".into(),
        ));
    }
    Ok(())
}

/// Loads the parent for the caller (401-free: a missing row is a 400 on draft, §4.7), refuses
/// a noReply parent, marks it read.
fn take_parent(tx: &Connection, user: &str, parent: &str) -> ApiResult<MsgRow> {
    if user_row(tx, user, parent)?.is_none() {
        return Err(ApiError::BadRequestEmpty);
    }
    let p = load_message(tx, parent)?.ok_or(ApiError::BadRequestEmpty)?;
    if p.no_reply {
        return Err(ApiError::Forbidden(keys::REPLY_NOT_ALLOWED));
    }
    mark_read(tx, user, parent)?;
    Ok(p)
}

fn participants(m: &MsgRow) -> Vec<String> {
    let mut v = vec![m.from_id.clone()];
    v.extend(m.to.iter().cloned());
    v.extend(m.cc.iter().cloned());
    v
}

async fn create_draft(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReplyQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut body: DraftBody = if body.is_empty() {
        DraftBody::default()
    } else {
        parse(&body)?
    };
    check_subject(&body)?;
    limit_recipients(&mut body, &state.cfg)?;
    let st = state.clone();
    let id = state
        .db
        .write(move |tx| {
            let user = caller.user_id;
            let parent = match q.in_reply_to.as_deref() {
                Some(p) => Some(match take_parent(tx, &user, p) {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(e)),
                }),
                None => None,
            };
            let id = new_id();
            let mut m = MsgRow {
                id: id.clone(),
                parent_id: parent.as_ref().map(|p| p.id.clone()),
                thread_id: Some(parent.as_ref().and_then(|p| p.thread_id.clone()).unwrap_or_else(|| id.clone())),
                subject: body.subject.unwrap_or_default(),
                body: body.body.unwrap_or_default(),
                from_id: user.clone(),
                to: body.to.unwrap_or_default(),
                cc: body.cc.unwrap_or_default(),
                cci: body.cci.unwrap_or_default(),
                names: Vec::new(),
                state: "DRAFT".into(),
                date: now_ms(),
                no_reply: body.no_reply.unwrap_or(false),
            };
            let exempt = parent.as_ref().map(participants).unwrap_or_default();
            m.names = names_for(&st, &m, &exempt);
            save_message(tx, &m)?;
            // The author's draft row is unread, as on a real ENT (§12 item 16).
            tx.execute(
                "INSERT INTO usermessages (user_id, message_id, unread, is_author, is_recipient, state, date) VALUES (?1, ?2, 1, 1, 0, 'DRAFT', ?3)",
                params![user, id, m.date],
            )?;
            Ok(Ok(id))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(IdResponse { id })).into_response())
}

/// The display-name snapshot of a message: the sender, and the recipients he may see — those
/// visible to him, or the participants of the message he answers (`exempt`, the ids entcore's
/// `VisiblesFilter` leaves out of its check). A draft may name any id (entcore checks
/// visibility only on send), but an id the author cannot see gets no name: his draft must not
/// tell him who it is. entcore snapshots every `Visible` node
/// (`Neo4jConversationService.addDisplayNames`), which leaks them (COMPATIBILITY.md).
fn names_for(state: &AppState, m: &MsgRow, exempt: &[String]) -> Vec<Named> {
    let dir = &state.cfg.directory;
    let recipients: Vec<String> =
        m.to.iter()
            .chain(&m.cc)
            .chain(&m.cci)
            .filter(|id| **id != m.from_id)
            .cloned()
            .collect();
    let hidden: HashSet<String> = match dir.can_send(&m.from_id, &recipients, exempt) {
        Ok(()) => HashSet::new(),
        Err(not_visible) => not_visible.ids.into_iter().collect(),
    };
    let ids: Vec<&String> = std::iter::once(&m.from_id)
        .chain(recipients.iter().filter(|id| !hidden.contains(*id)))
        .collect();
    render::snapshot(dir, ids)
}

async fn update_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut body: DraftBody = parse(&body)?;
    check_subject(&body)?;
    limit_recipients(&mut body, &state.cfg)?;
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let user = caller.user_id;
            let Some(mut m) = load_message(tx, &id)? else {
                return Ok(Err(ApiError::Unauthorized));
            };
            if m.from_id != user || user_row(tx, &user, &id)?.is_none() {
                return Ok(Err(ApiError::Unauthorized));
            }
            if m.state != "DRAFT" {
                // A real ENT silently updates nothing (§4.8).
                return Ok(Ok(()));
            }
            apply(&mut m, body);
            m.date = now_ms();
            let parent = match &m.parent_id {
                Some(p) => load_message(tx, p)?,
                None => None,
            };
            let exempt = parent.as_ref().map(participants).unwrap_or_default();
            m.names = names_for(&st, &m, &exempt);
            save_message(tx, &m)?;
            tx.execute(
                "UPDATE usermessages SET date = ?1 WHERE message_id = ?2",
                params![m.date, id],
            )?;
            Ok(Ok(()))
        })
        .await??;
    Ok(empty_json())
}

fn apply(m: &mut MsgRow, body: DraftBody) {
    if let Some(s) = body.subject {
        m.subject = s;
    }
    if let Some(b) = body.body {
        m.body = b;
    }
    if let Some(v) = body.to {
        m.to = v;
    }
    if let Some(v) = body.cc {
        m.cc = v;
    }
    if let Some(v) = body.cci {
        m.cci = v;
    }
    if let Some(n) = body.no_reply {
        m.no_reply = n;
    }
}

async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReplyQuery>,
    body: Bytes,
) -> ApiResult<Json<SendResponse>> {
    let mut body: DraftBody = if body.is_empty() {
        DraftBody::default()
    } else {
        parse(&body)?
    };
    check_subject(&body)?;
    limit_recipients(&mut body, &state.cfg)?;
    let resp = send_message(state, caller.user_id, q.id, q.in_reply_to, body).await?;
    Ok(Json(resp))
}

/// The send algorithm of §7, in one transaction.
pub(crate) async fn send_message(
    state: AppState,
    user: String,
    draft_id: Option<String>,
    in_reply_to: Option<String>,
    body: DraftBody,
) -> ApiResult<SendResponse> {
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let dir = &st.cfg.directory;
            // 1. Authorise: owner of the draft, or reader of the parent.
            let existing = match &draft_id {
                Some(id) => {
                    let m = load_message(tx, id)?;
                    match m {
                        Some(m) if m.from_id == user && user_row(tx, &user, id)?.is_some() => Some(m),
                        _ => return Ok(Err(ApiError::Unauthorized)),
                    }
                }
                None => None,
            };
            let parent_id = in_reply_to.or_else(|| existing.as_ref().and_then(|m| m.parent_id.clone()));
            let parent = match &parent_id {
                Some(p) => {
                    if user_row(tx, &user, p)?.is_none() {
                        return Ok(Err(ApiError::Unauthorized));
                    }
                    load_message(tx, p)?
                }
                None => None,
            };
            let to = body.to.clone().unwrap_or_default();
            let cc = body.cc.clone().unwrap_or_default();
            let cci = body.cci.clone().unwrap_or_default();
            let all: Vec<String> = to.iter().chain(&cc).chain(&cci).cloned().collect();
            let exempt = parent.as_ref().map(participants).unwrap_or_default();
            if dir.can_send(&user, &all, &exempt).is_err() {
                return Ok(Err(ApiError::Unauthorized));
            }
            if let Some(p) = &parent {
                if p.no_reply {
                    return Ok(Err(ApiError::Forbidden(keys::REPLY_NOT_ALLOWED)));
                }
                mark_read(tx, &user, &p.id)?;
            }
            // 4. Save (recipients from the body, §12 item 3).
            let now = now_ms();
            let mut m = match existing {
                Some(m) if m.state != "DRAFT" => {
                    return Ok(Err(ApiError::BadRequest(format!("Concurrency error: state mismatch for message {}", m.id).into())));
                }
                Some(mut m) => {
                    apply(&mut m, body.clone());
                    m.to = to.clone();
                    m.cc = cc.clone();
                    m.cci = cci.clone();
                    m
                }
                None => {
                    let id = new_id();
                    let m = MsgRow {
                        id: id.clone(),
                        parent_id: parent.as_ref().map(|p| p.id.clone()),
                        thread_id: None,
                        subject: body.subject.clone().unwrap_or_default(),
                        body: body.body.clone().unwrap_or_default(),
                        from_id: user.clone(),
                        to: to.clone(),
                        cc: cc.clone(),
                        cci: cci.clone(),
                        names: Vec::new(),
                        state: "DRAFT".into(),
                        date: now,
                        no_reply: body.no_reply.unwrap_or(false),
                    };
                    tx.execute(
                        "INSERT INTO messages (id, from_id, state, date) VALUES (?1, ?2, 'DRAFT', ?3)",
                        params![id, user, now],
                    )?;
                    tx.execute(
                        "INSERT INTO usermessages (user_id, message_id, unread, is_author, is_recipient, state, date) VALUES (?1, ?2, 1, 1, 0, 'DRAFT', ?3)",
                        params![user, id, now],
                    )?;
                    m
                }
            };
            // Thread (§3.5): join the parent's thread when the public participants are unchanged.
            m.thread_id = Some(match &parent {
                Some(p) => {
                    let mut a: Vec<String> = participants(p);
                    let mut b: Vec<String> = participants(&m);
                    a.sort();
                    a.dedup();
                    b.sort();
                    b.dedup();
                    if a == b { p.thread_id.clone().unwrap_or_else(|| p.id.clone()) } else { m.id.clone() }
                }
                None => m.thread_id.clone().unwrap_or_else(|| m.id.clone()),
            });
            m.names = names_for(&st, &m, &exempt);
            let scheduled = body.schedule_at.is_some();
            m.state = if scheduled { "SCHEDULE".into() } else { "SENT".into() };
            m.date = now;
            save_message(tx, &m)?;
            // 5–6. Attachments and expansion.
            let atts = attachments_of(tx, &user, &m.id)?;
            let total: u64 = atts.iter().map(|a| a.size).sum();
            let exp = dir.expand(&user, &all);
            let self_direct = to.contains(&user) || cc.contains(&user);
            tx.execute(
                "UPDATE usermessages SET state = ?3, date = ?4, unread = ?5, is_recipient = ?6 WHERE user_id = ?1 AND message_id = ?2",
                params![user, m.id, m.state, now, exp.sender_included, exp.sender_included || self_direct],
            )?;
            let inactive_names: Vec<String> = if atts.is_empty() {
                exp.inactive_user_ids.iter().filter_map(|id| dir.user(id).map(|u| u.display_name.clone())).collect()
            } else {
                Vec::new()
            };
            if !scheduled {
                // 7. Deliver: one row per target, one link per attachment, quota charged.
                let mut ins = tx.prepare_cached(
                    "INSERT OR IGNORE INTO usermessages (user_id, message_id, unread, total_quota, is_author, is_recipient, state, date) VALUES (?1, ?2, 1, ?3, 0, 1, ?4, ?5)",
                )?;
                let mut link = tx.prepare_cached("INSERT OR IGNORE INTO usermessagesattachments (user_id, message_id, attachment_id) VALUES (?1, ?2, ?3)")?;
                let mut quota = tx.prepare_cached(
                    "INSERT INTO quotas (user_id, storage) VALUES (?1, ?2) ON CONFLICT(user_id) DO UPDATE SET storage = storage + excluded.storage",
                )?;
                let mut notify = tx.prepare_cached(
                    "INSERT INTO notifications (id, recipient_id, sender_id, resource, params, date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                let params_json = crate::timeline::params_for(dir, &user, &m.id, &m.subject).to_string();
                for target in &exp.user_ids {
                    ins.execute(params![target, m.id, total, m.state, now])?;
                    for a in &atts {
                        link.execute(params![target, m.id, a.id])?;
                    }
                    if total > 0 {
                        quota.execute(params![target, total])?;
                    }
                    notify.execute(params![new_id(), target, user, m.id, params_json, now])?;
                }
            }
            let sent = exp.user_ids.len() as u64 + u64::from(exp.sender_included);
            Ok(Ok(SendResponse {
                id: m.id.clone(),
                subject: Some(m.subject.clone()),
                body: Some(m.body.clone()),
                thread_id: m.thread_id.clone(),
                sent,
                inactive_count: inactive_names.len() as u64,
                inactive: inactive_names.into_iter().take(INACTIVE_THRESHOLD).collect(),
                undelivered: Vec::new(),
            }))
        })
        .await?
}

async fn recall(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let delay_ms = i64::from(state.cfg.recall_delay_minutes) * 60_000;
    state
        .db
        .write(move |tx| {
            let m = load_message(tx, &id)?;
            match m {
                Some(m)
                    if m.from_id == caller.user_id
                        && m.state == "SENT"
                        && m.date >= now_ms() - delay_ms =>
                {
                    tx.execute("UPDATE messages SET state = 'RECALL' WHERE id = ?1", [&id])?;
                    tx.execute(
                        "UPDATE usermessages SET state = 'RECALL' WHERE message_id = ?1",
                        [&id],
                    )?;
                    Ok(Ok(()))
                }
                _ => Ok(Err(ApiError::bad(keys::RECALL))),
            }
        })
        .await??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------------------------------------
// State changes

async fn toggle_unread(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let body: ToggleUnreadBody = parse(&body)?;
    state
        .db
        .write(move |tx| {
            update_owned(
                tx,
                &caller.user_id,
                &body.id,
                "UPDATE usermessages SET unread = ?3 WHERE user_id = ?1 AND message_id = ?2",
                &body.unread,
            )
        })
        .await??;
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
        .await??;
    Ok(empty_json())
}

async fn trash(State(state): State<AppState>, caller: Caller, body: Bytes) -> ApiResult<Response> {
    set_trashed(state, caller, body, true).await
}

async fn restore(
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

async fn delete_messages(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let body: IdsBody = parse(&body)?;
    state
        .db
        .write(move |tx| {
            if !owns_all(tx, &caller.user_id, &body.id)? {
                return Ok(Err(ApiError::Unauthorized));
            }
            delete_rows(tx, &caller.user_id, Some(&body.id))?;
            Ok(Ok(()))
        })
        .await??;
    Ok(StatusCode::OK.into_response())
}

async fn empty_trash(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    state
        .db
        .write(move |tx| Ok(delete_rows(tx, &caller.user_id, None)?))
        .await?;
    Ok(StatusCode::OK.into_response())
}

async fn move_to_folder(
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
            if !matches!(folder_owner(tx, &folder)?, Some((o, _)) if o == user) {
                return Ok(Err(ApiError::Unauthorized));
            }
            update_owned(
                tx,
                &user,
                &body.id,
                "UPDATE usermessages SET folder_id = ?3 WHERE user_id = ?1 AND message_id = ?2",
                &folder,
            )
        })
        .await??;
    Ok(empty_json())
}

async fn move_to_root(
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
        .await??;
    Ok(empty_json())
}

// ---------------------------------------------------------------------------------------------
// User folders

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
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

async fn create_folder(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let body: CreateFolderBody = parse(&body)?;
    let name = folder_name(&body.name)?;
    let max = i64::from(state.cfg.max_folder_depth);
    let id = state
        .db
        .write(move |tx| {
            let user = caller.user_id;
            let depth = match &body.parent_id {
                Some(p) => match folder_owner(tx, p)? {
                    Some((o, d)) if o == user => {
                        if d >= max {
                            return Ok(Err(ApiError::bad(keys::MAX_FOLDER_DEPTH)));
                        }
                        d + 1
                    }
                    _ => return Ok(Err(ApiError::Unauthorized)),
                },
                None => 1,
            };
            let id = new_id();
            match tx.execute(
                "INSERT INTO folders (id, parent_id, user_id, name, depth) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, body.parent_id, user, name, depth],
            ) {
                Ok(_) => Ok(Ok(id)),
                Err(e) if is_unique_violation(&e) => Ok(Err(ApiError::bad(keys::DUPLICATE_FOLDER))),
                Err(e) => Err(e.into()),
            }
        })
        .await??;
    Ok((StatusCode::CREATED, Json(IdResponse { id })).into_response())
}

async fn rename_folder(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body: RenameFolderBody = parse(&body)?;
    let name = folder_name(&body.name)?;
    state
        .db
        .write(move |tx| {
            if !matches!(folder_owner(tx, &folder)?, Some((o, _)) if o == caller.user_id) {
                return Ok(Err(ApiError::Unauthorized));
            }
            match tx.execute(
                "UPDATE folders SET name = ?2 WHERE id = ?1",
                params![folder, name],
            ) {
                Ok(_) => Ok(Ok(())),
                Err(e) if is_unique_violation(&e) => Ok(Err(ApiError::bad(keys::DUPLICATE_FOLDER))),
                Err(e) => Err(e.into()),
            }
        })
        .await??;
    Ok(empty_json())
}

async fn delete_folder(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
) -> ApiResult<Response> {
    state
        .db
        .write(move |tx| {
            let user = caller.user_id;
            if !matches!(folder_owner(tx, &folder)?, Some((o, _)) if o == user) {
                return Ok(Err(ApiError::Unauthorized));
            }
            // Messages of the folder and its descendants go to the trash (§4.14).
            tx.execute(
                "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id)
                 UPDATE usermessages SET trashed = 1, folder_id = NULL WHERE user_id = ?2 AND folder_id IN (SELECT id FROM sub)",
                params![folder, user],
            )?;
            tx.execute("DELETE FROM folders WHERE id = ?1", [&folder])?;
            Ok(Ok(()))
        })
        .await??;
    Ok(empty_json())
}

fn json_bytes(body: Bytes) -> Response {
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
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
    F: std::future::Future<Output = ApiResult<Json<T>>>,
{
    let key = uri.to_string();
    let generation = state.db.generation();
    if let Some(body) = state.cache.get(user, &key, generation) {
        return Ok(json_bytes(body));
    }
    let Json(value) = compute.await?;
    let body = Bytes::from(serde_json::to_vec(&value).map_err(anyhow::Error::from)?);
    state.cache.put(user, &key, generation, body.clone());
    Ok(json_bytes(body))
}

async fn count(
    State(state): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    path: Path<String>,
    query: Query<CountQuery>,
) -> ApiResult<Response> {
    let user = caller.user_id.clone();
    cached(
        &state,
        &user,
        &uri,
        count_uncached(State(state.clone()), caller, path, query),
    )
    .await
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    path: Path<String>,
    query: Query<ListQuery>,
) -> ApiResult<Response> {
    let user = caller.user_id.clone();
    cached(
        &state,
        &user,
        &uri,
        list_uncached(State(state.clone()), caller, path, query),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_prefix_terms_and_punctuation_cannot_inject_syntax() {
        assert_eq!(
            fts_query("élève\" OR x*").as_deref(),
            Some("\"élève\"* \"OR\"* \"x\"*")
        );
        assert_eq!(fts_query("--"), None);
    }
}
