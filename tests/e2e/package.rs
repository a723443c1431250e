//! The installed package: the .deb that `make package` makes, here from the debug build under
//! test (`scripts/package.sh --debug` bundles it without compiling), unpacked into a throwaway
//! root, carries what a desktop needs (menu entry, icons, man pages, dependencies) and its
//! binary opens the demo window under Xvfb.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{self, require, Launch};
use crate::ui;

/// The sizes of the hicolor icon theme a desktop looks the app's icon up in.
const ICON_SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `program` with `args` and returns its stdout; fails the test with its output otherwise.
fn run(program: &Path, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .current_dir(workspace())
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", program.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{} {args:?} failed ({}):\n{stdout}\n{}",
        program.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The one package ending in `ext` that scripts/package.sh lists (`  <path> (<size>)`).
fn package(report: &str, ext: &str) -> PathBuf {
    let found: Vec<&str> = report
        .lines()
        .filter_map(|line| line.trim().split_once(' ').map(|(path, _)| path))
        .filter(|path| path.ends_with(ext))
        .collect();
    assert_eq!(found.len(), 1, "one {ext} expected in:\n{report}");
    workspace().join(found[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_installed_deb_has_its_menu_entry_and_opens_the_demo_window() {
    // Arrange: bundle the binary under test into a .deb and an .rpm, then install the .deb
    // into a throwaway root (what dpkg would put under /).
    let binary = Path::new(env!("CARGO_BIN_EXE_messagerie"));
    let report = run(&workspace().join("scripts/package.sh"), &["--debug"]);
    let deb = package(&report, ".deb");
    let rpm = package(&report, ".rpm");
    assert!(
        rpm.metadata().expect("rpm").len() > 1_000_000,
        "{}",
        rpm.display()
    );
    let root = tempfile::tempdir().expect("temp dir");
    let dpkg_deb = require("dpkg-deb");
    let deb_arg = deb.to_str().expect("utf-8 path");
    run(
        &dpkg_deb,
        &["-x", deb_arg, root.path().to_str().expect("utf-8")],
    );
    let installed = root.path().join("usr/bin/messagerie");

    // Assert (package): the binary is the one under test, byte for byte (nothing recompiled);
    // the dependencies name the libraries it needs.
    assert!(
        std::fs::read(&installed).expect("installed binary")
            == std::fs::read(binary).expect("built binary"),
        "the .deb's /usr/bin/messagerie is not the binary cargo built for this test"
    );
    let depends = run(&dpkg_deb, &["-f", deb_arg, "Depends"]);
    for package in [
        "libwebkit2gtk-4.1-0",
        "libgtk-3-0",
        "libayatana-appindicator3-1",
        "libsoup-3.0-0",
        "libdbus-1-3",
    ] {
        assert!(
            depends.contains(package),
            "{package} missing from Depends: {depends}"
        );
    }
    // Every dependency is a package apt knows (a simulated `apt install ./messagerie….deb`).
    if let Ok(apt) = which("apt-get") {
        run(
            &apt,
            &["install", "--simulate", "--no-install-recommends", deb_arg],
        );
    }

    // Assert (desktop): a valid menu entry in English and French, in Office/Email/Network,
    // that starts the installed binary with its icon at every size, and the man pages.
    let entry = root
        .path()
        .join("usr/share/applications/Messagerie.desktop");
    let report = run(
        &require("desktop-file-validate"),
        &[entry.to_str().expect("utf-8")],
    );
    assert!(
        !report.contains("error:"),
        "desktop-file-validate: {report}"
    );
    let text = std::fs::read_to_string(&entry).expect("desktop entry");
    for line in [
        "Name=Messagerie",
        "Name[fr]=Messagerie",
        "Comment=Read and write the messages of your school's ENT",
        "Comment[fr]=Lire et écrire les messages de l'ENT de votre établissement",
        "Categories=Office;Email;Network;",
        "Exec=messagerie",
        "Icon=messagerie",
        "StartupWMClass=messagerie",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "{line} missing from:\n{text}"
        );
    }
    for size in ICON_SIZES {
        let icon = root.path().join(format!(
            "usr/share/icons/hicolor/{size}x{size}/apps/messagerie.png"
        ));
        assert!(
            icon.is_file(),
            "no {size}x{size} icon at {}",
            icon.display()
        );
    }
    for page in [
        "usr/share/man/man1/messagerie.1",
        "usr/share/man/fr/man1/messagerie.1",
    ] {
        let page = std::fs::read_to_string(root.path().join(page)).expect("man page");
        assert!(page.contains(".TH MESSAGERIE 1"), "{page}");
    }

    // Act: start the installed binary, as the menu entry does, on the demo.
    let launch = Launch {
        application: Some(installed),
        ..Launch::demo()
    };
    harness::run_with("package_installed_demo", launch, |app| async move {
        // Assert (window): the demo inbox shows, and the window carries the class the menu
        // entry names, so that the desktop shows it under the entry's icon.
        ui::wait_for_row(&app, "Conseil de classe de 3A").await;
        app.screenshot("installed-demo.png");
        let class = app
            .window_class("Messagerie")
            .expect("the window's WM_CLASS");
        assert!(class.contains("\"messagerie\""), "WM_CLASS = {class}");
    })
    .await;
}

/// `program` in PATH, or why not.
fn which(program: &str) -> Result<PathBuf, String> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or_else(|| format!("{program} is not in PATH"))
}
