//! The users and groups the user may write to, cached for offline compose.
//!
//! Fetched whole from `/communication/visible/search` (no query) at sync time, and searched
//! here by the first letters of any part of the name ("mar" finds « MARTIN Paul » and
//! « DURAND Marie »), accents and case folded.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::search::fts_expression;
use crate::store::{SqlContext, StoreResult};

/// Results of a recipient search unless the caller asks otherwise.
pub const DEFAULT_LIMIT: u32 = 20;

/// Store meta key: when the list was last fetched (epoch milliseconds).
const FETCHED_AT: &str = "visibles_fetched_at";

/// Age after which the list is fetched again when the user searches it (groups and classes
/// change a few times a year; a day is plenty).
pub const MAX_AGE_MS: i64 = 24 * 60 * 60 * 1000;

/// Someone or some group the user may write to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Visible {
    pub id: String,
    pub display_name: String,
    /// `User`, `Group`, `BroadcastGroup`.
    pub kind: String,
    pub profile: Option<String>,
    /// Member count of a group.
    pub nb_users: Option<u32>,
    pub group_type: Option<String>,
    pub structure_name: Option<String>,
    /// Subset of `TO`, `CC`, `CCI` (broadcast groups are CCI-only).
    pub used_in: Vec<String>,
}

impl Visible {
    pub fn is_group(&self) -> bool {
        self.kind != "User"
    }
}

/// Replaces the cached list and records when it was fetched.
pub fn replace_all(conn: &Connection, list: &[Visible]) -> StoreResult<()> {
    conn.execute("DELETE FROM visibles", [])
        .ctx("clear visible recipients")?;
    let now = chrono::Utc::now().timestamp_millis();
    crate::store::set_meta(conn, FETCHED_AT, &now.to_string())?;
    let mut stmt = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO visibles (id, display_name, kind, profile, nb_users, group_type,
                structure, used_in) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .ctx("prepare visible insert")?;
    for v in list {
        let used_in = serde_json::to_string(&v.used_in).unwrap_or_else(|_| "[]".into());
        stmt.execute(params![
            v.id,
            v.display_name,
            v.kind,
            v.profile,
            v.nb_users,
            v.group_type,
            v.structure_name,
            used_in
        ])
        .ctx("write a visible recipient")?;
    }
    Ok(())
}

/// Searches the cached list; an empty query lists the first ones by name.
pub fn search(conn: &Connection, query: &str, limit: Option<u32>) -> StoreResult<Vec<Visible>> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, 500);
    let cols =
        "v.id, v.display_name, v.kind, v.profile, v.nb_users, v.group_type, v.structure, v.used_in";
    let (sql, arg) = match fts_expression(query) {
        Some(expr) => (
            format!(
                "SELECT {cols} FROM visibles_fts JOIN visibles v ON v.rowid = visibles_fts.rowid
                 WHERE visibles_fts MATCH ?1 ORDER BY v.kind != 'User', v.display_name LIMIT {limit}"
            ),
            Some(expr),
        ),
        None => (format!("SELECT {cols} FROM visibles v ORDER BY v.display_name LIMIT {limit}"), None),
    };
    let mut stmt = conn
        .prepare_cached(&sql)
        .ctx("prepare a recipient search")?;
    let map = |r: &rusqlite::Row<'_>| {
        let used_in: String = r.get(7)?;
        Ok(Visible {
            id: r.get(0)?,
            display_name: r.get(1)?,
            kind: r.get(2)?,
            profile: r.get(3)?,
            nb_users: r.get(4)?,
            group_type: r.get(5)?,
            structure_name: r.get(6)?,
            used_in: serde_json::from_str(&used_in).unwrap_or_default(),
        })
    };
    let rows = match &arg {
        Some(a) => stmt.query_map([a], map),
        None => stmt.query_map([], map),
    }
    .ctx("search recipients")?;
    rows.collect::<Result<_, _>>().ctx("search recipients")
}

/// When the cached list was fetched (epoch milliseconds); `None` if never.
pub fn fetched_at(conn: &Connection) -> StoreResult<Option<i64>> {
    Ok(crate::store::get_meta(conn, FETCHED_AT)?.and_then(|t| t.parse().ok()))
}

/// Number of cached recipients.
pub fn count(conn: &Connection) -> StoreResult<u32> {
    conn.query_row("SELECT count(*) FROM visibles", [], |r| r.get(0))
        .ctx("count recipients")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn visible(id: &str, name: &str, kind: &str, nb: Option<u32>) -> Visible {
        Visible {
            id: id.into(),
            display_name: name.into(),
            kind: kind.into(),
            profile: None,
            nb_users: nb,
            group_type: None,
            structure_name: None,
            used_in: vec!["TO".into()],
        }
    }

    #[test]
    fn recipients_are_found_by_the_first_letters_of_any_part_of_the_name() {
        let store = Store::open_in_memory().unwrap();
        store
            .write_blocking(|tx| {
                replace_all(
                    tx,
                    &[
                        visible("u1", "MARTIN Paul", "User", None),
                        visible("u2", "DURAND Marie", "User", None),
                        visible("g1", "Élèves du groupe 3A.", "Group", Some(27)),
                    ],
                )
            })
            .unwrap();

        let mar = store.read_blocking(|c| search(c, "mar", None)).unwrap();
        let eleves = store.read_blocking(|c| search(c, "ele", None)).unwrap();

        let ids: Vec<_> = mar.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["u2", "u1"]);
        assert_eq!(eleves.len(), 1);
        assert_eq!(eleves[0].nb_users, Some(27));
    }
}
