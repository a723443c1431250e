//! Benchmarks of messagerie-core, each against a baseline run in the same process.
//!
//! `cargo bench -p messagerie-core --bench sync_search` runs all; pass `sync`, `incremental`,
//! `search`, `list` or `recipients` after `--` to run one. Figures go to stdout as Markdown rows.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

// The loopback ENT peer of the integration tests (ent-server's library API had not landed).
#[path = "../tests/it/peer.rs"]
#[allow(
    dead_code,
    clippy::unwrap_used,
    clippy::await_holding_lock,
    clippy::result_large_err
)]
mod peer;

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

const WORDS: &[&str] = &[
    "conseil",
    "classe",
    "réunion",
    "parents",
    "évaluation",
    "mathématiques",
    "français",
    "histoire",
    "géographie",
    "sortie",
    "musée",
    "cantine",
    "bulletin",
    "trimestre",
    "devoirs",
    "rappel",
    "absence",
    "retard",
    "professeur",
    "élèves",
    "projet",
    "voyage",
    "autorisation",
    "inscription",
    "photo",
    "cahier",
    "correction",
    "contrôle",
    "semaine",
    "prochaine",
    "jeudi",
    "vendredi",
    "lundi",
    "horaires",
    "salle",
    "gymnase",
    "piscine",
    "bibliothèque",
    "lecture",
    "orthographe",
    "dictée",
    "exercice",
    "leçon",
    "poésie",
    "chorale",
    "spectacle",
    "fête",
    "kermesse",
    "vacances",
    "rentrée",
    "calendrier",
    "planning",
    "emploi",
    "temps",
    "stage",
];
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

/// A small deterministic generator (no dependency, same data every run).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
    fn sentence(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| self.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn person(rng: &mut Rng) -> Recipient {
    let name = rng.pick(PEOPLE);
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
    let mut rng = Rng(0x5eed);
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
                        unread: rng.next().is_multiple_of(3),
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
    println!();
    println!("| page of 100 summaries, 100,000-message store | p95 |");
    println!("|---|---|");
    println!("| inbox, pages 0..50 | {} |", ms(p95(pages)));
}

/// Peak resident memory of this process so far, from /proc (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

const SYNC_MESSAGES: usize = 10_000;

fn fill_peer(data: &peer::Shared) {
    let mut d = data.lock().expect("peer data");
    let mut rng = Rng(0xfeed);
    for i in 0..SYNC_MESSAGES {
        let from = if i % 2 == 0 {
            "paul.martin"
        } else {
            "sophie.bernard"
        };
        let body = format!("<p>{}</p><p>{}</p>", rng.sentence(40), rng.sentence(30));
        peer::deliver(&mut d, from, &["marie.durand"], &rng.sentence(4), &body);
    }
}

async fn signed_client(url: &str) -> Client {
    let client = Client::new(url).expect("client");
    let creds = Credentials {
        login: "marie.durand".into(),
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

/// The same requests, all in flight at once: what the server can take.
async fn ceiling(client: &Client) -> usize {
    let first = api::list(client, "inbox", 0, 25).await.expect("list");
    let pages = first.count.div_ceil(25);
    let lists: Vec<_> = stream::iter(1..pages)
        .map(|p| {
            let c = client.clone();
            async move { api::list(&c, "inbox", p, 25).await.expect("list") }
        })
        .buffer_unordered(256)
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
        .buffer_unordered(256)
        .collect()
        .await;
    n
}

fn bench_sync(rt: &tokio::runtime::Runtime, latency: Duration) {
    rt.block_on(async {
        let rss_before = peak_rss_mb().unwrap_or(0.0);
        // Ours: the first sync, into a real store on disk.
        let server = peer::Peer::start().await;
        fill_peer(&server.data);
        server.data.lock().expect("peer").latency = latency;
        let dir = tempfile::tempdir().expect("temp dir");
        let mb = Mailbox::open(Account::in_dir(dir.path(), &server.url(), "marie.durand")).await.expect("open");
        mb.sign_in(Credentials { login: "marie.durand".into(), password: Secret::new("demo") }, None)
            .await
            .expect("sign in");
        let t = Instant::now();
        let report = mb.sync(SyncMode::Quick).await.expect("sync");
        let ours = t.elapsed();
        assert_eq!(report.bodies_fetched as usize, SYNC_MESSAGES);
        let rss_after = peak_rss_mb().unwrap_or(0.0);

        // Incremental, nothing new.
        let mut times = Vec::new();
        let mut requests = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let r = mb.sync(SyncMode::Quick).await.expect("sync");
            times.push(t.elapsed());
            assert!(r.unchanged);
            requests = requests.max(r.requests);
        }

        // Baselines on a fresh peer each, same data.
        let server = peer::Peer::start().await;
        fill_peer(&server.data);
        server.data.lock().expect("peer").latency = latency;
        let client = signed_client(&server.url()).await;
        let t = Instant::now();
        let n = naive(&client).await;
        let naive_time = t.elapsed();
        assert_eq!(n, SYNC_MESSAGES);

        let server = peer::Peer::start().await;
        fill_peer(&server.data);
        server.data.lock().expect("peer").latency = latency;
        let client = signed_client(&server.url()).await;
        let t = Instant::now();
        ceiling(&client).await;
        let ceiling_time = t.elapsed();

        let rate = |d: Duration| SYNC_MESSAGES as f64 / d.as_secs_f64();
        println!("| first sync of {SYNC_MESSAGES} messages, {} ms added per request | time | messages/s |", latency.as_millis());
        println!("|---|---|---|");
        println!("| messagerie-core first sync | {:.2} s | {:.0} |", ours.as_secs_f64(), rate(ours));
        println!("| naive baseline (pages then bodies one by one, nothing stored) | {:.2} s | {:.0} |", naive_time.as_secs_f64(), rate(naive_time));
        println!("| server ceiling (same requests, 256 in flight, nothing stored) | {:.2} s | {:.0} |", ceiling_time.as_secs_f64(), rate(ceiling_time));
        println!();
        println!("Ratio to the naive baseline: **{:.1}×** faster. Ratio to the ceiling: {:.0} % of its rate.",
            naive_time.as_secs_f64() / ours.as_secs_f64(),
            100.0 * ceiling_time.as_secs_f64() / ours.as_secs_f64());
        println!();
        println!("| incremental sync, nothing new | p95 | HTTP requests |");
        println!("|---|---|---|");
        println!("| quick check | {} | {} |", ms(p95(times)), requests);
        println!();
        println!("Peak resident memory of the bench process: {rss_before:.0} MB before the sync, {rss_after:.0} MB after it (includes the in-process peer and its 10,000 messages).");
        println!();
    });
}

/// The first sync against the project's ent-server (demo school), filled through its API.
fn bench_sync_ent_server(rt: &tokio::runtime::Runtime) {
    rt.block_on(async {
        let server_dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let server = ent_server::start(listener, ent_server::Config::demo(server_dir.path()))
            .await
            .expect("ent-server");
        let url = format!("http://{}", server.addr());
        let dir = tempfile::tempdir().expect("temp dir");
        let open = |login: &'static str| {
            let (url, root) = (url.clone(), dir.path().to_path_buf());
            async move {
                let mb = Mailbox::open(Account::in_dir(&root, &url, login)).await.expect("open");
                mb.sign_in(Credentials { login: login.into(), password: Secret::new("demo") }, None)
                    .await
                    .expect("sign in");
                mb
            }
        };
        let marie = open("marie.durand").await;
        let marie_id = marie.user().await.expect("user").expect("signed in").0;
        // Fill: paul sends to marie through the API, 16 at a time.
        let paul = signed_client_as(&url, "paul.martin").await;
        let t = Instant::now();
        let mut rng = Rng(0xabc);
        let contents: Vec<_> = (0..SYNC_MESSAGES)
            .map(|_| messagerie_core::queue::DraftContent {
                subject: rng.sentence(4),
                body: format!("<p>{}</p><p>{}</p>", rng.sentence(40), rng.sentence(30)),
                to: vec![marie_id.clone()],
                ..Default::default()
            })
            .collect();
        stream::iter(contents)
            .map(|c| {
                let client = paul.clone();
                async move {
                    let id = api::create_draft(&client, &c).await.expect("draft");
                    api::send(&client, &id, &c).await.expect("send");
                }
            })
            .buffer_unordered(16)
            .collect::<Vec<_>>()
            .await;
        println!("<!-- filled ent-server with {SYNC_MESSAGES} messages in {:.1} s -->", t.elapsed().as_secs_f64());

        let rss_before = peak_rss_mb().unwrap_or(0.0);
        let t = Instant::now();
        let report = marie.sync(SyncMode::Quick).await.expect("sync");
        let ours = t.elapsed();
        let rss_after = peak_rss_mb().unwrap_or(0.0);
        assert!(report.bodies_fetched as usize >= SYNC_MESSAGES, "{report:?}");
        let mut times = Vec::new();
        let mut requests = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let r = marie.sync(SyncMode::Quick).await.expect("sync");
            times.push(t.elapsed());
            assert!(r.unchanged);
            requests = requests.max(r.requests);
        }
        let client = signed_client_as(&url, "marie.durand").await;
        let t = Instant::now();
        naive(&client).await;
        let naive_time = t.elapsed();
        let t = Instant::now();
        ceiling(&client).await;
        let ceiling_time = t.elapsed();
        let n = report.bodies_fetched as f64;
        println!("| first sync from ent-server (demo school + {SYNC_MESSAGES} messages) | time | messages/s |");
        println!("|---|---|---|");
        println!("| messagerie-core first sync | {:.2} s | {:.0} |", ours.as_secs_f64(), n / ours.as_secs_f64());
        println!("| naive baseline | {:.2} s | {:.0} |", naive_time.as_secs_f64(), n / naive_time.as_secs_f64());
        println!("| server ceiling (256 in flight) | {:.2} s | {:.0} |", ceiling_time.as_secs_f64(), n / ceiling_time.as_secs_f64());
        println!();
        println!("Ratio to the naive baseline: **{:.1}×**. Ratio to the ceiling: {:.0} % of its rate.",
            naive_time.as_secs_f64() / ours.as_secs_f64(),
            100.0 * ceiling_time.as_secs_f64() / ours.as_secs_f64());
        println!();
        println!("| incremental sync against ent-server, nothing new | p95 | HTTP requests |");
        println!("|---|---|---|");
        println!("| quick check | {} | {} |", ms(p95(times)), requests);
        println!();
        println!("Peak resident memory (whole process, ent-server included): {rss_before:.0} MB before, {rss_after:.0} MB after the sync.");
        println!();
        server.stop().await;
    });
}

async fn signed_client_as(url: &str, login: &str) -> Client {
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
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut list = Vec::with_capacity(users + groups);
    for i in 0..users {
        let profile = rng.pick(PROFILES);
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
            nb_users: Some(1 + (rng.next() % 40) as u32),
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
    let all = args.is_empty();
    let wants = |name: &str| all || args.iter().any(|a| a == name);
    if wants("ent-server") {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        bench_sync_ent_server(&rt);
    }
    if wants("sync") || wants("incremental") {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        // No latency: the peer's CPU is the limit. 5 ms: a school ENT on a good line.
        bench_sync(&rt, Duration::ZERO);
        bench_sync(&rt, Duration::from_millis(5));
    }
    if wants("search") || wants("list") {
        bench_search_and_list();
    }
    if wants("recipients") {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        bench_recipients(&rt);
    }
}
