//! Actions on messages (read, trash, restore, delete, move): applied to the store at once and
//! queued for the ENT, in one transaction. Folders are in [`super::folder`], writing in
//! [`super::compose`].
//!
//! What the ENT then does is not always what was asked, and the replay (`mailbox::replay`)
//! brings the store in step: a batch holding a message deleted on the ENT's web page meanwhile
//! is refused whole by the ENT (401), so the replay splits it, applies the rest and removes the
//! gone message here; a delete for good of a message that is not in the ENT's trash any more
//! (restored elsewhere) is a silent no-op on the ENT, and the message comes back here; a reply
//! or a forward marks the original read on the ENT, and here once it did; an edit of a draft
//! sent elsewhere is ignored by the ENT, and the store shows the message as sent.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::folder::{self, DRAFT, INBOX, OUTBOX, TRASH};
use super::listing;
use super::{Event, Mailbox};
use crate::error::{Error, Result};
use crate::message::{self, Recipient};
use crate::queue::{self, Action, MessageBefore};
use crate::store::{SqlContext, StoreResult};

/// How a message is now, to undo an action the ENT refuses.
pub(crate) fn snapshot(conn: &Connection, id: &str) -> StoreResult<Option<MessageBefore>> {
    let row = conn
        .query_row(
            "SELECT unread, trashed, user_folder_id, state FROM messages WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .ctx("read a message state")?;
    let Some((unread, trashed, user_folder_id, state)) = row else {
        return Ok(None);
    };
    let folders = listing::folders_of(conn, id)?.into_iter().collect();
    Ok(Some(MessageBefore {
        id: id.to_string(),
        folders,
        unread,
        trashed,
        user_folder_id,
        state,
    }))
}

/// Puts a message back as it was.
pub(crate) fn undo(conn: &Connection, before: &MessageBefore) -> StoreResult<()> {
    // A message made offline has the ENT's id by now.
    let id = queue::remote_id(conn, &before.id)?.unwrap_or_else(|| before.id.clone());
    conn.execute(
        "UPDATE messages SET unread = ?2, trashed = ?3, user_folder_id = ?4, state = ?5
            WHERE id = ?1",
        params![
            id,
            before.unread,
            before.trashed,
            before.user_folder_id,
            before.state
        ],
    )
    .ctx("undo a local change")?;
    listing::place(conn, &id, &before.folders.iter().cloned().collect())
}

/// Where a message not in the trash nor in a user folder is listed (§3.2).
pub(crate) fn root_folders(conn: &Connection, id: &str, me: &str) -> StoreResult<BTreeSet<String>> {
    let (state, from, to, cc): (String, Option<String>, String, String) = conn
        .query_row(
            "SELECT state, from_id, to_json, cc_json FROM messages WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .ctx("read a message")?;
    let mut out = BTreeSet::new();
    if state == "DRAFT" {
        out.insert(DRAFT.to_string());
        return Ok(out);
    }
    if state == "SCHEDULE" {
        // Waiting in the queue for its time: listed in « Programmés » (from the queue), in no
        // folder, until it leaves.
        return Ok(out);
    }
    let mine = from.as_deref() == Some(me);
    let names_me = |json: &str| {
        serde_json::from_str::<Vec<Recipient>>(json)
            .unwrap_or_default()
            .iter()
            .any(|r| r.id == me)
    };
    if mine {
        out.insert(OUTBOX.to_string());
    }
    if !mine || names_me(&to) || names_me(&cc) {
        out.insert(INBOX.to_string());
    }
    Ok(out)
}

pub(super) fn snapshots(tx: &Transaction<'_>, ids: &[String]) -> StoreResult<Vec<MessageBefore>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(s) = snapshot(tx, id)? {
            out.push(s);
        }
    }
    Ok(out)
}

pub(super) fn set_location(
    tx: &Transaction<'_>,
    id: &str,
    trashed: bool,
    user_folder: Option<&str>,
    me: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE messages SET trashed = ?2, user_folder_id = ?3 WHERE id = ?1",
        params![id, trashed, user_folder],
    )
    .ctx("move a message")?;
    let folders = match (trashed, user_folder) {
        (true, _) => [TRASH.to_string()].into_iter().collect(),
        (false, Some(f)) => [f.to_string()].into_iter().collect(),
        (false, None) => root_folders(tx, id, me)?,
    };
    listing::place(tx, id, &folders)
}

impl Mailbox {
    async fn apply<F>(&self, ids: Vec<String>, f: F) -> Result<()>
    where
        F: FnOnce(&Transaction<'_>, &str) -> StoreResult<()> + Send + 'static,
    {
        let me = self.inner.user_id().await?;
        self.inner.store.write(move |tx| f(tx, &me)).await?;
        self.inner.emit(Event::MessagesChanged { ids });
        self.inner.announce_pending().await?;
        Ok(())
    }

    fn checked(ids: &[String]) -> Result<Vec<String>> {
        let ids = crate::client::dedup_ids(ids);
        if ids.is_empty() {
            return Err(Error::InvalidInput("no message given".into()));
        }
        Ok(ids)
    }

    /// Marks messages read or unread.
    pub async fn set_unread(&self, ids: &[String], unread: bool) -> Result<()> {
        let ids = Self::checked(ids)?;
        let list = ids.clone();
        self.apply(ids, move |tx, _| {
            let before = snapshots(tx, &list)?;
            message::set_unread(tx, &list, unread)?;
            queue::push(tx, &Action::SetUnread { ids: list, unread }, before).map(drop)
        })
        .await
    }

    /// Moves messages to the trash.
    pub async fn trash(&self, ids: &[String]) -> Result<()> {
        self.set_trashed(ids, true).await
    }

    /// Brings messages back from the trash, where they were.
    pub async fn restore(&self, ids: &[String]) -> Result<()> {
        self.set_trashed(ids, false).await
    }

    /// Trash and restore: the messages keep their user folder, only the trashed flag changes.
    async fn set_trashed(&self, ids: &[String], trashed: bool) -> Result<()> {
        let ids = Self::checked(ids)?;
        let list = ids.clone();
        self.apply(ids, move |tx, me| {
            let before = snapshots(tx, &list)?;
            for b in &before {
                set_location(tx, &b.id, trashed, b.user_folder_id.as_deref(), me)?;
            }
            let action = if trashed {
                Action::Trash { ids: list }
            } else {
                Action::Restore { ids: list }
            };
            queue::push(tx, &action, before).map(drop)
        })
        .await
    }

    /// Deletes trashed messages for good (others are left alone, as on the ENT).
    pub async fn delete_forever(&self, ids: &[String]) -> Result<()> {
        let ids = Self::checked(ids)?;
        let list = ids.clone();
        self.apply(ids, move |tx, _| {
            let before: Vec<_> = snapshots(tx, &list)?
                .into_iter()
                .filter(|b| b.trashed)
                .collect();
            let gone: Vec<String> = before.iter().map(|b| b.id.clone()).collect();
            message::delete_messages(tx, &gone)?;
            queue::push(tx, &Action::Delete { ids: gone }, Vec::new()).map(drop)
        })
        .await
    }

    /// Empties the trash.
    pub async fn empty_trash(&self) -> Result<()> {
        self.apply(Vec::new(), move |tx, _| {
            let ids: Vec<String> = {
                let mut stmt = tx
                    .prepare("SELECT message_id FROM placements WHERE folder_id = 'trash'")
                    .ctx("read the trash")?;
                let rows = stmt.query_map([], |r| r.get(0)).ctx("read the trash")?;
                rows.collect::<Result<_, _>>().ctx("read the trash")?
            };
            message::delete_messages(tx, &ids)?;
            queue::push(tx, &Action::EmptyTrash, Vec::new()).map(drop)
        })
        .await
    }

    /// Moves messages into a user folder.
    pub async fn move_to_folder(&self, ids: &[String], folder_id: &str) -> Result<()> {
        let ids = Self::checked(ids)?;
        // A folder made a moment ago may have reached the ENT since the window listed it: its
        // local id now stands for the ENT's (`id_map`).
        let f = folder_id.to_string();
        let (folder, exists) = self
            .inner
            .store
            .read(move |c| {
                let id = match queue::remote_id(c, &f)? {
                    Some(remote) if queue::is_local_id(&f) => remote,
                    _ => f,
                };
                let exists = folder::exists(c, &id)?;
                Ok((id, exists))
            })
            .await?;
        if !exists || folder::SYSTEM_FOLDERS.contains(&folder_id) {
            return Err(Error::FolderNotFound(folder_id.to_string()));
        }
        let list = ids.clone();
        self.apply(ids, move |tx, me| {
            let before = snapshots(tx, &list)?;
            for b in &before {
                set_location(tx, &b.id, b.trashed, Some(&folder), me)?;
            }
            queue::push(
                tx,
                &Action::MoveToFolder {
                    ids: list,
                    folder_id: folder,
                },
                before,
            )
            .map(drop)
        })
        .await
    }

    /// Takes messages out of their user folder, back to the inbox / sent messages.
    pub async fn move_to_root(&self, ids: &[String]) -> Result<()> {
        let ids = Self::checked(ids)?;
        let list = ids.clone();
        self.apply(ids, move |tx, me| {
            let before = snapshots(tx, &list)?;
            for b in &before {
                set_location(tx, &b.id, b.trashed, None, me)?;
            }
            queue::push(tx, &Action::MoveToRoot { ids: list }, before).map(drop)
        })
        .await
    }
}
