//! The `messagerie` command outside a graphical session: `--help` and `--version` answer and
//! exit, and a start without `DISPLAY` or `WAYLAND_DISPLAY` says so in one line and exits with
//! code 69, instead of a GTK panic and a backtrace. No Xvfb here: that is the point.
use std::process::{Command, Output};

const NO_DISPLAY_LINE: &str =
    "Messagerie a besoin d'une session graphique (DISPLAY ou WAYLAND_DISPLAY)\n";

/// Runs the built binary with `args` in a throwaway home, without any graphical session, in
/// the given locale, with backtraces on (so that a panic would show one).
async fn run_without_display(args: &[&str], lang: &str) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_messagerie"));
    command
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("MESSAGERIE_DATA_DIR", home.path().join("messagerie"))
        .env("MESSAGERIE_NO_KEYRING", "1")
        .env("RUST_BACKTRACE", "1");
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start messagerie");
    // The binary must answer at once; if it ever waited (for a window), fail instead of hanging.
    let pid = child.id();
    let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    let deadline = std::time::Duration::from_secs(30);
    let output = tokio::time::timeout(deadline, waiting).await;
    match output {
        Ok(done) => done.expect("join").expect("wait for messagerie"),
        Err(_) => {
            if let Some(pid) = i32::try_from(pid)
                .ok()
                .and_then(rustix::process::Pid::from_raw)
            {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
            panic!("messagerie {args:?} without a display was still running after {deadline:?}")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_display_the_app_says_it_in_one_line_and_exits_69() {
    // Arrange + act: what a user gets running it from a text console or over SSH.
    let output = run_without_display(&["--demo"], "fr_FR.UTF-8").await;

    // Assert: that one line on stderr, nothing else, exit code 69, no panic or backtrace.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr, NO_DISPLAY_LINE, "stderr: {stderr}");
    assert_eq!(output.status.code(), Some(69), "{:?}", output.status);
    assert!(output.stdout.is_empty(), "{:?}", output.stdout);
    for sign in ["panicked", "backtrace", "Gtk-WARNING", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(sign), "{sign} in {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_and_version_answer_without_a_display() {
    let help = run_without_display(&["--help"], "fr_FR.UTF-8").await;
    let text = String::from_utf8_lossy(&help.stdout);
    assert_eq!(help.status.code(), Some(0), "{:?}", help.status);
    assert!(text.starts_with("Messagerie "), "{text}");
    for part in [
        "Utilisation : messagerie",
        "--demo",
        "--version",
        "69",
        "man messagerie",
    ] {
        assert!(text.contains(part), "{part} missing from: {text}");
    }
    assert!(
        help.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&help.stderr)
    );

    let english = run_without_display(&["-h"], "en_GB.UTF-8").await;
    let text = String::from_utf8_lossy(&english.stdout);
    assert!(text.contains("Usage: messagerie"), "{text}");

    let version = run_without_display(&["--version"], "fr_FR.UTF-8").await;
    assert_eq!(version.status.code(), Some(0), "{:?}", version.status);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("messagerie {}\n", env!("CARGO_PKG_VERSION"))
    );
}
