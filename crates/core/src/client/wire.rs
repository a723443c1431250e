//! The ENT's JSON shapes the client reads and writes (spec §2, §4, §5.1).
//!
//! Stopgap: `ent-protocol` is the one home of the wire format, but its conversation and
//! directory types had not landed when this client was written. Every use goes through this
//! module, so switching to `ent_protocol` is a matter of replacing these definitions by
//! `pub use ent_protocol::…` (field names follow the spec, as ent-protocol's do).
//! Response types accept missing fields and `null` (a real ENT sends both).

use serde::{Deserialize, Deserializer, Serialize};

/// Name of the session cookie set by `POST /auth/login` (§2.1).
pub const SESSION_COOKIE: &str = "oneSessionId";
/// Cookie holding the CSRF token (§2.1).
pub const XSRF_COOKIE: &str = "XSRF-TOKEN";
/// Header echoing the CSRF token on cookie-session writes (§2.2).
pub const XSRF_HEADER: &str = "X-XSRF-TOKEN";

fn null_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `{"error": "<i18n key or message>"}` (§1.5).
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "null_default")]
    pub error: String,
}

/// Success body of `POST /auth/oauth2/token` (§2.3).
#[derive(Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// `GET /auth/oauth2/userinfo?version=v2.0` (§2.4), the fields the client uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserInfo {
    #[serde(deserialize_with = "null_default")]
    pub user_id: String,
    #[serde(deserialize_with = "null_default")]
    pub login: String,
    #[serde(deserialize_with = "null_default")]
    pub username: String,
}

/// A user as messages name them (§3.6).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserRef {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    #[serde(deserialize_with = "null_default")]
    pub display_name: String,
    pub profile: Option<String>,
}

/// A group as messages name it (§3.6).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupRef {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    #[serde(deserialize_with = "null_default")]
    pub display_name: String,
    pub size: Option<u64>,
}

/// `{"users": […], "groups": […]}` (§3.6).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Recipients {
    #[serde(deserialize_with = "null_default")]
    pub users: Vec<UserRef>,
    #[serde(deserialize_with = "null_default")]
    pub groups: Vec<GroupRef>,
}

/// One row of `GET /conversation/api/folders/{id}/messages` (§4.5).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageSummary {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    pub subject: Option<String>,
    pub from: Option<UserRef>,
    #[serde(deserialize_with = "null_default")]
    pub to: Recipients,
    #[serde(deserialize_with = "null_default")]
    pub cc: Recipients,
    #[serde(deserialize_with = "null_default")]
    pub cci: Recipients,
    #[serde(deserialize_with = "null_default")]
    pub state: String,
    #[serde(deserialize_with = "null_default")]
    pub date: i64,
    #[serde(deserialize_with = "null_default")]
    pub no_reply: bool,
    #[serde(deserialize_with = "null_default")]
    pub unread: bool,
    #[serde(deserialize_with = "null_default")]
    pub response: bool,
    #[serde(deserialize_with = "null_default")]
    pub has_attachment: bool,
    #[serde(deserialize_with = "null_default")]
    pub count: u64,
}

/// An attachment's metadata (§4.6).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Attachment {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    #[serde(deserialize_with = "null_default")]
    pub filename: String,
    #[serde(deserialize_with = "null_default")]
    pub content_type: String,
    #[serde(deserialize_with = "null_default")]
    pub size: u64,
}

/// `GET /conversation/api/messages/{id}` (§4.6).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Message {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    #[serde(rename = "parent_id")]
    pub parent_id: Option<String>,
    #[serde(rename = "thread_id")]
    pub thread_id: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub from: Option<UserRef>,
    #[serde(deserialize_with = "null_default")]
    pub to: Recipients,
    #[serde(deserialize_with = "null_default")]
    pub cc: Recipients,
    #[serde(deserialize_with = "null_default")]
    pub cci: Recipients,
    #[serde(deserialize_with = "null_default")]
    pub state: String,
    #[serde(deserialize_with = "null_default")]
    pub date: i64,
    #[serde(deserialize_with = "null_default")]
    pub no_reply: bool,
    #[serde(rename = "folder_id")]
    pub folder_id: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub unread: bool,
    #[serde(deserialize_with = "null_default")]
    pub attachments: Vec<Attachment>,
}

/// A user folder of `GET /conversation/api/folders` (§4.3).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Folder {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    pub parent_id: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub depth: u64,
    #[serde(rename = "subFolders", deserialize_with = "null_default")]
    pub sub_folders: Vec<Folder>,
}

/// `{"count": n}` (§4.4).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Count {
    #[serde(default, deserialize_with = "null_default")]
    pub count: u64,
}

/// `GET /conversation/max-depth` (§4.1).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MaxDepth {
    #[serde(rename = "max-depth", default)]
    pub max_depth: u64,
}

/// `{"id": "…"}` of the create endpoints (§4.7, §4.14, §4.15).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Created {
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
}

/// `POST /conversation/send` answer (§4.9): `inactive`/`undelivered` hold display names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SendResponse {
    #[serde(deserialize_with = "null_default")]
    pub sent: u64,
    #[serde(deserialize_with = "null_default")]
    pub inactive: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    pub undelivered: Vec<String>,
}

/// One entry of `GET /communication/visible/search` (§5.1).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Visible {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    #[serde(deserialize_with = "null_default")]
    pub display_name: String,
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub kind: String,
    pub profile: Option<String>,
    pub nb_users: Option<u64>,
    pub group_type: Option<String>,
    pub structure_name: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub used_in: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_list_example_parses() {
        let json = r#"[{"id":"0f6e2b9e","subject":"Conseil de classe","state":"SENT","date":1718000000000,
  "noReply":false,"unread":true,"response":false,"hasAttachment":true,"count":42,
  "from":{"id":"a71c","displayName":"MARTIN Paul","profile":"Teacher"},
  "to":{"users":[{"id":"5b0c","displayName":"DURAND Marie","profile":"Teacher"}],
        "groups":[{"id":"g-4411","displayName":"Enseignants du groupe 3A.","size":12,"type":"ProfileGroup","subType":null}]},
  "cc":{"users":[],"groups":[]},"cci":{"users":[],"groups":[]}}]"#;
        let list: Vec<MessageSummary> = serde_json::from_str(json).unwrap();
        assert_eq!(list[0].count, 42);
        assert_eq!(list[0].to.groups[0].size, Some(12));
    }

    #[test]
    fn the_spec_message_example_parses_with_nulls() {
        let json = r#"{"id":"0f6e","parent_id":null,"thread_id":"0f6e","subject":null,
 "body":"<p>Bonjour</p>","state":"SENT","date":1718000000000,"language":"fr","noReply":false,
 "content_version":1,"folder_id":null,"trashed":false,"unread":false,"original_format_exists":false,
 "from":{"id":"","displayName":"Ancien compte"},"to":null,"cc":{"users":[],"groups":[]},
 "cci":{"users":[],"groups":[]},
 "attachments":[{"id":"3e1b","name":"file","charset":"UTF-8","filename":"ordre-du-jour.pdf",
   "contentType":"application/pdf","contentTransferEncoding":"7bit","size":48213}]}"#;
        let m: Message = serde_json::from_str(json).unwrap();
        assert_eq!(m.attachments[0].size, 48213);
        assert!(m.subject.is_none() && m.to.users.is_empty());
    }

    #[test]
    fn the_spec_folder_tree_visible_and_send_examples_parse() {
        let tree: Vec<Folder> = serde_json::from_str(r#"[{"id":"8c2f","parent_id":null,"name":"Projets","depth":1,"nbMessages":4,"nbUnread":1,
  "subFolders":[{"id":"1d9a","parent_id":"8c2f","name":"Sortie musée","depth":2,"nbMessages":2,"nbUnread":0}]}]"#).unwrap();
        assert_eq!(tree[0].sub_folders[0].name, "Sortie musée");
        let v: Vec<Visible> = serde_json::from_str(r#"[{"id":"a71c","displayName":"MARTIN Paul","profile":"Teacher","type":"User","usedIn":["TO","CC","CCI"]},
 {"id":"g-4411","displayName":"Enseignants du groupe 3A.","nbUsers":12,"groupType":"ProfileGroup",
  "profile":"Teacher","type":"Group","usedIn":["TO","CC","CCI"]}]"#).unwrap();
        assert_eq!(v[1].nb_users, Some(12));
        let s: SendResponse = serde_json::from_str(r#"{"id":"0f6e","subject":"x","body":"<p>…</p>","thread_id":"0f6e",
 "sent":27,"inactive":["LEROY Hugo"],"inactiveCount":1,"undelivered":[],"update_message_with_state_transition":null}"#).unwrap();
        assert_eq!(s.inactive, ["LEROY Hugo"]);
    }
}

/// A Mongo-style date of the timeline (§1.3, §12.24): `{"$date": "<ISO-8601>"}` or
/// `{"$date": <epoch ms>}`; decoded to epoch milliseconds (0 when unreadable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MongoDate(pub i64);

impl<'de> Deserialize<'de> for MongoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        #[derive(Deserialize)]
        struct Wrapped {
            #[serde(rename = "$date")]
            date: Option<Raw>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Wrapped(Wrapped),
            Bare(Raw),
        }
        let raw = match Option::<Either>::deserialize(d)? {
            Some(Either::Wrapped(w)) => w.date,
            Some(Either::Bare(r)) => Some(r),
            None => None,
        };
        Ok(MongoDate(match raw {
            Some(Raw::Number(n)) => n as i64,
            Some(Raw::Text(t)) => chrono::DateTime::parse_from_rfc3339(&t)
                .map(|d| d.timestamp_millis())
                .or_else(|_| t.parse::<i64>())
                .unwrap_or(0),
            None => 0,
        }))
    }
}

/// One notification of `GET /timeline/lastNotifications` (§8.2).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Notification {
    #[serde(rename = "_id", deserialize_with = "null_default")]
    pub id: String,
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub kind: String,
    /// The message id for `MESSAGERIE` notifications.
    #[serde(deserialize_with = "null_default")]
    pub resource: String,
    #[serde(deserialize_with = "null_default")]
    pub sender: String,
    pub date: MongoDate,
    #[serde(deserialize_with = "null_default")]
    pub params: serde_json::Value,
}

/// `{"status":"ok","number":n,"results":[…]}` (§8.2).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Notifications {
    #[serde(deserialize_with = "null_default")]
    pub results: Vec<Notification>,
}

#[cfg(test)]
mod timeline_tests {
    use super::*;

    #[test]
    fn timeline_dates_parse_as_iso_strings_and_as_epoch_numbers() {
        let json = r#"{"status":"ok","number":3,"results":[
 {"_id":"a","type":"MESSAGERIE","event-type":"SEND-MESSAGE","resource":"m1","sender":"u1",
  "params":{"username":"MARTIN Paul","subject":"Conseil de classe"},"date":{"$date":"2026-06-10T08:13:20.000Z"}},
 {"_id":"b","type":"MESSAGERIE","resource":"m2","sender":"u1","date":{"$date":1781079200000}},
 {"_id":"c","type":"MESSAGERIE","resource":"m3","sender":"u1","date":null}]}"#;
        let n: Notifications = serde_json::from_str(json).unwrap();
        assert_eq!(n.results[0].date, MongoDate(1_781_079_200_000));
        assert_eq!(n.results[1].date, MongoDate(1_781_079_200_000));
        assert_eq!(n.results[2].date, MongoDate(0));
        assert_eq!(n.results[0].resource, "m1");
    }
}
