//! The directory's public records: structures, classes, users, groups, OAuth2 clients.

use std::fmt;

/// The five entcore profiles (communication-rules §1.1). `as_str` is the wire spelling.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Profile {
    Teacher,
    Student,
    Relative,
    Personnel,
    Guest,
}

impl Profile {
    /// Every profile, in the order groups are created for a structure or class.
    pub const ALL: [Profile; 5] = [
        Profile::Teacher,
        Profile::Student,
        Profile::Relative,
        Profile::Personnel,
        Profile::Guest,
    ];

    /// The profile's name as sent on the wire (`"Teacher"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Teacher => "Teacher",
            Profile::Student => "Student",
            Profile::Relative => "Relative",
            Profile::Personnel => "Personnel",
            Profile::Guest => "Guest",
        }
    }

    /// Parses the wire spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A group's internal-communication setting, entcore's `users` property
/// (communication-rules §2.2). Named from the group's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Internal {
    /// Members neither send through the group nor are reachable through it individually.
    #[default]
    None,
    /// Members may send through the group (its links apply to them); they don't see each other.
    Incoming,
    /// Whoever may write to the group also sees each member.
    Outgoing,
    /// Both; members also see the group and each other.
    Both,
}

impl Internal {
    /// Members may use the group as a sender group (§2.4 step 1).
    pub fn is_incoming(self) -> bool {
        matches!(self, Internal::Incoming | Internal::Both)
    }

    /// Members are reachable individually through the group (§2.4 step 3c).
    pub fn is_outgoing(self) -> bool {
        matches!(self, Internal::Outgoing | Internal::Both)
    }

    /// The entcore spelling: `INCOMING`, `OUTGOING`, `BOTH`, `NONE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Internal::None => "NONE",
            Internal::Incoming => "INCOMING",
            Internal::Outgoing => "OUTGOING",
            Internal::Both => "BOTH",
        }
    }

    /// Parses the entcore spelling (case-insensitive); `None` for anything else.
    pub fn parse(text: &str) -> Option<Internal> {
        match text.to_ascii_uppercase().as_str() {
            "NONE" | "" => Some(Internal::None),
            "INCOMING" => Some(Internal::Incoming),
            "OUTGOING" => Some(Internal::Outgoing),
            "BOTH" => Some(Internal::Both),
            _ => None,
        }
    }
}

/// Display language of group names (§2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// French, the ENT's default.
    #[default]
    Fr,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language`-like tag: English for `en…`, else French.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }
}

/// A school or other establishment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structure {
    pub id: String,
    pub external_id: String,
    pub name: String,
    /// UAI code of the school, when the description gives one.
    pub uai: Option<String>,
    pub class_ids: Vec<String>,
}

/// A class of a structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub id: String,
    pub external_id: String,
    pub name: String,
    pub structure_id: String,
}

/// A person with an account. `Debug` never shows the password hash.
#[derive(Clone)]
pub struct User {
    /// UUID-shaped, derived from the login: stable across loads.
    pub id: String,
    pub external_id: String,
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    /// `"LASTNAME Firstname"` (FVAL 384-394).
    pub display_name: String,
    pub profile: Profile,
    pub structure_ids: Vec<String>,
    /// Classes the user is in; for a relative, the classes of their children.
    pub class_ids: Vec<String>,
    pub class_names: Vec<String>,
    /// Students linked to this relative (`RELATED`, §1.4).
    pub children_ids: Vec<String>,
    /// Relatives of this student.
    pub relative_ids: Vec<String>,
    /// `false` while the account has a pending activation code: cannot sign in, still
    /// visible and delivered to (§4 step 5).
    pub activated: bool,
    /// Blocked: cannot sign in, never visible, still delivered to (§5.3).
    pub blocked: bool,
    pub(crate) password_hash: String,
    /// Cleaned name parts in every order (§2.5), for substring search.
    pub(crate) search_field: String,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("display_name", &self.display_name)
            .field("profile", &self.profile)
            .field("class_names", &self.class_names)
            .field("activated", &self.activated)
            .field("blocked", &self.blocked)
            .field("password_hash", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The kind label of a group (§1.2); only the kinds this directory creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// One per profile per structure, and per profile per class.
    ProfileGroup,
    /// Made by an administrator; a broadcast list when [`Group::broadcast`] is set.
    ManualGroup,
}

impl GroupKind {
    /// The entcore label, as the API reports it in `groupType`.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::ProfileGroup => "ProfileGroup",
            GroupKind::ManualGroup => "ManualGroup",
        }
    }
}

/// A group of users, with its communication settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// UUID-shaped, derived from structure, class and profile (or manual name): stable.
    pub id: String,
    /// entcore raw name: `"6A-Student"`, `"Collège Jean Moulin-Teacher"`, or the manual name.
    pub name: String,
    pub kind: GroupKind,
    /// The profile of a ProfileGroup (its `filter`); `None` for manual groups.
    pub profile: Option<Profile>,
    pub structure_id: String,
    pub class_id: Option<String>,
    /// Name of the structure, shown by clients as `"… – <school>"`.
    pub structure_name: String,
    /// The i18n key or label overriding the name; manual groups carry their own name (§2.6).
    pub group_display_name: Option<String>,
    /// A broadcast list ("liste de diffusion"): CCI only, internal setting kept NONE.
    pub broadcast: bool,
    pub member_ids: Vec<String>,
    /// The internal-communication setting (§2.2).
    pub internal: Internal,
    /// Ids of the groups this group may write to (`communiqueWith`, §2.1).
    pub communique_with: Vec<String>,
    /// Class Relative groups only: parent↔child direct links (§2.3).
    pub relative_communique_student: Internal,
    /// The group this one DEPENDS on besides its scope: a class ProfileGroup's structure
    /// group of the same profile (§1.2).
    pub parent_group_id: Option<String>,
}

impl Group {
    /// `StructureGroup` / `ClassGroup` for ProfileGroups, `BroadcastGroup` for broadcast
    /// lists, `None` otherwise (§1.2 "Group type as reported by the API").
    pub fn sub_type(&self) -> Option<&'static str> {
        match self.kind {
            GroupKind::ProfileGroup if self.class_id.is_some() => Some("ClassGroup"),
            GroupKind::ProfileGroup => Some("StructureGroup"),
            GroupKind::ManualGroup if self.broadcast => Some("BroadcastGroup"),
            GroupKind::ManualGroup => None,
        }
    }

    /// The `profile` the conversation API shows for a group: its filter, or `"Manual"`.
    pub fn filter(&self) -> &'static str {
        self.profile.map_or("Manual", Profile::as_str)
    }

    /// Recipient fields a group may be used in (`usedIn`): broadcast lists are CCI only.
    pub fn used_in(&self) -> &'static [&'static str] {
        if self.broadcast {
            &["CCI"]
        } else {
            &["TO", "CC", "CCI"]
        }
    }
}

/// A registered OAuth2 client application. `Debug` never shows the secret.
#[derive(Clone)]
pub struct OAuthClient {
    pub id: String,
    pub(crate) secret: String,
    pub scopes: Vec<String>,
    /// Grant types allowed: `password`, `refresh_token`, `authorization_code`, …
    pub grant_types: Vec<String>,
    /// Where `/auth/oauth2/auth` may send a code back (the connector's address in the ENT admin
    /// console). Empty: the client cannot use the authorization-code flow.
    pub redirect_uris: Vec<String>,
}

impl OAuthClient {
    /// Compares the secret in constant time (no early exit on the first differing byte).
    pub fn check_secret(&self, candidate: &str) -> bool {
        crate::auth::constant_time_eq(self.secret.as_bytes(), candidate.as_bytes())
    }

    /// True when every requested scope is allowed.
    pub fn allows_scopes<'a>(&self, requested: impl IntoIterator<Item = &'a str>) -> bool {
        requested
            .into_iter()
            .all(|s| self.scopes.iter().any(|a| a == s))
    }

    /// True when the grant type is allowed.
    pub fn allows_grant(&self, grant_type: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant_type)
    }

    /// True when `uri` is one of the registered redirect addresses, compared exactly (no prefix,
    /// no normalisation), except that a registered loopback address without a port
    /// (`http://127.0.0.1/…`, `http://[::1]/…`) accepts any port, as RFC 8252 §7.3 asks of
    /// native apps that listen on a port chosen at run time.
    pub fn allows_redirect(&self, uri: &str) -> bool {
        self.redirect_uris
            .iter()
            .any(|r| r == uri || loopback_without_port(uri).is_some_and(|u| *r == u))
    }
}

/// `http://127.0.0.1:PORT/rest` → `http://127.0.0.1/rest` (same for `[::1]`); None otherwise.
fn loopback_without_port(uri: &str) -> Option<String> {
    for host in ["http://127.0.0.1:", "http://[::1]:"] {
        if let Some(rest) = uri.strip_prefix(host) {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let path = &rest[digits..];
            if digits == 0 || digits > 5 || !(path.is_empty() || path.starts_with('/')) {
                return None;
            }
            return Some(format!("{}{path}", &host[..host.len() - 1]));
        }
    }
    None
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

/// Whether a visible entity is a user or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisibleKind {
    User,
    Group,
}

/// One entity a viewer may write to, with what both recipient-search endpoints render
/// (ent-api §5.1 `/communication/visible/search`, §5.2 `/conversation/visible`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible {
    pub id: String,
    /// Users: `"DURAND Marie"`. Groups: the translated name (§2.6) in the requested
    /// language; French from [`crate::Directory::visible`].
    pub display_name: String,
    pub kind: VisibleKind,
    /// Users: their profile. Groups: the ProfileGroup's profile (`None` for manual groups).
    pub profile: Option<Profile>,
    /// Groups: `nbUsers`.
    pub member_count: Option<usize>,
    /// Groups: the structure name. Users: the name of their first structure.
    pub structure_name: Option<String>,
    /// Groups: `ProfileGroup` / `ManualGroup` (`groupType`).
    pub group_type: Option<&'static str>,
    /// Groups: `StructureGroup` / `ClassGroup` / `BroadcastGroup` (`subType`).
    pub sub_type: Option<&'static str>,
    /// Groups: the raw entcore name (`"6A-Student"`), for `sortName` and snapshots.
    pub name: Option<String>,
    /// Recipient fields it may be used in (`usedIn`): broadcast lists are `["CCI"]`.
    pub used_in: &'static [&'static str],
}

impl Visible {
    /// The `type` field of `/communication/visible/search`: `User`, `Group` or `BroadcastGroup`.
    pub fn wire_type(&self) -> &'static str {
        match (self.kind, self.sub_type) {
            (VisibleKind::User, _) => "User",
            (VisibleKind::Group, Some("BroadcastGroup")) => "BroadcastGroup",
            (VisibleKind::Group, _) => "Group",
        }
    }
}

/// Everything a viewer may write to (§2.4), each list sorted by display name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibles {
    pub users: Vec<Visible>,
    pub groups: Vec<Visible>,
}

impl Visibles {
    /// True when `id` (user or group) is in the set.
    pub fn contains(&self, id: &str) -> bool {
        self.users.iter().chain(&self.groups).any(|v| v.id == id)
    }

    /// Users then groups.
    pub fn iter(&self) -> impl Iterator<Item = &Visible> {
        self.users.iter().chain(&self.groups)
    }
}

/// A user's share bookmark: a named list of users and groups he saved while sharing
/// (entcore: `(:User)-[:HAS_SB]->(:ShareBookmark)`, each bookmark a property `id → [name,
/// member ids…]`). The ENT lists them among the visibles (spec §5.1, `type: ShareBookmark`), but
/// a bookmark id is not a recipient: the web client expands it first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareBookmark {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    /// Users and groups, by id.
    pub member_ids: Vec<String>,
}

/// The recipients of a send once groups are expanded (§4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// Distinct users to deliver to, in first-seen order, the sender excluded. Not-activated
    /// and blocked members are included: entcore delivers to them (§4 step 2 and 5, §5.3).
    pub user_ids: Vec<String>,
    /// The not-yet-activated users among `user_ids` (the send answer's `inactive`).
    pub inactive_user_ids: Vec<String>,
    /// Ids that are neither a user nor a group: they reach nobody.
    pub unknown_ids: Vec<String>,
    /// The sender was among the expanded recipients: their own copy becomes unread (§4 step 4).
    pub sender_included: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(redirects: &[&str]) -> OAuthClient {
        OAuthClient {
            id: "c".into(),
            secret: "s".into(),
            scopes: vec![],
            grant_types: vec!["authorization_code".into()],
            redirect_uris: redirects.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn a_redirect_address_must_be_registered_exactly_or_be_loopback_on_another_port() {
        let c = client(&["http://127.0.0.1/cb", "messagerie://oauth2"]);
        assert!(c.allows_redirect("http://127.0.0.1/cb"));
        assert!(c.allows_redirect("http://127.0.0.1:49152/cb"));
        assert!(c.allows_redirect("messagerie://oauth2"));
        for bad in [
            "http://127.0.0.1/cb/../evil",
            "http://127.0.0.1/cbx",
            "http://127.0.0.1:80@evil.example/cb",
            "http://127.0.0.1:/cb",
            "http://127.0.0.1:123456/cb",
            "http://localhost/cb",
            "https://evil.example/cb",
            "messagerie://oauth2/../x",
            "",
        ] {
            assert!(!c.allows_redirect(bad), "{bad} allowed");
        }
        assert!(!client(&[]).allows_redirect("http://127.0.0.1/cb"));
    }
}
