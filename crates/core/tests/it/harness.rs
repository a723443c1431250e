//! One fresh peer and one temporary directory per test.

use std::future::Future;
use std::time::Duration;

use messagerie_core::session::{Credentials, Secret};
use messagerie_core::{Account, Mailbox};
use tempfile::TempDir;

use crate::peer::Peer;

pub struct TestApp {
    pub peer: Peer,
    pub dir: TempDir,
}

impl TestApp {
    pub async fn start() -> TestApp {
        if std::env::var("TEST_LOG").is_ok() {
            let _ = tracing_subscriber_init();
        }
        TestApp {
            peer: Peer::start().await,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn account(&self, login: &str) -> Account {
        Account::in_dir(self.dir.path(), &self.peer.url(), login)
    }

    /// Opens `login`'s mailbox (its own store) and signs in with the demo password.
    pub async fn mailbox(&self, login: &str) -> Mailbox {
        let mb = Mailbox::open(self.account(login))
            .await
            .expect("open the mailbox");
        mb.sign_in(
            Credentials {
                login: login.into(),
                password: Secret::new("demo"),
            },
            None,
        )
        .await
        .expect("sign in");
        mb
    }

    /// Puts a message in the peer directly (as if another client sent it).
    pub fn deliver(&self, from: &str, to: &[&str], subject: &str, body: &str) -> String {
        let mut d = self.peer.data.lock().unwrap();
        crate::peer::deliver(&mut d, from, to, subject, body)
    }

    pub fn remote_unread(&self, user: &str, id: &str) -> Option<bool> {
        let d = self.peer.data.lock().unwrap();
        d.usermessages
            .get(&(user.to_string(), id.to_string()))
            .map(|u| u.unread)
    }

    pub fn remote_trashed(&self, user: &str, id: &str) -> Option<bool> {
        let d = self.peer.data.lock().unwrap();
        d.usermessages
            .get(&(user.to_string(), id.to_string()))
            .map(|u| u.trashed)
    }
}

fn tracing_subscriber_init() -> Option<()> {
    None
}

/// Waits for a condition with a deadline (no fixed sleeps).
#[allow(dead_code)]
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if check().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
