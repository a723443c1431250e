//! Several ENT accounts side by side: the switcher's list, the shown account, « Retirer ce
//! compte » and « Toutes les boîtes de réception ». Every other command acts on the shown
//! account (`AppState::mailbox`).
use messagerie_core::message::MessageSummary;
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::error::CommandError;
use crate::state::{AccountInfo, AppState};

/// The inbox's folder id in the store.
const INBOX: &str = "inbox";

/// A line of the account switcher.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenAccount {
    pub account: AccountInfo,
    /// Unread messages in its inbox, from its local copy.
    pub inbox_unread: u32,
    /// The account the window shows (every command acts on it).
    pub shown: bool,
}

/// A line of « Toutes les boîtes de réception »: a message and the account whose inbox holds it.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnifiedLine {
    /// The account's id ([`AccountInfo::id`]).
    pub account: String,
    pub message: MessageSummary,
}

/// Every open account, in the order they were added, with its inbox's unread count.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn accounts(state: State<'_, AppState>) -> Result<Vec<OpenAccount>, CommandError> {
    let open: Vec<_> = {
        let accounts = state.accounts.read().await;
        accounts
            .open
            .iter()
            .map(|c| {
                let shown = accounts.shown.as_deref() == Some(&c.id);
                (c.account.clone(), c.mailbox.clone(), shown)
            })
            .collect()
    };
    let mut out = Vec::with_capacity(open.len());
    for (account, mailbox, shown) in open {
        let inbox_unread = mailbox
            .folders()
            .await?
            .iter()
            .find(|f| f.id == INBOX)
            .map_or(0, |f| f.unread);
        out.push(OpenAccount {
            account,
            inbox_unread,
            shown,
        });
    }
    Ok(out)
}

/// Shows the open account `id` (the next start shows it too).
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub async fn show_account(
    state: State<'_, AppState>,
    id: String,
) -> Result<AccountInfo, CommandError> {
    let account = {
        let mut accounts = state.accounts.write().await;
        let account = accounts
            .get(&id)
            .map(|c| c.account.clone())
            .ok_or_else(CommandError::signed_out)?;
        accounts.shown = Some(id.clone());
        account
    };
    state.remember_shown(&id).await;
    Ok(account)
}

/// « Retirer ce compte »: signs the account `id` out and erases its local copy; the others
/// stay as they are (see `session::close_account`).
#[tauri::command]
#[tracing::instrument(skip(app, state), err)]
pub async fn remove_account(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<(), CommandError> {
    crate::commands::session::close_account(&app, &state, &id, true).await
}

/// « Toutes les boîtes de réception »: a page of every open account's inbox merged, newest
/// first, each line with its account. Read from the local copies, in one call.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub async fn unified_inbox(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> Result<Vec<UnifiedLine>, CommandError> {
    let open: Vec<_> = state
        .accounts
        .read()
        .await
        .open
        .iter()
        .map(|c| (c.id.clone(), c.mailbox.clone()))
        .collect();
    // A page of the merge holds at most `offset + limit` lines of any one inbox.
    let enough = offset.saturating_add(limit);
    let mut inboxes = Vec::with_capacity(open.len());
    for (id, mailbox) in open {
        inboxes.push((id, mailbox.list(INBOX, 0, enough).await?));
    }
    Ok(merge_newest_first(inboxes, offset, limit))
}

/// Merges lists each sorted newest first into one page, newest first (ties: the order of the
/// accounts).
pub fn merge_newest_first(
    inboxes: Vec<(String, Vec<MessageSummary>)>,
    offset: u32,
    limit: u32,
) -> Vec<UnifiedLine> {
    let mut all: Vec<UnifiedLine> = inboxes
        .into_iter()
        .flat_map(|(account, messages)| {
            messages.into_iter().map(move |message| UnifiedLine {
                account: account.clone(),
                message,
            })
        })
        .collect();
    all.sort_by_key(|line| std::cmp::Reverse(line.message.date));
    all.into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, date: i64) -> MessageSummary {
        serde_json::from_value(serde_json::json!({
            "id": id, "subject": id, "from": null, "to": [], "state": "SENT", "date": date,
            "unread": true, "response": false, "hasAttachment": false, "bodyAvailable": true
        }))
        .unwrap()
    }

    #[test]
    fn the_unified_inbox_merges_every_account_newest_first_page_by_page() {
        let a = ("a".to_string(), vec![summary("a3", 30), summary("a1", 10)]);
        let b = ("b".to_string(), vec![summary("b4", 40), summary("b2", 20)]);
        let all = merge_newest_first(vec![a.clone(), b.clone()], 0, 10);
        let ids: Vec<_> = all
            .iter()
            .map(|l| (l.account.as_str(), l.message.id.as_str()))
            .collect();
        assert_eq!(ids, [("b", "b4"), ("a", "a3"), ("b", "b2"), ("a", "a1")]);
        let page: Vec<_> = merge_newest_first(vec![a, b], 1, 2)
            .into_iter()
            .map(|l| l.message.id)
            .collect();
        assert_eq!(page, ["a3", "b2"]);
    }
}
