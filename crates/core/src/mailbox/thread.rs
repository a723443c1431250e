//! Conversations (« Afficher par conversation »): the messages of one thread, across folders,
//! read from the store, so they work offline.
//!
//! entcore threads every message (`thread_id` is the id of the thread's first message, and a
//! reply joins its parent's thread while the participants stay the same: conversation
//! `SqlConversationService.java` `getShouldCreateThread`, see the protocol notes §3.5), but
//! none of its clients shows a thread. A message whose body the sync has not read yet has no
//! thread id here: it is its own conversation until then.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::folder::{DRAFT, TRASH};
use super::Mailbox;
use crate::error::{Error, Result};
use crate::message::{self, finish_summary, summary_from_row, Message, MessageSummary};
use crate::store::{SqlContext, StoreResult};

/// The key messages are grouped by (indexed: migration 0005).
const THREAD_KEY: &str = "COALESCE(m.thread_id, m.id)";

/// One line of a folder shown by conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConversationSummary {
    /// The thread: the id of its first message.
    pub thread_id: String,
    /// The latest message of the conversation in this folder: the line's subject, date and
    /// sender, and what opens when the line is clicked.
    pub latest: MessageSummary,
    /// Messages of the conversation in every folder but the trash and the drafts (all of them
    /// when the folder is the trash or the drafts).
    pub count: u32,
    /// Whether any of them is unread.
    pub unread: bool,
    /// Who wrote in it, each once, the latest first.
    pub participants: Vec<String>,
    /// Its messages listed in this folder, newest first: what an action on the line acts on
    /// (ticked and deleted, the conversation leaves the folder, as in a mail client's threads).
    pub here: Vec<String>,
}

/// Where a conversation's other messages are looked for: in the trash only the trash's, in
/// the drafts only the drafts; elsewhere every folder but those two.
fn scope(folder_id: &str) -> &'static str {
    match folder_id {
        TRASH => "m.trashed = 1",
        DRAFT => "m.state = 'DRAFT'",
        _ => "m.trashed = 0 AND m.state != 'DRAFT'",
    }
}

/// A page of a folder by conversation, the one with the latest message first.
///
/// Two ordered scans, whatever the page: the folder's messages newest first (a conversation's
/// line is where its first one comes, its latest), then the messages in `scope` for the
/// counts. Grouping in SQL (`GROUP BY` the thread, then `OFFSET`) took 180 ms a page at
/// 80,000 messages and 15 s for the whole inbox (BENCHMARKS d); the window reads a folder in
/// one call ([`Mailbox::list_conversations`] with no limit), so each scan runs once.
pub fn page(
    conn: &Connection,
    folder_id: &str,
    offset: u32,
    limit: u32,
) -> StoreResult<Vec<ConversationSummary>> {
    use std::collections::hash_map::{Entry, HashMap};
    let range = offset as usize..(offset as usize).saturating_add(limit as usize);
    // Thread → its line's index among the folder's lines.
    let mut line_of: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<ConversationSummary> = Vec::new();
    let mut folder = conn
        .prepare_cached(&format!(
            "SELECT {cols}, {THREAD_KEY} FROM placements p JOIN messages m ON m.id = p.message_id
             WHERE p.folder_id = ?1 ORDER BY p.date DESC, p.message_id",
            cols = message::SUMMARY_COLUMNS
        ))
        .ctx("prepare a folder by conversation")?;
    let mut rows = folder
        .query([folder_id])
        .ctx("list a folder by conversation")?;
    while let Some(r) = rows.next().ctx("list a folder by conversation")? {
        let thread_id: String = r.get(12).ctx("read a thread")?;
        let next = line_of.len();
        let line = match line_of.entry(thread_id) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                if range.contains(&next) {
                    let latest = finish_summary(summary_from_row(r).ctx("read a message")?)?;
                    out.push(ConversationSummary {
                        thread_id: e.key().clone(),
                        count: 0,
                        unread: false,
                        participants: Vec::new(),
                        here: Vec::new(),
                        latest,
                    });
                }
                *e.insert(next)
            }
        };
        if range.contains(&line) {
            out[line - range.start]
                .here
                .push(r.get(0).ctx("read a message id")?);
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    // The page's conversations in every folder of the scope, newest first.
    let mut members = conn
        .prepare_cached(&format!(
            "SELECT {THREAD_KEY}, m.unread, m.from_name FROM messages m WHERE {scope}
             ORDER BY m.date DESC",
            scope = scope(folder_id)
        ))
        .ctx("prepare the conversations' messages")?;
    let mut rows = members.query([]).ctx("read the conversations' messages")?;
    while let Some(r) = rows.next().ctx("read the conversations' messages")? {
        let thread_id: String = r.get(0).ctx("read a thread")?;
        let Some(line) = line_of
            .get(&thread_id)
            .filter(|l| range.contains(l))
            .map(|l| &mut out[l - range.start])
        else {
            continue;
        };
        line.count += 1;
        line.unread |= r.get::<_, bool>(1).ctx("read a flag")?;
        let from: String = r.get(2).ctx("read a sender")?;
        if !from.is_empty() && !line.participants.contains(&from) {
            line.participants.push(from);
        }
    }
    for line in &mut out {
        line.count = line.count.max(1);
        line.unread |= line.latest.unread;
    }
    Ok(out)
}

/// The ids of a conversation's messages, oldest first: those of the thread of `id`, in the
/// same scope as its list line ([`scope`] of the folder the message is in).
fn member_ids(conn: &Connection, id: &str) -> StoreResult<Option<Vec<String>>> {
    let Some(m) = message::get_message(conn, id)? else {
        return Ok(None);
    };
    let folder = if m.trashed {
        TRASH
    } else if m.summary.state == "DRAFT" {
        DRAFT
    } else {
        ""
    };
    let key = m.thread_id.unwrap_or(m.summary.id);
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT m.id FROM messages m WHERE {THREAD_KEY} = ?1 AND {scope}
             ORDER BY m.date, m.id",
            scope = scope(folder)
        ))
        .ctx("prepare a conversation")?;
    let ids = stmt
        .query_map([key], |r| r.get(0))
        .ctx("read a conversation")?
        .collect::<Result<Vec<String>, _>>()
        .ctx("read a conversation")?;
    Ok(Some(ids))
}

impl Mailbox {
    /// A page of a folder shown by conversation (« Afficher par conversation »).
    pub async fn list_conversations(
        &self,
        folder_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<ConversationSummary>> {
        let folder = folder_id.to_string();
        Ok(self
            .inner
            .store
            .read(move |c| page(c, &folder, offset, limit))
            .await?)
    }

    /// The conversation of message `id`, oldest first, across folders (a reply sent from here
    /// sits in « Messages envoyés » and belongs to it). Marks nothing read: the window opens
    /// the latest message with [`Mailbox::open_message`] and the others as the user unfolds
    /// them. Bodies are left out (the window asks for each one it shows).
    pub async fn conversation(&self, id: &str) -> Result<Vec<Message>> {
        let key = self.current_id(Some(id)).await?;
        self.inner
            .store
            .read(move |c| {
                let Some(ids) = member_ids(c, &key)? else {
                    return Ok(None);
                };
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(mut m) = message::get_message(c, &id)? {
                        m.body = None;
                        out.push(m);
                    }
                }
                Ok(Some(out))
            })
            .await?
            .ok_or_else(|| Error::MessageNotFound(id.to_string()))
    }
}
