//! A message as stored (row mapping, load, save) and reading one
//! (`GET /conversation/api/messages/{id}`, §4.6), which marks it read.

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use ent_protocol::{Message, MessageState};
use rusqlite::{params, Connection, OptionalExtension};

use super::{index, json_bytes, user_row};
use crate::attachments::attachments_of;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::render::{self, Named};
use crate::State as AppState;

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

/// The columns [`msg_from_row`] reads, over `messages m`.
pub(super) const MSG_COLS: &str = "m.id, m.parent_id, m.thread_id, m.subject, m.body, m.from_id, m.to_ids, m.cc_ids, m.cci_ids, m.display_names, m.state, m.date, m.no_reply";

pub(super) fn msg_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MsgRow> {
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

pub(super) fn load_message(conn: &Connection, id: &str) -> rusqlite::Result<Option<MsgRow>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} FROM messages m WHERE m.id = ?1"
    ))?
    .query_row([id], msg_from_row)
    .optional()
}

pub(super) fn state_of(s: &str) -> MessageState {
    match s {
        "DRAFT" => MessageState::Draft,
        "SENT" => MessageState::Sent,
        "RECALL" => MessageState::Recall,
        "SCHEDULE" => MessageState::Schedule,
        other => MessageState::Other(other.to_owned()),
    }
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
    index::index_message(tx, m)
}

/// Marks a message read for `user` when it is unread (a read mutates, §12 item 1; also a
/// draft or send with `In-Reply-To`, and linking a forward's attachments, §12 item 33).
pub(crate) fn mark_read(tx: &Connection, user: &str, id: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE usermessages SET unread = 0 WHERE user_id = ?1 AND message_id = ?2 AND unread = 1",
    )?
    .execute(params![user, id])?;
    Ok(())
}

/// `GET /conversation/api/messages/{id}`. A cached answer is served only when nothing was
/// written since it was read, so the message is still marked read and nothing else changed; a
/// miss marks read first, then reads.
pub(super) async fn read_message(
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
    let (generation, message) = read_message_uncached(state.clone(), caller, id).await?;
    let body = Bytes::from(serde_json::to_vec(&message).map_err(anyhow::Error::from)?);
    state.cache.put(&uid, &key, generation, body.clone());
    Ok(json_bytes(body))
}

/// The message for the caller, and the write generation it was read at. One trip to SQLite's
/// threads for a message already read, two for an unread one (the read finds it unread, the
/// writer marks it read and reads it again in its transaction): each trip is a hand-off between
/// threads, and a first sync reads every message of the mailbox.
async fn read_message_uncached(
    state: AppState,
    caller: Caller,
    id: String,
) -> ApiResult<(u64, Message)> {
    let (user, mid) = (caller.user_id.clone(), id.clone());
    let db = state.db.clone();
    let read = state
        .db
        .read(move |c| -> ApiResult<_> {
            let generation = db.generation();
            Ok(match user_row(c, &user, &mid)? {
                Some((_, _, true)) => None,
                None => Some((generation, None)),
                Some(row) => Some((generation, Some((row, load_for(c, &user, &mid)?)))),
            })
        })
        .await?;
    let (generation, found) = match read {
        Some(read) => read,
        None => {
            let (user, mid) = (caller.user_id.clone(), id.clone());
            let db = state.db.clone();
            state
                .db
                .write_unread(move |tx| -> ApiResult<_> {
                    mark_read(tx, &user, &mid)?;
                    let found = match user_row(tx, &user, &mid)? {
                        Some(row) => Some((row, load_for(tx, &user, &mid)?)),
                        None => None,
                    };
                    // The writer's lock is held until the generation moves past this write,
                    // so what this transaction reads is what that next generation holds.
                    Ok((db.generation() + 1, found))
                })
                .await?
        }
    };
    let Some(((folder_id, trashed, _), (msg, atts))) = found else {
        return Err(ApiError::Unauthorized);
    };
    Ok((
        generation,
        to_wire(&state, &caller.user_id, msg, atts, folder_id, trashed),
    ))
}

/// A message and the attachments `user` holds of it.
fn load_for(
    c: &Connection,
    user: &str,
    id: &str,
) -> ApiResult<(MsgRow, Vec<ent_protocol::Attachment>)> {
    let m = load_message(c, id)?.context("message row vanished")?;
    Ok((m, attachments_of(c, user, id)?))
}

/// The message as `user` sees it: a recalled message keeps only its sender and date for a
/// recipient (§4.10).
fn to_wire(
    state: &AppState,
    user: &String,
    msg: MsgRow,
    attachments: Vec<ent_protocol::Attachment>,
    folder_id: Option<String>,
    trashed: bool,
) -> Message {
    let dir = &state.cfg.directory;
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
        attachments,
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
    out
}
