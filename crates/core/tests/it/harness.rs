//! One real `ent-server` (demo school, empty mailboxes) on 127.0.0.1 (ent-server's own test
//! server, `ent_server::testing`) and one temporary directory per test; every client store is
//! a real SQLite file under that directory.
//!
//! What "the ENT" holds is checked as a user would see it: through a second client of the same
//! user (its own store, signed in over HTTP), never by looking inside the server.

use std::collections::HashMap;

use ent_server::testing::TestServer;
use ent_server::{Config, ServerHandle};
use messagerie_core::client::conversation as api;
use messagerie_core::message::SummaryRow;
use messagerie_core::queue::DraftContent;
use messagerie_core::session::{Credentials, Secret};
use messagerie_core::{Account, Mailbox};
use tempfile::TempDir;

pub struct TestApp {
    ent: TestServer,
    pub dir: TempDir,
    /// One "web browser" per login: sends mail as another client would and reads the ENT's
    /// state over HTTP. Its store is never synced.
    web: tokio::sync::Mutex<HashMap<String, Mailbox>>,
    /// Login or group name to ENT id, kept while the server is stopped.
    ids: HashMap<String, String>,
}

fn server_config(data_dir: &std::path::Path, tweak: fn(&mut Config)) -> Config {
    let mut config = Config {
        // Empty mailboxes so that counts can be asserted exactly.
        seed_demo_mailboxes: false,
        ..Config::demo(data_dir)
    };
    tweak(&mut config);
    config
}

/// A video of the ENT's workspace in a message body, as the ENT's editor inserts one
/// (@edifice.io/tiptap-extensions `video.ts`; tests/e2e/fixtures/reading/media.html).
pub fn workspace_video(document: &str) -> String {
    format!(
        r#"<div class="video-wrapper"><video src="/workspace/document/{document}" controls="true" data-document-id="{document}" width="350" height="197"></video></div>"#
    )
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(|_| {}).await
    }

    /// A server whose configuration `tweak` changes (an ENT option such as `xsrf_on_auth`),
    /// at its start and at each restart.
    pub async fn start_with(tweak: fn(&mut Config)) -> TestApp {
        let ent = TestServer::start(move |dir| server_config(dir, tweak)).await;
        let dir = ent.directory();
        let ids = dir
            .users()
            .map(|u| (u.login.clone(), u.id.clone()))
            .chain(dir.groups().map(|g| (g.name.clone(), g.id.clone())))
            .collect();
        TestApp {
            ids,
            ent,
            dir: tempfile::tempdir().expect("temp dir"),
            web: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    pub fn server(&self) -> &ServerHandle {
        self.ent.server()
    }

    pub fn url(&self) -> String {
        self.ent.url()
    }

    /// Stops the server (its data stays on disk; the port stays taken).
    pub async fn stop(&mut self) {
        self.ent.stop().await;
    }

    /// Starts the server again on the same port with the same data directory.
    pub async fn restart(&mut self) {
        self.ent.restart().await;
    }

    /// The ENT id of a demo login.
    pub fn id(&self, login: &str) -> String {
        self.ids
            .get(login)
            .unwrap_or_else(|| panic!("no demo user {login}"))
            .clone()
    }

    /// The ENT id of a demo group.
    pub fn group_id(&self, name: &str) -> String {
        self.id(name)
    }

    pub fn account(&self, login: &str) -> Account {
        self.account_on("desktop", login)
    }

    /// `login`'s store on one device (each device has its own SQLite file).
    pub fn account_on(&self, device: &str, login: &str) -> Account {
        Account::in_dir(&self.dir.path().join(device), &self.url(), login)
    }

    /// Opens `login`'s desktop mailbox and signs in with the demo password.
    pub async fn mailbox(&self, login: &str) -> Mailbox {
        self.mailbox_on("desktop", login).await
    }

    /// Opens `login`'s mailbox on another device and signs in.
    pub async fn mailbox_on(&self, device: &str, login: &str) -> Mailbox {
        let mb = Mailbox::open(self.account_on(device, login))
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

    /// Runs `f` with `login`'s web client (signed in on first use).
    pub async fn with_web<T>(
        &self,
        login: &str,
        f: impl AsyncFnOnce(&messagerie_core::client::Client) -> T,
    ) -> T {
        let mut web = self.web.lock().await;
        if !web.contains_key(login) {
            let mb = self.mailbox_on("web", login).await;
            web.insert(login.to_string(), mb);
        }
        f(web[login].client()).await
    }

    /// paul.martin sends marie.durand `n` messages (subjects `M0`, `M1`…) with `body`, from
    /// the web; returns their ids in order.
    pub async fn deliver_n(&self, n: usize, body: &str) -> Vec<String> {
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            ids.push(
                self.deliver("paul.martin", &["marie.durand"], &format!("M{i}"), body)
                    .await,
            );
        }
        ids
    }

    /// `from` sends a message from the web (draft then send, as the ENT's own page does);
    /// returns its id.
    pub async fn deliver(&self, from: &str, to: &[&str], subject: &str, body: &str) -> String {
        let content = DraftContent {
            subject: subject.into(),
            body: body.into(),
            to: to.iter().map(|l| self.id(l)).collect(),
            ..Default::default()
        };
        self.with_web(from, async |c| {
            let id = api::create_draft(c, &content).await.unwrap();
            let outcome = api::send(c, &id, &content).await.unwrap();
            assert_eq!(outcome.sent as usize, to.len(), "{outcome:?}");
            id
        })
        .await
    }

    /// Every message of `folder` as the ENT lists it to `login` (listing does not mark read).
    pub async fn remote(&self, login: &str, folder: &str) -> Vec<SummaryRow> {
        self.with_web(login, async |c| {
            let mut all = Vec::new();
            for page in 0.. {
                let got = api::list(c, folder, page, 25).await.unwrap();
                let done = got.items.is_empty();
                all.extend(got.items);
                if done || all.len() >= got.count as usize {
                    break;
                }
            }
            all
        })
        .await
    }

    /// The ENT's unread flag of `id` in `login`'s inbox (`None`: not in the inbox).
    pub async fn remote_unread(&self, login: &str, id: &str) -> Option<bool> {
        self.remote(login, "inbox")
            .await
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.unread)
    }

    /// Marks messages read or unread on the ENT from `login`'s web client.
    pub async fn web_mark_unread(&self, login: &str, ids: &[String], unread: bool) {
        self.with_web(login, async |c| {
            api::toggle_unread(c, ids, unread).await.unwrap()
        })
        .await
    }

    /// Trashes messages on the ENT from `login`'s web client.
    pub async fn web_trash(&self, login: &str, ids: &[String]) {
        self.with_web(login, async |c| api::trash(c, ids).await.unwrap())
            .await
    }

    /// Deletes trashed messages for good on the ENT from `login`'s web client.
    pub async fn web_delete(&self, login: &str, ids: &[String]) {
        self.with_web(login, async |c| api::delete(c, ids).await.unwrap())
            .await
    }

    /// The names of `login`'s own folders on the ENT.
    pub async fn remote_folder_names(&self, login: &str) -> Vec<String> {
        self.with_web(login, async |c| {
            api::folders(c, 3)
                .await
                .unwrap()
                .into_iter()
                .map(|f| f.name)
                .collect()
        })
        .await
    }
}
