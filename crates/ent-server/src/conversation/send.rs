//! Send (§4.9, the algorithm of §7) and recall (§4.10). A send is one transaction, in the steps
//! of §7: authorise ([`draft_to_send`], [`parent_to_answer`], the visibility check), save the
//! message ([`message_to_send`], [`thread_of`]), expand the recipients and deliver
//! ([`deliver`]); any refusal leaves nothing written.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ent_directory::{Directory, Expansion};
use ent_protocol::error::keys;
use ent_protocol::{Attachment, DraftBody, SendResponse};
use rusqlite::{params, Connection};

use super::draft::{apply, checked, names_for, participants, ReplyQuery};
use super::message::{load_message, mark_read, save_message, MsgRow};
use super::{new_id, now_ms, parse_or_default, user_row};
use crate::attachments::attachments_of;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::State as AppState;

/// `inactive-user-threshold` (§4.9).
const INACTIVE_THRESHOLD: usize = 50;

/// `POST /conversation/send[?id={draft}][&In-Reply-To={parent}]` (§4.9).
pub(super) async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReplyQuery>,
    body: Bytes,
) -> ApiResult<Json<SendResponse>> {
    let body = checked(parse_or_default(&body)?, &state.cfg)?;
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
        .write(move |tx| send_in(tx, &st, &user, draft_id.as_deref(), in_reply_to, body))
        .await
}

/// The recipients a send names (§12 item 3: those of the body, not of the draft).
struct Recipients {
    to: Vec<String>,
    cc: Vec<String>,
    cci: Vec<String>,
}

impl Recipients {
    fn of(body: &DraftBody) -> Recipients {
        Recipients {
            to: body.to.clone().unwrap_or_default(),
            cc: body.cc.clone().unwrap_or_default(),
            cci: body.cci.clone().unwrap_or_default(),
        }
    }

    fn all(&self) -> Vec<String> {
        self.to
            .iter()
            .chain(&self.cc)
            .chain(&self.cci)
            .cloned()
            .collect()
    }
}

fn send_in(
    tx: &Connection,
    state: &AppState,
    user: &str,
    draft_id: Option<&str>,
    in_reply_to: Option<String>,
    body: DraftBody,
) -> ApiResult<SendResponse> {
    let dir = &state.cfg.directory;
    // 1–3. Authorise: owner of the draft, reader of the parent, recipients visible.
    let existing = draft_id.map(|id| draft_to_send(tx, user, id)).transpose()?;
    let parent_id = in_reply_to.or_else(|| existing.as_ref().and_then(|m| m.parent_id.clone()));
    let parent = parent_id
        .map(|p| parent_to_answer(tx, user, &p))
        .transpose()?
        .flatten();
    let recipients = Recipients::of(&body);
    let all = recipients.all();
    let exempt = parent.as_ref().map(participants).unwrap_or_default();
    if dir.can_send(user, &all, &exempt).is_err() {
        return Err(ApiError::Unauthorized);
    }
    if let Some(p) = &parent {
        if p.no_reply {
            return Err(ApiError::Forbidden(keys::REPLY_NOT_ALLOWED));
        }
        mark_read(tx, user, &p.id)?;
    }
    // 4. Save (recipients from the body, §12 item 3).
    let now = now_ms();
    let mut m = message_to_send(tx, user, existing, parent.as_ref(), &body, &recipients, now)?;
    m.thread_id = Some(thread_of(parent.as_ref(), &m));
    m.names = names_for(state, &m, &exempt);
    let scheduled = body.schedule_at.is_some();
    m.state = if scheduled { "SCHEDULE" } else { "SENT" }.into();
    m.date = now;
    save_message(tx, &m)?;
    // 5–6. Attachments and expansion.
    let atts = attachments_of(tx, user, &m.id)?;
    let exp = dir.expand(user, &all);
    let self_direct =
        recipients.to.iter().any(|id| id == user) || recipients.cc.iter().any(|id| id == user);
    tx.execute(
        "UPDATE usermessages SET state = ?3, date = ?4, unread = ?5, is_recipient = ?6 WHERE user_id = ?1 AND message_id = ?2",
        params![user, m.id, m.state, now, exp.sender_included, exp.sender_included || self_direct],
    )?;
    let inactive_names: Vec<String> = if atts.is_empty() {
        exp.inactive_user_ids
            .iter()
            .filter_map(|id| dir.user(id).map(|u| u.display_name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    if !scheduled {
        // 7. Deliver.
        deliver(tx, dir, user, &m, &atts, &exp, now)?;
    }
    Ok(SendResponse {
        id: m.id.clone(),
        subject: Some(m.subject.clone()),
        body: Some(m.body.clone()),
        thread_id: m.thread_id.clone(),
        sent: exp.user_ids.len() as u64 + u64::from(exp.sender_included),
        inactive_count: inactive_names.len() as u64,
        inactive: inactive_names
            .into_iter()
            .take(INACTIVE_THRESHOLD)
            .collect(),
        undelivered: Vec::new(),
    })
}

/// The draft `id` when `user` wrote it and still has it, else 401.
fn draft_to_send(tx: &Connection, user: &str, id: &str) -> ApiResult<MsgRow> {
    match load_message(tx, id)? {
        Some(m) if m.from_id == user && user_row(tx, user, id)?.is_some() => Ok(m),
        _ => Err(ApiError::Unauthorized),
    }
}

/// The message answered, when `user` has it (else 401); `None` when it no longer exists.
fn parent_to_answer(tx: &Connection, user: &str, id: &str) -> ApiResult<Option<MsgRow>> {
    if user_row(tx, user, id)?.is_none() {
        return Err(ApiError::Unauthorized);
    }
    Ok(load_message(tx, id)?)
}

/// The message to send: the draft with the body applied (400 `Concurrency error: state
/// mismatch` when it was already sent, as entcore's `secure_send_message` raises), or a new
/// draft written now with the author's row.
fn message_to_send(
    tx: &Connection,
    user: &str,
    existing: Option<MsgRow>,
    parent: Option<&MsgRow>,
    body: &DraftBody,
    recipients: &Recipients,
    now: i64,
) -> ApiResult<MsgRow> {
    if let Some(mut m) = existing {
        if m.state != "DRAFT" {
            return Err(ApiError::BadRequest(
                format!("Concurrency error: state mismatch for message {}", m.id).into(),
            ));
        }
        apply(&mut m, body.clone());
        m.to = recipients.to.clone();
        m.cc = recipients.cc.clone();
        m.cci = recipients.cci.clone();
        return Ok(m);
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO messages (id, from_id, state, date) VALUES (?1, ?2, 'DRAFT', ?3)",
        params![id, user, now],
    )?;
    tx.execute(
        "INSERT INTO usermessages (user_id, message_id, unread, is_author, is_recipient, state, date) VALUES (?1, ?2, 1, 1, 0, 'DRAFT', ?3)",
        params![user, id, now],
    )?;
    Ok(MsgRow {
        id,
        parent_id: parent.map(|p| p.id.clone()),
        thread_id: None,
        subject: body.subject.clone().unwrap_or_default(),
        body: body.body.clone().unwrap_or_default(),
        from_id: user.to_owned(),
        to: recipients.to.clone(),
        cc: recipients.cc.clone(),
        cci: recipients.cci.clone(),
        names: Vec::new(),
        state: "DRAFT".into(),
        date: now,
        no_reply: body.no_reply.unwrap_or(false),
    })
}

/// The thread of a sent message (§3.5): the parent's when the public participants are the
/// same set, else its own.
fn thread_of(parent: Option<&MsgRow>, m: &MsgRow) -> String {
    match parent {
        Some(p) => {
            let mut a = participants(p);
            let mut b = participants(m);
            a.sort();
            a.dedup();
            b.sort();
            b.dedup();
            if a == b {
                p.thread_id.clone().unwrap_or_else(|| p.id.clone())
            } else {
                m.id.clone()
            }
        }
        None => m.thread_id.clone().unwrap_or_else(|| m.id.clone()),
    }
}

/// Delivers `m` (§7 step 7): one row per expanded recipient, one link per attachment, each
/// recipient charged the attachments' total, one timeline notification each.
fn deliver(
    tx: &Connection,
    dir: &Directory,
    user: &str,
    m: &MsgRow,
    atts: &[Attachment],
    exp: &Expansion,
    now: i64,
) -> ApiResult<()> {
    let total: u64 = atts.iter().map(|a| a.size).sum();
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
    let params_json = crate::timeline::params_for(dir, user, &m.id, &m.subject).to_string();
    for target in &exp.user_ids {
        ins.execute(params![target, m.id, total, m.state, now])?;
        for a in atts {
            link.execute(params![target, m.id, a.id])?;
        }
        if total > 0 {
            quota.execute(params![target, total])?;
        }
        notify.execute(params![new_id(), target, user, m.id, params_json, now])?;
    }
    Ok(())
}

/// `POST /conversation/api/messages/{id}/recall` (§4.10): the sender, within the recall delay,
/// takes a sent message back from every recipient. 204.
pub(super) async fn recall(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let delay_ms = i64::from(state.cfg.recall_delay_minutes) * 60_000;
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            match load_message(tx, &id)? {
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
                    Ok(())
                }
                _ => Err(ApiError::bad(keys::RECALL)),
            }
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
