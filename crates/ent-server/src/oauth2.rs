//! Staying signed in without a password (spec §12 item 34): the OAuth2 authorization-code flow
//! (`GET /auth/oauth2/auth`, redeemed by the `authorization_code` grant of `auth`'s token
//! endpoint), `POST /auth/oauth2/token-as-cookie`, and `/sso-demo/login`, a sign-in page standing
//! for an identity provider such as EduConnect.
//!
//! entcore: `auth/src/main/java/org/entcore/auth/controllers/AuthController.java` (`authorize`,
//! `redirectToLogin`, `tokenAsCookie`), `auth/…/oauth/OAuthDataHandler.java`
//! (`createOrUpdateAuthInfo`, `getAuthInfoByCode`, `CODE_EXPIRES`), `auth/…/oauth/
//! OAuthAuthorizationResponse.java`; edificeio/oauth2-server `granttype/impl/AuthorizationCode.java`.
//! Where ent-server is stricter (registered redirect address, single-use codes, no redirect to
//! an unchecked address) `COMPATIBILITY.md` says so.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use ent_directory::OAuthClient;
use ent_protocol::TokenRequest;

use crate::auth::{
    cookie, escape_html, open_web_session, random_token, safe_callback, verify_password,
    PasswordRefusal,
};
use crate::error::ApiError;
use crate::State as AppState;

/// An authorization code waiting for its exchange.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    user_id: String,
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    expires: Instant,
    /// Set at the first exchange; the code then stays known so that a replay can be detected.
    used: bool,
}

/// The identity provider's cookie, its path, and how long the IdP remembers a user (a school
/// day: a real IdP keeps its own session for hours, independently of the ENT's).
const IDP_COOKIE: &str = "ssoDemo";
const IDP_SESSION_TTL: Duration = Duration::from_secs(8 * 3600);

/// The sessions of the identity provider `/sso-demo` stands for: its cookie value → user id
/// and end. Kept apart from the ENT's sessions, which [`crate::Faults::expire_sessions`] ends.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdpSessions(Arc<Mutex<HashMap<String, (String, Instant)>>>);

impl IdpSessions {
    pub(crate) fn clear(&self) {
        if let Ok(mut m) = self.0.lock() {
            m.clear();
        }
    }

    fn open(&self, user_id: String) -> String {
        let token = random_token().0;
        if let Ok(mut m) = self.0.lock() {
            let now = Instant::now();
            m.retain(|_, (_, end)| *end > now);
            m.insert(token.clone(), (user_id, now + IDP_SESSION_TTL));
        }
        token
    }

    fn user(&self, headers: &HeaderMap) -> Option<String> {
        let token = cookie(headers, IDP_COOKIE)?;
        let m = self.0.lock().ok()?;
        m.get(token)
            .filter(|(_, end)| *end > Instant::now())
            .map(|(user, _)| user.clone())
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/oauth2/auth", get(authorize))
        .route("/auth/oauth2/token-as-cookie", post(token_as_cookie))
        .route("/sso-demo/login", get(sso_page).post(sso_sign_in))
}

#[derive(serde::Deserialize)]
struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
}

/// `redirect_uri` with `params` appended as a query (entcore `OAuthAuthorizationResponse.
/// doRedirect`: `&` when the address already has a query, `?` otherwise), values encoded.
fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, v);
    }
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{sep}{}", query.finish());
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            // The location carries a code: never cached.
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// An OAuth2 error sent back to a checked redirect address, with the client's `state`.
fn redirect_error(redirect_uri: &str, error: &str, state: Option<&str>) -> Response {
    let mut params = vec![("error", error)];
    if let Some(s) = state.filter(|s| !s.is_empty()) {
        params.push(("state", s));
    }
    redirect_with(redirect_uri, &params)
}

/// An error shown to the user instead of a redirect: the redirect address cannot be trusted.
fn refused_page(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CACHE_CONTROL, "no-store")],
        Html(format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Connexion refusée</title></head>\
<body><h1>Connexion refusée</h1><p role=\"alert\">{}</p></body></html>",
            escape_html(message)
        )),
    )
        .into_response()
}

/// `GET /auth/oauth2/auth` (AuthController `authorize`): with an open web session, whatever
/// the way it was opened, 302 to `redirect_uri?code=…&state=…`; without one, 302 to the login
/// page whose callback comes back here. The client must exist and `redirect_uri` must be one of
/// its registered addresses, else a 400 page and no redirect (entcore redirects to any address
/// its `SafeRedirectionService` allows; RFC 6749 §4.1.2.1 forbids redirecting there).
async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let client = q
        .client_id
        .as_deref()
        .and_then(|id| state.cfg.directory.oauth_client(id));
    let Some(client) = client else {
        return refused_page("Application inconnue de cet ENT (client_id).");
    };
    let Some(redirect_uri) = q
        .redirect_uri
        .as_deref()
        .filter(|r| client.allows_redirect(r))
    else {
        return refused_page("Adresse de retour non enregistrée pour cette application.");
    };
    let st = q.state.as_deref();
    if q.response_type.as_deref() != Some("code") {
        return redirect_error(redirect_uri, "invalid_request", st);
    }
    if !client.allows_grant("authorization_code") {
        return redirect_error(redirect_uri, "unauthorized_client", st);
    }
    let scopes: Vec<String> = q
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if scopes.is_empty() || !client.allows_scopes(scopes.iter().map(String::as_str)) {
        return redirect_error(redirect_uri, "invalid_scope", st);
    }
    let Some(user_id) = web_session_user(&state, &headers) else {
        let callback = uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        return ApiError::LoginRequired { callback }.into_response();
    };
    let code = random_token();
    let now = Instant::now();
    let ttl = state.cfg.oauth2_code_ttl;
    state.sessions.with(|inner| {
        inner.codes.retain(|_, c| c.expires > now);
        inner.codes.insert(
            code.0.clone(),
            Code {
                user_id,
                client_id: client.id.clone(),
                redirect_uri: redirect_uri.to_owned(),
                scopes,
                expires: now + ttl,
                used: false,
            },
        );
    });
    let mut params = vec![("code", code.0.as_str())];
    if let Some(s) = st.filter(|s| !s.is_empty()) {
        params.push(("state", s));
    }
    redirect_with(redirect_uri, &params)
}

/// The user of the request's open cookie session, its idle time restarted as any use does.
fn web_session_user(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let sid = cookie(headers, ent_protocol::SESSION_COOKIE)?;
    let now = Instant::now();
    state
        .sessions
        .with(|inner| match inner.sessions.get_mut(sid) {
            Some(s) if s.expires > now => {
                s.expires = now + s.ttl;
                Some(s.user_id.clone())
            }
            _ => None,
        })
        .flatten()
}

/// The `authorization_code` grant, called by the token endpoint once the client's secret is
/// checked: the user and scopes of a code issued to this client for this `redirect_uri`, not
/// expired, never exchanged before. A second exchange of a code fails and revokes the tokens the
/// client holds for that user (RFC 6749 §4.1.2: the code may have been stolen); entcore keeps a
/// code valid for its 10 minutes (COMPATIBILITY.md). The error is the OAuth2 `error` to answer.
pub(crate) fn redeem_code(
    state: &AppState,
    client: &OAuthClient,
    req: &TokenRequest,
) -> Result<(String, Vec<String>), &'static str> {
    if !client.allows_grant("authorization_code") {
        return Err("unauthorized_client");
    }
    let (Some(code), Some(redirect_uri)) = (req.code.as_deref(), req.redirect_uri.as_deref())
    else {
        return Err("invalid_request");
    };
    let now = Instant::now();
    let outcome = state.sessions.with(|inner| {
        let Some(found) = inner.codes.get_mut(code) else {
            return Err("invalid_grant");
        };
        if found.client_id != client.id {
            return Err("invalid_client");
        }
        if found.used {
            let (user, client_id) = (found.user_id.clone(), found.client_id.clone());
            inner.codes.remove(code);
            inner
                .access
                .retain(|_, t| !(t.user_id == user && t.client_id == client_id));
            inner
                .refresh
                .retain(|_, t| !(t.user_id == user && t.client_id == client_id));
            return Err("invalid_grant");
        }
        if found.expires <= now {
            inner.codes.remove(code);
            return Err("invalid_grant");
        }
        if found.redirect_uri != redirect_uri {
            return Err("redirect_uri_mismatch");
        }
        found.used = true;
        Ok((found.user_id.clone(), found.scopes.clone()))
    });
    outcome.unwrap_or(Err("server_error"))
}

/// `POST /auth/oauth2/token-as-cookie` (AuthController `tokenAsCookie`): a valid bearer token
/// (any scope) gets a new web session for its user, answered `{"succces":true}` (sic, entcore's
/// key). entcore sets `XSRF-TOKEN` only when a page is rendered later; ent-server sets it here
/// as at sign-in, so that the cookie session can write at once. No bearer or a dead one → 401.
async fn token_as_cookie(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let now = Instant::now();
    let user = token.and_then(|t| {
        state
            .sessions
            .with(|inner| {
                inner
                    .access
                    .get(t)
                    .filter(|a| a.expires > now)
                    .map(|a| a.user_id.clone())
            })
            .flatten()
    });
    let Some(user_id) = user else {
        return ApiError::Unauthorized.into_response();
    };
    let resp = (
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "succces": true })),
    )
        .into_response();
    // Set here at once (entcore waits for a rendered page), so the session can write.
    open_web_session(&state, user_id, false, true, resp)
}

#[derive(serde::Deserialize)]
struct SsoQuery {
    #[serde(rename = "callBack")]
    call_back: Option<String>,
    /// entcore's `redirectToLogin` names it `callback`.
    callback: Option<String>,
}

#[derive(serde::Deserialize)]
struct SsoForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(rename = "callBack")]
    call_back: Option<String>,
}

fn sso_html(error: Option<&str>, callback: &str) -> Response {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape_html(e)))
        .unwrap_or_default();
    (
        [
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
        ],
        Html(format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>ÉduConnect (démo)</title></head>\
<body><h1>Se connecter avec ÉduConnect (démo)</h1>{error}<form method=\"post\" action=\"/sso-demo/login\">\
<label>Identifiant <input name=\"login\" autocomplete=\"username\" required></label>\
<label>Mot de passe <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
<input type=\"hidden\" name=\"callBack\" value=\"{}\">\
<button type=\"submit\">Se connecter avec ÉduConnect (démo)</button></form></body></html>",
            escape_html(callback)
        )),
    )
        .into_response()
}

/// `GET /sso-demo/login?callBack=…`: the identity provider's sign-in page (a stand-in for
/// EduConnect, not an entcore route). Usable as the ENT's `loginUri`.
/// When the IdP remembers the user (a valid `ssoDemo` cookie of an earlier sign-in), it signs
/// them in to the ENT at once, as a federated sign-in does, and 302 to the callback: no form.
async fn sso_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SsoQuery>,
) -> Response {
    let cb = q.call_back.or(q.callback);
    let callback = safe_callback(cb.as_deref());
    match state.idp_sessions.user(&headers) {
        Some(user_id) => {
            let resp = (StatusCode::FOUND, [(header::LOCATION, callback)]).into_response();
            open_web_session(&state, user_id, false, state.cfg.xsrf_on_auth, resp)
        }
        None => sso_html(None, &callback),
    }
}

/// `POST /sso-demo/login`: a login and password of the directory open the ENT web session as a
/// federated sign-in does (session cookies, whatever « se souvenir de moi »), opens the IdP's
/// own session (`ssoDemo` cookie, see [`IdpSessions`]) and 302 to the
/// callback, same-site paths only ([`safe_callback`]). Wrong credentials: the page again, 200.
async fn sso_sign_in(State(state): State<AppState>, Form(form): Form<SsoForm>) -> Response {
    let callback = safe_callback(form.call_back.as_deref());
    match verify_password(&state, form.login, form.password).await {
        Ok(user_id) => {
            let idp = state.idp_sessions.open(user_id.clone());
            let idp_cookie = format!(
                "{IDP_COOKIE}={idp}; Path=/sso-demo; HttpOnly; Max-Age={}",
                IDP_SESSION_TTL.as_secs()
            );
            let resp = (
                StatusCode::FOUND,
                [(header::LOCATION, callback)],
                [(header::SET_COOKIE, idp_cookie)],
            )
                .into_response();
            open_web_session(&state, user_id, false, state.cfg.xsrf_on_auth, resp)
        }
        Err(PasswordRefusal::Refused(_)) => {
            sso_html(Some("Identifiant ou mot de passe incorrect."), &callback)
        }
        Err(PasswordRefusal::Failed) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
