//! User actions: applied to the store at once and queued for the ENT, in one transaction.
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

use super::folder::{self, FolderRow, DRAFT, INBOX, OUTBOX, TRASH};
use super::listing;
use super::{Event, Mailbox};
use crate::error::{Error, Result};
use crate::message::{self, Attachment, Recipient, SummaryRow};
use crate::queue::{self, Action, DraftContent, MessageBefore};
use crate::store::{self, Origin, SqlContext, StoreResult};

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
        "UPDATE messages SET unread = ?2, trashed = ?3, user_folder_id = ?4, state = ?5,
            origin = 'sync' WHERE id = ?1",
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

fn snapshots(tx: &Transaction<'_>, ids: &[String]) -> StoreResult<Vec<MessageBefore>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(s) = snapshot(tx, id)? {
            out.push(s);
        }
    }
    Ok(out)
}

fn set_location(
    tx: &Transaction<'_>,
    id: &str,
    trashed: bool,
    user_folder: Option<&str>,
    me: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE messages SET trashed = ?2, user_folder_id = ?3, origin = 'user' WHERE id = ?1",
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
            message::set_unread(tx, &list, unread, Origin::User)?;
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
        let folder = folder_id.to_string();
        let exists = {
            let f = folder.clone();
            self.inner
                .store
                .read(move |c| folder::exists(c, &f))
                .await?
        };
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

    /// Creates a user folder; returns its (local until synced) id.
    pub async fn create_folder(&self, name: &str, parent_id: Option<&str>) -> Result<String> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(Error::InvalidInput("a folder needs a name".into()));
        }
        let id = queue::new_local_id();
        let parent = parent_id.map(str::to_string);
        let fid = id.clone();
        self.inner
            .store
            .write(move |tx| {
                let depth = match &parent {
                    Some(p) => {
                        tx.query_row("SELECT depth FROM folders WHERE id = ?1", [p], |r| {
                            r.get::<_, u32>(0)
                        })
                        .ctx("read a parent folder")?
                            + 1
                    }
                    None => 1,
                };
                let row = FolderRow {
                    id: fid.clone(),
                    parent_id: parent.clone(),
                    name: name.clone(),
                    depth,
                };
                folder::upsert(tx, &row, Origin::User)?;
                queue::push(
                    tx,
                    &Action::CreateFolder {
                        local_id: fid,
                        name,
                        parent_id: parent,
                    },
                    Vec::new(),
                )
                .map(drop)
            })
            .await?;
        self.inner.emit(Event::FoldersChanged);
        Ok(id)
    }

    /// Renames a user folder.
    pub async fn rename_folder(&self, id: &str, name: &str) -> Result<()> {
        let (id, name) = (id.to_string(), name.trim().to_string());
        if name.is_empty() {
            return Err(Error::InvalidInput("a folder needs a name".into()));
        }
        self.inner
            .store
            .write(move |tx| {
                let n = tx
                    .execute(
                        "UPDATE folders SET name = ?2, origin = 'user' WHERE id = ?1 AND system = 0",
                        [&id, &name],
                    )
                    .ctx("rename a folder")?;
                if n == 1 {
                    queue::push(tx, &Action::RenameFolder { id, name }, Vec::new())?;
                }
                Ok(())
            })
            .await?;
        self.inner.emit(Event::FoldersChanged);
        Ok(())
    }

    /// Deletes a user folder and its sub-folders; their messages go to the trash (as on the ENT).
    pub async fn delete_folder(&self, id: &str) -> Result<()> {
        let fid = id.to_string();
        let me = self.inner.user_id().await?;
        self.inner
            .store
            .write(move |tx| {
                let tree = folder::subtree(tx, &fid)?;
                let mut before = Vec::new();
                for f in &tree {
                    let ids: Vec<String> = {
                        let mut stmt = tx
                            .prepare("SELECT id FROM messages WHERE user_folder_id = ?1")
                            .ctx("read a folder's messages")?;
                        let rows = stmt
                            .query_map([f], |r| r.get(0))
                            .ctx("read a folder's messages")?;
                        rows.collect::<Result<_, _>>()
                            .ctx("read a folder's messages")?
                    };
                    for id in ids {
                        if let Some(b) = snapshot(tx, &id)? {
                            before.push(b);
                        }
                        set_location(tx, &id, true, None, &me)?;
                    }
                }
                for f in tree.iter().rev() {
                    folder::delete(tx, f)?;
                }
                queue::push(tx, &Action::DeleteFolder { id: fid }, before).map(drop)
            })
            .await?;
        self.inner.emit(Event::FoldersChanged);
        self.inner.announce_pending().await?;
        Ok(())
    }

    /// The id a message has now: a draft made offline keeps its local id until the ENT gives it
    /// one, and the caller may still hold the local one.
    pub(crate) async fn current_id(&self, id: Option<&str>) -> Result<String> {
        let Some(id) = id.map(str::to_string) else {
            return Ok(queue::new_local_id());
        };
        Ok(self
            .inner
            .store
            .read(move |c| {
                if message::get_message(c, &id)?.is_some() {
                    return Ok(id);
                }
                Ok(queue::remote_id(c, &id)?.unwrap_or(id))
            })
            .await?)
    }

    /// Saves a draft (a new one when `id` is `None`); returns its id.
    pub async fn save_draft(&self, id: Option<&str>, content: DraftContent) -> Result<String> {
        let id = self.current_id(id).await?;
        let me = self.inner.user_id().await?;
        let did = id.clone();
        self.inner
            .store
            .write(move |tx| {
                write_draft(tx, &did, &content, &me, "DRAFT")?;
                queue::push(tx, &Action::SaveDraft { id: did, content }, Vec::new()).map(drop)
            })
            .await?;
        self.inner.emit(Event::MessagesChanged {
            ids: vec![id.clone()],
        });
        self.inner.announce_pending().await?;
        Ok(id)
    }

    /// Sends a message: saves it as a draft, then sends that draft by its id, so that a replayed
    /// send can never deliver twice. Returns the message id.
    pub async fn send(&self, id: Option<&str>, content: DraftContent) -> Result<String> {
        self.queue_send(id, content, None).await
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
        let due = chrono::Utc::now().timestamp_millis()
            + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
        let id = self.queue_send(id, content, Some(due)).await?;
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
        let now = chrono::Utc::now().timestamp_millis();
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

    async fn queue_send(
        &self,
        id: Option<&str>,
        content: DraftContent,
        not_before: Option<i64>,
    ) -> Result<String> {
        if content.to.is_empty() && content.cc.is_empty() && content.cci.is_empty() {
            return Err(Error::InvalidInput(
                "a message needs at least one recipient".into(),
            ));
        }
        let id = self.current_id(id).await?;
        let me = self.inner.user_id().await?;
        let did = id.clone();
        self.inner
            .store
            .write(move |tx| {
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
                write_draft(tx, &did, &content, &me, "SENT")?;
                let send = Action::Send {
                    id: did,
                    content,
                    not_before,
                };
                queue::push(tx, &send, before).map(drop)
            })
            .await?;
        self.inner.emit(Event::MessagesChanged {
            ids: vec![id.clone()],
        });
        self.inner.announce_pending().await?;
        Ok(id)
    }

    /// Adds a file to a draft; the file is copied into the account, so a queued upload survives.
    pub async fn add_attachment(&self, message_id: &str, file: &std::path::Path) -> Result<String> {
        let message_id = &self.current_id(Some(message_id)).await?;
        let filename = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .ok_or_else(|| Error::InvalidInput(format!("{} is not a file", file.display())))?;
        let local_id = queue::new_local_id();
        let dir = self.inner.account.dir.join("outgoing");
        let copy = dir.join(super::safe_name(&format!("{local_id}-{filename}")));
        // Only a regular file: a device (`/dev/zero`) or a FIFO would fill the disk or block,
        // whoever asks (the app hands only picked files, the CLI any path it is given).
        let src = file.to_path_buf();
        let checked = src.clone();
        tokio::task::spawn_blocking(move || crate::attachment::regular_file_size(&checked))
            .await
            .map_err(|_| Error::InvalidInput("file check task failed".into()))??;
        let (dst, d) = (copy.clone(), dir.clone());
        let size = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&d)?;
            std::fs::copy(&src, &dst)
        })
        .await
        .map_err(|_| Error::InvalidInput("copy task failed".into()))?
        .map_err(|source| Error::File {
            path: file.display().to_string(),
            source,
        })?;
        let content_type = guess_type(&filename).to_string();
        let (mid, lid) = (message_id.to_string(), local_id.clone());
        let path_text = copy.display().to_string();
        self.inner
            .store
            .write(move |tx| {
                let mut list = message::attachments(tx, &mid)?;
                list.push(Attachment {
                    id: lid.clone(),
                    filename: filename.clone(),
                    content_type: content_type.clone(),
                    size: size as i64,
                    cached_path: Some(path_text.clone()),
                });
                message::replace_attachments(tx, &mid, &list)?;
                tx.execute(
                    "UPDATE attachments SET cached_path = ?3 WHERE message_id = ?1 AND id = ?2",
                    [&mid, &lid, &path_text],
                )
                .ctx("record an attachment file")?;
                tx.execute(
                    "UPDATE messages SET has_attachment = 1 WHERE id = ?1",
                    [&mid],
                )
                .ctx("flag an attachment")?;
                let action = Action::AddAttachment {
                    message_id: mid,
                    local_id: lid,
                    path: path_text,
                    filename,
                    content_type,
                };
                queue::push(tx, &action, Vec::new()).map(drop)
            })
            .await?;
        self.inner.announce_pending().await?;
        Ok(local_id)
    }

    /// Removes a file from a draft.
    pub async fn remove_attachment(&self, message_id: &str, attachment_id: &str) -> Result<()> {
        let message_id = &self.current_id(Some(message_id)).await?;
        let (mid, aid) = (message_id.to_string(), attachment_id.to_string());
        self.inner
            .store
            .write(move |tx| {
                tx.execute(
                    "DELETE FROM attachments WHERE message_id = ?1 AND id = ?2",
                    [&mid, &aid],
                )
                .ctx("remove an attachment")?;
                queue::push(
                    tx,
                    &Action::RemoveAttachment {
                        message_id: mid,
                        attachment_id: aid,
                    },
                    Vec::new(),
                )
                .map(drop)
            })
            .await?;
        self.inner.announce_pending().await?;
        Ok(())
    }
}

/// The queued send of message `id` (by its local or its ENT id): queue seq, the id it was
/// queued under, and its content.
fn queued_send(tx: &Transaction<'_>, id: &str) -> StoreResult<Option<(i64, String, DraftContent)>> {
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

fn write_draft(
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
    message::upsert_summary(tx, &row, Origin::User)?;
    tx.execute(
        "UPDATE messages SET body = ?2, body_text = ?3, body_synced = 1, parent_id = ?4 WHERE id = ?1",
        params![id, c.body, message::html_to_text(&c.body), c.in_reply_to],
    )
    .ctx("write a draft body")?;
    let folders = root_folders(tx, id, me)?;
    listing::place(tx, id, &folders)
}

fn guess_type(name: &str) -> &'static str {
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" => "text/plain",
        "odt" => "application/vnd.oasis.opendocument.text",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
