//! Staying signed in through a registered OAuth2 client: a web session (password or SSO)
//! gives a code, the code a bearer token with a refresh token, the bearer token a cookie.

use messagerie_core::client::oauth2::{self, Authorization, SignInError};
use messagerie_core::client::{auth, conversation as api, Client, SignIn};
use messagerie_core::error::ErrorKind;
use messagerie_core::session::{Credentials, OAuthClient, Secret, Session};
use messagerie_core::sync::SyncMode;
use messagerie_core::Mailbox;

use crate::harness::TestApp;

const REDIRECT: &str = "http://127.0.0.1/messagerie/oauth2/callback";

fn connector() -> OAuthClient {
    OAuthClient {
        client_id: "messagerie-desktop".into(),
        client_secret: Secret::new("demo-secret"),
    }
}

/// The sign-in window after a password sign-in on the ENT's login form.
async fn password_window(app: &TestApp, login: &str) -> Client {
    let window = Client::new(&app.url()).unwrap();
    let session = auth::login_form(
        &window,
        &Credentials {
            login: login.into(),
            password: Secret::new("demo"),
        },
    )
    .await
    .unwrap();
    window.set_session(Some(session)).await;
    window
}

/// The sign-in window after a sign-in on the identity provider's page (`/sso-demo/login`),
/// which hands back the ENT's cookies as EduConnect does through the ENT.
async fn sso_window(app: &TestApp, login: &str) -> Client {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = browser
        .post(format!("{}/sso-demo/login", app.url()))
        .form(&[("login", login), ("password", "demo"), ("callBack", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::FOUND);
    let cookie = |name: &str| {
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .map(|c| Secret::new(c.split(';').next().unwrap()))
    };
    let window = Client::new(&app.url()).unwrap();
    window
        .set_session(Some(Session::Cookie {
            one_session_id: cookie("oneSessionId").unwrap(),
            xsrf_token: cookie("XSRF-TOKEN"),
        }))
        .await;
    window
}

/// The whole flow: a code from the window's web session, exchanged by the app.
async fn bearer_from(app: &TestApp, window: &Client) -> Session {
    let request = Authorization::new(&app.url(), &connector(), REDIRECT);
    let code = oauth2::request_code(window, &request).await.unwrap();
    oauth2::exchange_code(
        &Client::new(&app.url()).unwrap(),
        &connector(),
        &code,
        &request.redirect_uri,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_sso_sign_in_gives_a_bearer_token_that_syncs_the_inbox_and_is_renewed_silently() {
    // Arrange: a pupil who signs in only through the identity provider.
    let app = TestApp::start().await;
    app.deliver(
        "marie.durand",
        &["hugo.leroy"],
        "Sortie au musée",
        "<p>Lundi</p>",
    )
    .await;
    let session = bearer_from(&app, &sso_window(&app, "hugo.leroy").await).await;
    let Session::Bearer {
        refresh_token: Some(refresh),
        ..
    } = &session
    else {
        panic!("a bearer session with a refresh token: {session:?}");
    };
    let mb = Mailbox::open(app.account("hugo.leroy")).await.unwrap();
    mb.client().set_session(Some(session.clone())).await;
    mb.client()
        .set_sign_in(SignIn {
            credentials: None,
            oauth: Some(connector()),
        })
        .await;

    // Act: a first sync, then the access token's hour is up and new mail arrives.
    let first = mb.sync(SyncMode::Quick).await.unwrap();
    app.server().faults().expire_access_tokens();
    app.deliver("marie.durand", &["hugo.leroy"], "Rappel", "<p>Mardi</p>")
        .await;
    let second = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(first.inserted, 1);
    assert_eq!(second.inserted, 1, "{second:?}");
    let renewed = mb.client().session().await.unwrap();
    assert_ne!(renewed, session, "a new access token");
    assert!(
        matches!(&renewed, Session::Bearer { refresh_token: Some(r), .. } if r == refresh),
        "the refresh token is kept"
    );
    let inbox = api::list(mb.client(), "inbox", 0, 25).await.unwrap();
    assert_eq!(inbox.items.len(), 2);
}

#[tokio::test]
async fn a_password_web_session_gives_a_code_too_and_it_is_single_use() {
    let app = TestApp::start().await;
    let window = password_window(&app, "marie.durand").await;
    let request = Authorization::new(&app.url(), &connector(), REDIRECT);
    let code = oauth2::request_code(&window, &request).await.unwrap();
    let client = Client::new(&app.url()).unwrap();
    oauth2::exchange_code(&client, &connector(), &code, REDIRECT)
        .await
        .unwrap();

    let again = oauth2::exchange_code(&client, &connector(), &code, REDIRECT)
        .await
        .unwrap_err();

    assert!(
        matches!(&again, SignInError::CodeRefused { reason } if reason.as_deref() == Some("invalid_grant")),
        "{again:?}"
    );
    assert_eq!(again.kind(), ErrorKind::SessionExpired);
}

#[tokio::test]
async fn a_wrong_client_secret_is_reported_as_a_connector_problem() {
    let app = TestApp::start().await;
    let window = password_window(&app, "marie.durand").await;
    let request = Authorization::new(&app.url(), &connector(), REDIRECT);
    let code = oauth2::request_code(&window, &request).await.unwrap();
    let wrong = OAuthClient {
        client_secret: Secret::new("guess"),
        ..connector()
    };

    let err = oauth2::exchange_code(&Client::new(&app.url()).unwrap(), &wrong, &code, REDIRECT)
        .await
        .unwrap_err();

    assert!(matches!(err, SignInError::ClientRefused { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::NotAllowed);
}

#[tokio::test]
async fn without_a_web_session_no_code_is_given_and_the_window_must_sign_in() {
    let app = TestApp::start().await;
    let request = Authorization::new(&app.url(), &connector(), REDIRECT);

    let err = oauth2::request_code(&Client::new(&app.url()).unwrap(), &request)
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::SessionExpired, "{err:?}");
}

#[tokio::test]
async fn token_as_cookie_gives_a_web_session_that_reads_and_writes() {
    let app = TestApp::start().await;
    let id = app
        .deliver("marie.durand", &["paul.martin"], "Conseil", "<p>Jeudi</p>")
        .await;
    let Session::Bearer { access_token, .. } =
        bearer_from(&app, &password_window(&app, "paul.martin").await).await
    else {
        panic!("a bearer session");
    };

    let cookie = oauth2::token_as_cookie(&Client::new(&app.url()).unwrap(), &access_token)
        .await
        .unwrap();
    let web = Client::new(&app.url()).unwrap();
    web.set_session(Some(cookie.clone())).await;
    api::toggle_unread(&web, std::slice::from_ref(&id), false)
        .await
        .unwrap();

    assert!(matches!(
        cookie,
        Session::Cookie {
            xsrf_token: Some(_),
            ..
        }
    ));
    assert_eq!(app.remote_unread("paul.martin", &id).await, Some(false));
}

/// « Se souvenir de moi » on a password sign-in asks the ENT for its long session
/// (`rememberMe=true`): it outlives the ENT's ordinary session lifetime.
#[tokio::test]
async fn remember_me_asks_the_ent_for_a_session_that_outlives_the_ordinary_one() {
    // Arrange: ordinary sessions end at once on this ENT.
    let app = TestApp::start_with(|c| c.session_ttl = std::time::Duration::ZERO).await;
    let credentials = Credentials {
        login: "marie.durand".into(),
        password: Secret::new("demo"),
    };
    let forgetful = Client::new(&app.url()).unwrap();
    let remembered = Client::new(&app.url()).unwrap();
    remembered.set_remember_me(true);

    // Act
    for client in [&forgetful, &remembered] {
        let session = auth::login_form(client, &credentials).await.unwrap();
        client.set_session(Some(session)).await;
    }

    // Assert
    assert!(auth::userinfo(&forgetful).await.is_err());
    assert_eq!(
        auth::userinfo(&remembered).await.unwrap().login,
        "marie.durand"
    );
}
