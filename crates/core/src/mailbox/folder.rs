//! Folders: the four system ones and the user's tree, with their counts; creating, renaming
//! and deleting user folders (applied at once, queued for the ENT).

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::actions::{set_location, snapshot};
use super::{Event, Mailbox};
use crate::error::{Error, Result};
use crate::queue::{self, Action};
use crate::store::{SqlContext, StoreResult};

/// Ids of the system folders, as the ENT's React client names them (§3.2).
pub const INBOX: &str = "inbox";
pub const OUTBOX: &str = "outbox";
pub const DRAFT: &str = "draft";
pub const TRASH: &str = "trash";
pub const SYSTEM_FOLDERS: [&str; 4] = [INBOX, OUTBOX, DRAFT, TRASH];

/// How deep user folders may go when the ENT cannot be asked: entcore's default
/// (conversation `Conversation.DEFAULT_FOLDER_DEPTH`, read as `max-folder-depth` in
/// ConversationController.java `@Get("max-depth")`).
pub const DEFAULT_MAX_DEPTH: u32 = 3;

/// A folder and its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Folder {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    /// 0 for system folders, 1 for a root user folder.
    pub depth: u32,
    pub system: bool,
    pub total: u32,
    pub unread: u32,
}

/// A user folder as the ENT lists it (tree flattened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub depth: u32,
}

/// Every folder with its counts: system folders first, then the tree by name.
pub fn list_folders(conn: &Connection) -> StoreResult<Vec<Folder>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT f.id, f.parent_id, f.name, f.depth, f.system,
                (SELECT count(*) FROM placements p WHERE p.folder_id = f.id),
                (SELECT count(*) FROM placements p JOIN messages m ON m.id = p.message_id
                  WHERE p.folder_id = f.id AND m.unread = 1)
             FROM folders f ORDER BY f.system DESC, f.position, f.depth, lower(f.name)",
        )
        .ctx("prepare folder list")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Folder {
                id: r.get(0)?,
                parent_id: r.get(1)?,
                name: r.get(2)?,
                depth: r.get(3)?,
                system: r.get(4)?,
                total: r.get(5)?,
                unread: r.get(6)?,
            })
        })
        .ctx("list folders")?;
    rows.collect::<Result<_, _>>().ctx("list folders")
}

/// Whether a folder exists.
pub fn exists(conn: &Connection, id: &str) -> StoreResult<bool> {
    conn.query_row("SELECT count(*) FROM folders WHERE id = ?1", [id], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
    .ctx("read a folder")
}

/// The id a folder has in the store now: itself, or the ENT's id the replay gave a folder made
/// here (the window may still list it under its local id). Called inside each write that takes
/// a folder id, because the replay renames in a write of its own.
pub fn resolve_id(conn: &Connection, id: &str) -> StoreResult<String> {
    if exists(conn, id)? {
        return Ok(id.to_string());
    }
    Ok(queue::remote_id(conn, id)?.unwrap_or_else(|| id.to_string()))
}

/// Writes a user folder.
pub fn upsert(conn: &Connection, f: &FolderRow) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO folders (id, parent_id, name, depth, system) VALUES (?1, ?2, ?3, ?4, 0)
         ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name,
            depth = excluded.depth",
    )
    .ctx("prepare folder upsert")?
    .execute(params![f.id, f.parent_id, f.name, f.depth])
    .ctx("write a folder")?;
    Ok(())
}

/// User folders of the store.
pub fn user_folders(conn: &Connection) -> StoreResult<Vec<FolderRow>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, parent_id, name, depth FROM folders WHERE system = 0")
        .ctx("prepare folder read")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(FolderRow {
                id: r.get(0)?,
                parent_id: r.get(1)?,
                name: r.get(2)?,
                depth: r.get(3)?,
            })
        })
        .ctx("read folders")?;
    rows.collect::<Result<_, _>>().ctx("read folders")
}

/// A user folder and its descendants, deepest last.
pub fn subtree(conn: &Connection, id: &str) -> StoreResult<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "WITH RECURSIVE t(id) AS (SELECT ?1 UNION ALL
                SELECT f.id FROM folders f JOIN t ON f.parent_id = t.id)
             SELECT id FROM t",
        )
        .ctx("prepare folder subtree")?;
    let rows = stmt
        .query_map([id], |r| r.get(0))
        .ctx("read a folder subtree")?;
    rows.collect::<Result<_, _>>().ctx("read a folder subtree")
}

/// Deletes a user folder (not its messages: the caller moves them first).
pub fn delete(conn: &Connection, id: &str) -> StoreResult<()> {
    conn.execute("DELETE FROM folders WHERE id = ?1 AND system = 0", [id])
        .ctx("delete a folder")?;
    Ok(())
}

impl Mailbox {
    /// How deep user folders may go: asked of the ENT (`GET /conversation/max-depth`), its
    /// default ([`DEFAULT_MAX_DEPTH`]) when it does not answer.
    pub async fn max_folder_depth(&self) -> u32 {
        crate::client::conversation::max_depth(&self.inner.client)
            .await
            .inspect_err(|error| tracing::debug!(%error, "folder depth not asked; the default"))
            .unwrap_or(DEFAULT_MAX_DEPTH)
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
                let parent = parent.map(|p| resolve_id(tx, &p)).transpose()?;
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
                upsert(tx, &row)?;
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
                let id = resolve_id(tx, &id)?;
                let n = tx
                    .execute(
                        "UPDATE folders SET name = ?2 WHERE id = ?1 AND system = 0",
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
                let fid = resolve_id(tx, &fid)?;
                let tree = subtree(tx, &fid)?;
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
                    delete(tx, f)?;
                }
                queue::push(tx, &Action::DeleteFolder { id: fid }, before).map(drop)
            })
            .await?;
        self.inner.emit(Event::FoldersChanged);
        self.inner.announce_pending().await?;
        Ok(())
    }
}
