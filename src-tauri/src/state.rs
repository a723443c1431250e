//! What the app holds between commands: the signed-in mailbox, the embedded demo ENT, and the
//! last account (so the next start opens the mailbox from the local store at once).

use std::path::{Path, PathBuf};
use std::time::Instant;

use messagerie_core::Mailbox;
use serde::{Deserialize, Serialize};
use tauri::async_runtime::JoinHandle;
use tokio::sync::{Mutex, RwLock};

use crate::error::CommandError;
use crate::launch::LaunchOptions;

/// The account as the window shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountInfo {
    pub ent_url: String,
    pub login: String,
    pub display_name: String,
    pub profile: Option<String>,
    pub demo: bool,
    /// The local copy was damaged and replaced when the account opened: the window tells the
    /// user (where the damaged file is, and whether the unsent messages were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub store_recovery: Option<messagerie_core::store::Recovery>,
    /// Where « Se souvenir de moi » kept the password, when the user asked for it: the window
    /// says so when it will be forgotten (no keyring, or only until the computer restarts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remembered: Option<messagerie_core::secrets::Remembered>,
    /// How the user signed in, when they did in this run: what `remembered` kept is a password
    /// or the ENT session of a sign-in on the ENT's page, and the window words it so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub signed_in_with: Option<SignInMethod>,
}

/// How the user signed in (see [`AccountInfo::signed_in_with`]).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SignInMethod {
    /// The sign-in screen's login and password.
    Password,
    /// « Se connecter avec la page de l'ENT » (SSO: EduConnect, CAS…).
    EntPage,
}

/// Remembered between runs in `last-account.json`: no secret, only where and who.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LastAccount {
    pub ent_url: String,
    pub login: String,
    pub demo: bool,
    /// The password is in the OS keyring.
    pub remembered: bool,
}

/// The signed-in account and the tasks that serve it; the tasks stop with it.
pub struct Current {
    pub mailbox: Mailbox,
    pub account: AccountInfo,
    pub tasks: Vec<JoinHandle<()>>,
}

impl Current {
    /// Stops the account's tasks and waits until they are gone, so that their copies of the
    /// mailbox no longer hold its folder's lock.
    pub async fn close(mut self) {
        for task in std::mem::take(&mut self.tasks) {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

pub struct AppState {
    pub launch: LaunchOptions,
    /// Where accounts, the demo ENT and `last-account.json` live.
    pub data_root: PathBuf,
    pub started: Instant,
    pub current: RwLock<Option<Current>>,
    pub demo: Mutex<Option<crate::account::DemoEnt>>,
}

impl AppState {
    pub fn new(launch: LaunchOptions, data_root: PathBuf) -> Self {
        Self {
            launch,
            data_root,
            started: Instant::now(),
            current: RwLock::new(None),
            demo: Mutex::new(None),
        }
    }

    /// The open mailbox, or the error that sends the window back to the sign-in screen.
    pub async fn mailbox(&self) -> Result<Mailbox, CommandError> {
        self.current
            .read()
            .await
            .as_ref()
            .map(|c| c.mailbox.clone())
            .ok_or_else(CommandError::signed_out)
    }

    pub async fn account(&self) -> Result<AccountInfo, CommandError> {
        self.current
            .read()
            .await
            .as_ref()
            .map(|c| c.account.clone())
            .ok_or_else(CommandError::signed_out)
    }

    /// Records how the user signed in and where the keyring kept their password or session, for
    /// the window to tell the user.
    pub async fn note_remembered(
        &self,
        remembered: Option<messagerie_core::secrets::Remembered>,
        method: SignInMethod,
    ) {
        if let Some(current) = self.current.write().await.as_mut() {
            current.account.remembered = remembered;
            current.account.signed_in_with = Some(method);
        }
    }

    /// The last account, if any; a damaged file counts as none (the user signs in again).
    pub async fn last_account(&self) -> Option<LastAccount> {
        let root = self.data_root.clone();
        crate::account::blocking(move || read_last_account(&root))
            .await
            .flatten()
    }

    /// Remembers the account for the next start (only the next start suffers if it fails: it
    /// shows the sign-in screen).
    pub async fn remember_account(&self, last: LastAccount) {
        let root = self.data_root.clone();
        crate::account::blocking(move || write_last_account(&root, &last)).await;
    }

    pub async fn forget_account(&self) {
        let path = last_account_path(&self.data_root);
        crate::account::blocking(move || std::fs::remove_file(path)).await;
    }
}

fn last_account_path(data_root: &Path) -> PathBuf {
    data_root.join("last-account.json")
}

fn read_last_account(data_root: &Path) -> Option<LastAccount> {
    let text = std::fs::read_to_string(last_account_path(data_root)).ok()?;
    serde_json::from_str(&text)
        .inspect_err(|error| tracing::warn!(%error, "ignoring a damaged last-account.json"))
        .ok()
}

fn write_last_account(data_root: &Path, last: &LastAccount) {
    let write = || -> std::io::Result<()> {
        messagerie_core::private::create_dir(data_root)?;
        let text = serde_json::to_string_pretty(last).map_err(std::io::Error::other)?;
        write_atomically(&last_account_path(data_root), text.as_bytes())
    };
    if let Err(error) = write() {
        tracing::warn!(%error, "cannot remember the account");
    }
}

/// Writes through a temporary file and a rename, so a full disk never leaves half a file. The
/// file is private to the user (0600 on Unix).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    messagerie_core::private::write_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Epoch milliseconds, as the UI counts time.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_account_is_read_back_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let last = LastAccount {
            ent_url: "https://ent.example".into(),
            login: "marie.durand".into(),
            demo: false,
            remembered: true,
        };
        write_last_account(dir.path(), &last);
        assert_eq!(read_last_account(dir.path()), Some(last));
    }

    #[cfg(unix)]
    #[test]
    fn the_last_account_file_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("data");
        let last = LastAccount {
            ent_url: "https://ent.example".into(),
            login: "marie.durand".into(),
            demo: false,
            remembered: false,
        };
        write_last_account(&root, &last);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("last-account.json")), 0o600);
    }

    #[test]
    fn a_damaged_last_account_file_means_signing_in_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("last-account.json"), "{not json").unwrap();
        assert_eq!(read_last_account(dir.path()), None);
    }
}
