//! The CLI keeps the promises of its `--help`: every subcommand honours `--json` (stdout is one
//! JSON value), and a folder that does not exist exits 8 with a message naming it, against the
//! project's ENT server.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure message

#[path = "support/cli.rs"]
mod cli;

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// Runs `args` with `--json` as marie and returns stdout parsed; records the subcommand.
fn json(seen: &mut BTreeSet<String>, dir: &std::path::Path, url: &str, args: &[&str]) -> Value {
    seen.insert(args[0].to_string());
    let out = cli::ok(&cli::run(
        dir,
        url,
        "marie.durand",
        &[&["--json"], args].concat(),
    ));
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("`{}` --json printed no JSON ({e}): {out:?}", args.join(" ")))
}

/// The subcommands `--help` lists (but `help`).
fn subcommands() -> BTreeSet<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_messagerie-cli"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    help.split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_subcommand_prints_json_with_json() {
    // Arrange
    let server_dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = ent_server::start(listener, ent_server::Config::demo(server_dir.path()))
        .await
        .unwrap();
    let url = format!("http://{}", server.addr());
    let paul = server
        .directory()
        .user_by_login("paul.martin")
        .unwrap()
        .id
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let (d, to) = (dir.path().to_path_buf(), paul.clone());

    let (seen, outputs) = tokio::task::spawn_blocking(move || {
        // Act: marie goes through every subcommand with --json.
        let mut seen = BTreeSet::new();
        let s = &mut seen;
        let login = json(s, &d, &url, &["login"]);
        let accounts = json(s, &d, &url, &["accounts"]);
        let sync = json(s, &d, &url, &["sync", "--full"]);
        let folders = json(s, &d, &url, &["folders"]);
        let parents = folders
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "Parents")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let inbox = json(s, &d, &url, &["ls", "inbox"]);
        let first = ids(&inbox)[0].clone();
        let read = json(s, &d, &url, &["read", &first]);
        let who = json(s, &d, &url, &["who", "martin"]);
        let sent = json(
            s,
            &d,
            &url,
            &[
                "send",
                "--to",
                &to,
                "--subject",
                "Sortie au musée",
                "--body",
                "Bonjour",
            ],
        );
        let search = json(s, &d, &url, &["search", "musee"]);
        let moved = json(s, &d, &url, &["mv", &first, "--to", &parents]);
        let back = json(s, &d, &url, &["mv", &first, "--to", "inbox"]);
        let trashed = json(s, &d, &url, &["rm", &first]);
        let restored = json(s, &d, &url, &["restore", &first]);
        cli::ok(&cli::run(&d, &url, "marie.durand", &["rm", &first]));
        let deleted = json(s, &d, &url, &["rm", "--forever", &first]);
        let outputs = vec![
            ("login", login),
            ("accounts", accounts),
            ("sync", sync),
            ("folders", folders),
            ("ls", inbox),
            ("read", read),
            ("who", who),
            ("send", sent),
            ("search", search),
            ("mv", moved),
            ("mv inbox", back),
            ("rm", trashed),
            ("restore", restored),
            ("rm --forever", deleted),
        ];
        (seen, outputs)
    })
    .await
    .unwrap();

    // Assert: every subcommand of --help was run and answered JSON a script can use.
    assert_eq!(
        seen,
        subcommands(),
        "a subcommand is not covered by this test"
    );
    let out: std::collections::HashMap<_, _> = outputs.into_iter().collect();
    assert_eq!(out["login"]["login"], "marie.durand");
    assert_eq!(out["accounts"][0]["name"], out["login"]["account"]);
    assert_eq!(out["accounts"][0]["default"], true);
    assert!(out["sync"].is_object(), "{}", out["sync"]);
    assert!(!out["ls"].as_array().unwrap().is_empty());
    assert_eq!(out["read"]["id"], out["ls"][0]["id"], "{}", out["read"]);
    assert!(
        ids(&out["who"]).contains(&paul),
        "who martin: {}",
        out["who"]
    );
    assert!(out["send"]["id"].is_string(), "{}", out["send"]);
    assert!(
        out["search"].to_string().contains("Sortie au mus"),
        "{}",
        out["search"]
    );
    assert!(out["mv"]["moved"].is_array(), "{}", out["mv"]);
    assert_eq!(out["mv inbox"]["to"], "inbox");
    assert!(out["rm"]["trashed"].is_array(), "{}", out["rm"]);
    assert!(out["restore"]["restored"].is_array(), "{}", out["restore"]);
    assert!(
        out["rm --forever"]["deleted"].is_array(),
        "{}",
        out["rm --forever"]
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_that_does_not_exist_exits_8_and_names_it() {
    // Arrange: marie's mailbox synced, so every folder she has is known.
    let server_dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = ent_server::start(listener, ent_server::Config::demo(server_dir.path()))
        .await
        .unwrap();
    let url = format!("http://{}", server.addr());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();

    let outs = tokio::task::spawn_blocking(move || {
        cli::ok(&cli::run(&d, &url, "marie.durand", &["login"]));
        cli::ok(&cli::run(&d, &url, "marie.durand", &["sync"]));
        let inbox = cli::ok(&cli::run(&d, &url, "marie.durand", &["ls", "inbox"]));
        let first = inbox.split('\t').next().unwrap().trim().to_string();
        // Act
        vec![
            cli::run(&d, &url, "marie.durand", &["ls", "nosuchfolder"]),
            cli::run(&d, &url, "marie.durand", &["--json", "ls", "nosuchfolder"]),
            cli::run(
                &d,
                &url,
                "marie.durand",
                &["search", "bonjour", "--folder", "nosuchfolder"],
            ),
            cli::run(
                &d,
                &url,
                "marie.durand",
                &["mv", &first, "--to", "nosuchfolder"],
            ),
        ]
    })
    .await
    .unwrap();

    // Assert: exit 8, nothing on stdout, a message that names the folder.
    for out in outs {
        let stderr = cli::failed(&out, 8);
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(stderr.contains("no folder nosuchfolder"), "{stderr}");
    }
    server.stop().await;
}
