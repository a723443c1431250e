//! Drafts (§4.7, §4.8): what a draft or send body may hold (subject length, recipients), the
//! parent a reply answers, the display-name snapshot, and creating and updating a draft.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ent_protocol::error::keys;
use ent_protocol::{DraftBody, IdResponse};
use rusqlite::{params, Connection};
use serde::Deserialize;

use super::message::{load_message, mark_read, save_message, MsgRow};
use super::{empty_json, new_id, now_ms, parse, parse_or_default, user_row};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::render::{self, Named};
use crate::State as AppState;

/// `subject` is VARCHAR(1024) on a real ENT (§1.4).
const MAX_SUBJECT_CHARS: usize = 1024;
/// The answer over [`crate::Config::max_recipients`] (entcore has no cap, hence no key of its own).
const TOO_MANY_RECIPIENTS: &str = "conversation.error.too.many.recipients";

#[derive(Deserialize)]
pub(super) struct ReplyQuery {
    #[serde(rename = "In-Reply-To")]
    pub in_reply_to: Option<String>,
    pub id: Option<String>,
}

/// A draft or send body, checked: subject within VARCHAR(1024), recipients limited as
/// [`limit_recipients`] says.
pub(super) fn checked(mut body: DraftBody, cfg: &crate::Config) -> ApiResult<DraftBody> {
    check_subject(&body)?;
    limit_recipients(&mut body, cfg)?;
    Ok(body)
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

/// The public participants of a message: its sender, `to` and `cc`.
pub(super) fn participants(m: &MsgRow) -> Vec<String> {
    let mut v = vec![m.from_id.clone()];
    v.extend(m.to.iter().cloned());
    v.extend(m.cc.iter().cloned());
    v
}

/// `POST /conversation/draft[?In-Reply-To={parent}]` (§4.7): 201 with the new id.
pub(super) async fn create_draft(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReplyQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    // An empty body is an empty draft.
    let body = checked(parse_or_default(&body)?, &state.cfg)?;
    let st = state.clone();
    let id = state
        .db
        .write(move |tx| insert_draft(tx, &st, &caller.user_id, q.in_reply_to.as_deref(), body))
        .await?;
    Ok((StatusCode::CREATED, Json(IdResponse { id })).into_response())
}

/// Saves a new draft of `user`, answering `parent` when given; its row is the author's.
fn insert_draft(
    tx: &Connection,
    state: &AppState,
    user: &str,
    parent: Option<&str>,
    body: DraftBody,
) -> ApiResult<String> {
    let parent = parent.map(|p| take_parent(tx, user, p)).transpose()?;
    let id = new_id();
    let mut m = MsgRow {
        id: id.clone(),
        parent_id: parent.as_ref().map(|p| p.id.clone()),
        thread_id: Some(
            parent
                .as_ref()
                .and_then(|p| p.thread_id.clone())
                .unwrap_or_else(|| id.clone()),
        ),
        subject: body.subject.unwrap_or_default(),
        body: body.body.unwrap_or_default(),
        from_id: user.to_owned(),
        to: body.to.unwrap_or_default(),
        cc: body.cc.unwrap_or_default(),
        cci: body.cci.unwrap_or_default(),
        names: Vec::new(),
        state: "DRAFT".into(),
        date: now_ms(),
        no_reply: body.no_reply.unwrap_or(false),
    };
    let exempt = parent.as_ref().map(participants).unwrap_or_default();
    m.names = names_for(state, &m, &exempt);
    save_message(tx, &m)?;
    // The author's draft row is unread, as on a real ENT (§12 item 16).
    tx.execute(
        "INSERT INTO usermessages (user_id, message_id, unread, is_author, is_recipient, state, date) VALUES (?1, ?2, 1, 1, 0, 'DRAFT', ?3)",
        params![user, id, m.date],
    )?;
    Ok(id)
}

/// The display-name snapshot of a message: the sender, and the recipients he may see — those
/// visible to him, or the participants of the message he answers (`exempt`, the ids entcore's
/// `VisiblesFilter` leaves out of its check). A draft may name any id (entcore checks
/// visibility only on send), but an id the author cannot see gets no name: his draft must not
/// tell him who it is. entcore snapshots every `Visible` node
/// (`Neo4jConversationService.addDisplayNames`), which leaks them (COMPATIBILITY.md).
pub(super) fn names_for(state: &AppState, m: &MsgRow, exempt: &[String]) -> Vec<Named> {
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

/// `PUT /conversation/draft/{id}` (§4.8).
pub(super) async fn update_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    // Unlike create, an empty body is refused.
    let body = checked(parse(&body)?, &state.cfg)?;
    let st = state.clone();
    state
        .db
        .write(move |tx| save_draft(tx, &st, &caller.user_id, &id, body))
        .await?;
    Ok(empty_json())
}

/// Applies `body` to the draft `id` of `user` (401 when it is not his).
fn save_draft(
    tx: &Connection,
    state: &AppState,
    user: &str,
    id: &str,
    body: DraftBody,
) -> ApiResult<()> {
    let Some(mut m) = load_message(tx, id)? else {
        return Err(ApiError::Unauthorized);
    };
    if m.from_id != user || user_row(tx, user, id)?.is_none() {
        return Err(ApiError::Unauthorized);
    }
    if m.state != "DRAFT" {
        // A real ENT silently updates nothing (§4.8).
        return Ok(());
    }
    apply(&mut m, body);
    m.date = now_ms();
    let parent = match &m.parent_id {
        Some(p) => load_message(tx, p)?,
        None => None,
    };
    let exempt = parent.as_ref().map(participants).unwrap_or_default();
    m.names = names_for(state, &m, &exempt);
    save_message(tx, &m)?;
    tx.execute(
        "UPDATE usermessages SET date = ?1 WHERE message_id = ?2",
        params![m.date, id],
    )?;
    Ok(())
}

/// Sets on `m` each field `body` carries.
pub(super) fn apply(m: &mut MsgRow, body: DraftBody) {
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
