use std::path::PathBuf;

/// Result alias of the store.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// What went wrong in the local store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("local store: cannot {what}")]
    Sqlite {
        what: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("local store: cannot migrate the database")]
    Migration(#[source] rusqlite_migration::Error),
    #[error("local store: cannot create {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("local store: cannot decode a stored {what}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// The file is not a database any more, or SQLite's check found damage in it.
    #[error("local store: the database file is damaged ({detail})")]
    Damaged { detail: String },
    #[error("local store: a previous call panicked while holding the connection")]
    Poisoned,
    #[error("local store: the database task failed")]
    TaskFailed,
}

impl StoreError {
    pub fn sqlite(what: &'static str, source: rusqlite::Error) -> Self {
        Self::Sqlite { what, source }
    }

    fn code(&self) -> Option<rusqlite::ErrorCode> {
        match self {
            StoreError::Sqlite { source, .. } => source.sqlite_error_code(),
            StoreError::Migration(rusqlite_migration::Error::RusqliteError { err, .. }) => {
                err.sqlite_error_code()
            }
            _ => None,
        }
    }

    /// The disk (or the quota of the file system) is full: nothing was written.
    pub fn is_disk_full(&self) -> bool {
        self.code() == Some(rusqlite::ErrorCode::DiskFull)
    }

    /// Another connection or process held the database longer than the busy timeout.
    pub fn is_locked(&self) -> bool {
        matches!(
            self.code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }

    /// The file is damaged: not a database (its header was overwritten) or corrupt inside.
    pub fn is_damaged(&self) -> bool {
        matches!(self, StoreError::Damaged { .. })
            || matches!(
                self.code(),
                Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
            )
    }

    /// Worth trying again later as is.
    pub fn is_retryable(&self) -> bool {
        self.is_locked() || self.is_disk_full()
    }
}

/// Shorthand to wrap rusqlite errors with what the store was doing.
pub(crate) trait SqlContext<T> {
    fn ctx(self, what: &'static str) -> StoreResult<T>;
}

impl<T> SqlContext<T> for rusqlite::Result<T> {
    fn ctx(self, what: &'static str) -> StoreResult<T> {
        self.map_err(|e| StoreError::sqlite(what, e))
    }
}
