//! The offline store: one SQLite file per account, in WAL mode, migrated when it opens.
//!
//! rusqlite blocks, so every call runs on tokio's blocking pool through [`Store::read`] and
//! [`Store::write`]; async code never touches a connection. There are two connections: one
//! writer (SQLite allows one anyway) and one reader, so that listing a folder or searching
//! does not wait behind a long sync transaction (WAL lets readers go on while a writer works).
//! Queries live with their feature (`mailbox`, `search`, `queue`...) as plain functions over
//! `&Connection`.

mod error;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use serde::{Deserialize, Serialize};

pub(crate) use error::SqlContext;
pub use error::{StoreError, StoreResult};

/// How long a connection waits for a lock held by another one before it reports "locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Who made a write: the UI ignores its own echoes, the sync engine skips rows it wrote itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// Copied from the ENT by the sync engine.
    Sync,
    /// Made by the user in this app (and queued for the ENT).
    User,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Sync => "sync",
            Origin::User => "user",
        }
    }
}

fn migrations() -> Migrations<'static> {
    // Shipped migrations are never edited: add a new file instead.
    Migrations::new(vec![
        M::up(include_str!("store/migrations/20261128_0001_init.sql")),
        M::up(include_str!(
            "store/migrations/20261129_0002_queue_steps.sql"
        )),
    ])
}

/// Settings of every connection, set once when it opens.
fn setup_connection(conn: &Connection) -> StoreResult<()> {
    // WAL: readers never block the writer nor each other, and a crash leaves the file intact.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| StoreError::sqlite("set WAL mode", e))?;
    // NORMAL is durable across application crashes in WAL mode (only a power cut may lose the
    // last transactions, which the next sync fetches again) and much faster than FULL.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| StoreError::sqlite("set synchronous", e))?;
    // Placements, people and attachments cascade with their message.
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(|e| StoreError::sqlite("enable foreign keys", e))?;
    // Another process (the CLI next to the app) may hold the lock for a moment: wait, then fail
    // with a "locked" error rather than at once.
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| StoreError::sqlite("set busy timeout", e))?;
    Ok(())
}

/// The store of one account. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    writer: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating it if needed) the database at `path` and brings it to the last version.
    /// Blocking: call it from `spawn_blocking` or [`Store::open_async`].
    pub fn open(path: &Path) -> StoreResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let mut writer = Connection::open(path).map_err(|e| StoreError::sqlite("open", e))?;
        setup_connection(&writer)?;
        migrations()
            .to_latest(&mut writer)
            .map_err(StoreError::Migration)?;
        let reader = Connection::open(path).map_err(|e| StoreError::sqlite("open", e))?;
        setup_connection(&reader)?;
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
            path: Some(path.to_path_buf()),
        })
    }

    /// [`Store::open`] on the blocking pool.
    pub async fn open_async(path: PathBuf) -> StoreResult<Self> {
        tokio::task::spawn_blocking(move || Self::open(&path))
            .await
            .map_err(|_| StoreError::TaskFailed)?
    }

    /// A store in memory (tests). Reads and writes share one connection: a second in-memory
    /// connection would be another database.
    pub fn open_in_memory() -> StoreResult<Self> {
        let mut conn = Connection::open_in_memory().map_err(|e| StoreError::sqlite("open", e))?;
        setup_connection(&conn)?;
        migrations()
            .to_latest(&mut conn)
            .map_err(StoreError::Migration)?;
        let shared = Arc::new(Mutex::new(conn));
        Ok(Self {
            writer: shared.clone(),
            reader: shared,
            path: None,
        })
    }

    /// The file of the database, if not in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` on the reader connection, on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let conn = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let guard = conn.lock().map_err(|_| StoreError::Poisoned)?;
            f(&guard)
        })
        .await
        .map_err(|_| StoreError::TaskFailed)?
    }

    /// Runs `f` in one transaction on the writer connection, on the blocking pool; commits when
    /// `f` returns `Ok`, rolls back otherwise.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T> + Send + 'static,
    {
        let conn = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Poisoned)?;
            write_blocking(&mut guard, f)
        })
        .await
        .map_err(|_| StoreError::TaskFailed)?
    }

    /// Runs `f` on the writer from blocking code (benchmarks, the data generator).
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut guard = self.writer.lock().map_err(|_| StoreError::Poisoned)?;
        write_blocking(&mut guard, f)
    }

    /// Runs `f` on the reader from blocking code (benchmarks).
    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let guard = self.reader.lock().map_err(|_| StoreError::Poisoned)?;
        f(&guard)
    }
}

fn write_blocking<T>(
    conn: &mut Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T>,
) -> StoreResult<T> {
    // IMMEDIATE takes the write lock up front, so a busy database fails here (after the busy
    // timeout) and not halfway through.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| StoreError::sqlite("begin a transaction", e))?;
    let value = f(&tx)?;
    tx.commit().map_err(|e| StoreError::sqlite("commit", e))?;
    Ok(value)
}

/// Reads a value of the `meta` table.
pub fn get_meta(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(|e| StoreError::sqlite("read meta", e))
}

/// Writes a value of the `meta` table.
pub fn set_meta(conn: &Connection, key: &str, value: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
    .map_err(|e| StoreError::sqlite("write meta", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_store_has_the_four_system_folders_and_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.sqlite")).unwrap();

        let (n, mode): (i64, String) = store
            .read_blocking(|c| {
                let n = c.query_row("SELECT count(*) FROM folders WHERE system = 1", [], |r| {
                    r.get(0)
                });
                let m = c.query_row("PRAGMA journal_mode", [], |r| r.get(0));
                Ok((n.unwrap(), m.unwrap()))
            })
            .unwrap();

        assert_eq!(n, 4);
        assert_eq!(mode, "wal");
    }

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn reopening_a_store_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let store = Store::open(&path).unwrap();
        store.write_blocking(|tx| set_meta(tx, "k", "v")).unwrap();
        drop(store);

        let store = Store::open(&path).unwrap();

        assert_eq!(
            store
                .read_blocking(|c| get_meta(c, "k"))
                .unwrap()
                .as_deref(),
            Some("v")
        );
    }
}
