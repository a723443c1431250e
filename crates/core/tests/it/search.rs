use messagerie_core::search::{SearchQuery, MATCH_START};
use messagerie_core::sync::SyncMode;

use crate::harness::TestApp;

#[tokio::test]
async fn search_finds_synced_mail_offline_by_prefix_without_accents_newest_first() {
    // Arrange
    let mut app = TestApp::start().await;
    app.deliver(
        "paul.martin",
        &["marie.durand"],
        "Grille d'évaluation",
        "<p>Voici la grille.</p>",
    )
    .await;
    app.deliver(
        "sophie.bernard",
        &["marie.durand"],
        "Cantine",
        "<p>Les évaluations du trimestre</p>",
    )
    .await;
    app.deliver(
        "paul.martin",
        &["marie.durand"],
        "Sortie",
        "<p>Rien à voir</p>",
    )
    .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let paul_id = app.id("paul.martin");
    app.stop().await;

    // Act: the ENT is gone.
    let prefix = mb
        .search(SearchQuery {
            text: "évalu".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let no_accent = mb
        .search(SearchQuery {
            text: "EVALUATION".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let by_sender = mb
        .search(SearchQuery {
            text: "evalu".into(),
            person_id: Some(paul_id),
            ..Default::default()
        })
        .await
        .unwrap();
    let by_name = mb
        .search(SearchQuery {
            text: "bernard".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let in_trash = mb
        .search(SearchQuery {
            text: "evalu".into(),
            folder_id: Some("trash".into()),
            ..Default::default()
        })
        .await
        .unwrap();

    // Assert
    let subjects: Vec<_> = prefix.iter().map(|h| h.message.subject.as_str()).collect();
    assert_eq!(subjects, ["Cantine", "Grille d'évaluation"]);
    assert_eq!(no_accent.len(), 2);
    assert!(prefix[0].snippet.contains(MATCH_START));
    assert_eq!(by_sender.len(), 1);
    assert_eq!(by_sender[0].message.subject, "Grille d'évaluation");
    assert_eq!(by_name.len(), 1);
    assert!(in_trash.is_empty());
}

#[tokio::test]
async fn recipients_are_cached_for_offline_compose_with_group_sizes() {
    let mut app = TestApp::start().await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let (paul_id, council_id) = (app.id("paul.martin"), app.group_id("Conseil pédagogique"));
    app.stop().await;

    let by_last_name = mb.recipients("mar", None).await.unwrap();
    let by_first_name = mb.recipients("pau", None).await.unwrap();
    let groups = mb.recipients("conseil", None).await.unwrap();

    assert!(by_last_name.iter().any(|v| v.id == paul_id));
    assert!(by_first_name.iter().any(|v| v.id == paul_id));
    let council = groups.iter().find(|v| v.id == council_id).unwrap();
    assert_eq!(council.nb_users, Some(3));
}

#[tokio::test]
async fn each_search_result_says_which_folder_it_is_in() {
    // Arrange: « kermesse » in the inbox, in a user folder, in the trash and in Sent.
    let mut app = TestApp::start().await;
    for subject in ["Kermesse stands", "Kermesse affiche", "Kermesse date"] {
        app.deliver(
            "paul.martin",
            &["marie.durand"],
            subject,
            "<p>La kermesse</p>",
        )
        .await;
    }
    app.deliver(
        "marie.durand",
        &["paul.martin"],
        "Kermesse réponse",
        "<p>Oui</p>",
    )
    .await;
    let mb = app.mailbox("marie.durand").await;
    mb.sync(SyncMode::Quick).await.unwrap();
    let id_of = |hits: &[messagerie_core::search::SearchHit], subject: &str| {
        hits.iter()
            .find(|h| h.message.subject == subject)
            .map(|h| h.message.id.clone())
            .unwrap()
    };
    let query = || SearchQuery {
        text: "kermesse".into(),
        ..Default::default()
    };
    let before = mb.search(query()).await.unwrap();
    let folder = mb.create_folder("Fête", None).await.unwrap();
    mb.move_to_folder(&[id_of(&before, "Kermesse affiche")], &folder)
        .await
        .unwrap();
    mb.trash(&[id_of(&before, "Kermesse date")]).await.unwrap();

    // Act
    let hits = mb.search(query()).await.unwrap();

    // Assert
    let folder_of = |subject: &str| {
        hits.iter()
            .find(|h| h.message.subject == subject)
            .map(|h| h.folder_id.clone())
            .unwrap()
    };
    assert_eq!(folder_of("Kermesse stands"), "inbox");
    assert_eq!(folder_of("Kermesse affiche"), folder);
    assert_eq!(folder_of("Kermesse date"), "trash");
    assert_eq!(folder_of("Kermesse réponse"), "outbox");
    app.stop().await;
}
