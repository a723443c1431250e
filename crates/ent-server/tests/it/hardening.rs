//! ent-server is the demo and every test's peer: it must not teach bad habits (issue 11, points
//! 12 to 14). Recipients deduplicated and capped, attachment quota charged as entcore charges it,
//! folder names capped, no open redirect after sign-in, no cross-site sign-out, an XSRF token
//! bound to its session, no display name of a user the author cannot see.

use ent_protocol::{paths, DraftBody, IdResponse, SendResponse, XSRF_HEADER};
use reqwest::StatusCode;

use crate::helpers::{draft, json, Client, TestApp};

fn to(ids: Vec<String>) -> DraftBody {
    DraftBody {
        subject: Some("Beaucoup".into()),
        body: Some("<p>x</p>".into()),
        to: Some(ids),
        ..DraftBody::default()
    }
}

#[tokio::test]
async fn a_recipient_repeated_50000_times_is_kept_once_in_the_draft_and_on_every_copy() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let paul = app.id("paul.martin");
    let many = vec![paul.clone(); 50_000];

    let id = marie.create_draft(&to(many.clone())).await;
    let sent: SendResponse = json(marie.send_raw(Some(&id), None, &to(many)).await).await;

    assert_eq!(sent.sent, 1);
    let ids =
        |r: &ent_protocol::Recipients| r.users.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&marie.message(&sent.id).await.to), [paul.as_str()]);
    let inbox = app.login("paul.martin").await.list("inbox").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(ids(&inbox[0].to), [paul]);
}

#[tokio::test]
async fn more_distinct_recipients_than_the_cap_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn_with(|c| c.max_recipients = 3).await;
    let marie = app.login("marie.durand").await;
    let paul = app.id("paul.martin");
    let four: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
    // Three distinct ids, one of them twice: under the cap.
    let id = marie
        .create_draft(&to(vec![
            paul.clone(),
            paul.clone(),
            "b".into(),
            "c".into(),
        ]))
        .await;

    let created = marie.create_draft_raw(&to(four.clone()), None).await;
    let updated = marie.update_draft(&id, &to(four.clone())).await;
    let sent = marie.send_raw(None, None, &to(four)).await;

    for resp in [created, updated, sent] {
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.text().await.unwrap(),
            r#"{"error":"conversation.error.too.many.recipients"}"#
        );
    }
    assert_eq!(marie.list_ids("draft").await, [id.as_str()]);
    assert!(marie.list("outbox").await.is_empty());
    let kept = marie.message(&id).await;
    assert_eq!(kept.to.users.len(), 1, "the draft kept its recipients");
}

/// What `GET /workspace/quota/user/{me}` says is used.
async fn storage(client: &Client, user: &str) -> u64 {
    let v: serde_json::Value =
        json(client.get(&format!("/workspace/quota/user/{user}")).await).await;
    v["storage"].as_u64().unwrap()
}

#[tokio::test]
async fn each_recipient_is_charged_for_a_pupils_attachment_as_on_entcore_and_frees_it_by_deleting()
{
    // entcore: the sender is charged at upload, every recipient at send, each frees his share
    // by deleting his copy; nothing stops a recipient going over (COMPATIBILITY.md).
    let app = TestApp::spawn_with(|c| c.quota_bytes = 1000).await;
    let (hugo, marie) = (
        app.login("hugo.leroy").await,
        app.login("marie.durand").await,
    );
    let (hugo_id, marie_id) = (app.id("hugo.leroy"), app.id("marie.durand"));
    let mut sent_ids = Vec::new();
    for round in 0..2 {
        let id = hugo.create_draft(&DraftBody::default()).await;
        let up = hugo.upload(&id, "gros.pdf", vec![7; 800]).await;
        assert_eq!(up.status(), StatusCode::OK, "upload {round}");
        let sent: SendResponse = json(
            hugo.send_raw(Some(&id), None, &draft(&[&marie_id], "Devoir"))
                .await,
        )
        .await;
        hugo.trash(&[&sent.id]).await;
        hugo.delete(&[&sent.id]).await;
        assert_eq!(storage(&hugo, &hugo_id).await, 0, "hugo freed his copy");
        sent_ids.push(sent.id);
    }

    assert_eq!(storage(&marie, &marie_id).await, 1600);
    let own = marie.create_draft(&DraftBody::default()).await;
    let refused = marie.upload(&own, "a.pdf", vec![1; 10]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.text().await.unwrap(),
        r#"{"error":"file.too.large"}"#
    );

    let ids: Vec<&str> = sent_ids.iter().map(String::as_str).collect();
    assert_eq!(marie.trash(&ids).await.status(), StatusCode::OK);
    assert_eq!(marie.delete(&ids).await.status(), StatusCode::OK);
    assert_eq!(storage(&marie, &marie_id).await, 0);
    assert_eq!(
        marie.upload(&own, "a.pdf", vec![1; 10]).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn folder_names_over_255_characters_are_refused_on_create_and_rename() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let longest = "é".repeat(255);
    let id = marie.new_folder(&longest, None).await;

    let too_long = marie.create_folder(&"é".repeat(256), None).await;
    let huge = marie.create_folder(&"x".repeat(1_900_000), None).await;
    let renamed = marie.rename_folder(&id, &"y".repeat(10_000)).await;

    for resp in [too_long, huge, renamed] {
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.text().await.unwrap(),
            r#"{"error":"value too long for type character varying(255)"}"#
        );
    }
    let folders: Vec<ent_protocol::FolderTreeItem> = json(marie.folders(1).await).await;
    assert_eq!(folders.len(), 1);
    assert_eq!(folders[0].name, longest);
}

async fn login_with_callback(app: &TestApp, callback: &str) -> String {
    let resp = app
        .anonymous()
        .http
        .post(format!("{}{}", app.base, paths::LOGIN))
        .form(&[
            ("email", "marie.durand"),
            ("password", "demo"),
            ("callBack", callback),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND, "login with {callback:?}");
    resp.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn after_sign_in_only_same_site_paths_are_followed() {
    let app = TestApp::spawn().await;
    assert_eq!(
        login_with_callback(&app, "/conversation/inbox").await,
        "/conversation/inbox"
    );
    let own_host = format!("{}/conversation", app.base);
    for evil in [
        "/\\evil.example",
        "//evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "\t//evil.example",
        "https://evil.example/",
        "http:evil.example",
        own_host.as_str(),
    ] {
        assert_eq!(login_with_callback(&app, evil).await, "/", "{evil:?}");
    }
}

/// Signs in without a cookie store and returns (session id, its XSRF token).
async fn raw_session(app: &TestApp, login: &str) -> (String, String) {
    let resp = app.anonymous().login_form(login, "demo").await;
    let cookie = |name: &str| {
        resp.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .map(|c| c.split(';').next().unwrap_or("").to_owned())
            .unwrap()
    };
    (cookie("oneSessionId"), cookie("XSRF-TOKEN"))
}

fn bare() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_xsrf_header_must_be_the_token_of_that_session() {
    let app = TestApp::spawn().await;
    let (marie_sid, marie_xsrf) = raw_session(&app, "marie.durand").await;
    let (_, paul_xsrf) = raw_session(&app, "paul.martin").await;
    let create = |cookie: String, header: String| {
        bare()
            .post(format!("{}{}", app.base, paths::CREATE_FOLDER))
            .header("cookie", cookie)
            .header(XSRF_HEADER, header)
            .json(&serde_json::json!({ "name": "Piège" }))
            .send()
    };

    // A cookie and a header that match each other, planted by another site.
    let planted = create(
        format!("oneSessionId={marie_sid}; XSRF-TOKEN=planted"),
        "planted".into(),
    )
    .await
    .unwrap();
    // Another session's genuine token.
    let borrowed = create(
        format!("oneSessionId={marie_sid}; XSRF-TOKEN={paul_xsrf}"),
        paul_xsrf.clone(),
    )
    .await
    .unwrap();
    let own = create(
        format!("oneSessionId={marie_sid}; XSRF-TOKEN={marie_xsrf}"),
        marie_xsrf,
    )
    .await
    .unwrap();

    assert_eq!(planted.status(), StatusCode::FORBIDDEN);
    assert_eq!(borrowed.status(), StatusCode::FORBIDDEN);
    assert_eq!(own.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn another_site_cannot_sign_a_user_out_and_the_desktop_client_still_can() {
    let app = TestApp::spawn().await;
    let (sid, xsrf) = raw_session(&app, "marie.durand").await;
    let url = format!("{}{}", app.base, paths::LOGOUT);
    let signed_in = || async {
        bare()
            .get(format!("{}{}", app.base, paths::MAX_DEPTH))
            .header("cookie", format!("oneSessionId={sid}"))
            .send()
            .await
            .unwrap()
            .status()
            == StatusCode::OK
    };
    let cookie = format!("oneSessionId={sid}; XSRF-TOKEN={xsrf}");

    // An <img src=".../auth/logout"> on another site, with and without fetch metadata.
    let cross = bare()
        .get(&url)
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    let no_metadata = bare()
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    // A form on another site posting to /auth/logout.
    let cross_post = bare()
        .post(&url)
        .header("cookie", &cookie)
        .form(&[("xsrf", "guess")])
        .send()
        .await
        .unwrap();

    assert_eq!(cross.status(), StatusCode::OK, "a confirmation page");
    assert_eq!(cross.headers()["x-frame-options"], "DENY");
    assert_eq!(cross.headers()["cache-control"], "no-store");
    assert!(cross.text().await.unwrap().contains("Se déconnecter"));
    assert_eq!(no_metadata.status(), StatusCode::OK);
    assert_eq!(cross_post.status(), StatusCode::FORBIDDEN);
    assert!(signed_in().await, "still signed in");

    // The desktop client: GET with the session's token in X-XSRF-TOKEN.
    let client = bare()
        .get(format!("{url}?callback=//evil.example"))
        .header("cookie", &cookie)
        .header(XSRF_HEADER, &xsrf)
        .send()
        .await
        .unwrap();
    assert_eq!(client.status(), StatusCode::FOUND);
    assert_eq!(client.headers()["location"], "/");
    assert!(!signed_in().await, "signed out");
}

#[tokio::test]
async fn the_confirmation_form_and_a_post_with_the_header_sign_out() {
    let app = TestApp::spawn().await;
    let url = format!("{}{}", app.base, paths::LOGOUT);
    let (sid, xsrf) = raw_session(&app, "marie.durand").await;
    let page = bare()
        .get(&url)
        .header("cookie", format!("oneSessionId={sid}"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("name=\"xsrf\" value=\"{xsrf}\"")));
    let confirmed = bare()
        .post(&url)
        .header("cookie", format!("oneSessionId={sid}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("xsrf", xsrf.as_str()), ("callback", "/conversation")])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::FOUND);
    assert_eq!(confirmed.headers()["location"], "/conversation");

    let (sid, xsrf) = raw_session(&app, "marie.durand").await;
    let posted = bare()
        .post(&url)
        .header("cookie", format!("oneSessionId={sid}"))
        .header(XSRF_HEADER, &xsrf)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::FOUND);
    let after = bare()
        .get(format!("{}{}", app.base, paths::MAX_DEPTH))
        .header("cookie", format!("oneSessionId={sid}"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::FOUND, "back to the login page");
}

#[tokio::test]
async fn a_draft_to_a_user_the_author_cannot_see_does_not_reveal_his_name() {
    let app = TestApp::spawn().await;
    let hugo = app.login("hugo.leroy").await;
    let (paul, lea) = (app.id("paul.martin"), app.id("lea.moreau"));
    assert_eq!(
        hugo.directory_user(&paul).await.status(),
        StatusCode::NOT_FOUND,
        "paul is not visible to hugo"
    );

    let id = hugo
        .create_draft(&to(vec![paul.clone(), lea.clone()]))
        .await;
    let updated = hugo
        .update_draft(
            &id,
            &DraftBody {
                cc: Some(vec![paul.clone()]),
                ..to(vec![paul.clone(), lea])
            },
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);

    let read = hugo.message_raw(&id).await.text().await.unwrap();
    let listed = hugo
        .list_raw("draft", &Default::default())
        .await
        .text()
        .await
        .unwrap();
    let searched = hugo
        .list_raw(
            "draft",
            &paths::ListQuery {
                search: Some("Martin"),
                ..Default::default()
            },
        )
        .await
        .text()
        .await
        .unwrap();
    for text in [&read, &listed] {
        assert!(text.contains("MOREAU Léa"), "{text}");
        assert!(!text.contains("MARTIN"), "paul's name leaked: {text}");
    }
    assert_eq!(searched, "[]", "his name is not searchable either");
}

#[tokio::test]
async fn a_reply_draft_still_names_the_parents_participants() {
    let app = TestApp::spawn().await;
    let paul = app.login("paul.martin").await;
    let sent = paul.send_to(&[&app.id("hugo.leroy")], "Convocation").await;
    let hugo = app.login("hugo.leroy").await;

    let resp = hugo
        .create_draft_raw(&to(vec![app.id("paul.martin")]), Some(&sent.id))
        .await;

    assert_eq!(resp.status(), StatusCode::CREATED);
    let id = json::<IdResponse>(resp).await.id;
    let reply = hugo.message(&id).await;
    assert_eq!(reply.to.users[0].display_name, "MARTIN Paul");
}
