//! Replays the queue on the ENT, in order, each action once.

use std::sync::Arc;

use rusqlite::params;
use serde::Serialize;

use super::{actions, Event, Inner};
use crate::client::{conversation as api, ApiError};
use crate::error::Result;
use crate::queue::{self, Action, Entry};
use crate::store::{SqlContext, StoreResult};

/// What a replay did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FlushReport {
    pub done: u32,
    /// Actions the ENT refused (undone locally), with the reason.
    pub refused: Vec<(String, String)>,
    pub remaining: u32,
}

/// Replays entries until the queue is empty or the ENT stops answering (the error is returned
/// and the entry stays for next time).
pub(crate) async fn flush(inner: &Arc<Inner>) -> Result<FlushReport> {
    let mut report = FlushReport::default();
    let outcome = replay(inner, &mut report).await;
    if report.done > 0 || !report.refused.is_empty() {
        // The set of unconfirmed messages shrank: the window stops showing them as pending.
        inner.announce_pending().await?;
    }
    outcome.map(|()| report)
}

/// Replays the queue in order until it is empty or an action fails for a reason other than a
/// refusal (offline, 5xx), which leaves it and the rest queued.
async fn replay(inner: &Arc<Inner>, report: &mut FlushReport) -> Result<()> {
    loop {
        let Some(entry) = inner.store.read(queue::first).await? else {
            break;
        };
        let seq = entry.seq;
        if let Action::Send {
            not_before: Some(due),
            ..
        } = &entry.action
        {
            // Still in its undo delay: it, and everything queued after it, waits.
            if *due > chrono::Utc::now().timestamp_millis() {
                report.remaining = inner.store.read(queue::len).await?;
                return Ok(());
            }
        }
        match execute(inner, &entry).await {
            Ok(()) => {
                inner.store.write(move |tx| queue::remove(tx, seq)).await?;
                report.done += 1;
            }
            Err(e) if e.is_refusal() => {
                let reason = match &e {
                    ApiError::Refused {
                        reason: Some(r), ..
                    } => r.clone(),
                    other => other.to_string(),
                };
                let name = action_name(&entry.action).to_string();
                tracing::debug!(action = %name, %reason, "the ENT refused a queued action");
                let before = entry.before.clone();
                let action = entry.action.clone();
                inner
                    .store
                    .write(move |tx| {
                        for b in &before {
                            actions::undo(tx, b)?;
                        }
                        if let Action::CreateFolder { local_id, .. } = &action {
                            tx.execute("DELETE FROM folders WHERE id = ?1", [local_id])
                                .ctx("undo a folder")?;
                        }
                        queue::remove(tx, seq)
                    })
                    .await?;
                let ids = entry.before.iter().map(|b| b.id.clone()).collect();
                inner.emit(Event::ActionRefused {
                    action: name.clone(),
                    reason: reason.clone(),
                });
                inner.emit(Event::MessagesChanged { ids });
                report.refused.push((name, reason));
            }
            Err(e) => {
                report.remaining = inner.store.read(queue::len).await?;
                return Err(e.into());
            }
        }
    }
    Ok(())
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::SetUnread { .. } => "setUnread",
        Action::Trash { .. } => "trash",
        Action::Restore { .. } => "restore",
        Action::Delete { .. } => "delete",
        Action::EmptyTrash => "emptyTrash",
        Action::MoveToFolder { .. } => "moveToFolder",
        Action::MoveToRoot { .. } => "moveToRoot",
        Action::CreateFolder { .. } => "createFolder",
        Action::RenameFolder { .. } => "renameFolder",
        Action::DeleteFolder { .. } => "deleteFolder",
        Action::SaveDraft { .. } => "saveDraft",
        Action::Send { .. } => "send",
        Action::ForwardAttachments { .. } => "forwardAttachments",
        Action::AddAttachment { .. } => "addAttachment",
        Action::RemoveAttachment { .. } => "removeAttachment",
    }
}

/// Maps local ids to the ENT's; ids still local (their creation failed) are dropped.
async fn resolve(inner: &Inner, ids: &[String]) -> Result<Vec<String>, ApiError> {
    let ids = ids.to_vec();
    let out = inner
        .store
        .read(move |c| {
            let mut out = Vec::new();
            for id in ids {
                if queue::is_local_id(&id) {
                    if let Some(r) = queue::remote_id(c, &id)? {
                        out.push(r);
                    }
                } else {
                    out.push(id);
                }
            }
            Ok(out)
        })
        .await;
    out.map_err(|e| ApiError::BadAnswer {
        what: "resolving local ids".into(),
        detail: e.to_string(),
    })
}

async fn resolve_one(inner: &Inner, id: &str) -> Result<Option<String>, ApiError> {
    Ok(resolve(inner, &[id.to_string()]).await?.into_iter().next())
}

/// Gives a message made offline the id the ENT gave it, everywhere in the store.
fn rename_message(tx: &rusqlite::Transaction<'_>, old: &str, new: &str) -> StoreResult<()> {
    // Placements and attachments point at the id: check the keys at commit, not per statement.
    tx.pragma_update(None, "defer_foreign_keys", "ON")
        .ctx("defer foreign keys")?;
    tx.execute(
        "DELETE FROM messages WHERE id = ?2 AND id != ?1",
        params![old, new],
    )
    .ctx("drop a synced copy")?;
    for sql in [
        "UPDATE messages SET id = ?2 WHERE id = ?1",
        "UPDATE placements SET message_id = ?2 WHERE message_id = ?1",
        "UPDATE attachments SET message_id = ?2 WHERE message_id = ?1",
    ] {
        tx.execute(sql, params![old, new]).ctx("rename a message")?;
    }
    queue::map_id(tx, old, new)
}

async fn execute(inner: &Arc<Inner>, entry: &Entry) -> Result<(), ApiError> {
    let c = &inner.client;
    match &entry.action {
        Action::SetUnread { ids, unread } => {
            let ids = resolve(inner, ids).await?;
            if !ids.is_empty() {
                api::toggle_unread(c, &ids, *unread).await?;
            }
        }
        Action::Trash { ids } => {
            let ids = resolve(inner, ids).await?;
            if !ids.is_empty() {
                api::trash(c, &ids).await?;
            }
        }
        Action::Restore { ids } => {
            let ids = resolve(inner, ids).await?;
            if !ids.is_empty() {
                api::restore(c, &ids).await?;
            }
        }
        Action::Delete { ids } => {
            let ids = resolve(inner, ids).await?;
            if !ids.is_empty() {
                api::delete(c, &ids).await?;
            }
        }
        Action::EmptyTrash => api::empty_trash(c).await?,
        Action::MoveToFolder { ids, folder_id } => {
            let ids = resolve(inner, ids).await?;
            let Some(folder) = resolve_one(inner, folder_id).await? else {
                return Ok(());
            };
            if !ids.is_empty() {
                api::move_to_folder(c, &ids, &folder).await?;
            }
        }
        Action::MoveToRoot { ids } => {
            let ids = resolve(inner, ids).await?;
            if !ids.is_empty() {
                api::move_to_root(c, &ids).await?;
            }
        }
        Action::CreateFolder {
            local_id,
            name,
            parent_id,
        } => {
            if resolve_one(inner, local_id).await?.is_some() {
                return Ok(()); // created before a crash, mapping recorded
            }
            let parent = match parent_id {
                Some(p) => resolve_one(inner, p).await?,
                None => None,
            };
            let id = api::create_folder(c, name, parent.as_deref()).await?;
            let (old, new) = (local_id.clone(), id);
            let done = inner
                .store
                .write(move |tx| {
                    tx.pragma_update(None, "defer_foreign_keys", "ON")
                        .ctx("defer foreign keys")?;
                    tx.execute("UPDATE folders SET id = ?2 WHERE id = ?1", [&old, &new])
                        .ctx("rename a folder")?;
                    tx.execute(
                        "UPDATE folders SET parent_id = ?2 WHERE parent_id = ?1",
                        [&old, &new],
                    )
                    .ctx("rename a folder")?;
                    tx.execute(
                        "UPDATE messages SET user_folder_id = ?2 WHERE user_folder_id = ?1",
                        [&old, &new],
                    )
                    .ctx("rename a folder")?;
                    tx.execute(
                        "UPDATE placements SET folder_id = ?2 WHERE folder_id = ?1",
                        [&old, &new],
                    )
                    .ctx("rename a folder")?;
                    queue::map_id(tx, &old, &new)
                })
                .await;
            done.map_err(store_failed)?;
        }
        Action::RenameFolder { id, name } => {
            if let Some(id) = resolve_one(inner, id).await? {
                api::rename_folder(c, &id, name).await?;
            }
        }
        Action::DeleteFolder { id } => {
            if let Some(id) = resolve_one(inner, id).await? {
                api::delete_folder(c, &id).await?;
            }
        }
        Action::SaveDraft { id, content } => match resolve_one(inner, id).await? {
            Some(remote) => api::update_draft(c, &remote, content).await?,
            None => {
                // Not yet on the ENT. A crash right after this POST and before the mapping is
                // written leaves one orphan draft on the ENT; it is never sent.
                let remote = api::create_draft(c, content).await?;
                let (old, new) = (id.clone(), remote);
                inner
                    .store
                    .write(move |tx| rename_message(tx, &old, &new))
                    .await
                    .map_err(store_failed)?;
            }
        },
        Action::Send { id, content, .. } => {
            let Some(remote) = resolve_one(inner, id).await? else {
                return Ok(());
            };
            match api::send(c, &remote, content).await {
                Ok(outcome) => inner.emit(Event::Sent {
                    id: remote,
                    inactive: outcome.inactive,
                    undelivered: outcome.undelivered,
                }),
                Err(e @ ApiError::Refused { .. }) => {
                    // A send committed on the ENT whose answer was lost: the ENT refuses the
                    // second send of the same draft (state mismatch). Check before reporting.
                    let (summary, _) = api::message(c, &remote).await?;
                    if summary.state != "SENT" {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Action::ForwardAttachments {
            draft_id,
            original_id,
        } => {
            let (Some(draft), Some(original)) = (
                resolve_one(inner, draft_id).await?,
                resolve_one(inner, original_id).await?,
            ) else {
                return Ok(());
            };
            api::forward_attachments(c, &draft, &original).await?;
        }
        Action::AddAttachment {
            message_id,
            local_id,
            path,
            filename,
            content_type,
        } => {
            if resolve_one(inner, local_id).await?.is_some() {
                return Ok(());
            }
            let Some(mid) = resolve_one(inner, message_id).await? else {
                return Ok(());
            };
            let p = path.clone();
            let bytes = tokio::task::spawn_blocking(move || std::fs::read(p))
                .await
                .map_err(|_| ApiError::BadAnswer {
                    what: "reading an attachment".into(),
                    detail: "task failed".into(),
                })?
                .map_err(|e| ApiError::Refused {
                    what: format!("uploading {filename}"),
                    status: 0,
                    reason: Some(format!("cannot read the file: {e}")),
                })?;
            let att = api::add_attachment(c, &mid, filename, content_type, bytes).await?;
            let (mid2, old, new) = (mid.clone(), local_id.clone(), att);
            inner
                .store
                .write(move |tx| {
                    tx.execute(
                        "UPDATE attachments SET id = ?3 WHERE message_id = ?1 AND id = ?2",
                        [&mid2, &old, &new],
                    )
                    .ctx("rename an attachment")?;
                    queue::map_id(tx, &old, &new)
                })
                .await
                .map_err(store_failed)?;
        }
        Action::RemoveAttachment {
            message_id,
            attachment_id,
        } => {
            let (Some(mid), Some(aid)) = (
                resolve_one(inner, message_id).await?,
                resolve_one(inner, attachment_id).await?,
            ) else {
                return Ok(());
            };
            api::remove_attachment(c, &mid, &aid).await?;
        }
    }
    Ok(())
}

fn store_failed(e: crate::store::StoreError) -> ApiError {
    ApiError::BadAnswer {
        what: "recording the ENT's answer".into(),
        detail: e.to_string(),
    }
}
