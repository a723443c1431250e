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

#[tokio::test]
async fn a_users_share_bookmarks_are_listed_among_his_visibles_and_are_no_recipient() {
    // Arrange: the demo school gives Marie the bookmark « Mes favoris » (Paul and a group).
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;

    // Act
    let all = marie.visible_search(None).await;
    let by_name = marie.visible_search(Some("favo")).await;
    let other = marie.visible_search(Some("martin")).await;
    let paul = app.login("paul.martin").await;
    let pauls = paul.visible_search(None).await;

    // Assert: listed as entcore does (id, displayName, type only), after users and groups.
    let bookmarks: Vec<_> = all
        .iter()
        .filter(|v| v.kind == VisibleKind::ShareBookmark)
        .collect();
    assert_eq!(bookmarks.len(), 1);
    let bookmark = bookmarks[0];
    assert_eq!(bookmark.display_name, "Mes favoris");
    assert!(bookmark.used_in.is_empty() && bookmark.profile.is_none());
    assert_eq!(all.last().map(|v| &v.id), Some(&bookmark.id));
    assert!(by_name.iter().any(|v| v.id == bookmark.id));
    assert!(!other.iter().any(|v| v.kind == VisibleKind::ShareBookmark));
    assert!(!pauls.iter().any(|v| v.kind == VisibleKind::ShareBookmark));
    // A bookmark id is not a recipient: a send naming it is refused and delivers nothing.
    let sent = marie
        .send_raw(
            None,
            None,
            &crate::helpers::draft(&[&bookmark.id], "Favoris"),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::UNAUTHORIZED);
    assert!(paul
        .list("inbox")
        .await
        .iter()
        .all(|m| m.subject.as_deref() != Some("Favoris")));
}
