//! Full-text search over every synced message, offline.
//!
//! The FTS5 index (`messages_fts`) folds accents and case (`remove_diacritics 2`), and every
//! word of the query is a prefix ("évalu" finds « évaluation », "evalu" too). Results come
//! newest first. Filters narrow to a folder and to a person (sender or any recipient).

use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

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
    // No join in this step: FTS5 walks its index newest first (rowid order is date order,
    // see the migration), each filter is one index lookup per candidate, and the walk stops
    // after `limit` rows however common the words are.
    let mut sql = String::from("SELECT f.rowid FROM messages_fts f WHERE messages_fts MATCH ?1");
    let mut args: Vec<String> = vec![expr.clone()];
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
    // Two steps: snippets cost, so they are made only for the rows kept, not for every match.
    let rowids: Vec<i64> = {
        let mut stmt = conn.prepare_cached(&sql).ctx("prepare a search")?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), |r| r.get(0))
            .ctx("search")?;
        rows.collect::<Result<_, _>>().ctx("search")?
    };
    if rowids.is_empty() {
        return Ok(Vec::new());
    }
    // A rowid range (the kept rows are the newest matches, so the range holds few others):
    // FTS5 seeks to it instead of evaluating the whole match again.
    let (low, high) = (
        rowids.iter().min().copied().unwrap_or(0),
        rowids.iter().max().copied().unwrap_or(0),
    );
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS},
            snippet(messages_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', 16), f.rowid
         FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
         WHERE messages_fts MATCH ?1 AND f.rowid >= ?2 AND f.rowid <= ?3
         ORDER BY f.rowid DESC"
    );
    let keep: std::collections::HashSet<i64> = rowids.iter().copied().collect();
    let mut stmt = conn.prepare_cached(&sql).ctx("prepare search snippets")?;
    let rows = stmt
        .query_map(rusqlite::params![expr, low, high], |r| {
            Ok((
                summary_from_row(r)?,
                r.get::<_, String>(12)?,
                r.get::<_, i64>(13)?,
            ))
        })
        .ctx("make search snippets")?;
    let mut hits = Vec::with_capacity(rowids.len());
    for row in rows {
        let (summary, snippet, rowid) = row.ctx("make search snippets")?;
        if keep.contains(&rowid) {
            hits.push(SearchHit {
                message: finish_summary(summary)?,
                snippet,
            });
        }
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
