//! « Se souvenir de moi »: the password in the operating system's keyring, never in a file.
//!
//! Linux: the Secret Service first (GNOME Keyring, KWallet: kept on disk, encrypted with the
//! session's password, so it survives a reboot), then the kernel's keyring as a fallback (kept
//! only until the computer restarts). macOS: the Keychain; Windows: the Credential Manager.
//! [`save_password`] says which one kept it, so the app can tell the user when the password
//! will be forgotten. `MESSAGERIE_NO_KEYRING` turns every keyring off (tests, kiosks).
//!
//! The same keyring keeps the ENT session of an SSO sign-in (its `oneSessionId` cookie and
//! XSRF token, [`save_session`]), so that the next start is signed in while the ENT keeps the
//! session.
//!
//! Tests only: in debug builds, `MESSAGERIE_TEST_KEYRING_FILE` names a JSON file that stands
//! for the keyring (the end-to-end tests run without a Secret Service); release builds ignore
//! it, so real secrets never go to a file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::session::{OAuthClient, Secret, Session};

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

/// The entry of an account's ENT session (next to its password's).
fn session_user(ent_url: &str, login: &str) -> String {
    format!("session:{login}@{ent_url}")
}

/// The test stand-in for the keyring (see the module doc); never in release builds.
fn test_file() -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os("MESSAGERIE_TEST_KEYRING_FILE").map(PathBuf::from)
}

fn read_test_file(path: &std::path::Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn edit_test_file(
    path: &std::path::Path,
    edit: impl FnOnce(&mut BTreeMap<String, String>),
) -> bool {
    let mut entries = read_test_file(path);
    edit(&mut entries);
    serde_json::to_vec(&entries)
        .ok()
        .is_some_and(|bytes| crate::private::write_file(path, &bytes).is_ok())
}

/// Keeps `value` under `user` in the best keyring that accepts it.
fn save(user: &str, value: &str) -> Remembered {
    if let Some(path) = test_file() {
        let kept = edit_test_file(&path, |e| {
            e.insert(user.to_string(), value.to_string());
        });
        return if kept {
            Remembered::Kept
        } else {
            Remembered::No
        };
    }
    for store in stores() {
        match (store.entry)(user).and_then(|e| e.set_password(value)) {
            Ok(()) if store.persistent => return Remembered::Kept,
            Ok(()) => return Remembered::UntilRestart,
            Err(error) => {
                tracing::warn!(keyring = store.name, %error, "the keyring did not keep the secret");
            }
        }
    }
    Remembered::No
}

/// The value kept under `user`, from the first keyring that has it.
fn saved(user: &str) -> Option<String> {
    if let Some(path) = test_file() {
        return read_test_file(&path).remove(user);
    }
    stores()
        .into_iter()
        .find_map(|store| (store.entry)(user).and_then(|e| e.get_password()).ok())
}

/// Forgets what is kept under `user` in every keyring.
fn forget(user: &str) {
    if let Some(path) = test_file() {
        edit_test_file(&path, |e| {
            e.remove(user);
        });
        return;
    }
    for store in stores() {
        if let Ok(entry) = (store.entry)(user) {
            let _ = entry.delete_credential();
        }
    }
}

/// Keeps the password in the best keyring that accepts it.
pub fn save_password(ent_url: &str, login: &str, password: &Secret) -> Remembered {
    save(&user(ent_url, login), password.expose())
}

/// The kept password, from the first keyring that has it.
pub fn saved_password(ent_url: &str, login: &str) -> Option<Secret> {
    saved(&user(ent_url, login)).map(Secret::new)
}

/// Forgets the password in every keyring.
pub fn forget_password(ent_url: &str, login: &str) {
    forget(&user(ent_url, login));
}

/// Keeps the account's ENT session (an SSO sign-in's cookie and XSRF token, or a bearer token
/// and its refresh token) for the next start.
pub fn save_session(ent_url: &str, login: &str, session: &Session) -> Remembered {
    match serde_json::to_string(session) {
        Ok(text) => save(&session_user(ent_url, login), &text),
        Err(_) => Remembered::No,
    }
}

/// The kept session; a damaged entry counts as none (the user signs in again).
pub fn saved_session(ent_url: &str, login: &str) -> Option<Session> {
    let text = saved(&session_user(ent_url, login))?;
    serde_json::from_str(&text)
        .inspect_err(|_| tracing::warn!("ignoring a damaged session entry in the keyring"))
        .ok()
}

/// Replaces the kept session of an account with `session`, only where one was kept (an SSO
/// sign-in keeps it; a password the user chose not to remember keeps none). Returns whether it
/// was replaced.
pub fn replace_kept_session(ent_url: &str, login: &str, session: &Session) -> bool {
    saved_session(ent_url, login).is_some()
        && save_session(ent_url, login, session) != Remembered::No
}

/// Forgets the kept session in every keyring.
pub fn forget_session(ent_url: &str, login: &str) {
    forget(&session_user(ent_url, login));
}

/// The entry of the ENT's registered client (its connector), shared by the accounts of that ENT.
fn connector_user(ent_url: &str) -> String {
    format!("connector:{ent_url}")
}

/// Keeps the client id and secret of the ENT's connector (given under « Options avancées »).
pub fn save_connector(ent_url: &str, oauth: &OAuthClient) -> Remembered {
    match serde_json::to_string(oauth) {
        Ok(text) => save(&connector_user(ent_url), &text),
        Err(_) => Remembered::No,
    }
}

/// The kept connector of the ENT, if any.
pub fn saved_connector(ent_url: &str) -> Option<OAuthClient> {
    let text = saved(&connector_user(ent_url))?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_any_keyring_nothing_is_remembered_and_a_session_is_kept_apart_from_the_password() {
        // The variable is read at each call; no other test of this crate uses a keyring.
        std::env::set_var("MESSAGERIE_NO_KEYRING", "1");
        let saved = save_password("https://ent.example", "marie", &Secret::new("pw"));
        assert_eq!(saved, Remembered::No);
        assert!(saved_password("https://ent.example", "marie").is_none());
        assert_eq!(serde_json::to_value(saved).unwrap(), "no");

        // The test stand-in (set after the check above: the two share the process's
        // environment, so they run in one test): a session is kept next to the password and
        // forgotten alone.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keyring.json");
        std::env::set_var("MESSAGERIE_TEST_KEYRING_FILE", &file);
        let session = Session::Cookie {
            one_session_id: Secret::new("sid"),
            xsrf_token: Some(Secret::new("xsrf")),
        };
        let (ent, login) = ("https://ent.example", "hugo");

        assert_eq!(save_session(ent, login, &session), Remembered::Kept);
        assert_eq!(
            save_password(ent, login, &Secret::new("pw")),
            Remembered::Kept
        );
        assert_eq!(saved_session(ent, login), Some(session));
        assert!(saved_session(ent, "someone.else").is_none());

        let renewed = Session::Cookie {
            one_session_id: Secret::new("sid2"),
            xsrf_token: None,
        };
        assert!(replace_kept_session(ent, login, &renewed));
        assert_eq!(saved_session(ent, login), Some(renewed.clone()));
        // Nobody kept a session for this user: none is made up.
        assert!(!replace_kept_session(ent, "sans.session", &renewed));
        assert!(saved_session(ent, "sans.session").is_none());

        forget_session(ent, login);
        assert!(saved_session(ent, login).is_none());
        let connector = OAuthClient {
            client_id: "messagerie-desktop".into(),
            client_secret: Secret::new("s"),
        };
        assert_eq!(save_connector(ent, &connector), Remembered::Kept);
        assert_eq!(
            saved_connector(ent).unwrap().client_id,
            "messagerie-desktop"
        );
        assert!(saved_connector("https://other.example").is_none());
        assert_eq!(
            saved_password(ent, login).map(|p| p.expose().to_string()),
            Some("pw".into())
        );
        std::env::remove_var("MESSAGERIE_TEST_KEYRING_FILE");
    }
}
