//! Waiting on a condition with a deadline: the tests never sleep a fixed time.
use std::future::Future;
use std::time::{Duration, Instant};

/// Between two checks; short, since each check is cheap.
const POLL: Duration = Duration::from_millis(50);

/// Checks `condition` until it returns `Some`, and returns that value; panics naming `what`
/// once `deadline` has passed.
pub async fn wait_until<T, F, Fut>(what: &str, deadline: Duration, mut condition: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = condition().await {
            return value;
        }
        if start.elapsed() > deadline {
            panic!("timed out after {deadline:?} waiting for {what}");
        }
        tokio::time::sleep(POLL).await;
    }
}
