//! The accounts the CLI knows: `<root>/cli.json`, next to their mailboxes.
//!
//! Each account has a name (`--account NAME`), an ENT address and a login; one is the default,
//! used when a command names none. The name is only a handle: an account's mailbox is the folder
//! [`Account::in_dir`] gives its ENT and login, and its keyring entries are keyed by ENT and login
//! too, so two accounts never share a store, a queue or a password.
//!
//! The file before named accounts held one account, `{"server": …, "login": …}`: it opens as
//! that one account, the default, named as `login` names a new one ([`default_name`]); its
//! mailbox folder is the same, so its mail and queued actions are there. The file now written
//! keeps the default account's `server` and `login` at the top too, where that older
//! `messagerie-cli` looks for them.
//!
//! Changes go through [`Registry::edit`]: under a lock on `cli.lock`, read, change, written to a
//! temporary file and renamed over `cli.json`, so two commands at once never lose an account and
//! a crash never leaves half a file. A damaged `cli.json` is an error, never read as empty: the
//! next `login` would otherwise write over every other account.

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

use messagerie_core::lock::{AccountLock, LockError};
use messagerie_core::{private, secrets, Account};
use serde::{Deserialize, Serialize};

const FILE: &str = "cli.json";
const LOCK: &str = "cli.lock";

/// One account of the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub server: String,
    pub login: String,
}

impl Entry {
    /// Its mailbox under `root`.
    pub fn account(&self, root: &Path) -> Account {
        Account::in_dir(root, &self.server, &self.login)
    }

    fn is(&self, server: &str, login: &str) -> bool {
        same_server(&self.server, server) && self.login == login
    }
}

/// A line of `messagerie-cli accounts`.
#[derive(Debug, Serialize)]
pub struct Listed<'a> {
    pub name: &'a str,
    pub server: &'a str,
    pub login: &'a str,
    pub default: bool,
}

/// Why the accounts could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("no account {name}: {known}")]
    Unknown { name: String, known: String },
    #[error("cannot read {}; repair it or move it away (the mailboxes next to it are kept)", path.display())]
    Damaged {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot read or write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the account {name} is {login} on {server}; to use another login or ENT, choose another name (or `accounts remove {name}` first)")]
    Taken {
        name: String,
        server: String,
        login: String,
    },
    #[error("{login} on {server} is already the account {name}; use --account {name}")]
    Duplicate {
        name: String,
        server: String,
        login: String,
    },
    #[error(
        "an account name cannot be empty, start or end with a space, or hold control characters"
    )]
    BadName,
    #[error(transparent)]
    InUse(#[from] LockError),
}

impl RegistryError {
    /// The CLI's exit code (see `main.rs`).
    pub fn exit_code(&self) -> u8 {
        match self {
            RegistryError::Unknown { .. } => 8,
            RegistryError::Taken { .. }
            | RegistryError::Duplicate { .. }
            | RegistryError::BadName => 2,
            RegistryError::Damaged { .. } | RegistryError::Io { .. } | RegistryError::InUse(_) => 7,
        }
    }
}

/// `cli.json` as written: the accounts, and the default's fields for the older CLI.
#[derive(Serialize, Deserialize, Default)]
struct OnDisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<String>,
    #[serde(default)]
    accounts: Vec<Entry>,
    /// The default account's ENT (the whole file of the CLI before named accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    login: Option<String>,
}

/// The accounts the CLI knows, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    accounts: Vec<Entry>,
    default: Option<String>,
}

impl Registry {
    /// Reads `<root>/cli.json`; none is no account.
    pub fn load(root: &Path) -> Result<Self, RegistryError> {
        let path = root.join(FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(RegistryError::Io { path, source }),
        };
        let disk: OnDisk = serde_json::from_slice(&bytes)
            .map_err(|source| RegistryError::Damaged { path, source })?;
        if disk.accounts.is_empty() {
            // Written before named accounts: its one account.
            if let (Some(server), Some(login)) = (disk.server, disk.login) {
                let name = default_name(&server, &login);
                return Ok(Self {
                    accounts: vec![Entry {
                        name: name.clone(),
                        server,
                        login,
                    }],
                    default: Some(name),
                });
            }
        }
        Ok(Self {
            accounts: disk.accounts,
            default: disk.default,
        })
    }

    /// Reads the accounts, applies `change` and writes them back, under the lock of the file
    /// (see the module doc). Nothing is written when `change` fails.
    pub fn edit<T>(
        root: &Path,
        change: impl FnOnce(&mut Registry) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| RegistryError::Io { path, source }
        };
        private::create_dir(root).map_err(io(root))?;
        let lock_path = root.join(LOCK);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        private::file_mode(&mut options);
        let lock = options.open(&lock_path).map_err(io(&lock_path))?;
        // Another command changes the accounts for a few milliseconds at most: wait for it.
        lock.lock().map_err(io(&lock_path))?;
        let mut registry = Self::load(root)?;
        let out = change(&mut registry)?;
        registry.save(root)?;
        drop(lock);
        Ok(out)
    }

    fn save(&self, root: &Path) -> Result<(), RegistryError> {
        let default = self.default_account();
        let disk = OnDisk {
            default: default.map(|e| e.name.clone()),
            accounts: self.accounts.clone(),
            server: default.map(|e| e.server.clone()),
            login: default.map(|e| e.login.clone()),
        };
        let path = root.join(FILE);
        let text = serde_json::to_vec_pretty(&disk).map_err(|e| RegistryError::Io {
            path: path.clone(),
            source: io::Error::other(e),
        })?;
        private::replace_file(&path, &text).map_err(|source| RegistryError::Io { path, source })
    }

    /// The account named `name`; unknown, the error lists the known names.
    pub fn get(&self, name: &str) -> Result<&Entry, RegistryError> {
        self.accounts
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| self.unknown(name))
    }

    fn unknown(&self, name: &str) -> RegistryError {
        let known = if self.accounts.is_empty() {
            format!("none is set up yet; add one with `messagerie-cli login --server URL --login LOGIN --account {name}`")
        } else {
            let names: Vec<&str> = self.accounts.iter().map(|e| e.name.as_str()).collect();
            format!("the known ones are {}", names.join(", "))
        };
        RegistryError::Unknown {
            name: name.to_string(),
            known,
        }
    }

    /// The default account: the one chosen, else the first added.
    pub fn default_account(&self) -> Option<&Entry> {
        self.default
            .as_deref()
            .and_then(|name| self.accounts.iter().find(|e| e.name == name))
            .or_else(|| self.accounts.first())
    }

    /// Every account, in the order they were added.
    pub fn list(&self) -> Vec<Listed<'_>> {
        let default = self.default_account().map(|e| e.name.as_str());
        self.accounts
            .iter()
            .map(|e| Listed {
                name: &e.name,
                server: &e.server,
                login: &e.login,
                default: Some(e.name.as_str()) == default,
            })
            .collect()
    }

    /// Adds the account `login` on `server` (named `name`, else [`default_name`]), or finds it
    /// when it is already there. The first account added becomes the default. A name already
    /// given to another ENT or login, or a second name for the same one, is refused.
    pub fn remember(
        &mut self,
        name: Option<&str>,
        server: &str,
        login: &str,
    ) -> Result<Entry, RegistryError> {
        let existing = self.accounts.iter().find(|e| e.is(server, login));
        let name = match (name, existing) {
            (Some(name), Some(e)) if e.name != name => {
                return Err(RegistryError::Duplicate {
                    name: e.name.clone(),
                    server: e.server.clone(),
                    login: e.login.clone(),
                })
            }
            (None, Some(e)) => e.name.clone(),
            (Some(name), _) => name.to_string(),
            (None, None) => default_name(server, login),
        };
        check_name(&name)?;
        if let Some(e) = self.accounts.iter().find(|e| e.name == name) {
            if !e.is(server, login) {
                return Err(RegistryError::Taken {
                    name,
                    server: e.server.clone(),
                    login: e.login.clone(),
                });
            }
            return Ok(e.clone());
        }
        let entry = Entry {
            name,
            server: server.to_string(),
            login: login.to_string(),
        };
        if self.accounts.is_empty() {
            self.default = Some(entry.name.clone());
        }
        self.accounts.push(entry.clone());
        Ok(entry)
    }

    /// Makes `name` the default account.
    pub fn set_default(&mut self, name: &str) -> Result<(), RegistryError> {
        self.get(name)?;
        self.default = Some(name.to_string());
        Ok(())
    }

    /// Forgets the account `name` here and everything this computer keeps of it: its mailbox
    /// folder (mail, attachments, queued actions) and its password and session in the keyring.
    /// Refused while another window or command has its mailbox open. The other accounts keep
    /// theirs; when the default goes, the first remaining account becomes the default.
    pub fn remove(&mut self, root: &Path, name: &str) -> Result<Entry, RegistryError> {
        let entry = self.get(name)?.clone();
        let dir = entry.account(root).dir;
        // The folder is the account's own, under the data folder: `in_dir` names it
        // `<host>_<login>` with only letters, digits, `.`, `-` and `_`, so never `..`.
        if dir.parent() != Some(root) || dir.file_name().is_none() {
            return Err(RegistryError::Io {
                path: dir,
                source: io::Error::other("not an account folder"),
            });
        }
        let held = AccountLock::acquire(&dir)?;
        let removed = std::fs::remove_dir_all(&dir);
        drop(held);
        match removed {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(RegistryError::Io { path: dir, source }),
        }
        secrets::forget_password(&entry.server, &entry.login);
        secrets::forget_session(&entry.server, &entry.login);
        self.accounts.retain(|e| e.name != name);
        if self.default.as_deref() == Some(name) {
            self.default = self.accounts.first().map(|e| e.name.clone());
        }
        Ok(entry)
    }
}

/// The name `login` gives an account when `--account` names none: `LOGIN@HOST`, with the ENT's
/// port when its address has one (`marie.durand@ent.example.fr`).
pub fn default_name(server: &str, login: &str) -> String {
    let rest = server.split_once("://").map_or(server, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{login}@{}", host.to_lowercase())
}

/// Two spellings of one ENT address (`https://ent.fr/` and `https://ent.fr`).
fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

fn check_name(name: &str) -> Result<(), RegistryError> {
    if name.is_empty() || name.trim() != name || name.chars().any(char::is_control) {
        return Err(RegistryError::BadName);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_is_the_login_at_the_host_and_its_port() {
        assert_eq!(
            default_name("https://ent.example.fr/", "marie.durand"),
            "marie.durand@ent.example.fr"
        );
        assert_eq!(
            default_name("http://127.0.0.1:8080/auth?x=1", "paul"),
            "paul@127.0.0.1:8080"
        );
        assert_eq!(
            default_name("ENT.Example.fr", "paul"),
            "paul@ent.example.fr"
        );
    }

    #[test]
    fn a_name_cannot_be_given_twice_nor_an_account_two_names() {
        let mut r = Registry::default();
        r.remember(Some("lycee"), "https://a.fr", "marie").unwrap();

        let taken = r.remember(Some("lycee"), "https://b.fr", "marie");
        let twice = r.remember(Some("college"), "https://a.fr/", "marie");
        let again = r.remember(None, "https://a.fr", "marie").unwrap();

        assert!(matches!(taken, Err(RegistryError::Taken { .. })));
        assert!(matches!(twice, Err(RegistryError::Duplicate { .. })));
        assert_eq!(again.name, "lycee");
        assert_eq!(r.list().len(), 1);
        assert!(matches!(
            r.remember(Some(" "), "https://c.fr", "marie"),
            Err(RegistryError::BadName)
        ));
    }

    #[test]
    fn an_account_folder_stays_a_child_of_the_data_folder_whatever_the_file_says() {
        let root = Path::new("/data/messagerie");
        for (server, login) in [("..", ".."), ("../../etc", "../x"), ("", "")] {
            let entry = Entry {
                name: "x".into(),
                server: server.into(),
                login: login.into(),
            };
            assert_eq!(
                entry.account(root).dir.parent(),
                Some(root),
                "{server} {login}"
            );
        }
    }
}
