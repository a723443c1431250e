//! Full-text search over every synced message, offline.
//!
//! The FTS5 index (`messages_fts`) folds accents and case (`remove_diacritics 2`), and every
//! word of the query is a prefix ("évalu" finds « évaluation », "evalu" too). Results come
//! newest first. Filters narrow to a folder and to a person (sender or any recipient).

use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use crate::mailbox::folder::INBOX;
use crate::message::{finish_summary, summary_from_row, MessageSummary, SUMMARY_COLUMNS};
use crate::store::{SqlContext, StoreResult};

/// Marks around a matched word in [`SearchHit::snippet`]; control characters, so the UI can
/// escape the text and then turn them into highlight tags.
pub const MATCH_START: char = '\u{2}';
pub const MATCH_END: char = '\u{3}';

/// Results per search unless the caller asks otherwise.
pub const DEFAULT_LIMIT: u32 = 50;

/// A search request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct SearchQuery {
    pub text: String,
    pub folder_id: Option<String>,
    /// A user or group id that sent or received the message.
    pub person_id: Option<String>,
    pub limit: Option<u32>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchHit {
    pub message: MessageSummary,
    /// The folder the message is listed in: `trash` when trashed, else its user folder, else
    /// `draft`, `inbox` or `outbox`.
    pub folder_id: String,
    /// A short extract of the body (or subject) with matches between [`MATCH_START`] and
    /// [`MATCH_END`].
    pub snippet: String,
}

/// Turns what the user typed into an FTS5 expression: every word a prefix, all required.
/// Returns `None` when there is no word to look for.
pub fn fts_expression(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// Runs a search.
pub fn search(conn: &Connection, query: &SearchQuery) -> StoreResult<Vec<SearchHit>> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, 1000);
    let Some(expr) = fts_expression(&query.text) else {
        return Ok(Vec::new());
    };
    // One pass over the index, no join: FTS5 walks its index newest first (rowid order is
    // date order, see the migration), each filter is one index lookup per candidate, the walk
    // stops after `limit` rows however common the words, and snippets are made only for them.
    let mut sql = format!(
        "SELECT f.rowid, snippet(messages_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', 16)
         FROM messages_fts f WHERE messages_fts MATCH ?1"
    );
    let mut args: Vec<String> = vec![expr];
    if let Some(folder) = &query.folder_id {
        args.push(folder.clone());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM messages m JOIN placements p ON p.message_id = m.id
                WHERE m.rowid = f.rowid AND p.folder_id = ?{})",
            args.len()
        ));
    }
    if let Some(person) = &query.person_id {
        args.push(person.clone());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM message_people mp WHERE mp.person_id = ?{}
                AND mp.message_rowid = f.rowid)",
            args.len()
        ));
    }
    sql.push_str(&format!(" ORDER BY f.rowid DESC LIMIT {limit}"));
    let found: Vec<(i64, String)> = {
        let mut stmt = conn.prepare_cached(&sql).ctx("prepare a search")?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .ctx("search")?;
        rows.collect::<Result<_, _>>().ctx("search")?
    };
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}, (SELECT p.folder_id FROM placements p
                 WHERE p.message_id = m.id
                 ORDER BY CASE p.folder_id WHEN 'trash' THEN 0 WHEN 'draft' THEN 2
                     WHEN 'inbox' THEN 3 WHEN 'outbox' THEN 4 ELSE 1 END
                 LIMIT 1)
             FROM messages m WHERE m.rowid = ?1"
        ))
        .ctx("prepare a search result")?;
    let mut hits = Vec::with_capacity(found.len());
    for (rowid, snippet) in found {
        let (summary, folder) = stmt
            .query_row([rowid], |r| {
                Ok((summary_from_row(r)?, r.get::<_, Option<String>>(12)?))
            })
            .ctx("read a search result")?;
        hits.push(SearchHit {
            message: finish_summary(summary)?,
            folder_id: folder.unwrap_or_else(|| INBOX.to_string()),
            snippet,
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_becomes_a_required_prefix_and_quotes_cannot_break_out() {
        assert_eq!(
            fts_expression("évalu math").as_deref(),
            Some("\"évalu\"* AND \"math\"*")
        );
        assert_eq!(
            fts_expression("a\"b OR c").as_deref(),
            Some("\"a\"* AND \"b\"* AND \"OR\"* AND \"c\"*")
        );
        assert_eq!(fts_expression("  ,; "), None);
    }
}
