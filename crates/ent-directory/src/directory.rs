//! The loaded directory and its queries: lookups, sign-in, visibility (§2.4), search (§2.5),
//! the send check (§5.1) and group expansion (§4).

use std::collections::HashMap;

use crate::auth;
use crate::error::{AuthError, Error, NotVisible};
use crate::model::{
    Class, Expansion, Group, Internal, Lang, OAuthClient, Profile, ShareBookmark, Structure, User,
    Visible, VisibleKind, Visibles,
};
use crate::names;
use crate::school::School;
use crate::search::{self, Query};

/// A computed visible set: lists in discovery order plus membership bitmaps.
struct VisibleSet {
    user_seen: Vec<bool>,
    group_seen: Vec<bool>,
    users: Vec<usize>,
    groups: Vec<usize>,
}

/// The adjacency lists the builder computes, by index into the users and groups vectors.
pub(crate) struct Indexes {
    /// Group index -> member user indexes.
    pub members: Vec<Vec<usize>>,
    /// Group index -> group indexes it may write to (`communiqueWith`).
    pub links: Vec<Vec<usize>>,
    /// User index -> user indexes it may write to directly (`COMMUNIQUE_DIRECT`).
    pub direct: Vec<Vec<usize>>,
}

/// An ENT directory with its communication rules. Immutable once loaded, so it can be shared
/// between threads (`Arc<Directory>`) without locks; lookups by id or login are hash lookups.
pub struct Directory {
    structures: Vec<Structure>,
    classes: Vec<Class>,
    users: Vec<User>,
    groups: Vec<Group>,
    clients: Vec<OAuthClient>,
    user_by_id: HashMap<String, usize>,
    user_by_login: HashMap<String, usize>,
    group_by_id: HashMap<String, usize>,
    structure_by_id: HashMap<String, usize>,
    idx: Indexes,
    /// User index -> groups the user is IN.
    user_groups: Vec<Vec<usize>>,
    /// Group index -> class groups that DEPEND on it (§1.2), for §2.4 step 3b.
    subgroups: Vec<Vec<usize>>,
    /// Group index -> translated display name, `[fr, en]`.
    group_names: Vec<[String; 2]>,
    /// Group index -> cleaned translated display name, `[fr, en]`, for §2.5.
    group_search: Vec<[String; 2]>,
    /// A real hash to verify against for unknown logins, so timing does not reveal them.
    dummy_hash: String,
    share_bookmarks: Vec<ShareBookmark>,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("structures", &self.structures.len())
            .field("users", &self.users.len())
            .field("groups", &self.groups.len())
            .finish_non_exhaustive()
    }
}

fn lang_slot(lang: Lang) -> usize {
    match lang {
        Lang::Fr => 0,
        Lang::En => 1,
    }
}

impl Directory {
    pub(crate) fn assemble(
        structures: Vec<Structure>,
        classes: Vec<Class>,
        users: Vec<User>,
        groups: Vec<Group>,
        clients: Vec<OAuthClient>,
        idx: Indexes,
        dummy_hash: String,
    ) -> Directory {
        let user_by_id = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let user_by_login = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.login.clone(), i))
            .collect();
        let group_by_id: HashMap<String, usize> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.clone(), i))
            .collect();
        let structure_by_id = structures
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut user_groups = vec![Vec::new(); users.len()];
        for (g, m) in idx.members.iter().enumerate() {
            for &u in m {
                user_groups[u].push(g);
            }
        }
        let mut subgroups = vec![Vec::new(); groups.len()];
        for (g, group) in groups.iter().enumerate() {
            if let Some(p) = group
                .parent_group_id
                .as_ref()
                .and_then(|p| group_by_id.get(p))
            {
                subgroups[*p].push(g);
            }
        }
        let group_names: Vec<[String; 2]> = groups
            .iter()
            .map(|g| {
                let gdn = g.group_display_name.as_deref();
                [
                    names::display_name(&g.name, gdn, Lang::Fr),
                    names::display_name(&g.name, gdn, Lang::En),
                ]
            })
            .collect();
        let group_search = group_names
            .iter()
            .map(|[fr, en]| [search::clean(fr), search::clean(en)])
            .collect();
        Directory {
            structures,
            classes,
            users,
            groups,
            clients,
            user_by_id,
            user_by_login,
            group_by_id,
            structure_by_id,
            idx,
            user_groups,
            subgroups,
            group_names,
            group_search,
            dummy_hash,
            share_bookmarks: Vec::new(),
        }
    }

    pub(crate) fn with_share_bookmarks(mut self, bookmarks: Vec<ShareBookmark>) -> Directory {
        self.share_bookmarks = bookmarks;
        self
    }

    /// The share bookmarks of `owner` whose name contains `query` (cleaned as a search, every
    /// one when empty), by name. A bookmark without members is not listed, as entcore's
    /// `DefaultCommunicationService.getShareBookmarks` keeps only `size(sbValue) >= 2` (a name
    /// and at least one id).
    pub fn share_bookmarks(&self, owner: &str, query: &str) -> Vec<&ShareBookmark> {
        let q = Query::new(query);
        let mut found: Vec<&ShareBookmark> = self
            .share_bookmarks
            .iter()
            .filter(|b| b.owner_id == owner && !b.member_ids.is_empty())
            .filter(|b| q.matches(&search::clean(&b.name)))
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    /// The built-in demo school « Collège Jean Moulin » (13 accounts, password `demo`; OAuth2
    /// client `messagerie-desktop` / `demo-secret`), from the embedded `demo.toml`.
    pub fn demo() -> Directory {
        match Directory::from_toml(crate::DEMO_TOML) {
            Ok(d) => d,
            // The embedded file is checked by a test; this arm only exists to avoid a panic path.
            Err(_) => Directory::from_school(School::default()),
        }
    }

    /// Loads a school description (format in the crate docs). Errors name the entry at fault.
    pub fn from_toml(text: &str) -> Result<Directory, Error> {
        let school: School = toml::from_str(text).map_err(Error::Syntax)?;
        crate::build::build(school)
    }

    fn from_school(school: School) -> Directory {
        crate::build::build(school).unwrap_or_else(|_| {
            Directory::assemble(
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Indexes {
                    members: Vec::new(),
                    links: Vec::new(),
                    direct: Vec::new(),
                },
                String::new(),
            )
        })
    }

    /// A large, realistic school for benchmarks: about `users` accounts and `groups` groups
    /// (one structure; ~55 % students, 35 % relatives, 8 % teachers, 2 % personnel; one broadcast list of every student). Deterministic; every password is `demo`.
    pub fn synthetic(users: usize, groups: usize) -> Directory {
        Directory::from_school(crate::synthetic::school(users, groups))
    }

    /// The user with this id.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.user_by_id.get(id).map(|&i| &self.users[i])
    }

    /// The user with this login (exact match).
    pub fn user_by_login(&self, login: &str) -> Option<&User> {
        self.user_by_login.get(login).map(|&i| &self.users[i])
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.group_by_id.get(id).map(|&i| &self.groups[i])
    }

    /// Looks a group up by its raw entcore name (`"6A-Student"`, a manual group's name).
    pub fn group_by_name(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Every user, in description order.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.iter()
    }

    /// Every group: per structure its 5 profile groups then 5 per class, then manual groups.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter()
    }

    /// Every structure, in description order.
    pub fn structures(&self) -> impl Iterator<Item = &Structure> {
        self.structures.iter()
    }

    /// Every class of every structure.
    pub fn classes(&self) -> impl Iterator<Item = &Class> {
        self.classes.iter()
    }

    /// The name of the structure with this id (userinfo `structureNames`).
    pub fn structure_name(&self, id: &str) -> Option<&str> {
        self.structure_by_id
            .get(id)
            .map(|&i| self.structures[i].name.as_str())
    }

    /// Groups the user is IN (userinfo `groupsIds`); empty for an unknown id.
    pub fn user_groups(&self, user_id: &str) -> Vec<&Group> {
        self.user_by_id
            .get(user_id)
            .map(|&u| {
                self.user_groups[u]
                    .iter()
                    .map(|&g| &self.groups[g])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The registered OAuth2 client with this id; check its secret with
    /// [`OAuthClient::check_secret`].
    pub fn oauth_client(&self, client_id: &str) -> Option<&OAuthClient> {
        self.clients.iter().find(|c| c.id == client_id)
    }

    /// Signs in by login and password. The password is checked first, so a blocked or
    /// not-activated answer is only given to whoever knows the password. Unknown logins
    /// still cost one hash verification.
    pub fn verify_password(&self, login: &str, password: &str) -> Result<&User, AuthError> {
        let Some(user) = self.user_by_login(login) else {
            let _ = auth::verify(password, &self.dummy_hash);
            return Err(AuthError::UnknownLogin);
        };
        if !auth::verify(password, &user.password_hash) {
            return Err(AuthError::WrongPassword);
        }
        if user.blocked {
            return Err(AuthError::Blocked);
        }
        if !user.activated {
            return Err(AuthError::NotActivated);
        }
        Ok(user)
    }

    /// §2.6 display name of a group: « Élèves du groupe 6A. », "Students from group 6A.", or
    /// a manual group's own name.
    pub fn group_display_name(&self, group: &Group, lang: Lang) -> String {
        match self.group_by_id.get(&group.id) {
            Some(&g) => self.group_names[g][lang_slot(lang)].clone(),
            None => names::display_name(&group.name, group.group_display_name.as_deref(), lang),
        }
    }

    /// Core of §2.4, with include_self = true (messaging): distinct users and groups, blocked
    /// users and empty groups removed. Linear in the number of candidates.
    fn visible_set(&self, viewer: usize, include_direct: bool) -> VisibleSet {
        let mut set = VisibleSet {
            user_seen: vec![false; self.users.len()],
            group_seen: vec![false; self.groups.len()],
            users: Vec::new(),
            groups: Vec::new(),
        };
        // Step 1: groups the viewer may send through.
        for &s in &self.user_groups[viewer] {
            let sender = &self.groups[s];
            if !sender.internal.is_incoming() {
                continue;
            }
            // Step 2: its links, plus itself when BOTH.
            let own = (sender.internal == Internal::Both).then_some(s);
            for &t in self.idx.links[s].iter().chain(own.iter()) {
                // Step 3a-c: the target, its sub-groups, its members when OUTGOING/BOTH.
                self.add_group(&mut set, t);
                for &sub in &self.subgroups[t] {
                    self.add_group(&mut set, sub);
                }
                if self.groups[t].internal.is_outgoing() {
                    for &u in &self.idx.members[t] {
                        self.add_user(&mut set, u);
                    }
                }
            }
        }
        // Step 5: the viewer's outgoing direct links.
        if include_direct {
            for &u in &self.idx.direct[viewer] {
                self.add_user(&mut set, u);
            }
        }
        set
    }

    /// Step 4 filters: blocked users are never visible.
    fn add_user(&self, set: &mut VisibleSet, u: usize) {
        if !set.user_seen[u] && !self.users[u].blocked {
            set.user_seen[u] = true;
            set.users.push(u);
        }
    }

    /// Step 4 filters: a group with no member is not offered (nbUsers == 0).
    fn add_group(&self, set: &mut VisibleSet, g: usize) {
        if !set.group_seen[g] && !self.idx.members[g].is_empty() {
            set.group_seen[g] = true;
            set.groups.push(g);
        }
    }

    fn set_contains(&self, set: &VisibleSet, id: &str) -> bool {
        self.user_by_id.get(id).is_some_and(|&u| set.user_seen[u])
            || self.group_by_id.get(id).is_some_and(|&g| set.group_seen[g])
    }

    fn user_visible(&self, u: usize) -> Visible {
        let user = &self.users[u];
        Visible {
            id: user.id.clone(),
            display_name: user.display_name.clone(),
            kind: VisibleKind::User,
            profile: Some(user.profile),
            member_count: None,
            structure_name: user
                .structure_ids
                .first()
                .and_then(|s| self.structure_name(s))
                .map(str::to_string),
            group_type: None,
            sub_type: None,
            name: None,
            used_in: &["TO", "CC", "CCI"],
        }
    }

    fn group_visible(&self, g: usize, lang: Lang) -> Visible {
        let group = &self.groups[g];
        Visible {
            id: group.id.clone(),
            display_name: self.group_names[g][lang_slot(lang)].clone(),
            kind: VisibleKind::Group,
            profile: group.profile,
            member_count: Some(self.idx.members[g].len()),
            structure_name: Some(group.structure_name.clone()),
            group_type: Some(group.kind.as_str()),
            sub_type: group.sub_type(),
            name: Some(group.name.clone()),
            used_in: group.used_in(),
        }
    }

    /// Sorted as entcore sorts (by name), on the cleaned names so accents and case don't
    /// push « Élèves… » after « Parents… »; ties broken by id for a stable order.
    fn to_visibles(&self, us: &[usize], gs: &[usize], lang: Lang) -> Visibles {
        let slot = lang_slot(lang);
        let user_key = |u: usize| {
            let field = &self.users[u].search_field;
            // The first permutation is "lastname firstname", cleaned.
            (field.split('|').next().unwrap_or(field), &self.users[u].id)
        };
        let mut us = us.to_vec();
        us.sort_by(|&a, &b| user_key(a).cmp(&user_key(b)));
        let mut gs = gs.to_vec();
        gs.sort_by(|&a, &b| {
            (&self.group_search[a][slot], &self.groups[a].id)
                .cmp(&(&self.group_search[b][slot], &self.groups[b].id))
        });
        Visibles {
            users: us.iter().map(|&u| self.user_visible(u)).collect(),
            groups: gs.iter().map(|&g| self.group_visible(g, lang)).collect(),
        }
    }

    /// §2.4: the users and groups `viewer` may write to, as the send check and
    /// `/conversation/visible` compute it (the viewer included when a group path reaches them,
    /// direct links included, blocked users and empty groups left out). Group display names
    /// are French. Empty for an unknown viewer.
    pub fn visible(&self, viewer: &str) -> Visibles {
        self.visible_in(viewer, Lang::Fr)
    }

    /// [`Directory::visible`] with group names in `lang`.
    pub fn visible_in(&self, viewer: &str, lang: Lang) -> Visibles {
        match self.user_by_id.get(viewer) {
            Some(&v) => {
                let set = self.visible_set(v, true);
                self.to_visibles(&set.users, &set.groups, lang)
            }
            None => Visibles::default(),
        }
    }

    /// True when `id` (user or group) is in `viewer`'s visible set.
    pub fn is_visible(&self, viewer: &str, id: &str) -> bool {
        let Some(&v) = self.user_by_id.get(viewer) else {
            return false;
        };
        self.set_contains(&self.visible_set(v, true), id)
    }

    /// `GET /communication/visible/group/:groupId` (§2.5): the members of a group that are
    /// individually visible to `viewer`, sorted by display name. Empty when the group is
    /// unknown or none of its members is visible.
    pub fn visible_members(&self, viewer: &str, group_id: &str) -> Vec<Visible> {
        let (Some(&v), Some(&g)) = (self.user_by_id.get(viewer), self.group_by_id.get(group_id))
        else {
            return Vec::new();
        };
        let set = self.visible_set(v, true);
        let members: Vec<usize> = self.idx.members[g]
            .iter()
            .copied()
            .filter(|&u| set.user_seen[u])
            .collect();
        self.to_visibles(&members, &[], Lang::Fr).users
    }

    /// `GET /conversation/visible?search=` (ent-api §5.2): users filtered by the search text,
    /// every visible group returned unfiltered.
    pub fn visible_legacy_search(&self, viewer: &str, query: &str, lang: Lang) -> Visibles {
        let mut all = self.visible_in(viewer, lang);
        let q = Query::new(query);
        if !q.is_empty() {
            all.users.retain(|v| {
                self.user_by_id
                    .get(&v.id)
                    .is_some_and(|&u| q.matches(&self.users[u].search_field))
            });
        }
        all
    }

    /// `GET /communication/visible/search?query=` (§2.5, ent-api §5.1): users whose cleaned
    /// name contains the query in any word order, accent-insensitive; groups whose cleaned
    /// translated name does; then the visible children and relatives of matching users.
    /// Direct links count only for Student and Relative viewers (§2.4 `include_direct`).
    /// Users come first, then groups, each sorted by display name. An empty query returns
    /// everything visible.
    pub fn search_visible(&self, viewer: &str, query: &str, lang: Lang) -> Vec<Visible> {
        let Some(&v) = self.user_by_id.get(viewer) else {
            return Vec::new();
        };
        let include_direct = matches!(self.users[v].profile, Profile::Student | Profile::Relative);
        let set = self.visible_set(v, include_direct);
        let q = Query::new(query);
        let slot = lang_slot(lang);
        let mut taken = vec![false; self.users.len()];
        let mut users: Vec<usize> = Vec::new();
        for &u in &set.users {
            if q.matches(&self.users[u].search_field) {
                taken[u] = true;
                users.push(u);
            }
        }
        if !q.is_empty() {
            // DCS 2214-2264: family of matching users, re-checked against the visible set.
            for i in 0..users.len() {
                let user = &self.users[users[i]];
                for id in user.children_ids.iter().chain(&user.relative_ids) {
                    let Some(&k) = self.user_by_id.get(id) else {
                        continue;
                    };
                    if set.user_seen[k] && !taken[k] {
                        taken[k] = true;
                        users.push(k);
                    }
                }
            }
        }
        let groups: Vec<usize> = set
            .groups
            .iter()
            .copied()
            .filter(|&g| q.matches(&self.group_search[g][slot]))
            .collect();
        let found = self.to_visibles(&users, &groups, lang);
        found.users.into_iter().chain(found.groups).collect()
    }

    /// §5.1: every recipient id must be visible to the sender, except the parent message's
    /// sender/to/cc on a reply (`reply_parent_participants`; the caller leaves the parent's
    /// cci out). One offending id refuses the whole send; an empty list passes.
    pub fn can_send(
        &self,
        sender: &str,
        recipient_ids: &[String],
        reply_parent_participants: &[String],
    ) -> Result<(), NotVisible> {
        let visible = self
            .user_by_id
            .get(sender)
            .map(|&s| self.visible_set(s, true));
        let mut refused: Vec<String> = Vec::new();
        for id in recipient_ids {
            if reply_parent_participants.contains(id) || refused.contains(id) {
                continue;
            }
            let ok = visible
                .as_ref()
                .is_some_and(|set| self.set_contains(set, id));
            if !ok {
                refused.push(id.clone());
            }
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(NotVisible { ids: refused })
        }
    }

    /// §4: user ids stand for themselves, group ids for their direct members (one level, no
    /// visibility filter). Distinct, in first-seen order, the sender left out (and reported
    /// in `sender_included`); not-activated users are delivered and also listed in
    /// `inactive_user_ids`; ids that are neither users nor groups land in `unknown_ids`.
    pub fn expand(&self, sender: &str, recipient_ids: &[String]) -> Expansion {
        let mut out = Expansion::default();
        let mut seen = vec![false; self.users.len()];
        let mut take = |u: usize, out: &mut Expansion| {
            if seen[u] {
                return;
            }
            seen[u] = true;
            let user = &self.users[u];
            if user.id == sender {
                out.sender_included = true;
                return;
            }
            out.user_ids.push(user.id.clone());
            if !user.activated {
                out.inactive_user_ids.push(user.id.clone());
            }
        };
        for id in recipient_ids {
            if let Some(&u) = self.user_by_id.get(id) {
                take(u, &mut out);
            } else if let Some(&g) = self.group_by_id.get(id) {
                for &u in &self.idx.members[g] {
                    take(u, &mut out);
                }
            } else if !out.unknown_ids.contains(id) {
                out.unknown_ids.push(id.clone());
            }
        }
        out
    }
}
