//! The ENT client: one typed function per endpoint of spec §11, every request through
//! [`Client::send`].
//!
//! Laid out like the ENT API: [`auth`] (`/auth`), [`oauth2`] (the authorization-code flow of a
//! registered connector), [`conversation`] (`/conversation`), [`communication`]
//! (`/communication`), [`timeline`] (`/timeline`), [`download`] (files, streamed). Endpoint
//! functions only describe their request; `send` adds the session, applies timeouts, retries
//! what is safe to repeat, signs in again once when the session is gone, and turns statuses into
//! [`ApiError`]s.
//!
//! # How the ENT answers, and what the client does (spec §1.5, §12 items 29, 31, 32)
//!
//! * **Every 3xx on an API call is "not done"**, never a success. entcore redirects a call it
//!   did not run: to `/auth/login` (no session, `UserAuthFilter`), to the configured `loginUri`
//!   of a school whose sign-in is a CAS or SAML provider (auth `Auth.java` shares `loginUri` with
//!   the filter), or to a page where the user must act first: `/auth/revalidate-terms`,
//!   `/auth/validate-mail`, `/auth/validate-mfa` (edifice-entcore-libs
//!   `common/src/main/java/org/entcore/common/http/filter/MandatoryUserValidationFilter.java`,
//!   registered on every module; the pages are auth `AuthController.java` `revalidateTerms`, `validateMail`,
//!   `validateMfa`). A validation page becomes [`ApiError::ActionNeeded`] with the page's
//!   absolute address: not a refusal, not an expired session, so queued actions wait and the
//!   app asks the user to act. Any other redirect means the session is gone
//!   ([`ApiError::SessionExpired`]): the client signs in again once. The login form's own 302
//!   is read by [`auth::login_form`], never through `classify`.
//! * **Bearer tokens**: entcore answers an expired or unknown token with the same 302 as a lost
//!   session (`UserAuthFilter`), and 401 only when the user may not do what was asked. So only
//!   the 302 refreshes the token; a 401 under a token is a refusal and costs no refresh.
//! * **XSRF**: writes of a cookie session carry `X-XSRF-TOKEN`. An ENT without `xsrfOnAuth`
//!   (auth `AuthController.java` `createSession`), or a session handed in from the ENT's own
//!   page, may have no `XSRF-TOKEN` cookie; entcore sets one whenever it renders an HTML page
//!   (edifice-entcore-libs `common/.../http/response/SecurityHookRender.java`). Before a write without a token, and once after a 403
//!   `invalid.xsrf.token`, the client loads the messaging app's page
//!   ([`XSRF_PAGE`]) with the session, takes the cookie and sends again. A refusal that
//!   survives a fresh token is [`ApiError::XsrfRefused`], never an expired session.
//! * **Never wait on each other's locks while paused**: signing in again holds `relogin` across
//!   one HTTP exchange; whoever calls [`Client::send`] must keep polling every call it started
//!   (see `sync::engine::fetch_bodies`), or a paused call holding it blocks the others forever.

pub mod auth;
pub mod communication;
pub mod conversation;
pub mod download;
mod error;
pub mod oauth2;
pub mod pace;
pub mod timeline;
pub mod userbook;
pub mod wire;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::sync::{Mutex, RwLock};

pub use error::{ApiError, EntAction};

use crate::session::{Credentials, OAuthClient, Session};

/// Time to open a TCP (and TLS) connection before the ENT is deemed unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for a whole request; an attachment upload or download may take long on a slow line.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest silence of the ENT while an answer comes in, as long as a whole ordinary request may
/// take: what ends a dead download, which [`REQUEST_TIMEOUT`] does not bound (see
/// [`download`]).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts of a request that is safe to repeat (reads), on offline or 5xx.
pub const MAX_ATTEMPTS: u32 = 3;
/// First back-off delay, doubled at each attempt.
pub const BACKOFF: Duration = Duration::from_millis(200);
/// The most bytes of one answer the client reads into memory (a JSON answer, an error page);
/// files are streamed to the disk instead ([`download`]). entcore's largest answers are a
/// message (its body: the editor puts images in the workspace, not in the text) and the list of
/// who a user may write to, a few megabytes for a whole region's school. A longer answer (a
/// broken proxy, an ENT that loops) is cut off here with [`ApiError::BadAnswer`], not held
/// whole until the memory runs out.
pub const MAX_ANSWER_BYTES: usize = 32 << 20;
/// An HTML page of the ENT loaded to get an `XSRF-TOKEN` cookie (the messaging app's page).
pub const XSRF_PAGE: &str = "/conversation/conversation";

/// Result alias of the client.
pub type ApiResult<T> = Result<T, ApiError>;

/// The body of a request, kept so that a retry can build it again.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
    File {
        filename: String,
        content_type: String,
        bytes: Arc<Vec<u8>>,
        /// Told how many bytes have gone out, as they go.
        progress: Option<UploadProgress>,
    },
}

/// Called with `(sent, total)` bytes while a file goes up.
#[derive(Clone)]
pub struct UploadProgress(pub Arc<dyn Fn(u64, u64) + Send + Sync>);

impl std::fmt::Debug for UploadProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UploadProgress")
    }
}

/// The size of the pieces a file goes up in (and so how often its progress is told).
const UPLOAD_CHUNK: usize = 64 * 1024;

/// A file's bytes as a request body that reports each piece as it is taken.
fn counted_body(bytes: &Arc<Vec<u8>>, progress: UploadProgress) -> reqwest::Body {
    let all = bytes::Bytes::from(bytes.as_ref().clone());
    let total = all.len() as u64;
    let pieces = (0..all.len())
        .step_by(UPLOAD_CHUNK)
        .map(move |start| all.slice(start..(start + UPLOAD_CHUNK).min(all.len())));
    let mut sent = 0u64;
    let stream = futures::stream::iter(pieces).map(move |piece| {
        sent += piece.len() as u64;
        (progress.0)(sent, total);
        Ok::<_, std::io::Error>(piece)
    });
    reqwest::Body::wrap_stream(stream)
}

/// A request, as an endpoint function describes it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    /// Path and query, e.g. `/conversation/api/count/inbox?unread=true`.
    pub path: String,
    pub body: Body,
    /// Safe to send twice (reads, and writes whose replay changes nothing).
    pub idempotent: bool,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            body: Body::None,
            idempotent: true,
        }
    }

    pub fn write(method: Method, path: impl Into<String>, body: Body) -> Self {
        Self {
            method,
            path: path.into(),
            body,
            idempotent: false,
        }
    }

    /// Marks a write as safe to repeat (trash, toggleUnread...: the second time changes nothing).
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    pub(crate) fn what(&self) -> String {
        let path = self.path.split('?').next().unwrap_or_default();
        format!("{} {}", self.method, path)
    }
}

/// A raw answer: status and body bytes.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub bytes: Vec<u8>,
    pub headers: reqwest::header::HeaderMap,
}

/// How the client signs in again when the session is gone.
#[derive(Debug, Clone, Default)]
pub struct SignIn {
    pub credentials: Option<Credentials>,
    pub oauth: Option<OAuthClient>,
}

/// A client of one ENT for one user. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    session: Arc<RwLock<Option<Session>>>,
    sign_in: Arc<RwLock<SignIn>>,
    relogin: Arc<Mutex<()>>,
    /// At most this many requests in flight (see [`pace`]).
    in_flight: Arc<tokio::sync::Semaphore>,
    max_in_flight: usize,
    /// The pause every request of the account takes while the ENT says it is busy.
    pace: Arc<pace::Pace>,
    requests: Arc<AtomicU64>,
    /// Bytes of the answers' bodies received so far.
    received: Arc<AtomicU64>,
    /// Requests started plus answers received: a sync watches it to tell a stall from work.
    activity: Arc<AtomicU64>,
    /// « Se souvenir de moi »: the login form asks the ENT for a long session.
    remember_me: Arc<AtomicBool>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of the ENT at `base_url` (`https://ent.example.org`), built once with its
    /// timeouts. Redirects are never followed: a 302 to `/auth/login` means "session gone".
    pub fn new(base_url: &str) -> ApiResult<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .read_timeout(IDLE_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("messagerie/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| ApiError::unreachable("building the HTTP client", source))?;
        let max_in_flight = pace::max_in_flight();
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            session: Arc::default(),
            sign_in: Arc::default(),
            relogin: Arc::default(),
            in_flight: Arc::new(tokio::sync::Semaphore::new(max_in_flight)),
            max_in_flight,
            pace: Arc::default(),
            requests: Arc::default(),
            received: Arc::default(),
            activity: Arc::default(),
            remember_me: Arc::default(),
        })
    }

    /// « Se souvenir de moi »: the login form sends `rememberMe=true`, for which entcore keeps
    /// the session a year (auth `AuthController.java` `loginSubmit`).
    pub fn set_remember_me(&self, remember: bool) {
        self.remember_me.store(remember, Ordering::Relaxed);
    }

    /// Whether the login form asks for a long session.
    pub fn remember_me(&self) -> bool {
        self.remember_me.load(Ordering::Relaxed)
    }

    /// HTTP requests sent so far (benchmarks and the sync report).
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Bytes of answer bodies received so far (benchmarks: what an idle app costs the line).
    pub fn bytes_received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// Requests this client sends at once at most (see [`pace`]).
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// Grows with every request sent and every answer (or failure) received.
    pub fn activity(&self) -> u64 {
        self.activity.load(Ordering::Relaxed)
    }

    /// The ENT's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Hands in a session made elsewhere (the ENT's own login page, for SSO users).
    pub async fn set_session(&self, session: Option<Session>) {
        *self.session.write().await = session;
    }

    /// The current session, to save it in the keyring.
    pub async fn session(&self) -> Option<Session> {
        self.session.read().await.clone()
    }

    /// Sets how to sign in again when the session expires.
    pub async fn set_sign_in(&self, sign_in: SignIn) {
        *self.sign_in.write().await = sign_in;
    }

    /// Sends a call and decodes a JSON answer. An empty body decodes as JSON `null`, so that
    /// `Option<T>` or `()` accept the 200-with-empty-body of a real ENT.
    pub async fn send<T: DeserializeOwned>(&self, call: Call) -> ApiResult<T> {
        let what = call.what();
        let answer = self.send_raw(call).await?;
        decode(&what, &answer.bytes)
    }

    /// Sends a call: session, XSRF token, retries, one re-login, statuses to errors (see the
    /// module doc for what each answer of the ENT means).
    #[tracing::instrument(skip_all, fields(call = %call.what()))]
    pub async fn send_raw(&self, call: Call) -> ApiResult<Answer> {
        let call = &call;
        self.retrying(call, |session| async move {
            self.attempt(call, session.as_ref()).await
        })
        .await
    }

    /// The one loop every request goes through, whatever `exchange` does with the session it is
    /// given (an answer read whole, or a download started): the XSRF token fetched before a
    /// write that has none, one re-login when the session is gone, retries while the ENT is
    /// unreachable (idempotent calls only).
    pub(crate) async fn retrying<T, F, Fut>(&self, call: &Call, exchange: F) -> ApiResult<T>
    where
        F: Fn(Option<Session>) -> Fut,
        Fut: std::future::Future<Output = ApiResult<T>>,
    {
        let mut relogged = false;
        let mut xsrf_fetched = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let session = self.session.read().await.clone();
            let result = if !xsrf_fetched && needs_xsrf(call, session.as_ref()) {
                // No token to send with a write: get one first (see the module doc).
                xsrf_fetched = true;
                match self.fetch_xsrf(session.clone()).await {
                    Ok(()) => continue,
                    Err(e) => Err(e),
                }
            } else {
                exchange(session.clone()).await
            };
            match result {
                Ok(answer) => return Ok(answer),
                Err(e) if e.is_auth_expired() && !relogged && self.can_sign_in().await => {
                    relogged = true;
                    xsrf_fetched = false;
                    self.sign_in_again(session).await?;
                }
                // Some handlers answer a lost cookie session with an empty 401: sign in again
                // once; a second 401 is a real refusal. Under a bearer token a 401 is always a
                // refusal (an expired token gets a 302).
                Err(ApiError::NotAllowed { empty: true, .. })
                    if matches!(session, Some(Session::Cookie { .. }))
                        && !relogged
                        && self.can_sign_in().await =>
                {
                    relogged = true;
                    xsrf_fetched = false;
                    self.sign_in_again(session).await?;
                }
                Err(ApiError::XsrfRefused { .. }) if !xsrf_fetched => {
                    xsrf_fetched = true;
                    self.fetch_xsrf(session).await?;
                }
                Err(e) if e.is_retryable() && call.idempotent && attempt < MAX_ATTEMPTS => {
                    // A failing ENT sets the account's pause (see `pace`), which the next
                    // attempt waits; an ENT out of reach gets this request's own back-off.
                    if matches!(e, ApiError::Offline { .. }) {
                        let delay = BACKOFF * 2u32.pow(attempt - 1);
                        tokio::time::sleep(delay).await;
                    }
                    tracing::debug!(attempt, error = %e, "retrying");
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn can_sign_in(&self) -> bool {
        // One guard at a time: never wait on a lock while holding another.
        let (has_credentials, has_oauth) = {
            let s = self.sign_in.read().await;
            (s.credentials.is_some(), s.oauth.is_some())
        };
        let refreshable = matches!(
            &*self.session.read().await,
            Some(Session::Bearer {
                refresh_token: Some(_),
                ..
            })
        );
        has_credentials || (refreshable && has_oauth)
    }

    /// Loads [`XSRF_PAGE`] with the session and keeps the `XSRF-TOKEN` cookie it sets, once for
    /// every request that saw the same session without a token.
    async fn fetch_xsrf(&self, seen: Option<Session>) -> ApiResult<()> {
        let Some(Session::Cookie { one_session_id, .. }) = &seen else {
            return Ok(());
        };
        let _guard = self.relogin.lock().await;
        if *self.session.read().await != seen {
            return Ok(()); // another request already did it, or signed in again
        }
        let answer = self.attempt(&Call::get(XSRF_PAGE), seen.as_ref()).await?;
        let token = auth::set_cookie(&answer.headers, wire::XSRF_COOKIE);
        if token.is_none() {
            tracing::debug!("the ENT's page set no XSRF token");
        }
        *self.session.write().await = Some(Session::Cookie {
            one_session_id: one_session_id.clone(),
            xsrf_token: token.map(crate::session::Secret::new),
        });
        Ok(())
    }

    /// Signs in again once for every request that saw the same expired session.
    async fn sign_in_again(&self, expired: Option<Session>) -> ApiResult<()> {
        let _guard = self.relogin.lock().await;
        if *self.session.read().await != expired {
            return Ok(()); // another request already did it
        }
        let sign_in = self.sign_in.read().await.clone();
        if let (
            Some(oauth),
            Some(Session::Bearer {
                refresh_token: Some(refresh),
                ..
            }),
        ) = (&sign_in.oauth, &expired)
        {
            if let Ok(session) = auth::refresh(self, oauth, refresh).await {
                *self.session.write().await = Some(session);
                return Ok(());
            }
        }
        let Some(credentials) = sign_in.credentials else {
            return Err(ApiError::NotSignedIn);
        };
        let session = match &sign_in.oauth {
            Some(oauth) => auth::password_grant(self, oauth, &credentials).await?,
            None => auth::login_form(self, &credentials).await?,
        };
        *self.session.write().await = Some(session);
        Ok(())
    }

    /// The ENT said it is busy: every request of the account waits the time it asked.
    pub(crate) async fn wait_for_pace(&self) {
        while let Some(pause) = self.pace.wait(std::time::Instant::now()) {
            tracing::debug!(?pause, "the ENT asked for a pause");
            tokio::time::sleep(pause).await;
        }
    }

    /// One exchange, the answer classified (see [`classify`]).
    async fn attempt(&self, call: &Call, session: Option<&Session>) -> ApiResult<Answer> {
        let answer = self.exchange(call, session).await?;
        classify(&self.base, call.what(), answer)
    }

    /// One HTTP exchange: the raw answer whatever its status (only a failure to talk is an
    /// error). The login form reads its own 302 from here.
    pub(crate) async fn exchange(
        &self,
        call: &Call,
        session: Option<&Session>,
    ) -> ApiResult<Answer> {
        let what = call.what();
        let url = format!("{}{}", self.base, call.path);
        let mut req = authorize(self.http.request(call.method.clone(), &url), session);
        req = match &call.body {
            Body::None => req,
            Body::Json(v) => req.json(v),
            Body::Form(fields) => req.form(fields),
            Body::File {
                filename,
                content_type,
                bytes,
                progress,
            } => {
                let part = || match progress {
                    Some(progress) => reqwest::multipart::Part::stream_with_length(
                        counted_body(bytes, progress.clone()),
                        bytes.len() as u64,
                    ),
                    None => reqwest::multipart::Part::bytes(bytes.as_ref().clone()),
                };
                let part = part()
                    .file_name(filename.clone())
                    .mime_str(content_type)
                    .unwrap_or_else(|_| part().file_name(filename.clone()));
                req.multipart(reqwest::multipart::Form::new().part("file", part))
            }
        };
        self.wait_for_pace().await;
        // Never closed, so acquiring only waits for a free slot.
        let _slot = self.in_flight.acquire().await.ok();
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.activity.fetch_add(1, Ordering::Relaxed);
        let answer = async {
            let resp = req
                .send()
                .await
                .map_err(|source| ApiError::unreachable(what.clone(), source))?;
            let status = resp.status();
            let headers = resp.headers().clone();
            self.pace
                .answered(std::time::Instant::now(), status, &headers);
            let bytes = read_capped(resp, &what).await?;
            tracing::trace!(%status, len = bytes.len(), "answer");
            self.received
                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
            Ok(Answer {
                status,
                bytes,
                headers,
            })
        }
        .await;
        self.activity.fetch_add(1, Ordering::Relaxed);
        answer
    }
}

/// The body of `resp`, read as it comes in and given up past [`MAX_ANSWER_BYTES`] (at once
/// when the ENT announces more).
pub(crate) async fn read_capped(mut resp: reqwest::Response, what: &str) -> ApiResult<Vec<u8>> {
    let too_large = || ApiError::BadAnswer {
        what: what.to_string(),
        detail: format!(
            "the answer is longer than {} MB; the client stopped reading it",
            MAX_ANSWER_BYTES >> 20
        ),
    };
    let announced = resp.content_length().unwrap_or(0);
    if announced > MAX_ANSWER_BYTES as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(announced as usize);
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|source| ApiError::unreachable(what, source))?
    {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Adds the session to a request: the session cookie and the XSRF pair, or the
/// bearer token.
fn authorize(
    mut req: reqwest::RequestBuilder,
    session: Option<&Session>,
) -> reqwest::RequestBuilder {
    match session {
        Some(Session::Cookie {
            one_session_id,
            xsrf_token,
        }) => {
            let mut cookie = format!("{}={}", wire::SESSION_COOKIE, one_session_id.expose());
            if let Some(x) = xsrf_token {
                cookie.push_str(&format!("; {}={}", wire::XSRF_COOKIE, x.expose()));
                // On every request, not only writes: entcore checks it on writes only, but the
                // sign-out is a GET that ent-server (as a careful ENT should) protects with it.
                req = req.header(wire::XSRF_HEADER, x.expose());
            }
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        Some(Session::Bearer { access_token, .. }) => {
            req = req.bearer_auth(access_token.expose());
        }
        None => {}
    }
    req
}

/// A write of a cookie session that has no XSRF token to send.
fn needs_xsrf(call: &Call, session: Option<&Session>) -> bool {
    call.method != Method::GET
        && matches!(
            session,
            Some(Session::Cookie {
                xsrf_token: None,
                ..
            })
        )
}

/// Turns a status into success or the matching error (spec §1.5, §12 items 29-32). A 3xx is
/// never a success (see the module doc); `base` resolves a relative `Location`.
pub(crate) fn classify(base: &str, what: String, answer: Answer) -> ApiResult<Answer> {
    let Answer {
        status,
        bytes,
        headers,
    } = answer;
    if status.is_success() {
        return Ok(Answer {
            status,
            bytes,
            headers,
        });
    }
    if status.is_redirection() {
        let location = headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        return Err(redirect_error(base, what, location));
    }
    let reason = serde_json::from_slice::<wire::ErrorBody>(&bytes)
        .ok()
        .map(|b| b.error);
    Err(match status.as_u16() {
        401 => ApiError::NotAllowed {
            what,
            status: 401,
            empty: bytes.iter().all(u8::is_ascii_whitespace),
        },
        403 if reason.as_deref() == Some("invalid.xsrf.token") => ApiError::XsrfRefused { what },
        s @ (400 | 403 | 404 | 409 | 413) => ApiError::Refused {
            what,
            status: s,
            reason,
        },
        // Busy (429) or failing (5xx): worth trying again later (see `pace`).
        s @ (429 | 500..) => ApiError::Server { what, status: s },
        s => ApiError::BadAnswer {
            what,
            detail: format!("status {s}"),
        },
    })
}

/// What a redirect of an API call means: a page of the same ENT where the user must act, or
/// otherwise (the login page, a CAS or SAML `loginUri`, anything else) a session that is gone.
fn redirect_error(base: &str, what: String, location: &str) -> ApiError {
    let page = reqwest::Url::parse(base)
        .and_then(|b| b.join(location))
        .ok()
        .filter(|page| reqwest::Url::parse(base).is_ok_and(|b| b.origin() == page.origin()));
    match page {
        Some(page) => match EntAction::from_path(page.path()) {
            Some(action) => ApiError::ActionNeeded {
                what,
                action,
                page: page.to_string(),
            },
            None => ApiError::SessionExpired { what },
        },
        None => ApiError::SessionExpired { what },
    }
}

/// Decodes JSON, taking an empty body as `null`.
pub(crate) fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> ApiResult<T> {
    let text = if bytes.iter().all(u8::is_ascii_whitespace) {
        &b"null"[..]
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|source| ApiError::Decode {
        what: what.to_string(),
        source,
    })
}

/// Removes duplicate ids, keeping the first of each: a real ENT answers 401 to a list with
/// duplicates (spec §12.8).
pub fn dedup_ids(ids: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.iter()
        .filter(|id| seen.insert(id.as_str()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_body_decodes_as_null() {
        let v: Option<serde_json::Value> = decode("x", b"").unwrap();
        assert!(v.is_none());
        let _: () = decode("x", b"  ").unwrap();
    }

    const BASE: &str = "https://ent.example.org";

    fn answer(status: u16, location: Option<&str>, body: &str) -> Answer {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(l) = location {
            headers.insert("location", l.parse().unwrap());
        }
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            bytes: body.as_bytes().to_vec(),
            headers,
        }
    }

    fn redirect(status: u16, location: &str) -> ApiError {
        classify(BASE, "GET /x".into(), answer(status, Some(location), "")).unwrap_err()
    }

    #[test]
    fn a_redirect_to_the_login_page_means_the_session_is_gone() {
        let err = redirect(302, "/auth/login?callback=%2Fconversation");

        assert!(err.is_auth_expired());
    }

    #[test]
    fn a_redirect_is_never_a_success() {
        // A CAS `loginUri`, another page, no Location at all: the session is gone.
        for (status, location) in [
            (302, "https://cas.example.org/cas/login?service=x"),
            (302, "/"),
            (301, "/conversation/conversation"),
            (303, ""),
            (307, "/timeline/timeline"),
        ] {
            let err = redirect(status, location);
            assert!(err.is_auth_expired(), "{status} {location}: {err}");
        }
    }

    #[test]
    fn a_redirect_to_a_validation_page_asks_the_user_to_act_there() {
        let cases = [
            ("/auth/revalidate-terms", EntAction::AcceptTerms),
            ("/auth/validate-mail?force=true", EntAction::ValidateMail),
            (
                "https://ent.example.org/auth/validate-mfa",
                EntAction::ValidateMfa,
            ),
        ];
        for (location, expected) in cases {
            let err = redirect(302, location);
            let ApiError::ActionNeeded { action, page, .. } = &err else {
                panic!("{location}: {err:?}");
            };
            assert_eq!(*action, expected);
            assert!(page.starts_with("https://ent.example.org/auth/"), "{page}");
            assert_eq!(err.kind(), crate::error::ErrorKind::ActionNeeded);
            assert!(!err.is_refusal() && !err.is_auth_expired() && !err.is_retryable());
            assert!(err.ends_sync());
        }
        // The same path on another site is not the ENT's page.
        assert!(redirect(302, "https://evil.example/auth/revalidate-terms").is_auth_expired());
    }

    #[test]
    fn statuses_map_to_kinds_the_app_acts_on() {
        use crate::error::ErrorKind::*;
        let kind = |s: u16, body: &str| {
            classify(BASE, "x".into(), answer(s, None, body))
                .unwrap_err()
                .kind()
        };
        assert_eq!(kind(401, "<html>"), NotAllowed);
        assert_eq!(kind(400, r#"{"error":"file.too.large"}"#), Refused);
        assert_eq!(kind(400, ""), Refused);
        // Not an expired session: the client gets a fresh token and sends once more.
        assert_eq!(kind(403, r#"{"error":"invalid.xsrf.token"}"#), BadAnswer);
        assert_eq!(kind(500, "oops"), Server);
    }

    #[test]
    fn duplicate_ids_are_removed_in_order() {
        let ids: Vec<String> = ["a", "b", "a", "c", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(dedup_ids(&ids), vec!["a", "b", "c"]);
    }
}
