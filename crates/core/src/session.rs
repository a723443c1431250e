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

/// How an account proves who it is when the app signs in for the user
/// ([`crate::Mailbox::sign_in_with`]).
#[derive(Debug, Clone)]
pub enum Proof {
    /// A password; `remember` (« Se souvenir de moi ») asks the ENT for its long session.
    Password { password: Secret, remember: bool },
    /// A ready-made session (kept from an SSO sign-in, or taken from the ENT's page).
    Session(Session),
    /// A bearer session of the ENT's registered client, refreshed with its refresh token.
    Connector {
        session: Session,
        oauth: OAuthClient,
    },
}

/// What the keyring (and the app's settings) hold for an account the app opens at startup.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    /// The password « Se souvenir de moi » kept (or the demo's).
    pub password: Option<Secret>,
    /// The ENT session an SSO sign-in kept.
    pub session: Option<Session>,
    /// The ENT's registered client, when one is configured.
    pub connector: Option<OAuthClient>,
}

impl Proof {
    /// The proof a remembered account signs in again with at startup: the kept password first
    /// (it works as long as the user does not change it), else the kept ENT session (it lasts
    /// as long as the ENT keeps it; a bearer one with the connector it came from, so that it is
    /// refreshed). `None`: nothing kept, the sign-in screen.
    pub fn at_startup(kept: Kept) -> Option<Proof> {
        if let Some(password) = kept.password {
            return Some(Proof::Password {
                password,
                remember: true,
            });
        }
        let session = kept.session?;
        Some(match (&session, kept.connector) {
            (Session::Bearer { .. }, Some(oauth)) => Proof::Connector { session, oauth },
            _ => Proof::Session(session),
        })
    }

    /// What the client may use before the ENT is reached (the account opened from its store,
    /// the sign-in running behind the window): the session and the connector to refresh it.
    /// A password signs in only when the ENT answers.
    pub fn offline_parts(&self) -> (Option<Session>, Option<OAuthClient>) {
        match self {
            Proof::Session(session) => (Some(session.clone()), None),
            Proof::Connector { session, oauth } => (Some(session.clone()), Some(oauth.clone())),
            Proof::Password { .. } => (None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie() -> Session {
        Session::Cookie {
            one_session_id: Secret::new("sid"),
            xsrf_token: None,
        }
    }

    fn bearer() -> Session {
        Session::Bearer {
            access_token: Secret::new("at"),
            refresh_token: Some(Secret::new("rt")),
        }
    }

    fn connector() -> OAuthClient {
        OAuthClient {
            client_id: "messagerie-desktop".into(),
            client_secret: Secret::new("s"),
        }
    }

    #[test]
    fn the_startup_proof_is_the_password_then_the_kept_session_then_none() {
        let password = Some(Secret::new("pw"));
        let name = |p: Option<Proof>| match p {
            Some(Proof::Password { remember: true, .. }) => "password",
            Some(Proof::Password { .. }) => "password, not remembered",
            Some(Proof::Session(Session::Cookie { .. })) => "cookie session",
            Some(Proof::Session(Session::Bearer { .. })) => "bearer session, no refresh",
            Some(Proof::Connector { .. }) => "connector",
            None => "sign-in screen",
        };
        let cases = [
            (Kept::default(), "sign-in screen"),
            (
                Kept {
                    password: password.clone(),
                    session: Some(cookie()),
                    connector: Some(connector()),
                },
                "password",
            ),
            (
                Kept {
                    session: Some(cookie()),
                    connector: Some(connector()),
                    ..Kept::default()
                },
                "cookie session",
            ),
            (
                Kept {
                    session: Some(bearer()),
                    connector: Some(connector()),
                    ..Kept::default()
                },
                "connector",
            ),
            (
                Kept {
                    session: Some(bearer()),
                    ..Kept::default()
                },
                "bearer session, no refresh",
            ),
            (
                Kept {
                    connector: Some(connector()),
                    ..Kept::default()
                },
                "sign-in screen",
            ),
        ];
        for (kept, expected) in cases {
            let shown = format!("{kept:?}");
            assert_eq!(name(Proof::at_startup(kept)), expected, "{shown}");
        }
    }

    #[test]
    fn only_a_session_opens_the_client_before_the_ent_answers() {
        let password = Proof::Password {
            password: Secret::new("pw"),
            remember: true,
        };
        let with_connector = Proof::Connector {
            session: bearer(),
            oauth: connector(),
        };

        assert!(matches!(password.offline_parts(), (None, None)));
        assert!(matches!(
            Proof::Session(cookie()).offline_parts(),
            (Some(Session::Cookie { .. }), None)
        ));
        assert!(matches!(
            with_connector.offline_parts(),
            (Some(Session::Bearer { .. }), Some(_))
        ));
    }
}
