use ent_protocol::DraftBody;
use reqwest::{Method, StatusCode};

use crate::helpers::{draft, TestApp};

#[tokio::test]
async fn malformed_json_and_unknown_fields_answer_400_and_create_nothing() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let resp = marie
        .raw_body(Method::POST, "/conversation/draft", "{\"subject\": ")
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = marie
        .raw_body(
            Method::POST,
            "/conversation/draft",
            r#"{"subject":"x","from":"someone"}"#,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = marie
        .raw_body(Method::POST, "/conversation/send", r#"{"to":"not-a-list"}"#)
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(marie.list("draft").await.is_empty());
    assert!(marie.list("outbox").await.is_empty());
}

#[tokio::test]
async fn a_10_mb_json_body_is_refused_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let huge = format!("{{\"body\":\"{}\"}}", "a".repeat(10 * 1024 * 1024));
    let resp = marie
        .raw_body(Method::POST, "/conversation/draft", huge)
        .await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(marie.list("draft").await.is_empty());
}

#[tokio::test]
async fn another_users_message_ids_are_refused_with_401_and_reveal_nothing() {
    let app = TestApp::spawn().await;
    let (paul, marie, sophie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
        app.login("sophie.bernard").await,
    );
    let id = paul.send_to(&[&app.id("marie.durand")], "Privé").await.id;
    let resp = sophie.message_raw(&id).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(!resp.text().await.unwrap().contains("Privé"));
    for resp in [
        sophie.trash(&[&id]).await,
        sophie.toggle_unread(&[&id], false).await,
        sophie.delete(&[&id]).await,
        sophie.move_to_root(&[&id]).await,
    ] {
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(marie.list("inbox").await[0].unread);
}

#[tokio::test]
async fn duplicate_ids_are_refused_with_401_as_on_a_real_ent() {
    let app = TestApp::spawn().await;
    let (paul, marie) = (
        app.login("paul.martin").await,
        app.login("marie.durand").await,
    );
    let id = paul.send_to(&[&app.id("marie.durand")], "Doublon").await.id;
    assert_eq!(
        marie.trash(&[&id, &id]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(marie.list_ids("inbox").await, vec![id]);
}

#[tokio::test]
async fn a_5000_character_subject_is_refused_with_400_and_nothing_is_sent() {
    let app = TestApp::spawn().await;
    let paul = app.login("paul.martin").await;
    let body = DraftBody {
        subject: Some("x".repeat(5000)),
        ..draft(&[&app.id("marie.durand")], "")
    };
    assert_eq!(
        paul.send_raw(None, None, &body).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        paul.create_draft_raw(&body, None).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(app
        .login("marie.durand")
        .await
        .list("inbox")
        .await
        .is_empty());
}

#[tokio::test]
async fn toggle_unread_without_its_flag_answers_400_with_an_empty_body() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let resp = marie
        .raw_body(
            Method::POST,
            "/conversation/toggleUnread",
            r#"{"id":["a"]}"#,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().is_empty());
}
