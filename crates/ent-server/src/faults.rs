//! Fault injection for tests: make a route answer 500 or malformed JSON, drop the connection,
//! run the request (committing its writes) and then drop the connection before answering,
//! never answer, or answer late (network latency, per route or for every request). Also the switches that make the server behave like an entcore in ordinary but
//! rarer situations: sessions that end after some requests (a session timeout or a restart in
//! the middle of a sync), and new terms of use a user must accept before any API call
//! (`MandatoryUserValidationFilter`, spec §12 item 29).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncReadExt as _;

use crate::auth::Sessions;

/// What entcore's `MandatoryUserValidationFilter` (edifice-entcore-libs
/// `common/src/main/java/org/entcore/common/http/filter/MandatoryUserValidationFilter.java`)
/// may ask of a user before any API call, each on its own page of `/auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// New terms of use: `/auth/revalidate-terms`.
    Terms,
    /// Confirm the e-mail address: `/auth/validate-mail?force=true&type=email`.
    Mail,
    /// A second factor: `/auth/validate-mfa?force=true`.
    Mfa,
}

impl Validation {
    /// The page's path, without its query.
    pub fn path(self) -> &'static str {
        match self {
            Validation::Terms => "/auth/revalidate-terms",
            Validation::Mail => "/auth/validate-mail",
            Validation::Mfa => "/auth/validate-mfa",
        }
    }

    /// Where the filter redirects (entcore adds `redirect=` the call's address for the last two;
    /// ent-server leaves it out, the client ignores it).
    pub fn location(self) -> &'static str {
        match self {
            Validation::Terms => "/auth/revalidate-terms",
            Validation::Mail => "/auth/validate-mail?force=true&type=email",
            Validation::Mfa => "/auth/validate-mfa?force=true",
        }
    }
}

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer 500 without running the handler.
    ServerError,
    /// Answer 200 `application/json` with a body that is not JSON, without running the handler.
    MalformedJson,
    /// Answer 200 `application/json` with a body that never ends (`{"id": "endless", "body":
    /// "aaaa…`, as fast as the client reads), without running the handler: a broken proxy, or an
    /// ENT stuck in a loop while it writes its answer.
    Endless,
    /// Close the connection without answering and without running the handler.
    DropConnection,
    /// Run the handler (its transaction commits), then close the connection without answering:
    /// "the server was killed right after it committed".
    CommitThenDrop,
    /// Never answer and keep the connection open (a stuck ENT): the client's own timeouts
    /// are all that can end the request.
    Hang,
    /// Answer `status` (429 or 503) with `Retry-After: retry_after_secs`, without running the
    /// handler: what the reverse proxy in front of a real ENT answers when it rate-limits
    /// (nginx `limit_req`, 503 unless `limit_req_status 429`) or while the ENT is in
    /// maintenance. entcore itself sends neither status nor the header.
    Busy { status: u16, retry_after_secs: u32 },
    /// Wait this long, then run the request normally: the time a request spends on the line to
    /// a distant ENT. It adds to [`Faults::set_latency`] and to another fault injected on the
    /// same route (a delayed 500), so a test can slow one route while others fail.
    Delay(Duration),
}

/// When the sessions end by themselves: after `left` more requests, then every `every`.
#[derive(Debug, Clone, Copy)]
struct SessionDrop {
    left: u32,
    every: Option<u32>,
}

#[derive(Debug)]
struct Rule {
    path_prefix: String,
    kind: FaultKind,
    /// `None`: until cleared.
    remaining: Option<u32>,
    /// Matching requests still let through before the rule applies.
    passing: u32,
}

/// Per-connection signal that makes the accept loop drop the connection.
#[derive(Clone)]
pub(crate) struct ConnAbort(pub Arc<tokio::sync::Notify>);

/// The fault-injection hook of a [`crate::ServerHandle`].
pub struct Faults {
    rules: Mutex<Vec<Rule>>,
    sessions: Sessions,
    session_drop: Mutex<Option<SessionDrop>>,
    /// Users who must accept new terms of use (or validate something) before any API call.
    validations: Mutex<HashMap<String, Validation>>,
    /// Added before every answer, whatever the route; kept by [`Faults::clear`].
    latency: Mutex<Duration>,
}

impl Faults {
    pub(crate) fn new(sessions: Sessions) -> Faults {
        Faults {
            rules: Mutex::new(Vec::new()),
            sessions,
            session_drop: Mutex::new(None),
            validations: Mutex::new(HashMap::new()),
            latency: Mutex::new(Duration::ZERO),
        }
    }

    /// Every request waits `latency` before it runs, from now on (`Duration::ZERO`: off, the
    /// default): a school ENT on a real line, seen from the client (the binary's
    /// `--latency-ms`). Per-route delays are [`FaultKind::Delay`] rules.
    pub fn set_latency(&self, latency: Duration) {
        if let Ok(mut l) = self.latency.lock() {
            *l = latency;
        }
    }

    /// The latency [`Faults::set_latency`] set.
    pub fn latency(&self) -> Duration {
        self.latency.lock().map(|l| *l).unwrap_or_default()
    }

    fn push(&self, path_prefix: &str, kind: FaultKind, remaining: Option<u32>, passing: u32) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.push(Rule {
                path_prefix: path_prefix.to_owned(),
                kind,
                remaining,
                passing,
            });
        }
    }

    /// Every request whose path starts with `path_prefix` suffers `kind` until [`Faults::clear`].
    ///
    /// In this and the other `inject` calls, a `path_prefix` that holds a `?` is matched
    /// against the path and its query: `/conversation/api/folders/inbox/messages?page=10&` is
    /// the inbox's page 10 alone, as the client asks for it.
    pub fn inject(&self, path_prefix: &str, kind: FaultKind) {
        self.push(path_prefix, kind, None, 0);
    }

    /// The next `times` requests whose path starts with `path_prefix` suffer `kind`.
    pub fn inject_times(&self, path_prefix: &str, kind: FaultKind, times: u32) {
        self.push(path_prefix, kind, Some(times), 0);
    }

    /// The next `passing` requests whose path starts with `path_prefix` run normally, then
    /// every later one suffers `kind` until [`Faults::clear`]: an ENT that stops answering (or
    /// starts failing) in the middle of a long sync, at a request a test can count on.
    pub fn inject_after(&self, path_prefix: &str, kind: FaultKind, passing: u32) {
        self.push(path_prefix, kind, None, passing);
    }

    /// Removes every injected fault and per-route delay (not [`Faults::set_latency`]).
    pub fn clear(&self) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.clear();
        }
    }

    /// Ends every cookie session and OAuth2 token, as a server restart or a timeout would.
    pub fn expire_sessions(&self) {
        self.sessions.clear();
    }

    /// Serves the next `n` requests (any path, any user), then ends every session and token
    /// right before request `n + 1` runs, once: "the session timed out in the middle of a sync".
    pub fn expire_sessions_after(&self, n: u32) {
        self.set_session_drop(Some(SessionDrop {
            left: n,
            every: None,
        }));
    }

    /// Ends every session and token after each `n` requests, until [`Faults::keep_sessions`].
    pub fn expire_sessions_every(&self, n: u32) {
        self.set_session_drop(Some(SessionDrop {
            left: n,
            every: Some(n.max(1)),
        }));
    }

    /// Turns [`Faults::expire_sessions_after`] and [`Faults::expire_sessions_every`] off.
    pub fn keep_sessions(&self) {
        self.set_session_drop(None);
    }

    fn set_session_drop(&self, drop: Option<SessionDrop>) {
        if let Ok(mut d) = self.session_drop.lock() {
            *d = drop;
        }
    }

    /// Counts one request; ends the sessions when the count says so.
    fn count_request(&self) {
        let Ok(mut guard) = self.session_drop.lock() else {
            return;
        };
        let Some(d) = guard.as_mut() else { return };
        if d.left > 0 {
            d.left -= 1;
            return;
        }
        self.sessions.clear();
        match d.every {
            Some(n) => d.left = n - 1,
            None => *guard = None,
        }
    }

    /// From now on every API call of `user_id` (an ENT id) is redirected to
    /// `/auth/revalidate-terms` until the user accepts the terms there, as entcore does when
    /// new terms of use are published (`needRevalidateTerms`).
    pub fn require_terms(&self, user_id: &str) {
        self.require_validation(user_id, Validation::Terms);
    }

    /// From now on every API call of `user_id` is redirected to the page of `validation` until
    /// the user completes it there (edifice-entcore-libs `MandatoryUserValidationFilter`).
    pub fn require_validation(&self, user_id: &str, validation: Validation) {
        if let Ok(mut v) = self.validations.lock() {
            v.insert(user_id.to_owned(), validation);
        }
    }

    /// The user did what the ENT asked (the page's form, or a test switching it off).
    pub fn accept_terms(&self, user_id: &str) {
        if let Ok(mut v) = self.validations.lock() {
            v.remove(user_id);
        }
    }

    /// What `user_id` must do on the ENT before any API call, if anything.
    pub fn validation_pending(&self, user_id: &str) -> Option<Validation> {
        self.validations.lock().ok()?.get(user_id).copied()
    }

    /// Ends every OAuth2 access token, as their `token_ttl` would, keeping refresh tokens and
    /// cookie sessions: the next call with a bearer token is sent to the login page (302) until it is refreshed.
    pub fn expire_access_tokens(&self) {
        self.sessions.with(|inner| inner.access.clear());
    }

    /// What happens to a request for `path`: how long it waits first (the latency plus the
    /// first matching [`FaultKind::Delay`]), then the first matching other fault, if any. Each
    /// rule used is counted down.
    fn take(&self, uri: &axum::http::Uri) -> (Duration, Option<FaultKind>) {
        let path = uri.path();
        let with_query = uri.path_and_query().map_or(path, |p| p.as_str());
        let latency = self.latency();
        let Ok(mut rules) = self.rules.lock() else {
            return (latency, None);
        };
        let mut matching = |delay: bool| {
            rules.iter_mut().position(|r| {
                let target = if r.path_prefix.contains('?') {
                    with_query
                } else {
                    path
                };
                let applies = matches!(r.kind, FaultKind::Delay(_)) == delay
                    && target.starts_with(&r.path_prefix);
                if applies && r.passing > 0 {
                    r.passing -= 1;
                    return false;
                }
                applies
            })
        };
        let (delay_at, fault_at) = (matching(true), matching(false));
        let delay = match delay_at.map(|i| rules[i].kind) {
            Some(FaultKind::Delay(d)) => d,
            _ => Duration::ZERO,
        };
        let fault = fault_at.map(|i| rules[i].kind);
        // Count down the later rule first so that the earlier index stays valid.
        let mut used: Vec<usize> = delay_at.into_iter().chain(fault_at).collect();
        used.sort_unstable_by(|a, b| b.cmp(a));
        for i in used {
            if let Some(n) = rules[i].remaining.as_mut() {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    rules.remove(i);
                }
            }
        }
        (latency.saturating_add(delay), fault)
    }
}

pub(crate) async fn middleware(
    State(state): State<crate::State>,
    req: Request,
    next: Next,
) -> Response {
    state.faults.count_request();
    let (delay, fault) = state.faults.take(req.uri());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Some(kind) = fault else {
        return next.run(req).await;
    };
    let abort = req.extensions().get::<ConnAbort>().cloned();
    match kind {
        FaultKind::ServerError => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        FaultKind::MalformedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"id\": [unterminated",
        )
            .into_response(),
        FaultKind::Busy {
            status,
            retry_after_secs,
        } => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            [(header::RETRY_AFTER, retry_after_secs.to_string())],
            "<html><body>Service temporairement indisponible</body></html>",
        )
            .into_response(),
        FaultKind::Endless => {
            let start: &'static [u8] = b"{\"id\": \"endless\", \"body\": \"";
            let endless = start.chain(tokio::io::repeat(b'a'));
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
                    endless,
                    64 << 10,
                )),
            )
                .into_response()
        }
        FaultKind::DropConnection => drop_connection(abort).await,
        // The connection task drops this future when the client gives up or the server stops.
        FaultKind::Hang => std::future::pending::<Response>().await,
        FaultKind::CommitThenDrop => {
            let _ = next.run(req).await;
            drop_connection(abort).await
        }
        // Never taken as a fault: `take` turns it into the wait above.
        FaultKind::Delay(_) => next.run(req).await,
    }
}

async fn drop_connection(abort: Option<ConnAbort>) -> Response {
    match abort {
        Some(ConnAbort(notify)) => {
            notify.notify_one();
            // The connection task drops this future with the connection.
            std::future::pending::<Response>().await
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
