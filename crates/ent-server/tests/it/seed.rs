use ent_protocol::paths::ListQuery;
use ent_server::seed::InboxSeed;

use crate::helpers::{draft, json, TestApp};

#[tokio::test]
async fn seeded_messages_are_listed_counted_read_and_searched_like_sent_ones() {
    // Arrange: one message sent through the API, 60 seeded from two senders.
    let app = TestApp::spawn().await;
    let paul = app.login("paul.martin").await;
    let marie = app.login("marie.durand").await;
    let sent = paul
        .send_json(
            reqwest::Method::POST,
            "/conversation/send",
            &draft(&[&app.id("marie.durand")], "Envoyé"),
        )
        .await;
    assert!(sent.status().is_success());
    let seed = InboxSeed {
        from: vec!["paul.martin".into(), "sophie.bernard".into()],
        ..InboxSeed::new("marie.durand", 60)
    };

    // Act
    let seeded = app.server.seed_inbox(seed.clone()).await.unwrap();

    // Assert: what marie sees, and what each sender sees.
    assert_eq!(seeded.count, 60);
    assert_eq!(seeded.unread, 20);
    assert_eq!(marie.count("inbox", false).await, 61);
    assert_eq!(marie.count("inbox", true).await, 21);
    assert_eq!(paul.list_ids("outbox").await.len(), 25, "a full first page");
    let page: Vec<serde_json::Value> = json(
        marie
            .list_raw(
                "inbox",
                &ListQuery {
                    page_size: Some(25),
                    ..ListQuery::default()
                },
            )
            .await,
    )
    .await;
    let (seeded_item, sent_item) = (&page[0], &page[1]);
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(seeded_item),
        keys(sent_item),
        "{seeded_item} / {sent_item}"
    );
    assert_eq!(
        seeded_item["from"]["displayName"], "BERNARD Sophie",
        "senders in turn"
    );
    assert_eq!(sent_item["subject"], "Envoyé");

    let newest = seeded_item["id"].as_str().unwrap();
    let read = marie.message(newest).await;
    assert!(read.body.starts_with("<p>Bonjour,</p>"));
    let found: Vec<serde_json::Value> = json(
        marie
            .list_raw(
                "inbox",
                &ListQuery {
                    search: Some("bonjour"),
                    ..ListQuery::default()
                },
            )
            .await,
    )
    .await;
    assert_eq!(found.len(), 25, "every seeded body says Bonjour");

    // The same seed writes the same messages on another server.
    let other = TestApp::spawn().await;
    other.server.seed_inbox(seed).await.unwrap();
    let marie_there = other.login("marie.durand").await;
    assert_eq!(marie_there.list_ids("inbox").await[0], newest);
}

#[tokio::test]
async fn a_seed_with_a_body_gives_it_to_every_message_and_searches_its_text() {
    let app = TestApp::spawn().await;
    let marie = app.login("marie.durand").await;

    app.server
        .seed_inbox(InboxSeed {
            body: Some("<p>Sortie au <b>musée</b> jeudi</p>".into()),
            ..InboxSeed::new("marie.durand", 3)
        })
        .await
        .unwrap();

    for id in marie.list_ids("inbox").await {
        assert_eq!(
            marie.message(&id).await.body,
            "<p>Sortie au <b>musée</b> jeudi</p>"
        );
    }
    let found: Vec<serde_json::Value> = json(
        marie
            .list_raw(
                "inbox",
                &ListQuery {
                    search: Some("musée"),
                    ..ListQuery::default()
                },
            )
            .await,
    )
    .await;
    assert_eq!(found.len(), 3);
}

#[tokio::test]
async fn a_seed_from_someone_who_may_not_write_writes_nothing() {
    let app = TestApp::spawn().await;

    let refused = app
        .server
        .seed_inbox(InboxSeed {
            from: vec!["nobody.here".into()],
            ..InboxSeed::new("marie.durand", 10)
        })
        .await;

    assert!(refused.is_err());
    assert_eq!(
        app.login("marie.durand").await.count("inbox", false).await,
        0
    );
}
