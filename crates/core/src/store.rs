//! The offline store: one SQLite file per account, in WAL mode, migrated when it opens.
//!
//! rusqlite blocks, so every call runs on tokio's blocking pool through [`Store::read`] and
//! [`Store::write`]; async code never touches a connection. There are two connections: one
//! writer (SQLite allows one anyway) and one reader, so that listing a folder or searching
//! does not wait behind a long sync transaction (WAL lets readers go on while a writer works).
//! Queries live with their feature (`mailbox`, `search`, `queue`...) as plain functions over
//! `&Connection`.

mod error;
mod recover;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

pub(crate) use error::SqlContext;
pub use error::{StoreError, StoreResult};
pub use recover::Recovery;

/// How long a connection waits for a lock held by another one before it reports "locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn migrations() -> Migrations<'static> {
    // Shipped migrations are never edited: add a new file instead.
    Migrations::new(vec![
        M::up(include_str!("store/migrations/20261128_0001_init.sql")),
        M::up(include_str!(
            "store/migrations/20261129_0002_queue_steps.sql"
        )),
        M::up(include_str!(
            "store/migrations/20261130_0003_drop_origin.sql"
        )),
        M::up(include_str!("store/migrations/20261130_0005_threads.sql")),
        M::up(include_str!(
            "store/migrations/20261130_0006_first_sync_listing.sql"
        )),
        M::up(include_str!(
            "store/migrations/20261201_0007_body_refusals.sql"
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

/// Makes the folder of the database private, and the database file too, creating it empty
/// (SQLite then gives its `-wal` and `-shm` files the same mode). Repairs older, readable
/// files: the database and its companions (the rest of the account folder is repaired when the
/// mailbox opens).
fn prepare_files(path: &Path) -> StoreResult<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    if let Some(dir) = path.parent() {
        crate::private::create_dir(dir).map_err(io(dir))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    crate::private::file_mode(&mut options);
    options.open(path).map_err(io(path))?;
    for companion in ["", "-wal", "-shm", "-journal"] {
        let file = PathBuf::from(format!("{}{companion}", path.display()));
        match crate::private::restrict(&file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            other => other.map_err(io(&file))?,
        }
    }
    Ok(())
}

/// Reads the whole file once (pages and b-trees, not the indexes' contents): a file damaged
/// inside fails here rather than in the middle of a sync.
fn quick_check(conn: &Connection) -> StoreResult<()> {
    let mut stmt = conn
        .prepare("PRAGMA quick_check(1)")
        .map_err(|e| StoreError::sqlite("check the database", e))?;
    let first: String = stmt
        .query_row([], |r| r.get(0))
        .map_err(|e| StoreError::sqlite("check the database", e))?;
    if first == "ok" {
        Ok(())
    } else {
        Err(StoreError::Damaged { detail: first })
    }
}

/// The store of one account. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    writer: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
    recovery: Option<Recovery>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating it if needed) the database at `path` and brings it to the last version.
    /// Blocking: call it from `spawn_blocking` or [`Store::open_async`].
    ///
    /// The folder and the files are private to the user ([`crate::private`]). A damaged file
    /// (not a database; or failing `PRAGMA quick_check`, which runs when a query of the last
    /// session met a damaged page) does not stop the start: it is moved
    /// aside, the queue of unsent actions is carried over from it where SQLite can still read
    /// it, and a fresh store is made; [`Store::recovery`] says what happened, for the app to
    /// tell the user. The next sync fetches the mail again.
    pub fn open(path: &Path) -> StoreResult<Self> {
        prepare_files(path)?;
        match Self::open_checked(path) {
            Err(e) if e.is_damaged() => {
                tracing::warn!(error = %e, path = %path.display(), "the local store is damaged");
                let recovery = recover::set_aside(path)?;
                let mut store = Self::open_checked(path)?;
                recover::carry_over(&recovery, &store)?;
                store.recovery = Some(recovery);
                Ok(store)
            }
            other => other,
        }
    }

    fn open_checked(path: &Path) -> StoreResult<Self> {
        prepare_files(path)?;
        let mut writer = Connection::open(path).map_err(|e| StoreError::sqlite("open", e))?;
        setup_connection(&writer)?;
        // A whole check reads every page (a tenth of a second or more on a large mailbox), so
        // it runs only when the last session met damage; a damaged header fails just above.
        let mark = check_mark(path);
        if mark.exists() {
            quick_check(&writer)?;
            let _ = std::fs::remove_file(&mark);
        }
        migrations()
            .to_latest(&mut writer)
            .map_err(StoreError::Migration)?;
        let reader = Connection::open(path).map_err(|e| StoreError::sqlite("open", e))?;
        setup_connection(&reader)?;
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
            path: Some(path.to_path_buf()),
            recovery: None,
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
            recovery: None,
        })
    }

    /// What happened to a damaged file found at open, if any.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
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
        let result = tokio::task::spawn_blocking(move || {
            let guard = conn.lock().map_err(|_| StoreError::Poisoned)?;
            f(&guard)
        })
        .await
        .map_err(|_| StoreError::TaskFailed)?;
        self.note_damage(result)
    }

    /// Runs `f` in one transaction on the writer connection, on the blocking pool; commits when
    /// `f` returns `Ok`, rolls back otherwise.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T> + Send + 'static,
    {
        let conn = self.writer.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Poisoned)?;
            write_blocking(&mut guard, f)
        })
        .await
        .map_err(|_| StoreError::TaskFailed)?;
        self.note_damage(result)
    }

    /// Runs `f` on the writer from blocking code (benchmarks, the data generator).
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut guard = self.writer.lock().map_err(|_| StoreError::Poisoned)?;
        let result = write_blocking(&mut guard, f);
        self.note_damage(result)
    }

    /// Runs `f` on the reader from blocking code (benchmarks).
    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let guard = self.reader.lock().map_err(|_| StoreError::Poisoned)?;
        let result = f(&guard);
        self.note_damage(result)
    }

    /// A query met a damaged page: the next open checks the whole file and, if it is damaged,
    /// sets it aside ([`Store::open`]).
    fn note_damage<T>(&self, result: StoreResult<T>) -> StoreResult<T> {
        if let (Err(e), Some(path)) = (&result, &self.path) {
            if e.is_damaged() {
                tracing::error!(error = %e, "the local store is damaged; it is checked at the next start");
                if let Err(error) = crate::private::write_file(&check_mark(path), b"") {
                    tracing::warn!(%error, "cannot mark the local store for a check");
                }
            }
        }
        result
    }
}

/// The file whose presence asks the next open for a whole check of the database.
fn check_mark(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.needs-check", path.display()))
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
