//! One function per route (spec §11), returning the path and query to append to the ENT's
//! base URL. Path segments and query values are percent-encoded here, so ids are opaque.

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn with_query(path: String, query: &[(&str, &str)]) -> String {
    if query.is_empty() {
        return path;
    }
    let q: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{path}?{}", q.join("&"))
}

/// `POST|GET /auth/login` (spec §2.1).
pub const LOGIN: &str = "/auth/login";
/// `GET /auth/logout` (spec §2.2).
pub const LOGOUT: &str = "/auth/logout";
/// `POST /auth/oauth2/token` (spec §2.3).
pub const OAUTH2_TOKEN: &str = "/auth/oauth2/token";
/// `GET`: the authorization-code flow's sign-in step (AuthController `authorize`).
pub const OAUTH2_AUTH: &str = "/auth/oauth2/auth";
/// `POST`, bearer-authenticated: a web session cookie for the token's user
/// (AuthController `tokenAsCookie`).
pub const OAUTH2_TOKEN_AS_COOKIE: &str = "/auth/oauth2/token-as-cookie";
/// `GET /auth/oauth2/userinfo?version=v2.0` (spec §2.4).
pub const USERINFO: &str = "/auth/oauth2/userinfo?version=v2.0";
/// `GET /conversation/max-depth` (spec §4.1).
pub const MAX_DEPTH: &str = "/conversation/max-depth";
/// `POST /conversation/toggleUnread` (spec §4.11).
pub const TOGGLE_UNREAD: &str = "/conversation/toggleUnread";
/// `PUT /conversation/trash` (spec §4.12).
pub const TRASH: &str = "/conversation/trash";
/// `PUT /conversation/restore` (spec §4.12).
pub const RESTORE: &str = "/conversation/restore";
/// `PUT /conversation/delete` (spec §4.12).
pub const DELETE: &str = "/conversation/delete";
/// `DELETE /conversation/emptyTrash` (spec §4.12).
pub const EMPTY_TRASH: &str = "/conversation/emptyTrash";
/// `POST /conversation/folder` (spec §4.14).
pub const CREATE_FOLDER: &str = "/conversation/folder";

/// `GET /conversation/api/folders?depth=N` (spec §4.3).
pub fn folders(depth: u32) -> String {
    format!("/conversation/api/folders?depth={depth}")
}

/// `GET /conversation/api/count/{folder}?unread=…` (spec §4.4); `unread` is always sent
/// (spec §12 item 9).
pub fn count(folder: &str, unread: bool) -> String {
    format!("/conversation/api/count/{}?unread={unread}", encode(folder))
}

/// Query of a message list (spec §4.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery<'a> {
    pub page: u32,
    /// 1..=25; the server replaces anything else by 25.
    pub page_size: Option<u32>,
    pub unread: bool,
    /// At least 3 characters after trimming, or the ENT answers 400.
    pub search: Option<&'a str>,
}

/// `GET /conversation/api/folders/{folderId}/messages?page=…` (spec §4.5).
pub fn folder_messages(folder: &str, query: &ListQuery<'_>) -> String {
    let page = query.page.to_string();
    let size = query.page_size.map(|s| s.to_string());
    let mut q: Vec<(&str, &str)> = vec![("page", &page)];
    if let Some(size) = &size {
        q.push(("page_size", size));
    }
    if query.unread {
        q.push(("unread", "true"));
    }
    if let Some(search) = query.search {
        q.push(("search", search));
    }
    with_query(
        format!("/conversation/api/folders/{}/messages", encode(folder)),
        &q,
    )
}

/// `GET /conversation/api/messages/{id}` (spec §4.6). Marks the message read.
pub fn message(id: &str) -> String {
    format!("/conversation/api/messages/{}", encode(id))
}

/// `POST /conversation/draft[?In-Reply-To=…]` (spec §4.7).
pub fn create_draft(in_reply_to: Option<&str>) -> String {
    match in_reply_to {
        Some(parent) => with_query("/conversation/draft".into(), &[("In-Reply-To", parent)]),
        None => "/conversation/draft".into(),
    }
}

/// `PUT /conversation/draft/{id}` (spec §4.8).
pub fn update_draft(id: &str) -> String {
    format!("/conversation/draft/{}", encode(id))
}

/// `POST /conversation/send[?id=…][&In-Reply-To=…]` (spec §4.9).
pub fn send(draft_id: Option<&str>, in_reply_to: Option<&str>) -> String {
    let mut q = Vec::new();
    if let Some(id) = draft_id {
        q.push(("id", id));
    }
    if let Some(parent) = in_reply_to {
        q.push(("In-Reply-To", parent));
    }
    with_query("/conversation/send".into(), &q)
}

/// `POST /conversation/api/messages/{id}/recall` (spec §4.10).
pub fn recall(id: &str) -> String {
    format!("/conversation/api/messages/{}/recall", encode(id))
}

/// `GET`/`PUT /userbook/preference/{application}` (spec §10.1): one application's preference.
pub fn preference(application: &str) -> String {
    format!("/userbook/preference/{}", encode(application))
}

/// The application whose preference holds the conversation signature (spec §10.1).
pub const CONVERSATION_PREFERENCE: &str = "conversation";

/// `PUT /conversation/move/userfolder/{folderId}` (spec §4.13).
pub fn move_to_folder(folder_id: &str) -> String {
    format!("/conversation/move/userfolder/{}", encode(folder_id))
}

/// `PUT /conversation/move/root?id=A&id=B` (spec §4.13): ids as repeated query parameters.
pub fn move_to_root(ids: &[&str]) -> String {
    let q: Vec<(&str, &str)> = ids.iter().map(|id| ("id", *id)).collect();
    with_query("/conversation/move/root".into(), &q)
}

/// `PUT /conversation/folder/{id}` (spec §4.14).
pub fn rename_folder(id: &str) -> String {
    format!("/conversation/folder/{}", encode(id))
}

/// `DELETE /conversation/api/folders/{id}` (spec §4.14).
pub fn delete_folder(id: &str) -> String {
    format!("/conversation/api/folders/{}", encode(id))
}

/// `POST /conversation/message/{id}/attachment` (spec §4.15), multipart part `file`.
pub fn upload_attachment(message_id: &str) -> String {
    format!("/conversation/message/{}/attachment", encode(message_id))
}

/// `GET|DELETE /conversation/message/{id}/attachment/{attachmentId}` (spec §4.15).
pub fn attachment(message_id: &str, attachment_id: &str) -> String {
    format!(
        "/conversation/message/{}/attachment/{}",
        encode(message_id),
        encode(attachment_id)
    )
}

/// `PUT /conversation/message/{draftId}/forward/{originalId}` (spec §4.15).
pub fn forward_attachments(draft_id: &str, original_id: &str) -> String {
    format!(
        "/conversation/message/{}/forward/{}",
        encode(draft_id),
        encode(original_id)
    )
}

/// `GET /communication/visible/search[?query=…]` (spec §5.1).
pub fn visible_search(query: Option<&str>) -> String {
    match query {
        Some(q) => with_query("/communication/visible/search".into(), &[("query", q)]),
        None => "/communication/visible/search".into(),
    }
}

/// `GET /conversation/visible[?search=…]` (spec §5.2).
pub fn legacy_visible(search: Option<&str>) -> String {
    match search {
        Some(s) => with_query("/conversation/visible".into(), &[("search", s)]),
        None => "/conversation/visible".into(),
    }
}

/// `GET /directory/user/{id}` (spec §5.4).
pub fn directory_user(id: &str) -> String {
    format!("/directory/user/{}", encode(id))
}

/// `GET /directory/group/{id}` (spec §5.4).
pub fn directory_group(id: &str) -> String {
    format!("/directory/group/{}", encode(id))
}

/// `GET /timeline/lastNotifications?type=MESSAGERIE&page=N` (spec §8.2).
pub fn last_notifications(page: u32) -> String {
    format!("/timeline/lastNotifications?type=MESSAGERIE&page={page}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_paths_encode_the_search_and_leave_out_defaults() {
        let q = ListQuery {
            page: 2,
            page_size: Some(25),
            unread: true,
            search: Some("élève & co"),
        };
        assert_eq!(
            folder_messages("inbox", &q),
            "/conversation/api/folders/inbox/messages?page=2&page_size=25&unread=true&search=%C3%A9l%C3%A8ve%20%26%20co"
        );
        assert_eq!(
            folder_messages("inbox", &ListQuery::default()),
            "/conversation/api/folders/inbox/messages?page=0"
        );
    }

    #[test]
    fn send_and_move_paths_carry_their_query_parameters() {
        assert_eq!(
            send(Some("d1"), Some("p1")),
            "/conversation/send?id=d1&In-Reply-To=p1"
        );
        assert_eq!(send(None, None), "/conversation/send");
        assert_eq!(
            move_to_root(&["a", "b"]),
            "/conversation/move/root?id=a&id=b"
        );
        assert_eq!(
            count("INBOX", true),
            "/conversation/api/count/INBOX?unread=true"
        );
    }

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(message("../x?y"), "/conversation/api/messages/..%2Fx%3Fy");
    }
}
