use ent_protocol::{rights, TokenResponse, UserInfo, CLIENT_SCOPE};
use reqwest::StatusCode;

use crate::helpers::{json, TestApp};

#[tokio::test]
async fn a_good_login_redirects_and_sets_the_session_the_flag_and_the_xsrf_cookies() {
    let app = TestApp::spawn().await;
    let resp = app.anonymous().login_form("marie.durand", "demo").await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    for name in ["oneSessionId=", "authenticated=true", "XSRF-TOKEN="] {
        assert!(
            cookies.iter().any(|c| c.starts_with(name)),
            "{name} in {cookies:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_answers_200_with_the_html_login_form() {
    let app = TestApp::spawn().await;
    let resp = app.anonymous().login_form("marie.durand", "nope").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("set-cookie").is_none());
    let page = resp.text().await.unwrap();
    assert!(
        page.contains("<form")
            && page.contains("name=\"email\"")
            && page.contains("name=\"password\"")
    );
}

#[tokio::test]
async fn the_login_page_is_a_real_form() {
    let app = TestApp::spawn().await;
    let resp = app.anonymous().get("/auth/login").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("action=\"/auth/login\""));
}

#[tokio::test]
async fn a_call_without_session_is_redirected_to_the_login_page_with_its_callback() {
    let app = TestApp::spawn().await;
    let resp = app
        .anonymous()
        .get("/conversation/api/count/inbox?unread=true")
        .await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().unwrap();
    assert_eq!(
        location,
        "/auth/login?callback=%2Fconversation%2Fapi%2Fcount%2Finbox%3Funread%3Dtrue"
    );
}

#[tokio::test]
async fn a_write_with_a_wrong_xsrf_token_is_refused_with_403_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let mut marie = app.login("marie.durand").await;
    marie.xsrf = Some("forged".into());
    let resp = marie.create_folder("Projets", None).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        resp.text().await.unwrap(),
        r#"{"error":"invalid.xsrf.token"}"#
    );
    marie.xsrf = None;
    assert_eq!(
        marie.create_folder("Projets", None).await.status(),
        StatusCode::FORBIDDEN
    );
    let folders: Vec<ent_protocol::FolderTreeItem> = json(marie.folders(1).await).await;
    assert!(folders.is_empty());
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    assert_eq!(marie.logout().await.status(), StatusCode::FOUND);
    assert_eq!(
        marie.get("/conversation/max-depth").await.status(),
        StatusCode::FOUND
    );
}

#[tokio::test]
async fn expired_sessions_send_the_client_back_to_login() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server.faults().expire_sessions();
    assert_eq!(
        marie.get("/conversation/max-depth").await.status(),
        StatusCode::FOUND
    );
}

#[tokio::test]
async fn userinfo_v2_names_the_user_and_his_messaging_rights() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let info: UserInfo = json(marie.userinfo().await).await;
    assert_eq!(info.user_id, app.id("marie.durand"));
    assert_eq!(info.username, "DURAND Marie");
    assert_eq!(info.profile, "Teacher");
    assert!(info.has_right(rights::CREATE_DRAFT));
    assert!(!info.groups_ids.is_empty());
}

fn client_credentials(app: &TestApp) -> (String, String) {
    let _ = app;
    ("messagerie-desktop".into(), "demo-secret".into())
}

#[tokio::test]
async fn the_oauth2_password_grant_gives_a_bearer_that_reads_the_mailbox_and_refreshes() {
    let app = TestApp::spawn().await;
    let (id, secret) = client_credentials(&app);
    let anon = app.anonymous();
    let resp = anon
        .token(&[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("username", "marie.durand"),
            ("password", "demo"),
            ("scope", CLIENT_SCOPE),
        ])
        .await;
    let token: TokenResponse = json(resp).await;
    assert_eq!(token.token_type, "Bearer");
    let mut bearer = app.anonymous();
    bearer.bearer = Some(token.access_token.clone());
    assert_eq!(bearer.count("inbox", true).await, 0);
    // A bearer is exempt from CSRF.
    assert_eq!(
        bearer.create_folder("Via OAuth", None).await.status(),
        StatusCode::CREATED
    );
    let refreshed: TokenResponse = json(
        anon.token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("refresh_token", token.refresh_token.as_deref().unwrap()),
        ])
        .await,
    )
    .await;
    bearer.bearer = Some(refreshed.access_token);
    assert_eq!(bearer.count("inbox", true).await, 0);
}

#[tokio::test]
async fn a_wrong_password_on_the_token_endpoint_is_an_oauth2_error() {
    let app = TestApp::spawn().await;
    let (id, secret) = client_credentials(&app);
    let resp = app
        .anonymous()
        .token(&[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("username", "marie.durand"),
            ("password", "bad"),
            ("scope", "conversation"),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let err: ent_protocol::OAuth2Error = resp.json().await.unwrap();
    assert_eq!(err.error, "invalid_grant");
    assert_eq!(
        err.error_description.as_deref(),
        Some("auth.error.authenticationFailed")
    );
}

#[tokio::test]
async fn a_bearer_without_the_modules_scope_is_refused_with_401() {
    let app = TestApp::spawn().await;
    let (id, secret) = client_credentials(&app);
    let token: TokenResponse = json(
        app.anonymous()
            .token(&[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", "marie.durand"),
                ("password", "demo"),
                ("scope", "timeline"),
            ])
            .await,
    )
    .await;
    let mut bearer = app.anonymous();
    bearer.bearer = Some(token.access_token);
    assert_eq!(
        bearer.get("/conversation/max-depth").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        bearer
            .get("/timeline/lastNotifications?type=MESSAGERIE&page=0")
            .await
            .status(),
        StatusCode::OK
    );
}
