//! Benchmarks of messagerie-core, each against a baseline run in the same process.
//!
//! `cargo bench -p messagerie-core --bench sync_search` runs all; pass `sync`, `incremental`,
//! `search` or `list` after `--` to run one. Figures go to stdout as Markdown rows.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use messagerie_core::mailbox::listing;
use messagerie_core::message::{self, BodyRow, Recipient, SummaryRow};
use messagerie_core::search::{self, SearchQuery};
use messagerie_core::store::{Origin, Store};

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
                    message::upsert_summary(tx, &row, Origin::Sync)?;
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

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let all = args.is_empty();
    let wants = |name: &str| all || args.iter().any(|a| a == name);
    if wants("search") || wants("list") {
        bench_search_and_list();
    }
}
