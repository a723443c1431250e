//! SQLite access: one writer connection and a small pool of readers, all behind
//! `spawn_blocking` so that rusqlite never blocks the async runtime. WAL lets readers run
//! while the writer commits. Every write is one transaction (`Db::write`).

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

/// Readers: enough for 2 cores plus some blocking threads waiting on locks.
const READERS: usize = 4;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_init.sql")),
        M::up(include_str!("../migrations/0002_count_index.sql")),
        M::up(include_str!("../migrations/0003_page_index.sql")),
        M::up(include_str!("../migrations/0004_preferences.sql")),
        M::up(include_str!("../migrations/0005_workspace.sql")),
    ])
}

fn setup(conn: &Connection) -> rusqlite::Result<()> {
    // WAL: readers never wait for the writer. NORMAL: durable at checkpoints, and a crash
    // still leaves every committed transaction whole. foreign_keys: cascades do the clean up.
    // busy_timeout: readers and the orphan sweeper may briefly contend.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

#[derive(Clone)]
pub struct Db {
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Vec<Mutex<Connection>>>,
    next: Arc<AtomicUsize>,
    /// Bumped after every committed write: what was read before is possibly stale.
    generation: Arc<AtomicU64>,
    /// Bumped after every committed write except those that only change read/unread flags
    /// ([`Db::write_unread`]): which messages a folder holds is unchanged while it stays.
    membership: Arc<AtomicU64>,
}

impl Db {
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        let mut writer = Connection::open(path)
            .with_context(|| format!("cannot open database {}", path.display()))?;
        setup(&writer)?;
        migrations()
            .to_latest(&mut writer)
            .context("cannot apply migrations")?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r = Connection::open(path)?;
            setup(&r)?;
            readers.push(Mutex::new(r));
        }
        Ok(Db {
            writer: Arc::new(Mutex::new(writer)),
            readers: Arc::new(readers),
            next: Arc::new(AtomicUsize::new(0)),
            generation: Arc::new(AtomicU64::new(0)),
            membership: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Runs `f` inside one write transaction: committed when `f` returns `Ok`, rolled back when
    /// it returns `Err`, so a refused request leaves nothing behind. `E` is the caller's error
    /// (`ApiError` in handlers, `anyhow::Error` in jobs); a failure of the database itself reaches
    /// it through `From<anyhow::Error>`.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E> + Send + 'static,
    {
        self.commit(f, true).await
    }

    /// [`Db::write`] for a write that only marks messages read or unread: list and count
    /// answers go stale, folder totals do not (a first sync reads every message of a
    /// 100,000-message inbox, each read a write: its list pages keep their total).
    pub async fn write_unread<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E> + Send + 'static,
    {
        self.commit(f, false).await
    }

    async fn commit<T, E, F>(&self, f: F, membership: bool) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E> + Send + 'static,
    {
        let writer = self.writer.clone();
        let generation = self.generation.clone();
        let members = self.membership.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = writer
                .lock()
                .map_err(|_| anyhow::anyhow!("database writer lock poisoned"))?;
            let tx = conn.transaction().map_err(anyhow::Error::from)?;
            let out = f(&tx)?;
            tx.commit().map_err(anyhow::Error::from)?;
            if membership {
                members.fetch_add(1, Ordering::Release);
            }
            generation.fetch_add(1, Ordering::Release);
            Ok(out)
        })
        .await
        .map_err(|e| anyhow::Error::new(e).context("database task failed"))?
    }

    /// The membership generation: a folder's total read at it stays right while it has not
    /// moved.
    pub fn membership(&self) -> u64 {
        self.membership.load(Ordering::Acquire)
    }

    /// The write generation: take it before a read, and a cached result of that read is
    /// valid only while the generation has not moved.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Runs `f` on a reader connection; `E` as for [`Db::write`].
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let readers = self.readers.clone();
        let i = self.next.fetch_add(1, Ordering::Relaxed) % readers.len();
        tokio::task::spawn_blocking(move || {
            let conn = readers[i]
                .lock()
                .map_err(|_| anyhow::anyhow!("database reader lock poisoned"))?;
            f(&conn)
        })
        .await
        .map_err(|e| anyhow::Error::new(e).context("database task failed"))?
    }
}

#[cfg(test)]
mod tests {
    use super::Db;
    use crate::ApiError;

    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }

    #[test]
    fn a_data_folder_of_the_previous_version_opens_with_its_mail_and_pages_through_one_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ent.sqlite3");
        {
            // What the previous version wrote: its two migrations, and a message in an inbox.
            let mut old = rusqlite::Connection::open(&path).unwrap();
            rusqlite_migration::Migrations::new(vec![
                rusqlite_migration::M::up(include_str!("../migrations/0001_init.sql")),
                rusqlite_migration::M::up(include_str!("../migrations/0002_count_index.sql")),
            ])
            .to_latest(&mut old)
            .unwrap();
            old.execute_batch(
                "INSERT INTO messages (id, subject, body, from_id, to_ids, cc_ids, cci_ids, display_names, state, date)
                   VALUES ('m', 'Sortie', '<p>Bonjour</p>', 'paul', '[\"marie\"]', '[]', '[]', '[]', 'SENT', 1);
                 INSERT INTO usermessages (user_id, message_id, is_author, is_recipient, state, date)
                   VALUES ('marie', 'm', 0, 1, 'SENT', 1);",
            )
            .unwrap();
        }

        let db = Db::open(&path).unwrap();
        let conn = db.writer.lock().unwrap();
        let subject: String = conn
            .query_row(
                "SELECT m.subject FROM usermessages u JOIN messages m ON m.id = u.message_id WHERE u.user_id = 'marie'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(subject, "Sortie");
        // A page's row choice reads the covering index alone (no lookup per skipped row).
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT u.message_id, u.unread, u.date FROM usermessages u
                 WHERE u.user_id = 'marie' AND u.trashed = 0 AND u.folder_id IS NULL AND u.is_recipient = 1
                   AND u.state IN ('SENT','RECALL') ORDER BY u.date DESC LIMIT 25 OFFSET 1000",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("COVERING INDEX usermessages_page"), "{plan}");
    }

    #[tokio::test]
    async fn a_refused_write_leaves_nothing_behind_and_a_committed_one_moves_the_generation() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("ent.sqlite3")).unwrap();
        let insert = "INSERT INTO folders (id, parent_id, user_id, name, depth) VALUES ('f', NULL, 'u', 'Classe', 1)";
        let count = |db: Db| async move {
            db.read(|c| -> anyhow::Result<i64> {
                Ok(c.query_row("SELECT count(*) FROM folders", [], |r| r.get(0))?)
            })
            .await
            .unwrap()
        };

        let refused = db
            .write(move |tx| -> Result<(), ApiError> {
                tx.execute(insert, [])?;
                Err(ApiError::Unauthorized)
            })
            .await;

        assert!(matches!(refused, Err(ApiError::Unauthorized)));
        assert_eq!(count(db.clone()).await, 0, "rolled back");
        assert_eq!(
            db.generation(),
            0,
            "nothing committed, cached answers stay valid"
        );

        db.write(move |tx| -> anyhow::Result<()> {
            tx.execute(insert, [])?;
            Ok(())
        })
        .await
        .unwrap();

        assert_eq!(count(db.clone()).await, 1);
        assert_eq!(db.generation(), 1);
    }
}
