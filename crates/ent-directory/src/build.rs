//! Turns a school description into a [`Directory`]: creates the profile groups of every
//! structure and class, memberships, the default rules of §3.1, then the overrides.

use std::collections::HashMap;

use crate::auth;
use crate::directory::{Directory, Indexes};
use crate::error::Error;
use crate::ids::stable_id;
use crate::model::{
    Class, Group, GroupKind, Internal, OAuthClient, Profile, ShareBookmark, Structure, User,
};
use crate::school::School;
use crate::search;

/// Scopes a client gets when the description lists none: every module the desktop client calls.
const DEFAULT_SCOPES: [&str; 8] = [
    "userinfo",
    "conversation",
    "communication",
    "directory",
    "timeline",
    "userbook",
    "workspace",
    "openid",
];
const DEFAULT_GRANTS: [&str; 2] = ["password", "refresh_token"];

fn invalid(entry: String, reason: impl Into<String>) -> Error {
    Error::Invalid {
        entry,
        reason: reason.into(),
    }
}

fn unknown(entry: &str, what: &'static str, name: &str) -> Error {
    Error::Unknown {
        entry: entry.to_string(),
        what,
        name: name.to_string(),
    }
}

/// Builds the directory. Every reference is checked; the first problem is returned.
pub(crate) fn build(school: School) -> Result<Directory, Error> {
    let mut structures: Vec<Structure> = Vec::new();
    let mut classes: Vec<Class> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    // (structure index, profile) and (class index, profile) -> group index.
    let mut structure_groups: HashMap<(usize, Profile), usize> = HashMap::new();
    let mut class_groups: HashMap<(usize, Profile), usize> = HashMap::new();

    for spec in &school.structures {
        let entry = format!("structure {:?}", spec.name);
        if spec.name.trim().is_empty() {
            return Err(invalid(entry, "name is empty"));
        }
        if structures.iter().any(|s| s.name == spec.name) {
            return Err(Error::Duplicate {
                what: "structure",
                name: spec.name.clone(),
            });
        }
        let s_idx = structures.len();
        let s_id = stable_id("structure", &[&spec.name]);
        let mut class_ids = Vec::new();
        for p in Profile::ALL {
            structure_groups.insert((s_idx, p), groups.len());
            groups.push(profile_group(&spec.name, None, &s_id, p, None));
            members.push(Vec::new());
        }
        for cname in &spec.classes {
            if cname.trim().is_empty() {
                return Err(invalid(entry, "a class name is empty"));
            }
            if classes
                .iter()
                .any(|c| c.structure_id == s_id && &c.name == cname)
            {
                return Err(Error::Duplicate {
                    what: "class",
                    name: format!("{}/{cname}", spec.name),
                });
            }
            let c_idx = classes.len();
            let c_id = stable_id("class", &[&spec.name, cname]);
            for p in Profile::ALL {
                let parent = groups[structure_groups[&(s_idx, p)]].id.clone();
                class_groups.insert((c_idx, p), groups.len());
                groups.push(profile_group(
                    &spec.name,
                    Some((cname, &c_id)),
                    &s_id,
                    p,
                    Some(parent),
                ));
                members.push(Vec::new());
            }
            class_ids.push(c_id.clone());
            classes.push(Class {
                id: c_id,
                external_id: stable_id("class-external", &[&spec.name, cname]),
                name: cname.clone(),
                structure_id: s_id.clone(),
            });
        }
        structures.push(Structure {
            id: s_id,
            external_id: stable_id("structure-external", &[&spec.name]),
            name: spec.name.clone(),
            uai: spec.uai.clone(),
            class_ids,
        });
    }
    let structure_index = |name: &str| structures.iter().position(|s| s.name == name);
    let class_structure = |c: usize| {
        structures
            .iter()
            .position(|s| s.id == classes[c].structure_id)
            .unwrap_or_default()
    };

    // Users, first pass: logins, profiles, passwords.
    let mut login_index: HashMap<&str, usize> = HashMap::new();
    let mut hash_cache: HashMap<&str, String> = HashMap::new();
    let mut users: Vec<User> = Vec::with_capacity(school.users.len());
    for (i, spec) in school.users.iter().enumerate() {
        let entry = format!("user {:?}", spec.login);
        if spec.login.trim().is_empty() {
            return Err(invalid(format!("user #{}", i + 1), "login is empty"));
        }
        if login_index.insert(spec.login.as_str(), i).is_some() {
            return Err(Error::Duplicate {
                what: "login",
                name: spec.login.clone(),
            });
        }
        let profile = Profile::parse(&spec.profile).ok_or_else(|| {
            invalid(
                entry.clone(),
                format!(
                    "unknown profile {:?} (expected Teacher, Student, Relative, Personnel or Guest)",
                    spec.profile
                ),
            )
        })?;
        let password_hash = match (&spec.password, &spec.password_hash) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    entry,
                    "give either password or password_hash, not both",
                ));
            }
            (None, None) => return Err(invalid(entry, "password or password_hash is required")),
            (None, Some(phc)) if !auth::is_valid_phc(phc) => {
                return Err(invalid(entry, "password_hash is not a PHC argon2 string"));
            }
            (None, Some(phc)) => phc.clone(),
            (Some(plain), None) => match hash_cache.get(plain.as_str()) {
                Some(h) => h.clone(),
                None => {
                    let h = auth::hash_password(plain).map_err(|r| invalid(entry.clone(), r))?;
                    hash_cache.insert(plain.as_str(), h.clone());
                    h
                }
            },
        };
        let id = stable_id("user", &[&spec.login]);
        users.push(User {
            external_id: spec
                .external_id
                .clone()
                .unwrap_or_else(|| stable_id("user-external", &[&spec.login])),
            id,
            login: spec.login.clone(),
            first_name: spec.first_name.clone(),
            last_name: spec.last_name.clone(),
            display_name: format!("{} {}", spec.last_name, spec.first_name)
                .trim()
                .to_string(),
            profile,
            structure_ids: Vec::new(),
            class_ids: Vec::new(),
            class_names: Vec::new(),
            children_ids: Vec::new(),
            relative_ids: Vec::new(),
            activated: spec.activated,
            blocked: spec.blocked,
            password_hash,
            search_field: search::user_search_field(&spec.last_name, &spec.first_name),
        });
    }

    // Second pass: structures and classes of non-relatives, children of relatives.
    let mut user_structs: Vec<Vec<usize>> = vec![Vec::new(); users.len()];
    let mut user_classes: Vec<Vec<usize>> = vec![Vec::new(); users.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); users.len()];
    for (i, spec) in school.users.iter().enumerate() {
        let entry = format!("user {:?}", spec.login);
        for sname in &spec.structures {
            let s = structure_index(sname).ok_or_else(|| unknown(&entry, "structure", sname))?;
            push_unique(&mut user_structs[i], s);
        }
        let is_relative = users[i].profile == Profile::Relative;
        if is_relative && !spec.classes.is_empty() {
            return Err(invalid(
                entry,
                "a relative's classes are those of their children; remove classes",
            ));
        }
        if !is_relative && !spec.children.is_empty() {
            return Err(invalid(entry, "only a Relative may have children"));
        }
        for cname in &spec.classes {
            let found: Vec<usize> = (0..classes.len())
                .filter(|&c| classes[c].name == *cname)
                .filter(|&c| {
                    user_structs[i].is_empty() || user_structs[i].contains(&class_structure(c))
                })
                .collect();
            match found.as_slice() {
                [] => return Err(unknown(&entry, "class", cname)),
                [c] => push_unique(&mut user_classes[i], *c),
                _ => {
                    return Err(invalid(
                        entry,
                        format!("class {cname:?} exists in several structures; list the user's structures"),
                    ));
                }
            }
        }
        for child in &spec.children {
            let c = *login_index
                .get(child.as_str())
                .ok_or_else(|| unknown(&entry, "child", child))?;
            if users[c].profile != Profile::Student {
                return Err(invalid(entry, format!("child {child:?} is not a Student")));
            }
            push_unique(&mut children[i], c);
        }
    }
    for i in 0..users.len() {
        for c in user_classes[i].clone() {
            push_unique(&mut user_structs[i], class_structure(c));
        }
    }
    for r in 0..users.len() {
        for c in children[r].clone() {
            for cl in user_classes[c].clone() {
                push_unique(&mut user_classes[r], cl);
            }
            for s in user_structs[c].clone() {
                push_unique(&mut user_structs[r], s);
            }
            let (cid, rid) = (users[c].id.clone(), users[r].id.clone());
            users[r].children_ids.push(cid);
            users[c].relative_ids.push(rid);
        }
    }
    for (i, user) in users.iter_mut().enumerate() {
        if user_structs[i].is_empty() {
            if structures.len() == 1 {
                user_structs[i].push(0);
            } else {
                return Err(invalid(
                    format!("user {:?}", user.login),
                    "no structure: list structures, classes or children",
                ));
            }
        }
        // §1.3: IN the structure group of the profile, and the class group of each class.
        for &s in &user_structs[i] {
            members[structure_groups[&(s, user.profile)]].push(i);
        }
        for &c in &user_classes[i] {
            members[class_groups[&(c, user.profile)]].push(i);
        }
        user.structure_ids = user_structs[i]
            .iter()
            .map(|&s| structures[s].id.clone())
            .collect();
        user.class_ids = user_classes[i]
            .iter()
            .map(|&c| classes[c].id.clone())
            .collect();
        user.class_names = user_classes[i]
            .iter()
            .map(|&c| classes[c].name.clone())
            .collect();
    }

    // Manual groups and broadcast lists.
    let mut writer_refs: Vec<(usize, &str)> = Vec::new();
    for spec in &school.groups {
        let entry = format!("group {:?}", spec.name);
        if spec.name.trim().is_empty() {
            return Err(invalid(entry, "name is empty"));
        }
        if groups.iter().any(|g| g.name == spec.name) {
            return Err(Error::Duplicate {
                what: "group",
                name: spec.name.clone(),
            });
        }
        if spec.broadcast && spec.members_see_each_other {
            return Err(invalid(
                entry,
                "a broadcast list's members cannot see each other (§2.2)",
            ));
        }
        let s = match &spec.structure {
            Some(sname) => {
                structure_index(sname).ok_or_else(|| unknown(&entry, "structure", sname))?
            }
            None if structures.len() == 1 => 0,
            None => {
                return Err(invalid(
                    entry,
                    "structure is required when there are several",
                ))
            }
        };
        let class_id = match &spec.class {
            Some(cname) => Some(
                classes
                    .iter()
                    .find(|c| c.structure_id == structures[s].id && &c.name == cname)
                    .map(|c| c.id.clone())
                    .ok_or_else(|| unknown(&entry, "class", cname))?,
            ),
            None => None,
        };
        let mut m = Vec::new();
        for login in &spec.members {
            let u = *login_index
                .get(login.as_str())
                .ok_or_else(|| unknown(&entry, "member", login))?;
            push_unique(&mut m, u);
        }
        let g_idx = groups.len();
        groups.push(Group {
            id: stable_id("manual-group", &[&structures[s].name, &spec.name]),
            name: spec.name.clone(),
            kind: GroupKind::ManualGroup,
            profile: None,
            structure_id: structures[s].id.clone(),
            class_id,
            structure_name: structures[s].name.clone(),
            group_display_name: Some(spec.name.clone()),
            broadcast: spec.broadcast,
            member_ids: Vec::new(),
            internal: if spec.members_see_each_other {
                Internal::Both
            } else {
                Internal::None
            },
            communique_with: Vec::new(),
            relative_communique_student: Internal::None,
            parent_group_id: None,
        });
        members.push(m);
        for w in &spec.writers {
            writer_refs.push((g_idx, w.as_str()));
        }
    }

    let mut links: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    if school.rules.defaults {
        apply_default_rules(
            &mut groups,
            &mut links,
            &structures,
            &classes,
            &structure_groups,
            &class_groups,
        );
    }
    for (g, w) in writer_refs {
        let from = resolve(
            &groups,
            &format!("writers of group {:?}", groups[g].name),
            w,
        )?;
        push_unique(&mut links[from], g);
    }
    for l in &school.rules.links {
        let entry = format!("link {:?} -> {:?}", l.from, l.to);
        let (from, to) = (
            resolve(&groups, &entry, &l.from)?,
            resolve(&groups, &entry, &l.to)?,
        );
        if l.remove {
            links[from].retain(|&t| t != to);
        } else {
            push_unique(&mut links[from], to);
        }
    }
    for rule in &school.rules.groups {
        let entry = format!("rule for group {:?}", rule.group);
        let g = resolve(&groups, &entry, &rule.group)?;
        if let Some(u) = &rule.users {
            let v = Internal::parse(u).ok_or_else(|| {
                invalid(
                    entry.clone(),
                    format!("users must be INCOMING, OUTGOING, BOTH or NONE, not {u:?}"),
                )
            })?;
            if groups[g].broadcast && v != Internal::None {
                return Err(invalid(entry, "a broadcast list stays NONE (§2.2)"));
            }
            groups[g].internal = v;
        }
        if let Some(rs) = &rule.relative_student {
            let v = Internal::parse(rs).ok_or_else(|| {
                invalid(
                    entry.clone(),
                    format!(
                        "relative_student must be INCOMING, OUTGOING, BOTH or NONE, not {rs:?}"
                    ),
                )
            })?;
            let is_class_relative =
                groups[g].profile == Some(Profile::Relative) && groups[g].class_id.is_some();
            if !is_class_relative {
                return Err(invalid(
                    entry,
                    "relative_student applies to class Relative groups only (§2.3)",
                ));
            }
            groups[g].relative_communique_student = v;
        }
    }

    // §2.3 direct links: parent↔child per class Relative group, then explicit pairs.
    let mut direct: Vec<Vec<usize>> = vec![Vec::new(); users.len()];
    for (g, group) in groups.iter().enumerate() {
        let rcs = group.relative_communique_student;
        if rcs == Internal::None {
            continue;
        }
        for &r in &members[g] {
            for &c in &children[r] {
                if rcs.is_incoming() {
                    push_unique(&mut direct[c], r);
                }
                if rcs.is_outgoing() {
                    push_unique(&mut direct[r], c);
                }
            }
        }
    }
    for d in &school.rules.direct {
        let entry = format!("direct link {:?} -> {:?}", d.from, d.to);
        let from = *login_index
            .get(d.from.as_str())
            .ok_or_else(|| unknown(&entry, "user", &d.from))?;
        let to = *login_index
            .get(d.to.as_str())
            .ok_or_else(|| unknown(&entry, "user", &d.to))?;
        push_unique(&mut direct[from], to);
        if d.both_ways {
            push_unique(&mut direct[to], from);
        }
    }

    let mut clients: Vec<OAuthClient> = Vec::new();
    for c in &school.oauth_clients {
        if clients.iter().any(|k| k.id == c.id) {
            return Err(Error::Duplicate {
                what: "oauth client",
                name: c.id.clone(),
            });
        }
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        clients.push(OAuthClient {
            id: c.id.clone(),
            secret: c.secret.clone(),
            scopes: c.scopes.clone().unwrap_or_else(|| owned(&DEFAULT_SCOPES)),
            grant_types: c
                .grant_types
                .clone()
                .unwrap_or_else(|| owned(&DEFAULT_GRANTS)),
            redirect_uris: c.redirect_uris.clone(),
        });
    }

    for (g, group) in groups.iter_mut().enumerate() {
        group.member_ids = members[g].iter().map(|&u| users[u].id.clone()).collect();
    }
    let group_ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    for (g, group) in groups.iter_mut().enumerate() {
        group.communique_with = links[g].iter().map(|&t| group_ids[t].clone()).collect();
    }
    let share_bookmarks = share_bookmarks(&school, &login_index, &users, &groups)?;
    let dummy_hash = hash_cache.values().next().cloned().unwrap_or_default();
    Ok(Directory::assemble(
        structures,
        classes,
        users,
        groups,
        clients,
        Indexes {
            members,
            links,
            direct,
        },
        dummy_hash,
    )
    .with_share_bookmarks(share_bookmarks))
}

/// The share bookmarks of the file, their members resolved (a login, else a group name).
fn share_bookmarks(
    school: &School,
    login_index: &HashMap<&str, usize>,
    users: &[User],
    groups: &[Group],
) -> Result<Vec<ShareBookmark>, Error> {
    let mut out: Vec<ShareBookmark> = Vec::new();
    for spec in &school.share_bookmarks {
        let entry = format!("share bookmark {:?}", spec.name);
        if spec.name.trim().is_empty() {
            return Err(invalid(entry, "name is empty"));
        }
        let owner = *login_index
            .get(spec.owner.as_str())
            .ok_or_else(|| unknown(&entry, "owner", &spec.owner))?;
        let owner_id = users[owner].id.clone();
        if out
            .iter()
            .any(|b| b.owner_id == owner_id && b.name == spec.name)
        {
            return Err(Error::Duplicate {
                what: "share bookmark",
                name: spec.name.clone(),
            });
        }
        let mut member_ids: Vec<String> = Vec::new();
        for m in &spec.members {
            let id = match login_index.get(m.as_str()) {
                Some(&u) => users[u].id.clone(),
                None => groups[resolve(groups, &entry, m)?].id.clone(),
            };
            if !member_ids.contains(&id) {
                member_ids.push(id);
            }
        }
        out.push(ShareBookmark {
            id: stable_id("share-bookmark", &[&spec.owner, &spec.name]),
            owner_id,
            name: spec.name.clone(),
            member_ids,
        });
    }
    Ok(out)
}

fn profile_group(
    structure_name: &str,
    class: Option<(&str, &str)>,
    structure_id: &str,
    profile: Profile,
    parent_group_id: Option<String>,
) -> Group {
    let scope = class.map_or(structure_name, |(name, _)| name);
    let class_name = class.map_or("", |(name, _)| name);
    Group {
        id: stable_id(
            "profile-group",
            &[structure_name, class_name, profile.as_str()],
        ),
        name: format!("{scope}-{}", profile.as_str()),
        kind: GroupKind::ProfileGroup,
        profile: Some(profile),
        structure_id: structure_id.to_string(),
        class_id: class.map(|(_, id)| id.to_string()),
        structure_name: structure_name.to_string(),
        group_display_name: None,
        broadcast: false,
        member_ids: Vec::new(),
        internal: Internal::None,
        communique_with: Vec::new(),
        relative_communique_student: Internal::None,
        parent_group_id,
    }
}

/// The stock rules of communication-rules §3.1 (mod.json), restricted to the group kinds this
/// directory has (ProfileGroups; no Func, Discipline, HeadTeacher or Direction groups, so
/// those targets are absent). Guest groups get no rule (NONE, no links).
fn apply_default_rules(
    groups: &mut [Group],
    links: &mut [Vec<usize>],
    structures: &[Structure],
    classes: &[Class],
    structure_groups: &HashMap<(usize, Profile), usize>,
    class_groups: &HashMap<(usize, Profile), usize>,
) {
    use Profile::{Personnel, Relative, Student, Teacher};
    let structure_rules: [(Profile, Internal, &[Profile]); 4] = [
        (Personnel, Internal::Both, &[Teacher, Relative, Student]),
        (Teacher, Internal::Both, &[Personnel, Relative, Student]),
        (Student, Internal::Outgoing, &[]),
        // Its link to the Direction group is inert with OUTGOING (§3.2 quirk) and there is no
        // Direction group here.
        (Relative, Internal::Outgoing, &[]),
    ];
    let class_rules: [(Profile, Internal, &[Profile]); 4] = [
        (Personnel, Internal::Outgoing, &[]),
        (Teacher, Internal::Outgoing, &[]),
        (Student, Internal::Both, &[Personnel, Teacher]),
        (Relative, Internal::Both, &[Personnel, Student, Teacher]),
    ];
    for s in 0..structures.len() {
        for (p, internal, targets) in structure_rules {
            let g = structure_groups[&(s, p)];
            groups[g].internal = internal;
            for t in targets {
                push_unique(&mut links[g], structure_groups[&(s, *t)]);
            }
        }
    }
    for c in 0..classes.len() {
        for (p, internal, targets) in class_rules {
            let g = class_groups[&(c, p)];
            groups[g].internal = internal;
            for t in targets {
                push_unique(&mut links[g], class_groups[&(c, *t)]);
            }
        }
        groups[class_groups[&(c, Relative)]].relative_communique_student = Internal::Incoming;
    }
}

fn push_unique(v: &mut Vec<usize>, x: usize) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// A group reference in the description: its raw name (`"6A-Student"`, a manual group's name)
/// or its id.
fn resolve(groups: &[Group], entry: &str, r: &str) -> Result<usize, Error> {
    let found: Vec<usize> = (0..groups.len())
        .filter(|&g| groups[g].name == r || groups[g].id == r)
        .collect();
    match found.as_slice() {
        [] => Err(unknown(entry, "group", r)),
        [g] => Ok(*g),
        _ => Err(Error::Ambiguous {
            entry: entry.to_string(),
            name: r.to_string(),
        }),
    }
}
