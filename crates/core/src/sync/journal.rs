//! The journal of a first sync's listing: what each stored page said about its messages, and
//! how many pages of each folder are stored, written in the transaction that stores the page.
//! A first sync killed while it lists finds it at its next start and goes on from there
//! (`engine`, « A first sync resumes where it stopped »), as long as the ENT shows the inbox it
//! was written under. It is emptied with the plan that ends the listing.

use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::{params, Transaction};

use super::plan::{RemoteMessage, RemoteState};
use crate::store::{self, SqlContext, StoreResult};

/// Meta key: the inbox snapshot the journal was written under.
const LISTING: &str = "first_sync_listing";

/// What a listing said about one message of a folder.
pub(super) struct Entry {
    pub id: String,
    pub fingerprint: i64,
    pub is_draft: bool,
    pub unread: bool,
}

/// What a killed first sync had listed under the same snapshot.
#[derive(Default)]
pub(super) struct Resumed {
    /// The messages its pages held, and the folders it listed to the end.
    pub remote: RemoteState,
    /// Those the ENT listed unread.
    pub unread: HashSet<String>,
    /// Pages stored per folder listed in part.
    pub pages: HashMap<String, u32>,
    /// Those whose body is not stored yet, newest first, each with whether it is unread.
    pub missing: Vec<(String, bool)>,
}

/// Reads the journal if it was written under `snapshot`. Otherwise empties it and starts one
/// under `snapshot`, and what it returns is empty.
pub(super) fn resume_or_start(tx: &Transaction<'_>, snapshot: &str) -> StoreResult<Resumed> {
    if store::get_meta(tx, LISTING)?.as_deref() != Some(snapshot) {
        clear(tx)?;
        store::set_meta(tx, LISTING, snapshot)?;
        return Ok(Resumed::default());
    }
    let mut out = Resumed::default();
    let mut stmt = tx
        .prepare("SELECT folder_id, pages, complete FROM first_sync_pages")
        .ctx("read the pages a first sync listed")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .ctx("read the pages a first sync listed")?;
    for row in rows {
        let (folder, pages, complete): (String, u32, bool) =
            row.ctx("read the pages a first sync listed")?;
        if complete {
            out.remote.complete_folders.insert(folder);
        } else {
            out.pages.insert(folder, pages);
        }
    }
    let mut stmt = tx
        .prepare(
            "SELECT message_id, folder_id, fingerprint, is_draft, unread FROM first_sync_listed",
        )
        .ctx("read what a first sync listed")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .ctx("read what a first sync listed")?;
    for row in rows {
        let (id, folder, fingerprint, is_draft, unread): (String, String, i64, bool, bool) =
            row.ctx("read what a first sync listed")?;
        if unread {
            out.unread.insert(id.clone());
        }
        out.remote
            .messages
            .entry(id)
            .or_insert_with(|| RemoteMessage {
                folders: BTreeSet::new(),
                fingerprint,
                is_draft,
            })
            .folders
            .insert(folder);
    }
    let mut stmt = tx
        .prepare(
            "SELECT m.id FROM messages m
             WHERE m.body_synced = 0
               AND EXISTS (SELECT 1 FROM first_sync_listed j WHERE j.message_id = m.id)
             ORDER BY m.date DESC",
        )
        .ctx("read the bodies a first sync still misses")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .ctx("read the bodies a first sync still misses")?;
    for id in rows {
        let id = id.ctx("read the bodies a first sync still misses")?;
        let unread = out.unread.contains(&id);
        out.missing.push((id, unread));
    }
    Ok(out)
}

/// Records the entries of pages of `folder_id` just stored: its pages 0 to `pages` - 1 are.
pub(super) fn record(
    tx: &Transaction<'_>,
    folder_id: &str,
    pages: u32,
    entries: &[Entry],
) -> StoreResult<()> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO first_sync_listed
                 (message_id, folder_id, fingerprint, is_draft, unread)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .ctx("prepare a first sync's journal")?;
    for e in entries {
        stmt.execute(params![
            e.id,
            folder_id,
            e.fingerprint,
            e.is_draft,
            e.unread
        ])
        .ctx("write a first sync's journal")?;
    }
    tx.prepare_cached(
        "INSERT INTO first_sync_pages (folder_id, pages) VALUES (?1, ?2)
         ON CONFLICT (folder_id) DO UPDATE SET pages = excluded.pages",
    )
    .ctx("prepare a first sync's journal")?
    .execute(params![folder_id, pages])
    .ctx("write a first sync's journal")?;
    Ok(())
}

/// Records that `folder_id` was listed to the end.
pub(super) fn complete(tx: &Transaction<'_>, folder_id: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO first_sync_pages (folder_id, pages, complete) VALUES (?1, 0, 1)
         ON CONFLICT (folder_id) DO UPDATE SET complete = 1",
        [folder_id],
    )
    .ctx("write a first sync's journal")?;
    Ok(())
}

/// Empties the journal: the listing it kept is over.
pub(super) fn clear(tx: &Transaction<'_>) -> StoreResult<()> {
    tx.execute_batch("DELETE FROM first_sync_listed; DELETE FROM first_sync_pages;")
        .ctx("empty a first sync's journal")?;
    tx.execute("DELETE FROM meta WHERE key = ?1", [LISTING])
        .ctx("empty a first sync's journal")?;
    Ok(())
}
