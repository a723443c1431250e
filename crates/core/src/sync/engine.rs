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
//! one HTTP exchange. The body fetches therefore run as tasks of their own (`fetch_bodies`):
//! when they were futures of a stream the loop stopped polling while it stored a batch and
//! restored unread flags, a fetch paused in the middle of signing in kept the lock, and the
//! restore's own re-login waited for it forever, with no request in flight. On top of that,
//! `stall_guard` ends a pass that makes no progress (no request sent or answered) for
//! [`STALL_TIMEOUT`] with [`ApiError::Stalled`]: the sync lock is released and the next pass
//! starts normally.
//!
//! # Downloads never wait on the disk
//!
//! `fetch_bodies` runs three stages at once, joined by bounded channels: the downloads (always
//! as many requests in flight as the client allows, [`crate::client::pace::MAX_IN_FLIGHT`] by
//! default), the store ([`BODY_BATCH`] bodies or [`BATCH_BYTES`] per transaction, or what
//! arrived within [`BATCH_WAIT`]) and the unread restores (one
//! `toggleUnread` per [`BODY_BATCH`] stored). A slow stage slows the one before it through its
//! full channel; memory between stages stays bounded, in bodies ([`BODY_QUEUE`]) and in bytes
//! ([`QUEUE_BYTES`]).
//!
//! In a first sync, where every message needs its body, the downloads start with the first
//! page: each new summary goes to them as soon as it is stored, its unread restore recorded in
//! the same transaction, while the rest of the mailbox is listed.
//!
//! # A first sync resumes where it stopped
//!
//! A first sync that starts again (the app was quit or killed) and finds the ENT's inbox
//! snapshot unchanged lists nothing twice and fetches no body twice; the unread flags its
//! predecessor left read are restored first from `unread_restore`.
//! - Killed while it listed: each page was stored with a journal of what it said
//!   (`sync/journal.rs`), so the listing goes on from the first page not stored, and the
//!   bodies of the messages already listed are fetched first.
//! - Killed after its listing: the plan was stored in one transaction together with the
//!   snapshot it was listed under (meta `first_sync_listed`): it only fetches the bodies still
//!   missing.
//!
//! If the inbox changed meanwhile, it lists everything again (bodies already stored are still
//! not fetched again).
//!
//! # The ENT asks the user to act
//!
//! When the ENT redirects every call to a page where the user must act (new terms of use, an
//! e-mail address or a second factor to confirm), every call fails with
//! [`ApiError::ActionNeeded`]: the pass stops there ([`ApiError::ends_sync`]) and returns it,
//! queued actions stay queued, and the app shows the page to the user.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};
use rusqlite::{params, Connection, OptionalExtension};

use super::journal;
use super::plan::{self, LocalMessage, Operation, RemoteMessage, RemoteState};
use super::refusals;
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
/// Listed pages written at most per transaction: those that arrived while the previous ones
/// were written (each transaction costs a commit and a flush of the search index, which made
/// a page per transaction the pace of a first sync's listing).
pub const LIST_WRITE_PAGES: usize = 8;
/// Errors kept in a report; the rest are only logged (a broken ENT may fail every body).
pub const MAX_REPORTED_ERRORS: usize = 20;
/// Bodies written per transaction (one statement, so one segment of the search index: see
/// [`message::store_bodies`]), and restored unread per `toggleUnread`. 500 rather than 100:
/// a first sync of 10,000 messages makes 20 segments instead of 100 and asks the ENT 20
/// restores instead of 100, and took about 6 % less time at 0 ms added (BENCHMARKS.md, a).
pub const BODY_BATCH: usize = 500;
/// A batch also ends once its bodies hold this many bytes: a mailbox of large messages keeps
/// the store stage's memory bounded.
pub const BATCH_BYTES: usize = 4 << 20;
/// Fetched bodies waiting for the store stage while it writes the previous batch.
pub const BODY_QUEUE: usize = 200;
/// Bytes of bodies downloaded and not stored yet, at most (the queue and the batch being
/// written), so that a mailbox of large messages on a slow disk does not pile up
/// [`BODY_QUEUE`] of them in memory. Two batches' worth: the store can fill a batch while the
/// previous one is written. A body larger than this waits for the store to take all the others,
/// then goes alone.
pub const QUEUE_BYTES: usize = 2 * BATCH_BYTES;
// A body's share of it is one semaphore permit per byte, asked for as a `u32`.
const _: () = assert!(QUEUE_BYTES <= u32::MAX as usize);
// A batch of bodies, and the pages of a listing transaction, are one statement each.
const _: () = assert!(message::BODIES_PER_STATEMENT >= BODY_BATCH);
const _: () = assert!(message::SUMMARIES_PER_STATEMENT >= LIST_WRITE_PAGES * PAGE_SIZE as usize);
/// Longest wait of the store stage for a batch to fill: bodies reach the disk at most this
/// long after they arrive, even when the ENT is slow.
pub const BATCH_WAIT: std::time::Duration = std::time::Duration::from_millis(200);
/// Depth of the folder tree asked for (a real ENT refuses more than 3, §12.21).
pub const FOLDER_DEPTH: u32 = 3;
/// Meta key: the inbox snapshot (see `check_snapshot`) under which a first sync stored its
/// listing. Set with the summaries; a first sync that finds it equal to the ENT's current
/// snapshot resumes with the bodies still missing instead of listing again.
const LISTED: &str = "first_sync_listed";
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
struct Fetched {
    id: String,
    /// The ENT lists it unread: its flag is restored once the body is stored.
    unread: bool,
    r: std::result::Result<(SummaryRow, BodyRow), ApiError>,
}

/// A fetched body on its way to the store, with its share of [`QUEUE_BYTES`], given back once
/// it is written.
type Queued = (Fetched, tokio::sync::OwnedSemaphorePermit);

impl Fetched {
    /// Bytes of the body it holds, for [`BATCH_BYTES`].
    fn size(&self) -> usize {
        self.r.as_ref().map_or(0, |(_, body)| body.body.len())
    }
}

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
        error_kind: e.kind(),
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
        // The bodies the ENT refused whose next ask is due, asked for alone: nothing to list.
        let now = crate::clock::now_ms();
        let due = inner.store.read(move |c| refusals::due(c, now)).await?;
        if !due.is_empty() {
            fetch_listed(inner, due, report).await?;
        }
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

    // A first sync killed after its listing was stored goes on with the bodies still missing,
    // as long as the ENT shows the same inbox: nothing is listed twice (see the module doc).
    let listed = inner.store.read(|c| store::get_meta(c, LISTED)).await?;
    let mut fetched = SyncReport::default();
    let retry_bodies = if first && listed.as_deref() == Some(snapshot.as_str()) {
        tracing::debug!("first sync resumed after its listing");
        let missing = inner.store.read(missing_bodies).await?;
        let missing = without_refused(inner, mode, missing).await?;
        fetch_listed(inner, missing, &mut fetched).await?
    } else if first {
        // Every message of a first sync needs its body: each is fetched as soon as its summary
        // is stored, while the listing goes on, instead of after the last page. A first sync
        // killed while it listed goes on from where it stopped (`journal`).
        let resumed = {
            let snapshot = snapshot.clone();
            inner
                .store
                .write(move |tx| journal::resume_or_start(tx, &snapshot))
                .await?
        };
        let (early, ids) = tokio::sync::mpsc::unbounded_channel();
        let (listing_report, snapshot) = (&mut *report, snapshot.as_str());
        let listing = async move {
            let first = FirstListing {
                early: &early,
                resumed,
            };
            let rest = list_and_apply(inner, snapshot, listing_report, Some(first)).await?;
            hand_to_downloads(inner, rest, &early).await
        };
        let ((), bodies) = tokio::try_join!(listing, fetch_bodies(inner, ids, &mut fetched))?;
        bodies
    } else {
        let to_fetch = list_and_apply(inner, &snapshot, report, None).await?;
        let to_fetch = without_refused(inner, mode, to_fetch).await?;
        fetch_listed(inner, to_fetch, &mut fetched).await?
    };
    // Whether the next check must run a pass even if the ENT shows nothing new: a part of this
    // one failed in a way that may work then (a folder not listed, a body the ENT could not
    // serve for a moment). A body it refused (too large, unreadable, refused) does not count:
    // one such message made every check list every folder and download it again, every
    // minute. It is asked for again when due (`refusals`), and opening it fetches it.
    let retry_soon = retry_bodies || !report.errors.is_empty();
    report.bodies_fetched += fetched.bodies_fetched;
    report.errors.extend(fetched.errors);

    if !retry_soon {
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

/// Lists every folder, writing the summaries that are new or changed page by page as they
/// arrive (so that memory holds one page of summaries, not the mailbox), then plans what the
/// listings say as a whole (moves, deletions, bodies to fetch), applies it in one transaction
/// and announces new mail. Returns the bodies to fetch, each with whether the ENT lists it
/// unread.
async fn list_and_apply(
    inner: &Arc<Inner>,
    snapshot: &str,
    report: &mut SyncReport,
    first: Option<FirstListing<'_>>,
) -> Result<Vec<(String, bool)>> {
    let mut folder_ids: Vec<String> = SYSTEM_FOLDERS.iter().map(|s| s.to_string()).collect();
    folder_ids.extend(
        inner
            .store
            .read(folder::user_folders)
            .await?
            .into_iter()
            .map(|f| f.id),
    );
    let mut listed = Listed::default();
    let (early, mut remote, start_pages) = match first {
        None => (None, RemoteState::default(), Default::default()),
        Some(FirstListing { early, resumed }) => {
            // What a killed predecessor listed counts as listed; the bodies it missed go first.
            listed
                .fetching
                .extend(resumed.missing.iter().map(|(id, _)| id.clone()));
            hand_to_downloads(inner, resumed.missing, early).await?;
            listed.unread = resumed.unread;
            // Only the folders of this pass count: one deleted on the ENT since is not listed.
            let mut remote = resumed.remote;
            remote.complete_folders.retain(|f| folder_ids.contains(f));
            remote.messages.retain(|_, m| {
                m.folders.retain(|f| folder_ids.contains(f));
                !m.folders.is_empty()
            });
            (Some(early), remote, resumed.pages)
        }
    };
    let first = early.is_some();
    for folder_id in folder_ids.iter().filter(|f| !queue::is_local_id(f)) {
        if remote.complete_folders.contains(folder_id) {
            continue; // listed to the end by a first sync killed later
        }
        let from = start_pages.get(folder_id).copied().unwrap_or(0);
        let (pages_out, pages_in) = tokio::sync::mpsc::channel(LIST_WRITE_PAGES);
        let listing = async {
            list_folder(inner, folder_id, from, pages_out)
                .await
                .map_err(Error::from)
        };
        let writing = write_pages(
            inner,
            folder_id,
            from,
            pages_in,
            &mut remote,
            &mut listed,
            early,
        );
        match tokio::try_join!(listing, writing) {
            Ok(_) => {
                remote.complete_folders.insert(folder_id.clone());
                if first {
                    let folder = folder_id.clone();
                    inner
                        .store
                        .write(move |tx| journal::complete(tx, &folder))
                        .await?;
                }
            }
            Err(Error::Api(e)) if !e.ends_sync() => note(inner, report, &e.into()),
            Err(e) => return Err(e),
        }
    }
    report.inserted += listed.inserted;
    report.updated += listed.updated;

    // Plan what the listings say as a whole, and apply it in one transaction.
    let local = inner.store.read(load_local).await?;
    let ops = plan::plan(&local, &remote);
    drop(local);
    let mut to_fetch: Vec<(String, bool)> = std::mem::take(&mut listed.drafts_changed)
        .into_iter()
        .map(|id| (id, false))
        .collect();
    let mut changed = Vec::new();
    for op in &ops {
        match op {
            Operation::Delete { id } => {
                report.deleted += 1;
                changed.push(id.clone());
            }
            Operation::FetchBody { id } if !listed.fetching.contains(id) => {
                to_fetch.push((id.clone(), listed.unread.contains(id)));
            }
            Operation::FetchBody { .. } => {}
            Operation::Place { id, .. } => changed.push(id.clone()),
            // Written while listing; a message with queued actions is left as the user made it.
            Operation::Insert { .. } | Operation::Update { .. } => {}
        }
    }
    {
        let remote = Arc::new(remote);
        let listed_under = first.then(|| snapshot.to_string());
        inner
            .store
            .write(move |tx| {
                // The plan was made on a read of its own: an action taken since then wins too.
                let pending = queue::pending_message_ids(tx)?;
                let ops = ops.iter().filter(|op| !pending.contains(op.id()));
                apply_ops(tx, ops, &remote)?;
                // Written with the plan, so that a first sync killed from here on resumes with
                // the bodies alone.
                match &listed_under {
                    Some(snapshot) => {
                        journal::clear(tx)?;
                        store::set_meta(tx, LISTED, snapshot)
                    }
                    None => Ok(()),
                }
            })
            .await?;
    }
    if !changed.is_empty() {
        inner.emit(Event::MessagesChanged { ids: changed });
    }
    let new_mail = if first {
        Vec::new()
    } else {
        std::mem::take(&mut listed.new_in_inbox)
    };
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
    Ok(to_fetch)
}

/// What the listings of a pass found, beyond the remote state the planner reads.
#[derive(Default)]
struct Listed {
    inserted: u32,
    updated: u32,
    /// Ids the ENT lists unread (their unread flag is restored after their body is read).
    unread: std::collections::HashSet<String>,
    /// Unread messages new in the inbox.
    new_in_inbox: Vec<String>,
    /// Drafts whose summary changed: their body changed too.
    drafts_changed: Vec<String>,
    /// New messages whose bodies are already being fetched ([`Early`]).
    fetching: std::collections::HashSet<String>,
}

/// Where a first sync's listing sends each new message, with whether the ENT lists it unread,
/// once its summary and its unread restore are stored: the body download takes it from there.
type Early = tokio::sync::mpsc::UnboundedSender<(String, bool)>;

/// A first sync's listing: where its new messages go for their bodies, and what a first sync
/// killed while listing under the same snapshot had listed (empty if none).
struct FirstListing<'a> {
    early: &'a Early,
    resumed: journal::Resumed,
}

/// Writes each page of a folder's listing as it arrives: the summaries the store does not have
/// or has with another fingerprint, each in the folder it is listed in. A message already met
/// in this pass (listed in two folders, or twice when pages shift) is only noted in `remote`:
/// the plan places it.
async fn write_pages(
    inner: &Inner,
    folder_id: &str,
    mut next_page: u32,
    mut pages: tokio::sync::mpsc::Receiver<Vec<SummaryRow>>,
    remote: &mut RemoteState,
    listed: &mut Listed,
    early: Option<&Early>,
) -> Result<()> {
    // A first sync journals every row, met before or not (`journal`).
    let journaling = early.is_some();
    while let Some(page) = pages.recv().await {
        // The pages that arrived while the last ones were written go in one transaction.
        let mut rows = page;
        next_page += 1;
        for _ in 1..LIST_WRITE_PAGES {
            match pages.try_recv() {
                Ok(page) => {
                    rows.extend(page);
                    next_page += 1;
                }
                Err(_) => break,
            }
        }
        let mut entries = Vec::new();
        let mut fresh = Vec::new();
        for row in rows {
            let (fp, is_draft) = (fingerprint(&row), row.state == "DRAFT");
            if journaling {
                entries.push(journal::Entry {
                    id: row.id.clone(),
                    fingerprint: fp,
                    is_draft,
                    unread: row.unread,
                });
            }
            let entry = remote
                .messages
                .entry(row.id.clone())
                .or_insert_with(|| RemoteMessage {
                    folders: BTreeSet::new(),
                    fingerprint: fp,
                    is_draft,
                });
            let met_before = !entry.folders.is_empty();
            entry.folders.insert(folder_id.to_string());
            if met_before {
                continue;
            }
            if row.unread {
                listed.unread.insert(row.id.clone());
            }
            fresh.push(row);
        }
        if fresh.is_empty() && !journaling {
            continue;
        }
        let folder = folder_id.to_string();
        let written = inner
            .store
            .write(move |tx| {
                let written = write_listed(tx, &folder, &fresh, journaling)?;
                if journaling {
                    journal::record(tx, &folder, next_page, &entries)?;
                }
                Ok(written)
            })
            .await?;
        if let Some(early) = early {
            for id in &written.inserted {
                listed.fetching.insert(id.clone());
                let _ = early.send((id.clone(), listed.unread.contains(id)));
            }
        }
        listed.inserted += written.inserted.len() as u32;
        listed.updated += written.updated.len() as u32;
        if folder_id == INBOX {
            listed.new_in_inbox.extend(written.inserted_unread);
        }
        listed.drafts_changed.extend(written.drafts_changed);
        let ids: Vec<String> = written
            .inserted
            .into_iter()
            .chain(written.updated)
            .collect();
        if !ids.is_empty() {
            inner.emit(Event::MessagesChanged { ids });
        }
    }
    Ok(())
}

/// What [`write_listed`] wrote.
#[derive(Default)]
struct Written {
    inserted: Vec<String>,
    inserted_unread: Vec<String>,
    updated: Vec<String>,
    drafts_changed: Vec<String>,
}

/// Writes the summaries of one page the store lacks or has with another fingerprint, placed in
/// the folder they are listed in. A message with queued actions keeps what the user made of it
/// (the ENT's view of it is stale until the queue is replayed): read in this transaction, so
/// that an action taken while the pass was listing counts.
fn write_listed(
    tx: &rusqlite::Transaction<'_>,
    folder_id: &str,
    rows: &[SummaryRow],
    record_unread: bool,
) -> StoreResult<Written> {
    let pending = queue::pending_message_ids(tx)?;
    let mut known = tx
        .prepare_cached("SELECT fingerprint FROM messages WHERE id = ?1")
        .ctx("prepare a fingerprint read")?;
    let user_folder = (!SYSTEM_FOLDERS.contains(&folder_id)).then_some(folder_id);
    let trashed = folder_id == "trash";
    let mut out = Written::default();
    let mut new = Vec::new();
    for row in rows {
        let fp = fingerprint(row);
        let local: Option<Option<i64>> = known
            .query_row([&row.id], |r| r.get(0))
            .optional()
            .ctx("read a fingerprint")?;
        match local {
            Some(_) if pending.contains(&row.id) => continue,
            Some(Some(f)) if f == fp => continue,
            Some(_) => {
                out.updated.push(row.id.clone());
                if row.state == "DRAFT" {
                    out.drafts_changed.push(row.id.clone());
                }
            }
            None => {
                out.inserted.push(row.id.clone());
                if row.unread {
                    out.inserted_unread.push(row.id.clone());
                }
                new.push(message::NewSummary {
                    row,
                    fingerprint: fp,
                    trashed,
                    user_folder_id: user_folder,
                });
                continue;
            }
        }
        message::upsert_summary(tx, row)?;
        tx.prepare_cached(
            "UPDATE messages SET trashed = ?2, fingerprint = ?4,
                user_folder_id = COALESCE(?3, CASE WHEN ?2 THEN user_folder_id END)
             WHERE id = ?1",
        )
        .ctx("prepare a message location update")?
        .execute(params![row.id, trashed, user_folder, fp])
        .ctx("write a message location")?;
    }
    // The messages new to the store, a page in one statement (`message::insert_summaries`).
    message::insert_summaries(tx, &new)?;
    let ids: Vec<&str> = new.iter().map(|n| n.row.id.as_str()).collect();
    listing::place_new(tx, folder_id, &ids)?;
    if record_unread {
        record_unread_in(tx, out.inserted_unread.iter().map(String::as_str))?;
    }
    Ok(out)
}

/// `ids` without the bodies the ENT refused and whose next ask is not due yet, unless `mode` is
/// a Full sync, which asks for every missing body ([`refusals`]).
async fn without_refused(
    inner: &Inner,
    mode: SyncMode,
    mut ids: Vec<(String, bool)>,
) -> Result<Vec<(String, bool)>> {
    if mode == SyncMode::Full {
        return Ok(ids);
    }
    let now = crate::clock::now_ms();
    let held = inner.store.read(move |c| refusals::not_due(c, now)).await?;
    ids.retain(|(id, _)| !held.contains(id));
    Ok(ids)
}

/// The bodies a resumed first sync still has to fetch, each with whether it is unread.
fn missing_bodies(conn: &Connection) -> StoreResult<Vec<(String, bool)>> {
    let mut stmt = conn
        .prepare("SELECT id, unread FROM messages WHERE body_synced = 0 ORDER BY date DESC")
        .ctx("read the bodies still missing")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))
        .ctx("read the bodies still missing")?;
    let mut out = Vec::new();
    for row in rows {
        let (id, unread) = row.ctx("read the bodies still missing")?;
        if !queue::is_local_id(&id) {
            out.push((id, unread));
        }
    }
    Ok(out)
}

/// Lists a folder to the end, handing each page to `out` as it arrives: the first page gives
/// the count, the others go [`LIST_CONCURRENCY`] at a time.
async fn list_folder(
    inner: &Inner,
    folder_id: &str,
    from: u32,
    out: tokio::sync::mpsc::Sender<Vec<SummaryRow>>,
) -> std::result::Result<(), ApiError> {
    let first = api::list(&inner.client, folder_id, from, PAGE_SIZE).await?;
    let total = first.count;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut done = (from * PAGE_SIZE + first.items.len() as u32).min(total);
    inner.emit(Event::Progress {
        folder: folder_id.to_string(),
        done,
        total,
    });
    if out.send(first.items).await.is_err() {
        return Ok(()); // the writer stopped: its error ends the pass
    }
    let (client, folder) = (inner.client.clone(), folder_id.to_string());
    let mut rest = stream::iter(from + 1..pages)
        .map(move |p| {
            let (client, folder) = (client.clone(), folder.clone());
            async move { api::list(&client, &folder, p, PAGE_SIZE).await }
        })
        .buffered(LIST_CONCURRENCY);
    while let Some(page) = rest.try_next().await? {
        // Past the folder's end: it shrank since its first page gave the count (messages moved
        // or deleted on the ENT's web page meanwhile). `OFFSET` pages after an empty one are
        // empty too; asking for them all would only cost the ENT (dropping the stream cancels
        // those already sent). The next pass's check sees the change.
        if page.items.is_empty() {
            break;
        }
        done += page.items.len() as u32;
        if out.send(page.items).await.is_err() {
            return Ok(());
        }
        if done % (PAGE_SIZE * 20) < PAGE_SIZE {
            inner.emit(Event::Progress {
                folder: folder_id.to_string(),
                done,
                total,
            });
        }
    }
    Ok(())
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

fn apply_ops<'a>(
    tx: &rusqlite::Transaction<'_>,
    ops: impl Iterator<Item = &'a Operation>,
    remote: &RemoteState,
) -> StoreResult<()> {
    for op in ops {
        match op {
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
            // Summaries are written while listing (`write_listed`), bodies by `fetch_bodies`.
            Operation::Insert { .. } | Operation::Update { .. } | Operation::FetchBody { .. } => {}
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
///
/// A message the user opened (or marked read) in the meantime stays read: the ids the store
/// shows read are not sent.
async fn restore_unread(inner: &Inner, ids: &[String]) -> Result<()> {
    let asked = ids.to_vec();
    let still_unread: Vec<String> = inner
        .store
        .read(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT unread FROM messages WHERE id = ?1")
                .ctx("prepare an unread read")?;
            let mut out = Vec::new();
            for id in asked {
                let unread: Option<bool> = stmt
                    .query_row([&id], |r| r.get(0))
                    .optional()
                    .ctx("read an unread flag")?;
                // Absent from the store: nothing says the user read it.
                if unread != Some(false) {
                    out.push(id);
                }
            }
            Ok(out)
        })
        .await?;
    let client = &inner.client;
    let restored = if still_unread.is_empty() {
        Ok(Vec::new())
    } else {
        replay::split_refusals(&still_unread, |chunk| async move {
            api::toggle_unread(client, &chunk, true).await
        })
        .await
    };
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

/// Fetches, stores and restores bodies as three stages running at once, joined by bounded
/// channels: downloads go on while a batch is written to SQLite and while unread flags are
/// restored, so the line, not the disk, sets the pace (issue: the old loop started no request
/// while it stored a batch). The channels bound the memory held between stages; a stage that
/// falls behind slows the one before it, never loses anything.
///
/// Each fetch is a task of its own, so that it goes on (and releases whatever lock it takes
/// while signing in again) whatever the other stages are doing; the stages themselves are
/// futures of one `try_join`, all polled whenever woken. When the pass ends early (an error,
/// the stall guard), the join is dropped and the set aborts the fetches still in flight.
///
/// The bodies to fetch come from `ids` (each with whether the ENT lists it unread, its restore
/// already recorded) until its sender is dropped: all at once, or page by page from a first
/// sync's listing. Returns whether a body failed in a way that may work at the next check
/// ([`ApiError::is_retryable`]: the ENT unreachable or failing), so that the check runs a pass
/// for it.
async fn fetch_bodies(
    inner: &Arc<Inner>,
    ids: tokio::sync::mpsc::UnboundedReceiver<(String, bool)>,
    report: &mut SyncReport,
) -> Result<bool> {
    let queued = std::sync::atomic::AtomicU32::new(0);
    let (body_tx, body_rx) = tokio::sync::mpsc::channel::<Queued>(BODY_QUEUE);
    let (restore_tx, restore_rx) = tokio::sync::mpsc::channel(4);
    let store = store_bodies(inner, body_rx, restore_tx, &queued, report);
    let ((), retry_soon, ()) = tokio::try_join!(
        download_bodies(inner, ids, &queued, body_tx),
        store,
        restore_stage(inner, restore_rx)
    )?;
    Ok(retry_soon)
}

/// Records `ids` (those unread on the ENT) in `unread_restore`, in one transaction, before any
/// of their bodies is read (see the module doc).
async fn record_unread(inner: &Inner, ids: &[(String, bool)]) -> Result<()> {
    let unread: Vec<String> = ids
        .iter()
        .filter(|(_, u)| *u)
        .map(|(id, _)| id.clone())
        .collect();
    if unread.is_empty() {
        return Ok(());
    }
    inner
        .store
        .write(move |tx| record_unread_in(tx, unread.iter().map(String::as_str)))
        .await?;
    Ok(())
}

fn record_unread_in<'a>(
    tx: &rusqlite::Transaction<'_>,
    ids: impl Iterator<Item = &'a str>,
) -> StoreResult<()> {
    let mut stmt = tx
        .prepare_cached("INSERT OR IGNORE INTO unread_restore (message_id) VALUES (?1)")
        .ctx("prepare unread restore")?;
    for id in ids {
        stmt.execute([id]).ctx("record an unread restore")?;
    }
    Ok(())
}

/// Records the unread ones among `ids` ([`record_unread`]), then hands them all to the
/// downloads of [`fetch_bodies`].
async fn hand_to_downloads(
    inner: &Inner,
    ids: Vec<(String, bool)>,
    downloads: &Early,
) -> Result<()> {
    record_unread(inner, &ids).await?;
    for id in ids {
        let _ = downloads.send(id);
    }
    Ok(())
}

/// Fetches the bodies of `ids` (each with whether the ENT lists it unread), recorded first;
/// returns what [`fetch_bodies`] does.
async fn fetch_listed(
    inner: &Arc<Inner>,
    ids: Vec<(String, bool)>,
    report: &mut SyncReport,
) -> Result<bool> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    hand_to_downloads(inner, ids, &tx).await?;
    drop(tx);
    fetch_bodies(inner, rx, report).await
}

/// Keeps as many body requests in flight as the client allows, taking ids as they come (from a
/// listing still going on in a first sync), and hands each answer to the store stage. An error
/// that ends the pass (the session is gone, the ENT asks the user to act) stops it.
async fn download_bodies(
    inner: &Arc<Inner>,
    mut queue: tokio::sync::mpsc::UnboundedReceiver<(String, bool)>,
    queued: &std::sync::atomic::AtomicU32,
    out: tokio::sync::mpsc::Sender<Queued>,
) -> Result<()> {
    let budget = Arc::new(tokio::sync::Semaphore::new(QUEUE_BYTES));
    let mut tasks: tokio::task::JoinSet<Fetched> = tokio::task::JoinSet::new();
    // The ids taken from `queue` and not fetched yet: taken as soon as they come, so that
    // `queued` (the progress total) counts every body known to be needed.
    let mut waiting = std::collections::VecDeque::<(String, bool)>::new();
    let mut open = true;
    loop {
        while tasks.len() < inner.client.max_in_flight() {
            let Some((id, unread)) = waiting.pop_front() else {
                break;
            };
            let client = inner.client.clone();
            tasks.spawn(async move {
                let r = api::message(&client, &id).await;
                Fetched { id, unread, r }
            });
        }
        tokio::select! {
            biased;
            next = queue.recv(), if open => match next {
                Some(next) => {
                    queued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    waiting.push_back(next);
                }
                None => open = false,
            },
            Some(joined) = tasks.join_next() => {
                let fetched = match joined {
                    Ok(Fetched { r: Err(e), .. }) if e.ends_sync() => return Err(e.into()),
                    Ok(fetched) => fetched,
                    // A fetch that panicked: its body stays missing and the next pass tries
                    // again.
                    Err(error) => {
                        tracing::warn!(%error, "a body fetch ended abnormally");
                        continue;
                    }
                };
                // Never closed, so acquiring only waits for the store to write what it holds.
                let bytes = fetched.size().min(QUEUE_BYTES) as u32;
                let Ok(share) = budget.clone().acquire_many_owned(bytes).await else {
                    return Ok(());
                };
                if out.send((fetched, share)).await.is_err() {
                    // The store stage stopped: its error ends the join.
                    return Ok(());
                }
            }
            // The channel is closed and no fetch is in flight, so none waits either: done.
            else => return Ok(()),
        }
    }
}

/// Writes the fetched bodies in batches of [`BODY_BATCH`] (fewer when they reach
/// [`BATCH_BYTES`], when [`BATCH_WAIT`] passed since the batch's first body, or at the end),
/// then hands the batch's unread ids to the restore stage. Full batches, not whatever arrived
/// while the previous one was written: each transaction costs a commit, a flush of the search
/// index's pending entries and the pages it rewrites, and at a thousand bodies a second
/// "whatever arrived" was a handful.
async fn store_bodies(
    inner: &Arc<Inner>,
    mut bodies_in: tokio::sync::mpsc::Receiver<Queued>,
    restore_out: tokio::sync::mpsc::Sender<Vec<String>>,
    queued: &std::sync::atomic::AtomicU32,
    report: &mut SyncReport,
) -> Result<bool> {
    let mut done = 0u32;
    let mut retry_soon = false;
    while let Some((first, share)) = bodies_in.recv().await {
        let mut bytes = first.size();
        let mut batch = vec![first];
        // Given back to the downloads once the batch is written.
        let mut shares = vec![share];
        let deadline = tokio::time::Instant::now() + BATCH_WAIT;
        while batch.len() < BODY_BATCH && bytes < BATCH_BYTES {
            match tokio::time::timeout_at(deadline, bodies_in.recv()).await {
                Ok(Some((next, share))) => {
                    bytes += next.size();
                    batch.push(next);
                    shares.push(share);
                }
                Ok(None) | Err(_) => break,
            }
        }
        done += batch.len() as u32;
        let mut bodies = Vec::with_capacity(batch.len());
        let mut restore = Vec::new();
        let mut refused = Vec::new();
        for Fetched { id, unread, r } in batch {
            match r {
                Ok((_, body)) => bodies.push(body),
                Err(e) => {
                    if e.is_retryable() {
                        retry_soon = true;
                    } else {
                        refused.push(id.clone());
                    }
                    let e: Error = e.into();
                    tracing::debug!(%id, error = %e, "cannot fetch a body");
                    if report.errors.len() < MAX_REPORTED_ERRORS {
                        note(inner, report, &e);
                    }
                }
            }
            // Read on the ENT, or not read at all (a failed fetch): either way the flag is
            // sent back, and the next pass fetches what failed.
            if unread {
                restore.push(id);
            }
        }
        report.bodies_fetched += bodies.len() as u32;
        let now = crate::clock::now_ms();
        inner
            .store
            .write(move |tx| {
                message::store_bodies(tx, &bodies)?;
                refusals::record(tx, &refused, now)
            })
            .await?;
        drop(shares);
        if !restore.is_empty() && restore_out.send(restore).await.is_err() {
            // The restore stage stopped: its error ends the join.
            return Ok(retry_soon);
        }
        inner.emit(Event::Progress {
            folder: "bodies".into(),
            done,
            total: queued.load(std::sync::atomic::Ordering::Relaxed),
        });
    }
    Ok(retry_soon)
}

/// Marks unread again the messages whose bodies were stored, [`BODY_BATCH`] per request (the
/// last one smaller), whatever the size of the store's batches. A crash before the restore
/// leaves the ids in `unread_restore` for the next pass.
async fn restore_stage(
    inner: &Inner,
    mut ids_in: tokio::sync::mpsc::Receiver<Vec<String>>,
) -> Result<()> {
    let mut ids = Vec::new();
    loop {
        let more = ids_in.recv().await;
        let end = more.is_none();
        ids.extend(more.into_iter().flatten());
        if ids.len() >= BODY_BATCH || (end && !ids.is_empty()) {
            let rest = ids.split_off(ids.len().min(BODY_BATCH));
            restore_unread(inner, &ids).await?;
            ids = rest;
        }
        if end && ids.is_empty() {
            return Ok(());
        }
    }
}
