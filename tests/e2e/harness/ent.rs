//! The demo ENT the app will sign in to: the workspace's test server
//! (`ent_server::testing::TestServer`, demo school with seeded mailboxes) on a loopback port it
//! keeps across stops and restarts.
use ent_server::testing::TestServer;

/// A demo ENT a test can stop and start again on the same port and data, and act on as any
/// demo user through messagerie-core (the other side of the conversation).
pub struct Ent {
    server: TestServer,
}

/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "demo";

impl Ent {
    pub async fn start() -> Ent {
        Ent {
            server: TestServer::demo().await,
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Stops the server; its data stays on disk and the app finds the ENT unreachable.
    pub async fn stop(&mut self) {
        self.server.stop().await;
    }

    /// Starts it again on the same port with the same data.
    pub async fn restart(&mut self) {
        self.server.restart().await;
    }

    /// An ENT client signed in as `login` (the web page of another user, in effect).
    pub async fn client(&self, login: &str) -> messagerie_core::client::Client {
        use messagerie_core::client::{auth, Client};
        use messagerie_core::session::{Credentials, Secret};
        let client = Client::new(&self.url()).expect("a client of the demo ENT");
        let credentials = Credentials {
            login: login.to_string(),
            password: Secret::new(DEMO_PASSWORD),
        };
        let session = auth::login_form(&client, &credentials)
            .await
            .unwrap_or_else(|e| panic!("{login} cannot sign in to the demo ENT: {e}"));
        client.set_session(Some(session)).await;
        client
    }

    /// The ENT's switches (new terms of use to accept, sessions that end...).
    pub fn faults(&self) -> &ent_server::Faults {
        self.server.faults()
    }

    /// The ENT id of a demo login.
    pub fn id(&self, login: &str) -> String {
        self.server.id(login)
    }

    /// `from` sends a message to `to` through the ENT's API; returns its id.
    pub async fn send(&self, from: &str, to: &[&str], subject: &str, body: &str) -> String {
        self.send_in_reply(from, to, subject, body, None).await
    }

    /// As [`Ent::send`], as a reply to message `in_reply_to` when given (the ENT threads it).
    pub async fn send_in_reply(
        &self,
        from: &str,
        to: &[&str],
        subject: &str,
        body: &str,
        in_reply_to: Option<&str>,
    ) -> String {
        use messagerie_core::client::conversation;
        use messagerie_core::queue::DraftContent;
        let client = self.client(from).await;
        let content = DraftContent {
            subject: subject.into(),
            body: body.into(),
            to: to.iter().map(|login| self.id(login)).collect(),
            in_reply_to: in_reply_to.map(str::to_string),
            ..DraftContent::default()
        };
        let draft = conversation::create_draft(&client, &content)
            .await
            .expect("the demo ENT creates the draft");
        conversation::send(&client, &draft, &content)
            .await
            .expect("the demo ENT sends the message");
        draft
    }

    /// The ENT's unread count of `login`'s inbox.
    pub async fn unread_in_inbox(&self, login: &str) -> u32 {
        let client = self.client(login).await;
        messagerie_core::client::conversation::count(&client, "inbox", true)
            .await
            .expect("the demo ENT counts")
    }

    /// The message `subject` as `login` finds it in their inbox: its id and its files' ids.
    pub async fn received(&self, login: &str, subject: &str) -> Option<(String, Vec<String>)> {
        use messagerie_core::client::conversation;
        let client = self.client(login).await;
        let page = conversation::list(&client, "inbox", 0, 25).await.ok()?;
        let id = page.items.into_iter().find(|m| m.subject == subject)?.id;
        let (_, body) = conversation::message(&client, &id).await.ok()?;
        Some((id, body.attachments.into_iter().map(|a| a.id).collect()))
    }

    /// How many messages titled `subject` `login` has in their inbox.
    pub async fn count_received(&self, login: &str, subject: &str) -> usize {
        self.subjects(login, "inbox")
            .await
            .iter()
            .filter(|s| *s == subject)
            .count()
    }

    /// The bytes of a file of a message, downloaded as `login`.
    pub async fn download(&self, login: &str, message: &str, attachment: &str) -> Vec<u8> {
        let client = self.client(login).await;
        messagerie_core::client::conversation::download_attachment(&client, message, attachment)
            .await
            .unwrap_or_else(|e| panic!("{login} cannot download the file: {e}"))
    }

    /// Writes `login`'s conversation preference (the signature) as the ENT's web page does.
    pub async fn set_conversation_preference(&self, login: &str, json: serde_json::Value) {
        let client = self.client(login).await;
        let pref = serde_json::from_value(json).expect("a conversation preference");
        messagerie_core::client::userbook::set_conversation_preference(&client, &pref)
            .await
            .expect("the demo ENT keeps the preference");
    }

    /// Moves message `id`'s date back by `by` on the ENT, as if sent that long ago.
    pub async fn backdate(&self, id: &str, by: std::time::Duration) {
        self.server
            .server()
            .backdate_message(id, by)
            .await
            .expect("the demo ENT backdates the message");
    }

    /// `login`'s inbox on the ENT: (id, subject, state) of each message.
    pub async fn inbox(&self, login: &str) -> Vec<(String, String, String)> {
        let client = self.client(login).await;
        let page = messagerie_core::client::conversation::list(&client, "inbox", 0, 100)
            .await
            .expect("the demo ENT lists");
        page.items
            .into_iter()
            .map(|m| (m.id, m.subject, m.state))
            .collect()
    }

    /// Subjects in one of `login`'s folders on the ENT (`inbox`, `trash`, a folder id…).
    pub async fn subjects(&self, login: &str, folder: &str) -> Vec<String> {
        let client = self.client(login).await;
        let page = messagerie_core::client::conversation::list(&client, folder, 0, 100)
            .await
            .expect("the demo ENT lists");
        page.items.into_iter().map(|m| m.subject).collect()
    }
}

#[tokio::test]
async fn the_demo_ent_server_serves_its_login_page_on_loopback() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ent = Ent::start().await;

    let mut stream = tokio::net::TcpStream::connect(ent.server.addr())
        .await
        .expect("connect");
    stream
        .write_all(b"GET /auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");

    assert!(ent.server.addr().ip().is_loopback());
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}
