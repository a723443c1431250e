//! Load generator for BENCHMARKS.md: starts `ent-server` (release build) as a child process on
//! loopback with a generated school (one teacher, a class of 500 pupils), fills the teacher's
//! inbox with 10,000 messages, then measures list / read / count at 1, 50 and 200 concurrent
//! connections and a send to the 500-pupil group. Every loop is bounded in time.
//!
//! `cargo build --release -p ent-server && cargo run --release -p ent-server --example load`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use ent_protocol::paths::{self, ListQuery};
use ent_protocol::{DraftBody, MessageListItem, SendResponse};

const MAILBOX: usize = 10_000;
const PUPILS: usize = 500;
const RUN: Duration = Duration::from_secs(5);

fn school() -> String {
    let mut s = String::from("[[structures]]\nname = \"Collège Bench\"\nclasses = [\"6A\"]\n\n");
    s.push_str("[[users]]\nlogin = \"prof\"\npassword = \"bench\"\nlast_name = \"PROF\"\nfirst_name = \"Anne\"\nprofile = \"Teacher\"\nclasses = [\"6A\"]\n\n");
    for i in 0..PUPILS {
        s.push_str(&format!("[[users]]\nlogin = \"eleve{i}\"\npassword = \"bench\"\nlast_name = \"ELEVE{i}\"\nfirst_name = \"Jean\"\nprofile = \"Student\"\nclasses = [\"6A\"]\n\n"));
    }
    s
}

struct Session {
    http: reqwest::Client,
    base: String,
    xsrf: String,
}

async fn login(base: &str, login: &str) -> Session {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let resp = http
        .post(format!("{base}/auth/login"))
        .form(&[("email", login), ("password", "bench")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302, "login {login}");
    let xsrf = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("XSRF-TOKEN="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    Session {
        http,
        base: base.to_owned(),
        xsrf,
    }
}

impl Session {
    async fn send(&self, to: Vec<String>, subject: &str) -> (SendResponse, Duration) {
        let body = DraftBody {
            subject: Some(subject.into()),
            body: Some("<p>Bonjour, voici le programme de la semaine.</p>".into()),
            to: Some(to),
            cc: Some(vec![]),
            cci: Some(vec![]),
            ..DraftBody::default()
        };
        let t = Instant::now();
        let resp = self
            .http
            .post(format!("{}{}", self.base, paths::send(None, None)))
            .header("X-XSRF-TOKEN", &self.xsrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        let elapsed = t.elapsed();
        assert!(resp.status().is_success(), "send: {}", resp.status());
        (resp.json().await.unwrap(), elapsed)
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn measure(session: Arc<Session>, path: String, conns: usize) -> (f64, f64, f64) {
    let deadline = Instant::now() + RUN;
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (s, p) = (session.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let resp = s.http.get(format!("{}{p}", s.base)).send().await.unwrap();
                assert!(resp.status().is_success());
                let _ = resp.bytes().await.unwrap();
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    (
        all.len() as f64 / RUN.as_secs_f64(),
        pct(&all, 0.5),
        pct(&all, 0.99),
    )
}

#[tokio::main]
async fn main() {
    let exe = std::env::current_exe().unwrap();
    let server_bin = exe.parent().unwrap().parent().unwrap().join("ent-server");
    assert!(
        server_bin.exists(),
        "build it first: cargo build --release -p ent-server"
    );
    let dir = tempfile::tempdir().unwrap();
    let school_path = dir.path().join("school.toml");
    std::fs::write(&school_path, school()).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new(&server_bin)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(dir.path().join("data"))
        .arg("--school")
        .arg(&school_path)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    let probe = reqwest::Client::new();
    while probe
        .get(format!("{base}/auth/login"))
        .send()
        .await
        .is_err()
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let prof = Arc::new(login(&base, "prof").await);
    let userinfo: ent_protocol::UserInfo = prof
        .http
        .get(format!("{base}{}", paths::USERINFO))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let prof_id = userinfo.user_id.clone();
    let group = prof
        .http
        .get(format!("{base}{}", paths::visible_search(Some("6A"))))
        .send()
        .await
        .unwrap()
        .json::<Vec<ent_protocol::Visible>>()
        .await
        .unwrap();
    let group_id = group
        .iter()
        .find(|v| v.nb_users == Some(PUPILS as u64))
        .expect("the 500-pupil group")
        .id
        .clone();

    eprintln!("seeding {MAILBOX} messages…");
    let seed_start = Instant::now();
    let senders: Vec<Arc<Session>> = {
        let mut v = Vec::new();
        for i in 0..8 {
            v.push(Arc::new(login(&base, &format!("eleve{i}")).await));
        }
        v
    };
    let mut tasks = Vec::new();
    for (k, s) in senders.iter().enumerate() {
        let (s, to) = (s.clone(), prof_id.clone());
        tasks.push(tokio::spawn(async move {
            for i in (k..MAILBOX).step_by(8) {
                s.send(vec![to.clone()], &format!("Question numéro {i}"))
                    .await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    eprintln!("seeded in {:.1}s", seed_start.elapsed().as_secs_f64());

    let page: Vec<MessageListItem> = prof
        .http
        .get(format!(
            "{base}{}",
            paths::folder_messages("inbox", &ListQuery::default())
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page[0].count as usize, MAILBOX);
    let read_id = page[3].id.clone();
    let scenarios = [
        (
            "list inbox page",
            paths::folder_messages("inbox", &ListQuery::default()),
        ),
        ("read a message", paths::message(&read_id)),
        ("count unread", paths::count("inbox", true)),
    ];
    println!("| scenario | connections | requests/s | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    for (name, path) in &scenarios {
        for conns in [1, 50, 200] {
            let (rps, p50, p99) = measure(prof.clone(), path.clone(), conns).await;
            println!("| {name} | {conns} | {rps:.0} | {p50:.2} | {p99:.2} |");
        }
    }
    let mut sends = Vec::new();
    for i in 0..20 {
        let (resp, t) = prof
            .send(vec![group_id.clone()], &format!("Annonce {i}"))
            .await;
        assert_eq!(resp.sent as usize, PUPILS);
        sends.push(t);
    }
    sends.sort();
    println!(
        "| send to a group of {PUPILS} | 1 | {:.0} | {:.2} | {:.2} |",
        20.0 / sends.iter().map(Duration::as_secs_f64).sum::<f64>(),
        pct(&sends, 0.5),
        pct(&sends, 0.99)
    );
    child.kill().await.ok();
}
