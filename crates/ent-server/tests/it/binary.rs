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
    for opt in ["--listen", "--data", "--school", "--demo"] {
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
async fn ent_server_demo_serves_the_demo_school() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new(BIN)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--demo", "--data"])
        .arg(dir.path())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{base}/auth/login")).send().await.is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let login = http
        .post(format!("{base}/auth/login"))
        .form(&[("email", "marie.durand"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 302);
    let inbox: Vec<ent_protocol::MessageListItem> = http
        .get(format!("{base}/conversation/api/folders/inbox/messages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!inbox.is_empty());
    child.kill().await.unwrap();
}
