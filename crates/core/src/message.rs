//! Messages as the UI sees them, and their rows in the store.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::store::{SqlContext, StoreError, StoreResult};

/// A person or a group named on a message, as the ENT names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Recipient {
    pub id: String,
    pub display_name: String,
    pub is_group: bool,
    /// `Teacher`, `Student`... for users and profile groups.
    pub profile: Option<String>,
    /// Member count of a group.
    pub size: Option<u32>,
}

/// One line of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MessageSummary {
    pub id: String,
    pub subject: String,
    pub from: Option<Recipient>,
    pub to: Vec<Recipient>,
    /// `SENT`, `DRAFT`, `RECALL`.
    pub state: String,
    /// Epoch milliseconds.
    #[ts(type = "number")]
    pub date: i64,
    pub unread: bool,
    pub response: bool,
    pub has_attachment: bool,
    /// The body is on disk, so the message opens offline.
    pub body_available: bool,
}

/// An attachment's metadata, and where its file is cached once downloaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Attachment {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    #[ts(type = "number")]
    pub size: i64,
    pub cached_path: Option<String>,
}

/// A whole message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Message {
    #[serde(flatten)]
    pub summary: MessageSummary,
    pub cc: Vec<Recipient>,
    pub cci: Vec<Recipient>,
    /// HTML as the ENT sent it: untrusted, sanitise before display. `None` until synced.
    pub body: Option<String>,
    pub attachments: Vec<Attachment>,
    /// The user folder the message is in, if any.
    pub user_folder_id: Option<String>,
    pub trashed: bool,
    pub thread_id: Option<String>,
    pub parent_id: Option<String>,
    pub no_reply: bool,
}

/// What the sync engine writes for a message listed by the ENT (no body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub id: String,
    pub subject: String,
    pub from: Option<Recipient>,
    pub to: Vec<Recipient>,
    pub cc: Vec<Recipient>,
    pub cci: Vec<Recipient>,
    pub state: String,
    pub date: i64,
    pub unread: bool,
    pub response: bool,
    pub has_attachment: bool,
    pub no_reply: bool,
}

/// What the sync engine writes once it has read a message's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRow {
    pub id: String,
    pub body: String,
    pub user_folder_id: Option<String>,
    pub thread_id: Option<String>,
    pub parent_id: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// Text of an HTML body for the search index and the CLI: one function for client and server.
pub use ent_protocol::html_to_text;

fn to_json(list: &[Recipient]) -> StoreResult<String> {
    serde_json::to_string(list).map_err(|source| StoreError::Json {
        what: "recipient list",
        source,
    })
}

fn from_json(text: &str) -> StoreResult<Vec<Recipient>> {
    serde_json::from_str(text).map_err(|source| StoreError::Json {
        what: "recipient list",
        source,
    })
}

fn names(lists: &[&[Recipient]]) -> String {
    lists
        .iter()
        .flat_map(|l| l.iter().map(|r| r.display_name.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rowid a message gets: its date, then a few bits of its id to spread equal dates; the
/// next free one when taken in the store or in `taken` (rowids given to a batch not written yet).
fn rowid_for(
    conn: &Connection,
    id: &str,
    date: i64,
    taken: &std::collections::HashSet<i64>,
) -> StoreResult<i64> {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let mut key = date.max(0).saturating_mul(1024) + i64::from(h % 1024);
    let mut probe = conn
        .prepare_cached("SELECT count(*) FROM messages WHERE rowid = ?1")
        .ctx("prepare a rowid probe")?;
    while taken.contains(&key)
        || probe
            .query_row([key], |r| r.get::<_, i64>(0))
            .ctx("probe a rowid")?
            > 0
    {
        key += 1;
    }
    Ok(key)
}

/// `list` with each id once, in first-seen order: an ENT stores recipient arrays as they were
/// sent (entcore's `SqlConversationService.save`), so one user named 50,000 times would
/// otherwise be 50,000 entries on every copy.
fn distinct(list: &[Recipient]) -> Vec<Recipient> {
    let mut seen = std::collections::HashSet::new();
    list.iter()
        .filter(|r| seen.insert(r.id.as_str()))
        .cloned()
        .collect()
}

/// Inserts or updates the summary of a message, keeping any body already stored. Each
/// recipient is stored once per list.
pub fn upsert_summary(conn: &Connection, row: &SummaryRow) -> StoreResult<()> {
    let row = &SummaryRow {
        to: distinct(&row.to),
        cc: distinct(&row.cc),
        cci: distinct(&row.cci),
        ..row.clone()
    };
    let (from_id, from_name, from_profile) = match &row.from {
        Some(f) => (
            Some(f.id.as_str()),
            f.display_name.as_str(),
            f.profile.as_deref(),
        ),
        None => (None, "", None),
    };
    let existing: Option<i64> = conn
        .prepare_cached("SELECT date FROM messages WHERE id = ?1")
        .ctx("prepare a message lookup")?
        .query_row([&row.id], |r| r.get(0))
        .optional()
        .ctx("look a message up")?;
    let rowid = match existing {
        Some(date) if date == row.date => None,
        _ => Some(rowid_for(conn, &row.id, row.date, &Default::default())?),
    };
    let values = params![
        row.id,
        row.subject,
        from_id,
        from_name,
        from_profile,
        to_json(&row.to)?,
        to_json(&row.cc)?,
        to_json(&row.cci)?,
        names(&[&row.to, &row.cc, &row.cci]),
        row.state,
        row.date,
        row.unread,
        row.response,
        row.has_attachment,
        row.no_reply,
        rowid,
    ];
    if existing.is_none() {
        conn.prepare_cached(
            "INSERT INTO messages (id, subject, from_id, from_name, from_profile, to_json, cc_json,
                cci_json, recipient_names, state, date, unread, response, has_attachment,
                no_reply, rowid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )
        .ctx("prepare a message insert")?
        .execute(values)
        .ctx("write a message summary")?;
    } else {
        conn.prepare_cached(
            "UPDATE messages SET subject = ?2, from_id = ?3, from_name = ?4, from_profile = ?5,
                to_json = ?6, cc_json = ?7, cci_json = ?8, recipient_names = ?9, state = ?10,
                date = ?11, unread = ?12, response = ?13, has_attachment = ?14, no_reply = ?15,
                rowid = COALESCE(?16, rowid)
             WHERE id = ?1",
        )
        .ctx("prepare a message update")?
        .execute(values)
        .ctx("write a message summary")?;
    }
    replace_people(conn, row)?;
    if row.state == "RECALL" && row.subject.is_empty() {
        // Recalled by its sender (docs/protocol.md §4.10): the ENT no longer shows its
        // recipients anything of it, and neither does the app from what it had cached.
        conn.execute(
            "UPDATE messages SET body = CASE WHEN body IS NULL THEN NULL ELSE '' END,
                body_text = '' WHERE id = ?1",
            [&row.id],
        )
        .ctx("blank a recalled message")?;
        conn.execute("DELETE FROM attachments WHERE message_id = ?1", [&row.id])
            .ctx("blank a recalled message")?;
    }
    Ok(())
}

fn replace_people(conn: &Connection, row: &SummaryRow) -> StoreResult<()> {
    let rowid: i64 = conn
        .query_row("SELECT rowid FROM messages WHERE id = ?1", [&row.id], |r| {
            r.get(0)
        })
        .ctx("read a message rowid")?;
    conn.prepare_cached("DELETE FROM message_people WHERE message_rowid = ?1")
        .ctx("prepare people delete")?
        .execute([rowid])
        .ctx("clear the people of a message")?;
    insert_people(conn, rowid, row)
}

/// Writes the sender and recipients of the message at `rowid` (recipients already distinct).
fn insert_people(conn: &Connection, rowid: i64, row: &SummaryRow) -> StoreResult<()> {
    let mut insert = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO message_people (message_rowid, person_id, role)
             VALUES (?1, ?2, ?3)",
        )
        .ctx("prepare people insert")?;
    if let Some(from) = &row.from {
        if !from.id.is_empty() {
            insert
                .execute(params![rowid, from.id, "from"])
                .ctx("write a sender")?;
        }
    }
    for (role, list) in [("to", &row.to), ("cc", &row.cc), ("cci", &row.cci)] {
        for r in list.iter() {
            insert
                .execute(params![rowid, r.id, role])
                .ctx("write a recipient")?;
        }
    }
    Ok(())
}

/// Stores the body of a message and its attachments' metadata.
pub fn store_body(conn: &Connection, row: &BodyRow) -> StoreResult<()> {
    store_bodies(conn, std::slice::from_ref(row))
}

/// A summary the store does not have yet, with what the sync knows of where it is listed.
pub struct NewSummary<'a> {
    pub row: &'a SummaryRow,
    /// The sync's hash of the summary (`messages.fingerprint`).
    pub fingerprint: i64,
    /// Listed in the trash.
    pub trashed: bool,
    /// The user folder it is listed in, if any.
    pub user_folder_id: Option<&'a str>,
}

/// Summaries written by one statement of [`insert_summaries`] (19 parameters each): the most a
/// first sync's listing writes per transaction (`sync::LIST_WRITE_PAGES` pages of 25).
pub const SUMMARIES_PER_STATEMENT: usize = 200;

/// Inserts summaries the store lacks (each id once), with their people, as [`upsert_summary`]
/// does for a message it does not have, [`SUMMARIES_PER_STATEMENT`] per `INSERT` for the
/// reason [`store_bodies`] gives. A new message has no body, so a recalled one has nothing to
/// blank.
pub fn insert_summaries(conn: &Connection, rows: &[NewSummary<'_>]) -> StoreResult<()> {
    for chunk in rows.chunks(SUMMARIES_PER_STATEMENT) {
        let mut taken = std::collections::HashSet::new();
        struct Values {
            to: String,
            cc: String,
            cci: String,
            names: String,
            rowid: i64,
            people: SummaryRow,
        }
        let mut values = Vec::with_capacity(chunk.len());
        for new in chunk {
            let row = new.row;
            let people = SummaryRow {
                to: distinct(&row.to),
                cc: distinct(&row.cc),
                cci: distinct(&row.cci),
                ..row.clone()
            };
            let rowid = rowid_for(conn, &row.id, row.date, &taken)?;
            taken.insert(rowid);
            values.push(Values {
                to: to_json(&people.to)?,
                cc: to_json(&people.cc)?,
                cci: to_json(&people.cci)?,
                names: names(&[&people.to, &people.cc, &people.cci]),
                rowid,
                people,
            });
        }
        let mut bound: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 19);
        let froms: Vec<(Option<&str>, &str, Option<&str>)> = chunk
            .iter()
            .map(|new| match &new.row.from {
                Some(f) => (
                    Some(f.id.as_str()),
                    f.display_name.as_str(),
                    f.profile.as_deref(),
                ),
                None => (None, "", None),
            })
            .collect();
        for ((new, v), from) in chunk.iter().zip(&values).zip(&froms) {
            let row = new.row;
            bound.extend([
                &row.id as &dyn rusqlite::ToSql,
                &row.subject,
                &from.0,
                &from.1,
                &from.2,
                &v.to,
                &v.cc,
                &v.cci,
                &v.names,
                &row.state,
                &row.date,
                &row.unread,
                &row.response,
                &row.has_attachment,
                &row.no_reply,
                &v.rowid,
                &new.trashed,
                &new.fingerprint,
                &new.user_folder_id,
            ]);
        }
        let placeholders =
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()];
        let sql = format!(
            "INSERT INTO messages (id, subject, from_id, from_name, from_profile, to_json, cc_json,
                cci_json, recipient_names, state, date, unread, response, has_attachment,
                no_reply, rowid, trashed, fingerprint, user_folder_id)
             VALUES {}",
            placeholders.join(", ")
        );
        conn.prepare_cached(&sql)
            .ctx("prepare a summaries insert")?
            .execute(bound.as_slice())
            .ctx("write message summaries")?;
        for v in &values {
            insert_people(conn, v.rowid, &v.people)?;
        }
    }
    Ok(())
}

/// Bodies written by one statement of [`store_bodies`] (six parameters each).
pub const BODIES_PER_STATEMENT: usize = 500;

/// Stores many bodies as [`store_body`] does, [`BODIES_PER_STATEMENT`] per `UPDATE`.
///
/// Why not one `UPDATE` per body: FTS5 writes the index entries it holds in memory to disk as
/// a new segment at the start of every statement that opens a savepoint (`fts5SavepointMethod`
/// in SQLite's `fts5_main.c`), and every write to `messages` opens one (its triggers write to
/// `messages_fts`). One statement per body made one segment per message, and merging those
/// segments was a third of the CPU of a first sync; one statement per batch of the sync
/// (`sync::BODY_BATCH`) makes one segment per batch.
pub fn store_bodies(conn: &Connection, rows: &[BodyRow]) -> StoreResult<()> {
    for chunk in rows.chunks(BODIES_PER_STATEMENT) {
        let values = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "UPDATE messages SET body = b.column2, body_text = b.column3, body_synced = 1,
                user_folder_id = COALESCE(b.column4, messages.user_folder_id),
                thread_id = b.column5, parent_id = b.column6
             FROM (VALUES {values}) AS b WHERE messages.id = b.column1"
        );
        let texts: Vec<String> = chunk.iter().map(|row| html_to_text(&row.body)).collect();
        let mut bound: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 6);
        for (row, text) in chunk.iter().zip(&texts) {
            bound.extend([
                &row.id as &dyn rusqlite::ToSql,
                &row.body,
                text,
                &row.user_folder_id,
                &row.thread_id,
                &row.parent_id,
            ]);
        }
        conn.prepare_cached(&sql)
            .ctx("prepare a body update")?
            .execute(bound.as_slice())
            .ctx("write message bodies")?;
        for row in chunk {
            replace_attachments(conn, &row.id, &row.attachments)?;
        }
    }
    Ok(())
}

/// Replaces the attachment list of a message, keeping cached files of those still there.
pub fn replace_attachments(conn: &Connection, id: &str, list: &[Attachment]) -> StoreResult<()> {
    let keep: Vec<&str> = list.iter().map(|a| a.id.as_str()).collect();
    let existing: Vec<String> = {
        let mut stmt = conn
            .prepare_cached("SELECT id FROM attachments WHERE message_id = ?1")
            .ctx("prepare attachments read")?;
        let rows = stmt.query_map([id], |r| r.get(0)).ctx("read attachments")?;
        rows.collect::<Result<_, _>>().ctx("read attachments")?
    };
    for old in existing.iter().filter(|o| !keep.contains(&o.as_str())) {
        conn.execute(
            "DELETE FROM attachments WHERE message_id = ?1 AND id = ?2",
            [id, old],
        )
        .ctx("delete an attachment")?;
    }
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO attachments (message_id, id, filename, content_type, size)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (message_id, id) DO UPDATE SET filename = excluded.filename,
                content_type = excluded.content_type, size = excluded.size",
        )
        .ctx("prepare attachment upsert")?;
    for a in list {
        stmt.execute(params![id, a.id, a.filename, a.content_type, a.size])
            .ctx("write an attachment")?;
    }
    Ok(())
}

/// Columns read by [`summary_from_row`], prefixed by `m.`.
pub(crate) const SUMMARY_COLUMNS: &str = "m.id, m.subject, m.from_id, m.from_name, m.from_profile,
    m.to_json, m.state, m.date, m.unread, m.response, m.has_attachment, m.body_synced";

pub(crate) fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<(MessageSummary, String)> {
    let from_id: Option<String> = r.get(2)?;
    let from_name: String = r.get(3)?;
    let from = match from_id {
        Some(id) => Some(Recipient {
            id,
            display_name: from_name,
            is_group: false,
            profile: r.get(4)?,
            size: None,
        }),
        None => None,
    };
    Ok((
        MessageSummary {
            id: r.get(0)?,
            subject: r.get(1)?,
            from,
            to: Vec::new(),
            state: r.get(6)?,
            date: r.get(7)?,
            unread: r.get(8)?,
            response: r.get(9)?,
            has_attachment: r.get(10)?,
            body_available: r.get(11)?,
        },
        r.get(5)?,
    ))
}

pub(crate) fn finish_summary((mut s, to): (MessageSummary, String)) -> StoreResult<MessageSummary> {
    s.to = from_json(&to)?;
    Ok(s)
}

/// Reads a whole message, or `None` if the store does not have it.
pub fn get_message(conn: &Connection, id: &str) -> StoreResult<Option<Message>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, m.cc_json, m.cci_json, m.body, m.user_folder_id, m.trashed,
            m.thread_id, m.parent_id, m.no_reply
         FROM messages m WHERE m.id = ?1"
    );
    let row = conn
        .query_row(&sql, [id], |r| {
            Ok((
                summary_from_row(r)?,
                r.get::<_, String>(12)?,
                r.get::<_, String>(13)?,
                r.get::<_, Option<String>>(14)?,
                r.get::<_, Option<String>>(15)?,
                r.get::<_, bool>(16)?,
                r.get::<_, Option<String>>(17)?,
                r.get::<_, Option<String>>(18)?,
                r.get::<_, bool>(19)?,
            ))
        })
        .optional()
        .ctx("read a message")?;
    let Some((summary, cc, cci, body, user_folder_id, trashed, thread_id, parent_id, no_reply)) =
        row
    else {
        return Ok(None);
    };
    Ok(Some(Message {
        summary: finish_summary(summary)?,
        cc: from_json(&cc)?,
        cci: from_json(&cci)?,
        body,
        attachments: attachments(conn, id)?,
        user_folder_id,
        trashed,
        thread_id,
        parent_id,
        no_reply,
    }))
}

/// The attachments of a message, their names as the window may show them (without the bidi
/// and invisible characters an ENT may pass on: see [`crate::attachment::display_name`]).
pub fn attachments(conn: &Connection, id: &str) -> StoreResult<Vec<Attachment>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, filename, content_type, size, cached_path FROM attachments
             WHERE message_id = ?1 ORDER BY rowid",
        )
        .ctx("prepare attachments read")?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(Attachment {
                id: r.get(0)?,
                filename: crate::attachment::display_name(&r.get::<_, String>(1)?),
                content_type: r.get(2)?,
                size: r.get(3)?,
                cached_path: r.get(4)?,
            })
        })
        .ctx("read attachments")?;
    rows.collect::<Result<_, _>>().ctx("read attachments")
}

/// Sets the unread flag of messages.
pub fn set_unread(conn: &Connection, ids: &[String], unread: bool) -> StoreResult<()> {
    // The fingerprint is the last listing's, flag included: cleared, so that the next listing
    // rewrites the summary whatever it says (the ENT may have put the flag back as it was).
    let mut stmt = conn
        .prepare_cached("UPDATE messages SET unread = ?2, fingerprint = 0 WHERE id = ?1")
        .ctx("prepare an unread update")?;
    for id in ids {
        stmt.execute(params![id, unread])
            .ctx("write an unread flag")?;
    }
    Ok(())
}

/// Puts a message in a thread (the ENT's answer to a send says which).
pub fn set_thread(conn: &Connection, id: &str, thread_id: &str) -> StoreResult<()> {
    conn.execute(
        "UPDATE messages SET thread_id = ?2 WHERE id = ?1",
        [id, thread_id],
    )
    .ctx("write a thread")?;
    Ok(())
}

/// Deletes messages (their placements, people and attachments cascade).
pub fn delete_messages(conn: &Connection, ids: &[String]) -> StoreResult<()> {
    let mut stmt = conn
        .prepare_cached("DELETE FROM messages WHERE id = ?1")
        .ctx("prepare a message delete")?;
    for id in ids {
        stmt.execute([id]).ctx("delete a message")?;
    }
    Ok(())
}
