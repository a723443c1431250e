//! `/timeline`: the ENT's notifications (spec §8.2). Optional: the sync does not rely on them
//! (anti-flood and user preferences may drop some), but a client may poll them to learn of
//! new mail early.

use super::{wire, ApiResult, Call, Client};

/// A new-message notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailNotification {
    pub id: String,
    /// The message id.
    pub message_id: String,
    pub sender_id: String,
    /// Epoch milliseconds.
    pub date: i64,
}

/// `GET /timeline/lastNotifications?type=MESSAGERIE&page=N` (25 per page, newest first).
pub async fn mail_notifications(client: &Client, page: u32) -> ApiResult<Vec<MailNotification>> {
    let path = ent_protocol::paths::last_notifications(page);
    let answer: Option<wire::Notifications> = client.send(Call::get(path)).await?;
    Ok(answer
        .map(|a| a.results)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.kind == "MESSAGERIE")
        .filter_map(|n| {
            Some(MailNotification {
                id: n.id,
                message_id: n.resource.filter(|r| !r.is_empty())?,
                sender_id: n.sender.unwrap_or_default(),
                date: n.date.epoch_millis,
            })
        })
        .collect())
}
