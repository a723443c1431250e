//! Signing in and out, and the first screen.
use messagerie_core::mailbox::Unsent;
use messagerie_core::session::{OAuthClient, Proof, Secret, Session};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::account::{self, DemoRole, Place, SignInResult};
use crate::error::{CommandError, ErrorKind};
use crate::state::{AccountInfo, AppState, LastAccount, SignInMethod};
use crate::{connector, sso};

/// What the window shows first.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Startup {
    /// A remembered account, opened from the local store (the sign-in runs behind it).
    SignedIn { account: AccountInfo },
    /// The sign-in screen, with the last ENT address filled in.
    SignIn {
        ent_url: Option<String>,
        failure: Option<CommandError>,
    },
}

/// Decides the first screen: `--demo` signs in to the demo school as a teacher; the remembered
/// accounts open from their local copies at once (each signs in behind), the one shown last
/// on screen; otherwise the sign-in screen.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn startup(app: AppHandle, state: State<'_, AppState>) -> Result<Startup, CommandError> {
    // The baseline of the startup measure: the window is up and its script runs.
    tracing::info!(
        elapsed_ms = state.started.elapsed().as_millis() as u64,
        "window ready"
    );
    if let Ok(account) = state.account().await {
        return Ok(Startup::SignedIn { account });
    }
    if state.launch.demo {
        return Ok(match start_demo_as(&app, &state, DemoRole::Teacher).await {
            SignInResult::SignedIn { account } => Startup::SignedIn { account },
            SignInResult::Failed { error } => Startup::SignIn {
                ent_url: None,
                failure: Some(error),
            },
        });
    }
    let saved = state.saved_accounts().await.shown_first();
    let first_url = saved.first().map(|a| a.ent_url.clone());
    // The shown one first: it is on screen as soon as it is open.
    for last in saved {
        let Some(proof) = account::kept(&state, &last).await else {
            continue;
        };
        let place = if state.account().await.is_err() {
            Place::Shown
        } else {
            Place::Beside
        };
        if account::reopen(&app, &last, &proof, place).await.is_some() {
            account::sign_in_behind(&app, last, proof);
        }
    }
    match state.account().await {
        Ok(account) => Ok(Startup::SignedIn { account }),
        Err(_) => Ok(Startup::SignIn {
            ent_url: first_url,
            failure: None,
        }),
    }
}

/// The sign-in screen's form.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "Credentials")]
pub struct CredentialsInput {
    pub ent_url: String,
    pub login: String,
    #[ts(type = "string")]
    pub password: Secret,
    /// « Se souvenir de moi »: keep the password in the OS keyring.
    pub remember: bool,
}

/// Signs in with a login and a password; « Se souvenir de moi » keeps it in the OS keyring.
#[tauri::command]
#[tracing::instrument(skip_all, fields(login = %credentials.login), err)]
pub async fn sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    credentials: CredentialsInput,
) -> Result<SignInResult, CommandError> {
    let Some(ent_url) = normalize_url(&credentials.ent_url) else {
        return Ok(SignInResult::invalid_address());
    };
    let login = credentials.login.trim().to_string();
    if let Some(account) = show_if_open(&state, &ent_url, &login, false).await {
        return Ok(SignInResult::SignedIn { account });
    }
    let (password, remember) = (credentials.password, credentials.remember);
    let proof = Proof::Password {
        password: password.clone(),
        remember,
    };
    Ok(
        match account::sign_in(&app, &ent_url, &login, proof, false, Place::Shown).await {
            Ok(account) => {
                let account = account::keep_password(&state, account, &password, remember).await;
                SignInResult::SignedIn { account }
            }
            Err(error) => SignInResult::from_error(&error),
        },
    )
}

/// The client id and secret of the ENT's connector, given under « Options avancées ».
#[derive(Debug, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "Connector")]
pub struct ConnectorInput {
    pub client_id: String,
    #[ts(type = "string")]
    pub client_secret: Secret,
}

/// Opens the ENT's own login page (SSO: EduConnect, CAS…) in a window of the app and takes the
/// session from it once the user is signed in. With a connector of the ENT (given here, kept in
/// the keyring, or deployed in `connector.json`), that web session gets a refresh token through
/// the authorization-code flow, and the app stays signed in until sign-out.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn sign_in_with_ent_page(
    app: AppHandle,
    state: State<'_, AppState>,
    ent_url: String,
    connector: Option<ConnectorInput>,
) -> Result<SignInResult, CommandError> {
    let Some(ent_url) = normalize_url(&ent_url) else {
        return Ok(SignInResult::invalid_address());
    };
    let given = connector
        .filter(|c| !c.client_id.trim().is_empty())
        .map(|input| OAuthClient {
            client_id: input.client_id.trim().to_string(),
            client_secret: input.client_secret,
        });
    let (login, proof, session) = match from_ent_window(&app, &state, &ent_url, given.clone()).await
    {
        Ok(taken) => taken,
        Err(result) => return Ok(result),
    };
    let mut account =
        match account::sign_in(&app, &ent_url, &login, proof, false, Place::Shown).await {
            Ok(account) => account,
            Err(error) => return Ok(SignInResult::from_error(&error)),
        };
    // The session goes to the keyring (with a connector given under « Options avancées », once
    // the ENT took it): the next start is signed in while the ENT keeps it (or, with a
    // connector, until sign-out). The window says when no keyring kept it.
    let kept = account::save_session(&ent_url, &login, &session, given).await;
    account.remembered = Some(kept);
    account.signed_in_with = Some(SignInMethod::EntPage);
    state
        .note_remembered(&account.id, Some(kept), SignInMethod::EntPage)
        .await;
    state
        .remember_account(
            LastAccount {
                ent_url,
                login,
                demo: false,
                remembered: false,
            },
            true,
        )
        .await;
    Ok(SignInResult::SignedIn { account })
}

/// The ENT's sign-in window: who signed in, how the account proves it, and the session to keep
/// (the web session, or the connector's bearer session obtained with it). The connector is the
/// one `given` under « Options avancées », else the configured one.
async fn from_ent_window(
    app: &AppHandle,
    state: &AppState,
    ent_url: &str,
    given: Option<OAuthClient>,
) -> Result<(String, Proof, Session), SignInResult> {
    let web = sso::wait_for_session(app, ent_url).await?;
    // The login is only known once the ENT says who this is; the store is keyed by it.
    let login = sso::login_of(ent_url, &web)
        .await
        .map_err(|error| SignInResult::from_error(&error))?;
    let configured = match given {
        Some(oauth) => Some(oauth),
        None => {
            let (root, url) = (state.data_root.clone(), ent_url.to_string());
            account::blocking(move || connector::configured(&root, &url))
                .await
                .flatten()
        }
    };
    Ok(match configured {
        Some(oauth) => {
            let bearer = connector::bearer_for(ent_url, &oauth, &web).await?;
            let proof = Proof::Connector {
                session: bearer.clone(),
                oauth,
            };
            (login, proof, bearer)
        }
        None => (login, Proof::Session(web.clone()), web),
    })
}

/// « Se reconnecter », when the ENT ended the session of the open account (the banner of an
/// expired session): the ENT's sign-in window again, whose cookies (and those of the identity
/// provider) were kept while the account is signed in, so that it is often one click. Only the
/// same user is accepted; then the new session is kept, and a sync replays the queued actions.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn reconnect(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<SignInResult, CommandError> {
    let mailbox = state.mailbox().await?;
    let account = state.account().await?;
    let ent_url = mailbox.account().base_url.clone();
    let (login, proof, session) = match from_ent_window(&app, &state, &ent_url, None).await {
        Ok(taken) => taken,
        Err(result) => return Ok(result),
    };
    match mailbox.sign_in_again_as(&login, proof).await {
        Ok(()) => {}
        Err(messagerie_core::Error::NotTheOpenAccount { .. }) => {
            return Ok(SignInResult::failed(
                ErrorKind::InvalidInput,
                "ce n'est pas le compte ouvert ; déconnectez-vous d'abord pour changer de compte",
            ))
        }
        Err(error) => return Ok(SignInResult::from_error(&error)),
    }
    account::replace_kept_session(&ent_url, &account.login, &session).await;
    mailbox.request_sync();
    Ok(SignInResult::SignedIn { account })
}

/// « Essayer la démo »: the embedded ENT of the demo school, signed in as the chosen user.
#[tauri::command]
#[tracing::instrument(skip(app, state), err)]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    role: DemoRole,
) -> Result<SignInResult, CommandError> {
    Ok(start_demo_as(&app, &state, role).await)
}

async fn start_demo_as(app: &AppHandle, state: &AppState, role: DemoRole) -> SignInResult {
    let ent_url = match account::demo_ent(state).await {
        Ok(url) => url,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "cannot start the demo ENT");
            return SignInResult::failed(
                ErrorKind::Storage,
                "la démo n'a pas pu démarrer ; vérifiez l'espace libre sur le disque",
            );
        }
    };
    let login = role.login();
    if let Some(account) = show_if_open(state, &ent_url, login, true).await {
        return SignInResult::SignedIn { account };
    }
    match account::sign_in(
        app,
        &ent_url,
        login,
        Proof::Password {
            password: account::demo_password(),
            remember: false,
        },
        true,
        Place::Shown,
    )
    .await
    {
        Ok(account) => {
            state
                .remember_account(
                    LastAccount {
                        ent_url,
                        login: login.to_string(),
                        demo: true,
                        remembered: false,
                    },
                    true,
                )
                .await;
            SignInResult::SignedIn { account }
        }
        Err(error) => SignInResult::from_error(&error),
    }
}

/// « Ajouter un compte » for an account already open: it is shown, without signing in again.
async fn show_if_open(
    state: &AppState,
    ent_url: &str,
    login: &str,
    demo: bool,
) -> Option<AccountInfo> {
    let id = crate::state::store_dir_name(ent_url, login, demo);
    let mut accounts = state.accounts.write().await;
    let account = accounts.get(&id)?.account.clone();
    accounts.shown = Some(id.clone());
    drop(accounts);
    state.remember_shown(&id).await;
    Some(account)
}

/// The shown account.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn account(state: State<'_, AppState>) -> Result<AccountInfo, CommandError> {
    state.account().await
}

/// What signing out with « effacer la copie locale » would lose: messages queued for sending
/// and drafts the ENT does not have yet. The window names them before it erases anything.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn unsent_work(state: State<'_, AppState>) -> Result<Unsent, CommandError> {
    Ok(state.mailbox().await?.unsent().await?)
}

/// Signs the shown account out (see [`close_account`]); the window then shows another open
/// account, or the sign-in screen when none is left.
#[tauri::command]
#[tracing::instrument(skip(app, state), err)]
pub async fn sign_out(
    app: AppHandle,
    state: State<'_, AppState>,
    erase_local_copy: bool,
) -> Result<(), CommandError> {
    let Some(id) = state.accounts.read().await.shown.clone() else {
        return Ok(());
    };
    close_account(&app, &state, &id, erase_local_copy).await
}

/// Signs the account `id` out, and only it: ends its session on the ENT (`/auth/logout`),
/// stops its tasks, forgets its password and kept ENT session in the keyring, forgets it in
/// `accounts.json`, and erases its local copy when asked (the window warned about unsent
/// messages first, see [`unsent_work`]). The other accounts, their stores and their keyring
/// entries are left as they are.
pub async fn close_account(
    app: &AppHandle,
    state: &AppState,
    id: &str,
    erase_local_copy: bool,
) -> Result<(), CommandError> {
    let Some(current) = state.accounts.write().await.take(id) else {
        return Ok(());
    };
    current.mailbox.sign_out().await;
    sso::forget_ent_window(app);
    let dir = current.mailbox.account().dir.clone();
    account::forget_secrets(&current.account.ent_url, &current.account.login).await;
    state.forget_account(id).await;
    if let Some(shown) = state.accounts.read().await.shown.clone() {
        state.remember_shown(&shown).await;
    }
    current.close().await;
    if erase_local_copy {
        tokio::fs::remove_dir_all(&dir).await.map_err(|error| {
            tracing::warn!(%error, "cannot erase the local copy");
            CommandError::new(
                ErrorKind::Storage,
                format!(
                    "la copie locale n'a pas pu être effacée ; supprimez le dossier {}",
                    dir.display()
                ),
            )
        })?;
    }
    Ok(())
}

/// The window drew the inbox: logs the time since the start (the startup measure).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub fn inbox_drawn(state: State<'_, AppState>, messages: u32) {
    tracing::info!(
        elapsed_ms = state.started.elapsed().as_millis() as u64,
        messages,
        "inbox drawn from the local store"
    );
}

/// `ent.example.fr` → `https://ent.example.fr`; no trailing slash; `None` when not an address.
fn normalize_url(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let url = tauri::Url::parse(&with_scheme).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    Some(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::normalize_url;

    #[test]
    fn an_address_without_scheme_gets_https_and_loses_its_trailing_slash() {
        assert_eq!(
            normalize_url(" ent.example.fr/ ").as_deref(),
            Some("https://ent.example.fr")
        );
        assert_eq!(
            normalize_url("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }

    #[test]
    fn something_that_is_not_an_address_is_refused() {
        assert_eq!(normalize_url(""), None);
        assert_eq!(normalize_url("https://"), None);
        assert_eq!(normalize_url("ftp://ent.example.fr"), None);
    }
}
