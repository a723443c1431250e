//! A damaged database file is moved aside, and what must not be lost is carried over.
//!
//! Everything in the store but the queue of unsent actions (and the local ids the ENT already
//! answered) is a copy of the ENT, fetched again by the next sync. The queue is the user's
//! work: it is read from the damaged file where SQLite still can, and written into the fresh
//! store; when it cannot be read, the damaged file stays where the user can hand it to support
//! and [`Recovery::recovered_actions`] is `None`, so the app says so. Never silently dropped.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, StoreResult};

/// What the store did with a damaged file at open; the app tells the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Recovery {
    /// Where the damaged file was moved (kept: nothing is deleted).
    #[ts(type = "string")]
    pub damaged_file: PathBuf,
    /// How many unsent actions were carried over into the new store; `None` when the queue of
    /// the damaged file could not be read (it stays in the damaged file).
    pub recovered_actions: Option<u32>,
    #[serde(skip)]
    #[ts(skip)]
    salvage: Option<Salvage>,
}

/// What could be read from the damaged file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Salvage {
    queue: Vec<QueueRow>,
    id_map: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct QueueRow {
    seq: i64,
    action: String,
    created_at: i64,
    attempts: i64,
    last_error: Option<String>,
    /// The step markers (migration 0002): what the entry may already have done on the ENT, so
    /// that the replay asks the ENT before repeating it. `None` in a file older than them.
    create_attempted_at: Option<i64>,
    send_attempted_at: Option<i64>,
}

/// Moves the damaged database (and its `-wal`/`-shm`) to `<name>.damaged-<UTC time>` and reads
/// what it can of its queue.
pub(super) fn set_aside(path: &Path) -> StoreResult<Recovery> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let damaged = PathBuf::from(format!("{}.damaged-{stamp}", path.display()));
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        let to = PathBuf::from(format!("{}{suffix}", damaged.display()));
        match std::fs::rename(&from, &to) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::Io { path: from, source }),
            Ok(()) => {}
        }
    }
    let salvage = salvage(&damaged)
        .inspect_err(|e| tracing::warn!(error = %e, "cannot read the queue of the damaged store"))
        .ok();
    Ok(Recovery {
        recovered_actions: salvage
            .as_ref()
            .map(|s| u32::try_from(s.queue.len()).unwrap_or(u32::MAX)),
        damaged_file: damaged,
        salvage,
    })
}

fn salvage(damaged: &Path) -> rusqlite::Result<Salvage> {
    let conn = Connection::open_with_flags(
        damaged,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // A file written before the step markers existed has no such columns: read NULLs instead.
    let markers = conn
        .prepare("SELECT create_attempted_at, send_attempted_at FROM queue LIMIT 0")
        .is_ok();
    let sql = if markers {
        "SELECT seq, action, created_at, attempts, last_error, create_attempted_at, \
         send_attempted_at FROM queue ORDER BY seq"
    } else {
        "SELECT seq, action, created_at, attempts, last_error, NULL, NULL FROM queue ORDER BY seq"
    };
    let mut stmt = conn.prepare(sql)?;
    let queue = stmt
        .query_map([], |r| {
            Ok(QueueRow {
                seq: r.get(0)?,
                action: r.get(1)?,
                created_at: r.get(2)?,
                attempts: r.get(3)?,
                last_error: r.get(4)?,
                create_attempted_at: r.get(5)?,
                send_attempted_at: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare("SELECT local_id, remote_id FROM id_map")?;
    let id_map = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Salvage { queue, id_map })
}

/// Writes what was read from the damaged file into the fresh store.
pub(super) fn carry_over(recovery: &Recovery, store: &Store) -> StoreResult<()> {
    let Some(salvage) = &recovery.salvage else {
        return Ok(());
    };
    let what = "carry the queue over from the damaged store";
    store.write_blocking(|tx| {
        for row in &salvage.queue {
            tx.execute(
                "INSERT INTO queue (seq, action, created_at, attempts, last_error,
                                    create_attempted_at, send_attempted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    row.seq,
                    row.action,
                    row.created_at,
                    row.attempts,
                    row.last_error,
                    row.create_attempted_at,
                    row.send_attempted_at
                ],
            )
            .map_err(|e| StoreError::sqlite(what, e))?;
        }
        for (local, remote) in &salvage.id_map {
            tx.execute(
                "INSERT OR REPLACE INTO id_map (local_id, remote_id) VALUES (?1, ?2)",
                [local, remote],
            )
            .map_err(|e| StoreError::sqlite(what, e))?;
        }
        Ok(())
    })
}
