//! `ent-server`: speaks the protocol of a real ENT (entcore) for everything Messagerie uses
//! (`docs/protocol.md`, cited as §n), over the directory and communication rules of
//! `ent-directory`.
//!
//! It is the embedded demo default of the app and the peer every test talks to. It must never
//! depend on `tauri` nor on `messagerie-core`.
//!
//! Layers: [`start`] binds nothing itself (the caller gives a bound listener) and serves one
//! axum router through a hand-written hyper accept loop, so that [`Faults`] can drop a
//! connection. `auth` (sessions, login page, OAuth2, the auth middleware), `oauth2` (the
//! authorization-code flow, token-as-cookie, the SSO-like demo sign-in page), `conversation`
//! (folders, lists, messages, send, state changes), `pages` (the HTML pages that set the
//! XSRF cookie, and where new terms of use are accepted), `attachments`, `timeline`, `visible`
//! (directory endpoints) each own their routes; `db` owns SQLite (one writer, a few readers,
//! all through `spawn_blocking`, with a write generation); `cache` keeps list, count and read
//! answers until the next committed write; `demo` seeds the demo mailboxes. Deliberate differences
//! from a real ENT are listed in `COMPATIBILITY.md`.

mod attachments;
mod auth;
mod cache;
mod conversation;
mod db;
mod demo;
mod error;
mod faults;
mod oauth2;
mod pages;
mod render;
pub mod seed;
#[cfg(feature = "testing")]
pub mod testing;
mod timeline;
mod userbook;
mod visible;
mod workspace;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use ent_directory::Directory;
use tokio::net::TcpListener;

pub use demo::DemoYear;
pub use error::ApiError;
pub use faults::{FaultKind, Faults, Validation};

/// Everything a server needs. Build with [`Config::new`] or [`Config::demo`] and adjust fields.
#[derive(Debug)]
pub struct Config {
    /// The school: users, groups, communication rules, OAuth2 clients.
    pub directory: Directory,
    /// Holds `ent.sqlite3` and the `files/` of attachments; created if missing.
    pub data_dir: PathBuf,
    /// Idle lifetime of a cookie session.
    pub session_ttl: Duration,
    /// Lifetime of an OAuth2 access token (`expires_in`).
    pub token_ttl: Duration,
    /// Idle lifetime of a cookie session opened with `rememberMe=true`: as long as its one-year
    /// cookie, since entcore keeps such sessions (permanent sessions) while the cookie lives.
    pub remembered_session_ttl: Duration,
    /// Lifetime of an authorization code of `/auth/oauth2/auth` (entcore `CODE_EXPIRES`: 10 min).
    pub oauth2_code_ttl: Duration,
    /// Attachment storage allowed per user.
    pub quota_bytes: u64,
    /// `max-depth` of user folders (§4.1).
    pub max_folder_depth: u32,
    /// `recall-delay-minutes` (§4.1).
    pub recall_delay_minutes: u32,
    /// Largest accepted JSON request body.
    pub max_json_bytes: usize,
    /// Largest accepted multipart upload (the quota still applies below it).
    pub max_upload_bytes: usize,
    /// How often unreferenced messages and attachment files are removed.
    pub orphan_sweep_interval: Duration,
    /// Seed the demo mailboxes when the database is empty (only meaningful with the demo school).
    pub seed_demo_mailboxes: bool,
    /// With `seed_demo_mailboxes`: a year of mail before the three demo messages, drawn from
    /// this seed and start time (the app's « Essayer la démo »; `None`: the three alone).
    pub demo_year: Option<DemoYear>,
    /// Most distinct recipient ids (to + cc + cci) a draft or a send may name; more → 400
    /// `conversation.error.too.many.recipients`. entcore has no such cap (COMPATIBILITY.md).
    pub max_recipients: usize,
    /// Store `to`/`cc`/`cci` exactly as sent, duplicates included, as entcore does
    /// (`SqlConversationService.save`/`update` write the JSON arrays unchanged). Off by default:
    /// ent-server keeps each id once.
    pub keep_duplicate_recipients: bool,
    /// Where a call without a session is sent (entcore's `loginUri`: a CAS or SAML provider in
    /// some schools); `None`: `/auth/login`. An absolute URL or a path.
    pub login_uri: Option<String>,
    /// Set the `XSRF-TOKEN` cookie at sign-in (entcore's `xsrfOnAuth`, on by default); when off,
    /// only a rendered HTML page sets it.
    pub xsrf_on_auth: bool,
    /// A `protected` workspace document is read by any signed-in user, as entcore's resource
    /// filter allows (on by default). Off: only by its owner and by the users who received a
    /// message whose body shows it: a stricter ENT, for tests that a stranger is refused.
    pub protected_documents_to_any_user: bool,
}

impl Config {
    /// A server for `directory`, with empty mailboxes and the defaults of a real ENT.
    pub fn new(directory: Directory, data_dir: impl Into<PathBuf>) -> Config {
        Config {
            directory,
            data_dir: data_dir.into(),
            session_ttl: Duration::from_secs(30 * 60),
            token_ttl: Duration::from_secs(3600),
            remembered_session_ttl: Duration::from_secs(365 * 24 * 3600),
            oauth2_code_ttl: Duration::from_secs(600),
            quota_bytes: 100 * 1024 * 1024,
            max_folder_depth: 3,
            recall_delay_minutes: 60,
            max_json_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            orphan_sweep_interval: Duration::from_secs(60),
            seed_demo_mailboxes: false,
            demo_year: None,
            max_recipients: 1000,
            keep_duplicate_recipients: false,
            login_uri: None,
            xsrf_on_auth: true,
            protected_documents_to_any_user: true,
        }
    }

    /// The demo school « Collège Jean Moulin » with its seeded mailboxes.
    pub fn demo(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            seed_demo_mailboxes: true,
            ..Config::new(Directory::demo(), data_dir)
        }
    }

    /// The demo school with a year of mail before its three messages, dated back from
    /// `start_ms` (the app's « Essayer la démo »).
    pub fn demo_year(data_dir: impl Into<PathBuf>, start_ms: i64) -> Config {
        Config {
            demo_year: Some(DemoYear::starting(start_ms)),
            ..Config::demo(data_dir)
        }
    }
}

pub(crate) struct AppState {
    pub db: db::Db,
    pub sessions: auth::Sessions,
    /// The identity provider's own sessions (`/sso-demo`), which outlive the ENT's.
    pub idp_sessions: oauth2::IdpSessions,
    pub faults: Arc<Faults>,
    pub cfg: Config,
    pub files_dir: PathBuf,
    pub cache: cache::ResponseCache,
}

pub(crate) type State = Arc<AppState>;

/// A running server; dropping it (or calling [`ServerHandle::stop`]) stops it.
pub struct ServerHandle {
    addr: SocketAddr,
    state: State,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Fault injection for tests.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Ends every session of the identity provider that `/sso-demo/login` stands for (its
    /// `ssoDemo` cookies), as the IdP's own timeout would. [`Faults::expire_sessions`] keeps
    /// them: the IdP is another server than the ENT.
    pub fn forget_idp_sessions(&self) {
        self.state.idp_sessions.clear();
    }

    /// The school served.
    pub fn directory(&self) -> &Directory {
        &self.state.cfg.directory
    }

    /// Removes messages nobody references and attachment files nobody links to, now (the
    /// background job does it every `orphan_sweep_interval`). Returns the number of files removed.
    pub async fn sweep_orphans(&self) -> anyhow::Result<usize> {
        attachments::sweep_orphans(&self.state).await
    }

    /// Moves a message's date `by` into the past, as if it had been sent that long ago: how a
    /// test sees the recall delay (§4.10) run out without waiting for it.
    pub async fn backdate_message(&self, id: &str, by: Duration) -> anyhow::Result<()> {
        let id = id.to_owned();
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 2);
        self.state
            .db
            .write(move |tx| -> anyhow::Result<()> {
                // usermessages keeps a copy of the date for its list index.
                for table in ["messages", "usermessages"] {
                    let key = if table == "messages" {
                        "id"
                    } else {
                        "message_id"
                    };
                    tx.execute(
                        &format!("UPDATE {table} SET date = date - ?2 WHERE {key} = ?1"),
                        rusqlite::params![id, ms],
                    )?;
                }
                Ok(())
            })
            .await?;
        Ok(())
    }

    /// Stops accepting connections, closes open ones and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

fn router(state: State) -> Router {
    let json_limit = state.cfg.max_json_bytes;
    Router::new()
        .merge(auth::routes())
        .merge(pages::routes())
        .merge(oauth2::routes())
        .merge(conversation::routes().layer(DefaultBodyLimit::max(json_limit)))
        .merge(attachments::routes(state.cfg.max_upload_bytes))
        .merge(timeline::routes())
        .merge(userbook::routes().layer(DefaultBodyLimit::max(json_limit)))
        .merge(visible::routes())
        .merge(workspace::routes(state.cfg.max_upload_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::middleware,
        ))
        .with_state(state)
}

/// Starts a server on an already bound listener (so the caller knows the port before anything
/// runs): opens or creates the database in `config.data_dir`, seeds the demo mailboxes when
/// asked and the database is empty, then serves until the handle is stopped or dropped.
pub async fn start(listener: TcpListener, config: Config) -> anyhow::Result<ServerHandle> {
    let addr = listener.local_addr()?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    let files_dir = config.data_dir.join("files");
    std::fs::create_dir_all(&files_dir)?;
    let db_path = config.data_dir.join("ent.sqlite3");
    let db = tokio::task::spawn_blocking(move || db::Db::open(&db_path)).await??;
    let sessions = auth::Sessions::default();
    let state: State = Arc::new(AppState {
        db,
        faults: Arc::new(Faults::new(sessions.clone())),
        sessions,
        idp_sessions: oauth2::IdpSessions::default(),
        files_dir,
        cache: cache::ResponseCache::default(),
        cfg: config,
    });
    if state.cfg.seed_demo_mailboxes {
        demo::seed_if_empty(&state)
            .await
            .context("cannot seed demo mailboxes")?;
    }
    let app = router(state.clone());
    let (tx, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(serve(listener, app, rx.clone()));
    tokio::spawn(attachments::sweeper(state.clone(), rx));
    tracing::debug!(%addr, "ent-server started");
    Ok(ServerHandle {
        addr,
        state,
        shutdown: Some(tx),
        task: Some(task),
    })
}

async fn serve(
    listener: TcpListener,
    app: Router,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::TokioIo;
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::debug!(%error, "accept failed");
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let abort = Arc::new(tokio::sync::Notify::new());
        let app = app.clone();
        let conn_abort = abort.clone();
        let service =
            tower::service_fn(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(faults::ConnAbort(conn_abort.clone()));
                let app = app.clone();
                async move { tower::ServiceExt::oneshot(app, req).await }
            });
        let hyper_service = hyper_util::service::TowerToHyperService::new(service);
        let mut stop = shutdown.clone();
        connections.spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), hyper_service);
            tokio::select! {
                _ = conn => {}
                _ = abort.notified() => {}
                _ = stop.changed() => {}
            }
        });
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
    connections.shutdown().await;
}
