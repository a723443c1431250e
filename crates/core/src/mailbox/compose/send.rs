//! Sending: a send is a saved draft sent by its id, so a replayed send never delivers twice;
//! undo send holds it in the queue for a delay.

use super::super::actions::snapshot;
use super::super::{Event, Mailbox};
use super::draft::write_draft;
use super::DraftContent;
use crate::error::{Error, Result};
use crate::message;
use crate::queue::{self, Action};
use crate::store::StoreResult;

impl Mailbox {
    /// Sends a message: saves it as a draft, then sends that draft by its id, so that a replayed
    /// send can never deliver twice. Returns the message id.
    pub async fn send(&self, id: Option<&str>, content: DraftContent) -> Result<String> {
        self.queue_send(id, content, When::Now).await
    }

    /// Sends a message that leaves only after `delay` (undo send): until then
    /// [`Mailbox::cancel_send`] takes it back. The delay survives a restart (it is stored with
    /// the queued send); a task flushes the queue when it is due.
    pub async fn send_delayed(
        &self,
        id: Option<&str>,
        content: DraftContent,
        delay: std::time::Duration,
    ) -> Result<String> {
        let due = crate::clock::now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
        let id = self.queue_send(id, content, When::Undo(due)).await?;
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            if let Err(error) = me.flush_queue().await {
                tracing::debug!(%error, "a delayed send waits for the ENT");
            }
        });
        Ok(id)
    }

    /// Takes back a send still in its undo delay: the message is a draft again and nobody
    /// receives it. False when it already left.
    pub async fn cancel_send(&self, id: &str) -> Result<bool> {
        // Waits for a replay in progress, which may be sending this very message.
        let _guard = self.inner.sync_lock.lock().await;
        let me = self.inner.user_id().await?;
        let id = id.to_string();
        let replayer = self.inner.replayer.id().to_string();
        let now = crate::clock::now_ms();
        let cancelled = self
            .inner
            .store
            .write(move |tx| {
                let Some((seq, local, content)) = queued_send(tx, &id)? else {
                    return Ok(false);
                };
                // Another process replaying this very send may be sending it: taken back only
                // when no live replay holds it (the claim makes it so for both sides).
                if !queue::claim(tx, seq, &replayer, now)? {
                    return Ok(false);
                }
                queue::remove(tx, seq)?;
                // The row is under the ENT's id once the draft reached it.
                let remote = queue::remote_id(tx, &local)?;
                let current = [Some(local), remote, Some(id)]
                    .into_iter()
                    .flatten()
                    .find(|c| matches!(message::get_message(tx, c), Ok(Some(_))));
                if let Some(current) = current {
                    write_draft(tx, &current, &content, &me, "DRAFT")?;
                }
                Ok(true)
            })
            .await?;
        if cancelled {
            self.inner.emit(Event::MessagesChanged { ids: Vec::new() });
            self.inner.announce_pending().await?;
        }
        Ok(cancelled)
    }

    /// Queues a send. A send already queued for the same message (a scheduled one being
    /// changed or sent now) is taken back first, so a message is never queued twice.
    pub(super) async fn queue_send(
        &self,
        id: Option<&str>,
        content: DraftContent,
        when: When,
    ) -> Result<String> {
        if content.to.is_empty() && content.cc.is_empty() && content.cci.is_empty() {
            return Err(Error::InvalidInput(
                "a message needs at least one recipient".into(),
            ));
        }
        let id = self.current_id(id).await?;
        let me = self.inner.user_id().await?;
        let replayer = self.inner.replayer.id().to_string();
        let now = crate::clock::now_ms();
        let (not_before, scheduled, state) = match when {
            When::Now => (None, false, "SENT"),
            When::Undo(due) => (Some(due), false, "SENT"),
            When::At(due) => (Some(due), true, "SCHEDULE"),
        };
        let id = self
            .inner
            .store
            .write(move |tx| {
                // Again inside the write: the replay may have given the draft its ENT id since.
                let did = super::draft::resolve_id(tx, &id)?;
                if let Some((seq, _, _)) = queued_send(tx, &did)? {
                    if !queue::claim(tx, seq, &replayer, now)? {
                        return Ok(Err(Error::InvalidInput(
                            "this message is being sent right now".into(),
                        )));
                    }
                    queue::remove(tx, seq)?;
                }
                let exists = snapshot(tx, &did)?;
                let mut before = exists.into_iter().collect::<Vec<_>>();
                write_draft(tx, &did, &content, &me, "DRAFT")?;
                queue::push(
                    tx,
                    &Action::SaveDraft {
                        id: did.clone(),
                        content: content.clone(),
                    },
                    Vec::new(),
                )?;
                if before.is_empty() {
                    before = snapshot(tx, &did)?.into_iter().collect();
                }
                write_draft(tx, &did, &content, &me, state)?;
                let send = Action::Send {
                    id: did.clone(),
                    content,
                    not_before,
                    scheduled,
                };
                queue::push(tx, &send, before)?;
                Ok(Ok(did))
            })
            .await??;
        self.inner.emit(Event::MessagesChanged {
            ids: vec![id.clone()],
        });
        self.inner.announce_pending().await?;
        Ok(id)
    }
}

/// When a queued send may leave.
#[derive(Debug, Clone, Copy)]
pub(super) enum When {
    /// At the next replay.
    Now,
    /// After the undo delay, at this epoch millisecond; holds later entries back until then.
    Undo(i64),
    /// « Envoyer plus tard »: at this epoch millisecond; later entries go on meanwhile.
    At(i64),
}

/// The queued send of message `id` (by its local or its ENT id): queue seq, the id it was
/// queued under, and its content.
pub(super) fn queued_send(
    tx: &rusqlite::Connection,
    id: &str,
) -> StoreResult<Option<(i64, String, DraftContent)>> {
    for entry in queue::all(tx)? {
        if let Action::Send {
            id: queued,
            content,
            ..
        } = entry.action
        {
            let remote = queue::remote_id(tx, &queued)?;
            if queued == id || remote.as_deref() == Some(id) {
                return Ok(Some((entry.seq, queued, content)));
            }
        }
    }
    Ok(None)
}
