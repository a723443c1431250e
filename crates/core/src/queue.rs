//! The queue of local actions waiting for the ENT.
//!
//! Each user action is applied to the store and appended here in the same transaction, so the
//! store and the queue never disagree, even after a crash. The sync engine replays the queue in
//! order (`seq`) before it pulls, and removes an entry only once the ENT has answered it; an
//! entry whose replay was cut off is sent again, which is safe because every action is
//! idempotent on the ENT or checked first (a draft is sent by its id, and a second send of the
//! same draft is refused by the ENT, see `mailbox::replay`).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::store::{SqlContext, StoreError, StoreResult};

/// The content of a draft, as the user wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct DraftContent {
    pub subject: String,
    /// HTML.
    pub body: String,
    /// User and group ids.
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub cci: Vec<String>,
    /// The message this one answers or forwards.
    pub in_reply_to: Option<String>,
}

/// An action to replay on the ENT. Message and folder ids may be local ids (`local-…`) of
/// things made offline; the replay maps them to the ENT's ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Action {
    SetUnread {
        ids: Vec<String>,
        unread: bool,
    },
    Trash {
        ids: Vec<String>,
    },
    Restore {
        ids: Vec<String>,
    },
    Delete {
        ids: Vec<String>,
    },
    EmptyTrash,
    MoveToFolder {
        ids: Vec<String>,
        folder_id: String,
    },
    MoveToRoot {
        ids: Vec<String>,
    },
    CreateFolder {
        local_id: String,
        name: String,
        parent_id: Option<String>,
    },
    RenameFolder {
        id: String,
        name: String,
    },
    DeleteFolder {
        id: String,
    },
    /// Creates the draft on the ENT when `id` is local, updates it otherwise.
    SaveDraft {
        id: String,
        content: DraftContent,
    },
    Send {
        id: String,
        content: DraftContent,
        /// Epoch milliseconds before which the message must not leave (undo send); the replay
        /// stops at a send not due yet, so nothing queued after it overtakes it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        not_before: Option<i64>,
    },
    /// Links the original's attachments to a forward draft on the ENT.
    ForwardAttachments {
        draft_id: String,
        original_id: String,
    },
    AddAttachment {
        message_id: String,
        local_id: String,
        path: String,
        filename: String,
        content_type: String,
    },
    RemoveAttachment {
        message_id: String,
        attachment_id: String,
    },
}

/// How a message was before a local action, to undo it when the ENT refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageBefore {
    pub id: String,
    pub folders: Vec<String>,
    pub unread: bool,
    pub trashed: bool,
    pub user_folder_id: Option<String>,
    pub state: String,
}

/// An entry of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub seq: i64,
    pub action: Action,
    pub before: Vec<MessageBefore>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    action: Action,
    #[serde(default)]
    before: Vec<MessageBefore>,
}

/// Appends an action.
pub fn push(conn: &Connection, action: &Action, before: Vec<MessageBefore>) -> StoreResult<i64> {
    let text = serde_json::to_string(&Stored {
        action: action.clone(),
        before,
    })
    .map_err(|source| StoreError::Json {
        what: "queued action",
        source,
    })?;
    conn.execute(
        "INSERT INTO queue (action, created_at) VALUES (?1, ?2)",
        params![text, chrono::Utc::now().timestamp_millis()],
    )
    .ctx("queue an action")?;
    Ok(conn.last_insert_rowid())
}

/// The oldest entry, if any.
pub fn first(conn: &Connection) -> StoreResult<Option<Entry>> {
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, action FROM queue ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("read the queue")?;
    row.map(|(seq, text)| {
        let s: Stored = serde_json::from_str(&text).map_err(|source| StoreError::Json {
            what: "queued action",
            source,
        })?;
        Ok(Entry {
            seq,
            action: s.action,
            before: s.before,
        })
    })
    .transpose()
}

/// Every entry, oldest first.
pub fn all(conn: &Connection) -> StoreResult<Vec<Entry>> {
    let mut stmt = conn
        .prepare("SELECT seq, action FROM queue ORDER BY seq")
        .ctx("read the queue")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .ctx("read the queue")?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, text) = row.ctx("read the queue")?;
        let s: Stored = serde_json::from_str(&text).map_err(|source| StoreError::Json {
            what: "queued action",
            source,
        })?;
        out.push(Entry {
            seq,
            action: s.action,
            before: s.before,
        });
    }
    Ok(out)
}

/// Removes an entry once the ENT has answered it.
pub fn remove(conn: &Connection, seq: i64) -> StoreResult<()> {
    conn.execute("DELETE FROM queue WHERE seq = ?1", [seq])
        .ctx("remove a queued action")?;
    Ok(())
}

/// Number of entries.
pub fn len(conn: &Connection) -> StoreResult<u32> {
    conn.query_row("SELECT count(*) FROM queue", [], |r| r.get(0))
        .ctx("count the queue")
}

/// Ids of messages some queued action touches (the planner leaves them alone).
pub fn pending_message_ids(conn: &Connection) -> StoreResult<std::collections::BTreeSet<String>> {
    let mut ids = std::collections::BTreeSet::new();
    for e in all(conn)? {
        match e.action {
            Action::SetUnread { ids: list, .. }
            | Action::Trash { ids: list }
            | Action::Restore { ids: list }
            | Action::Delete { ids: list }
            | Action::MoveToFolder { ids: list, .. }
            | Action::MoveToRoot { ids: list } => ids.extend(list),
            Action::SaveDraft { id, .. } | Action::Send { id, .. } => {
                ids.insert(id);
            }
            Action::ForwardAttachments { draft_id, .. } => {
                ids.insert(draft_id);
            }
            Action::AddAttachment { message_id, .. }
            | Action::RemoveAttachment { message_id, .. } => {
                ids.insert(message_id);
            }
            Action::EmptyTrash => {
                // Everything in the trash is about to go.
                let mut stmt = conn
                    .prepare("SELECT message_id FROM placements WHERE folder_id = 'trash'")
                    .ctx("read the trash")?;
                let rows = stmt
                    .query_map([], |r| r.get::<_, String>(0))
                    .ctx("read the trash")?;
                for r in rows {
                    ids.insert(r.ctx("read the trash")?);
                }
            }
            Action::CreateFolder { .. }
            | Action::RenameFolder { .. }
            | Action::DeleteFolder { .. } => {}
        }
    }
    Ok(ids)
}

/// The ENT id of a thing made offline, once known.
pub fn remote_id(conn: &Connection, local_id: &str) -> StoreResult<Option<String>> {
    conn.query_row(
        "SELECT remote_id FROM id_map WHERE local_id = ?1",
        [local_id],
        |r| r.get(0),
    )
    .optional()
    .ctx("read the id map")
}

/// Records the ENT id of a thing made offline.
pub fn map_id(conn: &Connection, local_id: &str, remote_id: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO id_map (local_id, remote_id) VALUES (?1, ?2)",
        [local_id, remote_id],
    )
    .ctx("write the id map")?;
    Ok(())
}

/// True for ids made offline.
pub fn is_local_id(id: &str) -> bool {
    id.starts_with("local-")
}

/// A fresh local id.
pub fn new_local_id() -> String {
    format!("local-{}", uuid::Uuid::new_v4())
}
