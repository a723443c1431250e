//! `/communication`: who the user may write to (spec §5.1).

use super::{ApiResult, Call, Client};
use crate::recipients::Visible;

/// `GET /communication/visible/search` without a query: everything visible, users and groups.
/// Share bookmarks are dropped: their id is not a valid recipient (§5.1).
pub async fn visibles(client: &Client) -> ApiResult<Vec<Visible>> {
    let list: Option<Vec<super::wire::Visible>> = client
        .send(Call::get("/communication/visible/search"))
        .await?;
    Ok(list
        .unwrap_or_default()
        .into_iter()
        .filter(|v| v.kind != super::wire::VisibleKind::ShareBookmark)
        .map(|v| Visible {
            id: v.id,
            display_name: v.display_name,
            kind: match v.kind {
                super::wire::VisibleKind::User => "User".to_string(),
                super::wire::VisibleKind::Group => "Group".to_string(),
                super::wire::VisibleKind::BroadcastGroup => "BroadcastGroup".to_string(),
                super::wire::VisibleKind::ShareBookmark => "ShareBookmark".to_string(),
                super::wire::VisibleKind::Other(k) => k,
            },
            profile: v.profile,
            nb_users: v.nb_users.map(|n| n as u32),
            group_type: v.group_type,
            structure_name: v.structure_name,
            used_in: v.used_in,
        })
        .collect())
}
