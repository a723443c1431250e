//! The ENT client: one typed function per endpoint of spec §11, every request through
//! [`Client::send`].
//!
//! Laid out like the ENT API: [`auth`] (`/auth`), [`conversation`] (`/conversation`),
//! [`communication`] (`/communication`), [`timeline`] (`/timeline`). Endpoint functions only describe their request; `send`
//! adds the session, applies timeouts, retries what is safe to repeat, signs in again once when
//! the session is gone (302 to `/auth/login`), and turns statuses into [`ApiError`]s.

pub mod auth;
pub mod communication;
pub mod conversation;
mod error;
pub mod oauth2;
pub mod timeline;
pub mod wire;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::sync::{Mutex, RwLock};

pub use error::ApiError;

use crate::session::{Credentials, OAuthClient, Session};

/// Time to open a TCP (and TLS) connection before the ENT is deemed unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for a whole request; an attachment upload or download may take long on a slow line.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts of a request that is safe to repeat (reads), on offline or 5xx.
pub const MAX_ATTEMPTS: u32 = 3;
/// First back-off delay, doubled at each attempt.
pub const BACKOFF: Duration = Duration::from_millis(200);

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
    },
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

    fn what(&self) -> String {
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
    requests: Arc<AtomicU64>,
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
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("messagerie/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| ApiError::Offline {
                what: "building the HTTP client".into(),
                source,
            })?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            session: Arc::default(),
            sign_in: Arc::default(),
            relogin: Arc::default(),
            requests: Arc::default(),
        })
    }

    /// HTTP requests sent so far (benchmarks and the sync report).
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
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

    /// Sends a call: session, retries, one re-login, statuses to errors.
    #[tracing::instrument(skip_all, fields(call = %call.what()))]
    pub async fn send_raw(&self, call: Call) -> ApiResult<Answer> {
        let mut relogged = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let session = self.session.read().await.clone();
            match self.attempt(&call, session.as_ref()).await {
                Ok(answer) => return Ok(answer),
                Err(e) if e.is_auth_expired() && !relogged && self.can_sign_in().await => {
                    relogged = true;
                    self.sign_in_again(session).await?;
                }
                // An expired bearer token gets a 401 (OAuth2), as does a lost session on some
                // handlers (empty body): sign in again once; a second 401 is a real refusal.
                Err(ApiError::NotAllowed { empty, .. })
                    if (empty || matches!(session, Some(Session::Bearer { .. })))
                        && !relogged
                        && self.can_sign_in().await =>
                {
                    relogged = true;
                    self.sign_in_again(session).await?;
                }
                Err(e) if e.is_retryable() && call.idempotent && attempt < MAX_ATTEMPTS => {
                    let delay = BACKOFF * 2u32.pow(attempt - 1);
                    tracing::debug!(attempt, ?delay, error = %e, "retrying");
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn can_sign_in(&self) -> bool {
        let s = self.sign_in.read().await;
        s.credentials.is_some()
            || matches!(
                &*self.session.read().await,
                Some(Session::Bearer {
                    refresh_token: Some(_),
                    ..
                })
            ) && s.oauth.is_some()
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

    async fn attempt(&self, call: &Call, session: Option<&Session>) -> ApiResult<Answer> {
        let what = call.what();
        let url = format!("{}{}", self.base, call.path);
        let mut req = self.http.request(call.method.clone(), &url);
        match session {
            Some(Session::Cookie {
                one_session_id,
                xsrf_token,
            }) => {
                let mut cookie = format!("{}={}", wire::SESSION_COOKIE, one_session_id.expose());
                if let Some(x) = xsrf_token {
                    cookie.push_str(&format!("; {}={}", wire::XSRF_COOKIE, x.expose()));
                    if call.method != Method::GET {
                        req = req.header(wire::XSRF_HEADER, x.expose());
                    }
                }
                req = req.header(reqwest::header::COOKIE, cookie);
            }
            Some(Session::Bearer { access_token, .. }) => {
                req = req.bearer_auth(access_token.expose());
            }
            None => {}
        }
        req = match &call.body {
            Body::None => req,
            Body::Json(v) => req.json(v),
            Body::Form(fields) => req.form(fields),
            Body::File {
                filename,
                content_type,
                bytes,
            } => {
                let part = reqwest::multipart::Part::bytes(bytes.as_ref().clone())
                    .file_name(filename.clone())
                    .mime_str(content_type)
                    .unwrap_or_else(|_| {
                        reqwest::multipart::Part::bytes(bytes.as_ref().clone())
                            .file_name(filename.clone())
                    });
                req.multipart(reqwest::multipart::Form::new().part("file", part))
            }
        };
        self.requests.fetch_add(1, Ordering::Relaxed);
        let resp = req.send().await.map_err(|source| ApiError::Offline {
            what: what.clone(),
            source,
        })?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .bytes()
            .await
            .map_err(|source| ApiError::Offline {
                what: what.clone(),
                source,
            })?
            .to_vec();
        tracing::trace!(%status, len = bytes.len(), "answer");
        classify(what, status, headers, bytes)
    }
}

/// Turns a status into success or the matching error (spec §1.5).
fn classify(
    what: String,
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
) -> ApiResult<Answer> {
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
        if location.contains("/auth/login") || location.contains("/auth/openid") {
            return Err(ApiError::SessionExpired { what });
        }
        // The login form answers its own success with a redirect: the caller reads it.
        return Ok(Answer {
            status,
            bytes,
            headers,
        });
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
        403 if reason.as_deref() == Some("invalid.xsrf.token") => ApiError::SessionExpired { what },
        s @ (400 | 403 | 404 | 409 | 413) => ApiError::Refused {
            what,
            status: s,
            reason,
        },
        s if s >= 500 => ApiError::Server { what, status: s },
        s => ApiError::BadAnswer {
            what,
            detail: format!("status {s}"),
        },
    })
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

    #[test]
    fn a_redirect_to_the_login_page_means_the_session_is_gone() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "location",
            "/auth/login?callback=%2Fconversation".parse().unwrap(),
        );

        let err = classify("GET /x".into(), StatusCode::FOUND, headers, vec![]).unwrap_err();

        assert!(err.is_auth_expired());
    }

    #[test]
    fn statuses_map_to_kinds_the_app_acts_on() {
        use crate::error::ErrorKind::*;
        let h = reqwest::header::HeaderMap::new;
        let kind = |s: u16, body: &str| {
            classify(
                "x".into(),
                StatusCode::from_u16(s).unwrap(),
                h(),
                body.as_bytes().to_vec(),
            )
            .unwrap_err()
            .kind()
        };
        assert_eq!(kind(401, "<html>"), NotAllowed);
        assert_eq!(kind(400, r#"{"error":"file.too.large"}"#), Refused);
        assert_eq!(kind(400, ""), Refused);
        assert_eq!(
            kind(403, r#"{"error":"invalid.xsrf.token"}"#),
            SessionExpired
        );
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
