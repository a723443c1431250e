//! Several accounts in one CLI (issue 17, point 2): two ENTs side by side, each account with its
//! own mailbox and keyring entry, `--account` to pick one, removing one that leaves the other
//! whole; and the `cli.json` of the version before named accounts, which opens as the default
//! account with its mail and queued actions.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure message

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;
use std::process::Output;

use ent_server::testing::TestServer;
use messagerie_core::queue::DraftContent;
use messagerie_core::sync::SyncMode;
use messagerie_core::Account;
use serde_json::Value;

/// The CLI on `dir` with its keyring in the file `keyring` (the debug builds' stand-in) and no
/// password in the environment: only what `login` kept in the keyring signs in.
fn keyring_run(dir: &Path, keyring: &Path, args: &[&str]) -> Output {
    cli::bare(dir)
        .env("MESSAGERIE_TEST_KEYRING_FILE", keyring)
        .env_remove("MESSAGERIE_PASSWORD")
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&cli::ok(out)).unwrap()
}

/// The keyring's entries (their names only), as the stand-in file holds them.
fn keyring_entries(keyring: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(keyring).unwrap();
    let entries: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    entries.keys().cloned().collect()
}

/// `paul.martin` writes to `marie.durand` on `server`, from a data folder of his own.
async fn paul_writes(paul_dir: &Path, server: &TestServer, subject: &str) {
    let (dir, url, marie) = (
        paul_dir.to_path_buf(),
        server.url(),
        server.id("marie.durand"),
    );
    let subject = subject.to_string();
    tokio::task::spawn_blocking(move || {
        cli::ok(&cli::run(&dir, &url, "paul.martin", &["login"]));
        let args = [
            "send",
            "--to",
            &marie,
            "--subject",
            &subject,
            "--body",
            "Bonjour",
        ];
        cli::ok(&cli::run(&dir, &url, "paul.martin", &args));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn two_accounts_on_two_ents_each_list_their_own_inbox_and_removing_one_leaves_the_other() {
    // Arrange: marie teaches at a lycée and at a collège, on two ENTs; paul writes to her on each.
    let mut lycee = TestServer::empty_demo().await;
    let mut college = TestServer::empty_demo().await;
    let (lycee_url, college_url) = (lycee.url(), college.url());
    let college_name = format!("marie.durand@{}", college_url.trim_start_matches("http://"));
    let dir = tempfile::tempdir().unwrap();
    let paul_dir = tempfile::tempdir().unwrap();
    paul_writes(paul_dir.path(), &lycee, "Sortie au musée").await;
    paul_writes(paul_dir.path(), &college, "Conseil de classe").await;
    let keyring = dir.path().join("keyring.json");

    tokio::task::spawn_blocking(move || {
        // Act: one login per ENT (the password only there), then everything from the keyring.
        let login = |url: &str, extra: &[&str]| {
            cli::bare(dir.path())
                .env("MESSAGERIE_TEST_KEYRING_FILE", &keyring)
                .args(
                    [
                        &["--server", url, "--login", "marie.durand"],
                        extra,
                        &["login"],
                    ]
                    .concat(),
                )
                .output()
                .unwrap()
        };
        cli::ok(&login(&lycee_url, &["--account", "lycee"]));
        cli::ok(&login(&college_url, &[]));
        let run = |args: &[&str]| keyring_run(dir.path(), &keyring, args);
        let listed = json(&run(&["accounts", "--json"]));
        cli::ok(&run(&["--account", "lycee", "sync"]));
        cli::ok(&run(&["--account", &college_name, "sync"]));
        let lycee_inbox = cli::ok(&run(&["--account", "lycee", "ls", "inbox"]));
        let college_inbox = cli::ok(&run(&["--account", &college_name, "ls", "inbox"]));
        let default_inbox = cli::ok(&run(&["ls", "inbox"]));
        let server_wins = cli::ok(&run(&["--account", &college_name, "--server", &lycee_url, "ls", "inbox"]));
        let entries_before = keyring_entries(&keyring);
        cli::ok(&run(&["accounts", "default", &college_name]));
        let new_default_inbox = cli::ok(&run(&["ls", "inbox"]));
        let removed = json(&run(&["--json", "accounts", "remove", "lycee"]));
        let listed_after = json(&run(&["--json", "accounts"]));
        let entries_after = keyring_entries(&keyring);
        let college_after = cli::ok(&run(&["ls", "inbox"]));
        let college_sync = run(&["--account", &college_name, "sync"]);
        let gone = run(&["--account", "lycee", "ls", "inbox"]);

        // Assert: the first account added is the default; each lists its own ENT's mail.
        assert_eq!(
            listed,
            serde_json::json!([
                {"name": "lycee", "server": lycee_url, "login": "marie.durand", "default": true},
                {"name": college_name, "server": college_url, "login": "marie.durand", "default": false},
            ])
        );
        assert!(lycee_inbox.contains("Sortie au musée"), "{lycee_inbox}");
        assert!(!lycee_inbox.contains("Conseil de classe"), "{lycee_inbox}");
        assert!(
            college_inbox.contains("Conseil de classe"),
            "{college_inbox}"
        );
        assert!(
            !college_inbox.contains("Sortie au musée"),
            "{college_inbox}"
        );
        assert_eq!(default_inbox, lycee_inbox);
        assert_eq!(server_wins, lycee_inbox, "--server wins over --account");
        assert_eq!(new_default_inbox, college_inbox);
        // Each account had its own keyring entry; removing the lycée's forgot only its own.
        assert!(entries_before.iter().any(|e| e.contains(&lycee_url)));
        assert!(entries_before.iter().any(|e| e.contains(&college_url)));
        assert!(
            !entries_after.iter().any(|e| e.contains(&lycee_url)),
            "{entries_after:?}"
        );
        assert!(entries_after.iter().any(|e| e.contains(&college_url)));
        assert_eq!(removed["removed"], "lycee");
        assert_eq!(removed["default"], college_name.as_str());
        assert_eq!(listed_after.as_array().unwrap().len(), 1);
        assert_eq!(listed_after[0]["name"], college_name.as_str());
        assert!(!Account::in_dir(dir.path(), &lycee_url, "marie.durand")
            .dir
            .exists());
        assert!(Account::in_dir(dir.path(), &college_url, "marie.durand")
            .dir
            .exists());
        // The collège's mail, its password and its sync are untouched.
        assert_eq!(college_after, college_inbox);
        cli::ok(&college_sync);
        let stderr = cli::failed(&gone, 8);
        assert!(stderr.contains("no account lycee"), "{stderr}");
        assert!(stderr.contains(&college_name), "{stderr}");
    })
    .await
    .unwrap();
    lycee.stop().await;
    college.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_json_of_the_previous_version_opens_as_the_default_account_with_its_queue() {
    // Arrange: what the previous version left: its `cli.json` and marie's mailbox, synced, with
    // an answer to paul queued (written offline, not sent yet).
    let mut server = TestServer::empty_demo().await;
    let url = server.url();
    let paul_dir = tempfile::tempdir().unwrap();
    paul_writes(paul_dir.path(), &server, "Réunion parents-professeurs").await;
    let dir = tempfile::tempdir().unwrap();
    {
        let mb = cli::signed_in(
            Account::in_dir(dir.path(), &url, "marie.durand"),
            "marie.durand",
        )
        .await;
        mb.sync(SyncMode::Full).await.unwrap();
        let answer = DraftContent {
            subject: "Re: Réunion parents-professeurs".into(),
            body: "<p>Je serai là.</p>".into(),
            to: vec![server.id("paul.martin")],
            cc: vec![],
            cci: vec![],
            in_reply_to: None,
        };
        mb.send(None, answer).await.unwrap();
    }
    // Byte for byte what the previous version wrote (`serde_json::to_vec_pretty`).
    let old = format!("{{\n  \"server\": \"{url}\",\n  \"login\": \"marie.durand\"\n}}");
    std::fs::write(dir.path().join("cli.json"), old).unwrap();
    // And its password in the keyring (the debug builds' stand-in file), under its ENT and login.
    let keyring = dir.path().join("keyring.json");
    let saved = serde_json::json!({ format!("marie.durand@{url}"): "demo" });
    std::fs::write(&keyring, saved.to_string()).unwrap();
    let name = format!("marie.durand@{}", url.trim_start_matches("http://"));
    let (d, u, n) = (dir.path().to_path_buf(), url.clone(), name.clone());
    let fresh = tempfile::tempdir().unwrap();
    let f = fresh.path().to_path_buf();

    let seen = tokio::task::spawn_blocking(move || {
        // Act: no --server, no --login: the old file says which account.
        let run = |args: &[&str]| cli::bare(&d).args(args).output().unwrap();
        let listed = json(&run(&["--json", "accounts"]));
        let inbox = cli::ok(&run(&["ls", "inbox"]));
        let refused = run(&["accounts", "remove", &n]);
        let kept = cli::ok(&run(&["ls", "inbox"]));
        // Signed in by the password the old version saved.
        cli::ok(&keyring_run(&d, &keyring, &["sync"]));
        // Paul's inbox on the ENT, from a mailbox of his own.
        cli::ok(&cli::run(&f, &u, "paul.martin", &["sync"]));
        let on_the_ent = cli::ok(&cli::run(&f, &u, "paul.martin", &["ls", "inbox"]));
        cli::ok(&keyring_run(&d, &keyring, &["accounts", "remove", &n]));
        let listed_after = json(&run(&["--json", "accounts"]));
        let entries_after = keyring_entries(&keyring);
        let no_account = run(&["ls", "inbox"]);
        (
            listed,
            inbox,
            refused,
            kept,
            on_the_ent,
            listed_after,
            entries_after,
            no_account,
        )
    })
    .await
    .unwrap();
    let (listed, inbox, refused, kept, on_the_ent, listed_after, entries_after, no_account) = seen;

    // Assert: one account, the default, with its mail and its queued answer, which left.
    assert_eq!(
        listed,
        serde_json::json!([
            {"name": name, "server": url, "login": "marie.durand", "default": true},
        ])
    );
    assert!(inbox.contains("Réunion parents-professeurs"), "{inbox}");
    // A message waiting to be sent is not lost to a removal without --force.
    let stderr = cli::failed(&refused, 2);
    assert!(
        stderr.contains("1 message(s) waiting to be sent"),
        "{stderr}"
    );
    assert_eq!(kept, inbox);
    assert!(
        on_the_ent.contains("Re: Réunion parents-professeurs"),
        "{on_the_ent}"
    );
    assert_eq!(listed_after, serde_json::json!([]));
    assert!(entries_after.is_empty(), "{entries_after:?}");
    assert!(!Account::in_dir(dir.path(), &url, "marie.durand")
        .dir
        .exists());
    assert_eq!(no_account.status.code(), Some(2));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twelve_logins_at_once_on_two_ents_are_all_remembered() {
    // Arrange: six people of two schools, each signing in from a script at the same moment.
    let mut servers = [
        TestServer::empty_demo().await,
        TestServer::empty_demo().await,
    ];
    let urls: Vec<String> = servers.iter().map(TestServer::url).collect();
    let logins = [
        "marie.durand",
        "paul.martin",
        "sophie.bernard",
        "hugo.leroy",
        "lea.moreau",
        "julien.leroy",
    ];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();

    let listed = tokio::task::spawn_blocking(move || {
        // Act
        let children: Vec<_> = urls
            .iter()
            .flat_map(|url| logins.iter().map(move |login| (url, login)))
            .map(|(url, login)| cli::signed(&d, url, login).arg("login").spawn().unwrap())
            .collect();
        for child in children {
            cli::ok(&child.wait_with_output().unwrap());
        }
        json(&cli::bare(&d).args(["--json", "accounts"]).output().unwrap())
    })
    .await
    .unwrap();

    // Assert: no login wrote over another's account; exactly one is the default.
    let accounts = listed.as_array().unwrap();
    assert_eq!(accounts.len(), 12, "{listed}");
    let defaults = accounts.iter().filter(|a| a["default"] == true).count();
    assert_eq!(defaults, 1, "{listed}");
    // The list holds no password, and is its user's alone.
    let file = dir.path().join("cli.json");
    assert!(!std::fs::read_to_string(&file).unwrap().contains("demo"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    for server in &mut servers {
        server.stop().await;
    }
}
