//! `/conversation`: folders, lists, messages, drafts, send, state changes, attachments
//! (spec §4, §11). Each function's doc names its route.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use super::wire;
use ent_protocol::paths;

use super::{dedup_ids, ApiResult, Body, Call, Client, UploadProgress};
use crate::mailbox::folder::FolderRow;
use crate::message::{Attachment, BodyRow, Recipient, SummaryRow};
use crate::queue::DraftContent;

/// A page of a folder listing.
#[derive(Debug, Clone)]
pub struct ListPage {
    /// Total messages in the folder (every row carries it, §1.6; 0 when the page is empty).
    pub count: u32,
    pub items: Vec<SummaryRow>,
}

/// What the ENT says of a send (§4.9): `inactive` and `undelivered` are display names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendOutcome {
    pub sent: u32,
    /// The thread the ENT put the message in (its parent's, unless the participants changed).
    pub thread_id: Option<String>,
    pub inactive: Vec<String>,
    pub undelivered: Vec<String>,
}

fn user(u: &wire::UserRef) -> Recipient {
    Recipient {
        id: u.id.clone(),
        display_name: u.display_name.clone(),
        is_group: false,
        profile: u.profile.clone(),
        size: None,
    }
}

fn group(g: &wire::GroupRef) -> Recipient {
    Recipient {
        id: g.id.clone(),
        display_name: g.display_name.clone(),
        is_group: true,
        profile: None,
        size: g.size.map(|s| s as u32),
    }
}

fn recipients(r: &wire::Recipients) -> Vec<Recipient> {
    r.users
        .iter()
        .map(user)
        .chain(r.groups.iter().map(group))
        .collect()
}

fn summary_row(m: &wire::MessageSummary) -> SummaryRow {
    SummaryRow {
        id: m.id.clone(),
        subject: m.subject.clone().unwrap_or_default(),
        from: m.from.as_ref().map(user),
        to: recipients(&m.to),
        cc: recipients(&m.cc),
        cci: recipients(&m.cci),
        state: m.state.as_str().to_string(),
        date: m.date,
        unread: m.unread,
        response: m.response,
        has_attachment: m.has_attachment,
        no_reply: m.no_reply,
    }
}

/// `GET /conversation/max-depth` (§4.1): how deep user folders may go.
pub async fn max_depth(client: &Client) -> ApiResult<u32> {
    Ok(conf(client).await?.max_depth)
}

/// `GET /conversation/max-depth` (§4.1), whole: the folder depth and the recall delay.
pub async fn conf(client: &Client) -> ApiResult<wire::MaxDepth> {
    client.send(Call::get(paths::MAX_DEPTH)).await
}

/// `POST /conversation/api/messages/{id}/recall` (§4.10): 204, or 400
/// `conversation.error.recall.mail` when the delay has passed (or it is not the caller's sent
/// message). Not retried: a second recall of a recalled message is refused the same way.
pub async fn recall(client: &Client, id: &str) -> ApiResult<()> {
    let _: serde_json::Value = client
        .send(Call::write(Method::POST, paths::recall(id), Body::None))
        .await?;
    Ok(())
}

/// `GET /conversation/api/folders?depth=N` (§4.3): the user's folder tree, flattened.
pub async fn folders(client: &Client, depth: u32) -> ApiResult<Vec<FolderRow>> {
    let tree: Option<Vec<wire::Folder>> = client.send(Call::get(paths::folders(depth))).await?;
    let mut out = Vec::new();
    fn walk(list: &[wire::Folder], parent: Option<&str>, depth: u32, out: &mut Vec<FolderRow>) {
        for f in list {
            out.push(FolderRow {
                id: f.id.clone(),
                parent_id: f.parent_id.clone().or_else(|| parent.map(str::to_string)),
                name: f.name.clone(),
                depth: if f.depth > 0 { f.depth } else { depth },
            });
            walk(
                f.sub_folders.as_deref().unwrap_or_default(),
                Some(&f.id),
                depth + 1,
                out,
            );
        }
    }
    walk(tree.as_deref().unwrap_or_default(), None, 1, &mut out);
    Ok(out)
}

/// `GET /conversation/api/count/{folder}?unread=…` (§4.4). `unread` is always sent (§12.9).
pub async fn count(client: &Client, folder: &str, unread: bool) -> ApiResult<u32> {
    let c: wire::Count = client.send(Call::get(paths::count(folder, unread))).await?;
    Ok(c.count as u32)
}

/// `GET /conversation/api/folders/{folder}/messages?page=N&page_size=S` (§4.5).
pub async fn list(client: &Client, folder: &str, page: u32, page_size: u32) -> ApiResult<ListPage> {
    let query = paths::ListQuery {
        page,
        page_size: Some(page_size.clamp(1, 25)),
        ..Default::default()
    };
    let path = paths::folder_messages(folder, &query);
    let items: Option<Vec<wire::MessageSummary>> = client.send(Call::get(path)).await?;
    let items = items.unwrap_or_default();
    let count = items.first().map(|m| m.count as u32).unwrap_or(0);
    Ok(ListPage {
        count,
        items: items.iter().map(summary_row).collect(),
    })
}

/// `GET /conversation/api/messages/{id}` (§4.6). Marks the message read on the ENT: see
/// `sync::engine` for how the sync puts the flag back.
pub async fn message(client: &Client, id: &str) -> ApiResult<(SummaryRow, BodyRow)> {
    let m: wire::Message = client.send(Call::get(paths::message(id))).await?;
    let summary = SummaryRow {
        id: m.id.clone(),
        subject: m.subject.clone().unwrap_or_default(),
        from: m.from.as_ref().map(user),
        to: recipients(&m.to),
        cc: recipients(&m.cc),
        cci: recipients(&m.cci),
        state: m.state.as_str().to_string(),
        date: m.date,
        unread: m.unread,
        response: false,
        has_attachment: !m.attachments.is_empty(),
        no_reply: m.no_reply,
    };
    let body = BodyRow {
        id: m.id.clone(),
        body: m.body.clone(),
        user_folder_id: m.folder_id.clone(),
        thread_id: m.thread_id.clone(),
        parent_id: m.parent_id.clone(),
        attachments: m
            .attachments
            .iter()
            .map(|a| Attachment {
                id: a.id.clone(),
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: a.size as i64,
                cached_path: None,
            })
            .collect(),
    };
    Ok((summary, body))
}

fn ids_body(ids: &[String]) -> Body {
    Body::Json(json!({ "id": dedup_ids(ids) }))
}

/// `POST /conversation/toggleUnread {"id":[…],"unread":b}` (§4.11).
pub async fn toggle_unread(client: &Client, ids: &[String], unread: bool) -> ApiResult<()> {
    let body = Body::Json(json!({ "id": dedup_ids(ids), "unread": unread }));
    let _: serde_json::Value = client
        .send(Call::write(Method::POST, paths::TOGGLE_UNREAD, body).idempotent())
        .await?;
    Ok(())
}

/// `PUT /conversation/trash {"id":[…]}` (§4.12).
pub async fn trash(client: &Client, ids: &[String]) -> ApiResult<()> {
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, paths::TRASH, ids_body(ids)).idempotent())
        .await?;
    Ok(())
}

/// `PUT /conversation/restore {"id":[…]}` (§4.12).
pub async fn restore(client: &Client, ids: &[String]) -> ApiResult<()> {
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, paths::RESTORE, ids_body(ids)).idempotent())
        .await?;
    Ok(())
}

/// `PUT /conversation/delete {"id":[…]}` (§4.12): deletes trashed messages for good.
pub async fn delete(client: &Client, ids: &[String]) -> ApiResult<()> {
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, paths::DELETE, ids_body(ids)).idempotent())
        .await?;
    Ok(())
}

/// `DELETE /conversation/emptyTrash` (§4.12).
pub async fn empty_trash(client: &Client) -> ApiResult<()> {
    let _: serde_json::Value = client
        .send(Call::write(Method::DELETE, paths::EMPTY_TRASH, Body::None).idempotent())
        .await?;
    Ok(())
}

/// `PUT /conversation/move/userfolder/{folderId} {"id":[…]}` (§4.13).
pub async fn move_to_folder(client: &Client, ids: &[String], folder: &str) -> ApiResult<()> {
    let path = paths::move_to_folder(folder);
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, path, ids_body(ids)).idempotent())
        .await?;
    Ok(())
}

/// `PUT /conversation/move/root?id=A&id=B` (§4.13).
pub async fn move_to_root(client: &Client, ids: &[String]) -> ApiResult<()> {
    let ids = dedup_ids(ids);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let path = paths::move_to_root(&refs);
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, path, Body::None).idempotent())
        .await?;
    Ok(())
}

/// `POST /conversation/folder {"name","parentId"}` (§4.14) → the new folder's id.
pub async fn create_folder(client: &Client, name: &str, parent: Option<&str>) -> ApiResult<String> {
    let mut body = json!({ "name": name });
    if let Some(p) = parent {
        body["parentId"] = json!(p);
    }
    let created: wire::Created = client
        .send(Call::write(
            Method::POST,
            paths::CREATE_FOLDER,
            Body::Json(body),
        ))
        .await?;
    Ok(created.id)
}

/// `PUT /conversation/folder/{id} {"name"}` (§4.14).
pub async fn rename_folder(client: &Client, id: &str, name: &str) -> ApiResult<()> {
    let path = paths::rename_folder(id);
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, path, Body::Json(json!({ "name": name }))).idempotent())
        .await?;
    Ok(())
}

/// `DELETE /conversation/api/folders/{id}` (§4.14): its messages go to the trash.
pub async fn delete_folder(client: &Client, id: &str) -> ApiResult<()> {
    let path = paths::delete_folder(id);
    let _: serde_json::Value = client
        .send(Call::write(Method::DELETE, path, Body::None).idempotent())
        .await?;
    Ok(())
}

/// Only the documented fields: a real ENT turns unknown ones into SQL columns (§12.22).
fn draft_body(c: &DraftContent) -> Body {
    Body::Json(json!({
        "subject": c.subject,
        "body": c.body,
        "to": dedup_ids(&c.to),
        "cc": dedup_ids(&c.cc),
        "cci": dedup_ids(&c.cci),
    }))
}

/// `POST /conversation/draft[?In-Reply-To=…]` (§4.7) → the draft's id.
pub async fn create_draft(client: &Client, c: &DraftContent) -> ApiResult<String> {
    let path = paths::create_draft(c.in_reply_to.as_deref());
    let created: wire::Created = client
        .send(Call::write(Method::POST, path, draft_body(c)))
        .await?;
    Ok(created.id)
}

/// `PUT /conversation/draft/{id}` (§4.8).
pub async fn update_draft(client: &Client, id: &str, c: &DraftContent) -> ApiResult<()> {
    let path = paths::update_draft(id);
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, path, draft_body(c)).idempotent())
        .await?;
    Ok(())
}

/// `POST /conversation/send?id={draftId}[&In-Reply-To=…]` (§4.9), with the full recipient
/// lists (the ENT delivers to those of the request, not of the draft). Never retried as is:
/// the queue checks the message's state before sending again.
pub async fn send(client: &Client, draft_id: &str, c: &DraftContent) -> ApiResult<SendOutcome> {
    let path = paths::send(Some(draft_id), c.in_reply_to.as_deref());
    let r: wire::SendResponse = client
        .send(Call::write(Method::POST, path, draft_body(c)))
        .await?;
    Ok(SendOutcome {
        sent: r.sent as u32,
        thread_id: r.thread_id,
        inactive: r.inactive,
        undelivered: r.undelivered,
    })
}

/// `POST /conversation/message/{id}/attachment` (§4.15), multipart part `file` → its id;
/// `progress` is told the bytes sent as they go.
pub async fn add_attachment(
    client: &Client,
    message_id: &str,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
    progress: Option<UploadProgress>,
) -> ApiResult<String> {
    let path = paths::upload_attachment(message_id);
    let body = Body::File {
        filename: filename.to_string(),
        content_type: content_type.to_string(),
        bytes: Arc::new(bytes),
        progress,
    };
    let created: wire::Created = client.send(Call::write(Method::POST, path, body)).await?;
    Ok(created.id)
}

/// `DELETE /conversation/message/{id}/attachment/{attachmentId}` (§4.15).
pub async fn remove_attachment(
    client: &Client,
    message_id: &str,
    attachment_id: &str,
) -> ApiResult<()> {
    let path = paths::attachment(message_id, attachment_id);
    let _: serde_json::Value = client
        .send(Call::write(Method::DELETE, path, Body::None).idempotent())
        .await?;
    Ok(())
}

/// `PUT /conversation/message/{draftId}/forward/{originalId}` (§4.15): the original's
/// attachments, linked to a forward draft.
pub async fn forward_attachments(
    client: &Client,
    draft_id: &str,
    original_id: &str,
) -> ApiResult<()> {
    let path = paths::forward_attachments(draft_id, original_id);
    let _: serde_json::Value = client
        .send(Call::write(Method::PUT, path, Body::None).idempotent())
        .await?;
    Ok(())
}

/// `GET /conversation/message/{id}/attachment/{attachmentId}` (§4.15): the file's bytes, whole
/// in memory (tools and tests); the mailbox streams files to disk with [`Client::download`].
pub async fn download_attachment(
    client: &Client,
    message_id: &str,
    attachment_id: &str,
) -> ApiResult<Vec<u8>> {
    let path = paths::attachment(message_id, attachment_id);
    Ok(client.send_raw(Call::get(path)).await?.bytes)
}
