//! The facade the app, the CLI and the tests drive: one account's mailbox.
//!
//! Reads come from the store only, so everything works offline. Actions change the store at
//! once and queue what the ENT must be told ([`crate::queue`]); [`Mailbox::sync`] replays the
//! queue, then pulls. Changes are announced on [`Mailbox::events`] in batches.

pub mod actions;
pub mod compose;
pub mod folder;
pub mod images;
pub mod listing;
pub mod recall;
pub(crate) mod replay;
pub mod signature;
pub mod thread;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, Mutex};

use crate::attachment;
use crate::body::SafeBody;
use crate::client::{self, Client, SignIn};
use crate::error::{Error, ErrorKind, Result};
use crate::lock::AccountLock;
use crate::message::{self, Attachment, Message, MessageSummary};
use crate::private;
use crate::recipients::{self, Visible};
use crate::search::{self, SearchHit, SearchQuery};
use crate::session::{Credentials, OAuthClient, Proof, Session};
use crate::store::{self, Store};
use crate::sync::{self, SyncMode, SyncReport};

pub use folder::Folder;
pub use replay::FlushReport;
pub use thread::ConversationSummary;

/// How long signing out waits for the ENT to end the session (offline, it ends only here).
const LOGOUT_PATIENCE: Duration = Duration::from_secs(5);

/// Capacity of the event channel; a slow listener misses old events, never blocks the sync.
const EVENT_CAPACITY: usize = 256;

/// Which ENT and which user: one store per account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub base_url: String,
    pub login: String,
    /// Where the account's database and cached files live.
    pub dir: PathBuf,
}

impl Account {
    /// An account stored in the platform data directory (`~/.local/share/messagerie/...`).
    /// Debug builds use a separate directory, so development never touches real mail.
    pub fn in_data_dir(base_url: &str, login: &str) -> Result<Self> {
        let app = if cfg!(debug_assertions) {
            "messagerie-dev"
        } else {
            "messagerie"
        };
        let dirs =
            directories::ProjectDirs::from("fr", "messagerie", app).ok_or(Error::NoDataDir)?;
        Ok(Self::in_dir(dirs.data_dir(), base_url, login))
    }

    /// An account under `root` (tests, portable installs).
    pub fn in_dir(root: &Path, base_url: &str, login: &str) -> Self {
        let host = base_url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let name: String = format!("{host}_{login}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Self {
            base_url: base_url.to_string(),
            login: login.to_string(),
            dir: root.join(name),
        }
    }

    pub fn database_path(&self) -> PathBuf {
        self.dir.join("mailbox.sqlite")
    }
}

/// A message opened in the reading pane ([`Mailbox::open_message`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedMessage {
    /// The message, without its raw body (`body` is always `None` here).
    pub message: Message,
    /// The body made safe, its links and whether it shows remote images; `None` until the
    /// body is downloaded.
    pub body: Option<SafeBody>,
    /// Why the body is missing, when asking the ENT for it now failed: offline, it comes with
    /// the next sync; otherwise the ENT would not give it (an answer too large or unreadable,
    /// a refusal), which the reading pane says rather than "not downloaded yet".
    pub body_error: Option<ErrorKind>,
}

/// Unsent work of the user, only in the local copy (see [`Mailbox::unsent`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Unsent {
    /// Messages the user sent that have not left yet.
    pub messages: u32,
    /// Drafts written or changed here that the ENT does not have yet (not counting the
    /// messages above).
    pub drafts: u32,
}

impl Unsent {
    fn of<'a>(actions: impl Iterator<Item = &'a crate::queue::Action>) -> Self {
        use crate::queue::Action;
        use std::collections::BTreeSet;
        let (mut sends, mut drafts) = (BTreeSet::new(), BTreeSet::new());
        for action in actions {
            match action {
                Action::Send { id, .. } => {
                    sends.insert(id.as_str());
                }
                Action::SaveDraft { id, .. } => {
                    drafts.insert(id.as_str());
                }
                _ => {}
            }
        }
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            messages: count(sends.len()),
            drafts: count(drafts.difference(&sends).count()),
        }
    }

    /// Nothing would be lost.
    pub fn is_empty(&self) -> bool {
        self.messages == 0 && self.drafts == 0
    }
}

/// What the mailbox tells its listeners. Batched: one event per sync step, never per row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Event {
    /// Sync progress within a folder (`bodies` for the body download).
    Progress {
        folder: String,
        done: u32,
        total: u32,
    },
    /// Messages that arrived in the inbox since the last sync and are unread.
    NewMail { messages: Vec<MessageSummary> },
    /// Unread count per folder.
    UnreadCounts { counts: Vec<(String, u32)> },
    /// Whether the ENT answers.
    Connectivity { online: bool },
    /// Messages changed in the store (by the sync or an action).
    MessagesChanged { ids: Vec<String> },
    /// Folders changed.
    FoldersChanged,
    /// A folder made here reached the ENT and took the ENT's id (`from` is the local one): a
    /// window showing it follows it instead of losing it.
    FolderRenamed { from: String, to: String },
    /// The ENT refused a queued action; the local change was undone.
    ActionRefused { action: String, reason: String },
    /// The ENT delivered a message: its send report (display names of recipients whose account
    /// is not activated yet, and of those it could not deliver to).
    Sent {
        id: String,
        inactive: Vec<String>,
        undelivered: Vec<String>,
    },
    /// A scheduled message (« Envoyer plus tard ») left well after its time (`due`, epoch
    /// milliseconds), because the app was not running or the ENT not answering then.
    SentLate {
        id: String,
        #[ts(type = "number")]
        due: i64,
    },
    /// The signature changed (set here); the composer takes the new one.
    SignatureChanged,
    /// The messages with actions the ENT has not confirmed yet (the whole set), after an action
    /// was queued or taken back and after a replay confirmed or refused some.
    PendingChanged { message_ids: Vec<String> },
    /// A part of the sync failed; the rest went on.
    SyncError {
        error_kind: ErrorKind,
        message: String,
    },
    /// The ENT sends every call to a page where the user must act first (new terms of use, an
    /// e-mail address or a second factor to confirm): `url` is that page. Queued actions wait.
    ActionNeeded { url: String },
    /// A queued attachment is going up to the ENT: `sent` bytes of `total`, told every few
    /// percent and at the end. The ids are the ones `add_attachment` gave.
    UploadProgress {
        message_id: String,
        attachment_id: String,
        #[ts(type = "number")]
        sent: u64,
        #[ts(type = "number")]
        total: u64,
    },
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) client: Client,
    pub(crate) events: broadcast::Sender<Event>,
    pub(crate) sync_lock: Mutex<()>,
    pub(crate) account: Account,
    /// A fetch of the recipient list is under way (one at a time, however fast the typing).
    pub(crate) recipients_fetching: AtomicBool,
    /// This instance's name on the queue entries it replays (see `queue::claim`).
    pub(crate) replayer: crate::queue::Claimant,
    /// The largest attachment downloaded, in bytes.
    pub(crate) download_limit: AtomicU64,
    /// See [`Mailbox::set_stall_timeout`].
    pub(crate) stall_timeout_ms: std::sync::atomic::AtomicU64,
    /// See [`Mailbox::set_late_after`].
    pub(crate) late_after_ms: AtomicU64,
    /// A pass asked for by the user ([`Mailbox::request_sync`]), for the periodic task.
    pub(crate) sync_asked: tokio::sync::Notify,
    /// The periodic task's period, in milliseconds ([`Mailbox::set_sync_interval`]).
    pub(crate) sync_interval_ms: AtomicU64,
    /// The period changed: the periodic task starts waiting again with the new one.
    pub(crate) sync_interval_changed: tokio::sync::Notify,
    /// No other process (nor another `Mailbox` here) uses this account folder while it is held.
    _lock: AccountLock,
}

impl Inner {
    pub(crate) fn emit(&self, event: Event) {
        // No listener is fine.
        let _ = self.events.send(event);
    }

    /// Tells listeners when the ENT asks the user to act on one of its pages.
    pub(crate) fn announce_action_needed(&self, error: &Error) {
        if let Some(url) = error.action_page() {
            self.emit(Event::ActionNeeded {
                url: url.to_string(),
            });
        }
    }

    /// Tells listeners which messages now have actions the ENT has not confirmed: after an
    /// action is queued, taken back, or replayed.
    pub(crate) async fn announce_pending(&self) -> Result<()> {
        let now = crate::clock::now_ms();
        let ids = self
            .store
            .read(move |c| crate::queue::unconfirmed_message_ids(c, now))
            .await?;
        self.emit(Event::PendingChanged {
            message_ids: ids.into_iter().collect(),
        });
        Ok(())
    }

    pub(crate) async fn user_id(&self) -> Result<String> {
        let id = self.store.read(|c| store::get_meta(c, "user_id")).await?;
        id.ok_or_else(|| Error::InvalidInput("the account has never signed in".into()))
    }
}

/// One account's mailbox. Cheap to clone.
#[derive(Clone)]
pub struct Mailbox {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("account", &self.inner.account)
            .finish()
    }
}

impl Mailbox {
    /// Opens the account's store (creating and migrating it) and a client of its ENT.
    ///
    /// Takes the account folder's lock first, for as long as this mailbox (or a clone) lives:
    /// a second open of the same folder, in this process or another, fails with
    /// [`crate::lock::LockError::InUse`], so two processes never replay one queue. Makes the folder and
    /// everything in it private to the user (repairing what older versions left readable). A
    /// damaged store is set aside and replaced ([`Mailbox::store_recovery`]).
    #[tracing::instrument(skip_all, err)]
    pub async fn open(account: Account) -> Result<Self> {
        let dir = account.dir.clone();
        let lock = tokio::task::spawn_blocking(move || -> Result<AccountLock> {
            let lock = AccountLock::acquire(&dir)?;
            private::restrict_tree(&dir).map_err(|source| Error::File {
                path: dir.display().to_string(),
                source,
            })?;
            Ok(lock)
        })
        .await
        .map_err(|_| store::StoreError::TaskFailed)??;
        let store = Store::open_async(account.database_path()).await?;
        let client = Client::new(&account.base_url)?;
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                client,
                events,
                sync_lock: Mutex::new(()),
                account,
                recipients_fetching: AtomicBool::new(false),
                replayer: crate::queue::Claimant::new(),
                download_limit: AtomicU64::new(attachment::MAX_DOWNLOAD_BYTES),
                stall_timeout_ms: std::sync::atomic::AtomicU64::new(
                    sync::engine::STALL_TIMEOUT.as_millis() as u64,
                ),
                sync_asked: tokio::sync::Notify::new(),
                sync_interval_ms: AtomicU64::new(60_000),
                sync_interval_changed: tokio::sync::Notify::new(),
                late_after_ms: AtomicU64::new(compose::LATE_AFTER_MS.unsigned_abs()),
                _lock: lock,
            }),
        })
    }

    /// What was done at open with a damaged store, for the app to tell the user.
    pub fn store_recovery(&self) -> Option<&store::Recovery> {
        self.inner.store.recovery()
    }

    /// The user's work that only this computer has: messages queued for sending and drafts
    /// not yet saved on the ENT. Erasing the local copy loses them; the app says how many.
    pub async fn unsent(&self) -> Result<Unsent> {
        let entries = self.inner.store.read(crate::queue::all).await?;
        Ok(Unsent::of(entries.iter().map(|e| &e.action)))
    }

    /// Signs out of the ENT: ends the session there (`GET /auth/logout`, as entcore's own
    /// pages do: auth/.../AuthController.java `@Get("/logout")`), and forgets the session and
    /// the password here. Best effort on the ENT: offline, the session only ends here.
    #[tracing::instrument(skip_all)]
    pub async fn sign_out(&self) {
        let client = &self.inner.client;
        // Never sign in again to sign out.
        client.set_sign_in(SignIn::default()).await;
        match tokio::time::timeout(LOGOUT_PATIENCE, client::auth::logout(client)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "the ENT did not confirm the sign-out"),
            Err(_) => tracing::warn!("the ENT did not answer the sign-out in time"),
        }
        client.set_session(None).await;
    }

    /// The account.
    pub fn account(&self) -> &Account {
        &self.inner.account
    }

    /// The store (benchmarks and tools).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The ENT client.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// Signs in with a login and password (OAuth2 when `oauth` is given, the login form
    /// otherwise), remembers them to sign in again when the session expires, and records who
    /// the user is. Returns the session, for the caller to keep in the OS keyring.
    #[tracing::instrument(skip_all, err)]
    pub async fn sign_in(
        &self,
        credentials: Credentials,
        oauth: Option<OAuthClient>,
    ) -> Result<Session> {
        let client = &self.inner.client;
        let session = match &oauth {
            Some(o) => client::auth::password_grant(client, o, &credentials).await?,
            None => client::auth::login_form(client, &credentials).await?,
        };
        client.set_session(Some(session.clone())).await;
        client
            .set_sign_in(SignIn {
                credentials: Some(credentials),
                oauth,
            })
            .await;
        self.record_user().await?;
        Ok(session)
    }

    /// Uses a ready-made session (saved earlier, or from the ENT's login page after an SSO).
    /// When it expires, sync reports `SessionExpired`.
    #[tracing::instrument(skip_all, err)]
    pub async fn use_session(&self, session: Session) -> Result<()> {
        self.inner.client.set_session(Some(session)).await;
        self.record_user().await
    }

    /// Signs in with whatever the account proves itself with ([`Proof`]): a password (the
    /// ENT's long session when `remember`), a kept session, or a connector's bearer session
    /// (the connector set first, so that an access token past its hour is refreshed by the
    /// first call). The window's sign-in, its startup and « Se reconnecter » all go here.
    #[tracing::instrument(skip_all, err)]
    pub async fn sign_in_with(&self, proof: Proof) -> Result<()> {
        let client = &self.inner.client;
        match proof {
            Proof::Password { password, remember } => {
                client.set_remember_me(remember);
                let credentials = Credentials {
                    login: self.inner.account.login.clone(),
                    password,
                };
                self.sign_in(credentials, None).await.map(drop)
            }
            Proof::Session(session) => self.use_session(session).await,
            Proof::Connector { session, oauth } => {
                client
                    .set_sign_in(SignIn {
                        credentials: None,
                        oauth: Some(oauth),
                    })
                    .await;
                self.use_session(session).await
            }
        }
    }

    /// « Se reconnecter » after the ENT ended the session: signs this account in again with
    /// `proof`, taken for `login` (who the ENT says signed in on its page). Refused, leaving
    /// everything as it was, when that is another user: the store is this account's.
    #[tracing::instrument(skip_all, err)]
    pub async fn sign_in_again_as(&self, login: &str, proof: Proof) -> Result<()> {
        if login != self.inner.account.login {
            return Err(Error::NotTheOpenAccount {
                login: login.to_string(),
            });
        }
        self.sign_in_with(proof).await
    }

    /// Hands the client what it may use before the ENT answers ([`Proof::offline_parts`]):
    /// the account opened from its store at startup syncs without signing in first.
    pub async fn prepare_offline(&self, proof: &Proof) {
        let (session, oauth) = proof.offline_parts();
        let client = &self.inner.client;
        if session.is_some() {
            client.set_session(session).await;
        }
        if oauth.is_some() {
            client
                .set_sign_in(SignIn {
                    credentials: None,
                    oauth,
                })
                .await;
        }
    }

    async fn record_user(&self) -> Result<()> {
        let info = client::auth::userinfo(&self.inner.client).await?;
        if info.user_id.is_empty() {
            return Err(client::ApiError::BadAnswer {
                what: "GET /auth/oauth2/userinfo".into(),
                detail: "no userId".into(),
            }
            .into());
        }
        let (id, name) = (info.user_id.clone(), info.username.clone());
        self.inner
            .store
            .write(move |tx| {
                store::set_meta(tx, "user_id", &id)?;
                store::set_meta(tx, "user_name", &name)
            })
            .await?;
        recall::refresh_recall_conf(&self.inner, &info).await?;
        Ok(())
    }

    /// The user's id and display name, once signed in.
    pub async fn user(&self) -> Result<Option<(String, String)>> {
        Ok(self
            .inner
            .store
            .read(|c| {
                let id = store::get_meta(c, "user_id")?;
                let name = store::get_meta(c, "user_name")?.unwrap_or_default();
                Ok(id.map(|id| (id, name)))
            })
            .await?)
    }

    /// Listens to what the mailbox does.
    pub fn events(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// Replays queued actions, then brings the store in step with the ENT.
    pub async fn sync(&self, mode: SyncMode) -> Result<SyncReport> {
        sync::engine::run(&self.inner, mode).await
    }

    /// The mailbox's one sync timer: a quick pass at once, then every `interval` after the
    /// previous pass ended, and one as soon as [`Mailbox::request_sync`] asks (the window on
    /// focus, F5, « Actualiser »). Asks that come during a pass make one more pass, not one
    /// each. Each pass's outcome goes to `on_pass`. [`Mailbox::set_sync_interval`] changes the
    /// period while it runs. Runs until the handle is aborted.
    pub fn spawn_periodic_sync(
        &self,
        interval: Duration,
        on_pass: impl Fn(Result<SyncReport>) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        self.store_sync_interval(interval);
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                on_pass(me.sync(SyncMode::Quick).await);
                loop {
                    let period = me.sync_interval();
                    tokio::select! {
                        () = tokio::time::sleep(period) => break,
                        () = me.inner.sync_asked.notified() => break,
                        // Wait again, the new period counted from the change.
                        () = me.inner.sync_interval_changed.notified() => {}
                    }
                }
            }
        })
    }

    /// The period of the sync timer ([`Mailbox::spawn_periodic_sync`]).
    pub fn sync_interval(&self) -> Duration {
        Duration::from_millis(self.inner.sync_interval_ms.load(Ordering::Relaxed))
    }

    /// Changes the period of the running sync timer (the setting « Relever le courrier »): the
    /// timer waits again, so the next pass comes `interval` after this call (or after the pass
    /// under way). Less than a second counts as one second.
    pub fn set_sync_interval(&self, interval: Duration) {
        self.store_sync_interval(interval);
        self.inner.sync_interval_changed.notify_waiters();
    }

    fn store_sync_interval(&self, interval: Duration) {
        let ms = u64::try_from(interval.as_millis())
            .unwrap_or(u64::MAX)
            .max(1_000);
        self.inner.sync_interval_ms.store(ms, Ordering::Relaxed);
    }

    /// Asks the periodic task ([`Mailbox::spawn_periodic_sync`]) for a pass now; returns at
    /// once. Several asks before the pass starts make one pass.
    pub fn request_sync(&self) {
        self.inner.sync_asked.notify_one();
    }

    /// Replays the queue of local actions now.
    pub async fn flush_queue(&self) -> Result<FlushReport> {
        // One replay at a time (a sync replays too): two would send the same queued message.
        let _guard = self.inner.sync_lock.lock().await;
        let flushed = sync::engine::stall_guard(&self.inner, replay::flush(&self.inner)).await;
        if let Err(e) = &flushed {
            self.inner.announce_action_needed(e);
        }
        flushed
    }

    /// How long a sync (or a replay) may go without any progress before it is stopped with
    /// [`crate::client::ApiError::Stalled`] ([`sync::engine::STALL_TIMEOUT`] unless changed;
    /// tests shorten it).
    pub fn set_stall_timeout(&self, timeout: Duration) {
        let ms = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        self.inner
            .stall_timeout_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// How long after its time a scheduled message must leave to be told late
    /// ([`Event::SentLate`]; [`compose::LATE_AFTER_MS`] unless changed; tests shorten it).
    pub fn set_late_after(&self, after: Duration) {
        let ms = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
        self.inner.late_after_ms.store(ms, Ordering::Relaxed);
    }

    /// Number of actions waiting for the ENT.
    pub async fn pending_actions(&self) -> Result<u32> {
        Ok(self.inner.store.read(crate::queue::len).await?)
    }

    /// Ids of the messages with queued actions the ENT has not confirmed yet.
    pub async fn pending_message_ids(&self) -> Result<Vec<String>> {
        let now = crate::clock::now_ms();
        let ids = self
            .inner
            .store
            .read(move |c| crate::queue::unconfirmed_message_ids(c, now))
            .await?;
        Ok(ids.into_iter().collect())
    }

    /// Every folder with its counts.
    pub async fn folders(&self) -> Result<Vec<Folder>> {
        Ok(self.inner.store.read(folder::list_folders).await?)
    }

    /// A page of a folder, newest first.
    pub async fn list(
        &self,
        folder_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<MessageSummary>> {
        let folder_id = folder_id.to_string();
        Ok(self
            .inner
            .store
            .read(move |c| listing::page(c, &folder_id, offset, limit))
            .await?)
    }

    /// A whole message from the store, without marking it read.
    pub async fn message(&self, id: &str) -> Result<Message> {
        let key = self.current_id(Some(id)).await?;
        self.inner
            .store
            .read(move |c| message::get_message(c, &key))
            .await?
            .ok_or_else(|| Error::MessageNotFound(id.to_string()))
    }

    /// Opens a message as the user does: returns it and marks it read (queued for the ENT).
    ///
    /// A message whose body is not downloaded yet (the first sync is still on its way) is
    /// fetched now, ahead of the sync's queue: the request takes the next free slot of the
    /// client ([`client::pace`]) while the sync's own fetches wait their turn. Offline, the
    /// message comes without its body.
    pub async fn read(&self, id: &str) -> Result<Message> {
        Ok(self.read_why(id).await?.0)
    }

    /// [`Mailbox::read`], and why the body is missing if fetching it now failed.
    async fn read_why(&self, id: &str) -> Result<(Message, Option<ErrorKind>)> {
        let mut msg = self.message(id).await?;
        let mut body_error = None;
        if msg.body.is_none() && !crate::queue::is_local_id(&msg.summary.id) {
            match client::conversation::message(&self.inner.client, &msg.summary.id).await {
                Ok((_, body)) => {
                    self.inner
                        .store
                        .write(move |tx| message::store_body(tx, &body))
                        .await?;
                    msg = self.message(id).await?;
                }
                Err(error) => {
                    tracing::debug!(%error, "the body waits for the sync");
                    body_error = Some(error.kind());
                }
            }
        }
        if msg.summary.unread {
            self.set_unread(&[id.to_string()], false).await?;
            msg.summary.unread = false;
        }
        Ok((msg, body_error))
    }

    /// Opens a message for the reading pane: marks it read (as [`Mailbox::read`]) and returns
    /// its body made safe ([`crate::body::sanitize`]: the HTML, its links, whether it shows
    /// remote images). The raw body stays here: the returned message has none.
    pub async fn open_message(&self, id: &str) -> Result<OpenedMessage> {
        let (mut message, body_error) = self.read_why(id).await?;
        let body = message.body.take().map(|html| crate::body::sanitize(&html));
        Ok(OpenedMessage {
            message,
            body,
            body_error,
        })
    }

    /// « Afficher les images »: the message's body made safe, with its remote images fetched
    /// here and inlined as `data:` URLs (the window loads nothing from the web itself), and
    /// its ENT images too ([`Mailbox::body_with_ent_images`]).
    pub async fn body_with_remote_images(&self, id: &str) -> Result<String> {
        let message = self.message(id).await?;
        let html = crate::body::sanitize(message.body.as_deref().unwrap_or_default()).html;
        let html = crate::ent_images::inline_ent_images(self.client(), &html).await;
        Ok(crate::remote_images::inline_remote_images(&html).await)
    }

    /// Full-text search over every synced message.
    pub async fn search(&self, query: SearchQuery) -> Result<Vec<SearchHit>> {
        Ok(self
            .inner
            .store
            .read(move |c| search::search(c, &query))
            .await?)
    }

    /// Searches the cached recipients by the first letters of any part of their name.
    ///
    /// Answered from the store, so it works offline. A list never fetched is fetched first
    /// (offline: no suggestions, no error); one older than a day is fetched again in the
    /// background while the cached one answers.
    pub async fn recipients(&self, query: &str, limit: Option<u32>) -> Result<Vec<Visible>> {
        self.ensure_recipients().await?;
        let query = query.to_string();
        Ok(self
            .inner
            .store
            .read(move |c| recipients::search(c, &query, limit))
            .await?)
    }

    /// Downloads an attachment into the account's cache (or returns the cached file).
    pub async fn attachment_file(&self, message_id: &str, attachment_id: &str) -> Result<PathBuf> {
        self.attachment_file_with(message_id, attachment_id, &|_| {})
            .await
    }

    /// [`Mailbox::attachment_file`], telling `on_progress` how the download goes.
    ///
    /// A cached copy is trusted only if its size is the one the ENT declared (a crash or a
    /// full disk may have cut it). A download streams to a temporary file beside the cached
    /// one, is flushed to the disk, then renamed; files larger than the download limit
    /// ([`attachment::MAX_DOWNLOAD_BYTES`]) are refused before anything is fetched. A workspace
    /// document the body links is downloaded again each time online; offline, its last
    /// download is returned.
    pub async fn attachment_file_with(
        &self,
        message_id: &str,
        attachment_id: &str,
        on_progress: attachment::OnProgress<'_>,
    ) -> Result<PathBuf> {
        let att = self.attachment(message_id, attachment_id).await?;
        self.attachment_file_of(message_id, &att, on_progress).await
    }

    /// [`Mailbox::attachment_file_with`] for an attachment already found by
    /// [`Mailbox::attachment`] (a caller that needs its name too finds it once).
    #[tracing::instrument(skip(self, att, on_progress), fields(attachment = %att.id), err)]
    pub async fn attachment_file_of(
        &self,
        message_id: &str,
        att: &Attachment,
        on_progress: attachment::OnProgress<'_>,
    ) -> Result<PathBuf> {
        let attachment_id = att.id.as_str();
        // A size of 0 may mean "not declared" on some ENTs: then nothing is checked against it.
        let declared = u64::try_from(att.size).ok().filter(|s| *s > 0);
        if let Some(p) = &att.cached_path {
            let cached_len = tokio::fs::metadata(p).await.ok().map(|m| m.len());
            if cached_len.is_some() && cached_len == declared {
                return Ok(PathBuf::from(p));
            }
        }
        let limit = self.inner.download_limit.load(Ordering::Relaxed);
        if let Some(size) = declared.filter(|s| *s > limit) {
            return Err(Error::TooLarge { size, limit });
        }
        let dir = self
            .inner
            .account
            .dir
            .join("attachments")
            .join(safe_name(message_id));
        if is_linked_document(att) {
            return self
                .linked_document_file(&dir.join(safe_name(attachment_id)), att, on_progress)
                .await;
        }
        let path = dir.join(safe_name(&format!("{}-{}", attachment_id, att.filename)));
        create_dir(&dir).await?;
        let address = ent_protocol::paths::attachment(message_id, attachment_id);
        let download = self.inner.client.download(&address).await?;
        attachment::stream_to_file(download, &path, declared, limit, on_progress).await?;
        let (mid, aid, text) = (
            message_id.to_string(),
            attachment_id.to_string(),
            path.display().to_string(),
        );
        self.inner
            .store
            .write(move |tx| {
                tx.execute(
                    "UPDATE attachments SET cached_path = ?3 WHERE message_id = ?1 AND id = ?2",
                    [&mid, &aid, &text],
                )
                .map_err(|e| store::StoreError::sqlite("record a cached attachment", e))?;
                Ok(())
            })
            .await?;
        Ok(path)
    }

    /// A workspace document the body links or shows, downloaded into its own folder `dir`
    /// under the name the ENT gives it ([`crate::client::Download::filename`]; the link's text
    /// otherwise). Not an attachment of the store: it is fetched again each time it is opened
    /// online (its size is not known beforehand, and its owner may have changed it since);
    /// offline, its last download opens (the file is there only whole: a download is renamed
    /// into place once complete).
    async fn linked_document_file(
        &self,
        dir: &Path,
        att: &Attachment,
        on_progress: attachment::OnProgress<'_>,
    ) -> Result<PathBuf> {
        create_dir(dir).await?;
        adopt_earlier_download(dir, att).await;
        let download = match self.inner.client.download(&att.id).await {
            Ok(download) => download,
            Err(e) if e.kind() == crate::ErrorKind::Offline => {
                return last_download(dir).await.ok_or_else(|| e.into());
            }
            Err(e) => return Err(e.into()),
        };
        let name = download
            .filename()
            .map(|n| attachment::display_name(&n))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| att.filename.clone());
        let path = dir.join(safe_name(&name));
        let limit = self.inner.download_limit.load(Ordering::Relaxed);
        attachment::stream_to_file(download, &path, None, limit, on_progress).await?;
        // An earlier download under another name (renamed by its owner since) goes.
        if let Ok(mut entries) = tokio::fs::read_dir(dir).await {
            while let Ok(Some(entry)) = entries.next_entry().await {
                if entry.path() != path && !is_hidden(&entry.path()) {
                    let _ = tokio::fs::remove_file(entry.path()).await;
                }
            }
        }
        Ok(path)
    }

    /// An attachment of a message, as stored (its name as the window shows it), or a document
    /// of the ENT's workspace its body links ([`crate::body::SafeBody::documents`]): the window
    /// asks for nothing else.
    pub async fn attachment(&self, message_id: &str, attachment_id: &str) -> Result<Attachment> {
        let message = self.message(message_id).await?;
        let linked = || {
            crate::body::sanitize(message.body.as_deref().unwrap_or_default())
                .documents
                .into_iter()
                .find(|d| d.id == attachment_id)
        };
        message
            .attachments
            .iter()
            .find(|a| a.id == attachment_id)
            .cloned()
            .or_else(linked)
            .ok_or_else(|| {
                Error::InvalidInput(format!("no attachment {attachment_id} on {message_id}"))
            })
    }

    /// « Ouvrir »: the file (downloaded first when not cached) and what the app may do with
    /// it ([`attachment::decide`] on its name and first bytes).
    pub async fn attachment_to_open(
        &self,
        message_id: &str,
        attachment_id: &str,
        on_progress: attachment::OnProgress<'_>,
    ) -> Result<(PathBuf, attachment::Decision)> {
        let att = self.attachment(message_id, attachment_id).await?;
        let path = self
            .attachment_file_of(message_id, &att, on_progress)
            .await?;
        let file = path.clone();
        let head = tokio::task::spawn_blocking(move || attachment::read_head(&file))
            .await
            .map_err(|_| Error::InvalidInput("the file check task failed".into()))?
            .map_err(|source| Error::File {
                path: path.display().to_string(),
                source,
            })?;
        Ok((
            path.clone(),
            attachment::decide(&file_name_of(&att, &path), &head),
        ))
    }

    /// Sets the largest attachment this mailbox downloads ([`attachment::MAX_DOWNLOAD_BYTES`]
    /// unless changed; tests lower it).
    pub fn set_download_limit(&self, bytes: u64) {
        self.inner.download_limit.store(bytes, Ordering::Relaxed);
    }
}

/// Whether `att` is a document of the ENT's workspace a body links or shows: its id is its
/// address on the ENT ([`crate::body::SafeBody::documents`]).
fn is_linked_document(att: &Attachment) -> bool {
    att.id.starts_with('/')
}

/// The name of the attachment `att` downloaded to `path`: its own, or for a workspace document,
/// the name the ENT gave it, which names its file ([`Mailbox::attachment_file_of`]).
pub fn file_name_of(att: &Attachment, path: &Path) -> String {
    match path.file_name() {
        Some(name) if is_linked_document(att) => name.to_string_lossy().into_owned(),
        _ => att.filename.clone(),
    }
}

/// A workspace document downloaded by an earlier version, which stored it beside the message's
/// attachments as `{address}-{link text}`, moves into its folder `dir` under the link's text,
/// so that it still opens offline (and is replaced by the next download online).
async fn adopt_earlier_download(dir: &Path, att: &Attachment) {
    let Some(attachments) = dir.parent() else {
        return;
    };
    let earlier = attachments.join(safe_name(&format!("{}-{}", att.id, att.filename)));
    match tokio::fs::rename(&earlier, dir.join(safe_name(&att.filename))).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            tracing::warn!(error = %e, "an earlier download of a workspace document stays where it was");
        }
        _ => {}
    }
}

/// The last download in the folder of a workspace document, if any (temporary files are
/// hidden: [`attachment::temporary_path`]).
async fn last_download(dir: &Path) -> Option<PathBuf> {
    let mut entries = tokio::fs::read_dir(dir).await.ok()?;
    let mut last: Option<(std::time::SystemTime, PathBuf)> = None;
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        let Ok(meta) = entry.metadata().await else {
            continue;
        };
        let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
        if meta.is_file() && !is_hidden(&path) && last.as_ref().is_none_or(|(t, _)| modified > *t) {
            last = Some((modified, path));
        }
    }
    last.map(|(_, path)| path)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

async fn create_dir(dir: &Path) -> Result<()> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|source| Error::File {
            path: dir.display().to_string(),
            source,
        })
}

/// A name to write to disk, whatever the ENT sent: no separators, no hidden characters, at
/// most 255 bytes with its extension (see [`attachment::file_name`]).
pub(crate) fn safe_name(name: &str) -> String {
    attachment::file_name(name)
}
