//! How a real entcore answers in ordinary situations the happy path never meets (issue 10):
//! a session lost at any request of a sync, a stuck ENT, redirects to pages where the user must
//! act or to a CAS login address, refusals under a bearer token, sessions without an XSRF token.
//! Each against `ent-server` switched to behave that way.

use std::time::Duration;

use ent_server::FaultKind;
use messagerie_core::client::{conversation as api, ApiError};
use messagerie_core::session::{OAuthClient, Secret, Session};
use messagerie_core::sync::engine::STALL_TIMEOUT;
use messagerie_core::sync::SyncMode;
use messagerie_core::{Error, ErrorKind, Mailbox};

use crate::harness::TestApp;

/// The most a sync of a few messages may take on a loaded machine; a hang never ends.
const BOUND: Duration = Duration::from_secs(30);

async fn sync_within(
    mb: &Mailbox,
    what: &str,
) -> messagerie_core::Result<messagerie_core::sync::SyncReport> {
    tokio::time::timeout(BOUND, mb.sync(SyncMode::Quick))
        .await
        .unwrap_or_else(|_| panic!("{what}: the sync still waits after {BOUND:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_lost_at_any_request_of_a_first_sync_never_hangs_the_sync() {
    // Arrange: a few unread messages (bodies to fetch, unread flags to restore), and the
    // number of requests a whole first sync sends.
    let app = TestApp::start().await;
    let ids = app.deliver_n(4, "<p>x</p>").await;
    let reference = app.mailbox_on("reference", "marie.durand").await;
    let requests = sync_within(&reference, "reference").await.unwrap().requests;
    assert!(requests > 5, "{requests}");

    for n in 0..=requests + 1 {
        let mb = app.mailbox_on(&format!("device{n}"), "marie.durand").await;
        app.server().faults().expire_sessions_after(n);

        // Act: the session ends right before request n + 1 of the first sync.
        let first = sync_within(&mb, &format!("session lost after {n} requests")).await;
        app.server().faults().keep_sessions();
        let second = sync_within(&mb, &format!("sync after the loss at {n}")).await;

        // Assert: the first ends (fine or with an error), the second brings everything.
        if let Err(e) = &first {
            assert!(e.is_retryable() || e.is_auth_expired(), "after {n}: {e}");
        }
        let second = second.unwrap_or_else(|e| panic!("second sync after {n}: {e}"));
        assert!(second.errors.is_empty(), "after {n}: {:?}", second.errors);
        let inbox = mb.list("inbox", 0, 50).await.unwrap();
        assert_eq!(inbox.len(), ids.len(), "after {n}");
        for m in &inbox {
            assert_eq!(
                app.remote_unread("marie.durand", &m.id).await,
                Some(true),
                "after {n}: a message the user never opened stays unread on the ENT"
            );
        }
    }
}

#[tokio::test]
async fn a_sync_the_ent_never_answers_stops_and_the_next_sync_runs() {
    // Arrange: the folder tree never answers; the stall timeout is short for the test.
    let app = TestApp::start().await;
    app.deliver_n(2, "<p>x</p>").await;
    let mb = app.mailbox("marie.durand").await;
    mb.set_stall_timeout(Duration::from_secs(1));
    app.server()
        .faults()
        .inject("/conversation/api/folders", FaultKind::Hang);

    // Act
    let stalled = tokio::time::timeout(BOUND, mb.sync(SyncMode::Quick))
        .await
        .expect("the sync ends on its own");
    app.server().faults().clear();
    mb.set_stall_timeout(STALL_TIMEOUT);
    let next = sync_within(&mb, "the sync after a stall").await;

    // Assert
    let err = stalled.unwrap_err();
    assert!(
        matches!(err, Error::Api(ApiError::Stalled { .. })),
        "{err:?}"
    );
    let next = next.unwrap();
    assert_eq!(next.inserted, 2);
}

/// `login`'s ENT session, as a browser holding it would send it.
async fn session_cookies(mb: &Mailbox) -> (String, String) {
    match mb.client().session().await.unwrap() {
        Session::Cookie {
            one_session_id,
            xsrf_token,
        } => (
            one_session_id.expose().to_string(),
            xsrf_token
                .map(|x| x.expose().to_string())
                .unwrap_or_default(),
        ),
        Session::Bearer { .. } => panic!("a cookie session"),
    }
}

/// Accepts the terms as the user does on the ENT's page: load it, post its form.
async fn accept_terms_on_the_page(app: &TestApp, mb: &Mailbox) {
    confirm_on_the_page(app, mb, "/auth/revalidate-terms").await;
}

/// Loads the ENT's page at `path` with the mailbox's session and submits its form.
async fn confirm_on_the_page(app: &TestApp, mb: &Mailbox, path: &str) {
    let (sid, _) = session_cookies(mb).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(format!("{}{path}", app.url()))
        .header("cookie", format!("oneSessionId={sid}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let token = html
        .split("name=\"xsrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries the session's token")
        .to_string();
    let accepted = http
        .post(format!("{}{path}", app.url()))
        .header("cookie", format!("oneSessionId={sid}"))
        .form(&[("xsrf", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 302);
}

#[tokio::test]
async fn new_terms_to_accept_keep_every_queued_action_until_the_ent_takes_it() {
    // Arrange: two messages synced, then the ENT publishes new terms of use.
    let app = TestApp::start().await;
    let ids = app.deliver_n(2, "<p>x</p>").await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    app.server().faults().require_terms(&app.id("marie.durand"));

    // Act: trash one while every call is redirected to the terms page.
    mb.trash(&ids[..1]).await.unwrap();
    let flushed = mb.flush_queue().await;
    let synced = mb.sync(SyncMode::Quick).await;

    // Assert: not done, not refused, not "cannot decode": the ENT asks for something.
    let err = flushed.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ActionNeeded, "{err}");
    assert_eq!(
        err.action_page(),
        Some(format!("{}/auth/revalidate-terms", app.url()).as_str())
    );
    let err = synced.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ActionNeeded, "{err}");
    assert_eq!(mb.pending_actions().await.unwrap(), 1);
    assert!(
        mb.list("trash", 0, 10).await.unwrap().len() == 1,
        "still trashed locally"
    );

    // Act: the user accepts the terms on the ENT's page; the next sync replays.
    accept_terms_on_the_page(&app, &mb).await;
    let report = mb.sync(SyncMode::Quick).await.unwrap();

    // Assert: replayed once, and the ENT has it.
    assert_eq!(report.actions_replayed, 1);
    assert_eq!(mb.pending_actions().await.unwrap(), 0);
    let trash = app.remote("marie.durand", "trash").await;
    assert_eq!(
        trash.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        vec![ids[0].clone()]
    );
}

#[tokio::test]
async fn an_address_or_a_second_factor_to_confirm_keeps_the_queue_until_it_is_confirmed() {
    for (validation, path, asked) in [
        (
            ent_server::Validation::Mail,
            "/auth/validate-mail",
            "confirm your e-mail address",
        ),
        (
            ent_server::Validation::Mfa,
            "/auth/validate-mfa",
            "confirm your identity",
        ),
    ] {
        // Arrange: the ENT asks Marie to confirm something before any call.
        let app = TestApp::start().await;
        let ids = app.deliver_n(1, "<p>x</p>").await;
        let mb = app.mailbox("marie.durand").await;
        mb.sync(SyncMode::Quick).await.unwrap();
        app.server()
            .faults()
            .require_validation(&app.id("marie.durand"), validation);

        // Act
        mb.trash(&ids).await.unwrap();
        let err = mb.flush_queue().await.unwrap_err();

        // Assert: the page to open and what it asks, the trash still queued.
        assert_eq!(err.kind(), ErrorKind::ActionNeeded, "{err}");
        let page = err.action_page().unwrap_or_default().to_owned();
        assert!(page.starts_with(&format!("{}{path}", app.url())), "{page}");
        assert!(err.to_string().contains(asked), "{err}");
        assert_eq!(mb.pending_actions().await.unwrap(), 1);

        // Act: confirmed on the page, the next sync replays the trash once.
        confirm_on_the_page(&app, &mb, path).await;
        let report = mb.sync(SyncMode::Quick).await.unwrap();

        // Assert
        assert_eq!(report.actions_replayed, 1, "{path}");
        assert_eq!(app.remote("marie.durand", "trash").await.len(), 1);
    }
}

#[tokio::test]
async fn a_redirect_to_a_cas_login_address_means_the_session_is_gone() {
    // Arrange: the school's sign-in is a CAS: a lost session is sent there, not /auth/login.
    let app = TestApp::start_with(|c| {
        c.login_uri = Some("https://cas.example.org/cas/login".into());
    })
    .await;
    app.deliver_n(2, "<p>x</p>").await;
    let mb = app.mailbox("marie.durand").await;
    let before = mb.client().session().await.unwrap();
    app.server().faults().expire_sessions();

    // Act
    let report = mb.sync(SyncMode::Quick).await;

    // Assert: signed in again and synced.
    let report = report.unwrap();
    assert_eq!(report.inserted, 2);
    assert_ne!(mb.client().session().await.unwrap(), before);
}

#[tokio::test]
async fn a_refusal_under_a_bearer_token_costs_no_token_refresh() {
    // Arrange
    let app = TestApp::start().await;
    let mb = Mailbox::open(app.account("marie.durand")).await.unwrap();
    let session = mb
        .sign_in(
            messagerie_core::session::Credentials {
                login: "marie.durand".into(),
                password: Secret::new("demo"),
            },
            Some(OAuthClient {
                client_id: "messagerie-desktop".into(),
                client_secret: Secret::new("demo-secret"),
            }),
        )
        .await
        .unwrap();
    let before = mb.client().request_count();

    // Act: a message that is not the user's: entcore answers 401.
    let err = api::message(mb.client(), "not-a-message-of-hers")
        .await
        .unwrap_err();

    // Assert: one request, the same token.
    assert!(err.is_refusal(), "{err}");
    assert_eq!(mb.client().request_count() - before, 1, "no token request");
    assert_eq!(mb.client().session().await.unwrap(), session);
}

#[tokio::test]
async fn without_an_xsrf_cookie_at_sign_in_a_write_fetches_one_and_goes_through() {
    // Arrange: an ENT without `xsrfOnAuth`.
    let app = TestApp::start_with(|c| c.xsrf_on_auth = false).await;
    let ids = app.deliver_n(1, "<p>x</p>").await;
    let mb = app.mailbox("marie.durand").await;
    assert_eq!(session_cookies(&mb).await.1, "", "no token at sign-in");
    mb.sync(SyncMode::Quick).await.unwrap();

    // Act
    mb.trash(&ids).await.unwrap();
    let report = mb.flush_queue().await;

    // Assert
    let report = report.unwrap();
    assert_eq!(report.done, 1);
    assert_ne!(
        session_cookies(&mb).await.1,
        "",
        "a token from the ENT's page"
    );
    let trash = app.remote("marie.durand", "trash").await;
    assert_eq!(trash.len(), 1);
}

#[tokio::test]
async fn a_write_refused_for_its_xsrf_token_gets_a_fresh_one_and_goes_through() {
    // Arrange: a session handed in with a token the ENT does not know.
    let app = TestApp::start_with(|c| c.xsrf_on_auth = false).await;
    let ids = app.deliver_n(1, "<p>x</p>").await;
    let signed = app.mailbox("marie.durand").await;
    let (sid, _) = session_cookies(&signed).await;
    let mb = Mailbox::open(app.account_on("handed", "marie.durand"))
        .await
        .unwrap();
    mb.use_session(Session::Cookie {
        one_session_id: Secret::new(sid),
        xsrf_token: Some(Secret::new("stale")),
    })
    .await
    .unwrap();
    mb.sync(SyncMode::Quick).await.unwrap();

    // Act
    mb.trash(&ids).await.unwrap();
    let report = mb.flush_queue().await;

    // Assert: done, never "session expired".
    let report = report.unwrap();
    assert_eq!(report.done, 1);
    assert_eq!(app.remote("marie.durand", "trash").await.len(), 1);
}
