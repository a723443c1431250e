//! « Se souvenir de moi »: the password in the operating system's keyring, never in a file.
//!
//! Linux: the Secret Service first (GNOME Keyring, KWallet: kept on disk, encrypted with the
//! session's password, so it survives a reboot), then the kernel's keyring as a fallback (kept
//! only until the computer restarts). macOS: the Keychain; Windows: the Credential Manager.
//! [`save_password`] says which one kept it, so the app can tell the user when the password
//! will be forgotten. `MESSAGERIE_NO_KEYRING` turns every keyring off (tests, kiosks).

use serde::{Deserialize, Serialize};

use crate::session::Secret;

/// The service name of the entries.
const SERVICE: &str = "messagerie";

/// Where a password was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Remembered {
    /// In a keyring that survives a restart.
    Kept,
    /// Only in the kernel's keyring: forgotten when the computer restarts.
    UntilRestart,
    /// No keyring works: the password was not kept.
    No,
}

/// One keyring, and whether it keeps secrets across a restart.
struct Store {
    name: &'static str,
    persistent: bool,
    entry: fn(&str) -> keyring::Result<keyring::Entry>,
}

/// The keyrings to try, best first.
fn stores() -> Vec<Store> {
    if std::env::var_os("MESSAGERIE_NO_KEYRING").is_some() {
        return Vec::new();
    }
    #[cfg(target_os = "linux")]
    {
        vec![
            Store {
                name: "Secret Service",
                persistent: true,
                entry: |user| {
                    let credential = keyring::secret_service::SsCredential::new_with_target(
                        None, SERVICE, user,
                    )?;
                    Ok(keyring::Entry::new_with_credential(Box::new(credential)))
                },
            },
            Store {
                name: "kernel keyring",
                persistent: false,
                entry: |user| {
                    let credential = keyring::keyutils::KeyutilsCredential::new_with_target(
                        None, SERVICE, user,
                    )?;
                    Ok(keyring::Entry::new_with_credential(Box::new(credential)))
                },
            },
        ]
    }
    #[cfg(not(target_os = "linux"))]
    {
        vec![Store {
            name: "system keyring",
            persistent: true,
            entry: |user| keyring::Entry::new(SERVICE, user),
        }]
    }
}

fn user(ent_url: &str, login: &str) -> String {
    format!("{login}@{ent_url}")
}

/// Keeps the password in the best keyring that accepts it.
pub fn save_password(ent_url: &str, login: &str, password: &Secret) -> Remembered {
    let user = user(ent_url, login);
    for store in stores() {
        match (store.entry)(&user).and_then(|e| e.set_password(password.expose())) {
            Ok(()) if store.persistent => return Remembered::Kept,
            Ok(()) => return Remembered::UntilRestart,
            Err(error) => {
                tracing::warn!(keyring = store.name, %error, "the keyring did not keep the password");
            }
        }
    }
    Remembered::No
}

/// The kept password, from the first keyring that has it.
pub fn saved_password(ent_url: &str, login: &str) -> Option<Secret> {
    let user = user(ent_url, login);
    stores().into_iter().find_map(|store| {
        (store.entry)(&user)
            .and_then(|e| e.get_password())
            .ok()
            .map(Secret::new)
    })
}

/// Forgets the password in every keyring.
pub fn forget_password(ent_url: &str, login: &str) {
    let user = user(ent_url, login);
    for store in stores() {
        if let Ok(entry) = (store.entry)(&user) {
            let _ = entry.delete_credential();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_any_keyring_the_password_is_not_remembered_and_says_so() {
        // The variable is read at each call; no other test of this crate uses a keyring.
        std::env::set_var("MESSAGERIE_NO_KEYRING", "1");
        let saved = save_password("https://ent.example", "marie", &Secret::new("pw"));
        assert_eq!(saved, Remembered::No);
        assert!(saved_password("https://ent.example", "marie").is_none());
        assert_eq!(serde_json::to_value(saved).unwrap(), "no");
    }
}
