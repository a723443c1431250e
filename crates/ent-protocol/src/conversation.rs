//! The conversation module (spec §3, §4): folders, lists, messages, drafts, send, state
//! changes, user folders and attachments.

use serde::{Deserialize, Serialize};

use crate::nullable::null_as_default;

/// System folders (spec §3.2). On the wire any case is accepted; the React client and
/// [`SystemFolder::as_str`] use lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemFolder {
    Inbox,
    Outbox,
    Draft,
    Trash,
}

impl SystemFolder {
    pub const ALL: [SystemFolder; 4] = [Self::Inbox, Self::Outbox, Self::Draft, Self::Trash];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbox => "inbox",
            Self::Outbox => "outbox",
            Self::Draft => "draft",
            Self::Trash => "trash",
        }
    }

    /// Recognises a system folder name, case-insensitively; `None` means a user folder id.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

/// Message states (spec §3.3). Unknown states from a newer ENT are kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageState {
    #[serde(rename = "DRAFT")]
    Draft,
    #[serde(rename = "SENT")]
    Sent,
    #[serde(rename = "RECALL")]
    Recall,
    #[serde(rename = "SCHEDULE")]
    Schedule,
    #[serde(untagged)]
    Other(String),
}

impl MessageState {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Draft => "DRAFT",
            Self::Sent => "SENT",
            Self::Recall => "RECALL",
            Self::Schedule => "SCHEDULE",
            Self::Other(s) => s,
        }
    }
}

/// `GET /conversation/max-depth` (spec §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaxDepth {
    #[serde(rename = "max-depth")]
    pub max_depth: u32,
    #[serde(rename = "recall-delay-minutes", default)]
    pub recall_delay_minutes: Option<u32>,
    #[serde(rename = "get-visible-strategy", default)]
    pub get_visible_strategy: Option<String>,
}

/// One node of `GET /conversation/api/folders?depth=N` (spec §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderTreeItem {
    pub id: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub depth: u32,
    #[serde(rename = "nbMessages", default)]
    pub nb_messages: u64,
    #[serde(rename = "nbUnread", default)]
    pub nb_unread: u64,
    #[serde(
        rename = "subFolders",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sub_folders: Option<Vec<FolderTreeItem>>,
}

/// `GET /conversation/api/count/{folder}` (spec §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub count: u64,
}

/// A user as shown in `from`/`to`/`cc`/`cci` (spec §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    /// `""` for a deleted sender (spec §3.6).
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(rename = "displayName", default, deserialize_with = "null_as_default")]
    pub display_name: String,
    #[serde(default)]
    pub profile: Option<String>,
}

/// A group as shown in `to`/`cc`/`cci` (spec §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    pub id: String,
    #[serde(rename = "displayName", default, deserialize_with = "null_as_default")]
    pub display_name: String,
    /// Member count, looked up live.
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(rename = "subType", default)]
    pub sub_type: Option<String>,
}

/// `{"users":[…],"groups":[…]}` (spec §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Recipients {
    #[serde(default, deserialize_with = "null_as_default")]
    pub users: Vec<UserRef>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub groups: Vec<GroupRef>,
}

impl Recipients {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty()
    }
}

/// One row of `GET /conversation/api/folders/{folderId}/messages` (spec §4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageListItem {
    pub id: String,
    #[serde(default)]
    pub subject: Option<String>,
    /// May be null for very old data.
    #[serde(default)]
    pub from: Option<UserRef>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub to: Recipients,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cc: Recipients,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cci: Recipients,
    pub state: MessageState,
    /// Epoch milliseconds.
    pub date: i64,
    #[serde(rename = "noReply", default, deserialize_with = "null_as_default")]
    pub no_reply: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub unread: bool,
    /// The current user replied to or forwarded this message (spec §3.5).
    #[serde(default, deserialize_with = "null_as_default")]
    pub response: bool,
    #[serde(
        rename = "hasAttachment",
        default,
        deserialize_with = "null_as_default"
    )]
    pub has_attachment: bool,
    /// Total number of rows matching the query, repeated on every row (spec §1.6).
    #[serde(default)]
    pub count: u64,
}

/// Attachment metadata (spec §4.6, §4.15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    /// The multipart field name used at upload, normally `file`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default)]
    pub charset: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub filename: String,
    #[serde(rename = "contentType", default, deserialize_with = "null_as_default")]
    pub content_type: String,
    #[serde(rename = "contentTransferEncoding", default)]
    pub content_transfer_encoding: Option<String>,
    #[serde(default)]
    pub size: u64,
}

/// `GET /conversation/api/messages/{id}` (spec §4.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub thread_id: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    /// HTML fragment; untrusted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub body: String,
    #[serde(default)]
    pub from: Option<UserRef>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub to: Recipients,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cc: Recipients,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cci: Recipients,
    pub state: MessageState,
    pub date: i64,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(rename = "noReply", default, deserialize_with = "null_as_default")]
    pub no_reply: bool,
    #[serde(default)]
    pub content_version: Option<i64>,
    /// The caller's user folder, if any.
    #[serde(default)]
    pub folder_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub trashed: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub unread: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub original_format_exists: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<Attachment>,
}

/// Body of `POST /conversation/draft`, `PUT /conversation/draft/{id}` and
/// `POST /conversation/send` (spec §4.7–4.9). Absent fields are left out of the JSON: on update
/// they mean "unchanged". On send, always give the complete `to`/`cc`/`cci` (spec §12 item 3).
/// Unknown fields are refused, as a real ENT fails on them (spec §12 item 22).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cci: Option<Vec<String>>,
    #[serde(rename = "noReply", default, skip_serializing_if = "Option::is_none")]
    pub no_reply: Option<bool>,
    /// Send only: defer delivery (SCHEDULE state, never delivered on a real ENT).
    #[serde(
        rename = "scheduleAt",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schedule_at: Option<String>,
}

/// `{"id": "…"}`: answer of `POST /conversation/draft` (201), `POST /conversation/folder` (201)
/// and attachment upload (200). Extra keys are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdResponse {
    pub id: String,
}

/// Answer of `POST /conversation/send` (spec §4.9). `inactive` and `undelivered` hold display
/// names, not ids (spec §12 item 4). Extra keys (e.g. `update_message_with_state_transition`)
/// are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SendResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub thread_id: Option<String>,
    #[serde(default)]
    pub sent: u64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inactive: Vec<String>,
    #[serde(rename = "inactiveCount", default)]
    pub inactive_count: u64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub undelivered: Vec<String>,
}

/// `{"id":[…]}`: body of `PUT trash`, `PUT restore`, `PUT delete`, `PUT move/userfolder/{id}`
/// (spec §4.12, §4.13). De-duplicate ids before sending (spec §12 item 8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IdsBody {
    pub id: Vec<String>,
}

/// Body of `POST /conversation/toggleUnread` (spec §4.11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToggleUnreadBody {
    pub id: Vec<String>,
    pub unread: bool,
}

/// Body of `POST /conversation/folder` (spec §4.14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateFolderBody {
    pub name: String,
    #[serde(rename = "parentId", default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// Body of `PUT /conversation/folder/{id}` (spec §4.14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameFolderBody {
    pub name: String,
}

/// Answer of `DELETE /conversation/message/{id}/attachment/{attId}` (spec §4.15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRemoved {
    #[serde(rename = "fileId")]
    pub file_id: String,
    #[serde(rename = "fileSize", default)]
    pub file_size: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_folders_parse_in_any_case_and_user_folders_do_not() {
        assert_eq!(SystemFolder::parse("INBOX"), Some(SystemFolder::Inbox));
        assert_eq!(SystemFolder::parse("trash"), Some(SystemFolder::Trash));
        assert_eq!(SystemFolder::parse("8c2f-user-folder"), None);
    }

    #[test]
    fn the_spec_max_depth_example_parses() {
        let v: MaxDepth = serde_json::from_str(
            r#"{"max-depth": 3, "recall-delay-minutes": 60, "get-visible-strategy": "all-at-once"}"#,
        )
        .unwrap();
        assert_eq!(v.max_depth, 3);
        assert_eq!(v.recall_delay_minutes, Some(60));
    }

    #[test]
    fn the_spec_folder_tree_example_parses_with_and_without_subfolders() {
        let json = r#"[{"id":"8c2f","parent_id":null,"name":"Projets","depth":1,"nbMessages":4,"nbUnread":1,
  "subFolders":[{"id":"1d9a","parent_id":"8c2f","name":"Sortie musée","depth":2,"nbMessages":2,"nbUnread":0}]}]"#;
        let tree: Vec<FolderTreeItem> = serde_json::from_str(json).unwrap();
        let sub = tree[0].sub_folders.as_ref().unwrap();
        assert_eq!(sub[0].parent_id.as_deref(), Some("8c2f"));
        assert_eq!(sub[0].sub_folders, None);
        assert_eq!(tree[0].nb_unread, 1);
    }

    #[test]
    fn the_spec_list_item_example_parses() {
        let json = r#"[{"id":"0f6e2b9e","subject":"Conseil de classe","state":"SENT","date":1718000000000,
  "noReply":false,"unread":true,"response":false,"hasAttachment":true,"count":42,
  "from":{"id":"a71c","displayName":"MARTIN Paul","profile":"Teacher"},
  "to":{"users":[{"id":"5b0c","displayName":"DURAND Marie","profile":"Teacher"}],
        "groups":[{"id":"g-4411","displayName":"Enseignants du groupe 3A.","size":12,"type":"ProfileGroup","subType":null}]},
  "cc":{"users":[],"groups":[]},"cci":{"users":[],"groups":[]}}]"#;
        let items: Vec<MessageListItem> = serde_json::from_str(json).unwrap();
        assert_eq!(items[0].count, 42);
        assert_eq!(items[0].state, MessageState::Sent);
        assert_eq!(items[0].to.groups[0].size, Some(12));
        assert!(items[0].has_attachment);
    }

    #[test]
    fn a_list_item_with_nulls_and_an_unknown_state_parses() {
        let json = r#"{"id":"m","subject":null,"from":null,"to":null,"state":"ARCHIVED","date":1,"unread":null}"#;
        let item: MessageListItem = serde_json::from_str(json).unwrap();
        assert_eq!(item.state, MessageState::Other("ARCHIVED".into()));
        assert!(item.from.is_none() && item.to.is_empty() && !item.unread);
    }

    #[test]
    fn the_spec_full_message_example_parses() {
        let json = r#"{"id":"0f6e2b9e","parent_id":null,"thread_id":"0f6e2b9e","subject":"Conseil de classe",
 "body":"<p>Bonjour,</p><p>Le conseil aura lieu jeudi.</p>","state":"SENT","date":1718000000000,
 "language":"fr","noReply":false,"content_version":1,"folder_id":null,"trashed":false,"unread":false,
 "original_format_exists":false,
 "from":{"id":"a71c","displayName":"MARTIN Paul","profile":"Teacher"},
 "to":{"users":[{"id":"5b0c","displayName":"DURAND Marie","profile":"Teacher"}],"groups":[]},
 "cc":{"users":[],"groups":[]},"cci":{"users":[],"groups":[]},
 "attachments":[{"id":"3e1b","name":"file","charset":"UTF-8","filename":"ordre-du-jour.pdf",
   "contentType":"application/pdf","contentTransferEncoding":"7bit","size":48213}]}"#;
        let msg: Message = serde_json::from_str(json).unwrap();
        assert_eq!(msg.attachments[0].size, 48213);
        assert_eq!(msg.from.unwrap().display_name, "MARTIN Paul");
    }

    #[test]
    fn a_recalled_message_seen_by_a_recipient_parses() {
        let json =
            r#"{"id":"m","state":"RECALL","subject":"","body":"","attachments":[],"date":5}"#;
        let msg: Message = serde_json::from_str(json).unwrap();
        assert_eq!(msg.state, MessageState::Recall);
    }

    #[test]
    fn the_spec_send_response_parses_and_tolerates_extra_keys() {
        let json = r#"{"id":"0f6e2b9e","subject":"Conseil de classe","body":"<p>…</p>","thread_id":"0f6e2b9e",
 "sent":27,"inactive":["LEROY Hugo"],"inactiveCount":1,"undelivered":[],"update_message_with_state_transition":null}"#;
        let resp: SendResponse = serde_json::from_str(json).unwrap();
        assert_eq!(resp.sent, 27);
        assert_eq!(resp.inactive, vec!["LEROY Hugo".to_string()]);
        assert_eq!(resp.inactive_count, 1);
    }

    #[test]
    fn a_draft_body_leaves_absent_fields_out_and_refuses_unknown_ones() {
        let body = DraftBody {
            subject: Some("Hi".into()),
            to: Some(vec!["u1".into()]),
            ..DraftBody::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"subject":"Hi","to":["u1"]}"#
        );
        assert!(serde_json::from_str::<DraftBody>(r#"{"subject":"x","evil":1}"#).is_err());
    }

    #[test]
    fn state_change_bodies_have_the_wire_shape() {
        let ids = IdsBody {
            id: vec!["a".into(), "b".into()],
        };
        assert_eq!(serde_json::to_string(&ids).unwrap(), r#"{"id":["a","b"]}"#);
        let toggle = ToggleUnreadBody {
            id: vec!["a".into()],
            unread: true,
        };
        assert_eq!(
            serde_json::to_string(&toggle).unwrap(),
            r#"{"id":["a"],"unread":true}"#
        );
        let folder = CreateFolderBody {
            name: "Projets".into(),
            parent_id: Some("p".into()),
        };
        assert_eq!(
            serde_json::to_string(&folder).unwrap(),
            r#"{"name":"Projets","parentId":"p"}"#
        );
    }

    #[test]
    fn created_ids_count_and_attachment_removal_parse() {
        let id: IdResponse = serde_json::from_str(r#"{"id":"x","extra":true}"#).unwrap();
        assert_eq!(id.id, "x");
        let count: Count = serde_json::from_str(r#"{"count": 7}"#).unwrap();
        assert_eq!(count.count, 7);
        let removed: AttachmentRemoved =
            serde_json::from_str(r#"{"fileId":"f","fileSize":48213}"#).unwrap();
        assert_eq!(removed.file_size, 48213);
    }
}
