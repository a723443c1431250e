//! The exit codes scripts rely on, from the built binary.

use std::process::Command;

fn cli(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_messagerie-cli"));
    c.env_remove("MESSAGERIE_SERVER")
        .env_remove("MESSAGERIE_LOGIN")
        .env_remove("MESSAGERIE_PASSWORD")
        .env("MESSAGERIE_DATA_DIR", dir)
        .env("MESSAGERIE_NO_KEYRING", "1");
    c
}

#[test]
fn without_a_server_address_the_cli_exits_with_2_and_says_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();

    let out = cli(dir.path()).args(["ls", "inbox"]).output().unwrap();

    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--server"));
}

#[test]
fn a_sync_with_the_ent_unreachable_exits_with_3() {
    // Nothing listens there, and nothing can while the test runs.
    let closed = ent_server::testing::ClosedPort::new();
    let dir = tempfile::tempdir().unwrap();

    let out = cli(dir.path())
        .args(["--server", &closed.url(), "--login", "marie.durand", "sync"])
        .env("MESSAGERIE_PASSWORD", "demo")
        .output()
        .unwrap();

    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the ENT"));
}

#[test]
fn listing_an_empty_offline_mailbox_works_without_a_network() {
    let dir = tempfile::tempdir().unwrap();

    let out = cli(dir.path())
        .args([
            "--server",
            "http://127.0.0.1:9",
            "--login",
            "marie.durand",
            "ls",
            "inbox",
        ])
        .output()
        .unwrap();

    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unknown_account_exits_8_and_names_the_known_ones() {
    // Arrange: one account, as the version before named accounts remembered it.
    let dir = tempfile::tempdir().unwrap();
    let old = "{\n  \"server\": \"http://127.0.0.1:9\",\n  \"login\": \"marie.durand\"\n}";
    std::fs::write(dir.path().join("cli.json"), old).unwrap();

    // Act
    let typo = cli(dir.path())
        .args(["--account", "lycee", "ls", "inbox"])
        .output()
        .unwrap();
    let from_env = cli(dir.path())
        .env("MESSAGERIE_ACCOUNT", "lycee")
        .args(["ls", "inbox"])
        .output()
        .unwrap();
    let default = cli(dir.path())
        .args(["accounts", "default", "lycee"])
        .output()
        .unwrap();
    let remove = cli(dir.path())
        .args(["accounts", "remove", "lycee"])
        .output()
        .unwrap();

    // Assert: exit 8, nothing done, the names a script or a person can use instead.
    for out in [typo, from_env, default, remove] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(8), "{stderr}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr.contains("no account lycee: the known ones are marie.durand@127.0.0.1:9"),
            "{stderr}"
        );
    }
}

#[test]
fn an_account_named_before_any_is_set_up_exits_8_and_says_how_to_add_it() {
    let dir = tempfile::tempdir().unwrap();

    let out = cli(dir.path())
        .args(["--account", "lycee", "ls", "inbox"])
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "{stderr}");
    assert!(
        stderr.contains("login --server URL --login LOGIN --account lycee"),
        "{stderr}"
    );
}

#[test]
fn a_damaged_list_of_accounts_exits_7_and_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cli.json");
    std::fs::write(&path, "{\"accounts\": [").unwrap();

    let out = cli(dir.path())
        .args([
            "--server",
            "http://127.0.0.1:9",
            "--login",
            "marie.durand",
            "login",
        ])
        .env("MESSAGERIE_PASSWORD", "demo")
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("cli.json"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"accounts\": [");
}
