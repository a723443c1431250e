//! Full-text search over messages (§1.4: subject, the text of the body, display names), in
//! SQLite FTS5: what is indexed, and how a user's words become a query.

use rusqlite::{params, Connection};

use super::MsgRow;

/// Indexes a message for search: subject, the text of its body, its snapshot names (§1.4).
pub(super) fn index_message(tx: &Connection, m: &MsgRow) -> rusqlite::Result<()> {
    let rowid: i64 = tx.query_row("SELECT rowid FROM messages WHERE id = ?1", [&m.id], |r| {
        r.get(0)
    })?;
    tx.execute("DELETE FROM messages_fts WHERE rowid = ?1", [rowid])?;
    let names: Vec<&str> = m.names.iter().map(|n| n.1.as_str()).collect();
    tx.execute(
        "INSERT INTO messages_fts (rowid, subject, body, names) VALUES (?1, ?2, ?3, ?4)",
        params![
            rowid,
            m.subject,
            ent_protocol::html_to_text(&m.body),
            names.join(" ")
        ],
    )?;
    Ok(())
}

/// FTS5 query: each word (letters and digits) as a quoted prefix term, all required.
pub(super) fn fts_query(search: &str) -> Option<String> {
    let terms: Vec<String> = search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_prefix_terms_and_punctuation_cannot_inject_syntax() {
        assert_eq!(
            fts_query("élève\" OR x*").as_deref(),
            Some("\"élève\"* \"OR\"* \"x\"*")
        );
        assert_eq!(fts_query("--"), None);
    }
}
