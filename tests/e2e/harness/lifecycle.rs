//! The harness's own promise: a failing test leaves its evidence and no process behind.
use std::sync::{Arc, Mutex};

use super::{artifacts_root, group_alive, run, wait_until, EFFECT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_test_leaves_screenshot_and_logs_and_stops_every_process() {
    // Arrange
    let test = "harness_self_check_failing_test";
    let groups = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&groups);

    // Act: a test body that panics once the app runs.
    let outcome = tokio::spawn(run(test, move |app| async move {
        *seen.lock().expect("lock") = app.process_groups();
        panic!("deliberate failure (this harness self-check expects it)");
    }))
    .await;

    // Assert
    assert!(outcome.is_err(), "the failure must reach the test runner");
    let dir = artifacts_root().join(test);
    for file in [
        "failure.png",
        "app.log",
        "tauri-driver.log",
        "dbus-monitor.log",
        "xvfb.log",
    ] {
        assert!(
            dir.join(file).is_file(),
            "{file} missing in {}",
            dir.display()
        );
    }
    let app_log = std::fs::read_to_string(dir.join("app.log")).expect("read app.log");
    assert!(
        app_log.contains("messagerie starting"),
        "the app's own log is kept: {app_log}"
    );
    let groups = groups.lock().expect("lock").clone();
    assert_eq!(groups.len(), 4);
    wait_until(
        "every process group the harness started to be gone",
        EFFECT,
        || std::future::ready(groups.iter().all(|pgid| !group_alive(*pgid)).then_some(())),
    )
    .await;
}
