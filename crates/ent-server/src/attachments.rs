//! Attachments (§4.15): multipart upload, download with Range, remove, forward; one link per
//! (user, message, attachment), so a recipient keeps a file the sender deleted; a per-user
//! quota; and the background job that removes what nobody references any more.
//!
//! Files are stored under `data_dir/files/<attachment id>`: the client's file name is only
//! metadata and never reaches a path.

use anyhow::Context;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use ent_protocol::error::keys;
use ent_protocol::{AttachmentRemoved, IdResponse};
use rusqlite::{params, Connection, OptionalExtension};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::auth::Caller;
use crate::conversation::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::State as AppState;

pub(crate) fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/conversation/message/{id}/attachment", post(upload))
        .route(
            "/conversation/message/{id}/attachment/{att}",
            axum::routing::get(download).delete(remove),
        )
        .route("/conversation/message/{id}/forward/{orig}", put(forward))
        .route("/workspace/quota/user/{id}", axum::routing::get(quota))
        .layer(DefaultBodyLimit::max(max_upload))
}

/// The longest stored file name, in bytes of UTF-8: what ext4, NTFS and APFS accept, so that a
/// client can write the file under its name.
pub(crate) const MAX_FILENAME_BYTES: usize = 255;

/// The last path component, without control characters (NUL included), quotes, or the
/// invisible format characters that make a name lie (the bidi override turns
/// `devoir_\u{202E}fdp.exe` into what reads as `devoir_exe.pdf`), cut to
/// [`MAX_FILENAME_BYTES`] keeping its extension.
pub(crate) fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c) && *c != '"')
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cap_name(cleaned)
    }
}

/// Unicode format characters (category Cf: bidi embeddings, overrides and isolates, marks,
/// zero-width spaces and joiners, the BOM, tags), line and paragraph separators, and fillers
/// and variation selectors that draw nothing.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F | 0x200B..=0x200F
        | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// `name` within [`MAX_FILENAME_BYTES`], cut on a character boundary before its extension.
fn cap_name(name: &str) -> String {
    if name.len() <= MAX_FILENAME_BYTES {
        return name.to_owned();
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty() && e.len() <= 16)
        .map_or(String::new(), |e| format!(".{e}"));
    let mut end = MAX_FILENAME_BYTES - ext.len();
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ext}", &name[..end])
}

fn has_row(c: &rusqlite::Connection, user: &str, id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT 1 FROM usermessages WHERE user_id = ?1 AND message_id = ?2")?
        .exists(params![user, id])
}

/// The attachments linked to `user`'s row of `message`, in upload order.
pub(crate) fn attachments_of(
    conn: &Connection,
    user: &str,
    message: &str,
) -> rusqlite::Result<Vec<ent_protocol::Attachment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, a.charset, a.filename, a.content_type, a.transfer_encoding, a.size
         FROM usermessagesattachments l JOIN attachments a ON a.id = l.attachment_id
         WHERE l.user_id = ?1 AND l.message_id = ?2 ORDER BY a.rowid",
    )?;
    let rows = stmt
        .query_map(params![user, message], |r| {
            Ok(ent_protocol::Attachment {
                id: r.get(0)?,
                name: r.get(1)?,
                charset: r.get(2)?,
                filename: r.get(3)?,
                content_type: r.get(4)?,
                content_transfer_encoding: r.get(5)?,
                size: r.get(6)?,
            })
        })?
        .collect();
    rows
}

pub(crate) fn storage(c: &rusqlite::Connection, user: &str) -> rusqlite::Result<u64> {
    Ok(c.query_row(
        "SELECT storage FROM quotas WHERE user_id = ?1",
        [user],
        |r| r.get(0),
    )
    .optional()?
    .unwrap_or(0))
}

/// A multipart file's type (as the part declares it) and bytes: past the body limit, the
/// ENT's `file.too.large`; unreadable, an empty 400.
pub(crate) async fn file_bytes(
    field: axum::extract::multipart::Field<'_>,
) -> ApiResult<(String, axum::body::Bytes)> {
    let content_type = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_owned();
    match field.bytes().await {
        Ok(data) => Ok((content_type, data)),
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError::bad(keys::FILE_TOO_LARGE))
        }
        Err(_) => Err(ApiError::BadRequestEmpty),
    }
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> ApiResult<Response> {
    let (user, mid) = (caller.user_id.clone(), id.clone());
    if !state
        .db
        .read(move |c| -> ApiResult<_> { Ok(has_row(c, &user, &mid)?) })
        .await?
    {
        return Err(ApiError::Unauthorized);
    }
    let Ok(Some(field)) = multipart.next_field().await else {
        return Err(ApiError::BadRequestEmpty);
    };
    let name = field.name().unwrap_or("file").to_owned();
    let filename = clean_filename(field.file_name().unwrap_or("file"));
    let (content_type, data) = file_bytes(field).await?;
    let size = data.len() as u64;
    let quota = state.cfg.quota_bytes;
    let user = caller.user_id.clone();
    if storage_of(&state, &user).await? + size > quota {
        return Err(ApiError::bad(keys::FILE_TOO_LARGE));
    }
    let att_id = uuid::Uuid::new_v4().to_string();
    let path = state.files_dir.join(&att_id);
    let tmp = state.files_dir.join(format!("{att_id}.part"));
    tokio::fs::write(&tmp, &data)
        .await
        .context("cannot write attachment")?;
    tokio::fs::rename(&tmp, &path)
        .await
        .context("cannot store attachment")?;
    let aid = att_id.clone();
    let result = state
        .db
        .write(move |tx| -> ApiResult<()> {
            // Checked again inside the transaction: two uploads may race.
            if storage(tx, &user)? + size > quota {
                return Err(ApiError::bad(keys::FILE_TOO_LARGE));
            }
            tx.execute(
                "INSERT INTO attachments (id, name, charset, filename, content_type, transfer_encoding, size) VALUES (?1, ?2, 'UTF-8', ?3, ?4, '7bit', ?5)",
                params![aid, name, filename, content_type, size],
            )?;
            tx.execute("INSERT INTO usermessagesattachments (user_id, message_id, attachment_id) VALUES (?1, ?2, ?3)", params![user, id, aid])?;
            tx.execute("UPDATE usermessages SET total_quota = total_quota + ?3 WHERE user_id = ?1 AND message_id = ?2", params![user, id, size])?;
            tx.execute(
                "INSERT INTO quotas (user_id, storage) VALUES (?1, ?2) ON CONFLICT(user_id) DO UPDATE SET storage = storage + excluded.storage",
                params![user, size],
            )?;
            let now = now_ms();
            // Only a draft's date is bumped (§12 item 18).
            if tx.execute("UPDATE messages SET date = ?2 WHERE id = ?1 AND state = 'DRAFT'", params![id, now])? > 0 {
                tx.execute("UPDATE usermessages SET date = ?2 WHERE message_id = ?1", params![id, now])?;
            }
            Ok(())
        })
        .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&path).await;
    }
    result.map(|()| Json(IdResponse { id: att_id }).into_response())
}

/// `GET /workspace/quota/user/{userId}` (spec §10): the caller's own quota and what their
/// attachments use; anyone else's is refused.
async fn quota(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    if id != caller.user_id {
        return Err(ApiError::Forbidden("quota.other.user"));
    }
    let storage = storage_of(&state, &id).await?;
    Ok(Json(
        serde_json::json!({ "quota": state.cfg.quota_bytes, "storage": storage }),
    ))
}

async fn storage_of(state: &AppState, user: &str) -> ApiResult<u64> {
    let user = user.to_owned();
    state
        .db
        .read(move |c| -> ApiResult<_> { Ok(storage(c, &user)?) })
        .await
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive range within `len`.
fn parse_range(header: &str, len: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().ok()?;
            (len.saturating_sub(n), len - 1)
        }
        (a, "") => (a.parse().ok()?, len - 1),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.min(len - 1)),
    };
    (start <= end && start < len).then_some((start, end))
}

async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, att)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (user, aid) = (caller.user_id, att.clone());
    let meta = state
        .db
        .read(move |c| -> ApiResult<_> {
            Ok(c.query_row(
                "SELECT a.filename, a.content_type, a.size FROM usermessagesattachments l JOIN attachments a ON a.id = l.attachment_id
                 WHERE l.user_id = ?1 AND l.message_id = ?2 AND l.attachment_id = ?3",
                params![user, id, aid],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u64>(2)?)),
            )
            .optional()?)
        })
        .await?;
    let Some((filename, content_type, _)) = meta else {
        return Err(ApiError::NotFound(keys::INVALID_FILE_ID));
    };
    // Streamed from the disk, never read whole into memory: a file may be large.
    let mut file = tokio::fs::File::open(state.files_dir.join(&att))
        .await
        .map_err(|_| ApiError::NotFound(keys::INVALID_FILE_ID))?;
    let len = file
        .metadata()
        .await
        .map_err(|_| ApiError::NotFound(keys::INVALID_FILE_ID))?
        .len();
    let disposition = format!("attachment; filename=\"{}\"", clean_filename(&filename));
    let etag = format!("\"{att}\"");
    let base = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_DISPOSITION, disposition),
        (header::ETAG, etag),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
    ];
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, start, end) = match range.map(|r| parse_range(r, len)) {
        None => (StatusCode::OK, 0, len),
        Some(Some((s, e))) => (StatusCode::PARTIAL_CONTENT, s, e + 1),
        Some(None) => {
            let mut resp = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = format!("bytes */{len}").parse() {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(resp);
        }
    };
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .context("cannot seek in an attachment")?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file.take(end - start)));
    let mut resp = (status, base, body).into_response();
    if let Ok(v) = (end - start).to_string().parse() {
        resp.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) = format!("bytes {start}-{}/{len}", end - 1).parse() {
            resp.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(resp)
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, att)): Path<(String, String)>,
) -> ApiResult<Json<AttachmentRemoved>> {
    let user = caller.user_id;
    let aid = att.clone();
    let size = state
        .db
        .write(move |tx| -> ApiResult<u64> {
            if !has_row(tx, &user, &id)? {
                return Err(ApiError::Unauthorized);
            }
            let size: Option<u64> = tx
                .query_row(
                    "SELECT a.size FROM usermessagesattachments l JOIN attachments a ON a.id = l.attachment_id WHERE l.user_id = ?1 AND l.message_id = ?2 AND l.attachment_id = ?3",
                    params![user, id, aid],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(size) = size else { return Err(ApiError::NotFound(keys::INVALID_FILE_ID)) };
            tx.execute("DELETE FROM usermessagesattachments WHERE user_id = ?1 AND message_id = ?2 AND attachment_id = ?3", params![user, id, aid])?;
            tx.execute("UPDATE usermessages SET total_quota = max(0, total_quota - ?3) WHERE user_id = ?1 AND message_id = ?2", params![user, id, size])?;
            tx.execute("UPDATE quotas SET storage = max(0, storage - ?2) WHERE user_id = ?1", params![user, size])?;
            let now = now_ms();
            if tx.execute("UPDATE messages SET date = ?2 WHERE id = ?1 AND state = 'DRAFT'", params![id, now])? > 0 {
                tx.execute("UPDATE usermessages SET date = ?2 WHERE message_id = ?1", params![id, now])?;
            }
            Ok(size)
        })
        .await?;
    Ok(Json(AttachmentRemoved {
        file_id: att,
        file_size: size,
    }))
}

async fn forward(
    State(state): State<AppState>,
    caller: Caller,
    Path((draft, orig)): Path<(String, String)>,
) -> ApiResult<Response> {
    let quota = state.cfg.quota_bytes;
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            let user = caller.user_id;
            if !has_row(tx, &user, &draft)? || !has_row(tx, &user, &orig)? {
                return Err(ApiError::Unauthorized);
            }
            let atts = attachments_of(tx, &user, &orig)?;
            let total: u64 = atts.iter().map(|a| a.size).sum();
            if storage(tx, &user)? + total > quota {
                return Err(ApiError::bad(keys::FILE_TOO_LARGE));
            }
            for a in &atts {
                tx.execute("INSERT OR IGNORE INTO usermessagesattachments (user_id, message_id, attachment_id) VALUES (?1, ?2, ?3)", params![user, draft, a.id])?;
            }
            tx.execute("UPDATE usermessages SET total_quota = total_quota + ?3 WHERE user_id = ?1 AND message_id = ?2", params![user, draft, total])?;
            // entcore reads the original to find its files (`conversationService.get`,
            // ConversationController.forwardAttachments), and a read marks it read (§12.33).
            crate::conversation::mark_read(tx, &user, &orig)?;
            tx.execute(
                "INSERT INTO quotas (user_id, storage) VALUES (?1, ?2) ON CONFLICT(user_id) DO UPDATE SET storage = storage + excluded.storage",
                params![user, total],
            )?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// Removes messages without any user row, then attachments without any link and their files.
pub(crate) async fn sweep_orphans(state: &AppState) -> anyhow::Result<usize> {
    let ids = state
        .db
        .write(|tx| -> anyhow::Result<_> {
            tx.execute("DELETE FROM messages_fts WHERE rowid IN (SELECT rowid FROM messages m WHERE NOT EXISTS (SELECT 1 FROM usermessages u WHERE u.message_id = m.id))", [])?;
            tx.execute("DELETE FROM messages WHERE NOT EXISTS (SELECT 1 FROM usermessages u WHERE u.message_id = messages.id)", [])?;
            let ids: Vec<String> = tx
                .prepare("SELECT id FROM attachments a WHERE NOT EXISTS (SELECT 1 FROM usermessagesattachments l WHERE l.attachment_id = a.id)")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in &ids {
                tx.execute("DELETE FROM attachments WHERE id = ?1", [id])?;
            }
            Ok(ids)
        })
        .await?;
    // Rows go first: a crash between the two leaves a stray file, never a row without a file.
    let mut removed = 0;
    for id in &ids {
        if tokio::fs::remove_file(state.files_dir.join(id))
            .await
            .is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

pub(crate) async fn sweeper(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(state.cfg.orphan_sweep_interval);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(error) = sweep_orphans(&state).await {
                    tracing::warn!(error = ?error, "orphan sweep failed");
                }
            }
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_directories_and_nul_bytes() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\0b.pdf"), "ab.pdf");
        assert_eq!(clean_filename(".."), "file");
        assert_eq!(clean_filename("C:\\x\\note.txt"), "note.txt");
    }

    #[test]
    fn file_names_lose_bidi_controls_and_invisible_characters() {
        assert_eq!(clean_filename("devoir_\u{202E}fdp.exe"), "devoir_fdp.exe");
        assert_eq!(
            clean_filename("\u{2066}a\u{2069}\u{200B}\u{200E}\u{200F}\u{061C}\u{FEFF}b.pdf"),
            "ab.pdf"
        );
        assert_eq!(clean_filename("\u{202E}\u{200B}"), "file");
        assert_eq!(clean_filename("élève_日本.pdf"), "élève_日本.pdf");
    }

    #[test]
    fn long_file_names_are_cut_to_255_bytes_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(200)); // 404 bytes

        let name = clean_filename(&long);

        assert!(name.len() <= MAX_FILENAME_BYTES, "{}", name.len());
        assert!(name.ends_with("é.pdf"), "{name}");
        assert_eq!(clean_filename("court.pdf"), "court.pdf");
    }

    #[test]
    fn ranges_are_parsed_inclusive_and_clamped() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 9)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=50-500", 100), Some((50, 99)));
        assert_eq!(parse_range("bytes=200-", 100), None);
    }
}
