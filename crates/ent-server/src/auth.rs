//! Authentication (§2): cookie sessions with CSRF, the HTML login page, OAuth2 password and
//! refresh grants, userinfo, and the [`Caller`] extractor every protected route uses. The
//! authorization-code flow, token-as-cookie and the SSO-like page are in `crate::oauth2`.
//!
//! Sessions and tokens live in memory: a restart signs everyone out, which a client must
//! survive anyway (§12 item 7). Ids come from UUID v4 (the OS CSPRNG).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use ent_protocol::{
    AuthorizedAction, LoginForm, OAuth2Error, TokenRequest, TokenResponse, UserInfo,
};

use crate::error::ApiError;
use crate::State as AppState;

/// A secret string whose Debug never shows it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

pub(crate) fn random_token() -> Secret {
    Secret(format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    ))
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user_id: String,
    pub xsrf: Secret,
    pub expires: Instant,
    /// Idle lifetime: `session_ttl`, or `remembered_session_ttl` after `rememberMe=true`.
    pub ttl: Duration,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub user_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires: Instant,
}

#[derive(Default)]
pub(crate) struct Inner {
    pub sessions: HashMap<String, Session>,
    pub access: HashMap<String, Token>,
    pub refresh: HashMap<String, Token>,
    /// Authorization codes (`crate::oauth2`), by code.
    pub codes: HashMap<String, crate::oauth2::Code>,
}

/// Cookie sessions and OAuth2 tokens.
#[derive(Clone, Default)]
pub(crate) struct Sessions(Arc<Mutex<Inner>>);

impl Sessions {
    pub fn clear(&self) {
        if let Ok(mut inner) = self.0.lock() {
            *inner = Inner::default();
        }
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> Option<T> {
        self.0.lock().ok().map(|mut inner| f(&mut inner))
    }
}

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub user_id: String,
}

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The module whose scope a bearer token needs for this path (§2.3).
fn module_of(path: &str) -> &str {
    if path.starts_with("/auth/oauth2/userinfo") {
        return "userinfo";
    }
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let now = Instant::now();
        let callback = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        if let Some(auth) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            if let Some(token) = auth.strip_prefix("Bearer ") {
                let module = module_of(parts.uri.path()).to_owned();
                let found = state
                    .sessions
                    .with(|inner| inner.access.get(token.trim()).cloned());
                return match found.flatten() {
                    Some(t) if t.expires > now && t.scopes.contains(&module) => {
                        Ok(Caller { user_id: t.user_id })
                    }
                    Some(t) if t.expires > now => Err(ApiError::Unauthorized),
                    _ => Err(bearer_expired(state, callback)),
                };
            }
        }
        let Some(sid) = cookie(&parts.headers, ent_protocol::SESSION_COOKIE) else {
            return Err(login_required(state, callback));
        };
        let session = state
            .sessions
            .with(|inner| match inner.sessions.get_mut(sid) {
                Some(s) if s.expires > now => {
                    s.expires = now + s.ttl;
                    Some(s.clone())
                }
                Some(_) => {
                    inner.sessions.remove(sid);
                    None
                }
                None => None,
            })
            .flatten();
        let Some(session) = session else {
            return Err(login_required(state, callback));
        };
        if matches!(
            parts.method,
            Method::POST | Method::PUT | Method::DELETE | Method::PATCH
        ) && !xsrf_matches(&parts.headers, &session)
        {
            return Err(ApiError::Xsrf);
        }
        terms_gate(state, parts.uri.path(), &session.user_id)?;
        Ok(Caller {
            user_id: session.user_id,
        })
    }
}

/// The CSRF check of a cookie session: the `X-XSRF-TOKEN` header must be the token issued to
/// THIS session at sign-in. entcore's `CsrfFilter.compareToken` also accepts a header equal to
/// the `XSRF-TOKEN` cookie of the same request, whatever the session; a site able to plant a
/// cookie on the ENT's domain (a sibling subdomain) could then forge any write, so ent-server
/// does not (COMPATIBILITY.md).
fn xsrf_matches(headers: &HeaderMap, session: &Session) -> bool {
    headers
        .get(ent_protocol::XSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|h| same_secret(h.as_bytes(), session.xsrf.0.as_bytes()))
}

/// Compares two secrets in a time that depends only on their lengths.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// No session: 302 to the login page, or to the configured `login_uri` (a CAS or SAML
/// provider), as entcore's `UserAuthFilter` does with `loginUri` (auth `Auth.java` puts it in the
/// shared map the filter reads; spec §12 item 29).
fn login_required(state: &AppState, callback: String) -> ApiError {
    match &state.cfg.login_uri {
        Some(uri) => {
            let sep = if uri.contains('?') { '&' } else { '?' };
            ApiError::Redirect {
                location: format!(
                    "{uri}{sep}callback={}",
                    ent_protocol::paths::encode(&callback)
                ),
                end_session: true,
            }
        }
        None => ApiError::LoginRequired { callback },
    }
}

/// An unknown or expired bearer token: entcore's `UserAuthFilter` finds no user and redirects
/// to the login page like a lost session (302, spec §12 item 31), never 401.
fn bearer_expired(state: &AppState, callback: String) -> ApiError {
    login_required(state, callback)
}

/// A user with new terms to accept (or an e-mail address or a second factor to confirm) is sent
/// to that page on every call outside `/auth` (edifice-entcore-libs
/// `MandatoryUserValidationFilter`, spec §12 item 29; cookie sessions only).
fn terms_gate(state: &AppState, path: &str, user_id: &str) -> Result<(), ApiError> {
    if path.starts_with("/auth/") {
        return Ok(());
    }
    match state.faults.validation_pending(user_id) {
        None => Ok(()),
        Some(validation) => Err(ApiError::Redirect {
            location: validation.location().to_owned(),
            end_session: false,
        }),
    }
}

/// The page where a user accepts new terms of use.
pub(crate) const REVALIDATE_TERMS: &str = "/auth/revalidate-terms";

/// The user and the XSRF token of the cookie session a request carries, for the HTML pages
/// (which set the `XSRF-TOKEN` cookie, as entcore's `SecurityHookRender` does).
pub(crate) fn cookie_session(state: &AppState, headers: &HeaderMap) -> Option<(String, String)> {
    let sid = cookie(headers, ent_protocol::SESSION_COOKIE)?;
    let now = Instant::now();
    state
        .sessions
        .with(|inner| {
            inner
                .sessions
                .get(sid)
                .filter(|s| s.expires > now)
                .map(|s| (s.user_id.clone(), s.xsrf.0.clone()))
        })
        .flatten()
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login_page).post(login))
        .route("/auth/logout", get(logout).post(logout_confirmed))
        .route("/auth/oauth2/token", post(token))
        .route("/auth/oauth2/userinfo", get(userinfo).post(userinfo))
}

pub(crate) fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn login_html(error: Option<&str>, callback: &str) -> Html<String> {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape_html(e)))
        .unwrap_or_default();
    Html(format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Connexion</title></head>\
<body><h1>Connexion à l'ENT</h1>{error}<form method=\"post\" action=\"/auth/login\">\
<label>Identifiant <input name=\"email\" autocomplete=\"username\" required></label>\
<label>Mot de passe <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
<input type=\"hidden\" name=\"callBack\" value=\"{}\">\
<button type=\"submit\">Se connecter</button></form>\
<p><a href=\"/sso-demo/login?{}\">Se connecter avec ÉduConnect</a></p></body></html>",
        escape_html(callback),
        escape_html(
            &form_urlencoded::Serializer::new(String::new())
                .append_pair("callBack", callback)
                .finish()
        )
    ))
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    callback: Option<String>,
}

async fn login_page(Query(q): Query<LoginQuery>) -> Html<String> {
    login_html(None, &safe_callback(q.callback.as_deref()))
}

/// Longest callback followed; longer ones fall back to `/`.
const MAX_CALLBACK_LEN: usize = 2048;

/// Only same-site paths are followed after login and logout (no open redirect): a `/`, then a
/// letter or digit, as entcore's `DefaultSafeRedirectionService.canRedirectTo` requires of a
/// path (`^/[A-Za-z0-9].*$`), and nowhere a backslash, a control character or white space
/// (browsers drop tabs and line breaks from URLs and read `\` as `/`, so `/\evil.example` and
/// `/<TAB>/evil.example` both mean `//evil.example`). Absolute URLs are refused whatever the
/// host: entcore follows those of its own whitelist of hosts, ent-server has none. Anything
/// else becomes `/`.
pub(crate) fn safe_callback(cb: Option<&str>) -> String {
    let Some(c) = cb else {
        return "/".to_owned();
    };
    let mut chars = c.chars();
    let path_start = chars.next() == Some('/')
        && chars
            .next()
            .is_none_or(|second| second.is_ascii_alphanumeric());
    let clean = !c
        .chars()
        .any(|ch| ch == '\\' || ch.is_control() || ch.is_whitespace());
    if path_start && clean && c.len() <= MAX_CALLBACK_LEN {
        c.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Why a login and password gave no user.
pub(crate) enum PasswordRefusal {
    /// The directory refused them (unknown login, wrong password, blocked account…).
    Refused(ent_directory::AuthError),
    /// The check itself did not run to its end (its blocking task panicked).
    Failed,
}

/// The id of the user `login` names when `password` is his. Password hashing is deliberately
/// slow: it runs off the async threads.
pub(crate) async fn verify_password(
    state: &AppState,
    login: String,
    password: String,
) -> Result<String, PasswordRefusal> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        st.cfg
            .directory
            .verify_password(&login, &password)
            .map(|u| u.id.clone())
    })
    .await
    .map_err(|_| PasswordRefusal::Failed)?
    .map_err(PasswordRefusal::Refused)
}

async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    let callback = safe_callback(form.callback.as_deref());
    let checked = verify_password(&state, form.email.clone(), form.password.clone()).await;
    let user_id = match checked {
        Ok(id) => id,
        Err(PasswordRefusal::Refused(e)) => {
            tracing::debug!(login = %form.email, reason = %e, "login refused");
            return login_html(Some("Identifiant ou mot de passe incorrect."), &callback)
                .into_response();
        }
        Err(PasswordRefusal::Failed) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let remember = form.remember_me.as_deref() == Some("true");
    let resp = (StatusCode::FOUND, [(header::LOCATION, callback)]).into_response();
    // entcore sets `XSRF-TOKEN` at sign-in only with `xsrfOnAuth` (AuthController.java
    // `createSession`); otherwise the first HTML page rendered sets it (see `pages`).
    open_web_session(&state, user_id, remember, state.cfg.xsrf_on_auth, resp)
}

/// Opens a cookie session for `user_id` and adds its cookies to `resp`: `oneSessionId`,
/// `authenticated` and, when `xsrf_cookie`, `XSRF-TOKEN`. Without `remember` they are browser
/// session cookies (entcore without `cookie_timeout`) and the session ends after
/// `session_ttl` idle; with it (« Se souvenir de moi », `rememberMe`), one year, as entcore's
/// `createSession` sets them.
pub(crate) fn open_web_session(
    state: &AppState,
    user_id: String,
    remember: bool,
    xsrf_cookie: bool,
    mut resp: Response,
) -> Response {
    let sid = random_token();
    let xsrf = Secret(uuid::Uuid::new_v4().to_string());
    let (ttl, max_age) = if remember {
        (state.cfg.remembered_session_ttl, "; Max-Age=31536000")
    } else {
        (state.cfg.session_ttl, "")
    };
    state.sessions.with(|inner| {
        inner.sessions.insert(
            sid.0.clone(),
            Session {
                user_id,
                xsrf: xsrf.clone(),
                expires: Instant::now() + ttl,
                ttl,
            },
        )
    });
    let mut cookies = vec![
        format!("oneSessionId={}; Path=/; HttpOnly{max_age}", sid.0),
        format!("authenticated=true; Path=/{max_age}"),
    ];
    if xsrf_cookie {
        cookies.push(format!("XSRF-TOKEN={}; Path=/", xsrf.0));
    }
    for c in cookies {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// The cookie session a request names, if it is still open.
fn open_session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let sid = cookie(headers, ent_protocol::SESSION_COOKIE)?;
    let now = Instant::now();
    state
        .sessions
        .with(|inner| inner.sessions.get(sid).filter(|s| s.expires > now).cloned())
        .flatten()
}

/// True when a browser says the request comes from the ENT's own pages or from the user
/// himself (typed address, bookmark): `Sec-Fetch-Site` `same-origin` or `none`.
fn same_origin_navigation(headers: &HeaderMap) -> bool {
    matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("same-origin" | "none")
    )
}

/// `GET /auth/logout` (§2.2). entcore signs out on any GET (AuthController `logout`,
/// `logoutCallback`), so any page can sign its visitors out with an `<img>`. Here a GET signs
/// out only when it carries the session's `X-XSRF-TOKEN` header (what a desktop client sends;
/// entcore ignores that header, so the same call works on both) or comes from the ENT's own
/// pages (`Sec-Fetch-Site: same-origin`/`none`). Any other GET with an open session gets a
/// confirmation page whose form posts the session's token to `POST /auth/logout`.
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let callback = safe_callback(q.callback.as_deref());
    match open_session(&state, &headers) {
        Some(session) if !xsrf_matches(&headers, &session) && !same_origin_navigation(&headers) => {
            // It holds the token: never framed by another site (one click away from a sign-out),
            // never cached.
            (
                [
                    (header::X_FRAME_OPTIONS, "DENY"),
                    (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                logout_page(&session, &callback),
            )
                .into_response()
        }
        _ => sign_out(&state, &headers, &callback),
    }
}

fn logout_page(session: &Session, callback: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Déconnexion</title></head>\
<body><h1>Se déconnecter de l'ENT ?</h1><form method=\"post\" action=\"/auth/logout\">\
<input type=\"hidden\" name=\"xsrf\" value=\"{}\">\
<input type=\"hidden\" name=\"callback\" value=\"{}\">\
<button type=\"submit\">Se déconnecter</button></form></body></html>",
        escape_html(&session.xsrf.0),
        escape_html(callback)
    ))
}

/// `POST /auth/logout` (an ent-server addition, see [`logout`]): signs out when the session's
/// token comes in the `X-XSRF-TOKEN` header or in the form field `xsrf` of the confirmation
/// page; otherwise 403 `invalid.xsrf.token` and the session stays open.
async fn logout_confirmed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
    body: axum::body::Bytes,
) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let callback = safe_callback(
        form.get("callback")
            .map(String::as_str)
            .or(q.callback.as_deref()),
    );
    if let Some(session) = open_session(&state, &headers) {
        let form_token = form
            .get("xsrf")
            .is_some_and(|t| same_secret(t.as_bytes(), session.xsrf.0.as_bytes()));
        if !form_token && !xsrf_matches(&headers, &session) {
            return ApiError::Xsrf.into_response();
        }
    }
    sign_out(&state, &headers, &callback)
}

/// Ends the request's session, clears the cookies, redirects to `callback` (already safe).
fn sign_out(state: &AppState, headers: &HeaderMap, callback: &str) -> Response {
    if let Some(sid) = cookie(headers, ent_protocol::SESSION_COOKIE) {
        state.sessions.with(|inner| inner.sessions.remove(sid));
    }
    let mut resp = (StatusCode::FOUND, [(header::LOCATION, callback.to_owned())]).into_response();
    for c in [
        "oneSessionId=; Path=/; Max-Age=0",
        "authenticated=; Path=/; Max-Age=0",
        "XSRF-TOKEN=; Path=/; Max-Age=0",
    ] {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn oauth_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    (
        status,
        Json(OAuth2Error {
            error: error.to_owned(),
            error_description: description.map(str::to_owned),
        }),
    )
        .into_response()
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = decode_base64(encoded.trim())?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(req): Form<TokenRequest>,
) -> Response {
    let (client_id, secret) = match (basic_credentials(&headers), &req.client_id) {
        (Some(c), _) => c,
        (None, Some(id)) => (id.clone(), req.client_secret.clone().unwrap_or_default()),
        (None, None) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", None),
    };
    let Some(client) = state.cfg.directory.oauth_client(&client_id) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", None);
    };
    if !client.check_secret(&secret) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", None);
    }
    let requested: Vec<String> = req
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let now = Instant::now();
    // entcore answers a refresh with the same refresh token (oauth2-server
    // `AbstractGrantHandler.issueAccessToken` returns `authInfo.getRefreshToken()`): no rotation.
    let (user_id, scopes, kept_refresh) = match req.grant_type.as_str() {
        "password" => {
            if !client.allows_grant("password") {
                return oauth_error(StatusCode::BAD_REQUEST, "unauthorized_client", None);
            }
            if !client.allows_scopes(requested.iter().map(String::as_str)) {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", None);
            }
            let (Some(login), Some(password)) = (req.username.clone(), req.password.clone()) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", None);
            };
            match verify_password(&state, login, password).await {
                Ok(id) => (id, requested, None),
                Err(PasswordRefusal::Refused(e)) => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        Some(e.entcore_code()),
                    )
                }
                Err(PasswordRefusal::Failed) => {
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
            }
        }
        "refresh_token" => {
            let Some(rt) = req.refresh_token.as_deref() else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", None);
            };
            let found = state
                .sessions
                .with(|inner| inner.refresh.get(rt).cloned())
                .flatten();
            match found {
                Some(t) if t.client_id == client_id => (t.user_id, t.scopes, Some(rt.to_owned())),
                _ => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None),
            }
        }
        "authorization_code" => match crate::oauth2::redeem_code(&state, client, &req) {
            Ok((user_id, scopes)) => (user_id, scopes, None),
            Err(error) => return oauth_error(StatusCode::BAD_REQUEST, error, None),
        },
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", None),
    };
    let access = random_token();
    let refresh = kept_refresh.map(Secret).unwrap_or_else(random_token);
    let ttl: Duration = state.cfg.token_ttl;
    let t = Token {
        user_id,
        client_id,
        scopes: scopes.clone(),
        expires: now + ttl,
    };
    state.sessions.with(|inner| {
        inner.access.insert(access.0.clone(), t.clone());
        // Refresh tokens do not expire until revoked (the refresh grant never looks at
        // `expires`).
        inner.refresh.entry(refresh.0.clone()).or_insert(t);
    });
    Json(TokenResponse {
        token_type: "Bearer".into(),
        access_token: access.0,
        expires_in: ttl.as_secs(),
        refresh_token: Some(refresh.0),
        scope: Some(scopes.join(" ")),
    })
    .into_response()
}

fn action(name: &str, display: &str) -> AuthorizedAction {
    AuthorizedAction {
        name: name.to_owned(),
        display_name: display.to_owned(),
        kind: "SECURED_ACTION_WORKFLOW".to_owned(),
    }
}

pub(crate) fn user_info(state: &AppState, user_id: &str) -> Option<UserInfo> {
    use ent_directory::Profile;
    use ent_protocol::rights;
    let dir = &state.cfg.directory;
    let user = dir.user(user_id)?;
    let mut actions = vec![
        action(rights::VIEW, "conversation.view"),
        action(rights::CREATE_DRAFT, "conversation.create.draft"),
        action(rights::RECALL, "conversation.recall"),
    ];
    if matches!(user.profile, Profile::Teacher | Profile::Personnel) {
        actions.push(action(rights::NO_REPLY, "conversation.allow.no.reply"));
    }
    Some(UserInfo {
        user_id: user.id.clone(),
        external_id: user.external_id.clone(),
        login: user.login.clone(),
        username: user.display_name.clone(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        profile: user.profile.as_str().to_owned(),
        class_names: user.class_names.clone(),
        classes: user.class_ids.clone(),
        structures: user.structure_ids.clone(),
        structure_names: user
            .structure_ids
            .iter()
            .filter_map(|s| dir.structure_name(s).map(str::to_owned))
            .collect(),
        children_ids: user.children_ids.clone(),
        groups_ids: dir
            .user_groups(&user.id)
            .iter()
            .map(|g| g.id.clone())
            .collect(),
        federated: Some(false),
        authorized_actions: actions,
        ..UserInfo::default()
    })
}

async fn userinfo(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<UserInfo>, ApiError> {
    user_info(&state, &caller.user_id)
        .map(Json)
        .ok_or(ApiError::Unauthorized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_basic_credentials_decode() {
        assert_eq!(decode_base64("YWJjOmRlZg==").unwrap(), b"abc:def");
    }

    #[test]
    fn only_same_site_callbacks_are_followed() {
        assert_eq!(safe_callback(Some("/conversation")), "/conversation");
        assert_eq!(safe_callback(Some("/")), "/");
        assert_eq!(safe_callback(None), "/");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/conversation\r\nLocation: https://evil.example",
            "https://evil.example",
            "http://evil.example/auth/login",
            "evil.example",
            "/%2F",
            "",
        ] {
            assert_eq!(safe_callback(Some(bad)), "/", "{bad:?} was followed");
        }
        assert_eq!(safe_callback(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
    }
}
