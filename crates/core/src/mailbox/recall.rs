//! « Rappeler »: taking a sent message back from its recipients, as the ENT allows
//! (`POST /conversation/api/messages/{id}/recall`, docs/protocol.md §4.10).
//!
//! entcore allows it to the sender of a `SENT` message younger than `recall-delay-minutes`
//! (`GET /conversation/max-depth`, 60 by default: `Conversation.DEFAULT_RECALL_DELAY`) who has
//! the workflow right `…ApiController|recallMessage` (`ApiController.recallMessage`,
//! `SqlConversationService.recallMessage`); the web page offers it on the same conditions
//! (`front/hooks/useRecall.ts`). Recipients then see the message blanked: an empty subject and
//! body, no attachments (`hideSensitiveDataFromRecalled`); the app shows it as the web page
//! does (« Message rappelé »), and blanks what it had cached of it ([`crate::message`]).
//!
//! A recall is never queued: it must happen now or not at all, so it is not offered offline.
//! The delay and the right are recorded at sign-in (`refresh_recall_conf`); the ENT's own
//! clock decides in the end, and its refusal reaches the caller as [`ErrorKind::Refused`] with
//! the reason `conversation.error.recall.mail`.
//!
//! [`ErrorKind::Refused`]: crate::error::ErrorKind::Refused

use serde::Serialize;

use super::Mailbox;
use crate::client::{self, conversation as api};
use crate::error::{Error, Result};
use crate::store;

/// entcore's default recall delay, minutes (`Conversation.DEFAULT_RECALL_DELAY`).
pub const DEFAULT_RECALL_DELAY_MINUTES: u32 = 60;

const DELAY_KEY: &str = "recall_delay_minutes";
const RIGHT_KEY: &str = "can_recall";

/// Why « Rappeler » is not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RecallBlock {
    /// Someone else sent it.
    NotSender,
    /// Not a sent message (a draft, a message waiting to leave, or recalled already).
    NotSent,
    /// The recall delay has passed.
    TooLate,
    /// The ENT does not give this user the right to recall.
    NoRight,
}

/// Whether « Rappeler » is offered for a message, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecallStatus {
    /// `None`: it may be recalled (while the ENT answers).
    pub blocked: Option<RecallBlock>,
    /// The last moment it may be recalled, epoch milliseconds.
    #[ts(type = "number | null")]
    pub until: Option<i64>,
    /// The recall delay, minutes.
    pub delay_minutes: u32,
}

/// Records the recall delay and the right, from `max-depth` and `userinfo`. Best effort: the
/// defaults stand when the ENT does not say.
pub(crate) async fn refresh_recall_conf(
    inner: &super::Inner,
    info: &client::wire::UserInfo,
) -> Result<()> {
    let delay = match api::conf(&inner.client).await {
        Ok(conf) => conf.recall_delay_minutes,
        Err(error) => {
            tracing::debug!(%error, "recall delay not asked; the default");
            None
        }
    };
    let right = info.has_right(ent_protocol::rights::RECALL);
    inner
        .store
        .write(move |tx| {
            if let Some(delay) = delay {
                store::set_meta(tx, DELAY_KEY, &delay.to_string())?;
            }
            store::set_meta(tx, RIGHT_KEY, if right { "1" } else { "0" })
        })
        .await?;
    Ok(())
}

impl Mailbox {
    /// Whether « Rappeler » is offered for message `id`, judged from the store and
    /// [`crate::clock`] (the ENT decides in the end).
    pub async fn recall_status(&self, id: &str) -> Result<RecallStatus> {
        let me = self.inner.user_id().await?;
        let message = self.message(id).await?;
        let (delay, right) = self
            .inner
            .store
            .read(|c| {
                Ok((
                    store::get_meta(c, DELAY_KEY)?,
                    store::get_meta(c, RIGHT_KEY)?,
                ))
            })
            .await?;
        let delay_minutes = delay
            .and_then(|d| d.parse().ok())
            .unwrap_or(DEFAULT_RECALL_DELAY_MINUTES);
        // Unknown (never signed in since this version): let the ENT decide.
        let right = right.as_deref() != Some("0");
        let until = message.summary.date + i64::from(delay_minutes) * 60_000;
        let s = &message.summary;
        let blocked = if s.from.as_ref().is_none_or(|f| f.id != me) {
            Some(RecallBlock::NotSender)
        } else if s.state != "SENT" {
            Some(RecallBlock::NotSent)
        } else if !right {
            Some(RecallBlock::NoRight)
        } else if crate::clock::now_ms() > until {
            Some(RecallBlock::TooLate)
        } else {
            None
        };
        Ok(RecallStatus {
            blocked,
            until: Some(until),
            delay_minutes,
        })
    }

    /// « Rappeler »: asks the ENT now (never queued). On success the message is `RECALL` in
    /// the store; the ENT's refusal (the delay passed) is returned as it is.
    pub async fn recall(&self, id: &str) -> Result<()> {
        let message = self.message(id).await?;
        if crate::queue::is_local_id(&message.summary.id) {
            return Err(Error::InvalidInput(
                "this message has not reached the ENT yet; take it back with « Annuler »".into(),
            ));
        }
        api::recall(&self.inner.client, &message.summary.id).await?;
        let id = message.summary.id.clone();
        self.inner
            .store
            .write(move |tx| {
                use crate::store::SqlContext;
                tx.execute("UPDATE messages SET state = 'RECALL' WHERE id = ?1", [&id])
                    .ctx("mark a message recalled")?;
                Ok(())
            })
            .await?;
        self.inner.emit(super::Event::MessagesChanged {
            ids: vec![message.summary.id],
        });
        Ok(())
    }
}
