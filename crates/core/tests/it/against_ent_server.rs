//! The key scenarios again, against the project's own ENT server (`ent_server::start` with
//! the demo school), to prove the client and the server speak the same protocol.

use ent_server::{Config, FaultKind, ServerHandle};
use messagerie_core::queue::DraftContent;
use messagerie_core::session::{Credentials, Secret};
use messagerie_core::sync::SyncMode;
use messagerie_core::{Account, ErrorKind, Mailbox};
use tempfile::TempDir;

struct Ent {
    /// `None` while stopped.
    server: Option<ServerHandle>,
    _server_dir: TempDir,
    client_dir: TempDir,
}

impl Ent {
    async fn start() -> Ent {
        let server_dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = ent_server::start(listener, Config::demo(server_dir.path()))
            .await
            .unwrap();
        Ent {
            server: Some(server),
            _server_dir: server_dir,
            client_dir: tempfile::tempdir().unwrap(),
        }
    }

    fn server(&self) -> &ServerHandle {
        self.server.as_ref().unwrap()
    }

    async fn mailbox(&self, login: &str) -> Mailbox {
        let url = format!("http://{}", self.server().addr());
        let mb = Mailbox::open(Account::in_dir(self.client_dir.path(), &url, login))
            .await
            .unwrap();
        mb.sign_in(
            Credentials {
                login: login.into(),
                password: Secret::new("demo"),
            },
            None,
        )
        .await
        .unwrap();
        mb
    }
}

async fn user_id(mb: &Mailbox) -> String {
    mb.user().await.unwrap().unwrap().0
}

fn draft(to: String, subject: &str) -> DraftContent {
    DraftContent {
        subject: subject.into(),
        body: "<p>Bonjour</p>".into(),
        to: vec![to],
        ..Default::default()
    }
}

#[tokio::test]
async fn first_and_incremental_sync_against_ent_server_keep_the_unread_flag() {
    // Arrange
    let ent = Ent::start().await;
    let marie = ent.mailbox("marie.durand").await;
    let first = marie.sync(SyncMode::Quick).await.unwrap();
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    let paul = ent.mailbox("paul.martin").await;
    paul.sync(SyncMode::Quick).await.unwrap();
    paul.send(
        None,
        draft(user_id(&marie).await, "Conseil de classe jeudi"),
    )
    .await
    .unwrap();
    assert!(paul.flush_queue().await.unwrap().refused.is_empty());

    // Act
    let report = marie.sync(SyncMode::Quick).await.unwrap();
    let again = marie.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(report.new_mail.len(), 1, "{report:?}");
    let id = &report.new_mail[0];
    let msg = marie.message(id).await.unwrap();
    assert!(msg.body.unwrap().contains("Bonjour"));
    assert!(msg.summary.unread);
    let remote = messagerie_core::client::conversation::list(marie.client(), "inbox", 0, 25)
        .await
        .unwrap();
    assert!(
        remote.items.iter().any(|m| &m.id == id && m.unread),
        "still unread on the ENT"
    );
    assert!(again.unchanged && again.requests <= 2);
}

#[tokio::test]
async fn a_send_committed_by_ent_server_then_cut_off_is_delivered_once() {
    let ent = Ent::start().await;
    let marie = ent.mailbox("marie.durand").await;
    marie.sync(SyncMode::Quick).await.unwrap();
    let paul = ent.mailbox("paul.martin").await;
    paul.sync(SyncMode::Quick).await.unwrap();
    ent.server()
        .faults()
        .inject_times("/conversation/send", FaultKind::CommitThenDrop, 1);
    paul.send(None, draft(user_id(&marie).await, "Une seule fois"))
        .await
        .unwrap();

    let first = paul.flush_queue().await;
    let second = paul.flush_queue().await;

    assert!(first.is_err());
    assert!(second.is_ok(), "{second:?}");
    marie.sync(SyncMode::Quick).await.unwrap();
    let inbox = marie.list("inbox", 0, 200).await.unwrap();
    assert_eq!(
        inbox
            .iter()
            .filter(|m| m.subject == "Une seule fois")
            .count(),
        1
    );
}

#[tokio::test]
async fn ent_server_faults_and_expired_sessions_do_not_stop_the_sync() {
    let ent = Ent::start().await;
    let marie = ent.mailbox("marie.durand").await;
    ent.server()
        .faults()
        .inject("/conversation/api/folders/trash", FaultKind::ServerError);
    ent.server().faults().expire_sessions();

    let report = marie.sync(SyncMode::Quick).await.unwrap();

    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    ent.server().faults().clear();
    let err_free = marie.sync(SyncMode::Full).await.unwrap();
    assert!(err_free.errors.is_empty());
    let _ = ErrorKind::Server;
}

#[tokio::test]
async fn actions_made_while_ent_server_is_down_are_replayed_once_it_is_back() {
    // Arrange: a message for marie, synced; then the server stops.
    let mut ent = Ent::start().await;
    let marie = ent.mailbox("marie.durand").await;
    let paul = ent.mailbox("paul.martin").await;
    paul.send(None, draft(user_id(&marie).await, "À ranger"))
        .await
        .unwrap();
    paul.flush_queue().await.unwrap();
    marie.sync(SyncMode::Quick).await.unwrap();
    let inbox = marie.list("inbox", 0, 200).await.unwrap();
    let id = inbox
        .iter()
        .find(|m| m.subject == "À ranger")
        .unwrap()
        .id
        .clone();
    let addr = ent.server().addr();
    ent.server.take().unwrap().stop().await;

    // Act: offline actions, then the server comes back on the same address with its data.
    marie.trash(std::slice::from_ref(&id)).await.unwrap();
    marie
        .send(None, draft(user_id(&paul).await, "Écrit hors ligne"))
        .await
        .unwrap();
    assert_eq!(
        marie.sync(SyncMode::Quick).await.unwrap_err().kind(),
        ErrorKind::Offline
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    ent.server = Some(
        ent_server::start(listener, Config::demo(ent._server_dir.path()))
            .await
            .unwrap(),
    );
    let report = marie.sync(SyncMode::Quick).await.unwrap();

    // Assert
    assert_eq!(marie.pending_actions().await.unwrap(), 0);
    assert!(report.actions_replayed >= 3, "{report:?}");
    assert!(marie
        .list("trash", 0, 200)
        .await
        .unwrap()
        .iter()
        .any(|m| m.id == id));
    paul.sync(SyncMode::Quick).await.unwrap();
    let got = paul.list("inbox", 0, 200).await.unwrap();
    assert_eq!(
        got.iter()
            .filter(|m| m.subject == "Écrit hors ligne")
            .count(),
        1
    );
}

#[tokio::test]
async fn oauth2_sign_in_uses_a_bearer_token_and_renews_it_when_it_expires() {
    // Arrange: the demo school registers the desktop client.
    let ent = Ent::start().await;
    let url = format!("http://{}", ent.server().addr());
    let mb = Mailbox::open(Account::in_dir(ent.client_dir.path(), &url, "marie.durand"))
        .await
        .unwrap();
    let oauth = messagerie_core::session::OAuthClient {
        client_id: "messagerie-desktop".into(),
        client_secret: Secret::new("demo-secret"),
    };

    // Act
    let session = mb
        .sign_in(
            Credentials {
                login: "marie.durand".into(),
                password: Secret::new("demo"),
            },
            Some(oauth),
        )
        .await
        .unwrap();
    ent.server().faults().expire_sessions();
    let report = mb.sync(SyncMode::Quick).await;

    // Assert
    assert!(matches!(
        session,
        messagerie_core::session::Session::Bearer { .. }
    ));
    assert!(
        !format!("{session:?}").contains("demo"),
        "secrets stay out of Debug"
    );
    assert!(report.is_ok(), "{report:?}");
    let renewed = mb.client().session().await.unwrap();
    assert_ne!(renewed, session, "a new token after the expiry");
}
