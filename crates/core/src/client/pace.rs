//! How hard the client may press on the ENT: at most [`MAX_IN_FLIGHT`] requests at once per
//! account, and a pause shared by every request of the account when the ENT says it is busy.
//!
//! One ENT serves a whole region's schools. When it answers 429 or 503 with `Retry-After`, no
//! request of this account leaves before that time (capped at [`MAX_PAUSE`]); when it fails
//! with 5xx (or 429/503 without `Retry-After`) several times in a row, the pause doubles from
//! [`super::BACKOFF`] at each failure, up to [`MAX_PAUSE`]. Any other answer ends the series.
//! Failing to reach the ENT at all adds no pause (nothing reached it), and only reads are
//! retried ([`super::Client::send_raw`]).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

/// Requests in flight at once per account, unless `MESSAGERIE_MAX_REQUESTS` says otherwise:
/// enough to hide a school ENT's latency (12 × 5 ms = 2,400 requests a second), few enough
/// not to weigh on it.
pub const MAX_IN_FLIGHT: usize = 12;
/// Longest pause the client takes, whatever `Retry-After` asks.
pub const MAX_PAUSE: Duration = Duration::from_secs(60);

/// The limit of requests in flight: `MESSAGERIE_MAX_REQUESTS` (1 to 64) or [`MAX_IN_FLIGHT`].
pub fn max_in_flight() -> usize {
    std::env::var("MESSAGERIE_MAX_REQUESTS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=64).contains(n))
        .unwrap_or(MAX_IN_FLIGHT)
}

/// The pause shared by the requests of one account.
#[derive(Debug, Default)]
pub struct Pace {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    not_before: Option<Instant>,
    failures: u32,
}

impl Pace {
    /// How long a request must wait before it leaves.
    pub fn wait(&self, now: Instant) -> Option<Duration> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state
            .not_before
            .and_then(|t| t.checked_duration_since(now))
            .filter(|d| !d.is_zero())
    }

    /// Takes note of an answer of the ENT.
    pub fn answered(&self, now: Instant, status: StatusCode, headers: &HeaderMap) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let busy = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
        if !busy {
            state.failures = 0;
            return;
        }
        state.failures = state.failures.saturating_add(1);
        let asked = matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        )
        .then(|| retry_after(headers, chrono::Utc::now()))
        .flatten();
        let pause = asked
            .unwrap_or_else(|| super::BACKOFF.saturating_mul(1 << (state.failures - 1).min(16)))
            .min(MAX_PAUSE);
        let until = now + pause;
        if state.not_before.is_none_or(|t| t < until) {
            state.not_before = Some(until);
        }
    }
}

/// The delay a `Retry-After` header asks for: seconds, or an HTTP date (RFC 9110 §10.2.3).
fn retry_after(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (date.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(retry).unwrap());
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc2822("Mon, 30 Nov 2026 08:00:00 GMT")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            retry_after(&headers("120"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers("Mon, 30 Nov 2026 08:00:30 GMT"), now),
            Some(Duration::from_secs(30))
        );
        // A date already past asks for no wait; nonsense is ignored.
        assert_eq!(
            retry_after(&headers("Mon, 30 Nov 2026 07:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("bientôt"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn a_busy_ent_pauses_every_request_for_the_time_it_asks_capped() {
        let pace = Pace::default();
        let now = Instant::now();
        pace.answered(now, StatusCode::SERVICE_UNAVAILABLE, &headers("3"));
        assert_eq!(pace.wait(now), Some(Duration::from_secs(3)));
        pace.answered(now, StatusCode::TOO_MANY_REQUESTS, &headers("3600"));
        assert_eq!(pace.wait(now), Some(MAX_PAUSE));
        assert_eq!(pace.wait(now + MAX_PAUSE), None);
    }

    #[test]
    fn repeated_server_failures_double_the_pause_and_an_answer_ends_the_series() {
        let pace = Pace::default();
        let now = Instant::now();
        let none = HeaderMap::new();
        let mut pauses = Vec::new();
        for _ in 0..4 {
            pace.answered(now, StatusCode::INTERNAL_SERVER_ERROR, &none);
            pauses.push(pace.wait(now).unwrap());
        }
        let b = super::super::BACKOFF;
        assert_eq!(pauses, vec![b, b * 2, b * 4, b * 8]);
        for _ in 0..20 {
            pace.answered(now, StatusCode::BAD_GATEWAY, &none);
        }
        assert_eq!(pace.wait(now), Some(MAX_PAUSE));

        // A normal answer (even a refusal) ends the series: the next failure starts again.
        pace.answered(now + MAX_PAUSE, StatusCode::FORBIDDEN, &none);
        let later = now + MAX_PAUSE;
        pace.answered(later, StatusCode::INTERNAL_SERVER_ERROR, &none);
        assert_eq!(pace.wait(later), Some(b));
    }
}
