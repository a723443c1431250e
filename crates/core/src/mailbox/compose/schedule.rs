//! « Envoyer plus tard »: a message sent at a time the user chose.
//!
//! entcore stores a send with `scheduleAt` in the `SCHEDULE` state and never delivers it
//! (docs/protocol.md §4.10, `SqlConversationService.send`), so the app never asks the ENT to
//! schedule: the message waits in the local queue as a send with its due time (the undo-send
//! machinery's `not_before`, marked `scheduled` so that it does not hold back the actions
//! queued after it) and leaves at the first replay after that time: while the app runs,
//! [`Mailbox::spawn_scheduled_sends`] looks every [`SCHEDULE_TICK`]; when it did not run, at
//! the next start, and then [`Event::SentLate`] tells the user. Every due-time decision reads
//! [`crate::clock`], which tests move.
//!
//! Until it leaves, the ENT holds it as a draft (the draft is saved as for any send) and the
//! app lists it in « Programmés » ([`Mailbox::scheduled_sends`]), in no folder.

use std::time::Duration;

use serde::Serialize;

use super::send::{queued_send, When};
use super::DraftContent;
use crate::error::{Error, Result};
use crate::mailbox::Mailbox;
use crate::message::{self, Recipient};
use crate::queue::{self, Action};

/// How often the running app looks for a scheduled message that is due: the most it may
/// leave after its time while the app runs.
pub const SCHEDULE_TICK: Duration = Duration::from_secs(5);

/// A scheduled message that leaves more than this after its time left late: the app was not
/// running (or the ENT not answering) then, and the user is told.
pub const LATE_AFTER_MS: i64 = 2 * 60 * 1000;

/// A message waiting for its time, as « Programmés » lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScheduledSend {
    pub id: String,
    pub subject: String,
    pub to: Vec<Recipient>,
    /// When it leaves, epoch milliseconds.
    #[ts(type = "number")]
    pub due: i64,
}

impl Mailbox {
    /// Schedules a message for `due` (epoch milliseconds, in the future). A message already
    /// scheduled (or waiting in its undo delay) is changed: its content and time are replaced.
    /// Returns its id.
    pub async fn schedule_send(
        &self,
        id: Option<&str>,
        content: DraftContent,
        due: i64,
    ) -> Result<String> {
        if due <= crate::clock::now_ms() {
            return Err(Error::InvalidInput(
                "the time to send at has passed; choose a later one".into(),
            ));
        }
        self.queue_send(id, content, When::At(due)).await
    }

    /// The messages waiting for their time, soonest first.
    pub async fn scheduled_sends(&self) -> Result<Vec<ScheduledSend>> {
        Ok(self
            .inner
            .store
            .read(|c| {
                let mut out = Vec::new();
                for entry in queue::scheduled(c)? {
                    let Action::Send {
                        id,
                        content,
                        not_before: Some(due),
                        scheduled: true,
                    } = entry.action
                    else {
                        continue;
                    };
                    let id = super::draft::resolve_id(c, &id)?;
                    let to = message::get_message(c, &id)?
                        .map(|m| m.summary.to)
                        .unwrap_or_default();
                    out.push(ScheduledSend {
                        id,
                        subject: content.subject,
                        to,
                        due,
                    });
                }
                out.sort_by_key(|s| s.due);
                Ok(out)
            })
            .await?)
    }

    /// « Envoyer maintenant » on a scheduled message: it leaves at once. False when it is no
    /// longer scheduled (it left, or was cancelled).
    pub async fn send_scheduled_now(&self, id: &str) -> Result<bool> {
        let Some(content) = self.scheduled_content(id).await? else {
            return Ok(false);
        };
        self.queue_send(Some(id), content, When::Now).await?;
        if let Err(error) = self.flush_queue().await {
            tracing::debug!(%error, "a message sent now waits for the ENT");
        }
        Ok(true)
    }

    /// « Annuler l'envoi » of a scheduled message: it is a draft again and nobody receives it.
    /// False when it already left.
    pub async fn cancel_scheduled(&self, id: &str) -> Result<bool> {
        self.cancel_send(id).await
    }

    /// Whether a scheduled message is due now.
    pub async fn scheduled_due(&self) -> Result<bool> {
        let now = crate::clock::now_ms();
        Ok(self
            .scheduled_sends()
            .await?
            .first()
            .is_some_and(|s| s.due <= now))
    }

    /// The task that sends scheduled messages when due, while the app runs: a look at once
    /// (what fell due while the app was closed leaves now), then every [`SCHEDULE_TICK`].
    /// Runs until the handle is aborted.
    pub fn spawn_scheduled_sends(&self) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SCHEDULE_TICK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match me.scheduled_due().await {
                    Ok(true) => {
                        if let Err(error) = me.flush_queue().await {
                            tracing::debug!(%error, "a scheduled message waits for the ENT");
                        }
                    }
                    Ok(false) => {}
                    Err(error) => tracing::debug!(%error, "cannot read the scheduled messages"),
                }
            }
        })
    }

    async fn scheduled_content(&self, id: &str) -> Result<Option<DraftContent>> {
        let id = id.to_string();
        Ok(self
            .inner
            .store
            .read(move |c| {
                let Some((seq, _, content)) = queued_send(c, &id)? else {
                    return Ok(None);
                };
                let scheduled = queue::get(c, seq)?.is_some_and(|e| {
                    matches!(
                        e.action,
                        Action::Send {
                            scheduled: true,
                            ..
                        }
                    )
                });
                Ok(scheduled.then_some(content))
            })
            .await?)
    }
}
