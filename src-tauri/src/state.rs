//! What the app holds between commands: every open account and the one the window shows, the
//! embedded demo ENT, and the remembered accounts (`accounts.json`, so that the next start opens
//! every mailbox from its local store at once).

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
    /// Stable between runs: the name of the account's store folder (see [`account_id`]).
    pub id: String,
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

#[cfg(test)]
impl AccountInfo {
    /// Marie Durand's account on `ent_url`, as a sign-in shows it, for the shell's tests.
    pub fn marie(ent_url: &str) -> Self {
        Self {
            id: store_dir_name(ent_url, "marie.durand", false),
            ent_url: ent_url.into(),
            login: "marie.durand".into(),
            display_name: "Marie Durand".into(),
            profile: None,
            demo: false,
            store_recovery: None,
            remembered: None,
            signed_in_with: None,
        }
    }
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

/// One account remembered between runs (in `accounts.json`, and in the `last-account.json` of
/// the versions that held one account): no secret, only where and who.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LastAccount {
    pub ent_url: String,
    pub login: String,
    pub demo: bool,
    /// The password is in the OS keyring.
    pub remembered: bool,
}

/// `accounts.json`: every account the next start opens, and the one it shows.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SavedAccounts {
    pub accounts: Vec<LastAccount>,
    /// The id ([`account_id`]) of the account shown.
    #[serde(default)]
    pub shown: Option<String>,
}

impl SavedAccounts {
    /// Adds `account` or replaces the one with its id; `show` makes it the shown one.
    pub fn upsert(&mut self, account: LastAccount, show: bool) {
        let id = account_id(&account);
        if show || self.shown.is_none() {
            self.shown = Some(id.clone());
        }
        match self.accounts.iter_mut().find(|a| account_id(a) == id) {
            Some(kept) => *kept = account,
            None => self.accounts.push(account),
        }
    }

    /// Forgets the account `id`; the shown one becomes the first left.
    pub fn remove(&mut self, id: &str) {
        self.accounts.retain(|a| account_id(a) != id);
        if self.shown.as_deref() == Some(id) || self.accounts.is_empty() {
            self.shown = self.accounts.first().map(account_id);
        }
    }

    /// The remembered accounts, the shown one first (the next start shows it).
    pub fn shown_first(&self) -> Vec<LastAccount> {
        let mut out = self.accounts.clone();
        if let Some(at) = out.iter().position(|a| Some(account_id(a)) == self.shown) {
            out[..=at].rotate_right(1);
        }
        out
    }
}

/// An account's stable id: the name of its store's folder under `accounts/`
/// (`Account::in_dir`: one per ENT and login; `demo_<login>` for the demo, whose ENT gets a new
/// port at each start).
pub fn account_id(account: &LastAccount) -> String {
    store_dir_name(&account.ent_url, &account.login, account.demo)
}

/// See [`account_id`].
pub fn store_dir_name(ent_url: &str, login: &str, demo: bool) -> String {
    if demo {
        format!("demo_{login}")
    } else {
        let dir = messagerie_core::Account::in_dir(Path::new(""), ent_url, login).dir;
        dir.to_string_lossy().into_owned()
    }
}

/// An open account and the tasks that serve it (event forward, periodic sync, scheduled
/// sends); the tasks stop with it.
pub struct Current {
    /// [`account_id`]: the name of its store's folder.
    pub id: String,
    pub mailbox: Mailbox,
    pub account: AccountInfo,
    pub tasks: Vec<JoinHandle<()>>,
}

impl Current {
    /// Stops the account's tasks and waits until they are gone, so that their copies of the
    /// mailbox no longer hold its folder's lock.
    pub async fn close(mut self) {
        self.stop_tasks().await;
    }

    /// Stops the account's tasks and waits until they are gone (see [`Current::close`]); the
    /// account stays open, for a mailbox to take its place.
    pub async fn stop_tasks(&mut self) {
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

/// Every open account, in the order they were added, and the one the window shows.
#[derive(Default)]
pub struct OpenAccounts {
    pub open: Vec<Current>,
    pub shown: Option<String>,
}

impl OpenAccounts {
    pub fn get(&self, id: &str) -> Option<&Current> {
        self.open.iter().find(|c| c.id == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Current> {
        self.open.iter_mut().find(|c| c.id == id)
    }

    /// The shown account: the one every command of the window acts on.
    pub fn shown(&self) -> Option<&Current> {
        self.shown.as_deref().and_then(|id| self.get(id))
    }

    /// Takes the account `id` out; another one (the first left) is shown if it was.
    pub fn take(&mut self, id: &str) -> Option<Current> {
        let at = self.open.iter().position(|c| c.id == id)?;
        let taken = self.open.remove(at);
        if self.shown.as_deref() == Some(id) {
            self.shown = self.open.first().map(|c| c.id.clone());
        }
        Some(taken)
    }
}

pub struct AppState {
    pub launch: LaunchOptions,
    /// Where accounts, the demo ENT and `accounts.json` live.
    pub data_root: PathBuf,
    pub started: Instant,
    pub accounts: RwLock<OpenAccounts>,
    pub demo: Mutex<Option<crate::account::DemoEnt>>,
    /// One change of `accounts.json` at a time (each reads, changes and writes it).
    saved: Mutex<()>,
}

impl AppState {
    pub fn new(launch: LaunchOptions, data_root: PathBuf) -> Self {
        Self {
            launch,
            data_root,
            started: Instant::now(),
            accounts: RwLock::new(OpenAccounts::default()),
            demo: Mutex::new(None),
            saved: Mutex::new(()),
        }
    }

    /// The shown mailbox, or the error that sends the window back to the sign-in screen.
    pub async fn mailbox(&self) -> Result<Mailbox, CommandError> {
        self.accounts
            .read()
            .await
            .shown()
            .map(|c| c.mailbox.clone())
            .ok_or_else(CommandError::signed_out)
    }

    /// The shown account.
    pub async fn account(&self) -> Result<AccountInfo, CommandError> {
        self.accounts
            .read()
            .await
            .shown()
            .map(|c| c.account.clone())
            .ok_or_else(CommandError::signed_out)
    }

    /// Records how the user signed in to the account `id` and where the keyring kept their
    /// password or session, for the window to tell the user.
    pub async fn note_remembered(
        &self,
        id: &str,
        remembered: Option<messagerie_core::secrets::Remembered>,
        method: SignInMethod,
    ) {
        if let Some(current) = self.accounts.write().await.get_mut(id) {
            current.account.remembered = remembered;
            current.account.signed_in_with = Some(method);
        }
    }

    /// The accounts to open at start (see [`read_saved`]).
    pub async fn saved_accounts(&self) -> SavedAccounts {
        let root = self.data_root.clone();
        let _one = self.saved.lock().await;
        crate::account::blocking(move || read_saved(&root))
            .await
            .unwrap_or_default()
    }

    /// Changes `accounts.json` (only the next start suffers if writing fails: it shows the
    /// sign-in screen, or fewer accounts).
    pub async fn change_saved(&self, change: impl FnOnce(&mut SavedAccounts) + Send + 'static) {
        let root = self.data_root.clone();
        let _one = self.saved.lock().await;
        crate::account::blocking(move || {
            let mut saved = read_saved(&root);
            change(&mut saved);
            write_saved(&root, &saved);
        })
        .await;
    }

    /// Remembers the account for the next start; `show`: the next start shows it.
    pub async fn remember_account(&self, account: LastAccount, show: bool) {
        self.change_saved(move |saved| saved.upsert(account, show))
            .await;
    }

    /// The next start no longer opens the account `id`.
    pub async fn forget_account(&self, id: &str) {
        let id = id.to_string();
        self.change_saved(move |saved| saved.remove(&id)).await;
    }

    /// The next start shows the account `id`.
    pub async fn remember_shown(&self, id: &str) {
        let id = id.to_string();
        self.change_saved(move |saved| {
            if saved.accounts.iter().any(|a| account_id(a) == id) {
                saved.shown = Some(id);
            }
        })
        .await;
    }
}

fn accounts_path(data_root: &Path) -> PathBuf {
    data_root.join("accounts.json")
}

/// What the versions with one account kept (read once, to open that account after an upgrade).
fn last_account_path(data_root: &Path) -> PathBuf {
    data_root.join("last-account.json")
}

/// The remembered accounts. `accounts.json` when there is one; else the `last-account.json` of
/// a previous version (its account, with its store, opens as before the upgrade). A damaged
/// file counts as none: the user signs in again, and the stores stay on disk.
pub fn read_saved(data_root: &Path) -> SavedAccounts {
    match std::fs::read_to_string(accounts_path(data_root)) {
        Ok(text) => {
            return serde_json::from_str(&text)
                .inspect_err(|error| tracing::warn!(%error, "ignoring a damaged accounts.json"))
                .unwrap_or_default()
        }
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            tracing::warn!(%error, "cannot read accounts.json");
            return SavedAccounts::default();
        }
        Err(_) => {}
    }
    let Some(last) = read_last_account(data_root) else {
        return SavedAccounts::default();
    };
    let mut saved = SavedAccounts::default();
    saved.upsert(last, true);
    saved
}

fn read_last_account(data_root: &Path) -> Option<LastAccount> {
    let text = std::fs::read_to_string(last_account_path(data_root)).ok()?;
    serde_json::from_str(&text)
        .inspect_err(|error| tracing::warn!(%error, "ignoring a damaged last-account.json"))
        .ok()
}

/// Writes `accounts.json` atomically; once it is written, the older `last-account.json` has
/// done its work and goes.
fn write_saved(data_root: &Path, saved: &SavedAccounts) {
    let write = || -> std::io::Result<()> {
        messagerie_core::private::create_dir(data_root)?;
        let text = serde_json::to_string_pretty(saved).map_err(std::io::Error::other)?;
        messagerie_core::private::replace_file(&accounts_path(data_root), text.as_bytes())
    };
    match write() {
        Ok(()) => {
            let _ = std::fs::remove_file(last_account_path(data_root));
        }
        Err(error) => tracing::warn!(%error, "cannot remember the accounts"),
    }
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

    fn account(ent_url: &str, login: &str) -> LastAccount {
        LastAccount {
            ent_url: ent_url.into(),
            login: login.into(),
            demo: false,
            remembered: true,
        }
    }

    #[test]
    fn every_account_and_the_shown_one_are_read_back_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let mut saved = SavedAccounts::default();
        saved.upsert(account("https://ent.ecole-a.fr", "marie.durand"), true);
        saved.upsert(account("https://ent.ecole-b.fr", "m.durand"), true);
        write_saved(dir.path(), &saved);
        let read = read_saved(dir.path());
        assert_eq!(read, saved);
        assert_eq!(read.accounts.len(), 2);
        assert_eq!(read.shown.as_deref(), Some("ent.ecole-b.fr_m.durand"));
        assert_eq!(
            read.shown_first()[0].ent_url,
            "https://ent.ecole-b.fr",
            "the shown account opens first"
        );
    }

    #[test]
    fn the_same_account_signed_in_again_is_one_entry_and_removing_one_keeps_the_other() {
        let mut saved = SavedAccounts::default();
        saved.upsert(account("https://ent.ecole-a.fr", "marie.durand"), true);
        saved.upsert(account("https://ent.ecole-b.fr", "m.durand"), false);
        let mut again = account("https://ent.ecole-a.fr", "marie.durand");
        again.remembered = false;
        saved.upsert(again, false);
        assert_eq!(saved.accounts.len(), 2);
        assert!(!saved.accounts[0].remembered);
        assert_eq!(saved.shown.as_deref(), Some("ent.ecole-a.fr_marie.durand"));
        saved.remove("ent.ecole-a.fr_marie.durand");
        assert_eq!(
            saved.accounts,
            vec![account("https://ent.ecole-b.fr", "m.durand")]
        );
        assert_eq!(saved.shown.as_deref(), Some("ent.ecole-b.fr_m.durand"));
        saved.remove("ent.ecole-b.fr_m.durand");
        assert_eq!(saved, SavedAccounts::default());
    }

    #[test]
    fn a_previous_versions_last_account_opens_after_the_upgrade_then_accounts_json_takes_over() {
        let dir = tempfile::tempdir().unwrap();
        let old = account("https://ent.example", "marie.durand");
        std::fs::write(
            dir.path().join("last-account.json"),
            r#"{"entUrl":"https://ent.example","login":"marie.durand","demo":false,"remembered":true}"#,
        )
        .unwrap();
        let read = read_saved(dir.path());
        assert_eq!(read.accounts, vec![old.clone()]);
        assert_eq!(read.shown.as_deref(), Some("ent.example_marie.durand"));
        write_saved(dir.path(), &read);
        assert!(!dir.path().join("last-account.json").exists());
        assert_eq!(read_saved(dir.path()).accounts, vec![old]);
    }

    #[test]
    fn the_account_id_is_its_store_folder() {
        let root = Path::new("/data/accounts");
        let real = account("https://ent.example:8443/", "marie.durand");
        assert_eq!(
            root.join(account_id(&real)),
            messagerie_core::Account::in_dir(root, &real.ent_url, &real.login).dir
        );
        let demo = LastAccount {
            demo: true,
            ..account("http://127.0.0.1:4242", "hugo.leroy")
        };
        assert_eq!(account_id(&demo), "demo_hugo.leroy");
    }

    #[test]
    fn removing_an_account_the_window_names_takes_only_an_open_one() {
        let mut saved = SavedAccounts::default();
        saved.upsert(account("https://ent.ecole-a.fr", "marie.durand"), true);
        // An id that is no account's (a path, another account's folder) forgets nothing.
        for id in ["..", "../ent.ecole-a.fr_marie.durand", "", "/"] {
            saved.remove(id);
            assert_eq!(saved.accounts.len(), 1, "{id}");
        }
        let mut open = OpenAccounts::default();
        assert!(open.take("..").is_none());
        assert!(open.shown().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn the_accounts_file_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("data");
        let mut saved = SavedAccounts::default();
        saved.upsert(account("https://ent.example", "marie.durand"), true);
        write_saved(&root, &saved);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("accounts.json")), 0o600);
    }

    #[test]
    fn a_damaged_accounts_file_means_signing_in_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("accounts.json"), "{not json").unwrap();
        // Even with an older file beside it: the newer one decides.
        std::fs::write(
            dir.path().join("last-account.json"),
            r#"{"entUrl":"https://ent.example","login":"m","demo":false,"remembered":false}"#,
        )
        .unwrap();
        assert_eq!(read_saved(dir.path()), SavedAccounts::default());
        std::fs::write(
            dir.path().join("accounts.json"),
            r#"{"accounts":[{"x":1}]}"#,
        )
        .unwrap();
        assert_eq!(read_saved(dir.path()), SavedAccounts::default());
    }

    #[test]
    fn a_damaged_last_account_file_means_signing_in_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("last-account.json"), "{not json").unwrap();
        assert_eq!(read_saved(dir.path()), SavedAccounts::default());
    }
}
