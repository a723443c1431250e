//! Executes sync passes: replay the queue, check cheaply, list, plan, apply, fetch bodies.
//!
//! # Unread flags stay as the user left them
//!
//! On a real ENT, `GET /conversation/api/messages/{id}` marks the message read (§12.1), and the
//! engine must read every body. So before reading the body of a message the ENT lists as
//! unread, the engine writes its id to the `unread_restore` table; after the batch of bodies is
//! stored, it sends one `POST /conversation/toggleUnread {"unread": true}` for the batch and
//! removes those ids. A crash in between leaves the ids in the table and the next pass sends
//! the restore first, so a message the user has not opened never stays read. Messages listed
//! as read are left alone (reading them changes nothing).
//!
//! # No step waits without bound
//!
//! A real ENT may drop the session at any request of a pass (a session timeout, a restart):
//! the call that sees the 302 signs in again while holding the client's `relogin` lock across
//! one HTTP exchange. The body fetches therefore run as tasks of their own ([`fetch_bodies`]):
//! when they were futures of a stream the loop stopped polling while it stored a batch and
//! restored unread flags, a fetch paused in the middle of signing in kept the lock, and the
//! restore's own re-login waited for it forever, with no request in flight. On top of that,
//! [`stall_guard`] ends a pass that makes no progress (no request sent or answered) for
//! [`STALL_TIMEOUT`] with [`ApiError::Stalled`]: the sync lock is released and the next pass
//! starts normally.
//!
//! # The ENT asks the user to act
//!
//! When the ENT redirects every call to a page where the user must act (new terms of use, an
//! e-mail address or a second factor to confirm), every call fails with
//! [`ApiError::ActionNeeded`]: the pass stops there ([`ApiError::ends_sync`]) and returns it,
//! queued actions stay queued, and the app shows the page to the user.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};
use rusqlite::{params, Connection};

use super::plan::{self, LocalMessage, Operation, RemoteMessage, RemoteState};
use super::{SyncMode, SyncReport};
use crate::client::{communication, conversation as api, ApiError};
use crate::error::{Error, Result};
use crate::mailbox::folder::{self, FolderRow, INBOX, SYSTEM_FOLDERS};
use crate::mailbox::replay;
use crate::mailbox::{listing, Event, Inner};
use crate::message::{self, BodyRow, SummaryRow};
use crate::queue;
use crate::recipients;
use crate::store::{self, SqlContext, StoreResult};

/// The most a real ENT returns per page (larger values are silently replaced by 25, §1.6).
pub const PAGE_SIZE: u32 = 25;
/// List pages fetched at once within a folder once its first page gave the count.
pub const LIST_CONCURRENCY: usize = 6;
/// Bodies fetched at once: enough to hide a school ENT's latency (tens of ms), few enough
/// not to hammer it.
pub const BODY_CONCURRENCY: usize = 12;
/// Errors kept in a report; the rest are only logged (a broken ENT may fail every body).
pub const MAX_REPORTED_ERRORS: usize = 20;
/// Bodies written per transaction, and restored unread per `toggleUnread`.
pub const BODY_BATCH: usize = 100;
/// Depth of the folder tree asked for (a real ENT refuses more than 3, §12.21).
pub const FOLDER_DEPTH: u32 = 3;
/// Default period of the quick check.
pub const DEFAULT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);
/// A pass (or a replay) that sends and receives nothing for this long is stopped. Longer than
/// a whole request may take ([`crate::client::REQUEST_TIMEOUT`] plus the connection), so a
/// slow but live ENT never trips it.
pub const STALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(90);

/// A stable hash of what a listing says about a message (FNV-1a; stored, so it must not
/// depend on the Rust version the way `DefaultHasher` may).
pub fn fingerprint(row: &SummaryRow) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(&row.id);
    eat(&row.subject);
    eat(&row.state);
    eat(&row.date.to_string());
    eat(if row.unread { "u" } else { "r" });
    eat(if row.response { "R" } else { "-" });
    eat(if row.has_attachment { "A" } else { "-" });
    eat(row.from.as_ref().map(|f| f.id.as_str()).unwrap_or_default());
    for r in row.to.iter().chain(&row.cc).chain(&row.cci) {
        eat(&r.id);
        eat(&r.display_name);
    }
    h as i64
}

async fn check_snapshot(inner: &Inner) -> std::result::Result<String, ApiError> {
    let (unread, page) = tokio::try_join!(
        api::count(&inner.client, INBOX, true),
        api::list(&inner.client, INBOX, 0, PAGE_SIZE)
    )?;
    let mut parts = vec![unread.to_string(), page.count.to_string()];
    parts.extend(page.items.iter().map(|r| fingerprint(r).to_string()));
    Ok(parts.join("|"))
}

/// A body fetch and its outcome.
type Fetched = std::result::Result<(SummaryRow, BodyRow), ApiError>;

/// One pass. Only one runs at a time per mailbox.
#[tracing::instrument(skip_all, err)]
pub(crate) async fn run(inner: &Arc<Inner>, mode: SyncMode) -> Result<SyncReport> {
    let _guard = inner.sync_lock.lock().await;
    let requests_before = inner.client.request_count();
    let mut report = SyncReport::default();
    let result = stall_guard(inner, pass(inner, mode, &mut report)).await;
    report.requests = (inner.client.request_count() - requests_before) as u32;
    match result {
        Ok(()) => Ok(report),
        Err(e) => {
            if e.kind() == crate::ErrorKind::Offline {
                inner.emit(Event::Connectivity { online: false });
            }
            inner.announce_action_needed(&e);
            Err(e)
        }
    }
}

/// Runs `work` until it ends, or until the client has sent and received nothing for the
/// mailbox's stall timeout ([`STALL_TIMEOUT`] by default): then `work` is dropped (with every
/// task and lock it holds) and the result is [`ApiError::Stalled`].
pub(crate) async fn stall_guard<T>(
    inner: &Inner,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    use std::sync::atomic::Ordering;
    let limit =
        std::time::Duration::from_millis(inner.stall_timeout_ms.load(Ordering::Relaxed).max(1));
    let mut seen = inner.client.activity();
    let mut since = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(limit / 4);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = tick.tick() => {
                let now = inner.client.activity();
                if now != seen {
                    seen = now;
                    since = tokio::time::Instant::now();
                } else if since.elapsed() >= limit {
                    tracing::warn!(?limit, "the sync made no progress: stopped");
                    return Err(ApiError::Stalled { seconds: limit.as_secs() }.into());
                }
            }
        }
    }
}

fn note(inner: &Inner, report: &mut SyncReport, e: &Error) {
    tracing::debug!(error = %e, "part of the sync failed");
    inner.emit(Event::SyncError {
        kind: e.kind(),
        message: e.to_string(),
    });
    report.errors.push(e.to_string());
}

async fn pass(inner: &Arc<Inner>, mode: SyncMode, report: &mut SyncReport) -> Result<()> {
    report.actions_replayed = replay::flush(inner).await?.done;
    restore_leftovers(inner).await?;
    let first = inner
        .store
        .read(|c| store::get_meta(c, "last_sync"))
        .await?
        .is_none();
    report.first_sync = first;

    let snapshot = check_snapshot(inner).await?;
    inner.emit(Event::Connectivity { online: true });
    let stored = inner.store.read(|c| store::get_meta(c, "check")).await?;
    if mode == SyncMode::Quick && !first && stored.as_deref() == Some(snapshot.as_str()) {
        report.unchanged = true;
        return Ok(());
    }

    // Folder tree.
    match api::folders(&inner.client, FOLDER_DEPTH).await {
        Ok(tree) => {
            inner
                .store
                .write(move |tx| apply_folders(tx, &tree))
                .await?;
            inner.emit(Event::FoldersChanged);
        }
        Err(e) if e.ends_sync() => return Err(e.into()),
        Err(e) => note(inner, report, &e.into()),
    }
    if first || mode == SyncMode::Full {
        match communication::visibles(&inner.client).await {
            Ok(list) => {
                inner
                    .store
                    .write(move |tx| recipients::replace_all(tx, &list))
                    .await?
            }
            Err(e) if e.ends_sync() => return Err(e.into()),
            Err(e) => note(inner, report, &e.into()),
        }
    }

    // Every folder's listing.
    let mut folder_ids: Vec<String> = SYSTEM_FOLDERS.iter().map(|s| s.to_string()).collect();
    folder_ids.extend(
        inner
            .store
            .read(folder::user_folders)
            .await?
            .into_iter()
            .map(|f| f.id),
    );
    let mut remote = RemoteState::default();
    let mut rows: HashMap<String, SummaryRow> = HashMap::new();
    for folder_id in folder_ids.iter().filter(|f| !queue::is_local_id(f)) {
        match list_folder(inner, folder_id).await {
            Ok(items) => {
                remote.complete_folders.insert(folder_id.clone());
                for row in items {
                    let entry =
                        remote
                            .messages
                            .entry(row.id.clone())
                            .or_insert_with(|| RemoteMessage {
                                folders: BTreeSet::new(),
                                fingerprint: fingerprint(&row),
                                is_draft: row.state == "DRAFT",
                            });
                    entry.folders.insert(folder_id.clone());
                    rows.entry(row.id.clone()).or_insert(row);
                }
            }
            Err(e) if e.ends_sync() => return Err(e.into()),
            Err(e) => note(inner, report, &e.into()),
        }
    }

    // Plan, then apply the summaries in one transaction.
    let local = inner.store.read(load_local).await?;
    let ops = plan::plan(&local, &remote);
    let mut to_fetch: Vec<(String, bool)> = Vec::new();
    let mut new_mail = Vec::new();
    for op in &ops {
        match op {
            Operation::Insert { id } => {
                report.inserted += 1;
                if let (Some(r), Some(m)) = (rows.get(id), remote.messages.get(id)) {
                    if !first && r.unread && m.folders.contains(INBOX) {
                        new_mail.push(id.clone());
                    }
                }
            }
            Operation::Update { .. } => report.updated += 1,
            Operation::Delete { .. } => report.deleted += 1,
            Operation::FetchBody { id } => {
                to_fetch.push((id.clone(), rows.get(id).is_some_and(|r| r.unread)));
            }
            Operation::Place { .. } => {}
        }
    }
    let changed: Vec<String> = ops
        .iter()
        .map(|op| op_id(op).to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    {
        let ops = ops.clone();
        let remote = remote.clone();
        inner
            .store
            .write(move |tx| apply_ops(tx, &ops, &rows, &remote))
            .await?;
    }
    if !changed.is_empty() {
        inner.emit(Event::MessagesChanged { ids: changed });
    }
    if !new_mail.is_empty() {
        let ids = new_mail.clone();
        let summaries = inner
            .store
            .read(move |c| {
                let mut out = Vec::new();
                for id in &ids {
                    if let Some(m) = message::get_message(c, id)? {
                        out.push(m.summary);
                    }
                }
                Ok(out)
            })
            .await?;
        inner.emit(Event::NewMail {
            messages: summaries,
        });
    }
    report.new_mail = new_mail;

    fetch_bodies(inner, to_fetch, report).await?;

    if report.errors.is_empty() {
        inner
            .store
            .write(move |tx| store::set_meta(tx, "check", &snapshot))
            .await?;
    }
    let now = chrono::Utc::now().timestamp_millis().to_string();
    inner
        .store
        .write(move |tx| store::set_meta(tx, "last_sync", &now))
        .await?;
    let counts = inner.store.read(folder::list_folders).await?;
    inner.emit(Event::UnreadCounts {
        counts: counts.into_iter().map(|f| (f.id, f.unread)).collect(),
    });
    Ok(())
}

fn op_id(op: &Operation) -> &str {
    match op {
        Operation::Insert { id }
        | Operation::Update { id }
        | Operation::Place { id, .. }
        | Operation::Delete { id }
        | Operation::FetchBody { id } => id,
    }
}

/// Lists a folder to the end: the first page gives the count, the others go in parallel.
async fn list_folder(
    inner: &Inner,
    folder_id: &str,
) -> std::result::Result<Vec<SummaryRow>, ApiError> {
    let first = api::list(&inner.client, folder_id, 0, PAGE_SIZE).await?;
    let total = first.count;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut items = first.items;
    let mut done = items.len() as u32;
    inner.emit(Event::Progress {
        folder: folder_id.to_string(),
        done,
        total,
    });
    let (client, folder) = (inner.client.clone(), folder_id.to_string());
    let mut rest = stream::iter(1..pages)
        .map(move |p| {
            let (client, folder) = (client.clone(), folder.clone());
            async move { api::list(&client, &folder, p, PAGE_SIZE).await }
        })
        .buffered(LIST_CONCURRENCY);
    while let Some(page) = rest.try_next().await? {
        done += page.items.len() as u32;
        items.extend(page.items);
        if done % (PAGE_SIZE * 20) < PAGE_SIZE {
            inner.emit(Event::Progress {
                folder: folder_id.to_string(),
                done,
                total,
            });
        }
    }
    // Pages shift when mail arrives while listing: the same id may show twice.
    let mut seen = BTreeSet::new();
    items.retain(|r| seen.insert(r.id.clone()));
    Ok(items)
}

fn load_local(conn: &Connection) -> StoreResult<BTreeMap<String, LocalMessage>> {
    let pending = queue::pending_message_ids(conn)?;
    let mut out: BTreeMap<String, LocalMessage> = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT id, fingerprint, body_synced FROM messages")
        .ctx("read local messages")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })
        .ctx("read local messages")?;
    for row in rows {
        let (id, fp, has_body) = row.ctx("read local messages")?;
        let pending = pending.contains(&id) || queue::is_local_id(&id);
        out.insert(
            id,
            LocalMessage {
                folders: BTreeSet::new(),
                fingerprint: fp,
                has_body,
                pending,
            },
        );
    }
    let mut stmt = conn
        .prepare("SELECT message_id, folder_id FROM placements")
        .ctx("read placements")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .ctx("read placements")?;
    for row in rows {
        let (id, folder) = row.ctx("read placements")?;
        if let Some(m) = out.get_mut(&id) {
            m.folders.insert(folder);
        }
    }
    Ok(out)
}

fn apply_folders(tx: &rusqlite::Transaction<'_>, tree: &[FolderRow]) -> StoreResult<()> {
    let remote: BTreeSet<&str> = tree.iter().map(|f| f.id.as_str()).collect();
    for f in tree {
        folder::upsert(tx, f)?;
    }
    for local in folder::user_folders(tx)? {
        if !remote.contains(local.id.as_str()) && !queue::is_local_id(&local.id) {
            folder::delete(tx, &local.id)?;
        }
    }
    Ok(())
}

fn apply_ops(
    tx: &rusqlite::Transaction<'_>,
    ops: &[Operation],
    rows: &HashMap<String, SummaryRow>,
    remote: &RemoteState,
) -> StoreResult<()> {
    let mut set_fp = tx
        .prepare_cached("UPDATE messages SET fingerprint = ?2 WHERE id = ?1")
        .ctx("prepare a fingerprint update")?;
    for op in ops {
        match op {
            Operation::Insert { id } | Operation::Update { id } => {
                if let (Some(row), Some(r)) = (rows.get(id), remote.messages.get(id)) {
                    message::upsert_summary(tx, row)?;
                    // The user folder a message sits in, as the listings show it.
                    let user_folder = r
                        .folders
                        .iter()
                        .find(|f| !SYSTEM_FOLDERS.contains(&f.as_str()));
                    tx.execute(
                        "UPDATE messages SET trashed = ?2, user_folder_id = COALESCE(?3, CASE WHEN ?2 THEN user_folder_id END) WHERE id = ?1",
                        params![id, r.folders.contains("trash"), user_folder],
                    )
                    .ctx("write a message location")?;
                    set_fp
                        .execute(params![id, r.fingerprint])
                        .ctx("write a fingerprint")?;
                    if matches!(op, Operation::Insert { .. }) {
                        listing::place(tx, id, &r.folders)?;
                    }
                }
            }
            Operation::Place { id, folders } => {
                if let Some(r) = remote.messages.get(id) {
                    let user_folder = r
                        .folders
                        .iter()
                        .find(|f| !SYSTEM_FOLDERS.contains(&f.as_str()));
                    tx.execute(
                        "UPDATE messages SET trashed = ?2, user_folder_id = COALESCE(?3, CASE WHEN ?2 THEN user_folder_id END) WHERE id = ?1",
                        params![id, r.folders.contains("trash"), user_folder],
                    )
                    .ctx("write a message location")?;
                }
                listing::place(tx, id, folders)?;
            }
            Operation::Delete { id } => message::delete_messages(tx, std::slice::from_ref(id))?,
            Operation::FetchBody { .. } => {}
        }
    }
    Ok(())
}

/// Sends the unread restores a crash left behind.
async fn restore_leftovers(inner: &Inner) -> Result<()> {
    let ids: Vec<String> = inner
        .store
        .read(|c| {
            let mut stmt = c
                .prepare("SELECT message_id FROM unread_restore")
                .ctx("read unread restores")?;
            let rows = stmt
                .query_map([], |r| r.get(0))
                .ctx("read unread restores")?;
            rows.collect::<Result<_, _>>().ctx("read unread restores")
        })
        .await?;
    for chunk in ids.chunks(BODY_BATCH) {
        restore_unread(inner, chunk).await?;
    }
    Ok(())
}

/// Marks `ids` unread again on the ENT. entcore refuses the whole `toggleUnread` with 401 when
/// one id is not the user's any more (`MultipleMessageUserFilter`: a message deleted on the web
/// page meanwhile), so a refused batch is halved down to the ids refused alone
/// (`replay::split_refusals`): the others are restored, the gone ones have nothing to restore.
async fn restore_unread(inner: &Inner, ids: &[String]) -> Result<()> {
    let client = &inner.client;
    let restored = replay::split_refusals(ids, |chunk| async move {
        api::toggle_unread(client, &chunk, true).await
    })
    .await;
    match restored {
        Ok(gone) if !gone.is_empty() => {
            tracing::debug!(
                count = gone.len(),
                "unread restore: messages gone on the ENT"
            );
        }
        Ok(_) => {}
        // Any other refusal: nothing this pass can restore.
        Err(e) if e.is_refusal() => tracing::debug!(error = %e, "unread restore refused"),
        Err(e) => return Err(e.into()),
    }
    let ids = ids.to_vec();
    inner
        .store
        .write(move |tx| {
            let mut stmt = tx
                .prepare_cached("DELETE FROM unread_restore WHERE message_id = ?1")
                .ctx("prepare unread restore delete")?;
            for id in &ids {
                stmt.execute([id]).ctx("clear an unread restore")?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}

async fn fetch_bodies(
    inner: &Arc<Inner>,
    ids: Vec<(String, bool)>,
    report: &mut SyncReport,
) -> Result<()> {
    let total = ids.len() as u32;
    // Recorded before any read (see the module doc), in one transaction.
    let unread: Vec<String> = ids
        .iter()
        .filter(|(_, u)| *u)
        .map(|(id, _)| id.clone())
        .collect();
    if !unread.is_empty() {
        inner
            .store
            .write(move |tx| {
                let mut stmt = tx
                    .prepare_cached("INSERT OR IGNORE INTO unread_restore (message_id) VALUES (?1)")
                    .ctx("prepare unread restore")?;
                for id in &unread {
                    stmt.execute([id]).ctx("record an unread restore")?;
                }
                Ok(())
            })
            .await?;
    }
    let unread_ids: std::collections::HashSet<String> = ids
        .iter()
        .filter(|(_, u)| *u)
        .map(|(id, _)| id.clone())
        .collect();
    // Each fetch is a task of its own, so that it goes on (and releases whatever lock it takes
    // while signing in again) while this loop stores a batch and restores unread flags; the
    // set aborts the rest when the pass ends early. See the module doc.
    let mut queue = ids.into_iter().map(|(id, _)| id);
    let mut tasks: tokio::task::JoinSet<(String, Fetched)> = tokio::task::JoinSet::new();
    let mut done = 0u32;
    loop {
        while tasks.len() < BODY_CONCURRENCY {
            let Some(id) = queue.next() else { break };
            let client = inner.client.clone();
            tasks.spawn(async move {
                let r = api::message(&client, &id).await;
                (id, r)
            });
        }
        let Some(first) = tasks.join_next().await else {
            break;
        };
        let mut joined = vec![first];
        while joined.len() < BODY_BATCH {
            match tasks.try_join_next() {
                Some(next) => joined.push(next),
                None => break,
            }
        }
        let mut batch: Vec<(String, Fetched)> = Vec::with_capacity(joined.len());
        for j in joined {
            match j {
                Ok(fetched) => batch.push(fetched),
                // A fetch that panicked: its body stays missing and the next pass tries again.
                Err(error) => tracing::warn!(%error, "a body fetch ended abnormally"),
            }
        }
        done += batch.len() as u32;
        let mut bodies = Vec::with_capacity(batch.len());
        let mut restore = Vec::new();
        for (id, r) in batch {
            match r {
                Ok((_, body)) => {
                    if unread_ids.contains(&id) {
                        restore.push(id);
                    }
                    bodies.push(body);
                }
                Err(e) if e.ends_sync() => return Err(e.into()),
                Err(e) => {
                    let e: Error = e.into();
                    tracing::debug!(%id, error = %e, "cannot fetch a body");
                    if report.errors.len() < MAX_REPORTED_ERRORS {
                        note(inner, report, &e);
                    }
                    // Not read on the ENT: nothing to restore, and the next pass tries again.
                    if unread_ids.contains(&id) {
                        restore.push(id);
                    }
                }
            }
        }
        report.bodies_fetched += bodies.len() as u32;
        inner
            .store
            .write(move |tx| {
                for b in &bodies {
                    message::store_body(tx, b)?;
                }
                Ok(())
            })
            .await?;
        if !restore.is_empty() {
            restore_unread(inner, &restore).await?;
        }
        inner.emit(Event::Progress {
            folder: "bodies".into(),
            done,
            total,
        });
    }
    Ok(())
}
