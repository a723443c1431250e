//! Recipient search and directory lookups (§5), over `ent-directory`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use ent_directory::{Lang, VisibleKind};
use ent_protocol::{
    DirectoryGroup, DirectoryUser, LegacyVisibleGroup, LegacyVisibleUser, LegacyVisibles, Visible,
};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::State as AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/communication/visible/search", get(search))
        .route("/conversation/visible", get(legacy))
        .route("/directory/user/{id}", get(user))
        .route("/directory/group/{id}", get(group))
}

fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_tag)
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct SearchQuery {
    query: Option<String>,
    search: Option<String>,
    #[serde(rename = "In-Reply-To")]
    in_reply_to: Option<String>,
}

fn to_wire(v: &ent_directory::Visible) -> Visible {
    let kind = match v.wire_type() {
        "User" => ent_protocol::VisibleKind::User,
        "BroadcastGroup" => ent_protocol::VisibleKind::BroadcastGroup,
        _ => ent_protocol::VisibleKind::Group,
    };
    let is_user = v.kind == VisibleKind::User;
    Visible {
        id: v.id.clone(),
        display_name: v.display_name.clone(),
        kind,
        used_in: v.used_in.iter().map(|s| (*s).to_owned()).collect(),
        profile: v.profile.map(|p| p.as_str().to_owned()),
        structure_name: v.structure_name.clone(),
        children: None,
        relatives: None,
        nb_users: if is_user {
            None
        } else {
            v.member_count.map(|n| n as u64)
        },
        group_type: if is_user {
            None
        } else {
            v.group_type.map(str::to_owned)
        },
    }
}

/// A share bookmark as entcore lists it among the visibles: `id`, `displayName` and
/// `type: ShareBookmark` only (ent-api §5.1); its id is no recipient.
fn bookmark_to_wire(b: &ent_directory::ShareBookmark) -> Visible {
    Visible {
        id: b.id.clone(),
        display_name: b.name.clone(),
        kind: ent_protocol::VisibleKind::ShareBookmark,
        used_in: Vec::new(),
        profile: None,
        structure_name: None,
        children: None,
        relatives: None,
        nb_users: None,
        group_type: None,
    }
}

/// `GET /communication/visible/search?query=` (§5.1): users, groups, then the caller's share
/// bookmarks whose name matches, as entcore joins them
/// (`DefaultCommunicationService.getShareBookmarks`).
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> Json<Vec<Visible>> {
    let dir = &state.cfg.directory;
    let query = q.query.as_deref().unwrap_or("");
    let found = dir.search_visible(&caller.user_id, query, lang(&headers));
    let bookmarks = dir.share_bookmarks(&caller.user_id, query);
    Json(
        found
            .iter()
            .map(to_wire)
            .chain(bookmarks.into_iter().map(bookmark_to_wire))
            .collect(),
    )
}

async fn legacy(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<LegacyVisibles>> {
    // That code path always fails on a real ENT (§12 item 12).
    if q.in_reply_to.is_some() {
        return Err(ApiError::BadRequestEmpty);
    }
    let v = state.cfg.directory.visible_legacy_search(
        &caller.user_id,
        q.search.as_deref().unwrap_or(""),
        lang(&headers),
    );
    Ok(Json(LegacyVisibles {
        users: v
            .users
            .iter()
            .map(|u| LegacyVisibleUser {
                id: u.id.clone(),
                display_name: u.display_name.clone(),
                group_display_name: None,
                profile: u.profile.map(|p| p.as_str().to_owned()),
                structure_name: u.structure_name.clone(),
            })
            .collect(),
        groups: v
            .groups
            .iter()
            .map(|g| LegacyVisibleGroup {
                id: g.id.clone(),
                name: g.display_name.clone(),
                group_display_name: None,
                profile: Some(g.profile.map(|p| p.as_str()).unwrap_or("Manual").to_owned()),
                structure_name: g.structure_name.clone(),
            })
            .collect(),
    }))
}

async fn user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DirectoryUser>> {
    // Visible users only, and oneself (§5.4).
    if id != caller.user_id && !state.cfg.directory.is_visible(&caller.user_id, &id) {
        return Err(ApiError::NotFound("user.not.found"));
    }
    let u = state
        .cfg
        .directory
        .user(&id)
        .ok_or(ApiError::NotFound("user.not.found"))?;
    Ok(Json(DirectoryUser {
        id: u.id.clone(),
        display_name: u.display_name.clone(),
        profiles: vec![u.profile.as_str().to_owned()],
        first_name: Some(u.first_name.clone()),
        last_name: Some(u.last_name.clone()),
        login: None,
    }))
}

async fn group(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<DirectoryGroup>> {
    let g = state
        .cfg
        .directory
        .group(&id)
        .ok_or(ApiError::NotFound("group.not.found"))?;
    let member = g.member_ids.contains(&caller.user_id);
    if !member && !state.cfg.directory.is_visible(&caller.user_id, &id) {
        return Err(ApiError::NotFound("group.not.found"));
    }
    Ok(Json(DirectoryGroup {
        id: g.id.clone(),
        name: state.cfg.directory.group_display_name(g, lang(&headers)),
        nb_users: Some(g.member_ids.len() as u64),
        kind: Some(g.kind.as_str().to_owned()),
        sub_type: g.sub_type().map(str::to_owned),
    }))
}
