//! The school description as written in TOML (format documented in the crate docs).

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct School {
    #[serde(default)]
    pub structures: Vec<StructureSpec>,
    #[serde(default)]
    pub users: Vec<UserSpec>,
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    #[serde(default)]
    pub oauth_clients: Vec<ClientSpec>,
    #[serde(default)]
    pub share_bookmarks: Vec<ShareBookmarkSpec>,
    #[serde(default)]
    pub rules: RulesSpec,
}

/// A share bookmark of `owner` (a login): `members` are logins or group names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShareBookmarkSpec {
    pub owner: String,
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StructureSpec {
    pub name: String,
    pub uai: Option<String>,
    #[serde(default)]
    pub classes: Vec<String>,
}

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserSpec {
    pub login: String,
    pub password: Option<String>,
    pub password_hash: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub profile: String,
    pub external_id: Option<String>,
    #[serde(default)]
    pub structures: Vec<String>,
    #[serde(default)]
    pub classes: Vec<String>,
    #[serde(default)]
    pub children: Vec<String>,
    #[serde(default = "yes")]
    pub activated: bool,
    #[serde(default)]
    pub blocked: bool,
}

fn yes() -> bool {
    true
}

// Hand-written so a parsed password never reaches a log.
impl std::fmt::Debug for UserSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSpec")
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupSpec {
    pub name: String,
    pub structure: Option<String>,
    pub class: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub members_see_each_other: bool,
    #[serde(default)]
    pub broadcast: bool,
    #[serde(default)]
    pub writers: Vec<String>,
}

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClientSpec {
    pub id: String,
    pub secret: String,
    pub scopes: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

impl std::fmt::Debug for ClientSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSpec")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RulesSpec {
    #[serde(default = "yes")]
    pub defaults: bool,
    #[serde(default)]
    pub links: Vec<LinkSpec>,
    #[serde(default)]
    pub groups: Vec<GroupRuleSpec>,
    #[serde(default)]
    pub direct: Vec<DirectSpec>,
}

impl Default for RulesSpec {
    fn default() -> Self {
        RulesSpec {
            defaults: true,
            links: Vec::new(),
            groups: Vec::new(),
            direct: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkSpec {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub remove: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupRuleSpec {
    pub group: String,
    pub users: Option<String>,
    pub relative_student: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectSpec {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub both_ways: bool,
}
