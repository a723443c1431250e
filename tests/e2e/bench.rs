//! `cargo bench -p messagerie --bench window`: the desktop window with a 10,000-message inbox,
//! measured in the real app (WebKitGTK under Xvfb, driven like the end-to-end tests).
//!
//! - start to the inbox drawn from the local store: the app's log gives `window ready` (the
//!   baseline: the webview runs the UI) and `inbox drawn from the local store`;
//! - scrolling to the end in one go: the longest gap between two animation frames while the
//!   list jumps to its end and draws, against the longest gap of the same page left idle for the
//!   same time (the baseline). A gap is the longest task the page ran in between.
#![allow(dead_code, unused_imports)] // the harness serves the tests too; the bench uses part
mod harness;
mod ui;

use serde_json::Value;

use harness::{big_mailbox, Launch};

const MESSAGES: usize = 10_000;
const ROUNDS: usize = 5;

/// Longest frame gap (ms) over `ms` milliseconds; scrolls the list to its end first if asked.
const FRAMES: &str = r#"
const [scroll, ms, done] = arguments;
const list = document.querySelector('.mbx-list');
let last = performance.now(), worst = 0;
const start = last;
function frame(now) {
  worst = Math.max(worst, now - last);
  last = now;
  if (now - start < ms) requestAnimationFrame(frame); else done({ worst, rows: document.querySelectorAll('[role=row]').length });
}
requestAnimationFrame((now) => {
  last = now;
  if (scroll) list.scrollTop = list.scrollHeight;
  requestAnimationFrame(frame);
});
"#;

fn elapsed(log: &str, event: &str) -> Option<u64> {
    let line = log.lines().find(|l| l.contains(event))?;
    let value = line.split("elapsed_ms=").nth(1)?;
    value.split_whitespace().next()?.parse().ok()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (mut ready, mut drawn, mut idle, mut scroll) = (vec![], vec![], vec![], vec![]);
    for round in 1..=ROUNDS {
        let data = tempfile::tempdir().expect("temp dir");
        big_mailbox::write(data.path(), MESSAGES);
        let launch = Launch {
            data_dir: Some(data.path().to_path_buf()),
            ..Launch::default()
        };
        let app = harness::App::start("bench_window", launch).await;
        ui::wait_for_row(&app, &format!("Message numéro {}", MESSAGES - 1)).await;
        let log = harness::wait_until("the inbox drawn event", harness::EFFECT, || async {
            let log = app.app_log();
            elapsed(&log, "inbox drawn").map(|_| log)
        })
        .await;
        // The first page is drawn at once; measure the scroll once all of it is listed.
        harness::wait_until("the whole folder to be listed", harness::EFFECT, || async {
            let height = app
                .driver
                .execute(
                    "return document.querySelector('.mbx-list-canvas').offsetHeight;",
                    vec![],
                )
                .await
                .ok()?;
            (height.json().as_u64()? / 52 == MESSAGES as u64).then_some(())
        })
        .await;
        let measure = |scroll: bool| {
            let driver = app.driver.clone();
            async move {
                let out = driver
                    .execute_async(FRAMES, vec![Value::Bool(scroll), Value::from(1500)])
                    .await
                    .expect("measure frames");
                let out = out.json().clone();
                (
                    out["worst"].as_f64().unwrap_or(f64::NAN),
                    out["rows"].as_u64().unwrap_or(0),
                )
            }
        };
        let (quiet, _) = measure(false).await;
        let (jump, rows) = measure(true).await;
        ui::wait_for_row(&app, "Message numéro 0").await;
        let r = elapsed(&log, "window ready").unwrap_or(0) as f64;
        let d = elapsed(&log, "inbox drawn").unwrap_or(0) as f64;
        println!(
            "round {round}: window ready {r:.0} ms, inbox drawn {d:.0} ms; longest frame gap idle {quiet:.1} ms, scrolling to the end {jump:.1} ms, {rows} rows in the page"
        );
        ready.push(r);
        drawn.push(d);
        idle.push(quiet);
        scroll.push(jump);
        app.quit().await;
    }
    let (r, d, i, s) = (median(ready), median(drawn), median(idle), median(scroll));
    println!(
        "median of {ROUNDS}, {MESSAGES}-message inbox: window ready {r:.0} ms, inbox drawn {d:.0} ms (ratio {:.2}); longest frame gap idle {i:.1} ms, scrolling to the end {s:.1} ms (ratio {:.2})",
        d / r,
        s / i
    );
}
