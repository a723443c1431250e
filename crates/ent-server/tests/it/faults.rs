use ent_server::FaultKind;
use reqwest::StatusCode;

use crate::helpers::{draft, TestApp};

#[tokio::test]
async fn an_injected_500_hits_only_its_route_and_only_as_many_times_as_asked() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server
        .faults()
        .inject_times("/conversation/api/count", FaultKind::ServerError, 1);
    assert_eq!(
        marie
            .get("/conversation/api/count/inbox?unread=true")
            .await
            .status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        marie.get("/conversation/max-depth").await.status(),
        StatusCode::OK
    );
    assert_eq!(marie.count("inbox", true).await, 0);
}

#[tokio::test]
async fn a_fault_injected_after_n_requests_lets_those_through_then_hits_every_later_one() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server
        .faults()
        .inject_after("/conversation/api/count", FaultKind::ServerError, 2);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let resp = marie.get("/conversation/api/count/inbox?unread=true").await;
        statuses.push(resp.status());
        // Another route neither counts nor fails.
        assert_eq!(
            marie.get("/conversation/max-depth").await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::INTERNAL_SERVER_ERROR
        ]
    );
    app.server.faults().clear();
    assert_eq!(marie.count("inbox", true).await, 0);
}

#[tokio::test]
async fn malformed_json_can_be_injected() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server
        .faults()
        .inject("/conversation/api/folders", FaultKind::MalformedJson);
    let resp = marie.get("/conversation/api/folders/inbox/messages").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(serde_json::from_str::<serde_json::Value>(&resp.text().await.unwrap()).is_err());
    app.server.faults().clear();
    assert!(marie.list("inbox").await.is_empty());
}

#[tokio::test]
async fn an_endless_answer_keeps_coming_past_any_size_and_the_server_still_serves() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    app.server
        .faults()
        .inject("/conversation/api/folders", FaultKind::Endless);
    let mut resp = marie.get("/conversation/api/folders/inbox/messages").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.content_length(), None);
    let mut start = Vec::new();
    let mut read = 0usize;
    while read < 64 << 20 {
        let chunk = resp.chunk().await.unwrap().expect("the answer goes on");
        if start.len() < 32 {
            start.extend_from_slice(&chunk[..chunk.len().min(32)]);
        }
        read += chunk.len();
    }
    assert!(start.starts_with(b"{\"id\": \"endless\", \"body\": \"aaa"));
    drop(resp);
    app.server.faults().clear();
    assert!(marie.list("inbox").await.is_empty());
}

#[tokio::test]
async fn a_dropped_connection_fails_the_request_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let paul = app.login("paul.martin").await;
    app.server
        .faults()
        .inject_times("/conversation/send", FaultKind::DropConnection, 1);
    let result = paul
        .http
        .post(format!("{}/conversation/send", paul.base))
        .header("X-XSRF-TOKEN", paul.xsrf.clone().unwrap())
        .json(&draft(&[&app.id("marie.durand")], "Perdu"))
        .send()
        .await;
    assert!(result.is_err());
    assert!(paul.list("outbox").await.is_empty());
}

#[tokio::test]
async fn commit_then_drop_delivers_the_send_but_never_answers() {
    let app = TestApp::spawn().await;
    let paul = app.login("paul.martin").await;
    app.server
        .faults()
        .inject_times("/conversation/send", FaultKind::CommitThenDrop, 1);
    let result = paul
        .http
        .post(format!("{}/conversation/send", paul.base))
        .header("X-XSRF-TOKEN", paul.xsrf.clone().unwrap())
        .json(&draft(&[&app.id("marie.durand")], "Livré"))
        .send()
        .await;
    assert!(result.is_err());
    assert_eq!(paul.list("outbox").await.len(), 1);
    assert_eq!(app.login("marie.durand").await.list("inbox").await.len(), 1);
}

#[tokio::test]
async fn latency_delays_every_answer_and_a_route_delay_adds_to_it_and_to_a_fault() {
    use std::time::{Duration, Instant};
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;
    let faults = app.server.faults();
    let timed = async |path: &str| {
        let t = Instant::now();
        let status = marie.get(path).await.status();
        (t.elapsed(), status)
    };

    faults.set_latency(Duration::from_millis(300));
    let (slow, status) = timed("/conversation/max-depth").await;
    assert!(slow >= Duration::from_millis(300), "{slow:?}");
    assert_eq!(status, StatusCode::OK);

    faults.inject_times(
        "/conversation/api/count",
        FaultKind::Delay(Duration::from_millis(300)),
        1,
    );
    faults.inject_times("/conversation/api/count", FaultKind::ServerError, 1);
    let (slower, status) = timed("/conversation/api/count/inbox?unread=true").await;
    assert!(slower >= Duration::from_millis(600), "{slower:?}");
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);

    // Both rules were used once; clear keeps the latency, set_latency(ZERO) ends it.
    faults.clear();
    assert_eq!(faults.latency(), Duration::from_millis(300));
    faults.set_latency(Duration::ZERO);
    let (fast, status) = timed("/conversation/api/count/inbox?unread=true").await;
    assert_eq!(status, StatusCode::OK);
    assert!(fast < Duration::from_millis(300), "{fast:?}");
}
