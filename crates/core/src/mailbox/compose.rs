//! Writing: replies and forwards prepared as the ENT's web client prepares them (spec §11,
//! "Reply / forward recipe"), drafts as the composer shows them, the recipients the
//! communication rules refuse, and the space left for attachments. Saving drafts is in
//! `draft`, sending (and undo send) in `send`, a draft's files in `attachments`.

mod attachments;
mod draft;
mod schedule;
mod send;

use std::sync::atomic::Ordering;

use chrono::TimeZone;
use serde::{Deserialize, Serialize};

use super::{Event, Mailbox};
use crate::body;
use crate::client::{communication, Call};
use crate::error::{Error, Result};
use crate::message::{self, Attachment, Message, Recipient};
use crate::queue::{self, Action};
use crate::recipients;
use crate::store::{self, SqlContext};

pub use draft::DraftContent;
pub use schedule::{ScheduledSend, LATE_AFTER_MS, SCHEDULE_TICK};

/// A message being written, with the names the composer shows as chips.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DraftView {
    /// `None` until first saved.
    pub id: Option<String>,
    pub subject: String,
    /// HTML, sanitized (the composer edits it in the app's own page).
    pub body: String,
    pub to: Vec<Recipient>,
    pub cc: Vec<Recipient>,
    pub cci: Vec<Recipient>,
    pub in_reply_to: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// The user's attachment space on the ENT, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Quota {
    #[ts(type = "number")]
    pub quota: u64,
    #[ts(type = "number")]
    pub storage: u64,
}

impl Quota {
    /// The bytes still free.
    pub fn left(&self) -> u64 {
        self.quota.saturating_sub(self.storage)
    }
}

/// Why the composer refuses a recipient before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RefusalReason {
    /// Not among the users and groups the communication rules let this user write to.
    NotVisible,
}

impl std::fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotVisible => "the communication rules do not let this user write to them",
        })
    }
}

/// A recipient the composer must refuse, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefusedRecipient {
    pub id: String,
    pub reason: RefusalReason,
}

const REPLY_PREFIX: &str = "Re : ";
const FORWARD_PREFIX: &str = "Tr : ";
const QUOTA_KEY: &str = "quota";

impl Mailbox {
    /// A reply (to the sender) or a reply to all (the sender, the other recipients and the
    /// copies, never the user; the hidden copies only when the user sent the original).
    /// Refused for a message sent as « ne pas répondre ».
    pub async fn reply_draft(&self, id: &str, all: bool) -> Result<DraftView> {
        let original = self.message(id).await?;
        if original.no_reply {
            return Err(Error::InvalidInput(
                "this message was sent as « ne pas répondre »: it takes no reply".into(),
            ));
        }
        let me = self.inner.user_id().await?;
        let sender = original.summary.from.clone();
        let i_sent_it = sender.as_ref().is_some_and(|s| s.id == me);
        let mut to: Vec<Recipient> = Vec::new();
        if i_sent_it {
            // Replying to one's own message goes to its recipients.
            to.extend(original.summary.to.iter().cloned());
        } else {
            to.extend(sender);
        }
        let (mut cc, mut cci) = (Vec::new(), Vec::new());
        if all {
            to.extend(original.summary.to.iter().cloned());
            cc = original.cc.clone();
            if i_sent_it {
                cci = original.cci.clone();
            }
        }
        // Each person once, in the first field they appear in; never the user.
        let keep = |list: Vec<Recipient>, seen: &mut Vec<String>| -> Vec<Recipient> {
            let mut out = Vec::new();
            for r in list {
                if r.id != me && !seen.contains(&r.id) {
                    seen.push(r.id.clone());
                    out.push(r);
                }
            }
            out
        };
        let mut seen = Vec::new();
        let (to, cc, cci) = (
            keep(to, &mut seen),
            keep(cc, &mut seen),
            keep(cci, &mut seen),
        );
        let signature = self.signature_block().await?;
        Ok(DraftView {
            id: None,
            subject: prefixed(REPLY_PREFIX, &original.summary.subject),
            body: quoted(&original, Quote::Reply, &signature),
            to,
            cc,
            cci,
            in_reply_to: Some(original.summary.id.clone()),
            attachments: Vec::new(),
        })
    }

    /// A forward, created as a draft at once (as the ENT's web client does) so that the
    /// original's attachments come with it: linking them on the ENT is queued with the draft,
    /// offline too.
    pub async fn forward_draft(&self, id: &str) -> Result<DraftView> {
        let original = self.message(id).await?;
        let signature = self.signature_block().await?;
        let content = DraftContent {
            subject: prefixed(FORWARD_PREFIX, &original.summary.subject),
            body: quoted(&original, Quote::Forward, &signature),
            in_reply_to: Some(original.summary.id.clone()),
            ..DraftContent::default()
        };
        let draft_id = self.save_draft(None, content).await?;
        let (draft, from, files) = (
            draft_id.clone(),
            original.summary.id.clone(),
            original.attachments.clone(),
        );
        self.inner
            .store
            .write(move |tx| {
                if !files.is_empty() {
                    message::replace_attachments(tx, &draft, &files)?;
                    tx.execute(
                        "UPDATE messages SET has_attachment = 1 WHERE id = ?1",
                        [&draft],
                    )
                    .ctx("flag a forward's attachments")?;
                }
                let action = Action::ForwardAttachments {
                    draft_id: draft,
                    original_id: from,
                };
                queue::push(tx, &action, Vec::new()).map(drop)
            })
            .await?;
        self.inner.emit(Event::MessagesChanged {
            ids: vec![draft_id.clone()],
        });
        self.inner.announce_pending().await?;
        self.draft_view(&draft_id).await
    }

    /// A stored draft as the composer shows it.
    pub async fn draft_view(&self, id: &str) -> Result<DraftView> {
        let m = self.message(id).await?;
        Ok(DraftView {
            id: Some(m.summary.id.clone()),
            subject: m.summary.subject.clone(),
            body: m.body.as_deref().map(body::editable).unwrap_or_default(),
            to: m.summary.to.clone(),
            cc: m.cc.clone(),
            cci: m.cci.clone(),
            in_reply_to: m.parent_id.clone(),
            attachments: m.attachments.clone(),
        })
    }

    /// The recipients among `ids` the composer must refuse before sending, each with its
    /// reason, judged from the cached list of who the user may write to (offline too; fetched
    /// first when never fetched and the ENT answers). Empty when there is no list at all: the
    /// ENT then decides at send time.
    pub async fn check_recipients(&self, ids: &[String]) -> Result<Vec<RefusedRecipient>> {
        Ok(self
            .refused_recipients(ids)
            .await?
            .into_iter()
            .map(|id| RefusedRecipient {
                id,
                reason: RefusalReason::NotVisible,
            })
            .collect())
    }

    /// The ids among `ids` the communication rules do not let this user write to (see
    /// [`Mailbox::check_recipients`], which also says why).
    pub async fn refused_recipients(&self, ids: &[String]) -> Result<Vec<String>> {
        self.ensure_recipients().await?;
        let ids = ids.to_vec();
        Ok(self
            .inner
            .store
            .read(move |c| {
                let cached: u32 = c
                    .query_row("SELECT count(*) FROM visibles", [], |r| r.get(0))
                    .ctx("count the recipients")?;
                if cached == 0 {
                    return Ok(Vec::new());
                }
                let mut stmt = c
                    .prepare_cached("SELECT 1 FROM visibles WHERE id = ?1")
                    .ctx("check a recipient")?;
                let mut refused = Vec::new();
                for id in ids {
                    if !stmt.exists([&id]).ctx("check a recipient")? {
                        refused.push(id);
                    }
                }
                Ok(refused)
            })
            .await?)
    }

    /// Makes sure the list of who the user may write to is in the store: fetched and waited
    /// for when it never was, fetched in the background when older than a day. A failed fetch
    /// (offline, the ENT refusing) only leaves the cached list as it is.
    pub(crate) async fn ensure_recipients(&self) -> Result<()> {
        let fetched = self.inner.store.read(recipients::fetched_at).await?;
        let now = crate::clock::now_ms();
        // A clock set back counts as fresh; one set forward refreshes once.
        if fetched.is_some_and(|at| now.saturating_sub(at) < recipients::MAX_AGE_MS) {
            return Ok(());
        }
        if self.inner.recipients_fetching.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let mailbox = self.clone();
        let fetch = async move {
            let outcome = mailbox.fetch_recipients().await;
            mailbox
                .inner
                .recipients_fetching
                .store(false, Ordering::SeqCst);
            if let Err(error) = outcome {
                tracing::warn!(%error, "recipient list not fetched; the cached one stays");
            }
        };
        if fetched.is_none() {
            fetch.await;
        } else {
            tokio::spawn(fetch);
        }
        Ok(())
    }

    async fn fetch_recipients(&self) -> Result<()> {
        let list = communication::visibles(&self.inner.client).await?;
        self.inner
            .store
            .write(move |tx| recipients::replace_all(tx, &list))
            .await?;
        Ok(())
    }

    /// The attachment space: asked of the ENT, else the last answer kept in the store.
    pub async fn quota(&self) -> Result<Quota> {
        let me = self.inner.user_id().await?;
        let path = format!("/workspace/quota/user/{me}");
        match self.inner.client.send::<Quota>(Call::get(path)).await {
            Ok(quota) => {
                let text = serde_json::to_string(&quota).unwrap_or_default();
                self.inner
                    .store
                    .write(move |tx| store::set_meta(tx, QUOTA_KEY, &text))
                    .await?;
                Ok(quota)
            }
            Err(error) if error.is_retryable() => {
                let cached = self
                    .inner
                    .store
                    .read(|c| store::get_meta(c, QUOTA_KEY))
                    .await?
                    .and_then(|t| serde_json::from_str(&t).ok());
                cached.ok_or_else(|| error.into())
            }
            Err(error) => Err(error.into()),
        }
    }
}

/// `subject` with `prefix`, unless it already starts with it (any case, with or without the
/// French space before the colon).
fn prefixed(prefix: &str, subject: &str) -> String {
    let word = prefix.split(' ').next().unwrap_or(prefix).to_lowercase();
    let lower = subject.trim_start().to_lowercase();
    let already = [format!("{word} :"), format!("{word}:")]
        .iter()
        .any(|p| lower.starts_with(p.as_str()));
    if already {
        subject.to_string()
    } else {
        format!("{prefix}{subject}")
    }
}

/// What a new draft quotes of the message it answers.
#[derive(Clone, Copy)]
enum Quote {
    Reply,
    Forward,
}

/// The original as the ENT's conversation app quotes it under the signature block, or a line to
/// write in when there is no signature (entcore
/// `conversation/frontend/src/hooks/useInitMessage.tsx`, words of
/// `conversation/backend/src/main/resources/i18n/fr.json`): a reply puts it in the
/// `div.conversation-history` block, which the ENT's editor shows folded
/// (`@edifice.io/tiptap-extensions/conversation-history`), « De Paul MARTIN, le 3 mars 2026 à
/// 10:30 », « À : … », the body in `div.conversation-history-body`; a forward writes
/// « Message transféré » and the original's headers above its body.
fn quoted(original: &Message, kind: Quote, signature: &str) -> String {
    let lead = if signature.is_empty() {
        "<p><br></p>"
    } else {
        signature
    };
    const LINE: &str = "<span style=\"font-size: 14px; font-weight:400;\">";
    const GREY: &str = "<span style=\"font-size: 14px; font-weight:400; color: #909090;\">";
    let names = |list: &[Recipient]| {
        list.iter()
            .map(|r| escape(&r.display_name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let from = original
        .summary
        .from
        .as_ref()
        .map(|f| escape(&f.display_name))
        .unwrap_or_default();
    let date = chrono::Local
        .timestamp_millis_opt(original.summary.date)
        .single();
    let body = original
        .body
        .as_deref()
        .map(body::editable)
        .unwrap_or_default();
    let to = names(&original.summary.to);
    match kind {
        Quote::Reply => {
            let when = date
                .map(|d| format!(", le {} à {}", long_date(&d), d.format("%H:%M")))
                .unwrap_or_default();
            let cc = if original.cc.is_empty() {
                String::new()
            } else {
                format!("<p>{GREY}<em>CC : {}</em></span></p>", names(&original.cc))
            };
            format!(
                "{lead}<div class=\"conversation-history\"><p>{LINE}<em>De {from}{when}</em></span></p>\
                 <p>{GREY}<em>À : {to}</em></span></p>{cc}<div class=\"conversation-history-body\">{body}</div></div>"
            )
        }
        Quote::Forward => {
            let when = date
                .map(|d| format!("{} {}", long_date(&d), d.format("%H:%M")))
                .unwrap_or_default();
            let cc = if original.cc.is_empty() {
                String::new()
            } else {
                format!("<p>{LINE}CC : {}</span></p>", names(&original.cc))
            };
            format!(
                "{lead}<div><p>{LINE}--------- Message transféré ---------</span></p>\
                 <p>{LINE}De : {from}</span></p><p>{LINE}Date : {when}</span></p>\
                 <p>{LINE}Objet : {}</span></p><p>{LINE}À : {to}</span></p>{cc}{body}</div>",
                escape(&original.summary.subject),
            )
        }
    }
}

/// « 3 mars 2026 », as the ENT's `LL` date format writes it in French.
fn long_date(date: &chrono::DateTime<chrono::Local>) -> String {
    use chrono::Datelike;
    let month = ent_protocol::MONTHS_FR[date.month0() as usize];
    format!("{} {month} {}", date.day(), date.year())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_added_once_whatever_the_case_or_spacing() {
        assert_eq!(prefixed(REPLY_PREFIX, "Sortie"), "Re : Sortie");
        assert_eq!(prefixed(REPLY_PREFIX, "Re : Sortie"), "Re : Sortie");
        assert_eq!(prefixed(REPLY_PREFIX, "RE: Sortie"), "RE: Sortie");
        assert_eq!(prefixed(FORWARD_PREFIX, "Re : Sortie"), "Tr : Re : Sortie");
        assert_eq!(prefixed(FORWARD_PREFIX, "tr : x"), "tr : x");
    }
}
