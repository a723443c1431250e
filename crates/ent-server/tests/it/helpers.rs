//! `TestApp`: one fresh server per test, and a `Client` with one typed helper per endpoint.

use ent_directory::Directory;
use ent_protocol::paths::{self, ListQuery};
use ent_protocol::*;
use ent_server::{Config, ServerHandle};
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;

pub struct TestApp {
    pub server: ServerHandle,
    pub base: String,
    pub data: tempfile::TempDir,
}

impl TestApp {
    /// The demo school with empty mailboxes.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new(Directory::demo(), data.path());
        adjust(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = ent_server::start(listener, config).await.unwrap();
        let base = server.base_url();
        TestApp { server, base, data }
    }

    pub fn id(&self, login: &str) -> String {
        self.server
            .directory()
            .user_by_login(login)
            .unwrap()
            .id
            .clone()
    }

    pub fn group_id(&self, name: &str) -> String {
        self.server
            .directory()
            .group_by_name(name)
            .unwrap()
            .id
            .clone()
    }

    /// A client without any session.
    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: self.base.clone(),
            xsrf: None,
            bearer: None,
        }
    }

    /// Signs in through `POST /auth/login` with the demo password.
    pub async fn login(&self, login: &str) -> Client {
        let mut client = self.anonymous();
        let resp = client.login_form(login, "demo").await;
        assert_eq!(resp.status(), StatusCode::FOUND, "login of {login}");
        client.xsrf = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("XSRF-TOKEN="))
            .map(|c| c.split(';').next().unwrap_or("").to_owned());
        client
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub xsrf: Option<String>,
    pub bearer: Option<String>,
}

pub async fn json<T: DeserializeOwned>(resp: Response) -> T {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert!(status.is_success(), "status {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {text}: {e}"))
}

impl Client {
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = &self.bearer {
            rb = rb.bearer_auth(token);
        }
        if method != reqwest::Method::GET {
            if let Some(x) = &self.xsrf {
                rb = rb.header(XSRF_HEADER, x);
            }
        }
        rb
    }

    pub async fn get(&self, path: &str) -> Response {
        self.req(reqwest::Method::GET, path).send().await.unwrap()
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Response {
        self.req(method, path).json(body).send().await.unwrap()
    }

    pub async fn raw_body(
        &self,
        method: reqwest::Method,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        self.req(method, path)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn login_form(&self, login: &str, password: &str) -> Response {
        self.http
            .post(format!("{}{}", self.base, paths::LOGIN))
            .form(&[("email", login), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// `GET /auth/logout` as a desktop client sends it: with the session's XSRF header.
    pub async fn logout(&self) -> Response {
        let mut rb = self.req(reqwest::Method::GET, paths::LOGOUT);
        if let Some(x) = &self.xsrf {
            rb = rb.header(XSRF_HEADER, x);
        }
        rb.send().await.unwrap()
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> Response {
        self.http
            .post(format!("{}{}", self.base, paths::OAUTH2_TOKEN))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn userinfo(&self) -> Response {
        self.get(paths::USERINFO).await
    }

    pub async fn max_depth(&self) -> MaxDepth {
        json(self.get(paths::MAX_DEPTH).await).await
    }

    pub async fn folders(&self, depth: u32) -> Response {
        self.get(&paths::folders(depth)).await
    }

    pub async fn count(&self, folder: &str, unread: bool) -> u64 {
        json::<Count>(self.get(&paths::count(folder, unread)).await)
            .await
            .count
    }

    pub async fn list_raw(&self, folder: &str, q: &ListQuery<'_>) -> Response {
        self.get(&paths::folder_messages(folder, q)).await
    }

    pub async fn list(&self, folder: &str) -> Vec<MessageListItem> {
        json(self.list_raw(folder, &ListQuery::default()).await).await
    }

    pub async fn list_ids(&self, folder: &str) -> Vec<String> {
        self.list(folder).await.into_iter().map(|m| m.id).collect()
    }

    pub async fn message_raw(&self, id: &str) -> Response {
        self.get(&paths::message(id)).await
    }

    pub async fn message(&self, id: &str) -> Message {
        json(self.message_raw(id).await).await
    }

    pub async fn create_draft_raw(&self, body: &DraftBody, reply: Option<&str>) -> Response {
        self.send_json(reqwest::Method::POST, &paths::create_draft(reply), body)
            .await
    }

    pub async fn create_draft(&self, body: &DraftBody) -> String {
        let resp = self.create_draft_raw(body, None).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        json::<IdResponse>(resp).await.id
    }

    pub async fn update_draft(&self, id: &str, body: &DraftBody) -> Response {
        self.send_json(reqwest::Method::PUT, &paths::update_draft(id), body)
            .await
    }

    pub async fn send_raw(
        &self,
        draft: Option<&str>,
        reply: Option<&str>,
        body: &DraftBody,
    ) -> Response {
        self.send_json(reqwest::Method::POST, &paths::send(draft, reply), body)
            .await
    }

    /// Sends a new message to `to` and returns the answer.
    pub async fn send_to(&self, to: &[&str], subject: &str) -> SendResponse {
        json(self.send_raw(None, None, &draft(to, subject)).await).await
    }

    pub async fn recall(&self, id: &str) -> Response {
        self.req(reqwest::Method::POST, &paths::recall(id))
            .send()
            .await
            .unwrap()
    }

    pub async fn put_raw(&self, path: &str, body: &str) -> Response {
        self.req(reqwest::Method::PUT, path)
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    pub async fn toggle_unread(&self, ids: &[&str], unread: bool) -> Response {
        let body = ToggleUnreadBody {
            id: ids.iter().map(|s| (*s).to_owned()).collect(),
            unread,
        };
        self.send_json(reqwest::Method::POST, paths::TOGGLE_UNREAD, &body)
            .await
    }

    fn ids(ids: &[&str]) -> IdsBody {
        IdsBody {
            id: ids.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    pub async fn trash(&self, ids: &[&str]) -> Response {
        self.send_json(reqwest::Method::PUT, paths::TRASH, &Self::ids(ids))
            .await
    }

    pub async fn restore(&self, ids: &[&str]) -> Response {
        self.send_json(reqwest::Method::PUT, paths::RESTORE, &Self::ids(ids))
            .await
    }

    pub async fn delete(&self, ids: &[&str]) -> Response {
        self.send_json(reqwest::Method::PUT, paths::DELETE, &Self::ids(ids))
            .await
    }

    pub async fn empty_trash(&self) -> Response {
        self.req(reqwest::Method::DELETE, paths::EMPTY_TRASH)
            .send()
            .await
            .unwrap()
    }

    pub async fn move_to_folder(&self, folder: &str, ids: &[&str]) -> Response {
        self.send_json(
            reqwest::Method::PUT,
            &paths::move_to_folder(folder),
            &Self::ids(ids),
        )
        .await
    }

    pub async fn move_to_root(&self, ids: &[&str]) -> Response {
        self.req(reqwest::Method::PUT, &paths::move_to_root(ids))
            .send()
            .await
            .unwrap()
    }

    pub async fn create_folder(&self, name: &str, parent: Option<&str>) -> Response {
        let body = CreateFolderBody {
            name: name.into(),
            parent_id: parent.map(str::to_owned),
        };
        self.send_json(reqwest::Method::POST, paths::CREATE_FOLDER, &body)
            .await
    }

    pub async fn new_folder(&self, name: &str, parent: Option<&str>) -> String {
        let resp = self.create_folder(name, parent).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        json::<IdResponse>(resp).await.id
    }

    pub async fn rename_folder(&self, id: &str, name: &str) -> Response {
        self.send_json(
            reqwest::Method::PUT,
            &paths::rename_folder(id),
            &RenameFolderBody { name: name.into() },
        )
        .await
    }

    pub async fn delete_folder(&self, id: &str) -> Response {
        self.req(reqwest::Method::DELETE, &paths::delete_folder(id))
            .send()
            .await
            .unwrap()
    }

    pub async fn upload(&self, message: &str, filename: &str, bytes: Vec<u8>) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_owned())
            .mime_str("application/pdf")
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        self.req(reqwest::Method::POST, &paths::upload_attachment(message))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn download(&self, message: &str, att: &str, range: Option<&str>) -> Response {
        let mut rb = self.req(reqwest::Method::GET, &paths::attachment(message, att));
        if let Some(r) = range {
            rb = rb.header("range", r);
        }
        rb.send().await.unwrap()
    }

    pub async fn remove_attachment(&self, message: &str, att: &str) -> Response {
        self.req(reqwest::Method::DELETE, &paths::attachment(message, att))
            .send()
            .await
            .unwrap()
    }

    pub async fn forward_attachments(&self, draft: &str, orig: &str) -> Response {
        self.req(
            reqwest::Method::PUT,
            &paths::forward_attachments(draft, orig),
        )
        .send()
        .await
        .unwrap()
    }

    pub async fn visible_search(&self, query: Option<&str>) -> Vec<Visible> {
        json(self.get(&paths::visible_search(query)).await).await
    }

    pub async fn legacy_visible(&self, search: Option<&str>) -> LegacyVisibles {
        json(self.get(&paths::legacy_visible(search)).await).await
    }

    pub async fn directory_user(&self, id: &str) -> Response {
        self.get(&paths::directory_user(id)).await
    }

    pub async fn directory_group(&self, id: &str) -> Response {
        self.get(&paths::directory_group(id)).await
    }

    pub async fn notifications(&self, page: u32) -> LastNotifications {
        json(self.get(&paths::last_notifications(page)).await).await
    }
}

pub fn draft(to: &[&str], subject: &str) -> DraftBody {
    DraftBody {
        subject: Some(subject.into()),
        body: Some(format!("<p>{subject}</p>")),
        to: Some(to.iter().map(|s| (*s).to_owned()).collect()),
        cc: Some(Vec::new()),
        cci: Some(Vec::new()),
        ..DraftBody::default()
    }
}
