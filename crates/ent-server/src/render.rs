//! Display-name snapshots (§3.6) and how recipients are rendered for one viewer.

use ent_directory::{Directory, Lang};
use ent_protocol::{GroupRef, Recipients, UserRef};
use serde::{Deserialize, Serialize};

/// One snapshot entry: `[id, displayName, isGroup]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Named(pub String, pub String, pub bool);

/// Looks up the current names of `ids` (unknown ids are left out, as a real ENT does).
pub(crate) fn snapshot<'a>(
    dir: &Directory,
    ids: impl IntoIterator<Item = &'a String>,
) -> Vec<Named> {
    let mut out: Vec<Named> = Vec::new();
    for id in ids {
        if out.iter().any(|n| &n.0 == id) {
            continue;
        }
        if let Some(u) = dir.user(id) {
            out.push(Named(id.clone(), u.display_name.clone(), false));
        } else if let Some(g) = dir.group(id) {
            out.push(Named(id.clone(), dir.group_display_name(g, Lang::Fr), true));
        }
    }
    out
}

pub(crate) fn user_ref(dir: &Directory, id: &str, snapshot: &[Named]) -> Option<UserRef> {
    let name = snapshot
        .iter()
        .find(|n| n.0 == id && !n.2)
        .map(|n| n.1.clone());
    let live = dir.user(id);
    let display_name = name.or_else(|| live.map(|u| u.display_name.clone()))?;
    Some(UserRef {
        id: id.to_owned(),
        display_name,
        profile: live.map(|u| u.profile.as_str().to_owned()),
    })
}

/// `{"users":[…],"groups":[…]}` of `ids`; ids without a snapshot name are dropped (§3.6).
pub(crate) fn recipients(dir: &Directory, ids: &[String], snapshot: &[Named]) -> Recipients {
    let mut out = Recipients::default();
    for id in ids {
        let Some(named) = snapshot.iter().find(|n| &n.0 == id) else {
            continue;
        };
        if named.2 {
            let live = dir.group(id);
            out.groups.push(GroupRef {
                id: id.clone(),
                display_name: named.1.clone(),
                size: live.map(|g| g.member_ids.len() as u64),
                kind: live.map(|g| g.kind.as_str().to_owned()),
                sub_type: live.and_then(|g| g.sub_type().map(str::to_owned)),
            });
        } else if let Some(u) = user_ref(dir, id, snapshot) {
            out.users.push(u);
        }
    }
    out
}

/// cci as seen by `viewer` (§3.6): everything for the sender; for anyone else, only himself
/// when he was in cci directly or through one of his groups.
pub(crate) fn cci_for(
    dir: &Directory,
    viewer: &str,
    from: &str,
    cci: &[String],
    snapshot: &[Named],
) -> Recipients {
    if viewer == from {
        return recipients(dir, cci, snapshot);
    }
    let reached = cci.iter().any(|id| {
        id == viewer
            || dir
                .group(id)
                .is_some_and(|g| g.member_ids.iter().any(|m| m == viewer))
    });
    let mut out = Recipients::default();
    if reached {
        if let Some(u) = dir.user(viewer) {
            out.users.push(UserRef {
                id: u.id.clone(),
                display_name: u.display_name.clone(),
                profile: Some(u.profile.as_str().to_owned()),
            });
        }
    }
    out
}
