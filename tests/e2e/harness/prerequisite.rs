//! Finds the programs the harness drives; a missing one fails the test with what to install.
use std::path::{Path, PathBuf};

/// The tools the end-to-end tests need, each with where it comes from.
const TOOLS: &[(&str, &str)] = &[
    ("Xvfb", "Debian package xvfb"),
    ("WebKitWebDriver", "Debian package webkit2gtk-driver"),
    ("tauri-driver", "cargo install tauri-driver --locked"),
    ("dbus-daemon", "Debian package dbus"),
    (
        "dbus-monitor",
        "Debian package dbus-bin (dbus on Debian 12)",
    ),
    ("xwininfo", "Debian package x11-utils"),
    ("gdbus", "Debian package libglib2.0-bin"),
    ("import", "Debian package imagemagick"),
    ("xdotool", "Debian package xdotool"),
    ("dpkg-deb", "Debian package dpkg"),
    ("desktop-file-validate", "Debian package desktop-file-utils"),
    ("pdftotext", "Debian package poppler-utils"),
];

/// The path of `program`, looked up in `PATH` (and `~/.cargo/bin` for tauri-driver).
/// Panics, never skips, when it is missing: a test that did not run must not look green.
pub fn require(program: &str) -> PathBuf {
    if let Some(found) = find_in_path(program) {
        return found;
    }
    let source = TOOLS
        .iter()
        .find(|(name, _)| *name == program)
        .map_or("its package", |(_, source)| source);
    panic!(
        "end-to-end prerequisite missing: `{program}` is not in PATH (it comes from {source}). \
         Install everything the end-to-end tests need with: scripts/deps.sh e2e"
    );
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    // `cargo install` puts tauri-driver here, which is not always on PATH in CI shells.
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[test]
fn a_missing_prerequisite_names_itself_and_the_install_command() {
    let outcome = std::panic::catch_unwind(|| require("definitely-not-installed-e2e-tool"));
    let message = *outcome
        .expect_err("must panic")
        .downcast::<String>()
        .expect("text");
    assert!(
        message.contains("definitely-not-installed-e2e-tool"),
        "{message}"
    );
    assert!(message.contains("scripts/deps.sh e2e"), "{message}");
}
