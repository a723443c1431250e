//! `/auth`: sign in with the login form or OAuth2, and who the user is (spec §2).

use reqwest::Method;

use super::{ApiError, ApiResult, Body, Call, Client};
use crate::session::{Credentials, OAuthClient, Secret, Session, OAUTH_SCOPE};

/// `POST /auth/login` (§2.1): success is a 302 that sets `oneSessionId`; a failure is a 200
/// with the login page again. The 302 is read here, from the raw answer: for every other call
/// a 3xx means "not done" (see the client's module doc). An ENT without `xsrfOnAuth` sets no
/// `XSRF-TOKEN` here; the client fetches one before its first write.
pub async fn login_form(client: &Client, credentials: &Credentials) -> ApiResult<Session> {
    let mut form = vec![
        ("email".to_string(), credentials.login.clone()),
        (
            "password".to_string(),
            credentials.password.expose().to_string(),
        ),
        ("callBack".to_string(), "/".to_string()),
    ];
    // « Se souvenir de moi »: entcore reads `rememberMe` == "true" and keeps the session a year
    // (auth `AuthController.java` `loginSubmit`, and the `rememberMe` checkbox of its login page).
    if client.remember_me() {
        form.push(("rememberMe".to_string(), "true".to_string()));
    }
    let call = Call::write(Method::POST, ent_protocol::paths::LOGIN, Body::Form(form));
    // Not through `send_raw`'s re-login: a failed sign-in must not try to sign in again.
    let answer = client.exchange(&call, None).await?;
    if !(answer.status.is_success() || answer.status.is_redirection()) {
        // A 4xx or 5xx: the error it always is.
        super::classify(client.base_url(), call.what(), answer)?;
        return Err(ApiError::BadCredentials { reason: None });
    }
    let session_id = set_cookie(&answer.headers, super::wire::SESSION_COOKIE);
    let xsrf = set_cookie(&answer.headers, super::wire::XSRF_COOKIE);
    match session_id {
        Some(id) if answer.status.is_redirection() => Ok(Session::Cookie {
            one_session_id: Secret::new(id),
            xsrf_token: xsrf.map(Secret::new),
        }),
        _ => Err(ApiError::BadCredentials { reason: None }),
    }
}

/// The non-empty value a `Set-Cookie` header of `headers` gives to cookie `name`.
pub(crate) fn set_cookie(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|text| text.split_once('='))
        .filter(|(n, _)| n.trim() == name)
        .map(|(_, rest)| rest.split(';').next().unwrap_or_default().trim())
        .rfind(|v| !v.is_empty())
        .map(str::to_string)
}

fn field(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// `POST /auth/oauth2/token`, password grant (§2.3).
pub async fn password_grant(
    client: &Client,
    oauth: &OAuthClient,
    credentials: &Credentials,
) -> ApiResult<Session> {
    token(
        client,
        vec![
            field("grant_type", "password"),
            field("client_id", &oauth.client_id),
            field("client_secret", oauth.client_secret.expose()),
            field("scope", OAUTH_SCOPE),
            field("username", &credentials.login),
            field("password", credentials.password.expose()),
        ],
    )
    .await
}

/// `POST /auth/oauth2/token`, refresh grant (§2.3).
pub async fn refresh(client: &Client, oauth: &OAuthClient, refresh: &Secret) -> ApiResult<Session> {
    token(
        client,
        vec![
            field("grant_type", "refresh_token"),
            field("client_id", &oauth.client_id),
            field("client_secret", oauth.client_secret.expose()),
            field("refresh_token", refresh.expose()),
        ],
    )
    .await
}

async fn token(client: &Client, form: Vec<(String, String)>) -> ApiResult<Session> {
    let call = Call::write(
        Method::POST,
        ent_protocol::paths::OAUTH2_TOKEN,
        Body::Form(form),
    );
    let what = "POST /auth/oauth2/token";
    match client.attempt(&call, None).await {
        Ok(answer) => {
            let token: super::wire::TokenResponse = super::decode(what, &answer.bytes)?;
            Ok(Session::Bearer {
                access_token: Secret::new(token.access_token),
                refresh_token: token.refresh_token.map(Secret::new),
            })
        }
        Err(ApiError::Refused { reason, .. }) => Err(ApiError::BadCredentials { reason }),
        Err(ApiError::NotAllowed { .. }) => Err(ApiError::BadCredentials { reason: None }),
        Err(e) => Err(e),
    }
}

/// `GET /auth/oauth2/userinfo?version=v2.0` (§2.4): who the session belongs to.
pub async fn userinfo(client: &Client) -> ApiResult<super::wire::UserInfo> {
    client.send(Call::get(ent_protocol::paths::USERINFO)).await
}

/// `GET /auth/logout` (§2.2): ends the cookie session on the ENT. entcore answers with a 302 to
/// the callback; the XSRF header goes with it (ent-server signs out a GET only with it, so that
/// another site cannot), fetched first when the session has none. Never signs in again.
pub async fn logout(client: &Client) -> ApiResult<()> {
    let seen = client.session().await;
    if !matches!(seen, Some(Session::Cookie { .. })) {
        return Ok(());
    }
    if let Some(Session::Cookie {
        xsrf_token: None, ..
    }) = &seen
    {
        client.fetch_xsrf(seen.clone()).await?;
    }
    let session = client.session().await;
    let call = Call::get(format!("{}?callback=/", ent_protocol::paths::LOGOUT));
    let answer = client.exchange(&call, session.as_ref()).await?;
    if answer.status.is_success() || answer.status.is_redirection() {
        Ok(())
    } else {
        Err(ApiError::BadAnswer {
            what: call.what(),
            detail: format!("status {}", answer.status),
        })
    }
}
