//! Issue 16 point 2: bodies as the ENT's editor writes them (`fixtures/reading/*.html`, written
//! by Edifice's extensions themselves, see `ui/src/composer/readingFixtures.test.ts`) are
//! delivered through ent-server, opened in the reading pane, and the message's frame is
//! compared with a reference picture (`fixtures/reading/*.png`).
//!
//! A small share of differing pixels is allowed ([`TOLERANCE`], each pixel within [`FUZZ`]):
//! antialiasing differs a little from one graphics stack to another. On a difference the
//! frame, the reference and the difference picture are kept in the test's artefacts.
//! `MESSAGERIE_UPDATE_REFERENCES=1` writes the references again from what the app shows
//! (README, « Tests de bout en bout »); they are made with the fonts `scripts/deps.sh e2e`
//! installs (DejaVu, as on the CI's fresh Debian).
//!
//! The hostile body is the formatting one with scripts, event handlers, a foreign frame, a
//! form and styles added: it must look exactly like its benign twin.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use messagerie_core::ent_images;
use thirtyfour::By;

use crate::harness::{self, wait_until, App, Ent, EFFECT};
use crate::ui;

/// Largest share of the frame's pixels that may differ from the reference.
const TOLERANCE: f64 = 0.005;
/// How far a pixel's colour may be from the reference's and still count as the same.
const FUZZ: &str = "12%";
/// The workspace id the fixtures were written with; the test swaps in the uploaded image's.
const FIXTURE_IMAGE_ID: &str = "0f8e2b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b";

/// Each body, the reference it must look like, and text that tells its frame is the one shown.
const FIXTURES: &[(&str, &str, &str)] = &[
    ("formatting", "formatting", "Le musée ouvre à 9 h."),
    ("table", "table", "Pique-nique au parc"),
    ("image", "image", "data:image/png;base64,"),
    ("media", "media", "autorisation.odt"),
    ("hostile", "formatting", "Le musée ouvre à 9 h."),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/fixtures/reading")
}

fn subject(name: &str) -> String {
    format!("Fixture {name}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_written_by_the_ents_editor_look_in_the_reading_pane_as_their_references() {
    let ent = Ent::start().await;
    let paul = ent.client("paul.martin").await;
    let photo = std::fs::read(fixtures().join("sortie.png")).expect("the fixture's image");
    let image_id = ent_images::upload(&paul, "sortie.png", photo)
        .await
        .expect("upload the fixture's image");
    for (name, _, _) in FIXTURES {
        let body = std::fs::read_to_string(fixtures().join(format!("{name}.html")))
            .expect("a fixture")
            .replace(FIXTURE_IMAGE_ID, &image_id);
        ent.send("paul.martin", &["marie.durand"], &subject(name), &body)
            .await;
    }

    harness::run("reading_fixtures", |app| async move {
        ui::sign_in(&app, &ent.url(), "marie.durand", "demo").await;
        let update = std::env::var_os("MESSAGERIE_UPDATE_REFERENCES").is_some_and(|v| v == "1");
        let mut differences = Vec::new();
        for (name, reference, marker) in FIXTURES {
            ui::open_row(&app, &subject(name)).await;
            let shown = format!(
                "//article[@aria-label={}]//iframe",
                xpath_literal(&subject(name))
            );
            let frame = app.find("the fixture's frame", By::XPath(&shown)).await;
            wait_until("the fixture's body in its frame", EFFECT, || async {
                let doc = frame.attr("srcdoc").await.ok().flatten()?;
                doc.contains(marker).then_some(())
            })
            .await;
            let srcdoc = frame
                .attr("srcdoc")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            for gone in [
                "<script",
                "onerror",
                "onclick",
                "evil.example",
                "tracker.example",
                "<form",
                "<style>body",
            ] {
                assert!(!srcdoc.contains(gone), "{name}: {gone} reached the frame");
            }
            let shot = steady_frame(&app, name).await;
            let twin = name != reference;
            let reference = fixtures().join(format!("{reference}.png"));
            // A twin (the hostile body) is compared with its benign body's fresh reference.
            if update && !twin {
                std::fs::copy(&shot, &reference).expect("write the reference");
                continue;
            }
            assert!(
                reference.exists(),
                "no reference {}; run with MESSAGERIE_UPDATE_REFERENCES=1 to make it",
                reference.display()
            );
            if let Some(difference) = compare(&reference, &shot) {
                differences.push(format!("{name}: {difference}"));
            }
        }
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    })
    .await;
}

/// The message frame as the screen shows it, once two captures in a row are the same (the
/// body's images and fonts have settled); its path in the artefacts.
async fn steady_frame(app: &App, name: &str) -> PathBuf {
    let deadline = Instant::now() + EFFECT;
    let mut previous: Option<PathBuf> = None;
    for n in 1.. {
        if let Some(shot) = frame_picture(app, &format!("{name}-{n}")).await {
            if previous
                .as_deref()
                .is_some_and(|before| differing_pixels(before, &shot, "0%") == Some(0.0))
            {
                return shot;
            }
            previous = Some(shot);
        }
        assert!(
            Instant::now() < deadline,
            "the frame of {name} never stayed the same for two captures"
        );
    }
    unreachable!("the loop returns or fails")
}

/// Crops the message frame out of a capture of the window (`<name>.png` in the artefacts).
async fn frame_picture(app: &App, name: &str) -> Option<PathBuf> {
    let rect = app
        .driver
        .execute(
            "const f = document.querySelector('article iframe.mbx-body'); if (!f) return null; \
             const r = f.getBoundingClientRect(); \
             return [Math.round(r.left), Math.round(r.top), Math.floor(r.width), Math.floor(r.height), window.innerWidth, window.innerHeight];",
            vec![],
        )
        .await
        .ok()?;
    let v: Vec<i64> = serde_json::from_value(rect.json().clone()).ok()?;
    let [x, y, w, h, inner_w, inner_h] = v.as_slice() else {
        return None;
    };
    let window = app.screenshot(&format!("{name}-window.png"));
    let size = run(
        "identify",
        &["-format", "%w %h", &window.display().to_string()],
    )?;
    let mut it = size
        .split_whitespace()
        .filter_map(|s| s.parse::<i64>().ok());
    let (win_w, win_h) = (it.next()?, it.next()?);
    // Anything the window has besides the page (a title bar) is above it; the X window may
    // be wider than the page, on its right.
    let _ = (win_w, inner_w);
    let (dx, dy) = (0, (win_h - inner_h).max(0));
    let out = window.with_file_name(format!("{name}.png"));
    run(
        "convert",
        &[
            &window.display().to_string(),
            "-crop",
            &format!("{w}x{h}+{}+{}", x + dx, y + dy),
            "+repage",
            &out.display().to_string(),
        ],
    )?;
    Some(out)
}

/// `None` when `shot` matches `reference` within the tolerance; else what differs, with the
/// difference picture saved next to the shot (and the reference copied there).
fn compare(reference: &Path, shot: &Path) -> Option<String> {
    let size = |p: &Path| run("identify", &["-format", "%w %h", &p.display().to_string()]);
    let (want, got) = (size(reference), size(shot));
    if want != got {
        let kept = shot.with_file_name(format!(
            "reference-{}",
            reference.file_name()?.to_string_lossy()
        ));
        let _ = std::fs::copy(reference, &kept);
        return Some(format!(
            "the frame is {got:?} pixels, the reference {want:?} (see {})",
            shot.display()
        ));
    }
    let mut dims = want?
        .split_whitespace()
        .filter_map(|s| s.parse::<f64>().ok())
        .collect::<Vec<_>>()
        .into_iter();
    let total = dims.next()? * dims.next()?;
    let differing = differing_pixels(reference, shot, FUZZ)?;
    if differing / total <= TOLERANCE {
        return None;
    }
    let diff = shot.with_file_name(format!("diff-{}", shot.file_name()?.to_string_lossy()));
    let _ = Command::new("compare")
        .args(["-fuzz", FUZZ])
        .arg(reference)
        .arg(shot)
        .arg(&diff)
        .status();
    let kept = shot.with_file_name(format!(
        "reference-{}",
        reference.file_name()?.to_string_lossy()
    ));
    let _ = std::fs::copy(reference, &kept);
    Some(format!(
        "{differing} of {total} pixels differ ({:.2} %, more than {:.2} %); difference: {}",
        100.0 * differing / total,
        100.0 * TOLERANCE,
        diff.display()
    ))
}

/// How many pixels of `a` and `b` (same size) differ by more than `fuzz` (ImageMagick's AE).
fn differing_pixels(a: &Path, b: &Path, fuzz: &str) -> Option<f64> {
    let out = Command::new("compare")
        .args(["-metric", "AE", "-fuzz", fuzz])
        .arg(a)
        .arg(b)
        .arg("null:")
        .output()
        .ok()?;
    // 0: same, 1: different; the count is on stderr either way. 2: an error.
    if out.status.code() == Some(2) {
        return None;
    }
    String::from_utf8_lossy(&out.stderr)
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn run(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `s` as an XPath string literal.
fn xpath_literal(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{s}\"")
    } else {
        format!("'{s}'")
    }
}
