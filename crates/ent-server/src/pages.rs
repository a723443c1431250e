//! The HTML pages a browser (or a client that needs an XSRF token) loads: the messaging app's
//! page and the page where a user accepts new terms of use.
//!
//! Every HTML page rendered for a signed-in user sets the `XSRF-TOKEN` cookie to the session's
//! token, as entcore's `SecurityHookRender` (web-utils) does on every `renderView`; with
//! `xsrf_on_auth` off (entcore's `xsrfOnAuth`) that is the only way a client gets one
//! (spec §12 item 32).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};

use crate::auth::{cookie_session, Caller, REVALIDATE_TERMS};
use crate::error::ApiError;
use crate::faults::Validation;
use crate::State as AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversation/conversation", get(conversation_page))
        .route(REVALIDATE_TERMS, get(terms_page).post(accept_terms))
        .route(
            Validation::Mail.path(),
            get(|s, h, c| validation_page(s, h, c, Validation::Mail))
                .post(|s, h, f| validate(s, h, f, Validation::Mail)),
        )
        .route(
            Validation::Mfa.path(),
            get(|s, h, c| validation_page(s, h, c, Validation::Mfa))
                .post(|s, h, f| validate(s, h, f, Validation::Mfa)),
        )
}

/// An HTML answer that also sets the session's `XSRF-TOKEN` cookie.
fn render(xsrf: Option<&str>, html: String) -> Response {
    let mut resp = Html(html).into_response();
    if let Some(token) = xsrf {
        if let Ok(v) = format!("XSRF-TOKEN={token}; Path=/").parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// `GET /conversation/conversation`: the messaging app's page (entcore renders its SPA here).
async fn conversation_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    _caller: Caller,
) -> Response {
    let xsrf = cookie_session(&state, &headers).map(|(_, x)| x);
    render(
        xsrf.as_deref(),
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Messagerie</title>\
         </head><body><h1>Messagerie</h1></body></html>"
            .to_owned(),
    )
}

/// `GET /auth/revalidate-terms`: the new terms and a form that accepts them.
async fn terms_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    _caller: Caller,
) -> Response {
    let xsrf = cookie_session(&state, &headers).map(|(_, x)| x);
    let field = xsrf.as_deref().unwrap_or_default();
    render(
        xsrf.as_deref(),
        format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <title>Conditions d'utilisation</title></head><body>\
             <h1>Nouvelles conditions d'utilisation</h1>\
             <p>Les conditions d'utilisation de l'ENT ont changé. Acceptez-les pour continuer.</p>\
             <form method=\"post\" action=\"{REVALIDATE_TERMS}\">\
             <input type=\"hidden\" name=\"xsrf\" value=\"{field}\">\
             <button type=\"submit\">J'accepte</button></form></body></html>"
        ),
    )
}

#[derive(serde::Deserialize)]
struct AcceptForm {
    xsrf: String,
}

/// `POST /auth/revalidate-terms`: the form of the page (its hidden field carries the session's
/// XSRF token, as a header cannot). entcore's page does the same with `PUT /auth/cgu/revalidate`.
async fn accept_terms(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AcceptForm>,
) -> Response {
    let Some((user_id, xsrf)) = cookie_session(&state, &headers) else {
        return ApiError::LoginRequired {
            callback: REVALIDATE_TERMS.to_owned(),
        }
        .into_response();
    };
    if form.xsrf != xsrf {
        return ApiError::Xsrf.into_response();
    }
    state.faults.accept_terms(&user_id);
    (StatusCode::FOUND, [(header::LOCATION, "/")]).into_response()
}

/// `GET /auth/validate-mail` and `/auth/validate-mfa`: stand-ins for entcore's pages where the
/// user confirms an e-mail address (with a code sent by mail) or a second factor; one button
/// confirms here.
async fn validation_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    _caller: Caller,
    validation: Validation,
) -> Response {
    let xsrf = cookie_session(&state, &headers).map(|(_, x)| x);
    let field = xsrf.as_deref().unwrap_or_default();
    let (title, text) = match validation {
        Validation::Mail => (
            "Adresse électronique",
            "Confirmez votre adresse électronique pour continuer.",
        ),
        _ => ("Vérification", "Confirmez votre identité pour continuer."),
    };
    let action = validation.path();
    render(
        xsrf.as_deref(),
        format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"xsrf\" value=\"{field}\">\
             <button type=\"submit\">Je confirme</button></form></body></html>"
        ),
    )
}

/// `POST` of those pages: the user confirmed (the form carries the session's XSRF token).
async fn validate(
    state: State<AppState>,
    headers: HeaderMap,
    form: Form<AcceptForm>,
    validation: Validation,
) -> Response {
    let pending = cookie_session(&state, &headers)
        .and_then(|(user, _)| state.faults.validation_pending(&user));
    if pending.is_some_and(|p| p != validation) {
        // Another page is what the ENT asks for: this one confirms nothing.
        return (StatusCode::FOUND, [(header::LOCATION, "/")]).into_response();
    }
    accept_terms(state, headers, form).await
}
