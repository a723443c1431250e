//! Opening an account: the local store first (so the window shows mail at once, offline too),
//! then the ENT; the tasks that keep it in step; the embedded demo ENT; the OS keyring.

use std::path::PathBuf;
use std::time::Duration;

use messagerie_core::secrets::{self, Remembered};
use messagerie_core::session::{Kept, OAuthClient, Proof, Secret, Session};
use messagerie_core::{Account, Mailbox};
use serde::Serialize;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Manager};

use crate::error::{CommandError, ErrorKind};
use crate::state::{AccountInfo, AppState, Current, LastAccount, SignInMethod};
use crate::{connector, events};

/// Every demo account's password (crates/ent-directory/src/demo.toml).
const DEMO_PASSWORD: &str = "demo";

/// Who « Essayer la démo » signs in as.
#[derive(Debug, Clone, Copy, serde::Deserialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DemoRole {
    Teacher,
    Pupil,
    Parent,
}

impl DemoRole {
    pub fn login(self) -> &'static str {
        match self {
            DemoRole::Teacher => "marie.durand",
            DemoRole::Pupil => "hugo.leroy",
            DemoRole::Parent => "julien.leroy",
        }
    }
}

/// What the sign-in commands resolve to: failures are answers, not errors.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum SignInResult {
    SignedIn {
        account: AccountInfo,
    },
    /// The kind says why (`badCredentials`, `offline`, `certificate`, `badAnswer` when the
    /// address is not an ENT's, `cancelled`…); the sign-in screen words it.
    Failed {
        error: CommandError,
    },
}

impl SignInResult {
    pub fn failed(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::Failed {
            error: CommandError::new(kind, message),
        }
    }

    pub fn invalid_address() -> Self {
        Self::failed(
            ErrorKind::InvalidInput,
            "l'adresse de l'ENT n'est pas valide (exemple : https://ent.exemple.fr)",
        )
    }

    /// The core's kind, in the sign-in screen's words where they differ from an action's.
    pub fn from_error(error: &messagerie_core::Error) -> Self {
        use messagerie_core::ErrorKind as K;
        tracing::warn!(%error, "sign-in failed");
        let mut failure = CommandError::from_ref(error);
        match error.kind() {
            K::Offline => {
                failure.message = "le serveur ne répond pas ; vérifiez l'adresse et votre \
                                   connexion à Internet"
                    .into()
            }
            K::BadAnswer | K::NotAllowed => {
                failure.message =
                    "cette adresse ne semble pas être celle d'un ENT ; vérifiez-la".into()
            }
            _ => {}
        }
        Self::Failed { error: failure }
    }
}

/// Where an account's store lives: `accounts/<its id>` ([`crate::state::store_dir_name`]; demo
/// accounts keep one place although the demo ENT gets a new port at each start).
fn core_account(state: &AppState, ent_url: &str, login: &str, demo: bool) -> Account {
    Account {
        base_url: ent_url.to_string(),
        login: login.to_string(),
        dir: state
            .data_root
            .join("accounts")
            .join(crate::state::store_dir_name(ent_url, login, demo)),
    }
}

/// Where an account opened or signed in goes among the open accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Added (or replacing itself) and shown: a sign-in of the window.
    Shown,
    /// Added (or replacing itself) without changing the shown one: the accounts opened at start.
    Beside,
    /// Replacing itself only while it is still open: the sign-in behind the window, which must
    /// not bring back an account removed meanwhile.
    Instead,
}

/// Opens the account's store, signs in, and places it among the open accounts.
pub async fn sign_in(
    app: &AppHandle,
    ent_url: &str,
    login: &str,
    proof: Proof,
    demo: bool,
    place: Place,
) -> Result<AccountInfo, messagerie_core::Error> {
    let account = core_account(app.state::<AppState>().inner(), ent_url, login, demo);
    let mailbox = open(app, account).await?;
    mailbox.sign_in_with(proof).await?;
    let account = account_info(&mailbox, demo).await?;
    install(app, mailbox, account.clone(), place).await;
    Ok(account)
}

/// A remembered account is on screen (or in the switcher) from its local copy; signing in
/// happens behind it (offline, it fails quietly and the status line says « hors ligne »; a
/// kept session the ENT no longer holds shows the « session expirée » banner through the sync
/// that fails). The shown account stays the shown one.
pub fn sign_in_behind(app: &AppHandle, last: LastAccount, proof: Proof) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let ent_url = if last.demo {
            match demo_ent(&app.state::<AppState>()).await {
                Ok(url) => url,
                Err(error) => {
                    tracing::warn!(%error, "cannot start the demo ENT");
                    return;
                }
            }
        } else {
            last.ent_url.clone()
        };
        let id = crate::state::account_id(&last);
        if app
            .state::<AppState>()
            .accounts
            .read()
            .await
            .get(&id)
            .is_none()
        {
            tracing::info!("the account was removed before signing in behind the window");
            return;
        }
        let place = Place::Instead;
        if let Err(error) = sign_in(&app, &ent_url, &last.login, proof, last.demo, place).await {
            tracing::warn!(%error, "signing in again behind the window failed");
        }
    });
}

/// How long opening an account waits for this app's previous holder of its folder (the tasks
/// of an account just closed) to let go of the lock.
const LOCK_PATIENCE: Duration = Duration::from_secs(5);
const LOCK_POLL: Duration = Duration::from_millis(100);

/// The mailbox of `account`: the open one when it is the same account on the same ENT (the
/// sign-in behind a window opened from the local copy). When the open one uses the same folder
/// on another address (the demo ENT gets a new port at each start), it is closed and the new
/// one takes its place at once, before the sign-in, so that the window's commands wait for the
/// swap instead of finding no account. The folder's lock refuses a second holder, so a window
/// and a command never replay one queue. The other open accounts are left as they are.
async fn open(app: &AppHandle, account: Account) -> Result<Mailbox, messagerie_core::Error> {
    let state = app.state::<AppState>();
    let mut accounts = state.accounts.write().await;
    let Some(at) = accounts
        .open
        .iter()
        .position(|c| c.mailbox.account().dir == account.dir)
    else {
        drop(accounts);
        return open_waiting(account).await;
    };
    let open = &mut accounts.open[at];
    if open.mailbox.account().base_url == account.base_url {
        return Ok(open.mailbox.clone());
    }
    open.stop_tasks().await;
    let mailbox = open_waiting(account).await?;
    accounts.open[at].mailbox = mailbox.clone();
    Ok(mailbox)
}

/// Opens a mailbox, waiting a little for a holder of its folder in this app to let go (a
/// command of the account just closed may still hold a copy for a moment).
async fn open_waiting(account: Account) -> Result<Mailbox, messagerie_core::Error> {
    let deadline = tokio::time::Instant::now() + LOCK_PATIENCE;
    loop {
        match Mailbox::open(account.clone()).await {
            Err(e) if e.is_mailbox_in_use() && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(LOCK_POLL).await;
            }
            other => return other,
        }
    }
}

/// Opens a remembered account from its store alone, without the ENT: the window shows the
/// cached mail at once and the sign-in happens behind it. A session the `proof` holds is handed
/// to the client before the first sync, which then needs no sign-in.
pub async fn reopen(
    app: &AppHandle,
    last: &LastAccount,
    proof: &Proof,
    place: Place,
) -> Option<AccountInfo> {
    let state = app.state::<AppState>();
    let mailbox = Mailbox::open(core_account(&state, &last.ent_url, &last.login, last.demo))
        .await
        .inspect_err(|error| tracing::warn!(%error, "cannot open a remembered account"))
        .ok()?;
    // An account that never signed in has nothing to show.
    mailbox.user().await.ok()??;
    let account = account_info(&mailbox, last.demo).await.ok()?;
    mailbox.prepare_offline(proof).await;
    install(app, mailbox, account.clone(), place).await;
    Some(account)
}

async fn account_info(mailbox: &Mailbox, demo: bool) -> messagerie_core::Result<AccountInfo> {
    let (_, name) = mailbox.user().await?.unwrap_or_default();
    let account = mailbox.account();
    Ok(AccountInfo {
        id: crate::state::store_dir_name(&account.base_url, &account.login, demo),
        ent_url: account.base_url.clone(),
        login: account.login.clone(),
        display_name: if name.is_empty() {
            account.login.clone()
        } else {
            name
        },
        profile: None,
        demo,
        store_recovery: mailbox.store_recovery().cloned(),
        remembered: None,
        signed_in_with: None,
    })
}

/// Places `mailbox` among the open accounts as `place` says (shown too when none is): forwards
/// its events to the window, each tagged with the account, syncs now and then on an interval,
/// sends what is scheduled. The same account open before is replaced, its tasks stopped; the
/// other accounts keep theirs.
async fn install(app: &AppHandle, mailbox: Mailbox, account: AccountInfo, place: Place) {
    let state = app.state::<AppState>();
    if place == Place::Instead && state.accounts.read().await.get(&account.id).is_none() {
        tracing::info!("the account was removed while it signed in behind the window");
        return;
    }
    let id = account.id.clone();
    let mut tasks = vec![
        events::forward(app.clone(), mailbox.clone(), id.clone()),
        events::sync_periodically(
            app.clone(),
            mailbox.clone(),
            id.clone(),
            crate::settings::state(app).get().sync_interval(),
        ),
        // « Envoyer plus tard »: what fell due while the app was closed leaves now, the rest
        // at its time.
        tauri::async_runtime::JoinHandle::Tokio(mailbox.spawn_scheduled_sends()),
    ];
    if let Some(login) = colleague_writes_to(&account) {
        tasks.push(colleague_writes(app.clone(), mailbox.clone(), login));
    }
    let current = Current {
        id: id.clone(),
        mailbox,
        account,
        tasks,
    };
    let mut accounts = state.accounts.write().await;
    match accounts.get_mut(&id) {
        // Dropping the one replaced stops its tasks.
        Some(open) => *open = current,
        // Removed between the check above and now: its tasks stop as `current` drops.
        None if place == Place::Instead => return,
        None => accounts.open.push(current),
    }
    if place == Place::Shown || accounts.shown().is_none() {
        accounts.shown = Some(id);
    }
}

/// The embedded demo ENT of this run, and what it does by itself.
pub struct DemoEnt {
    server: ent_server::ServerHandle,
    /// When it started, on the app's clock (`messagerie_core::clock`).
    started_ms: i64,
    /// The colleague has written during this run.
    colleague_wrote: bool,
}

/// How long after the demo ENT starts a colleague writes, on the app's clock: a test moves it
/// with `debug_advance_clock` instead of waiting.
const COLLEAGUE_DELAY_MS: i64 = 60_000;
/// How often the task that waits for the colleague looks at the app's clock.
const COLLEAGUE_POLL_MS: i64 = 500;

/// Starts the embedded demo ENT (once per run) and returns its address. Its data stays in the
/// app's data directory, so what the user did in the demo is still there after a restart; the
/// first start of that directory writes a year of mail dated back from now (ent-server's
/// `demo::year`), and only there: the demo's mail lives in `demo-ent/` and in the demo
/// accounts' stores (`accounts/demo_<login>`), never in a real account's.
pub async fn demo_ent(state: &AppState) -> anyhow::Result<String> {
    let mut demo = state.demo.lock().await;
    if let Some(running) = demo.as_ref() {
        return Ok(running.server.base_url());
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let started_ms = messagerie_core::clock::now_ms();
    let server = ent_server::start(
        listener,
        ent_server::Config::demo_year(state.data_root.join("demo-ent"), started_ms),
    )
    .await?;
    let url = server.base_url();
    tracing::info!(%url, "demo ENT started");
    *demo = Some(DemoEnt {
        server,
        started_ms,
        colleague_wrote: false,
    });
    Ok(url)
}

/// Whom the demo's colleague writes to: the demo account's user; nobody for a real account.
fn colleague_writes_to(account: &AccountInfo) -> Option<String> {
    account.demo.then(|| account.login.clone())
}

/// « Une école qui vit »: a minute after the demo ENT started (on the app's clock), a colleague
/// writes to `login` on the demo ENT, once per run, and the mailbox syncs at once, so that the
/// notification and the list show the new message. Ends at once when no demo ENT runs; stops
/// with the account's other tasks.
fn colleague_writes(app: AppHandle, mailbox: Mailbox, login: String) -> JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        loop {
            let due = match state.demo.lock().await.as_ref() {
                Some(demo) if !demo.colleague_wrote => demo.started_ms + COLLEAGUE_DELAY_MS,
                _ => return,
            };
            let wait = due - messagerie_core::clock::now_ms();
            if wait <= 0 {
                break;
            }
            let wait = wait.min(COLLEAGUE_POLL_MS).unsigned_abs();
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
        let mut demo = state.demo.lock().await;
        let Some(demo) = demo.as_mut().filter(|d| !d.colleague_wrote) else {
            return;
        };
        // Once per run, even if it fails.
        demo.colleague_wrote = true;
        match demo.server.demo_colleague_writes(&login).await {
            Ok(_) => mailbox.request_sync(),
            Err(error) => tracing::warn!(
                error = format!("{error:#}"),
                "the demo's colleague could not write"
            ),
        }
    })
}

pub fn demo_password() -> Secret {
    Secret::new(DEMO_PASSWORD)
}

/// Runs a blocking call (the OS keyring speaks D-Bus, files wait on the disk) off the async
/// runtime's threads; `None` only if it panicked.
pub async fn blocking<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(call)
        .await
        .inspect_err(|error| tracing::error!(%error, "a keyring or file task failed"))
        .ok()
}

/// What the keyring and the settings hold for the remembered account `last`
/// (see [`Proof::at_startup`]): the demo signs in with the demo's password.
pub async fn kept(state: &AppState, last: &LastAccount) -> Option<Proof> {
    if last.demo {
        return Some(Proof::Password {
            password: demo_password(),
            remember: false,
        });
    }
    let (ent_url, login, remembered) = (last.ent_url.clone(), last.login.clone(), last.remembered);
    let data_root = state.data_root.clone();
    let kept = blocking(move || Kept {
        password: remembered
            .then(|| secrets::saved_password(&ent_url, &login))
            .flatten(),
        session: secrets::saved_session(&ent_url, &login),
        connector: connector::configured(&data_root, &ent_url),
    })
    .await?;
    Proof::at_startup(kept)
}

/// Keeps the password for the next start (see `messagerie_core::secrets`).
pub async fn save_password(ent_url: &str, login: &str, password: &Secret) -> Remembered {
    let (ent_url, login, password) = (ent_url.to_string(), login.to_string(), password.clone());
    blocking(move || secrets::save_password(&ent_url, &login, &password))
        .await
        .unwrap_or(Remembered::No)
}

/// After a sign-in with a password: « Se souvenir de moi » keeps it in the keyring, the
/// window is told where (it says when it will be forgotten), and the account is the one the
/// next start opens (and shows).
pub async fn keep_password(
    state: &AppState,
    mut account: AccountInfo,
    password: &Secret,
    remember: bool,
) -> AccountInfo {
    let kept = if remember {
        Some(save_password(&account.ent_url, &account.login, password).await)
    } else {
        None
    };
    account.remembered = kept;
    account.signed_in_with = Some(SignInMethod::Password);
    state
        .note_remembered(&account.id, kept, SignInMethod::Password)
        .await;
    state
        .remember_account(
            LastAccount {
                ent_url: account.ent_url.clone(),
                login: account.login.clone(),
                demo: false,
                remembered: kept.is_some_and(|k| k != Remembered::No),
            },
            true,
        )
        .await;
    account
}

/// Keeps the ENT session of an SSO sign-in for the next start (see `messagerie_core::secrets`),
/// and the connector given under « Options avancées » once the ENT took it.
pub async fn save_session(
    ent_url: &str,
    login: &str,
    session: &Session,
    connector: Option<OAuthClient>,
) -> Remembered {
    let (ent_url, login, session) = (ent_url.to_string(), login.to_string(), session.clone());
    blocking(move || {
        if let Some(oauth) = &connector {
            secrets::save_connector(&ent_url, oauth);
        }
        secrets::save_session(&ent_url, &login, &session)
    })
    .await
    .unwrap_or(Remembered::No)
}

/// « Se reconnecter »: the new session replaces the kept one, only where one was kept.
pub async fn replace_kept_session(ent_url: &str, login: &str, session: &Session) {
    let (ent_url, login, session) = (ent_url.to_string(), login.to_string(), session.clone());
    blocking(move || secrets::replace_kept_session(&ent_url, &login, &session)).await;
}

/// Sign-out: the password and the session leave the keyring.
pub async fn forget_secrets(ent_url: &str, login: &str) {
    let (ent_url, login) = (ent_url.to_string(), login.to_string());
    blocking(move || {
        secrets::forget_password(&ent_url, &login);
        secrets::forget_session(&ent_url, &login);
    })
    .await;
}

/// Where the app keeps its data: `MESSAGERIE_DATA_DIR`, else the platform's per-user data
/// directory (a separate one for debug builds, so development never touches real mail).
/// Never a shared temporary folder: without a home folder the app says so and stops.
pub fn data_root() -> Result<PathBuf, NoDataDir> {
    if let Some(dir) = std::env::var_os("MESSAGERIE_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let app = if cfg!(debug_assertions) {
        "messagerie-dev"
    } else {
        "messagerie"
    };
    directories::ProjectDirs::from("fr", "messagerie", app)
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(NoDataDir)
}

/// The platform gave no per-user data folder (no home folder).
#[derive(Debug, thiserror::Error)]
#[error("no per-user data folder (is HOME set?); set MESSAGERIE_DATA_DIR to a private folder")]
pub struct NoDataDir;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_password_and_an_unreachable_server_get_different_messages() {
        let wrong = SignInResult::from_error(&messagerie_core::Error::Api(
            messagerie_core::client::ApiError::BadCredentials { reason: None },
        ));
        let json = serde_json::to_value(&wrong).unwrap();
        assert_eq!(json["kind"], "failed");
        assert_eq!(json["error"]["kind"], "badCredentials");
    }

    #[test]
    fn an_address_that_is_not_an_ents_keeps_the_cores_kind_in_the_sign_in_words() {
        let not_an_ent = SignInResult::from_error(&messagerie_core::Error::Api(
            messagerie_core::client::ApiError::BadAnswer {
                what: "GET /auth/oauth2/userinfo".into(),
                detail: "html".into(),
            },
        ));
        let json = serde_json::to_value(&not_an_ent).unwrap();
        assert_eq!(json["error"]["kind"], "badAnswer");
        assert!(json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("pas être celle d'un ENT"));
    }

    #[test]
    fn a_password_not_kept_is_said_in_the_sign_in_answer() {
        let mut account = AccountInfo::marie("https://ent.example");
        let json = serde_json::to_value(SignInResult::SignedIn {
            account: account.clone(),
        })
        .unwrap();
        assert!(json["account"].get("remembered").is_none());
        account.remembered = Some(Remembered::No);
        let json = serde_json::to_value(SignInResult::SignedIn {
            account: account.clone(),
        })
        .unwrap();
        assert_eq!(json["kind"], "signedIn");
        assert_eq!(json["account"]["remembered"], "no");
        assert!(json["account"].get("signedInWith").is_none());
        let sso = AccountInfo {
            signed_in_with: Some(crate::state::SignInMethod::EntPage),
            ..account
        };
        let json = serde_json::to_value(SignInResult::SignedIn { account: sso }).unwrap();
        assert_eq!(json["account"]["signedInWith"], "entPage");
    }

    #[test]
    fn the_demo_s_colleague_writes_to_the_demo_account_and_never_to_a_real_one() {
        let mut account = AccountInfo::marie("https://ent.example");
        assert_eq!(colleague_writes_to(&account), None);
        account.demo = true;
        assert_eq!(
            colleague_writes_to(&account).as_deref(),
            Some("marie.durand")
        );
    }

    #[test]
    fn demo_roles_sign_in_as_a_teacher_a_pupil_and_a_parent_of_the_demo_school() {
        let logins = [DemoRole::Teacher, DemoRole::Pupil, DemoRole::Parent].map(DemoRole::login);
        let school = ent_directory::Directory::demo();
        for login in logins {
            assert!(
                school.user_by_login(login).is_some(),
                "{login} is not in the demo school"
            );
        }
    }
}
