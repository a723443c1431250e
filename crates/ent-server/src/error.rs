//! The one error type of the HTTP layer: each variant answers as a real ENT does (spec §1.5).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 302 to `/auth/login?callback=…`, session cookies cleared (no or expired session).
    #[error("authentication required")]
    LoginRequired { callback: String },
    /// 302 to `location`: a configured login address (session cookies cleared when
    /// `end_session`), or a page the user must act on (`/auth/revalidate-terms`).
    #[error("redirect")]
    Redirect { location: String, end_session: bool },
    /// 401 with an HTML page: authenticated but not authorised (spec §1.5, §9).
    #[error("not authorised")]
    Unauthorized,
    /// 403 `{"error":"invalid.xsrf.token"}`.
    #[error("invalid xsrf token")]
    Xsrf,
    /// 400 `{"error": key}`.
    #[error("bad request: {0}")]
    BadRequest(std::borrow::Cow<'static, str>),
    /// 400 with an empty body (`badRequest(request)` on a real ENT).
    #[error("bad request")]
    BadRequestEmpty,
    /// 403 `{"error": key}`.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// 404 `{"error": key}`.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// 500 with an opaque body; the cause is logged.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// 400 `{"error": key}` with a static key.
    pub fn bad(key: &'static str) -> ApiError {
        ApiError::BadRequest(std::borrow::Cow::Borrowed(key))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

fn json_error(status: StatusCode, key: &str) -> Response {
    let body = serde_json::json!({ "error": key }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::LoginRequired { callback } => {
                let location = format!(
                    "/auth/login?callback={}",
                    ent_protocol::paths::encode(&callback)
                );
                let mut resp = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
                for cookie in [
                    "oneSessionId=; Path=/; Max-Age=0",
                    "authenticated=; Path=/; Max-Age=0",
                ] {
                    if let Ok(v) = cookie.parse() {
                        resp.headers_mut().append(header::SET_COOKIE, v);
                    }
                }
                resp
            }
            ApiError::Redirect {
                location,
                end_session,
            } => {
                let mut resp = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
                if end_session {
                    for cookie in [
                        "oneSessionId=; Path=/; Max-Age=0",
                        "authenticated=; Path=/; Max-Age=0",
                    ] {
                        if let Ok(v) = cookie.parse() {
                            resp.headers_mut().append(header::SET_COOKIE, v);
                        }
                    }
                }
                resp
            }
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<!DOCTYPE html><html><body><h1>401</h1><p>Accès non autorisé.</p></body></html>",
            )
                .into_response(),
            ApiError::Xsrf => json_error(
                StatusCode::FORBIDDEN,
                ent_protocol::error::keys::INVALID_XSRF,
            ),
            ApiError::BadRequest(key) => json_error(StatusCode::BAD_REQUEST, &key),
            ApiError::BadRequestEmpty => StatusCode::BAD_REQUEST.into_response(),
            ApiError::Forbidden(key) => json_error(StatusCode::FORBIDDEN, key),
            ApiError::NotFound(key) => json_error(StatusCode::NOT_FOUND, key),
            ApiError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}
