//! Staying signed in with a registered OAuth2 client (« connecteur »), whatever the way the
//! user signs in (EduConnect, CAS, SAML, password): the authorization-code flow and
//! token-as-cookie (spec §12 item 34).
//!
//! 1. [`Authorization::new`] gives the `/auth/oauth2/auth` address to open in the sign-in
//!    window, with a fresh random `state`.
//! 2. The window signs in however the ENT asks, then the ENT redirects to `redirect_uri`;
//!    the app catches that navigation and hands its address to [`Authorization::code_from`]
//!    (or, with a web session already in hand, [`request_code`] does both steps).
//! 3. [`exchange_code`] turns the code into a [`Session::Bearer`] whose refresh token keeps the
//!    user signed in (the client refreshes it by itself, `Client::sign_in_again`).
//! 4. [`token_as_cookie`] gives a web session for the bearer token where one is needed.
//!
//! entcore: `auth/src/main/java/org/entcore/auth/controllers/AuthController.java`
//! (`authorize`, `tokenAsCookie`), `auth/…/oauth/OAuthAuthorizationResponse.java`;
//! edificeio/oauth2-server `granttype/impl/AuthorizationCode.java`.

use reqwest::{Method, Url};

use super::{ApiError, Body, Call, Client};
use crate::error::ErrorKind;
use crate::session::{OAuthClient, Secret, Session, OAUTH_SCOPE};

/// What can go wrong while signing in through the authorization-code flow.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The address is not the ENT's redirect to `redirect_uri` (the window went elsewhere).
    #[error("the sign-in window did not come back to the application's address, sign in again")]
    NotOurRedirect,
    /// The `state` sent back is not the one of this sign-in: an answer to another sign-in, or
    /// a forged one.
    #[error("the ENT's answer does not belong to this sign-in, sign in again")]
    StateMismatch,
    /// The ENT sent an OAuth2 error (`unauthorized_client`, `invalid_scope`…) instead of a code.
    #[error("the ENT refused to sign in this application ({error}): ask the ENT administrator to check the connector")]
    Denied { error: String },
    /// A redirect with neither a code nor an error.
    #[error("the ENT sent no authorization code, sign in again")]
    MissingCode,
    /// The token endpoint refused the code: expired (10 minutes), already used, or issued for
    /// another address.
    #[error("the ENT refused the sign-in code ({}), sign in again", reason.as_deref().unwrap_or("no reason given"))]
    CodeRefused { reason: Option<String> },
    /// The token endpoint does not know the client id and secret, or the client lacks the
    /// `authorization_code` grant.
    #[error("the ENT does not accept this application's client id or secret: check them with the ENT administrator")]
    ClientRefused { reason: Option<String> },
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl SignInError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            SignInError::Api(e) => e.kind(),
            SignInError::ClientRefused { .. } | SignInError::Denied { .. } => ErrorKind::NotAllowed,
            _ => ErrorKind::SessionExpired,
        }
    }
}

/// One sign-in through `/auth/oauth2/auth`: the address to open and what its answer must match.
/// `Debug` shows neither the state nor the address that carries it.
#[derive(Clone)]
pub struct Authorization {
    /// The address to open in the sign-in window.
    pub url: String,
    /// Where the ENT will send the code; give the same to [`exchange_code`].
    pub redirect_uri: String,
    /// The random value the ENT must send back (against forged answers, RFC 6749 §10.12).
    pub state: Secret,
}

impl Authorization {
    /// `GET {base_url}/auth/oauth2/auth?response_type=code&client_id=…&redirect_uri=…&scope=…&state=…`
    /// with the scopes the app uses ([`OAUTH_SCOPE`]) and a new random state.
    pub fn new(base_url: &str, oauth: &OAuthClient, redirect_uri: &str) -> Authorization {
        let state = Secret::new(uuid::Uuid::new_v4().simple().to_string());
        let query = [
            ("response_type", "code"),
            ("client_id", oauth.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", OAUTH_SCOPE),
            ("state", state.expose()),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", ent_protocol::paths::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
        Authorization {
            url: format!(
                "{}{}?{query}",
                base_url.trim_end_matches('/'),
                ent_protocol::paths::OAUTH2_AUTH
            ),
            redirect_uri: redirect_uri.to_string(),
            state,
        }
    }

    /// True when the sign-in window navigates to the application's address: the app stops
    /// the navigation there and calls [`Authorization::code_from`].
    pub fn is_redirect(&self, address: &str) -> bool {
        same_endpoint(address, &self.redirect_uri)
    }

    /// The code in the address the ENT redirected to, once its `state` is checked.
    pub fn code_from(&self, address: &str) -> Result<Secret, SignInError> {
        if !self.is_redirect(address) {
            return Err(SignInError::NotOurRedirect);
        }
        let url = Url::parse(address).map_err(|_| SignInError::NotOurRedirect)?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        // A state that differs means the answer is not ours, whatever else it says.
        let state_ok = param("state").is_some_and(|s| same_secret(&s, self.state.expose()));
        if !state_ok {
            return Err(SignInError::StateMismatch);
        }
        if let Some(error) = param("error") {
            return Err(SignInError::Denied { error });
        }
        param("code")
            .filter(|c| !c.is_empty())
            .map(Secret::new)
            .ok_or(SignInError::MissingCode)
    }
}

impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// Same scheme, host, port and path (the query and fragment are the ENT's answer).
fn same_endpoint(address: &str, redirect_uri: &str) -> bool {
    match (Url::parse(address), Url::parse(redirect_uri)) {
        (Ok(a), Ok(r)) => {
            a.scheme() == r.scheme()
                && a.host_str() == r.host_str()
                && a.port_or_known_default() == r.port_or_known_default()
                && a.path() == r.path()
                && a.username().is_empty()
                && a.password().is_none()
        }
        _ => false,
    }
}

fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `GET /auth/oauth2/auth` with the client's current web session (what the sign-in window does
/// once signed in): the code the ENT redirects to. Without a live session: `SessionExpired`.
pub async fn request_code(client: &Client, auth: &Authorization) -> Result<Secret, SignInError> {
    let path = auth
        .url
        .strip_prefix(client.base_url())
        .ok_or(SignInError::NotOurRedirect)?;
    // The code comes in a 302, which `send_raw` never takes as a success: read the raw answer,
    // and classify it as any other call when it does not go to our address (a 302 to the login
    // page is `SessionExpired`).
    let call = Call::get(path);
    let session = client.session().await;
    let answer = client.exchange(&call, session.as_ref()).await?;
    let location = answer
        .headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| auth.is_redirect(l))
        .map(str::to_owned);
    match location {
        Some(location) => auth.code_from(&location),
        None => {
            super::classify(client.base_url(), call.what(), answer)?;
            Err(SignInError::MissingCode)
        }
    }
}

fn field(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// `POST /auth/oauth2/token`, `authorization_code` grant: the code (with the same
/// `redirect_uri`) becomes an access token (one hour by default) and a refresh token that lasts
/// until revoked. Single use: a second exchange fails and, on ent-server, revokes the first
/// tokens.
pub async fn exchange_code(
    client: &Client,
    oauth: &OAuthClient,
    code: &Secret,
    redirect_uri: &str,
) -> Result<Session, SignInError> {
    let form = vec![
        field("grant_type", "authorization_code"),
        field("client_id", &oauth.client_id),
        field("client_secret", oauth.client_secret.expose()),
        field("code", code.expose()),
        field("redirect_uri", redirect_uri),
    ];
    let call = Call::write(
        Method::POST,
        ent_protocol::paths::OAUTH2_TOKEN,
        Body::Form(form),
    );
    // Not through `send_raw`: a refused code must not trigger a sign-in with another session.
    match client.attempt(&call, None).await {
        Ok(answer) => {
            let token: super::wire::TokenResponse =
                super::decode("POST /auth/oauth2/token", &answer.bytes)?;
            Ok(Session::Bearer {
                access_token: Secret::new(token.access_token),
                refresh_token: token.refresh_token.map(Secret::new),
            })
        }
        Err(ApiError::Refused { reason, .. }) => Err(match reason.as_deref() {
            Some("invalid_client" | "unauthorized_client") => SignInError::ClientRefused { reason },
            _ => SignInError::CodeRefused { reason },
        }),
        Err(ApiError::NotAllowed { .. }) => Err(SignInError::ClientRefused { reason: None }),
        Err(e) => Err(e.into()),
    }
}

/// `POST /auth/oauth2/token-as-cookie` with `Authorization: Bearer` (AuthController
/// `tokenAsCookie`): a web session (`oneSessionId`, and `XSRF-TOKEN` when the ENT sets it at
/// once — entcore sets it only when it renders a page) for the token's user.
pub async fn token_as_cookie(client: &Client, access_token: &Secret) -> Result<Session, ApiError> {
    let bearer = Session::Bearer {
        access_token: access_token.clone(),
        refresh_token: None,
    };
    let call = Call::write(
        Method::POST,
        ent_protocol::paths::OAUTH2_TOKEN_AS_COOKIE,
        Body::None,
    );
    let answer = client.attempt(&call, Some(&bearer)).await?;
    let mut session_id = None;
    let mut xsrf = None;
    for value in answer.headers.get_all(reqwest::header::SET_COOKIE) {
        let Some((name, rest)) = value.to_str().ok().and_then(|t| t.split_once('=')) else {
            continue;
        };
        let value = rest.split(';').next().unwrap_or_default().trim();
        if value.is_empty() {
            continue;
        }
        match name.trim() {
            n if n == super::wire::SESSION_COOKIE => session_id = Some(Secret::new(value)),
            n if n == super::wire::XSRF_COOKIE => xsrf = Some(Secret::new(value)),
            _ => {}
        }
    }
    match session_id {
        Some(one_session_id) => Ok(Session::Cookie {
            one_session_id,
            xsrf_token: xsrf,
        }),
        None => Err(ApiError::BadAnswer {
            what: "POST /auth/oauth2/token-as-cookie".into(),
            detail: "no oneSessionId cookie".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Authorization {
        let oauth = OAuthClient {
            client_id: "messagerie-desktop".into(),
            client_secret: Secret::new("s"),
        };
        Authorization::new(
            "https://ent.example.org/",
            &oauth,
            "http://127.0.0.1/messagerie/oauth2/callback",
        )
    }

    #[test]
    fn the_authorization_address_names_the_client_the_scopes_and_a_random_state() {
        let a = auth();
        let url = Url::parse(&a.url).unwrap();
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(url.path(), "/auth/oauth2/auth");
        assert!(q.contains(&("response_type".into(), "code".into())));
        assert!(q.contains(&("client_id".into(), "messagerie-desktop".into())));
        assert!(q.contains(&("scope".into(), OAUTH_SCOPE.into())));
        assert!(q.contains(&(
            "redirect_uri".into(),
            "http://127.0.0.1/messagerie/oauth2/callback".into()
        )));
        assert!(q.contains(&("state".into(), a.state.expose().into())));
        assert_ne!(auth().state, a.state);
        assert!(!format!("{a:?}").contains(a.state.expose()));
    }

    #[test]
    fn the_code_is_taken_only_from_our_address_with_our_state() {
        let a = auth();
        let s = a.state.expose();
        let cb = "http://127.0.0.1/messagerie/oauth2/callback";
        assert_eq!(
            a.code_from(&format!("{cb}?code=abc&state={s}")).unwrap(),
            Secret::new("abc")
        );
        assert!(matches!(
            a.code_from(&format!("{cb}?code=abc&state=other")),
            Err(SignInError::StateMismatch)
        ));
        assert!(matches!(
            a.code_from(&format!("{cb}?code=abc")),
            Err(SignInError::StateMismatch)
        ));
        assert!(matches!(
            a.code_from(&format!("{cb}?error=invalid_scope&state={s}")),
            Err(SignInError::Denied { error }) if error == "invalid_scope"
        ));
        assert!(matches!(
            a.code_from(&format!("{cb}?state={s}")),
            Err(SignInError::MissingCode)
        ));
        for elsewhere in [
            format!("https://evil.example/messagerie/oauth2/callback?code=abc&state={s}"),
            format!("http://127.0.0.1:8080/messagerie/oauth2/callback?code=abc&state={s}"),
            format!("http://127.0.0.1/messagerie/oauth2/other?code=abc&state={s}"),
            format!("http://x@127.0.0.1/messagerie/oauth2/callback?code=abc&state={s}"),
            "not a url".to_string(),
        ] {
            assert!(
                matches!(a.code_from(&elsewhere), Err(SignInError::NotOurRedirect)),
                "{elsewhere}"
            );
        }
    }
}
