//! The time the app acts on: the system's clock plus an offset that starts at zero.
//!
//! Due times (undo-send, scheduled sends) and quiet hours are read from here rather than from
//! the system's clock, so that a test can move time forward instead of waiting: the shell lets
//! only its debug builds (what `cargo test` builds) change the offset, through
//! `MESSAGERIE_TEST_CLOCK_OFFSET_SECS` at start and the `debug_advance_clock` command. Release
//! builds never change it, so there `now()` is the system's clock.
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Local, TimeDelta, Utc};

static OFFSET_MS: AtomicI64 = AtomicI64::new(0);

/// Now, in UTC.
pub fn now() -> DateTime<Utc> {
    Utc::now() + TimeDelta::milliseconds(OFFSET_MS.load(Ordering::Relaxed))
}

/// Now, in milliseconds since the epoch (what the store keeps).
pub fn now_ms() -> i64 {
    now().timestamp_millis()
}

/// Now, in the machine's time zone (quiet hours are local hours).
pub fn now_local() -> DateTime<Local> {
    now().with_timezone(&Local)
}

/// Moves the app's time forward (or back, with a negative amount) by `seconds`.
pub fn advance(seconds: i64) {
    OFFSET_MS.fetch_add(seconds.saturating_mul(1000), Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_by_that_much() {
        let before = now_ms();
        advance(3600);
        let after = now_ms();
        advance(-3600);
        assert!(
            (after - before - 3_600_000).abs() < 1_000,
            "{}",
            after - before
        );
    }
}
