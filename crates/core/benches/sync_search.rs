//! Benchmarks of messagerie-core, each against a baseline run in the same process.
//!
//! `cargo bench -p messagerie-core --bench sync_search` runs all but `sync-read` (the `sync`
//! figures at 5 ms with every message already read on the ENT); pass `sync`, `incremental`,
//! `scale`, `resume`, `click`, `idle`, `search`, `list` or `recipients` after `--` to run one. Figures go to stdout as Markdown rows.
//!
//! The ENT side is ent-server (`ent_server::testing::TestServer`, demo school) seeded through
//! `ServerHandle::seed_inbox` and slowed by `Faults::set_latency`: the same server as the
//! tests and the app's demo, answering seeded messages as it answers sent ones.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use ent_server::seed::{InboxSeed, Words};
use ent_server::testing::TestServer;
use futures::stream::{self, StreamExt};
use messagerie_core::client::conversation as api;
use messagerie_core::client::{Client, SignIn};
use messagerie_core::session::{Credentials, Secret};
use messagerie_core::sync::SyncMode;
use messagerie_core::{Account, Mailbox};

use messagerie_core::mailbox::listing;
use messagerie_core::message::{self, BodyRow, Recipient, SummaryRow};
use messagerie_core::recipients::{self, Visible};
use messagerie_core::search::{self, SearchQuery};
use messagerie_core::store::Store;

/// Senders of the local stores filled for search and lists (subjects and bodies come from
/// ent-server's seed vocabulary, the same words as the ENT side).
const PEOPLE: &[&str] = &[
    "DURAND Marie",
    "MARTIN Paul",
    "BERNARD Sophie",
    "LEROY Hugo",
    "MOREAU Léa",
    "GIRARD Tom",
    "FOURNIER Emma",
    "LEROY Julien",
    "MOREAU Claire",
    "GIRARD Anne",
    "PETIT Lucas",
    "ROUX Chloé",
];

fn person(rng: &mut Words) -> Recipient {
    let name = *rng.pick(PEOPLE);
    Recipient {
        id: format!("u-{}", name.replace(' ', "-").to_lowercase()),
        display_name: name.to_string(),
        is_group: false,
        profile: Some("Teacher".into()),
        size: None,
    }
}

/// Fills a store with `n` messages with bodies, spread over inbox/outbox/trash.
fn fill(store: &Store, n: usize) {
    let mut rng = Words::new(0x5eed);
    let base = 1_700_000_000_000i64;
    for chunk in (0..n).collect::<Vec<_>>().chunks(5000) {
        store
            .write_blocking(|tx| {
                for &i in chunk {
                    let id = format!("m{i:07}");
                    let row = SummaryRow {
                        id: id.clone(),
                        subject: rng.sentence(4),
                        from: Some(person(&mut rng)),
                        to: vec![person(&mut rng), person(&mut rng)],
                        cc: vec![],
                        cci: vec![],
                        state: "SENT".into(),
                        date: base + (i as i64) * 60_000,
                        unread: rng.next_u64().is_multiple_of(3),
                        response: false,
                        has_attachment: false,
                        no_reply: false,
                    };
                    message::upsert_summary(tx, &row)?;
                    let body = format!(
                        "<p>Bonjour,</p><p>{}</p><p>{}</p>",
                        rng.sentence(40),
                        rng.sentence(30)
                    );
                    message::store_body(
                        tx,
                        &BodyRow {
                            id: id.clone(),
                            body,
                            user_folder_id: None,
                            thread_id: None,
                            parent_id: None,
                            attachments: vec![],
                        },
                    )?;
                    let folder = match i % 10 {
                        0 => "outbox",
                        1 => "trash",
                        _ => "inbox",
                    };
                    listing::place(tx, &id, &BTreeSet::from([folder.to_string()]))?;
                }
                Ok(())
            })
            .expect("fill the store");
    }
}

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 95 / 100).min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn bench_search_and_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.sqlite")).expect("open store");
    let t = Instant::now();
    fill(&store, 100_000);
    println!(
        "<!-- filled 100,000 messages in {:.1} s -->",
        t.elapsed().as_secs_f64()
    );

    let queries: Vec<(&str, SearchQuery, String)> = vec![
        (
            "a word",
            SearchQuery {
                text: "piscine".into(),
                ..Default::default()
            },
            "piscine".into(),
        ),
        (
            "a prefix",
            SearchQuery {
                text: "évalu".into(),
                ..Default::default()
            },
            "évalu".into(),
        ),
        (
            "sender + word",
            SearchQuery {
                text: "kermesse".into(),
                person_id: Some("u-martin-paul".into()),
                ..Default::default()
            },
            "kermesse".into(),
        ),
    ];
    println!("| search over 100,000 messages | FTS p95 | LIKE scan p95 | ratio |");
    println!("|---|---|---|---|");
    for (name, q, word) in &queries {
        let mut fts = Vec::new();
        for _ in 0..50 {
            let q = q.clone();
            let t = Instant::now();
            let hits = store
                .read_blocking(move |c| search::search(c, &q))
                .expect("search");
            fts.push(t.elapsed());
            assert!(!hits.is_empty(), "{name}: no hit");
        }
        let mut like = Vec::new();
        for _ in 0..5 {
            let pattern = format!("%{word}%");
            let person = q.person_id.clone();
            let t = Instant::now();
            store
                .read_blocking(move |c| {
                    let sql = "SELECT id, subject FROM messages m
                        WHERE (subject LIKE ?1 OR body_text LIKE ?1 OR from_name LIKE ?1 OR recipient_names LIKE ?1)
                        AND (?2 IS NULL OR EXISTS (SELECT 1 FROM message_people p WHERE p.message_rowid = m.rowid AND p.person_id = ?2))
                        ORDER BY date DESC LIMIT 50";
                    let mut stmt = c.prepare(sql).expect("prepare");
                    let n = stmt
                        .query_map(rusqlite::params![pattern, person], |r| r.get::<_, String>(0))
                        .expect("query")
                        .count();
                    Ok(n)
                })
                .expect("like");
            like.push(t.elapsed());
        }
        let (f, l) = (p95(fts), p95(like));
        println!(
            "| {name} | {} | {} | {:.0}× |",
            ms(f),
            ms(l),
            l.as_secs_f64() / f.as_secs_f64()
        );
    }

    let mut pages = Vec::new();
    for i in 0..50u32 {
        let t = Instant::now();
        let page = store
            .read_blocking(move |c| listing::page(c, "inbox", i * 100, 100))
            .expect("page");
        pages.push(t.elapsed());
        assert_eq!(page.len(), 100);
    }
    // The last 50 pages of the inbox, and the same pages through the query before issue 14's
    // fix (the join done for every row OFFSET skips), as the baseline; both on one connection.
    let conn = rusqlite::Connection::open(dir.path().join("bench.sqlite")).expect("open");
    let inbox: u32 = conn
        .query_row(
            "SELECT count(*) FROM placements WHERE folder_id = 'inbox'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    let last = inbox.div_ceil(100);
    let mut old = conn
        .prepare(
            "SELECT m.id FROM placements p JOIN messages m ON m.id = p.message_id
             WHERE p.folder_id = 'inbox' ORDER BY p.date DESC LIMIT 100 OFFSET ?1",
        )
        .expect("prepare");
    let (mut deep, mut joined) = (Vec::new(), Vec::new());
    for i in last.saturating_sub(50)..last {
        let t = Instant::now();
        let page = listing::page(&conn, "inbox", i * 100, 100).expect("page");
        deep.push(t.elapsed());
        let t = Instant::now();
        let ids = old
            .query_map([i * 100], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .expect("old page");
        joined.push(t.elapsed());
        assert_eq!(page.len(), ids.len());
    }
    let (d, j) = (p95(deep), p95(joined));
    println!();
    println!("| page of 100 summaries, 100,000-message store | p95 |");
    println!("|---|---|");
    println!("| inbox, pages 0..50 | {} |", ms(p95(pages)));
    println!(
        "| inbox, its last 50 pages ({inbox} messages) | {} |",
        ms(d)
    );
    println!(
        "| the same last pages joined before OFFSET (the query before, baseline) | {} ({:.0}× slower) |",
        ms(j),
        j.as_secs_f64() / d.as_secs_f64()
    );

    // « Afficher par conversation »: the whole inbox read as the window reads it (by message,
    // pages of 1,000 to the end: the baseline; by conversation, one call). No message here has
    // a thread yet, so every message is a conversation of its own: the most lines there can be.
    let t = Instant::now();
    let mut messages = 0;
    loop {
        let n = listing::page(&conn, "inbox", messages, 1000)
            .expect("page")
            .len() as u32;
        messages += n;
        if n < 1000 {
            break;
        }
    }
    let by_message = t.elapsed();
    let t = Instant::now();
    let lines = messagerie_core::mailbox::thread::page(&conn, "inbox", 0, u32::MAX)
        .expect("conversations")
        .len();
    let by_conversation = t.elapsed();
    assert_eq!(lines, messages as usize);
    println!();
    println!("| the whole inbox ({messages} lines) as the window reads it | time |");
    println!("|---|---|");
    println!(
        "| by message, pages of 1,000 (baseline) | {} |",
        ms(by_message)
    );
    println!(
        "| by conversation, one call | {} ({:.1}× the baseline) |",
        ms(by_conversation),
        by_conversation.as_secs_f64() / by_message.as_secs_f64()
    );
}

/// Peak resident memory of this process so far, from /proc (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Starts the peak resident memory over from the current one (Linux `clear_refs`, value 5), so
/// that [`peak_rss_mb`] measures what comes next.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

const SYNC_MESSAGES: usize = 10_000;

/// An ent-server in a child process (this same benchmark binary, `serve-child`): the demo
/// school, `messages` unread messages from two teachers seeded straight into marie.durand's
/// inbox, each request answered after `latency`. Out of process so that the memory measured
/// here is the client's alone (ent-server caches answers), and so that its CPU is its own.
struct ChildEnt {
    child: std::process::Child,
    url: String,
}

impl ChildEnt {
    fn start(messages: usize, latency: Duration) -> ChildEnt {
        ChildEnt::start_with(messages, latency, true)
    }

    /// [`ChildEnt::start`], the messages seeded unread or (`unread` false) already read: then
    /// reading one writes nothing on the ENT.
    fn start_with(messages: usize, latency: Duration, unread: bool) -> ChildEnt {
        use std::io::BufRead;
        let mut child = std::process::Command::new(std::env::current_exe().expect("bench path"))
            .args([
                "serve-child",
                &messages.to_string(),
                &latency.as_millis().to_string(),
                if unread { "unread" } else { "read" },
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the ent-server child");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("child stdout"))
            .read_line(&mut line)
            .expect("the child's address");
        assert!(line.starts_with("http://"), "ent-server child: {line:?}");
        ChildEnt {
            child,
            url: line.trim().to_string(),
        }
    }
}

impl Drop for ChildEnt {
    /// Closes the child's standard input, so that it ends and removes its data folder (killed,
    /// it left it behind: 60 MB a run at 10,000 messages, 600 MB at 100,000), and waits for it.
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The child's side: serves until its standard input closes (the parent dropped it or died).
fn serve_child(messages: usize, latency_ms: u64, unread: bool) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let ent = TestServer::empty_demo().await;
        ent.server()
            .seed_inbox(InboxSeed {
                from: vec!["paul.martin".into(), "sophie.bernard".into()],
                unread_every: usize::from(unread),
                seed: 0xfeed,
                ..InboxSeed::new("marie.durand", messages)
            })
            .await
            .expect("seed ent-server");
        ent.faults().set_latency(Duration::from_millis(latency_ms));
        println!("{}", ent.url());
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            let _ = std::io::stdin().read_line(&mut sink);
        })
        .await;
    });
}

async fn signed_client(url: &str, login: &str) -> Client {
    let client = Client::new(url).expect("client");
    let creds = Credentials {
        login: login.into(),
        password: Secret::new("demo"),
    };
    let session = messagerie_core::client::auth::login_form(&client, &creds)
        .await
        .expect("login");
    client.set_session(Some(session)).await;
    client
        .set_sign_in(SignIn {
            credentials: Some(creds),
            oauth: None,
        })
        .await;
    client
}

async fn signed_mailbox(dir: &std::path::Path, url: &str) -> Mailbox {
    let mb = Mailbox::open(Account::in_dir(dir, url, "marie.durand"))
        .await
        .expect("open");
    mb.sign_in(
        Credentials {
            login: "marie.durand".into(),
            password: Secret::new("demo"),
        },
        None,
    )
    .await
    .expect("sign in");
    mb
}

/// What the ENT's web and mobile clients do: page after page, then each body in turn.
async fn naive(client: &Client) -> usize {
    let mut ids = Vec::new();
    let mut page = 0;
    loop {
        let p = api::list(client, "inbox", page, 25).await.expect("list");
        let n = p.items.len();
        ids.extend(p.items.into_iter().map(|r| r.id));
        if n == 0 || ids.len() >= p.count as usize {
            break;
        }
        page += 1;
    }
    for id in &ids {
        api::message(client, id).await.expect("body");
    }
    ids.len()
}

/// The same requests as a first sync (the pages, then the bodies), `in_flight` at once, nothing
/// stored: the rate the line allows at that concurrency.
async fn ceiling(client: &Client, in_flight: usize) -> usize {
    let first = api::list(client, "inbox", 0, 25).await.expect("list");
    let pages = first.count.div_ceil(25);
    let lists: Vec<_> = stream::iter(1..pages)
        .map(|p| {
            let c = client.clone();
            async move { api::list(&c, "inbox", p, 25).await.expect("list") }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let ids: Vec<String> = first
        .items
        .into_iter()
        .chain(lists.into_iter().flat_map(|p| p.items))
        .map(|r| r.id)
        .collect();
    let n = ids.len();
    let _: Vec<_> = stream::iter(ids)
        .map(|id| {
            let c = client.clone();
            async move { api::message(&c, &id).await.expect("body") }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    n
}

/// Rounds of each variant of [`bench_sync`], alternated: a figure is the median of its rounds,
/// so that one slow moment of a shared machine does not make a ratio.
const SYNC_ROUNDS: usize = 3;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The first sync of `SYNC_MESSAGES` and three baselines, each against its own freshly seeded
/// ent-server answering after `latency`, [`SYNC_ROUNDS`] times in turn, and the incremental
/// check after the first sync. Returns the sync's rate (the median round's).
///
/// With `unread` false every message is already read on the ENT, so that reading a body writes
/// nothing there (ent-server marks a message read on `GET` through its one SQLite writer, §12
/// item 1): the same requests without the ENT's writes, to show what they cost the ceilings.
fn bench_sync(rt: &tokio::runtime::Runtime, latency: Duration, unread: bool) -> f64 {
    rt.block_on(async {
        // Per variant (ours, naive, line ceiling, server ceiling), the time of each round.
        let mut timed: [Vec<Duration>; 4] = Default::default();
        let mut rss: f64 = 0.0;
        let mut in_flight = 0;
        let (mut times, mut requests) = (Vec::new(), 0);
        for round in 0..SYNC_ROUNDS {
            let ent = ChildEnt::start_with(SYNC_MESSAGES, latency, unread);
            let dir = tempfile::tempdir().expect("temp dir");
            let mb = signed_mailbox(dir.path(), &ent.url).await;
            in_flight = mb.client().max_in_flight();
            reset_peak_rss();
            let t = Instant::now();
            let report = mb.sync(SyncMode::Quick).await.expect("sync");
            timed[0].push(t.elapsed());
            assert_eq!(report.bodies_fetched as usize, SYNC_MESSAGES);
            rss = rss.max(peak_rss_mb().unwrap_or(0.0));
            // Incremental, nothing new: after the first round's sync.
            let checks = if round == 0 { 20 } else { 0 };
            for _ in 0..checks {
                let t = Instant::now();
                let r = mb.sync(SyncMode::Quick).await.expect("sync");
                times.push(t.elapsed());
                assert!(r.unchanged);
                requests = requests.max(r.requests);
            }
            drop(ent);

            // Baselines, each on a fresh server with the same data.
            for (i, in_flight) in [(1, 1), (2, in_flight), (3, 256)] {
                let ent = ChildEnt::start_with(SYNC_MESSAGES, latency, unread);
                let client = signed_client(&ent.url, "marie.durand").await;
                let t = Instant::now();
                let n = if i == 1 {
                    naive(&client).await
                } else {
                    ceiling(&client, in_flight).await
                };
                assert_eq!(n, SYNC_MESSAGES);
                timed[i].push(t.elapsed());
            }
        }

        let rate = |d: Duration| SYNC_MESSAGES as f64 / d.as_secs_f64();
        let secs = |v: &Vec<Duration>| {
            v.iter().map(|d| format!("{:.2}", d.as_secs_f64())).collect::<Vec<_>>().join(" / ")
        };
        let [ours, naive_time, line_time, server_time] = timed.clone().map(median);
        // Per round, the baseline's time over ours: the spread of the ratio.
        let spread = |base: &Vec<Duration>| {
            base.iter()
                .zip(&timed[0])
                .map(|(b, o)| b.as_secs_f64() / o.as_secs_f64())
                .fold((f64::MAX, 0f64), |(lo, hi), x| (lo.min(x), hi.max(x)))
        };
        let row = |what: &str, i: usize, m: Duration| {
            println!("| {what} | {} s | {:.2} s | {:.0} |", secs(&timed[i]), m.as_secs_f64(), rate(m));
        };
        let seeded = if unread { "" } else { ", every message already read (reads write nothing)" };
        println!("| first sync of {SYNC_MESSAGES} messages from ent-server, {} ms added per request{seeded}; {SYNC_ROUNDS} rounds in turn | each round | median | messages/s |", latency.as_millis());
        println!("|---|---|---|---|");
        row("messagerie-core first sync (stored, indexed, unread flags restored)", 0, ours);
        row("naive baseline (pages then bodies one by one, nothing stored)", 1, naive_time);
        row(&format!("line ceiling (same requests, {in_flight} in flight, nothing stored)"), 2, line_time);
        row("server ceiling (same requests, 256 in flight, nothing stored)", 3, server_time);
        println!();
        let ((nlo, nhi), (llo, lhi)) = (spread(&timed[1]), spread(&timed[2]));
        println!(
            "Ratios of the medians: **{:.0} %** of the rate {in_flight} requests in flight allow (rounds: {:.0}–{:.0} %), **{:.2}×** the naive baseline (rounds: {nlo:.2}–{nhi:.2}×), {:.0} % of the server ceiling.",
            100.0 * line_time.as_secs_f64() / ours.as_secs_f64(),
            100.0 * llo,
            100.0 * lhi,
            naive_time.as_secs_f64() / ours.as_secs_f64(),
            100.0 * server_time.as_secs_f64() / ours.as_secs_f64()
        );
        println!();
        println!("| incremental sync, nothing new | p95 | HTTP requests |");
        println!("|---|---|---|");
        println!("| quick check | {} | {} |", ms(p95(times)), requests);
        println!();
        println!("Peak resident memory of the client during a first sync (the most of the rounds): {rss:.0} MB (ent-server runs in a child process).");
        println!();
        rate(ours)
    })
}

/// User and system CPU time of a process so far, from its `/proc/PID/stat` (Linux; clock ticks
/// of 1/100 s).
fn cpu_seconds(stat: &str) -> Option<f64> {
    let text = std::fs::read_to_string(stat).ok()?;
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// One first sync of `count` messages (or, with `ceiling_only`, the line ceiling's requests) at
/// `latency`, nothing else: for profiling (`perf record` on this binary with `sync-once 5` or
/// `ceiling-once 5`, then the count, `SYNC_MESSAGES` by default) and quick comparisons; the
/// figures of BENCHMARKS.md come from `sync`.
fn sync_once(latency: Duration, count: usize, ceiling_only: bool) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let ent = ChildEnt::start(count, latency);
        eprintln!("ent-server child pid {}", ent.child.id());
        let dir = tempfile::tempdir().expect("temp dir");
        let mb = signed_mailbox(dir.path(), &ent.url).await;
        let child = format!("/proc/{}/stat", ent.child.id());
        let cpu = |path: &str| cpu_seconds(path).unwrap_or(0.0);
        let (client_cpu, server_cpu) = (cpu("/proc/self/stat"), cpu(&child));
        let t = Instant::now();
        let what = if ceiling_only {
            let n = ceiling(mb.client(), mb.client().max_in_flight()).await;
            assert_eq!(n, count);
            "line ceiling"
        } else {
            let mut events = mb.events();
            let first_body = async {
                loop {
                    if let Ok(messagerie_core::mailbox::Event::Progress { folder, .. }) =
                        events.recv().await
                    {
                        if folder == "bodies" {
                            return t.elapsed();
                        }
                    }
                }
            };
            let (report, listed) = tokio::join!(mb.sync(SyncMode::Quick), first_body);
            assert_eq!(report.expect("sync").bodies_fetched as usize, count);
            eprintln!("first body stored after {:.2} s", listed.as_secs_f64());
            "first sync"
        };
        let took = t.elapsed();
        println!(
            "{what} of {count} at {} ms: {:.2} s, {:.0} msg/s; CPU: client {:.2} s, ent-server {:.2} s",
            latency.as_millis(),
            took.as_secs_f64(),
            count as f64 / took.as_secs_f64(),
            cpu("/proc/self/stat") - client_cpu,
            cpu(&child) - server_cpu,
        );
    });
}

/// The first sync of 100,000 messages at 5 ms: its rate against the 10,000 case of the same
/// run, and the client's peak memory.
fn bench_scale(rt: &tokio::runtime::Runtime, rate_10k: Option<f64>) {
    const BIG: usize = 100_000;
    let latency = Duration::from_millis(5);
    rt.block_on(async {
        let t = Instant::now();
        let ent = ChildEnt::start(BIG, latency);
        println!("<!-- seeded ent-server with {BIG} messages in {:.1} s -->", t.elapsed().as_secs_f64());
        let dir = tempfile::tempdir().expect("temp dir");
        let mb = signed_mailbox(dir.path(), &ent.url).await;
        reset_peak_rss();
        let before = peak_rss_mb().unwrap_or(0.0);
        let t = Instant::now();
        // The listing is over at the first progress of the bodies whose total is the whole
        // mailbox (the bodies are fetched while it goes on, so their total grows with it): the
        // split says where the time goes.
        let mut events = mb.events();
        let listing_done = async {
            loop {
                if let Ok(messagerie_core::mailbox::Event::Progress { folder, total, .. }) = events.recv().await {
                    if folder == "bodies" && total as usize == BIG {
                        return t.elapsed();
                    }
                }
            }
        };
        let (report, listed) = tokio::join!(mb.sync(SyncMode::Quick), listing_done);
        let report = report.expect("sync");
        let took = t.elapsed();
        let peak = peak_rss_mb().unwrap_or(0.0);
        assert_eq!(report.bodies_fetched as usize, BIG);
        let rate = BIG as f64 / took.as_secs_f64();

        // Search and lists at that size, right after the sync (cold) and twice more (warm).
        let mut rounds = Vec::new();
        for _ in 0..3 {
            let mut search_times = Vec::new();
            for word in ["sortie", "réunion", "cantine", "bulletin", "piscine"] {
                let t = Instant::now();
                let _ = mb
                    .search(SearchQuery { text: word.into(), ..Default::default() })
                    .await
                    .expect("search");
                search_times.push(t.elapsed());
            }
            let mut list_times = Vec::new();
            for page in [0u32, 10, 100, 1000, 3999] {
                let t = Instant::now();
                let _ = mb.list("inbox", page * 25, 25).await.expect("list");
                list_times.push(t.elapsed());
            }
            rounds.push(format!("search p95 {}, a page of the inbox p95 {}", ms(p95(search_times)), ms(p95(list_times))));
        }
        println!("| first sync of {BIG} messages, 5 ms per request | time | listing ended after | messages/s | peak memory |");
        println!("|---|---|---|---|---|");
        println!("| messagerie-core | {:.1} s | {:.1} s | {rate:.0} | {peak:.0} MB (from {before:.0} MB) |", took.as_secs_f64(), listed.as_secs_f64());
        if let Some(small) = rate_10k {
            println!();
            println!("Rate against the 10,000-message sync of the same run: **{:.0} %**.", 100.0 * rate / small);
        }
        println!();
        println!("At {BIG} messages (5 words; pages 0 to 3,999 of the inbox), right after the sync: {}; then: {}; {}.", rounds[0], rounds[1], rounds[2]);
        println!();
    });
}

/// A first sync of `SYNC_MESSAGES` at 5 ms stopped halfway (its future dropped, as when the
/// process is killed: what was committed stays), then the next sync: its requests against the
/// work still to do (the bodies still missing, and the pages of the listing not stored yet).
fn bench_resume(rt: &tokio::runtime::Runtime) {
    let latency = Duration::from_millis(5);
    rt.block_on(async {
        let ent = ChildEnt::start(SYNC_MESSAGES, latency);
        let dir = tempfile::tempdir().expect("temp dir");
        let mb = signed_mailbox(dir.path(), &ent.url).await;
        let mut events = mb.events();
        let halfway = async {
            loop {
                if let Ok(messagerie_core::mailbox::Event::Progress { folder, done, .. }) =
                    events.recv().await
                {
                    if folder == "bodies" && done as usize >= SYNC_MESSAGES / 2 {
                        return;
                    }
                }
            }
        };
        tokio::select! {
            _ = mb.sync(SyncMode::Quick) => panic!("the sync ended before half its bodies"),
            () = halfway => {}
        }
        drop(mb);
        let mb = signed_mailbox(dir.path(), &ent.url).await;
        // Bodies are fetched while the listing goes on, which may not have ended: the messages
        // not listed yet miss their bodies too, and their pages (stored in order) are to list.
        let inbox = mb.list("inbox", 0, SYNC_MESSAGES as u32).await.expect("list");
        let mut without_body = SYNC_MESSAGES - inbox.len();
        for m in &inbox {
            if mb.message(&m.id).await.expect("message").body.is_none() {
                without_body += 1;
            }
        }
        let unlisted_pages = (SYNC_MESSAGES - inbox.len()).div_ceil(25);
        let report = mb.sync(SyncMode::Quick).await.expect("resumed sync");
        assert_eq!(report.bodies_fetched as usize, without_body);
        println!("| first sync of {SYNC_MESSAGES} stopped halfway, then started again | bodies still missing | pages not listed | requests of the resumed sync | ratio |");
        println!("|---|---|---|---|---|");
        println!(
            "| messagerie-core | {without_body} | {unlisted_pages} | {} | **{:.3}** |",
            report.requests,
            report.requests as f64 / (without_body + unlisted_pages) as f64
        );
        println!();
    });
}

/// Clicks during a first sync of `SYNC_MESSAGES` at 5 ms: the time from opening a message whose
/// body is not downloaded yet to its body, against the time of one request in the same run.
fn bench_click(rt: &tokio::runtime::Runtime) {
    let latency = Duration::from_millis(5);
    rt.block_on(async {
        let ent = ChildEnt::start(SYNC_MESSAGES, latency);
        let dir = tempfile::tempdir().expect("temp dir");
        let mb = signed_mailbox(dir.path(), &ent.url).await;
        // One request alone, for scale.
        let client = signed_client(&ent.url, "paul.martin").await;
        let mut alone = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            api::count(&client, "inbox", true).await.expect("count");
            alone.push(t.elapsed());
        }
        let sync = mb.sync(SyncMode::Quick);
        tokio::pin!(sync);
        let mut events = mb.events();
        loop {
            tokio::select! {
                _ = &mut sync => panic!("the sync ended before its bodies"),
                // Once the whole inbox is listed (the bodies' total is the mailbox), so that the
                // clicks go to messages far down the download queue.
                e = events.recv() => {
                    if let Ok(messagerie_core::mailbox::Event::Progress { folder, total, .. }) = e {
                        if folder == "bodies" && total as usize == SYNC_MESSAGES { break; }
                    }
                }
            }
        }
        let inbox = mb.list("inbox", 0, SYNC_MESSAGES as u32).await.expect("list");
        let mut clicks = Vec::new();
        let mut next = inbox.iter().rev();
        while clicks.len() < 40 {
            let Some(m) = next.next() else { break };
            if mb.message(&m.id).await.expect("message").body.is_some() {
                continue;
            }
            let t = Instant::now();
            let opened = tokio::select! {
                _ = &mut sync => break,
                opened = mb.read(&m.id) => opened.expect("read"),
            };
            assert!(opened.body.is_some());
            clicks.push(t.elapsed());
            tokio::select! {
                _ = &mut sync => break,
                () = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
        let _ = sync.await;
        println!("| during a first sync of {SYNC_MESSAGES} at 5 ms per request | clicks | p50 | p95 | one request alone, p50 |");
        println!("|---|---|---|---|---|");
        println!(
            "| opening a message not downloaded yet, to its body | {} | {} | **{}** | {} |",
            clicks.len(),
            ms(p50(clicks.clone())),
            ms(p95(clicks)),
            ms(p50(alone))
        );
        println!();
    });
}

/// What an idle, signed-in app costs the ENT: the quick checks of an hour at the default
/// interval, in requests and bytes, after the first sync of `SYNC_MESSAGES`.
fn bench_idle(rt: &tokio::runtime::Runtime) {
    rt.block_on(async {
        let ent = ChildEnt::start(SYNC_MESSAGES, Duration::ZERO);
        let dir = tempfile::tempdir().expect("temp dir");
        let mb = signed_mailbox(dir.path(), &ent.url).await;
        mb.sync(SyncMode::Quick).await.expect("first sync");
        let checks = 30u64;
        let (r0, b0) = (mb.client().request_count(), mb.client().bytes_received());
        for _ in 0..checks {
            assert!(mb.sync(SyncMode::Quick).await.expect("check").unchanged);
        }
        let requests = (mb.client().request_count() - r0) as f64 / checks as f64;
        let bytes = (mb.client().bytes_received() - b0) as f64 / checks as f64;
        let per_hour = 3600.0 / messagerie_core::sync::engine::DEFAULT_INTERVAL.as_secs_f64();
        println!("| idle, signed in, {SYNC_MESSAGES} messages, nothing new | per check | per hour (a check every {} s) |", messagerie_core::sync::engine::DEFAULT_INTERVAL.as_secs());
        println!("|---|---|---|");
        println!("| requests | {requests:.1} | {:.0} |", requests * per_hour);
        println!("| bytes received (answer bodies) | {bytes:.0} | {:.0} kB |", bytes * per_hour / 1000.0);
        println!();
    });
}

const LAST_NAMES: &[&str] = &[
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFÈVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFÈBVRE",
    "FAURE",
    "ANDRÉ",
    "MERCIER",
    "BLANC",
    "GUÉRIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANÇOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLÉMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
];
const FIRST_NAMES: &[&str] = &[
    "Paul", "Marie", "Léa", "Hugo", "Chloé", "Lucas", "Emma", "Louis", "Jade", "Gabriel", "Inès",
    "Arthur", "Zoé", "Jules", "Manon", "Raphaël", "Camille", "Adam", "Léna", "Nathan", "Élise",
    "Théo", "Anaïs", "Noé", "Sarah", "Tom", "Lina", "Sacha", "Eva", "Maël",
];
const PROFILES: &[&str] = &["Student", "Relative", "Teacher", "Personnel"];

/// The visible list of a school of `users` people and `groups` groups, as the sync stores it.
fn school(users: usize, groups: usize) -> Vec<Visible> {
    let mut rng = Words::new(0x2545_f491_4f6c_dd1d);
    let mut list = Vec::with_capacity(users + groups);
    for i in 0..users {
        let profile = *rng.pick(PROFILES);
        list.push(Visible {
            id: format!("u{i:05}"),
            display_name: format!("{} {}", rng.pick(LAST_NAMES), rng.pick(FIRST_NAMES)),
            kind: "User".into(),
            profile: Some(profile.into()),
            nb_users: None,
            group_type: None,
            structure_name: None,
            used_in: vec!["TO".into(), "CC".into(), "CCI".into()],
        });
    }
    let kinds = ["Élèves", "Parents", "Enseignants", "Personnels"];
    for i in 0..groups {
        let kind = kinds[i % kinds.len()];
        let class = format!(
            "{}{}",
            3 + (i / 4) % 4,
            (b'A' + ((i / 16) % 26) as u8) as char
        );
        list.push(Visible {
            id: format!("g{i:04}"),
            display_name: format!("{kind} du groupe {class}."),
            kind: "Group".into(),
            profile: None,
            nb_users: Some(1 + (rng.next_u64() % 40) as u32),
            group_type: Some("ProfileGroup".into()),
            structure_name: Some("Collège Jean Moulin".into()),
            used_in: vec!["TO".into(), "CC".into(), "CCI".into()],
        });
    }
    list
}

/// p50 of `samples`.
fn p50(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Recipient suggestions offline: each key press of a name being typed, from the store, through
/// the same path as `Mailbox::recipients` (reads on the blocking pool), against a plain
/// `LIKE '%…%'` scan of the same table through the same path.
fn bench_recipients(rt: &tokio::runtime::Runtime) {
    const USERS: usize = 2_000;
    const GROUPS: usize = 300;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.sqlite")).expect("open store");
    let list = school(USERS, GROUPS);
    store
        .write_blocking(|tx| recipients::replace_all(tx, &list))
        .expect("fill the visible list");

    // What a user types, one key at a time: last names, first names (accent-free, as typed),
    // group words.
    let typed = [
        "martin",
        "dubois",
        "lefevre",
        "guerin",
        "francois",
        "chloe",
        "raphael",
        "elise",
        "parents",
        "eleves",
        "enseignants",
        "mor",
        "ga",
        "le",
    ];
    let mut presses: Vec<String> = Vec::new();
    for word in typed {
        for end in 1..=word.len() {
            presses.push(word[..end].to_string());
        }
    }

    let mut fts = Vec::new();
    let mut like = Vec::new();
    for _round in 0..5 {
        for q in &presses {
            let (q1, q2) = (q.clone(), q.clone());
            let t = Instant::now();
            // As `Mailbox::recipients`: the list's age, then the search, two reads.
            let found = rt
                .block_on(async {
                    store.read(recipients::fetched_at).await?;
                    store
                        .read(move |c| recipients::search(c, &q1, Some(20)))
                        .await
                })
                .expect("suggest");
            fts.push(t.elapsed());
            // Accent-free typing must still find the accented names.
            assert!(!found.is_empty(), "no suggestion for {q}");

            let t = Instant::now();
            rt.block_on(store.read(move |c| {
                let mut stmt = c
                    .prepare_cached(
                        "SELECT id, display_name, kind, profile, nb_users, group_type, structure,
                            used_in FROM visibles WHERE display_name LIKE '%' || ?1 || '%'
                         ORDER BY kind != 'User', display_name LIMIT 20",
                    )
                    .expect("prepare");
                let n = stmt
                    .query_map([q2], |r| r.get::<_, String>(0))
                    .expect("query")
                    .count();
                Ok(n)
            }))
            .expect("like");
            like.push(t.elapsed());
        }
    }
    let n = fts.len();
    let (f50, f95, l50, l95) = (p50(fts.clone()), p95(fts), p50(like.clone()), p95(like));
    println!();
    println!(
        "| recipient suggestions, {USERS} users + {GROUPS} groups, {n} key presses | p50 | p95 |"
    );
    println!("|---|---|---|");
    println!(
        "| messagerie-core (FTS5 prefix, accents folded) | {} | {} |",
        ms(f50),
        ms(f95)
    );
    println!(
        "| baseline: plain LIKE '%…%' scan | {} | {} |",
        ms(l50),
        ms(l95)
    );
    println!(
        "| ratio (baseline / core) | {:.1}× | {:.1}× |",
        l50.as_secs_f64() / f50.as_secs_f64(),
        l95.as_secs_f64() / f95.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if args.first().map(String::as_str) == Some("serve-child") {
        let count = args
            .get(1)
            .and_then(|a| a.parse().ok())
            .unwrap_or(SYNC_MESSAGES);
        let latency = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0);
        serve_child(
            count,
            latency,
            args.get(3).map(String::as_str) != Some("read"),
        );
        return;
    }
    let once = |ceiling_only| {
        let latency = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
        let count = args
            .get(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(SYNC_MESSAGES);
        sync_once(Duration::from_millis(latency), count, ceiling_only);
    };
    if args.first().map(String::as_str) == Some("sync-once") {
        once(false);
        return;
    }
    if args.first().map(String::as_str) == Some("ceiling-once") {
        once(true);
        return;
    }
    let all = args.is_empty();
    let wants = |name: &str| all || args.iter().any(|a| a == name);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut rate_10k = None;
    if wants("sync") || wants("incremental") || wants("ent-server") {
        // No latency: ent-server's CPU is the limit. 5 ms: a school ENT on a good line.
        bench_sync(&rt, Duration::ZERO, true);
        rate_10k = Some(bench_sync(&rt, Duration::from_millis(5), true));
    }
    // Not part of a run of every bench: named alone.
    if args.iter().any(|a| a == "sync-read") {
        bench_sync(&rt, Duration::from_millis(5), false);
    }
    if wants("scale") {
        bench_scale(&rt, rate_10k);
    }
    if wants("resume") {
        bench_resume(&rt);
    }
    if wants("click") {
        bench_click(&rt);
    }
    if wants("idle") {
        bench_idle(&rt);
    }
    if wants("search") || wants("list") {
        bench_search_and_list();
    }
    if wants("recipients") {
        bench_recipients(&rt);
    }
}
