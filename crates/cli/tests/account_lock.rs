//! One process per mailbox: the CLI refuses a mailbox another window or command has open,
//! instead of replaying the same queue a second time.

use std::process::Command;

use messagerie_core::lock::AccountLock;
use messagerie_core::Account;

const SERVER: &str = "http://127.0.0.1:9";

fn ls_inbox(dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_messagerie-cli"))
        .env_remove("MESSAGERIE_PASSWORD")
        .env("MESSAGERIE_DATA_DIR", dir)
        .env("MESSAGERIE_NO_KEYRING", "1")
        .args(["--server", SERVER, "--login", "marie.durand", "ls", "inbox"])
        .output()
        .expect("run messagerie-cli")
}

#[test]
fn the_cli_refuses_a_mailbox_another_process_holds_and_works_once_it_is_released() {
    // Arrange: another holder (the app, or a second command) has the account folder locked.
    let dir = tempfile::tempdir().unwrap();
    let account = Account::in_dir(dir.path(), SERVER, "marie.durand");
    let held = AccountLock::acquire(&account.dir).unwrap();

    // Act
    let refused = ls_inbox(dir.path());

    // Assert: a local-store exit code and a message that says what to do.
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains(
            "this mailbox is open in another Messagerie window or command; close it first"
        ),
        "{stderr}"
    );

    drop(held);
    let after = ls_inbox(dir.path());
    assert_eq!(
        after.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
}

#[test]
fn an_account_open_elsewhere_is_not_removed_even_with_force() {
    // Arrange: one account (as an older version remembered it), open in another process.
    let dir = tempfile::tempdir().unwrap();
    let old = format!("{{\n  \"server\": \"{SERVER}\",\n  \"login\": \"marie.durand\"\n}}");
    std::fs::write(dir.path().join("cli.json"), old).unwrap();
    let account = Account::in_dir(dir.path(), SERVER, "marie.durand");
    let held = AccountLock::acquire(&account.dir).unwrap();
    std::fs::write(account.dir.join("keep.txt"), "x").unwrap();

    // Act
    let remove = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_messagerie-cli"))
            .env("MESSAGERIE_DATA_DIR", dir.path())
            .env("MESSAGERIE_NO_KEYRING", "1")
            .env_remove("MESSAGERIE_ACCOUNT")
            .args([&["accounts", "remove", "marie.durand@127.0.0.1:9"], extra].concat())
            .output()
            .unwrap()
    };
    let outs = [remove(&[]), remove(&["--force"])];

    // Assert: exit 7, the folder and the account still there.
    for out in outs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(7), "{stderr}");
        assert!(stderr.contains("close it first"), "{stderr}");
    }
    assert!(account.dir.join("keep.txt").exists());
    drop(held);
    let listed = Command::new(env!("CARGO_BIN_EXE_messagerie-cli"))
        .env("MESSAGERIE_DATA_DIR", dir.path())
        .args(["accounts"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("marie.durand@127.0.0.1:9"));
}
