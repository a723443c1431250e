//! The authorization-code flow, token-as-cookie, `rememberMe` and the SSO-like sign-in page.

use std::time::Duration;

use ent_directory::Directory;
use ent_protocol::{paths, OAuth2Error, TokenResponse, CLIENT_SCOPE};
use reqwest::{Response, StatusCode};

use crate::helpers::{json, Client, TestApp};

const CLIENT: &str = "messagerie-desktop";
const SECRET: &str = "demo-secret";
const REDIRECT: &str = "http://127.0.0.1/messagerie/oauth2/callback";

fn auth_url(client_id: &str, redirect: &str, scope: &str, state: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", scope)
        .append_pair("state", state)
        .finish();
    format!("{}?{query}", paths::OAUTH2_AUTH)
}

fn location(resp: &Response) -> String {
    resp.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no location in a {} answer", resp.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The query parameters of a redirect to `REDIRECT` (panics when it goes anywhere else).
fn redirect_params(resp: &Response) -> Vec<(String, String)> {
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = location(resp);
    let query = loc
        .strip_prefix(&format!("{REDIRECT}?"))
        .unwrap_or_else(|| panic!("redirected to {loc}"));
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

fn set_cookies(resp: &Response) -> Vec<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

async fn code_for(client: &Client, state: &str) -> String {
    let resp = client
        .get(&auth_url(CLIENT, REDIRECT, CLIENT_SCOPE, state))
        .await;
    let params = redirect_params(&resp);
    assert_eq!(param(&params, "state").as_deref(), Some(state));
    param(&params, "code").expect("a code")
}

async fn exchange(client: &Client, code: &str, redirect: &str) -> Response {
    client
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("code", code),
            ("redirect_uri", redirect),
        ])
        .await
}

async fn oauth_error(resp: Response) -> String {
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    resp.json::<OAuth2Error>().await.unwrap().error
}

fn bearer(app: &TestApp, token: &str) -> Client {
    let mut c = app.anonymous();
    c.bearer = Some(token.to_owned());
    c
}

#[tokio::test]
async fn a_signed_in_web_session_gets_a_code_with_its_state_that_gives_a_working_bearer_token() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;

    let code = code_for(&marie, "xyz 42/é").await;
    let tokens: TokenResponse = json(exchange(&app.anonymous(), &code, REDIRECT).await).await;

    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 3600);
    assert!(tokens.refresh_token.is_some());
    let reader = bearer(&app, &tokens.access_token);
    assert_eq!(reader.list("inbox").await.len(), 0);
    let me: ent_protocol::UserInfo = json(reader.userinfo().await).await;
    assert_eq!(me.login, "marie.durand");
}

#[tokio::test]
async fn without_a_web_session_the_auth_url_goes_to_the_login_page_and_comes_back_with_a_code() {
    let app = TestApp::spawn().await;
    let browser = app.anonymous();
    let url = auth_url(CLIENT, REDIRECT, CLIENT_SCOPE, "s1");

    let resp = browser.get(&url).await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(
        location(&resp),
        format!("/auth/login?callback={}", paths::encode(&url))
    );
    let signed_in = browser
        .http
        .post(format!("{}{}", app.base, paths::LOGIN))
        .form(&[
            ("email", "marie.durand"),
            ("password", "demo"),
            ("callBack", &url),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&signed_in), url);
    let code = code_for(&browser, "s1").await;

    assert_eq!(
        exchange(&app.anonymous(), &code, REDIRECT).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unknown_client_or_an_unregistered_redirect_address_gets_a_page_and_never_a_redirect() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    for url in [
        auth_url("nobody", REDIRECT, CLIENT_SCOPE, "s"),
        auth_url(CLIENT, "https://evil.example/cb", CLIENT_SCOPE, "s"),
        auth_url(
            CLIENT,
            &format!("{REDIRECT}.evil.example"),
            CLIENT_SCOPE,
            "s",
        ),
        auth_url(
            CLIENT,
            "http://127.0.0.1:8080@evil.example/messagerie/oauth2/callback",
            CLIENT_SCOPE,
            "s",
        ),
        auth_url(
            CLIENT,
            "//evil.example/messagerie/oauth2/callback",
            CLIENT_SCOPE,
            "s",
        ),
        format!(
            "{}?response_type=code&client_id={CLIENT}&scope=conversation",
            paths::OAUTH2_AUTH
        ),
    ] {
        let resp = marie.get(&url).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{url}");
        assert!(resp.headers().get("location").is_none(), "{url}");
        assert!(resp.text().await.unwrap().contains("Connexion refusée"));
    }
}

#[tokio::test]
async fn a_loopback_redirect_address_may_use_any_port() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let redirect = "http://127.0.0.1:49321/messagerie/oauth2/callback";

    let resp = marie
        .get(&auth_url(CLIENT, redirect, CLIENT_SCOPE, "p"))
        .await;

    assert!(location(&resp).starts_with(&format!("{redirect}?code=")));
}

#[tokio::test]
async fn a_wrong_response_type_or_scope_is_sent_back_to_the_client_with_its_state_and_no_code() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let token_url = auth_url(CLIENT, REDIRECT, CLIENT_SCOPE, "st")
        .replace("response_type=code", "response_type=token");
    for (url, error) in [
        (token_url, "invalid_request"),
        (
            auth_url(CLIENT, REDIRECT, "conversation admin", "st"),
            "invalid_scope",
        ),
        (auth_url(CLIENT, REDIRECT, "", "st"), "invalid_scope"),
    ] {
        let params = redirect_params(&marie.get(&url).await);
        assert_eq!(param(&params, "error").as_deref(), Some(error), "{url}");
        assert_eq!(param(&params, "state").as_deref(), Some("st"));
        assert_eq!(param(&params, "code"), None);
    }
}

#[tokio::test]
async fn a_client_without_the_authorization_code_grant_is_refused_at_both_steps() {
    let toml = format!(
        "{}\n[[oauth_clients]]\nid = \"password-only\"\nsecret = \"s\"\nredirect_uris = [\"{REDIRECT}\"]\n",
        include_str!("../../../ent-directory/src/demo.toml")
    );
    let directory = Directory::from_toml(&toml).unwrap();
    let app = TestApp::spawn_with(|c| c.directory = directory).await;
    let marie = app.login("marie.durand").await;

    let params = redirect_params(
        &marie
            .get(&auth_url("password-only", REDIRECT, "conversation", "g"))
            .await,
    );
    assert_eq!(
        param(&params, "error").as_deref(),
        Some("unauthorized_client")
    );
    // A code of the demo client presented by the other client: refused too.
    let code = code_for(&marie, "g").await;
    let resp = app
        .anonymous()
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "password-only"),
            ("client_secret", "s"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ])
        .await;
    assert_eq!(oauth_error(resp).await, "unauthorized_client");
}

#[tokio::test]
async fn a_code_is_single_use_and_its_replay_revokes_the_tokens_it_gave() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let code = code_for(&marie, "r").await;
    let first: TokenResponse = json(exchange(&app.anonymous(), &code, REDIRECT).await).await;

    let replay = exchange(&app.anonymous(), &code, REDIRECT).await;

    assert_eq!(oauth_error(replay).await, "invalid_grant");
    // A revoked token is sent to the login page, as entcore does (302, not 401).
    let reader = bearer(&app, &first.access_token);
    assert_eq!(
        reader.list_raw("inbox", &Default::default()).await.status(),
        StatusCode::FOUND
    );
    let refresh = app
        .anonymous()
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("refresh_token", first.refresh_token.as_deref().unwrap()),
        ])
        .await;
    assert_eq!(oauth_error(refresh).await, "invalid_grant");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = TestApp::spawn_with(|c| c.oauth2_code_ttl = Duration::ZERO).await;
    let marie = app.login("marie.durand").await;
    let code = code_for(&marie, "e").await;

    assert_eq!(
        oauth_error(exchange(&app.anonymous(), &code, REDIRECT).await).await,
        "invalid_grant"
    );
}

#[tokio::test]
async fn the_exchange_needs_the_same_redirect_address_the_right_secret_and_a_known_code() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let code = code_for(&marie, "m").await;
    let other = "http://127.0.0.1:5555/messagerie/oauth2/callback";

    assert_eq!(
        oauth_error(exchange(&app.anonymous(), &code, other).await).await,
        "redirect_uri_mismatch"
    );
    let wrong_secret = app
        .anonymous()
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT),
            ("client_secret", "guess"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ])
        .await;
    assert_eq!(oauth_error(wrong_secret).await, "invalid_client");
    assert_eq!(
        oauth_error(exchange(&app.anonymous(), "made-up", REDIRECT).await).await,
        "invalid_grant"
    );
    assert_eq!(
        oauth_error(
            app.anonymous()
                .token(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", CLIENT),
                    ("client_secret", SECRET),
                    ("code", &code),
                ])
                .await
        )
        .await,
        "invalid_request"
    );
    // None of the refusals used the code up.
    assert_eq!(
        exchange(&app.anonymous(), &code, REDIRECT).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_refresh_token_of_a_code_renews_an_expired_access_token_and_is_not_rotated() {
    let app = TestApp::spawn_with(|c| c.token_ttl = Duration::ZERO).await;
    let marie = app.login("marie.durand").await;
    let code = code_for(&marie, "t").await;
    let first: TokenResponse = json(exchange(&app.anonymous(), &code, REDIRECT).await).await;
    let refresh_token = first.refresh_token.clone().unwrap();
    let expired = bearer(&app, &first.access_token);
    assert_eq!(
        expired
            .list_raw("inbox", &Default::default())
            .await
            .status(),
        StatusCode::FOUND
    );

    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", CLIENT),
        ("client_secret", SECRET),
        ("refresh_token", refresh_token.as_str()),
    ];
    let renewed: TokenResponse = json(app.anonymous().token(&form).await).await;
    let again: TokenResponse = json(app.anonymous().token(&form).await).await;

    assert_ne!(renewed.access_token, first.access_token);
    assert_eq!(
        renewed.refresh_token.as_deref(),
        Some(refresh_token.as_str())
    );
    assert_eq!(again.refresh_token.as_deref(), Some(refresh_token.as_str()));
    assert_eq!(renewed.scope.as_deref(), Some(CLIENT_SCOPE));
}

#[tokio::test]
async fn token_as_cookie_turns_a_bearer_token_into_a_web_session_that_reads_and_writes() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let code = code_for(&marie, "c").await;
    let tokens: TokenResponse = json(exchange(&app.anonymous(), &code, REDIRECT).await).await;
    let mut web = app.anonymous();

    let resp = web
        .http
        .post(format!("{}{}", app.base, paths::OAUTH2_TOKEN_AS_COOKIE))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap();

    assert_eq!(resp.status(), StatusCode::OK);
    let cookies = set_cookies(&resp);
    for name in ["oneSessionId=", "authenticated=true", "XSRF-TOKEN="] {
        assert!(
            cookies.iter().any(|c| c.starts_with(name)),
            "{name} in {cookies:?}"
        );
    }
    web.xsrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("XSRF-TOKEN="))
        .map(|c| c.split(';').next().unwrap().to_owned());
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap()["succces"],
        true
    );
    assert_eq!(web.list("inbox").await.len(), 0);
    assert!(web
        .create_folder("Projets", None)
        .await
        .status()
        .is_success());
}

#[tokio::test]
async fn token_as_cookie_without_a_live_bearer_token_is_401_and_opens_no_session() {
    let app = TestApp::spawn_with(|c| c.token_ttl = Duration::ZERO).await;
    let marie = app.login("marie.durand").await;
    let code = code_for(&marie, "x").await;
    let expired: TokenResponse = json(exchange(&app.anonymous(), &code, REDIRECT).await).await;
    for token in [None, Some("made-up"), Some(expired.access_token.as_str())] {
        let mut rb =
            app.anonymous()
                .http
                .post(format!("{}{}", app.base, paths::OAUTH2_TOKEN_AS_COOKIE));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        let resp = rb.send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert!(set_cookies(&resp).is_empty());
    }
}

#[tokio::test]
async fn remember_me_gives_a_one_year_cookie_and_a_session_that_outlives_the_ordinary_idle_time() {
    let app = TestApp::spawn_with(|c| c.session_ttl = Duration::ZERO).await;
    let remembered = app.anonymous();
    let resp = remembered
        .http
        .post(format!("{}{}", app.base, paths::LOGIN))
        .form(&[
            ("email", "marie.durand"),
            ("password", "demo"),
            ("rememberMe", "true"),
        ])
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&resp);
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("oneSessionId=") && c.contains("Max-Age=31536000")));
    let forgotten = app.login("marie.durand").await;

    assert_eq!(
        remembered
            .list_raw("inbox", &Default::default())
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        forgotten
            .list_raw("inbox", &Default::default())
            .await
            .status(),
        StatusCode::FOUND
    );
}

#[tokio::test]
async fn the_sso_demo_page_signs_in_and_goes_back_to_a_same_site_callback_only() {
    let app = TestApp::spawn().await;
    let page = app
        .anonymous()
        .get("/sso-demo/login?callBack=%2Fconversation")
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Se connecter avec ÉduConnect (démo)"));
    assert!(html.contains("value=\"/conversation\""));

    for (callback, expected) in [
        ("/conversation", "/conversation"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
    ] {
        let browser = app.anonymous();
        let resp = browser
            .http
            .post(format!("{}/sso-demo/login", app.base))
            .form(&[
                ("login", "marie.durand"),
                ("password", "demo"),
                ("callBack", callback),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&resp), expected, "{callback}");
        let cookies = set_cookies(&resp);
        assert!(cookies.iter().any(|c| c.starts_with("oneSessionId=")));
        assert!(
            cookies
                .iter()
                .filter(|c| !c.starts_with("ssoDemo="))
                .all(|c| !c.contains("Max-Age")),
            "{cookies:?}"
        );
        assert_eq!(
            browser
                .list_raw("inbox", &Default::default())
                .await
                .status(),
            StatusCode::OK
        );
    }
    let refused = app
        .anonymous()
        .http
        .post(format!("{}/sso-demo/login", app.base))
        .form(&[
            ("login", "marie.durand"),
            ("password", "nope"),
            ("callBack", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::OK);
    assert!(set_cookies(&refused).is_empty());
    assert!(refused.text().await.unwrap().contains("incorrect"));
}

#[tokio::test]
async fn signing_in_on_the_sso_page_from_the_auth_url_ends_with_a_code() {
    let app = TestApp::spawn().await;
    let browser = app.anonymous();
    let url = auth_url(CLIENT, REDIRECT, CLIENT_SCOPE, "sso");
    let to_login = browser.get(&url).await;
    let callback = location(&to_login)
        .strip_prefix("/auth/login?callback=")
        .map(|c| {
            form_urlencoded::parse(format!("c={c}").as_bytes())
                .next()
                .unwrap()
                .1
                .into_owned()
        })
        .unwrap();

    let resp = browser
        .http
        .post(format!("{}/sso-demo/login", app.base))
        .form(&[
            ("login", "hugo.leroy"),
            ("password", "demo"),
            ("callBack", &callback),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&resp), url);
    let code = code_for(&browser, "sso").await;

    let tokens: TokenResponse = json(exchange(&app.anonymous(), &code, REDIRECT).await).await;
    let me: ent_protocol::UserInfo =
        json(bearer(&app, &tokens.access_token).userinfo().await).await;
    assert_eq!(me.login, "hugo.leroy");
}

#[tokio::test]
async fn the_ent_login_page_links_to_the_sso_page_with_the_same_callback() {
    let app = TestApp::spawn().await;
    let html = app
        .anonymous()
        .get("/auth/login?callback=%2Fconversation%3Fa%3D1%26b%3D2")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(
            "<a href=\"/sso-demo/login?callBack=%2Fconversation%3Fa%3D1%26b%3D2\">Se connecter avec ÉduConnect</a>"
        ),
        "{html}"
    );
}

async fn sso_sign_in(browser: &Client, base: &str, callback: &str) -> Response {
    browser
        .http
        .post(format!("{base}/sso-demo/login"))
        .form(&[
            ("login", "marie.durand"),
            ("password", "demo"),
            ("callBack", callback),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_identity_provider_remembers_the_user_after_the_ent_session_ended() {
    let app = TestApp::spawn().await;
    let browser = app.anonymous();
    let first = sso_sign_in(&browser, &app.base, "/conversation").await;
    let idp = set_cookies(&first)
        .into_iter()
        .find(|c| c.starts_with("ssoDemo="))
        .expect("the IdP sets its own cookie");
    assert!(
        idp.contains("HttpOnly") && idp.contains("Path=/sso-demo"),
        "{idp}"
    );

    // The ENT ends its sessions; the IdP, another server, still knows the user.
    app.server.faults().expire_sessions();
    assert_ne!(
        browser
            .list_raw("inbox", &Default::default())
            .await
            .status(),
        StatusCode::OK
    );
    let again = browser
        .get("/sso-demo/login?callBack=%2Fconversation")
        .await;
    assert_eq!(again.status(), StatusCode::FOUND);
    assert_eq!(location(&again), "/conversation");
    assert!(set_cookies(&again)
        .iter()
        .any(|c| c.starts_with("oneSessionId=")));
    assert_eq!(
        browser
            .list_raw("inbox", &Default::default())
            .await
            .status(),
        StatusCode::OK
    );

    // Still same-site only when remembered.
    for evil in ["https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example"] {
        let resp = browser
            .get(&format!("/sso-demo/login?callBack={evil}"))
            .await;
        assert_eq!(location(&resp), "/", "{evil}");
    }

    // Once the IdP forgets its sessions, its form shows again.
    app.server.forget_idp_sessions();
    let form = browser
        .get("/sso-demo/login?callBack=%2Fconversation")
        .await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains("Mot de passe"));
}

#[tokio::test]
async fn a_forged_identity_provider_cookie_shows_the_form() {
    let app = TestApp::spawn().await;
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!(
            "{}/sso-demo/login?callBack=%2Fconversation",
            app.base
        ))
        .header("cookie", "ssoDemo=0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(set_cookies(&resp).is_empty());
    assert!(resp.text().await.unwrap().contains("Mot de passe"));
}
