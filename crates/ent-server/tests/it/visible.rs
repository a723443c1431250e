use ent_protocol::{DirectoryGroup, DirectoryUser, VisibleKind};
use reqwest::StatusCode;

use crate::helpers::{json, TestApp};

#[tokio::test]
async fn a_teacher_finds_users_and_groups_and_a_pupil_does_not_see_every_teacher() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let all = marie.visible_search(None).await;
    assert!(all
        .iter()
        .any(|v| v.kind == VisibleKind::User && v.display_name == "MARTIN Paul"));
    assert!(all
        .iter()
        .any(|v| v.kind == VisibleKind::Group && v.nb_users.is_some()));
    let found = marie.visible_search(Some("martin")).await;
    assert!(found
        .iter()
        .all(|v| v.display_name.to_lowercase().contains("martin")));
    let hugo = app.login("hugo.leroy").await;
    let seen = hugo.visible_search(None).await;
    assert!(!seen.iter().any(|v| v.id == app.id("paul.martin")));
    assert!(seen.iter().any(|v| v.id == app.id("lea.moreau")));
}

#[tokio::test]
async fn the_legacy_visible_route_filters_users_only() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let all = marie.legacy_visible(None).await;
    let some = marie.legacy_visible(Some("martin")).await;
    assert_eq!(some.users.len(), 1);
    assert_eq!(some.groups.len(), all.groups.len());
}

#[tokio::test]
async fn directory_lookups_answer_for_visible_users_and_groups_only() {
    let app = TestApp::spawn().await;
    let hugo = app.login("hugo.leroy").await;
    let lea: DirectoryUser = json(hugo.directory_user(&app.id("lea.moreau")).await).await;
    assert_eq!(lea.display_name, "MOREAU Léa");
    assert_eq!(
        hugo.directory_user(&app.id("paul.martin")).await.status(),
        StatusCode::NOT_FOUND
    );
    let group: DirectoryGroup = json(hugo.directory_group(&app.group_id("6A-Student")).await).await;
    assert_eq!(group.name, "Élèves du groupe 6A.");
}

#[tokio::test]
async fn the_legacy_visible_route_fails_with_in_reply_to_as_on_a_real_ent() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let resp = marie.get("/conversation/visible?In-Reply-To=x").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}
