//! Who the client is on the ENT: credentials to sign in, and the session that results.
//!
//! Secrets live in [`Secret`], whose `Debug` prints nothing, so a session can be logged or
//! put in an error without leaking a password, a cookie or a token.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A string that never shows in `Debug` output nor in logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// An OAuth2 client registered on the ENT (§2.3); when configured, sign-in uses the password
/// grant instead of the login form.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: Secret,
}

/// What the client needs to sign in by itself.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub login: String,
    pub password: Secret,
}

/// A live session on the ENT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Session {
    /// The web session of `/auth/login`: the `oneSessionId` cookie, and the `XSRF-TOKEN`
    /// echoed in `X-XSRF-TOKEN` on writes (§2.2). Also what the app hands in after an SSO
    /// sign-in in the ENT's own login page.
    #[serde(rename_all = "camelCase")]
    Cookie {
        one_session_id: Secret,
        xsrf_token: Option<Secret>,
    },
    /// An OAuth2 bearer token and its refresh token (§2.3).
    #[serde(rename_all = "camelCase")]
    Bearer {
        access_token: Secret,
        refresh_token: Option<Secret>,
    },
}

/// Scopes of the password grant: one per module the client calls (§11.1).
pub const OAUTH_SCOPE: &str =
    "conversation timeline communication directory userbook workspace userinfo";
