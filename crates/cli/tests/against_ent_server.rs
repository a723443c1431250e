//! The CLI end to end against the project's ENT server: login, sync, ls, search, send, rm.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure message

#[path = "support/cli.rs"]
mod cli;

use ent_server::testing::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn a_script_can_sign_in_sync_list_search_send_and_trash() {
    // Arrange
    let mut server = TestServer::demo().await;
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();

    let (sent_id, inbox, found, trashed) = tokio::task::spawn_blocking(move || {
        // Act: paul finds marie, writes to her; marie syncs, lists, searches, trashes.
        cli::ok(&cli::run(&d, &url, "paul.martin", &["login"]));
        cli::ok(&cli::run(&d, &url, "paul.martin", &["sync"]));
        let who = cli::ok(&cli::run(&d, &url, "paul.martin", &["who", "duran"]));
        let marie = who
            .lines()
            .next()
            .unwrap()
            .split('\t')
            .next()
            .unwrap()
            .to_string();
        let sent = cli::ok(&cli::run(
            &d,
            &url,
            "paul.martin",
            &[
                "send",
                "--to",
                &marie,
                "--subject",
                "Évaluations du trimestre",
                "--body",
                "Bonjour",
            ],
        ));
        cli::ok(&cli::run(&d, &url, "marie.durand", &["sync"]));
        let inbox = cli::ok(&cli::run(&d, &url, "marie.durand", &["ls", "inbox"]));
        let found = cli::ok(&cli::run(&d, &url, "marie.durand", &["search", "evalu"]));
        let id = found
            .lines()
            .next()
            .unwrap()
            .split('\t')
            .next()
            .unwrap()
            .to_string();
        cli::ok(&cli::run(&d, &url, "marie.durand", &["rm", &id]));
        let trashed = cli::ok(&cli::run(&d, &url, "marie.durand", &["ls", "trash"]));
        (sent.trim().to_string(), inbox, found, trashed)
    })
    .await
    .unwrap();

    // Assert
    assert!(!sent_id.is_empty());
    assert!(inbox.contains("Évaluations du trimestre"), "{inbox}");
    assert!(found.contains("Évaluations du trimestre"), "{found}");
    assert!(trashed.contains("Évaluations du trimestre"), "{trashed}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn when_the_ent_asks_for_new_terms_rm_exits_9_and_the_trash_waits_for_them() {
    // Arrange: marie has a message; then the ENT publishes new terms of use.
    let mut server = TestServer::demo().await;
    let url = server.url();
    let marie = server.id("marie.durand");
    let dir = tempfile::tempdir().unwrap();
    let (d, u, m) = (dir.path().to_path_buf(), url.clone(), marie.clone());
    let id = tokio::task::spawn_blocking(move || {
        cli::ok(&cli::run(&d, &u, "paul.martin", &["login"]));
        cli::ok(&cli::run(&d, &u, "marie.durand", &["login"]));
        cli::ok(&cli::run(
            &d,
            &u,
            "paul.martin",
            &["send", "--to", &m, "--subject", "Conditions", "--body", "x"],
        ));
        cli::ok(&cli::run(&d, &u, "marie.durand", &["sync"]));
        let found = cli::ok(&cli::run(&d, &u, "marie.durand", &["search", "conditions"]));
        found.split('\t').next().unwrap().trim().to_string()
    })
    .await
    .unwrap();
    server.faults().require_terms(&marie);

    // Act
    let (d, u, i) = (dir.path().to_path_buf(), url.clone(), id.clone());
    let refused =
        tokio::task::spawn_blocking(move || cli::run(&d, &u, "marie.durand", &["rm", &i]))
            .await
            .unwrap();
    server.faults().accept_terms(&marie);
    let (d, u) = (dir.path().to_path_buf(), url.clone());
    let trashed = tokio::task::spawn_blocking(move || {
        cli::ok(&cli::run(&d, &u, "marie.durand", &["sync"]));
        cli::ok(&cli::run(&d, &u, "marie.durand", &["ls", "trash"]))
    })
    .await
    .unwrap();

    // Assert: exit 9 naming the page; the trash reached the ENT once the terms were accepted.
    let stderr = cli::failed(&refused, 9);
    assert!(stderr.contains("/auth/revalidate-terms"), "{stderr}");
    assert!(trashed.contains("Conditions"), "{trashed}");
    server.stop().await;
}
