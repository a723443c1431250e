//! A small hand-written loopback ENT peer, kept only for what `ent-server` cannot produce.
//!
//! Every scenario of the integration tests runs against the real `ent-server` (see
//! `harness.rs`). Two users of this peer remain:
//! - `peer_only.rs`: `share_bookmarks_the_ent_lists_among_visibles_are_not_offered_as_recipients`,
//!   because a real ENT lists share bookmarks among the visible recipients and ent-server has
//!   none;
//! - `benches/sync_search.rs` (included with `#[path]`): it adds network latency per request
//!   and fills 10,000 messages straight into memory, neither of which ent-server offers.
//!
//! It speaks the protocol of spec §2, §4 and §5.1 over real HTTP on 127.0.0.1, with the quirks
//! the client must survive (302 to /auth/login, 200 with an empty body, reads that mark read, a
//! second send of a draft refused) and fault injection per route.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Form, Json, Router};
use serde_json::{json, Value};

/// What a route does instead of answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 with an HTML page.
    Status500,
    /// 200 with a body that is not JSON.
    Malformed,
    /// Does the work, then cuts the connection before the answer is complete.
    CommitThenDrop,
}

#[derive(Debug, Clone)]
pub struct Msg {
    pub id: String,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub cci: Vec<String>,
    pub subject: String,
    pub body: String,
    pub state: String,
    pub date: i64,
    pub attachments: Vec<(String, String, String, Vec<u8>)>,
}

#[derive(Debug, Clone)]
pub struct UserMsg {
    pub folder_id: Option<String>,
    pub trashed: bool,
    pub unread: bool,
}

#[derive(Debug, Clone)]
pub struct FolderRec {
    pub user: String,
    pub parent: Option<String>,
    pub name: String,
    pub depth: u64,
}

#[derive(Default)]
pub struct Data {
    pub users: BTreeMap<String, String>,
    pub sessions: HashMap<String, (String, String)>,
    pub messages: BTreeMap<String, Msg>,
    pub usermessages: HashMap<(String, String), UserMsg>,
    pub folders: BTreeMap<String, FolderRec>,
    pub faults: Vec<(String, Fault)>,
    pub requests: u64,
    /// Added before every answer, to stand for the network between a user and their ENT.
    pub latency: std::time::Duration,
    /// Sends that actually delivered, per draft id.
    pub deliveries: HashMap<String, u32>,
    seq: u64,
    clock: i64,
}

impl Data {
    fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}-{:08}", self.seq)
    }
    fn now(&mut self) -> i64 {
        self.clock += 1000;
        1_780_000_000_000 + self.clock
    }
}

pub type Shared = Arc<Mutex<Data>>;

/// The demo school's users (login = id), as in ent-directory.
pub const USERS: &[(&str, &str, &str)] = &[
    ("marie.durand", "DURAND Marie", "Teacher"),
    ("paul.martin", "MARTIN Paul", "Teacher"),
    ("sophie.bernard", "BERNARD Sophie", "Personnel"),
    ("hugo.leroy", "LEROY Hugo", "Student"),
    ("lea.moreau", "MOREAU Léa", "Student"),
    ("julien.leroy", "LEROY Julien", "Relative"),
];

pub fn new_data() -> Shared {
    let mut d = Data::default();
    for (login, name, _) in USERS {
        d.users.insert(login.to_string(), name.to_string());
    }
    Arc::new(Mutex::new(d))
}

fn name_of(d: &Data, id: &str) -> String {
    d.users.get(id).cloned().unwrap_or_else(|| id.to_string())
}

fn profile_of(id: &str) -> &'static str {
    USERS
        .iter()
        .find(|u| u.0 == id)
        .map(|u| u.2)
        .unwrap_or("Teacher")
}

/// Delivers a message (used by the tests to fill mailboxes directly).
pub fn deliver(d: &mut Data, from: &str, to: &[&str], subject: &str, body: &str) -> String {
    let id = d.next_id("msg");
    let date = d.now();
    let m = Msg {
        id: id.clone(),
        from: from.into(),
        to: to.iter().map(|s| s.to_string()).collect(),
        cc: vec![],
        cci: vec![],
        subject: subject.into(),
        body: body.into(),
        state: "SENT".into(),
        date,
        attachments: vec![],
    };
    d.usermessages.insert(
        (from.into(), id.clone()),
        UserMsg {
            folder_id: None,
            trashed: false,
            unread: false,
        },
    );
    for t in to {
        d.usermessages.insert(
            (t.to_string(), id.clone()),
            UserMsg {
                folder_id: None,
                trashed: false,
                unread: true,
            },
        );
    }
    d.messages.insert(id.clone(), m);
    id
}

struct Fail(Response);
impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        self.0
    }
}
type R = Result<Response, Fail>;

fn bad(key: &str) -> Fail {
    Fail((StatusCode::BAD_REQUEST, Json(json!({ "error": key }))).into_response())
}
fn unauthorized() -> Fail {
    Fail((StatusCode::UNAUTHORIZED, "<html>401</html>").into_response())
}

fn fault_for(d: &Data, path: &str) -> Option<Fault> {
    d.faults
        .iter()
        .find(|(p, _)| path.starts_with(p.as_str()))
        .map(|(_, f)| *f)
}

/// Session check and faults: the first thing every protected route does.
fn auth(
    st: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(String, Option<Fault>), Fail> {
    let mut d = st.lock().unwrap();
    d.requests += 1;
    let cookie = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let sid = cookie
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == "oneSessionId")
        .map(|(_, v)| v.to_string());
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let key = sid.clone().or(bearer.clone());
    let Some((user, xsrf)) = key.and_then(|k| d.sessions.get(&k).cloned()) else {
        let loc = format!("/auth/login?callback={}", uri.path());
        return Err(Fail(
            (
                StatusCode::FOUND,
                [
                    ("location", loc),
                    ("set-cookie", "oneSessionId=; Max-Age=0".into()),
                ],
            )
                .into_response(),
        ));
    };
    if sid.is_some() && *method != Method::GET {
        let sent = headers
            .get("x-xsrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if sent != xsrf {
            return Err(Fail(
                (
                    StatusCode::FORBIDDEN,
                    Json(json!({"error":"invalid.xsrf.token"})),
                )
                    .into_response(),
            ));
        }
    }
    let fault = fault_for(&d, uri.path());
    match fault {
        Some(Fault::Status500) => {
            return Err(Fail(
                (StatusCode::INTERNAL_SERVER_ERROR, "<html>500</html>").into_response(),
            ))
        }
        Some(Fault::Malformed) => {
            return Err(Fail(
                (
                    StatusCode::OK,
                    [("content-type", "application/json")],
                    "{\"id\": [tru",
                )
                    .into_response(),
            ))
        }
        _ => {}
    }
    Ok((user, fault))
}

/// Answers, or cuts the connection mid-answer when the route is set to commit-then-drop.
fn answer(fault: Option<Fault>, value: Value) -> R {
    if fault == Some(Fault::CommitThenDrop) {
        let stream = futures::stream::once(async {
            Err::<axum::body::Bytes, _>(std::io::Error::other("cut"))
        });
        return Ok(Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(Body::from_stream(stream))
            .unwrap());
    }
    Ok(Json(value).into_response())
}

fn empty(fault: Option<Fault>) -> R {
    if fault.is_some() {
        return answer(fault, Value::Null);
    }
    Ok((StatusCode::OK, "").into_response())
}

async fn login(State(st): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut d = st.lock().unwrap();
    d.requests += 1;
    let login = f.get("email").cloned().unwrap_or_default();
    if !d.users.contains_key(&login) || f.get("password").map(String::as_str) != Some("demo") {
        return (StatusCode::OK, "<html>login</html>").into_response();
    }
    let sid = d.next_id("sid");
    let xsrf = d.next_id("xsrf");
    d.sessions.insert(sid.clone(), (login, xsrf.clone()));
    let mut h = HeaderMap::new();
    h.append(
        "set-cookie",
        format!("oneSessionId={sid}; Path=/; HttpOnly")
            .parse()
            .unwrap(),
    );
    h.append("set-cookie", "authenticated=true; Path=/".parse().unwrap());
    h.append(
        "set-cookie",
        format!("XSRF-TOKEN={xsrf}; Path=/").parse().unwrap(),
    );
    h.insert("location", "/".parse().unwrap());
    (StatusCode::FOUND, h).into_response()
}

async fn userinfo(State(st): State<Shared>, m: Method, uri: Uri, h: HeaderMap) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let name = name_of(&st.lock().unwrap(), &user);
    answer(
        f,
        json!({"userId": user, "login": user, "username": name, "type": profile_of(&user), "classNames": null}),
    )
}

fn person(d: &Data, id: &str) -> Value {
    json!({"id": id, "displayName": name_of(d, id), "profile": profile_of(id)})
}

fn recipients(d: &Data, ids: &[String]) -> Value {
    json!({"users": ids.iter().map(|i| person(d, i)).collect::<Vec<_>>(), "groups": []})
}

fn in_folder(m: &Msg, um: &UserMsg, user: &str, folder: &str) -> bool {
    match folder.to_ascii_lowercase().as_str() {
        "inbox" => {
            !um.trashed
                && um.folder_id.is_none()
                && m.state == "SENT"
                && (m.from != user || m.to.iter().chain(&m.cc).any(|t| t == user))
        }
        "outbox" => !um.trashed && um.folder_id.is_none() && m.state == "SENT" && m.from == user,
        "draft" => !um.trashed && um.folder_id.is_none() && m.state == "DRAFT" && m.from == user,
        "trash" => um.trashed,
        other => !um.trashed && um.folder_id.as_deref() == Some(other),
    }
}

fn summary(d: &Data, m: &Msg, um: &UserMsg, count: usize) -> Value {
    json!({"id": m.id, "subject": m.subject, "from": person(d, &m.from), "to": recipients(d, &m.to),
        "cc": recipients(d, &m.cc), "cci": recipients(d, &m.cci), "state": m.state, "date": m.date,
        "noReply": false, "unread": um.unread, "response": false, "hasAttachment": !m.attachments.is_empty(), "count": count})
}

async fn list(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(folder): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let d = st.lock().unwrap();
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let size: usize = q
        .get("page_size")
        .and_then(|p| p.parse().ok())
        .filter(|s| (1..=25).contains(s))
        .unwrap_or(25);
    let mut rows: Vec<(&Msg, &UserMsg)> = d
        .messages
        .values()
        .filter_map(|msg| {
            d.usermessages
                .get(&(user.clone(), msg.id.clone()))
                .map(|um| (msg, um))
        })
        .filter(|(msg, um)| in_folder(msg, um, &user, &folder))
        .collect();
    rows.sort_by(|a, b| b.0.date.cmp(&a.0.date).then(b.0.id.cmp(&a.0.id)));
    let total = rows.len();
    let out: Vec<Value> = rows
        .iter()
        .skip(page * size)
        .take(size)
        .map(|(msg, um)| summary(&d, msg, um, total))
        .collect();
    drop(d);
    answer(f, Value::Array(out))
}

async fn count(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(folder): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let d = st.lock().unwrap();
    let unread = q.get("unread").map(String::as_str) == Some("true");
    let n = d
        .messages
        .values()
        .filter_map(|msg| {
            d.usermessages
                .get(&(user.clone(), msg.id.clone()))
                .map(|um| (msg, um))
        })
        .filter(|(msg, um)| in_folder(msg, um, &user, &folder) && (!unread || um.unread))
        .count();
    drop(d);
    answer(f, json!({"count": n}))
}

async fn message(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(id): Path<String>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    let key = (user.clone(), id.clone());
    let Some(um) = d.usermessages.get_mut(&key) else {
        return Err(unauthorized());
    };
    um.unread = false; // reads mutate (spec §12.1)
    let um = um.clone();
    let msg = d.messages.get(&id).cloned().ok_or_else(unauthorized)?;
    let atts: Vec<Value> = msg.attachments.iter().map(|(aid, name, ct, bytes)| json!({"id": aid, "name": "file", "filename": name, "contentType": ct, "size": bytes.len()})).collect();
    let v = json!({"id": msg.id, "parent_id": null, "thread_id": msg.id, "subject": msg.subject, "body": msg.body,
        "from": person(&d, &msg.from), "to": recipients(&d, &msg.to), "cc": recipients(&d, &msg.cc), "cci": recipients(&d, &msg.cci),
        "state": msg.state, "date": msg.date, "language": "fr", "noReply": false, "folder_id": um.folder_id,
        "trashed": um.trashed, "unread": false, "attachments": atts});
    drop(d);
    answer(f, v)
}

fn ids_of(v: &Value) -> Vec<String> {
    v.get("id")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The caller must own a row for every id, and ids must be distinct (spec §12.8).
fn owned(d: &Data, user: &str, ids: &[String]) -> Result<(), Fail> {
    let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
    if ids.is_empty()
        || distinct.len() != ids.len()
        || ids
            .iter()
            .any(|i| !d.usermessages.contains_key(&(user.to_string(), i.clone())))
    {
        return Err(unauthorized());
    }
    Ok(())
}

async fn toggle_unread(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    let ids = ids_of(&b);
    owned(&d, &user, &ids)?;
    let unread = b
        .get("unread")
        .and_then(Value::as_bool)
        .ok_or_else(|| Fail(StatusCode::BAD_REQUEST.into_response()))?;
    for id in ids {
        if let Some(um) = d.usermessages.get_mut(&(user.clone(), id)) {
            um.unread = unread;
        }
    }
    drop(d);
    answer(f, json!({}))
}

async fn set_trashed(st: Shared, m: Method, uri: Uri, h: HeaderMap, b: Value, trashed: bool) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    let ids = ids_of(&b);
    owned(&d, &user, &ids)?;
    for id in ids {
        if let Some(um) = d.usermessages.get_mut(&(user.clone(), id)) {
            um.trashed = trashed;
        }
    }
    drop(d);
    answer(f, json!({}))
}

async fn trash(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> R {
    set_trashed(st, m, uri, h, b, true).await
}
async fn restore(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> R {
    set_trashed(st, m, uri, h, b, false).await
}

async fn delete_msgs(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    let ids = ids_of(&b);
    owned(&d, &user, &ids)?;
    for id in ids {
        let key = (user.clone(), id);
        if d.usermessages.get(&key).is_some_and(|u| u.trashed) {
            d.usermessages.remove(&key);
        }
    }
    drop(d);
    empty(f)
}

async fn empty_trash(State(st): State<Shared>, m: Method, uri: Uri, h: HeaderMap) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    st.lock()
        .unwrap()
        .usermessages
        .retain(|(u, _), um| !(u == &user && um.trashed));
    empty(f)
}

async fn move_to(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(folder): Path<String>,
    Json(b): Json<Value>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    if d.folders.get(&folder).is_none_or(|fr| fr.user != user) {
        return Err(unauthorized());
    }
    let ids = ids_of(&b);
    owned(&d, &user, &ids)?;
    for id in ids {
        if let Some(um) = d.usermessages.get_mut(&(user.clone(), id)) {
            um.folder_id = Some(folder.clone());
        }
    }
    drop(d);
    answer(f, json!({}))
}

async fn move_root(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let ids: Vec<String> = q
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.strip_prefix("id="))
        .map(str::to_string)
        .collect();
    let mut d = st.lock().unwrap();
    owned(&d, &user, &ids)?;
    for id in ids {
        if let Some(um) = d.usermessages.get_mut(&(user.clone(), id)) {
            um.folder_id = None;
        }
    }
    drop(d);
    answer(f, json!({}))
}

async fn folders(State(st): State<Shared>, m: Method, uri: Uri, h: HeaderMap) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let d = st.lock().unwrap();
    fn tree(d: &Data, user: &str, parent: Option<&str>) -> Vec<Value> {
        d.folders
            .iter()
            .filter(|(_, fr)| fr.user == user && fr.parent.as_deref() == parent)
            .map(|(id, fr)| json!({"id": id, "parent_id": fr.parent, "name": fr.name, "depth": fr.depth, "nbMessages": 0, "nbUnread": 0, "subFolders": tree(d, user, Some(id))}))
            .collect()
    }
    let v = Value::Array(tree(&d, &user, None));
    drop(d);
    answer(f, v)
}

async fn create_folder(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> R {
    let (user, _f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    let name = b
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let parent = b
        .get("parentId")
        .and_then(Value::as_str)
        .map(str::to_string);
    if d.folders
        .values()
        .any(|fr| fr.user == user && fr.parent == parent && fr.name == name)
    {
        return Err(bad("conversation.error.duplicate.folder"));
    }
    let depth = parent
        .as_ref()
        .and_then(|p| d.folders.get(p))
        .map(|p| p.depth + 1)
        .unwrap_or(1);
    let id = d.next_id("folder");
    d.folders.insert(
        id.clone(),
        FolderRec {
            user,
            parent,
            name,
            depth,
        },
    );
    drop(d);
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

async fn rename_folder(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<Value>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    let name = b
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match d.folders.get_mut(&id) {
        Some(fr) if fr.user == user => fr.name = name,
        _ => return Err(unauthorized()),
    }
    drop(d);
    answer(f, json!({}))
}

async fn delete_folder(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(id): Path<String>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    if d.folders.get(&id).is_none_or(|fr| fr.user != user) {
        return Err(unauthorized());
    }
    d.folders.remove(&id);
    for ((u, _), um) in d.usermessages.iter_mut() {
        if u == &user && um.folder_id.as_deref() == Some(&id) {
            um.folder_id = None;
            um.trashed = true;
        }
    }
    drop(d);
    answer(f, json!({}))
}

fn strings(b: &Value, key: &str) -> Vec<String> {
    b.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn check_fields(b: &Value) -> Result<(), Fail> {
    let allowed = ["subject", "body", "to", "cc", "cci", "noReply"];
    if b.as_object()
        .is_some_and(|o| o.keys().any(|k| !allowed.contains(&k.as_str())))
    {
        return Err(bad("conversation.invalid.fields"));
    }
    Ok(())
}

async fn create_draft(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    check_fields(&b)?;
    let mut d = st.lock().unwrap();
    let id = d.next_id("msg");
    let date = d.now();
    let msg = Msg {
        id: id.clone(),
        from: user.clone(),
        to: strings(&b, "to"),
        cc: strings(&b, "cc"),
        cci: strings(&b, "cci"),
        subject: b
            .get("subject")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .into(),
        body: b
            .get("body")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .into(),
        state: "DRAFT".into(),
        date,
        attachments: vec![],
    };
    d.messages.insert(id.clone(), msg);
    d.usermessages.insert(
        (user, id.clone()),
        UserMsg {
            folder_id: None,
            trashed: false,
            unread: true,
        },
    );
    drop(d);
    if f == Some(Fault::CommitThenDrop) {
        return answer(f, Value::Null);
    }
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

async fn update_draft(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<Value>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    check_fields(&b)?;
    let mut d = st.lock().unwrap();
    let date = d.now();
    match d.messages.get_mut(&id) {
        Some(msg) if msg.from == user => {
            if msg.state == "DRAFT" {
                msg.subject = b
                    .get("subject")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into();
                msg.body = b
                    .get("body")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into();
                msg.to = strings(&b, "to");
                msg.cc = strings(&b, "cc");
                msg.cci = strings(&b, "cci");
                msg.date = date;
            }
        }
        _ => return Err(unauthorized()),
    }
    drop(d);
    answer(f, json!({}))
}

async fn send(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    Json(b): Json<Value>,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    check_fields(&b)?;
    let mut d = st.lock().unwrap();
    let id = q
        .get("id")
        .cloned()
        .ok_or_else(|| bad("conversation.invalid.parameter"))?;
    let to = strings(&b, "to");
    let cc = strings(&b, "cc");
    let cci = strings(&b, "cci");
    let targets: Vec<String> = to.iter().chain(&cc).chain(&cci).cloned().collect();
    if targets.iter().any(|t| !d.users.contains_key(t)) {
        return Err(unauthorized()); // a recipient not visible (spec §4.9)
    }
    let date = d.now();
    match d.messages.get_mut(&id) {
        Some(msg) if msg.from == user => {
            if msg.state != "DRAFT" {
                return Err(bad(&format!(
                    "Concurrency error: state mismatch for message {id}"
                )));
            }
            msg.state = "SENT".into();
            msg.to = to;
            msg.cc = cc;
            msg.cci = cci;
            msg.date = date;
            msg.subject = b
                .get("subject")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into();
            msg.body = b
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into();
        }
        _ => return Err(unauthorized()),
    }
    let self_sent = targets.iter().any(|t| t == &user);
    if let Some(um) = d.usermessages.get_mut(&(user.clone(), id.clone())) {
        um.unread = self_sent;
    }
    for t in &targets {
        if t != &user {
            d.usermessages.insert(
                (t.clone(), id.clone()),
                UserMsg {
                    folder_id: None,
                    trashed: false,
                    unread: true,
                },
            );
        }
    }
    *d.deliveries.entry(id.clone()).or_default() += 1;
    let sent = targets.len();
    drop(d);
    answer(
        f,
        json!({"id": id, "sent": sent, "inactive": [], "inactiveCount": 0, "undelivered": [], "update_message_with_state_transition": null}),
    )
}

async fn add_attachment(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let mut file = None;
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.file_name().unwrap_or("file").to_string();
        let ct = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|_| bad("invalid.file"))?
            .to_vec();
        file = Some((name, ct, bytes));
    }
    let (name, ct, bytes) = file.ok_or_else(|| bad("invalid.file"))?;
    if bytes.len() > 1_000_000 {
        return Err(bad("file.too.large"));
    }
    let mut d = st.lock().unwrap();
    if !d.usermessages.contains_key(&(user, id.clone())) {
        return Err(unauthorized());
    }
    let aid = d.next_id("att");
    if let Some(msg) = d.messages.get_mut(&id) {
        msg.attachments.push((aid.clone(), name, ct, bytes));
    }
    drop(d);
    answer(f, json!({"id": aid}))
}

async fn get_attachment(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
) -> R {
    let (user, _) = auth(&st, &m, &uri, &h)?;
    let d = st.lock().unwrap();
    if !d.usermessages.contains_key(&(user, id.clone())) {
        return Err(Fail(
            (
                StatusCode::NOT_FOUND,
                Json(json!({"error":"invalid.file.id"})),
            )
                .into_response(),
        ));
    }
    let att = d
        .messages
        .get(&id)
        .and_then(|msg| msg.attachments.iter().find(|a| a.0 == aid))
        .cloned();
    let (_, _, ct, bytes) = att.ok_or_else(|| {
        Fail(
            (
                StatusCode::NOT_FOUND,
                Json(json!({"error":"invalid.file.id"})),
            )
                .into_response(),
        )
    })?;
    Ok(([("content-type", ct)], bytes).into_response())
}

async fn remove_attachment(
    State(st): State<Shared>,
    m: Method,
    uri: Uri,
    h: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
) -> R {
    let (_, f) = auth(&st, &m, &uri, &h)?;
    let mut d = st.lock().unwrap();
    if let Some(msg) = d.messages.get_mut(&id) {
        msg.attachments.retain(|a| a.0 != aid);
    }
    drop(d);
    answer(f, json!({"fileId": aid, "fileSize": 0}))
}

async fn visibles(State(st): State<Shared>, m: Method, uri: Uri, h: HeaderMap) -> R {
    let (user, f) = auth(&st, &m, &uri, &h)?;
    let d = st.lock().unwrap();
    let mut out: Vec<Value> = d
        .users
        .iter()
        .filter(|(id, _)| **id != user)
        .map(|(id, name)| json!({"id": id, "displayName": name, "profile": profile_of(id), "type": "User", "usedIn": ["TO","CC","CCI"]}))
        .collect();
    out.push(json!({"id": "g-teachers", "displayName": "Enseignants du groupe 3A.", "nbUsers": 2, "groupType": "ProfileGroup", "profile": "Teacher", "type": "Group", "usedIn": ["TO","CC","CCI"]}));
    out.push(json!({"id": "bm-1", "displayName": "Mes favoris", "type": "ShareBookmark"}));
    drop(d);
    answer(f, Value::Array(out))
}

async fn delay(
    State(st): State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let latency = st.lock().unwrap().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    next.run(req).await
}

pub fn router(st: Shared) -> Router {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/oauth2/userinfo", get(userinfo))
        .route("/conversation/api/folders", get(folders))
        .route("/conversation/api/folders/{folder}/messages", get(list))
        .route("/conversation/api/folders/{id}", delete(delete_folder))
        .route("/conversation/api/count/{folder}", get(count))
        .route("/conversation/api/messages/{id}", get(message))
        .route("/conversation/toggleUnread", post(toggle_unread))
        .route("/conversation/trash", put(trash))
        .route("/conversation/restore", put(restore))
        .route("/conversation/delete", put(delete_msgs))
        .route("/conversation/emptyTrash", delete(empty_trash))
        .route("/conversation/move/userfolder/{id}", put(move_to))
        .route("/conversation/move/root", put(move_root))
        .route("/conversation/folder", post(create_folder))
        .route("/conversation/folder/{id}", put(rename_folder))
        .route("/conversation/draft", post(create_draft))
        .route("/conversation/draft/{id}", put(update_draft))
        .route("/conversation/send", post(send))
        .route(
            "/conversation/message/{id}/attachment",
            post(add_attachment),
        )
        .route(
            "/conversation/message/{id}/attachment/{aid}",
            get(get_attachment).delete(remove_attachment),
        )
        .route("/communication/visible/search", get(visibles))
        .layer(axum::middleware::from_fn_with_state(st.clone(), delay))
        .with_state(st)
}

/// A running peer; its data outlives a stop, so a restart on the same port finds it again.
pub struct Peer {
    pub data: Shared,
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Peer {
    pub async fn start() -> Peer {
        Self::start_on("127.0.0.1:0".parse().unwrap(), new_data()).await
    }

    pub async fn start_on(addr: SocketAddr, data: Shared) -> Peer {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind the peer");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(data.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Peer {
            data,
            addr,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the peer and waits until its port is closed.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
            let _ = t.await;
        }
    }

    /// Starts again on the same address with the same data.
    pub async fn restart(&mut self) {
        self.stop().await;
        let again = Self::start_on(self.addr, self.data.clone()).await;
        *self = again;
    }

    pub fn fault(&self, path: &str, fault: Fault) {
        self.data
            .lock()
            .unwrap()
            .faults
            .push((path.to_string(), fault));
    }

    pub fn clear_faults(&self) {
        self.data.lock().unwrap().faults.clear();
    }

    pub fn expire_sessions(&self) {
        self.data.lock().unwrap().sessions.clear();
    }

    #[allow(dead_code)]
    pub fn requests(&self) -> u64 {
        self.data.lock().unwrap().requests
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}
