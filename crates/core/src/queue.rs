//! The queue of local actions waiting for the ENT.
//!
//! Each user action is applied to the store and appended here in the same transaction, so the
//! store and the queue never disagree, even after a crash. The sync engine replays the queue in
//! order (`seq`) before it pulls, and removes an entry only once the ENT has answered it.
//!
//! # A replay cut off at any point
//!
//! Most actions are idempotent on the ENT and are simply sent again. Some are not: creating a
//! draft (`POST /conversation/draft` makes a new draft each time), sending it, uploading an
//! attachment (a new file each time). For those the entry records, committed BEFORE the
//! request leaves, that the step was attempted (`create_attempted_at`, `send_attempted_at`,
//! migration `20261129_0002`), and the ENT's id as soon as it is known (`id_map`). A replay
//! that finds a step attempted but no outcome (killed, or the answer lost) asks the ENT first
//! (see `mailbox::replay`).
//!
//! # One replay per entry, across processes
//!
//! A replay claims an entry ([`claim`]) in one IMMEDIATE transaction before running it and
//! keeps the claim alive ([`heartbeat`]); every step marker is written only while the claim is
//! still held ([`mark_attempted`]). So two mailboxes over the same file (the app and the CLI,
//! or two instances in one process) never run the same entry at once. A claim whose replay
//! died is stale and taken over: in this process as soon as its mailbox instance is gone, in
//! another when that process no longer exists (checked on Linux) or has not renewed the claim
//! for [`CLAIM_TTL_MS`].

use std::collections::BTreeSet;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Where it is written now ([`crate::mailbox::compose`]); still reachable here.
pub use crate::mailbox::compose::DraftContent;
use crate::store::{SqlContext, StoreError, StoreResult};

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
        /// « Envoyer plus tard »: `not_before` is the time the user chose, hours or days ahead,
        /// so the replay passes over it until then instead of holding the whole queue back.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        scheduled: bool,
    },
    /// Writes the signature into the ENT's conversation preference (§10.1), keeping the
    /// preference's other keys as the ENT has them at replay time.
    SetSignature {
        use_signature: bool,
        signature: String,
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
    /// An image inserted in a body while the ENT could not be reached: uploaded to the
    /// workspace as the ENT's editor does (`crate::ent_images::upload`), its `local_id` then
    /// maps to the document's id; saves and sends queued after it write that id in the body
    /// instead of `/workspace/document/{local_id}`.
    UploadImage {
        local_id: String,
        path: String,
        filename: String,
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
    /// When a replay was about to create this entry's draft or attachment on the ENT (its
    /// outcome may be unknown: look for it before creating another).
    #[serde(default)]
    pub create_attempted_at: Option<i64>,
    /// When a replay was about to send this entry's draft (look at its state before sending).
    #[serde(default)]
    pub send_attempted_at: Option<i64>,
}

/// A step of an entry that is not idempotent on the ENT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A POST that creates something: `POST /conversation/draft`, or the upload of an
    /// attachment (`POST /conversation/message/{id}/attachment`).
    Create,
    /// `POST /conversation/send`.
    Send,
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

const ENTRY_COLS: &str = "seq, action, create_attempted_at, send_attempted_at";

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, Option<i64>, Option<i64>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn decode(
    (seq, text, create_attempted_at, send_attempted_at): (i64, String, Option<i64>, Option<i64>),
) -> StoreResult<Entry> {
    let s: Stored = serde_json::from_str(&text).map_err(|source| StoreError::Json {
        what: "queued action",
        source,
    })?;
    Ok(Entry {
        seq,
        action: s.action,
        before: s.before,
        create_attempted_at,
        send_attempted_at,
    })
}

/// The oldest entry, if any.
pub fn first(conn: &Connection) -> StoreResult<Option<Entry>> {
    conn.query_row(
        &format!("SELECT {ENTRY_COLS} FROM queue ORDER BY seq LIMIT 1"),
        [],
        entry_row,
    )
    .optional()
    .ctx("read the queue")?
    .map(decode)
    .transpose()
}

/// The oldest entry the replay may run at `now`: a scheduled send not due yet is passed over
/// (it waits for its time without holding back what was queued after it); an undo-send not
/// due yet is returned, and the replay stops there.
pub fn first_ready(conn: &Connection, now: i64) -> StoreResult<Option<Entry>> {
    // Read row by row: almost always the first one is it, however long the queue.
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {ENTRY_COLS} FROM queue ORDER BY seq"))
        .ctx("read the queue")?;
    let rows = stmt.query_map([], entry_row).ctx("read the queue")?;
    for row in rows {
        let entry = decode(row.ctx("read the queue")?)?;
        let waiting = matches!(
            entry.action,
            Action::Send {
                scheduled: true,
                not_before: Some(due),
                ..
            } if due > now
        );
        if !waiting {
            return Ok(Some(entry));
        }
    }
    Ok(None)
}

/// The scheduled sends (« Envoyer plus tard ») of the queue, in order. Cheap on a long queue:
/// only rows whose text names the flag are decoded.
pub fn scheduled(conn: &Connection) -> StoreResult<Vec<Entry>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLS} FROM queue WHERE instr(action, '\"scheduled\":true') > 0 ORDER BY seq"
        ))
        .ctx("read the queue")?;
    let rows = stmt.query_map([], entry_row).ctx("read the queue")?;
    let mut out = Vec::new();
    for row in rows {
        let entry = decode(row.ctx("read the queue")?)?;
        if matches!(
            entry.action,
            Action::Send {
                scheduled: true,
                ..
            }
        ) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Replaces the action of entry `seq` (a scheduled send changed or sent now), keeping its
/// place, its undo snapshot and its step markers.
pub fn replace(conn: &Connection, seq: i64, action: &Action) -> StoreResult<()> {
    let Some(entry) = get(conn, seq)? else {
        return Ok(());
    };
    let text = serde_json::to_string(&Stored {
        action: action.clone(),
        before: entry.before,
    })
    .map_err(|source| StoreError::Json {
        what: "queued action",
        source,
    })?;
    conn.execute(
        "UPDATE queue SET action = ?2 WHERE seq = ?1",
        params![seq, text],
    )
    .ctx("change a queued action")?;
    Ok(())
}

/// The entry `seq`, if still queued.
pub fn get(conn: &Connection, seq: i64) -> StoreResult<Option<Entry>> {
    conn.query_row(
        &format!("SELECT {ENTRY_COLS} FROM queue WHERE seq = ?1"),
        [seq],
        entry_row,
    )
    .optional()
    .ctx("read the queue")?
    .map(decode)
    .transpose()
}

/// Every entry, oldest first.
pub fn all(conn: &Connection) -> StoreResult<Vec<Entry>> {
    let mut stmt = conn
        .prepare(&format!("SELECT {ENTRY_COLS} FROM queue ORDER BY seq"))
        .ctx("read the queue")?;
    let rows = stmt.query_map([], entry_row).ctx("read the queue")?;
    let mut out = Vec::new();
    for row in rows {
        out.push(decode(row.ctx("read the queue")?)?);
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
    ids_touched(conn, all(conn)?)
}

/// What the window shows as waiting for the ENT: [`pending_message_ids`] but for scheduled
/// sends not due at `now`, which wait for their time, not for the ENT (« Programmés »).
pub fn unconfirmed_message_ids(
    conn: &Connection,
    now: i64,
) -> StoreResult<std::collections::BTreeSet<String>> {
    let entries = all(conn)?.into_iter().filter(|e| {
        !matches!(
            e.action,
            Action::Send {
                scheduled: true,
                not_before: Some(due),
                ..
            } if due > now
        )
    });
    ids_touched(conn, entries)
}

fn ids_touched(
    conn: &Connection,
    entries: impl IntoIterator<Item = Entry>,
) -> StoreResult<std::collections::BTreeSet<String>> {
    let mut ids = std::collections::BTreeSet::new();
    for e in entries {
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
            | Action::DeleteFolder { .. }
            | Action::SetSignature { .. }
            | Action::UploadImage { .. } => {}
        }
    }
    // A message made here keeps its local id in its queued actions after the ENT gave it its
    // own (a scheduled send waits for days): the planner must leave the ENT's id alone too.
    let mut renamed = Vec::new();
    for id in ids.iter().filter(|id| is_local_id(id)) {
        if let Some(remote) = remote_id(conn, id)? {
            renamed.push((id.clone(), remote));
        }
    }
    for (local, remote) in renamed {
        ids.remove(&local);
        ids.insert(remote);
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

/// A claim not renewed for this long is stale, whoever holds it (its replay hangs or died).
pub const CLAIM_TTL_MS: i64 = 30_000;

/// Mailbox instances of this process able to replay: a claim by an instance of this process
/// that is not here any more is stale at once.
static LIVE: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Who replays: `{process id}/{instance}`. Registered while alive; dropped with its mailbox.
#[derive(Debug)]
pub struct Claimant(String);

impl Claimant {
    pub fn new() -> Claimant {
        let id = format!("{}/{}", std::process::id(), uuid::Uuid::new_v4());
        if let Ok(mut live) = LIVE.lock() {
            live.insert(id.clone());
        }
        Claimant(id)
    }

    pub fn id(&self) -> &str {
        &self.0
    }
}

impl Default for Claimant {
    fn default() -> Self {
        Claimant::new()
    }
}

impl Drop for Claimant {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE.lock() {
            live.remove(&self.0);
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // No cheap portable check: the claim's age decides.
        true
    }
}

/// Whether a claim by `holder`, last renewed at `at`, still stands for `me` at `now`.
fn claim_stands(holder: &str, at: i64, me: &str, now: i64) -> bool {
    if holder == me {
        return true;
    }
    if now.saturating_sub(at) > CLAIM_TTL_MS {
        return false;
    }
    let pid = holder.split('/').next().and_then(|p| p.parse::<u32>().ok());
    match pid {
        Some(pid) if pid == std::process::id() => {
            LIVE.lock().map(|l| l.contains(holder)).unwrap_or(true)
        }
        Some(pid) => process_alive(pid),
        None => false,
    }
}

/// Claims entry `seq` for `me`: true when it is now `me`'s (free, already `me`'s, or held by a
/// replay that died). Call inside a write transaction (IMMEDIATE: the read and the update are
/// one step for every process).
pub fn claim(conn: &Connection, seq: i64, me: &str, now: i64) -> StoreResult<bool> {
    let row: Option<(Option<String>, Option<i64>)> = conn
        .query_row(
            "SELECT claimed_by, claimed_at FROM queue WHERE seq = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ctx("read a queue claim")?;
    let Some((holder, at)) = row else {
        return Ok(false);
    };
    if let Some(holder) = holder {
        if claim_stands(&holder, at.unwrap_or(0), me, now) && holder != me {
            return Ok(false);
        }
    }
    conn.execute(
        "UPDATE queue SET claimed_by = ?2, claimed_at = ?3 WHERE seq = ?1",
        params![seq, me, now],
    )
    .ctx("claim a queued action")?;
    Ok(true)
}

/// Renews `me`'s claim on `seq`; false when it is not `me`'s any more.
pub fn heartbeat(conn: &Connection, seq: i64, me: &str, now: i64) -> StoreResult<bool> {
    let n = conn
        .execute(
            "UPDATE queue SET claimed_at = ?3 WHERE seq = ?1 AND claimed_by = ?2",
            params![seq, me, now],
        )
        .ctx("renew a queue claim")?;
    Ok(n == 1)
}

/// Gives up `me`'s claim on `seq` (the replay stops, the entry stays queued).
pub fn release(conn: &Connection, seq: i64, me: &str) -> StoreResult<()> {
    conn.execute(
        "UPDATE queue SET claimed_by = NULL, claimed_at = NULL WHERE seq = ?1 AND claimed_by = ?2",
        params![seq, me],
    )
    .ctx("release a queue claim")?;
    Ok(())
}

/// True when `me` holds the claim on `seq`.
pub fn holds(conn: &Connection, seq: i64, me: &str) -> StoreResult<bool> {
    conn.query_row(
        "SELECT 1 FROM queue WHERE seq = ?1 AND claimed_by = ?2",
        params![seq, me],
        |_| Ok(()),
    )
    .optional()
    .ctx("read a queue claim")
    .map(|r| r.is_some())
}

/// Records that `step` of entry `seq` is about to be sent, while `me` holds its claim; false
/// (nothing written) when the claim was lost. Commit it before sending the request.
pub fn mark_attempted(
    conn: &Connection,
    seq: i64,
    me: &str,
    step: Step,
    now: i64,
) -> StoreResult<bool> {
    let sql = match step {
        Step::Create => {
            "UPDATE queue SET create_attempted_at = COALESCE(create_attempted_at, ?3), claimed_at = ?3
             WHERE seq = ?1 AND claimed_by = ?2"
        }
        Step::Send => {
            "UPDATE queue SET send_attempted_at = COALESCE(send_attempted_at, ?3), claimed_at = ?3
             WHERE seq = ?1 AND claimed_by = ?2"
        }
    };
    let n = conn
        .execute(sql, params![seq, me, now])
        .ctx("record a replay step")?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_stands_for_its_live_holder_and_falls_with_it() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let a = Claimant::new();
        let b = Claimant::new();
        let now = 1_000_000;
        let seq = store
            .write_blocking(|tx| push(tx, &Action::EmptyTrash, Vec::new()))
            .unwrap();

        let took = |who: &Claimant, at: i64| {
            store
                .write_blocking(|tx| claim(tx, seq, who.id(), at))
                .unwrap()
        };
        assert!(took(&a, now));
        assert!(!took(&b, now + 1), "a live holder keeps its claim");
        assert!(took(&a, now + 2), "the holder claims again");
        assert!(
            took(&b, now + 3 + CLAIM_TTL_MS),
            "a claim not renewed goes stale"
        );
        let b_id = b.id().to_string();
        drop(b);
        let c = Claimant::new();
        assert!(
            store
                .write_blocking(|tx| claim(tx, seq, c.id(), now + 4 + CLAIM_TTL_MS))
                .unwrap(),
            "the claim of a dropped instance ({b_id}) is taken over at once"
        );
        assert!(!store
            .write_blocking(|tx| mark_attempted(tx, seq, a.id(), Step::Send, now))
            .unwrap());
    }
}
