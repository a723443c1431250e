//! One process at a time per mailbox: an advisory lock on a file of the account folder.
//!
//! The app holds it for as long as an account is open, the CLI for the length of its command.
//! Without it two processes (two windows, or the app and a `sync` in a terminal) would replay
//! the same queue and send the same message twice. The lock is the operating system's (`flock`
//! on Unix, `LockFileEx` on Windows, through `std::fs::File::try_lock`): it goes away with the
//! process, so a crash never leaves a stale lock behind. It is taken per open file, so a second
//! open in the same process is refused too.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::private;

/// The lock file inside the account folder. Empty; only its lock matters.
pub const LOCK_FILE: &str = "mailbox.lock";

/// Why the account folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another window or command has the mailbox open.
    #[error(
        "this mailbox is open in another Messagerie window or command; close it first ({})",
        dir.display()
    )]
    InUse { dir: PathBuf },
    #[error("cannot lock the mailbox folder {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct AccountLock {
    // Held for its lock only: closing the file releases it.
    _file: File,
    path: PathBuf,
}

impl AccountLock {
    /// Takes the lock of the account folder `dir` (created, private, if needed) without waiting:
    /// [`LockError::InUse`] when another holder has it.
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        private::create_dir(dir).map_err(io)?;
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        private::file_mode(&mut options);
        let file = options.open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(LockError::InUse {
                dir: dir.to_path_buf(),
            }),
            Err(TryLockError::Error(source)) => Err(io(source)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let account = dir.path().join("acct");

        let first = AccountLock::acquire(&account).unwrap();
        let second = AccountLock::acquire(&account);

        assert!(matches!(second, Err(LockError::InUse { .. })), "{second:?}");
        drop(first);
        assert!(AccountLock::acquire(&account).is_ok());
    }

    #[test]
    fn the_refusal_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let _held = AccountLock::acquire(dir.path()).unwrap();
        let message = AccountLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(message.contains("open in another Messagerie window or command"));
        assert!(message.contains("close it first"));
    }
}
