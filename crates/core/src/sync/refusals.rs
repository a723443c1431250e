//! Bodies the ENT refused to serve, and when the sync asks for them again.
//!
//! Some messages a real ENT will not serve, however often it is asked: an answer past
//! [`crate::client::MAX_ANSWER_BYTES`], an answer that is not JSON, or a 400 from entcore's
//! `ApiController.getFullMessage`, which answers 400 to any failure of `getAndFormat`. Every
//! pass used to ask for such a body again: for a message too large, 32 MB downloaded at each
//! new mail. Now a refusal is recorded (`body_refusals`, migration 0007) and the sync asks again
//! only when it is due: [`FIRST_WAIT`] after the first refusal, twice as long after each next
//! one, at most [`LONGEST_WAIT`]. The quick check asks for a due body alone, without listing
//! anything. A Full sync asks for every missing body, and opening the message always asks
//! (`Mailbox::open_message`, which says why it failed). A body stored, however it came, clears
//! the refusal (the migration's trigger).
//!
//! A failure that may work at the next check (the ENT unreachable or answering 5xx,
//! [`crate::client::ApiError::is_retryable`]) is not a refusal: that check asks again.

use std::collections::HashSet;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::store::{SqlContext, StoreResult};

/// How long after the first refusal the sync asks for a body again.
pub const FIRST_WAIT: Duration = Duration::from_secs(60 * 60);
/// The longest wait between two asks, however many refusals came before.
pub const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// The wait after the `refusals`-th refusal (counted from 1): [`FIRST_WAIT`], doubling, at
/// most [`LONGEST_WAIT`].
pub fn wait_after(refusals: u32) -> Duration {
    let doublings = refusals.saturating_sub(1).min(16);
    FIRST_WAIT.saturating_mul(1 << doublings).min(LONGEST_WAIT)
}

/// Records that the ENT refused the bodies of `ids` at `now_ms`. A message gone from the store
/// meanwhile is skipped.
pub(super) fn record(tx: &Transaction<'_>, ids: &[String], now_ms: i64) -> StoreResult<()> {
    // No row: the message is gone. A row: its refusals so far (NULL: none).
    let mut read = tx
        .prepare_cached(
            "SELECT (SELECT refusals FROM body_refusals WHERE message_id = ?1)
             FROM messages WHERE id = ?1",
        )
        .ctx("prepare a body refusal read")?;
    let mut write = tx
        .prepare_cached(
            "INSERT INTO body_refusals (message_id, refusals, next_try) VALUES (?1, ?2, ?3)
             ON CONFLICT (message_id) DO UPDATE SET refusals = ?2, next_try = ?3",
        )
        .ctx("prepare a body refusal write")?;
    for id in ids {
        let before: Option<Option<u32>> = read
            .query_row([id], |r| r.get(0))
            .optional()
            .ctx("read a body refusal")?;
        let Some(before) = before else {
            continue;
        };
        let refusals = before.unwrap_or(0).saturating_add(1);
        let next_try = now_ms.saturating_add(wait_after(refusals).as_millis() as i64);
        write
            .execute(params![id, refusals, next_try])
            .ctx("record a body refusal")?;
    }
    Ok(())
}

/// The messages whose body the ENT refused and the sync must not ask for yet at `now_ms`.
pub(super) fn not_due(conn: &Connection, now_ms: i64) -> StoreResult<HashSet<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT message_id FROM body_refusals WHERE next_try > ?1")
        .ctx("prepare the body refusals read")?;
    let rows = stmt
        .query_map([now_ms], |r| r.get(0))
        .ctx("read the body refusals")?;
    rows.collect::<Result<_, _>>().ctx("read the body refusals")
}

/// The messages whose body the ENT refused and whose next ask is due at `now_ms`, each with
/// whether it is unread (for the unread restore of [`super::engine`]).
pub(super) fn due(conn: &Connection, now_ms: i64) -> StoreResult<Vec<(String, bool)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT m.id, m.unread FROM body_refusals b JOIN messages m ON m.id = b.message_id
             WHERE b.next_try <= ?1 AND m.body_synced = 0 ORDER BY m.date DESC",
        )
        .ctx("prepare the due body refusals read")?;
    let rows = stmt
        .query_map([now_ms], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("read the due body refusals")?;
    rows.collect::<Result<_, _>>()
        .ctx("read the due body refusals")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_an_hour_to_at_most_a_day() {
        let hours: Vec<u64> = (1..=7).map(|n| wait_after(n).as_secs() / 3600).collect();

        assert_eq!(hours, [1, 2, 4, 8, 16, 24, 24]);
        assert_eq!(wait_after(u32::MAX), LONGEST_WAIT);
    }

    #[test]
    fn a_refusal_is_due_after_its_wait_and_forgotten_once_the_body_is_stored() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let hour = FIRST_WAIT.as_millis() as i64;
        store
            .write_blocking(|tx| {
                tx.execute(
                    "INSERT INTO messages (id, subject, date, unread) VALUES ('a', 'A', 1, 1)",
                    [],
                )
                .unwrap();
                record(tx, &["a".into(), "gone".into()], 0)?;
                record(tx, &["a".into()], 10)
            })
            .unwrap();
        let read = |at: i64| {
            store
                .read_blocking(|c| Ok((not_due(c, at)?, due(c, at)?)))
                .unwrap()
        };

        // Refused twice: asked again two hours after the second refusal, not before.
        let (not_yet, none) = read(10 + 2 * hour - 1);
        assert!(not_yet.contains("a") && none.is_empty());
        let (nothing_held, now) = read(10 + 2 * hour);
        assert!(nothing_held.is_empty());
        assert_eq!(now, [("a".to_string(), true)]);
        // The one gone from the store left nothing; a body stored clears the refusal.
        let rows = |store: &crate::store::Store| -> i64 {
            store
                .read_blocking(|c| {
                    Ok(
                        c.query_row("SELECT count(*) FROM body_refusals", [], |r| r.get(0))
                            .unwrap(),
                    )
                })
                .unwrap()
        };
        assert_eq!(rows(&store), 1);
        store
            .write_blocking(|tx| {
                tx.execute("UPDATE messages SET body_synced = 1 WHERE id = 'a'", [])
                    .unwrap();
                Ok(())
            })
            .unwrap();
        assert_eq!(rows(&store), 0);
    }
}
