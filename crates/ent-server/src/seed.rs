//! Bulk seeding for benchmarks and size tests: thousands of messages written into one user's
//! inbox in one SQLite transaction, through the tables the routes read (`messages` with its
//! search index, one `usermessages` row for the recipient and one for the sender), so that
//! lists, counts, reads, search and every state change answer them exactly as they answer a
//! message that went through `POST /conversation/send`. Sending 100,000 messages through the
//! API takes minutes; this takes seconds.
//!
//! What a send does and a seed does not: timeline notifications (one per recipient) are not
//! written, and no attachment is linked. Senders must be allowed to write to the recipient
//! (the communication rules of the directory are checked once per sender).

use anyhow::Context;
use rusqlite::params;

use crate::render::Named;
use crate::ServerHandle;

/// The words generated subjects and bodies draw from: a school's vocabulary, accents included,
/// so that search benchmarks find something for each of them.
pub const VOCABULARY: &[&str] = &[
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

/// A small deterministic generator (xorshift): the same seed gives the same text every run.
#[derive(Debug, Clone)]
pub struct Words(u64);

impl Words {
    /// A generator started from `seed` (0 is replaced: xorshift would stay at 0).
    pub fn new(seed: u64) -> Words {
        Words(if seed == 0 { 0x5eed } else { seed })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// One item of `list` (which must not be empty).
    pub fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[(self.next_u64() % list.len() as u64) as usize]
    }

    /// `n` words of [`VOCABULARY`] separated by spaces.
    pub fn sentence(&mut self, n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(self.pick::<&str>(VOCABULARY));
        }
        out
    }
}

/// What [`ServerHandle::seed_inbox`] writes.
#[derive(Debug, Clone)]
pub struct InboxSeed {
    /// Login of the user whose inbox is filled.
    pub to: String,
    /// Logins of the senders, taken in turn; empty: every user of the school who may write to
    /// `to`, in the directory's order.
    pub from: Vec<String>,
    /// How many messages.
    pub count: usize,
    /// One message in `unread_every` is unread, the others read (0: all read, 1: all unread).
    pub unread_every: usize,
    /// Seed of the generated subjects, bodies and ids: the same seed writes the same messages.
    pub seed: u64,
    /// The body of every message (HTML), instead of generated ones: large messages, say.
    pub body: Option<String>,
}

impl InboxSeed {
    /// `count` messages to `to` from every user who may write to them, one in three unread.
    pub fn new(to: &str, count: usize) -> InboxSeed {
        InboxSeed {
            to: to.to_owned(),
            from: Vec::new(),
            count,
            unread_every: 3,
            seed: 0x5eed,
            body: None,
        }
    }
}

/// What a seed wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    /// Messages written.
    pub count: usize,
    /// Of which unread for the recipient.
    pub unread: usize,
}

/// One generated message: its subject, its body (HTML) and the text indexed for search.
struct Generated {
    subject: String,
    body: String,
    text: String,
}

fn generate(words: &mut Words) -> Generated {
    let subject = words.sentence(4);
    let (a, b) = (words.sentence(40), words.sentence(30));
    Generated {
        body: format!("<p>Bonjour,</p><p>{a}</p><p>{b}</p>"),
        text: format!("Bonjour, {a} {b}"),
        subject,
    }
}

/// A version-4 shaped id from the generator, so that ids look like the server's own.
fn generated_id(words: &mut Words) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&words.next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&words.next_u64().to_le_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

impl ServerHandle {
    /// Writes `seed.count` messages into the inbox of `seed.to`, in one transaction, dated one
    /// minute apart and ending now; each sender finds them in their outbox. Fails, writing
    /// nothing, if a login is unknown or a sender may not write to the recipient.
    pub async fn seed_inbox(&self, seed: InboxSeed) -> anyhow::Result<Seeded> {
        let dir = &self.state.cfg.directory;
        let to = dir
            .user_by_login(&seed.to)
            .with_context(|| format!("no user {} in the school", seed.to))?
            .id
            .clone();
        let may_write =
            |from: &str| from != to && dir.can_send(from, std::slice::from_ref(&to), &[]).is_ok();
        let senders: Vec<String> = if seed.from.is_empty() {
            dir.users()
                .map(|u| u.id.clone())
                .filter(|id| may_write(id))
                .collect()
        } else {
            let mut ids = Vec::new();
            for login in &seed.from {
                let id = &dir
                    .user_by_login(login)
                    .with_context(|| format!("no user {login} in the school"))?
                    .id;
                anyhow::ensure!(may_write(id), "{login} may not write to {}", seed.to);
                ids.push(id.clone());
            }
            ids
        };
        anyhow::ensure!(!senders.is_empty(), "nobody may write to {}", seed.to);
        // Display-name snapshots (§3.6), one per sender: [sender, recipient].
        let names: Vec<(String, String, String)> = senders
            .iter()
            .map(|from| {
                let named: Vec<Named> = crate::render::snapshot(dir, [from, &to]);
                let text = named
                    .iter()
                    .map(|n| n.1.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let json = serde_json::to_string(&named).unwrap_or_else(|_| "[]".into());
                (from.clone(), json, text)
            })
            .collect();
        let to_ids = serde_json::to_string(&[&to])?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        self.state
            .db
            .write(move |tx| {
                let mut words = Words::new(seed.seed);
                let mut message = tx.prepare_cached(
                    "INSERT INTO messages (id, parent_id, thread_id, subject, body, from_id, to_ids, cc_ids, cci_ids, display_names, state, date, no_reply)
                     VALUES (?1, NULL, ?1, ?2, ?3, ?4, ?5, '[]', '[]', ?6, 'SENT', ?7, 0)",
                )?;
                let mut index = tx.prepare_cached(
                    "INSERT INTO messages_fts (rowid, subject, body, names) VALUES (?1, ?2, ?3, ?4)",
                )?;
                let mut row = tx.prepare_cached(
                    "INSERT INTO usermessages (user_id, message_id, unread, total_quota, is_author, is_recipient, state, date)
                     VALUES (?1, ?2, ?3, 0, ?4, ?5, 'SENT', ?6)",
                )?;
                let fixed = seed.body.map(|body| {
                    let text = ent_protocol::html_to_text(&body);
                    (body, text)
                });
                let mut unread = 0;
                for i in 0..seed.count {
                    let (from, names_json, names_text) = &names[i % names.len()];
                    let id = generated_id(&mut words);
                    let mut m = generate(&mut words);
                    if let Some((body, text)) = &fixed {
                        m.body.clone_from(body);
                        m.text.clone_from(text);
                    }
                    let date = now - ((seed.count - 1 - i) as i64) * 60_000;
                    let is_unread = seed.unread_every > 0 && i % seed.unread_every == 0;
                    unread += usize::from(is_unread);
                    message.execute(params![id, m.subject, m.body, from, to_ids, names_json, date])?;
                    index.execute(params![tx.last_insert_rowid(), m.subject, m.text, names_text])?;
                    row.execute(params![to, id, is_unread, false, true, date])?;
                    row.execute(params![from, id, false, true, false, date])?;
                }
                Ok(Seeded {
                    count: seed.count,
                    unread,
                })
            })
            .await
    }
}
