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
