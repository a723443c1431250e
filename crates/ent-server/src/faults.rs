//! Fault injection for tests: make a route answer 500 or malformed JSON, drop the connection,
//! or run the request (committing its writes) and then drop the connection before answering.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Sessions;

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer 500 without running the handler.
    ServerError,
    /// Answer 200 `application/json` with a body that is not JSON, without running the handler.
    MalformedJson,
    /// Close the connection without answering and without running the handler.
    DropConnection,
    /// Run the handler (its transaction commits), then close the connection without answering:
    /// "the server was killed right after it committed".
    CommitThenDrop,
}

#[derive(Debug)]
struct Rule {
    path_prefix: String,
    kind: FaultKind,
    /// `None`: until cleared.
    remaining: Option<u32>,
}

/// Per-connection signal that makes the accept loop drop the connection.
#[derive(Clone)]
pub(crate) struct ConnAbort(pub Arc<tokio::sync::Notify>);

/// The fault-injection hook of a [`crate::ServerHandle`].
pub struct Faults {
    rules: Mutex<Vec<Rule>>,
    sessions: Sessions,
}

impl Faults {
    pub(crate) fn new(sessions: Sessions) -> Faults {
        Faults {
            rules: Mutex::new(Vec::new()),
            sessions,
        }
    }

    fn push(&self, path_prefix: &str, kind: FaultKind, remaining: Option<u32>) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.push(Rule {
                path_prefix: path_prefix.to_owned(),
                kind,
                remaining,
            });
        }
    }

    /// Every request whose path starts with `path_prefix` suffers `kind` until [`Faults::clear`].
    pub fn inject(&self, path_prefix: &str, kind: FaultKind) {
        self.push(path_prefix, kind, None);
    }

    /// The next `times` requests whose path starts with `path_prefix` suffer `kind`.
    pub fn inject_times(&self, path_prefix: &str, kind: FaultKind, times: u32) {
        self.push(path_prefix, kind, Some(times));
    }

    /// Removes every injected fault.
    pub fn clear(&self) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.clear();
        }
    }

    /// Ends every cookie session and OAuth2 token, as a server restart or a timeout would.
    pub fn expire_sessions(&self) {
        self.sessions.clear();
    }

    /// Ends every OAuth2 access token, as their `token_ttl` would, keeping refresh tokens and
    /// cookie sessions: the next call with a bearer token gets 401 until it is refreshed.
    pub fn expire_access_tokens(&self) {
        self.sessions.with(|inner| inner.access.clear());
    }

    fn take(&self, path: &str) -> Option<FaultKind> {
        let mut rules = self.rules.lock().ok()?;
        let i = rules
            .iter()
            .position(|r| path.starts_with(&r.path_prefix))?;
        let kind = rules[i].kind;
        if let Some(n) = rules[i].remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                rules.remove(i);
            }
        }
        Some(kind)
    }
}

pub(crate) async fn middleware(
    State(state): State<crate::State>,
    req: Request,
    next: Next,
) -> Response {
    let Some(kind) = state.faults.take(req.uri().path()) else {
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
        FaultKind::DropConnection => drop_connection(abort).await,
        FaultKind::CommitThenDrop => {
            let _ = next.run(req).await;
            drop_connection(abort).await
        }
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
