//! What the CLI tests share: the CLI as a child process on its own data folder, signed in with
//! the demo school's password from the environment, never touching a keyring. Included by each
//! test file with `#[path = "support/cli.rs"] mod cli;`; each uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// `messagerie-cli` on the data folder `dir`, with no account, ENT or login chosen (the
/// registry's default account applies), ready for its arguments.
pub fn bare(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_messagerie-cli"));
    cmd.env("MESSAGERIE_DATA_DIR", dir)
        .env("MESSAGERIE_NO_KEYRING", "1")
        .env("MESSAGERIE_PASSWORD", "demo")
        .env_remove("MESSAGERIE_CLIENT_ID")
        .env_remove("MESSAGERIE_ACCOUNT")
        .env_remove("MESSAGERIE_SERVER")
        .env_remove("MESSAGERIE_LOGIN");
    cmd
}

/// `messagerie-cli --server URL --login LOGIN` on the data folder `dir`, ready for its
/// subcommand.
pub fn signed(dir: &Path, url: &str, login: &str) -> Command {
    let mut cmd = bare(dir);
    cmd.args(["--server", url, "--login", login]);
    cmd
}

/// Runs `args` to the end.
pub fn run(dir: &Path, url: &str, login: &str, args: &[&str]) -> Output {
    signed(dir, url, login)
        .args(args)
        .output()
        .expect("run messagerie-cli")
}

/// Its standard output, once it exited with 0 (its standard error otherwise, as the failure).
pub fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Its standard error, once it exited with `code` (the failure says what it printed).
pub fn failed(out: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

/// `login`'s mailbox under `account`, signed in with the demo school's password, for a test
/// to arrange or look at what the CLI left (the library, not the CLI).
pub async fn signed_in(account: messagerie_core::Account, login: &str) -> messagerie_core::Mailbox {
    let mb = messagerie_core::Mailbox::open(account).await.unwrap();
    mb.sign_in(
        messagerie_core::session::Credentials {
            login: login.into(),
            password: messagerie_core::session::Secret::new("demo"),
        },
        None,
    )
    .await
    .unwrap();
    mb
}
