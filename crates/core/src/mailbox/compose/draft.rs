//! Drafts: what the composer saves, written to the store at once and queued for the ENT.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::super::actions::root_folders;
use super::super::{listing, Event, Mailbox};
use crate::error::{Error, Result};
use crate::message::{self, Recipient, SummaryRow};
use crate::queue::{self, Action};
use crate::store::{self, SqlContext, StoreResult};

/// The content of a draft, as the user wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct DraftContent {
    pub subject: String,
    /// HTML.
    pub body: String,
    /// User and group ids.
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub cci: Vec<String>,
    /// The message this one answers or forwards.
    pub in_reply_to: Option<String>,
}

impl Mailbox {
    /// The id a message has now: a draft made offline keeps its local id until the ENT gives it
    /// one, and the caller may still hold the local one.
    pub(crate) async fn current_id(&self, id: Option<&str>) -> Result<String> {
        let Some(id) = id.map(str::to_string) else {
            return Ok(queue::new_local_id());
        };
        Ok(self.inner.store.read(move |c| resolve_id(c, &id)).await?)
    }

    /// Saves a draft (a new one when `id` is `None`); returns its id.
    pub async fn save_draft(&self, id: Option<&str>, content: DraftContent) -> Result<String> {
        let id = self.current_id(id).await?;
        let me = self.inner.user_id().await?;
        let replayer = self.inner.replayer.id().to_string();
        let now = crate::clock::now_ms();
        let id = self
            .inner
            .store
            .write(move |tx| {
                // Again inside the write: the replay may have given the draft its ENT id since.
                let id = resolve_id(tx, &id)?;
                if keep_scheduled(tx, &id, &content, &replayer, now)? {
                    write_draft(tx, &id, &content, &me, "SCHEDULE")?;
                    return Ok(id);
                }
                write_draft(tx, &id, &content, &me, "DRAFT")?;
                let action = Action::SaveDraft {
                    id: id.clone(),
                    content,
                };
                queue::push(tx, &action, Vec::new())?;
                Ok(id)
            })
            .await?;
        self.inner.emit(Event::MessagesChanged {
            ids: vec![id.clone()],
        });
        self.inner.announce_pending().await?;
        Ok(id)
    }

    /// « Annuler » on a saved draft: it goes for good, through the trash as the ENT requires
    /// (a draft cannot be deleted without being trashed first). `id` may be the local id the
    /// composer still holds after the ENT gave the draft its own. Refused for a message that is
    /// not a draft: a sent or received message is never discarded this way.
    pub async fn discard_draft(&self, id: &str) -> Result<()> {
        let message = self.message(id).await?;
        if message.summary.state != "DRAFT" {
            return Err(Error::InvalidInput(format!(
                "{id} is not a draft; move it to the trash instead"
            )));
        }
        let ids = [message.summary.id];
        self.trash(&ids).await?;
        self.delete_forever(&ids).await
    }
}

/// A scheduled message opened from « Programmés » and changed in the composer stays scheduled:
/// its queued send takes the new content (the send carries the whole message to the ENT).
/// False when it is not scheduled, or a replay is sending it right now.
fn keep_scheduled(
    tx: &Transaction<'_>,
    id: &str,
    content: &DraftContent,
    replayer: &str,
    now: i64,
) -> StoreResult<bool> {
    let Some((seq, queued_id, _)) = super::send::queued_send(tx, id)? else {
        return Ok(false);
    };
    let Some(entry) = queue::get(tx, seq)? else {
        return Ok(false);
    };
    let Action::Send {
        not_before,
        scheduled: true,
        ..
    } = entry.action
    else {
        return Ok(false);
    };
    if !queue::claim(tx, seq, replayer, now)? {
        return Ok(false);
    }
    let changed = Action::Send {
        id: queued_id,
        content: content.clone(),
        not_before,
        scheduled: true,
    };
    queue::replace(tx, seq, &changed)?;
    queue::release(tx, seq, replayer)?;
    Ok(true)
}

/// The id a message has in the store now: itself, or the ENT's id the replay gave a message
/// made offline (the composer may still hold the local one). Called inside each write that
/// takes a message id, because the replay renames in a write of its own: resolved before it,
/// the id may be gone by the time the write runs.
pub(crate) fn resolve_id(conn: &rusqlite::Connection, id: &str) -> StoreResult<String> {
    if message::get_message(conn, id)?.is_some() {
        return Ok(id.to_string());
    }
    Ok(queue::remote_id(conn, id)?.unwrap_or_else(|| id.to_string()))
}

pub(super) fn write_draft(
    tx: &Transaction<'_>,
    id: &str,
    c: &DraftContent,
    me: &str,
    state: &str,
) -> StoreResult<()> {
    let from_name = store::get_meta(tx, "user_name")?.unwrap_or_default();
    let existing = message::get_message(tx, id)?;
    let row = SummaryRow {
        id: id.to_string(),
        subject: c.subject.clone(),
        from: Some(Recipient {
            id: me.to_string(),
            display_name: from_name,
            is_group: false,
            profile: None,
            size: None,
        }),
        to: recipients_of(tx, &c.to)?,
        cc: recipients_of(tx, &c.cc)?,
        cci: recipients_of(tx, &c.cci)?,
        state: state.to_string(),
        date: chrono::Utc::now().timestamp_millis(),
        unread: false,
        response: false,
        has_attachment: existing.as_ref().is_some_and(|m| m.summary.has_attachment),
        no_reply: false,
    };
    message::upsert_summary(tx, &row)?;
    // A reply joins its parent's thread until the ENT says otherwise when it is sent (it starts
    // a new one when the participants changed: see `mailbox::thread`).
    tx.execute(
        "UPDATE messages SET body = ?2, body_text = ?3, body_synced = 1, parent_id = ?4,
            thread_id = COALESCE(
                (SELECT COALESCE(p.thread_id, p.id) FROM messages p WHERE p.id = ?4), thread_id)
         WHERE id = ?1",
        params![id, c.body, message::html_to_text(&c.body), c.in_reply_to],
    )
    .ctx("write a draft body")?;
    let folders = root_folders(tx, id, me)?;
    listing::place(tx, id, &folders)
}
/// Looks up display names of recipient ids in the cached visibles (offline compose).
fn recipients_of(tx: &Transaction<'_>, ids: &[String]) -> StoreResult<Vec<Recipient>> {
    let mut out = Vec::new();
    for id in ids {
        let row: Option<(String, String, Option<String>, Option<u32>)> = tx
            .query_row(
                "SELECT display_name, kind, profile, nb_users FROM visibles WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .ctx("read a recipient")?;
        let (name, kind, profile, size) =
            row.unwrap_or_else(|| (id.clone(), "User".into(), None, None));
        out.push(Recipient {
            id: id.clone(),
            display_name: name,
            is_group: kind != "User",
            profile,
            size,
        });
    }
    Ok(out)
}
