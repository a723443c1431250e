//! User preferences (§10.1): `GET`/`PUT /userbook/preference/{application}`. The conversation
//! module keeps its signature in the `conversation` preference. As on entcore
//! (`directory/.../controllers/UserBookController.java`, `getPreference`, `updatePreference`),
//! the application name keeps only word characters and the body is stored as the text it is,
//! never parsed: it is the client's own JSON.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ent_protocol::PreferenceAnswer;
use rusqlite::{params, OptionalExtension};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::State as AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/userbook/preference/{application}",
        get(get_preference).put(put_preference),
    )
}

/// entcore's `replaceAll("\\W+", "")`: the name becomes a property name of a graph node.
fn application_name(raw: &str) -> ApiResult<String> {
    let name: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        return Err(ApiError::BadRequestEmpty);
    }
    Ok(name)
}

/// `GET /userbook/preference/{application}`: `{"preference": text or null}`.
async fn get_preference(
    State(state): State<AppState>,
    caller: Caller,
    Path(application): Path<String>,
) -> ApiResult<Response> {
    let application = application_name(&application)?;
    let preference = state
        .db
        .read(move |c| -> ApiResult<Option<String>> {
            Ok(c.query_row(
                "SELECT conf FROM preferences WHERE user_id = ?1 AND application = ?2",
                params![caller.user_id, application],
                |r| r.get::<_, String>(0),
            )
            .optional()?)
        })
        .await?;
    Ok(Json(PreferenceAnswer { preference }).into_response())
}

/// `PUT /userbook/preference/{application}`: stores the body's text; `{}`.
async fn put_preference(
    State(state): State<AppState>,
    caller: Caller,
    Path(application): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let application = application_name(&application)?;
    // entcore reads the body as UTF-8 text; bytes that are not text are refused here rather
    // than stored mangled.
    let conf = String::from_utf8(body.to_vec()).map_err(|_| ApiError::BadRequestEmpty)?;
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            tx.execute(
                "INSERT INTO preferences (user_id, application, conf) VALUES (?1, ?2, ?3)
                 ON CONFLICT(user_id, application) DO UPDATE SET conf = excluded.conf",
                params![caller.user_id, application, conf],
            )?;
            Ok(())
        })
        .await?;
    Ok(Json(serde_json::json!({})).into_response())
}
