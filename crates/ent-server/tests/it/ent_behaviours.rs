//! Switchable entcore behaviours (issue 10): sessions that end after some requests, a stuck
//! route, new terms of use to accept, a CAS login address, expired bearer tokens, no XSRF
//! cookie at sign-in.

use std::time::Duration;

use ent_server::FaultKind;
use reqwest::StatusCode;

use crate::helpers::TestApp;

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn sessions_end_after_the_given_number_of_requests() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server.faults().expire_sessions_after(2);

    let answers = [
        marie.get("/conversation/max-depth").await.status(),
        marie.get("/conversation/max-depth").await.status(),
        marie.get("/conversation/max-depth").await.status(),
    ];

    assert_eq!(answers, [StatusCode::OK, StatusCode::OK, StatusCode::FOUND]);
    // Once only: a new session lives on.
    let again = app.login("marie.durand").await;
    for _ in 0..5 {
        assert_eq!(again.get("/conversation/max-depth").await.status(), 200);
    }
}

#[tokio::test]
async fn sessions_can_end_every_n_requests() {
    let app = TestApp::spawn().await;
    app.server.faults().expire_sessions_every(3);
    // The login is request 1: two more calls pass, the next one finds the session gone.
    let marie = app.login("marie.durand").await;
    assert_eq!(marie.get("/conversation/max-depth").await.status(), 200);
    assert_eq!(marie.get("/conversation/max-depth").await.status(), 200);
    assert_eq!(marie.get("/conversation/max-depth").await.status(), 302);
    app.server.faults().keep_sessions();
}

#[tokio::test]
async fn a_hanging_route_never_answers() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server
        .faults()
        .inject("/conversation/max-depth", FaultKind::Hang);

    let waited = tokio::time::timeout(
        Duration::from_millis(300),
        marie.get("/conversation/max-depth"),
    )
    .await;

    assert!(waited.is_err(), "no answer");
}

#[tokio::test]
async fn new_terms_redirect_every_api_call_until_the_user_accepts_them_on_the_page() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server.faults().require_terms(&app.id("marie.durand"));

    let refused = marie.get("/conversation/api/count/inbox?unread=true").await;
    let page = marie.get("/auth/revalidate-terms").await;
    let still_signed_in = marie.get("/auth/oauth2/userinfo?version=v2.0").await;

    assert_eq!(refused.status(), StatusCode::FOUND);
    assert_eq!(location(&refused), "/auth/revalidate-terms");
    assert_eq!(still_signed_in.status(), 200);
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let token = html
        .split("name=\"xsrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    // A wrong token does not accept them.
    let forged = marie
        .http
        .post(format!("{}/auth/revalidate-terms", app.base))
        .form(&[("xsrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let accepted = marie
        .http
        .post(format!("{}/auth/revalidate-terms", app.base))
        .form(&[("xsrf", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::FOUND);
    let after = marie.get("/conversation/api/count/inbox?unread=true").await;
    assert_eq!(after.status(), 200);
    // Other users were never concerned.
    let paul = app.login("paul.martin").await;
    assert_eq!(paul.get("/conversation/max-depth").await.status(), 200);
}

#[tokio::test]
async fn a_configured_login_address_receives_lost_sessions() {
    let app = TestApp::spawn_with(|c| {
        c.login_uri = Some("https://cas.example.org/cas/login".into());
    })
    .await;

    let resp = app.anonymous().get("/conversation/max-depth").await;

    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(
        location(&resp),
        "https://cas.example.org/cas/login?callback=%2Fconversation%2Fmax-depth"
    );
}

#[tokio::test]
async fn an_unknown_or_expired_bearer_token_is_sent_to_the_login_page() {
    let app = TestApp::spawn().await;
    let mut client = app.anonymous();
    client.bearer = Some("not-a-token".into());

    let resp = client.get("/conversation/max-depth").await;

    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(
        location(&resp).starts_with("/auth/login"),
        "{}",
        location(&resp)
    );
}

#[tokio::test]
async fn without_xsrf_on_auth_only_an_html_page_sets_the_token() {
    let app = TestApp::spawn_with(|c| c.xsrf_on_auth = false).await;
    let mut marie = app.login("marie.durand").await;
    assert_eq!(marie.xsrf, None, "no XSRF-TOKEN at sign-in");
    let refused = marie.create_folder("Sans jeton", None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let page = marie.get("/conversation/conversation").await;

    assert_eq!(page.status(), 200);
    let token = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("XSRF-TOKEN="))
        .map(|c| c.split(';').next().unwrap_or("").to_owned());
    assert!(token.is_some());
    marie.xsrf = token;
    assert!(marie
        .create_folder("Avec jeton", None)
        .await
        .status()
        .is_success());
}
