//! What the client stores stays bounded whatever the ENT lists (issue 11, point 12).

use ent_server::Config;

use crate::harness::TestApp;
use messagerie_core::client::conversation as api;
use messagerie_core::session::{Credentials, Secret};
use messagerie_core::sync::SyncMode;
use messagerie_core::{Account, Mailbox};

async fn signed_in(dir: &std::path::Path, url: &str, login: &str) -> Mailbox {
    let mb = Mailbox::open(Account::in_dir(dir, url, login))
        .await
        .unwrap();
    mb.sign_in(
        Credentials {
            login: login.into(),
            password: Secret::new("demo"),
        },
        None,
    )
    .await
    .unwrap();
    mb
}

#[tokio::test]
async fn a_listing_with_repeated_recipients_is_stored_with_each_recipient_once() {
    // Arrange: an ENT that keeps recipient arrays as sent, as entcore does.
    let app = TestApp::start_with(|c: &mut Config| c.keep_duplicate_recipients = true).await;
    let url = app.url();
    let (marie, sophie) = (app.id("marie.durand"), app.id("sophie.bernard"));
    let dir = tempfile::tempdir().unwrap();
    // paul writes from another client that sends the arrays as typed (this one dedupes them).
    let paul = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = paul
        .post(format!("{url}/auth/login"))
        .form(&[("email", "paul.martin"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    let xsrf = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("XSRF-TOKEN="))
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
        .unwrap();
    let sent: serde_json::Value = paul
        .post(format!("{url}/conversation/send"))
        .header("X-XSRF-TOKEN", xsrf)
        .json(&serde_json::json!({
            "subject": "Réunion",
            "body": "<p>Jeudi</p>",
            "to": vec![marie.clone(); 500],
            "cc": vec![sophie.clone(); 300],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let draft = sent["id"].as_str().unwrap().to_owned();
    let web = signed_in(&dir.path().join("web"), &url, "marie.durand").await;
    let listed = api::list(web.client(), "inbox", 0, 25).await.unwrap();
    assert_eq!(listed.items[0].to.len(), 500, "the ENT lists every repeat");

    // Act
    let mb = signed_in(&dir.path().join("desktop"), &url, "marie.durand").await;
    mb.sync(SyncMode::Full).await.unwrap();

    // Assert
    let inbox = mb.list("inbox", 0, 10).await.unwrap();
    assert_eq!(inbox.len(), 1);
    let to: Vec<&str> = inbox[0].to.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(to, [marie.as_str()]);
    let message = mb.message(&draft).await.unwrap();
    let cc: Vec<&str> = message.cc.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(cc, [sophie.as_str()]);
}
