//! Recipient search and directory lookups (spec §5).

use serde::{Deserialize, Serialize};

use crate::nullable::null_as_default;

/// Kind of a visible entry (spec §5.1). Bookmarks are not valid recipients.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VisibleKind {
    User,
    Group,
    BroadcastGroup,
    ShareBookmark,
    #[serde(untagged)]
    Other(String),
}

/// A child or relative of a visible user (spec §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedUser {
    pub id: String,
    #[serde(rename = "displayName", default, deserialize_with = "null_as_default")]
    pub display_name: String,
}

/// One entry of `GET /communication/visible/search?query=` (spec §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visible {
    pub id: String,
    #[serde(rename = "displayName", default, deserialize_with = "null_as_default")]
    pub display_name: String,
    #[serde(rename = "type")]
    pub kind: VisibleKind,
    /// Subset of `TO`, `CC`, `CCI`.
    #[serde(rename = "usedIn", default, deserialize_with = "null_as_default")]
    pub used_in: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(
        rename = "structureName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub structure_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<RelatedUser>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relatives: Option<Vec<RelatedUser>>,
    #[serde(rename = "nbUsers", default, skip_serializing_if = "Option::is_none")]
    pub nb_users: Option<u64>,
    #[serde(rename = "groupType", default, skip_serializing_if = "Option::is_none")]
    pub group_type: Option<String>,
}

/// A user of `GET /conversation/visible` (spec §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyVisibleUser {
    pub id: String,
    #[serde(rename = "displayName", default, deserialize_with = "null_as_default")]
    pub display_name: String,
    #[serde(rename = "groupDisplayName", default)]
    pub group_display_name: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(rename = "structureName", default)]
    pub structure_name: Option<String>,
}

/// A group of `GET /conversation/visible` (spec §5.2). `name` is the translated label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyVisibleGroup {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(rename = "groupDisplayName", default)]
    pub group_display_name: Option<String>,
    /// The group's profile filter, or `Manual`.
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(rename = "structureName", default)]
    pub structure_name: Option<String>,
}

/// `GET /conversation/visible[?search=]` (spec §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LegacyVisibles {
    #[serde(default, deserialize_with = "null_as_default")]
    pub groups: Vec<LegacyVisibleGroup>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub users: Vec<LegacyVisibleUser>,
}

/// `GET /directory/user/{id}` (spec §5.4), restricted fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryUser {
    pub id: String,
    #[serde(rename = "displayName", default, deserialize_with = "null_as_default")]
    pub display_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub profiles: Vec<String>,
    #[serde(rename = "firstName", default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(rename = "lastName", default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
}

/// `GET /directory/group/{id}` (spec §5.4); `name` is translated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryGroup {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(rename = "nbUsers", default)]
    pub nb_users: Option<u64>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(rename = "subType", default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_visible_search_example_parses() {
        let json = r#"[{"id":"a71c","displayName":"MARTIN Paul","profile":"Teacher","type":"User","usedIn":["TO","CC","CCI"]},
 {"id":"g-4411","displayName":"Enseignants du groupe 3A.","nbUsers":12,"groupType":"ProfileGroup",
  "profile":"Teacher","type":"Group","usedIn":["TO","CC","CCI"]},
 {"id":"b1","displayName":"Mes favoris","type":"ShareBookmark"}]"#;
        let visibles: Vec<Visible> = serde_json::from_str(json).unwrap();
        assert_eq!(visibles[0].kind, VisibleKind::User);
        assert_eq!(visibles[1].nb_users, Some(12));
        assert_eq!(visibles[2].kind, VisibleKind::ShareBookmark);
        assert!(visibles[2].used_in.is_empty());
    }

    #[test]
    fn the_legacy_visible_answer_parses() {
        let json = r#"{"groups":[{"id":"g1","name":"Élèves du groupe 3A.","groupDisplayName":null,"profile":"Student","structureName":"Collège"}],
 "users":[{"id":"u1","displayName":"MARTIN Paul","groupDisplayName":null,"profile":"Teacher","structureName":"Collège"}]}"#;
        let v: LegacyVisibles = serde_json::from_str(json).unwrap();
        assert_eq!(v.groups[0].profile.as_deref(), Some("Student"));
        assert_eq!(v.users[0].display_name, "MARTIN Paul");
    }

    #[test]
    fn directory_user_and_group_parse() {
        let user: DirectoryUser = serde_json::from_str(
            r#"{"id":"u1","displayName":"MARTIN Paul","profiles":["Teacher"],"extra":1}"#,
        )
        .unwrap();
        assert_eq!(user.profiles, vec!["Teacher".to_string()]);
        let group: DirectoryGroup = serde_json::from_str(
            r#"{"id":"g1","name":"Enseignants du groupe 3A.","nbUsers":12,"type":"ProfileGroup"}"#,
        )
        .unwrap();
        assert_eq!(group.nb_users, Some(12));
    }
}
