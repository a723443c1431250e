//! The user's files (entcore's `workspace` module), as far as a message body needs them: the
//! ENT's editor uploads an inserted image to the workspace and writes its address in the body.
//!
//! - `POST /workspace/document?protected=true&application=media-library&quality=1`, one
//!   multipart `file` field (edifice-frontend-framework `packages/client/src/ts/workspace/Service.ts`
//!   `saveFile`, called by `useUpload` with `application = 'media-library'` and the editor's
//!   default visibility `protected`). `protected`/`public` only count with an `application`
//!   (entcore `workspace/…/controllers/WorkspaceController.java` `addDocument`). The file counts
//!   against the same quota as attachments (`workspaceService.emptySize`); past it: 400
//!   `{"error":"file.too.large"}`. Answers 201 with the document (`_id`, `name`, `metadata`, …).
//! - `GET /workspace/document/{id}`: its owner reads it; so does any signed-in user when it is
//!   `protected` or `public` (entcore `WorkspaceResourcesProvider.authorizeGetDocument`: owner,
//!   shared, or visibility `public`/`protected`). That is how the recipients of a message read
//!   its inline images: nothing is shared with them. Anyone else: 401, as the resource filter
//!   answers; no session: the login redirect. With `Config::protected_documents_to_any_user`
//!   off, a `protected` document is read only by its owner and by the users who received a
//!   message whose body shows it.
//! - `GET /workspace/pub/document/{id}`: a `public` document, without a session.
//!
//! Any file type is accepted, as entcore does; the app checks that an image is an image.
//! Files live under `data_dir/workspace/<id>`; the client's name is metadata only.

use anyhow::Context;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ent_protocol::error::keys;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;

use crate::attachments::{clean_filename, file_bytes, storage};
use crate::auth::Caller;
use crate::conversation::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::State as AppState;

pub(crate) fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/workspace/document", post(upload))
        .route("/workspace/document/{id}", get(download))
        .route("/workspace/pub/document/{id}", get(download_public))
        .layer(DefaultBodyLimit::max(max_upload))
}

/// entcore's answer when the `parentId` folder cannot be written (ent-server has no folders).
const UPLOAD_FORBIDDEN: &str = "workspace.upload.forbidden";

#[derive(Debug, Deserialize)]
pub(crate) struct UploadQuery {
    application: Option<String>,
    #[serde(rename = "protected")]
    protected_: Option<String>,
    public: Option<String>,
    name: Option<String>,
    #[serde(rename = "parentId")]
    parent_id: Option<String>,
}

/// A document as `POST /workspace/document` answers it (entcore's Mongo document, the fields a
/// client reads).
fn document_json(doc: &Doc) -> serde_json::Value {
    let created = now_iso(doc.created);
    let mut out = serde_json::json!({
        "_id": doc.id,
        "name": doc.name,
        "metadata": {
            "name": "file",
            "filename": doc.name,
            "content-type": doc.content_type,
            "size": doc.size,
        },
        "owner": doc.owner,
        "ownerName": doc.owner_name,
        "created": created,
        "modified": created,
        "file": doc.id,
    });
    if let Some(app) = &doc.application {
        out["application"] = serde_json::json!(app);
    }
    match doc.visibility.as_str() {
        "protected" => out["protected"] = serde_json::json!(true),
        "public" => out["public"] = serde_json::json!(true),
        _ => {}
    }
    out
}

/// entcore's `yyyy-MM-dd HH:mm.ss.SSS`, in UTC.
fn now_iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}.{:02}.{:03}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms.rem_euclid(1000)
    )
}

struct Doc {
    id: String,
    owner: String,
    owner_name: String,
    name: String,
    content_type: String,
    size: u64,
    visibility: String,
    application: Option<String>,
    created: i64,
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<UploadQuery>,
    mut multipart: Multipart,
) -> ApiResult<Response> {
    if q.parent_id.as_deref().is_some_and(|p| !p.is_empty()) {
        return Err(ApiError::bad(UPLOAD_FORBIDDEN));
    }
    let application = q
        .application
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty());
    let visibility = match (&application, q.protected_.as_deref(), q.public.as_deref()) {
        (Some(_), Some("true"), _) => "protected",
        (Some(_), _, Some("true")) => "public",
        _ => "owner",
    };
    let field = loop {
        match multipart.next_field().await {
            Ok(Some(f)) if f.file_name().is_some() || f.name() == Some("file") => break f,
            Ok(Some(_)) => continue,
            _ => return Err(ApiError::BadRequestEmpty),
        }
    };
    let name = clean_filename(q.name.as_deref().or(field.file_name()).unwrap_or("file"));
    let (content_type, data) = file_bytes(field).await?;
    if data.is_empty() {
        return Err(ApiError::BadRequestEmpty);
    }
    let size = data.len() as u64;
    let quota = state.cfg.quota_bytes;
    let owner = caller.user_id.clone();
    let owner_name = state
        .cfg
        .directory
        .user(&owner)
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let doc = Doc {
        id: uuid::Uuid::new_v4().to_string(),
        owner,
        owner_name,
        name,
        content_type,
        size,
        visibility: visibility.to_owned(),
        application,
        created: now_ms(),
    };
    let dir = files_dir(&state);
    tokio::fs::create_dir_all(&dir)
        .await
        .context("cannot create the workspace directory")?;
    let path = dir.join(&doc.id);
    let tmp = dir.join(format!("{}.part", doc.id));
    tokio::fs::write(&tmp, &data)
        .await
        .context("cannot write a workspace file")?;
    tokio::fs::rename(&tmp, &path)
        .await
        .context("cannot store a workspace file")?;
    let answer = document_json(&doc);
    let result = state
        .db
        .write(move |tx| -> ApiResult<()> {
            if storage(tx, &doc.owner)? + doc.size > quota {
                return Err(ApiError::bad(keys::FILE_TOO_LARGE));
            }
            tx.execute(
                "INSERT INTO workspace_documents (id, owner, owner_name, name, content_type, size, visibility, application, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![doc.id, doc.owner, doc.owner_name, doc.name, doc.content_type, doc.size, doc.visibility, doc.application, doc.created],
            )?;
            tx.execute(
                "INSERT INTO quotas (user_id, storage) VALUES (?1, ?2) ON CONFLICT(user_id) DO UPDATE SET storage = storage + excluded.storage",
                params![doc.owner, doc.size],
            )?;
            Ok(())
        })
        .await;
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

fn files_dir(state: &AppState) -> std::path::PathBuf {
    state.cfg.data_dir.join("workspace")
}

/// A document's id as ent-server makes them (a UUID); anything else names no document and
/// never reaches a path.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    serve(&state, &id, Some(&caller.user_id)).await
}

async fn download_public(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    serve(&state, &id, None).await
}

/// The document `id` when `reader` (None: no session) may read it; else 401, as entcore's
/// resource filter answers.
async fn serve(state: &AppState, id: &str, reader: Option<&str>) -> ApiResult<Response> {
    if !valid_id(id) {
        return Err(ApiError::Unauthorized);
    }
    let key = id.to_owned();
    let row = state
        .db
        .read(move |c| -> ApiResult<_> {
            Ok(c.query_row(
                "SELECT owner, visibility, name, content_type FROM workspace_documents WHERE id = ?1",
                [key],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?)
        })
        .await?;
    let Some((owner, visibility, name, content_type)) = row else {
        return Err(ApiError::Unauthorized);
    };
    let allowed = match reader {
        None => visibility == "public",
        Some(user) if user == owner || visibility == "public" => true,
        Some(_) if visibility != "protected" => false,
        Some(_) if state.cfg.protected_documents_to_any_user => true,
        Some(user) => shown_to(state, user, id).await?,
    };
    if !allowed {
        return Err(ApiError::Unauthorized);
    }
    let file = tokio::fs::File::open(files_dir(state).join(id))
        .await
        .map_err(|_| ApiError::NotFound(keys::INVALID_FILE_ID))?;
    let len = file
        .metadata()
        .await
        .map_err(|_| ApiError::NotFound(keys::INVALID_FILE_ID))?
        .len();
    // Images are shown where they are (entcore `inlineDocumentResponse`); anything else is a
    // download.
    let disposition = if content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let mut resp = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{}\"", clean_filename(&name)),
            ),
            (header::ETAG, format!("\"{id}\"")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response();
    if let Ok(v) = len.to_string().parse() {
        resp.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    Ok(resp)
}

/// Whether `user` has a message whose body shows the document `id` (`Config::protected_documents_to_any_user` off).
async fn shown_to(state: &AppState, user: &str, id: &str) -> ApiResult<bool> {
    let (user, needle) = (user.to_owned(), format!("%/workspace/document/{id}%"));
    state
        .db
        .read(move |c| -> ApiResult<bool> {
            Ok(c.prepare_cached(
                "SELECT 1 FROM usermessages u JOIN messages m ON m.id = u.message_id
                 WHERE u.user_id = ?1 AND m.body LIKE ?2 LIMIT 1",
            )?
            .exists(params![user, needle])?)
        })
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_written_as_entcore_writes_them() {
        assert_eq!(super::now_iso(0), "1970-01-01 00:00.00.000");
        assert_eq!(super::now_iso(1_796_000_000_123), "2026-11-30 00:53.20.123");
    }

    #[test]
    fn only_uuids_name_a_document() {
        assert!(super::valid_id("0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b"));
        for bad in ["", "..", "../x", "a/b", "x%2e", "ABCG"] {
            assert!(!super::valid_id(bad), "{bad}");
        }
    }
}
