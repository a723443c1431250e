//! Where messages are listed (placements) and pages of a folder.

use std::collections::BTreeSet;

use rusqlite::{params, Connection};

use crate::message::{finish_summary, summary_from_row, MessageSummary, SUMMARY_COLUMNS};
use crate::store::{SqlContext, StoreResult};

/// A page of a folder, newest first.
pub fn page(
    conn: &Connection,
    folder_id: &str,
    offset: u32,
    limit: u32,
) -> StoreResult<Vec<MessageSummary>> {
    // The page's rows are chosen in `placements_by_date` alone (it holds the message id: the
    // table is WITHOUT ROWID), then joined: the rows skipped by OFFSET are never joined to their
    // message (a page at the end of a 100,000-message inbox took a quarter of a second). Ties
    // in date keep the index's order, by message id.
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM
           (SELECT message_id, date FROM placements WHERE folder_id = ?1
            ORDER BY date DESC, message_id LIMIT ?2 OFFSET ?3) p
         JOIN messages m ON m.id = p.message_id
         ORDER BY p.date DESC, p.message_id"
    );
    let mut stmt = conn.prepare_cached(&sql).ctx("prepare a folder page")?;
    let rows = stmt
        .query_map(params![folder_id, limit, offset], summary_from_row)
        .ctx("list a folder")?;
    let mut out = Vec::with_capacity(limit as usize);
    for row in rows {
        out.push(finish_summary(row.ctx("list a folder")?)?);
    }
    Ok(out)
}

/// The folders a message is listed in.
pub fn folders_of(conn: &Connection, message_id: &str) -> StoreResult<BTreeSet<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT folder_id FROM placements WHERE message_id = ?1")
        .ctx("prepare placements read")?;
    let rows = stmt
        .query_map([message_id], |r| r.get(0))
        .ctx("read placements")?;
    rows.collect::<Result<_, _>>().ctx("read placements")
}

/// Lists messages new to the store (so listed nowhere yet) in `folder_id`: what [`place`] does
/// for each, a hundred per statement, for a page of a listing (one statement per message was a
/// sixth of a first sync's listing writes).
pub fn place_new(conn: &Connection, folder_id: &str, ids: &[&str]) -> StoreResult<()> {
    for chunk in ids.chunks(100) {
        let sql = format!(
            "INSERT OR IGNORE INTO placements (folder_id, message_id, date)
             SELECT ?, id, date FROM messages WHERE id IN ({})",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut bound: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() + 1);
        bound.push(&folder_id);
        bound.extend(chunk.iter().map(|id| id as &dyn rusqlite::ToSql));
        conn.prepare_cached(&sql)
            .ctx("prepare placements insert")?
            .execute(bound.as_slice())
            .ctx("write placements")?;
    }
    Ok(())
}

/// Lists a message in exactly these folders.
pub fn place(conn: &Connection, message_id: &str, folders: &BTreeSet<String>) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM placements WHERE message_id = ?1")
        .ctx("prepare placements delete")?
        .execute([message_id])
        .ctx("clear placements")?;
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO placements (folder_id, message_id, date)
             SELECT ?1, id, date FROM messages WHERE id = ?2",
        )
        .ctx("prepare placement insert")?;
    for f in folders {
        stmt.execute(params![f, message_id])
            .ctx("write a placement")?;
    }
    Ok(())
}
