//! The workspace routes a message's inline images need: the upload the ENT's editor makes, and
//! who may read the file back.

use ent_protocol::auth::XSRF_HEADER;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{json, Client, TestApp};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// `POST /workspace/document?{query}` with one multipart `file`, as the ENT's editor sends it.
async fn upload(client: &Client, query: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("image/png")
        .unwrap();
    let mut rb = client
        .http
        .post(format!("{}/workspace/document?{query}", client.base))
        .multipart(reqwest::multipart::Form::new().part("file", part));
    if let Some(x) = &client.xsrf {
        rb = rb.header(XSRF_HEADER, x);
    }
    rb.send().await.unwrap()
}

const EDITOR_QUERY: &str = "protected=true&application=media-library&quality=1";

#[tokio::test]
async fn an_image_uploaded_as_the_editor_does_is_read_by_a_recipient_and_not_without_a_session() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let resp = upload(&marie, EDITOR_QUERY, "sortie.png", PNG.to_vec()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let doc: Value = resp.json().await.unwrap();
    let id = doc["_id"].as_str().unwrap().to_owned();
    assert_eq!(doc["protected"], true);
    assert_eq!(doc["application"], "media-library");
    assert_eq!(doc["metadata"]["content-type"], "image/png");
    assert_eq!(doc["metadata"]["size"], PNG.len());

    // The address the editor writes, with its timestamp.
    let path = format!("/workspace/document/{id}?timestamp=1796000000000");
    for reader in [&marie, &app.login("paul.martin").await] {
        let resp = reader.get(&path).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "image/png");
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
        assert_eq!(resp.bytes().await.unwrap().to_vec(), PNG);
    }
    let stranger = app.anonymous().get(&path).await;
    assert_eq!(
        stranger.status(),
        StatusCode::FOUND,
        "no session: the login page"
    );
    assert!(app
        .anonymous()
        .get(&format!("/workspace/pub/document/{id}"))
        .await
        .status()
        .is_client_error());
}

#[tokio::test]
async fn a_file_uploaded_without_protected_is_its_owners_alone() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    // `protected` without an application is ignored, as entcore ignores it.
    for query in ["", "protected=true"] {
        let doc: Value = json(upload(&marie, query, "privé.png", PNG.to_vec()).await).await;
        assert!(doc.get("protected").is_none(), "{doc}");
        let path = format!("/workspace/document/{}", doc["_id"].as_str().unwrap());
        assert_eq!(marie.get(&path).await.status(), StatusCode::OK);
        let paul = app.login("paul.martin").await;
        assert_eq!(paul.get(&path).await.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn workspace_uploads_count_against_the_quota_and_bad_input_is_refused() {
    let app = TestApp::spawn_with(|c| c.quota_bytes = 1000).await;
    let marie = app.login("marie.durand").await;
    let big = upload(&marie, EDITOR_QUERY, "grand.png", vec![0x89; 1001]).await;
    assert_eq!(big.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        big.json::<Value>().await.unwrap()["error"],
        "file.too.large"
    );

    json::<Value>(upload(&marie, EDITOR_QUERY, "a.png", vec![1; 600]).await).await;
    let over = upload(&marie, EDITOR_QUERY, "b.png", vec![1; 600]).await;
    assert_eq!(over.status(), StatusCode::BAD_REQUEST, "600 + 600 > 1000");
    let quota: Value = json(
        marie
            .get(&format!("/workspace/quota/user/{}", app.id("marie.durand")))
            .await,
    )
    .await;
    assert_eq!(quota["storage"], 600);

    let empty = upload(&marie, EDITOR_QUERY, "vide.png", Vec::new()).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let folder = upload(
        &marie,
        "protected=true&application=media-library&parentId=x",
        "a.png",
        vec![1],
    )
    .await;
    assert_eq!(folder.status(), StatusCode::BAD_REQUEST);

    let paul = app.login("paul.martin").await;
    for path in [
        "/workspace/document/..%2F..%2Fent.sqlite3",
        "/workspace/document/nope",
        "/workspace/document/0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b",
    ] {
        assert_eq!(
            paul.get(path).await.status(),
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    let anonymous = upload(&app.anonymous(), EDITOR_QUERY, "a.png", vec![1]).await;
    assert_eq!(anonymous.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn on_a_stricter_ent_a_protected_image_is_read_by_the_recipients_of_its_message_only() {
    let app = TestApp::spawn_with(|c| c.protected_documents_to_any_user = false).await;
    let marie = app.login("marie.durand").await;
    let doc: Value = json(upload(&marie, EDITOR_QUERY, "sortie.png", PNG.to_vec()).await).await;
    let id = doc["_id"].as_str().unwrap().to_owned();
    let path = format!("/workspace/document/{id}");
    let (paul, hugo) = (
        app.login("paul.martin").await,
        app.login("hugo.leroy").await,
    );
    assert_eq!(
        paul.get(&path).await.status(),
        StatusCode::UNAUTHORIZED,
        "not sent yet"
    );

    let mut body = crate::helpers::draft(&[&app.id("paul.martin")], "Photo");
    body.body = Some(format!(
        r#"<p><img class="custom-image" src="{path}?timestamp=1" width="350"></p>"#
    ));
    json::<Value>(marie.send_raw(None, None, &body).await).await;

    assert_eq!(
        paul.get(&path).await.status(),
        StatusCode::OK,
        "a recipient"
    );
    assert_eq!(marie.get(&path).await.status(), StatusCode::OK, "its owner");
    assert_eq!(
        hugo.get(&path).await.status(),
        StatusCode::UNAUTHORIZED,
        "a stranger"
    );
}
