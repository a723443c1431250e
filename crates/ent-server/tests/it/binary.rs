use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ent-server");

#[test]
fn help_names_every_option() {
    let out = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for opt in [
        "--listen",
        "--data",
        "--school",
        "--demo",
        "--latency-ms",
        "--seed-inbox",
    ] {
        assert!(text.contains(opt), "{opt} in {text}");
    }
}

#[test]
fn without_a_school_or_demo_the_binary_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .arg("--data")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[tokio::test]
async fn ent_server_demo_serves_the_demo_school_seeded_and_slowed_at_the_address_it_prints() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    // Port 0: the binary binds, then prints the address the system chose.
    let mut child = tokio::process::Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--demo", "--seed-inbox"])
        .args(["marie.durand=30", "--latency-ms", "200", "--data"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let base = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("ent-server listening on ") {
                return url.to_owned();
            }
        }
        panic!("the server exited before listening");
    })
    .await
    .expect("the server did not start");
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = http
        .post(format!("{base}/auth/login"))
        .form(&[("email", "marie.durand"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 302);
    let t = Instant::now();
    let count: serde_json::Value = http
        .get(format!("{base}/conversation/api/count/inbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );
    // The demo's own messages and the 30 seeded.
    assert!(count["count"].as_u64().unwrap() > 30, "{count}");
    child.kill().await.unwrap();
}
