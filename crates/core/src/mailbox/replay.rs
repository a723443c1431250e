//! Replays the queue on the ENT, in order, each action once.
//!
//! What the ENT does and what the replay does about it:
//!
//! * **Batches refused whole.** entcore checks that the user owns every id of a batch
//!   (`MultipleMessageUserFilter` for trash, restore, delete and toggleUnread;
//!   `FoldersMessagesFilter` for a move into a folder; `MessageUserFilter` for a move to the
//!   root; `conversation/backend/.../filters/`), and one id the user no longer has (deleted on
//!   the web page meanwhile) refuses the whole batch with 401 and an HTML page. The replay then
//!   halves the batch until each refused id stands alone ([`split_refusals`]): the rest is
//!   applied, and an id refused alone is gone on the ENT, so it is removed from the store too
//!   (as the next sync would) without telling the user the ENT refused anything. Only when every
//!   id of a move is refused and its folder is gone is the move a real refusal (undone, told).
//! * **Two steps that are not idempotent** (see `queue`): creating a draft and sending it. Each
//!   is marked attempted, durably, before its request leaves; the draft's ENT id is stored as
//!   soon as it comes back. A replay that finds a creation attempted but no id looks for that
//!   draft in the ENT's Brouillons ([`find_created_draft`]) before creating one; a replay that
//!   finds a send attempted asks the ENT for the draft's state before sending: already `SENT`
//!   is done. A second send of the same draft is refused by the ENT anyway (`Concurrency error:
//!   state mismatch`), which is checked the same way. So whatever moment the process dies, a
//!   message is delivered once and no draft is left behind. Creating a folder is not
//!   idempotent either, but the ENT refuses a second folder of the same name
//!   (`conversation.error.duplicate.folder`): the replay then takes the folder it finds there.
//! * **Side effects** (`SqlConversationService.java`): a draft or a send with `In-Reply-To`
//!   marks the parent read, and so does linking a forward's attachments (`get` at line 854 via
//!   `ConversationController.forwardAttachments`): the store marks it read once the ENT did.
//!   `PUT /conversation/delete` deletes only messages in the ENT's trash and answers 200 for the
//!   others (line 808): the replay looks at the ENT's trash first, deletes what is there, and
//!   has the next sync list everything again so a message restored elsewhere comes back where
//!   the ENT keeps it. `PUT /conversation/draft/{id}` on a draft already sent answers 200 and
//!   changes nothing (`WHERE id = ? AND state = ?`, line 209): after an update the replay reads
//!   the message's state and, when it is no longer a draft, stores the ENT's version.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::params;
use serde::Serialize;

use super::{actions, Event, Inner};
use crate::client::{conversation as api, ApiError, UploadProgress};
use crate::error::Result;
use crate::message::{self, SummaryRow};
use crate::queue::{self, Action, DraftContent, Entry, Step};
use crate::store::{self, SqlContext, StoreError, StoreResult};

/// What a replay did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FlushReport {
    pub done: u32,
    /// Actions the ENT refused (undone locally), with the reason.
    pub refused: Vec<(String, String)>,
    pub remaining: u32,
}

/// Why an entry did not complete.
#[derive(Debug)]
enum Failure {
    Api(ApiError),
    Store(StoreError),
    /// Another replay took the entry over (this one was too slow to renew its claim).
    ClaimLost,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

/// What a completed entry leaves to do in the store.
#[derive(Debug, Default)]
struct Outcome {
    /// Ids the ENT refused one by one: the user has them no more on the ENT.
    gone: Vec<String>,
    /// The ENT kept messages the action meant to change: the next sync lists every folder.
    resync: bool,
}

/// Replays entries until the queue is empty or the ENT stops answering (the error is returned
/// and the entry stays for next time).
pub(crate) async fn flush(inner: &Arc<Inner>) -> Result<FlushReport> {
    let mut report = FlushReport::default();
    let outcome = replay(inner, &mut report).await;
    if report.done > 0 || !report.refused.is_empty() {
        // The set of unconfirmed messages shrank: the window stops showing them as pending.
        inner.announce_pending().await?;
    }
    outcome.map(|()| report)
}

/// Replays the queue in order until it is empty, an action fails for a reason other than a
/// refusal (offline, 5xx), which leaves it and the rest queued, or another replay (another
/// window, the CLI) holds the next entry, which then goes on from there.
async fn replay(inner: &Arc<Inner>, report: &mut FlushReport) -> Result<()> {
    let me = inner.replayer.id().to_string();
    loop {
        let now = crate::clock::now_ms();
        let Some(entry) = inner
            .store
            .read(move |c| queue::first_ready(c, now))
            .await?
        else {
            break;
        };
        let seq = entry.seq;
        if let Action::Send {
            not_before: Some(due),
            ..
        } = &entry.action
        {
            // Still in its undo delay: it, and everything queued after it, waits.
            if *due > crate::clock::now_ms() {
                report.remaining = inner.store.read(queue::len).await?;
                return Ok(());
            }
        }
        let who = me.clone();
        let now = crate::clock::now_ms();
        let claimed = inner
            .store
            .write(move |tx| queue::claim(tx, seq, &who, now))
            .await?;
        if !claimed {
            report.remaining = inner.store.read(queue::len).await?;
            return Ok(());
        }
        // Read again under the claim: the steps a replay that died recorded are in it now.
        let Some(entry) = inner.store.read(move |c| queue::get(c, seq)).await? else {
            continue;
        };
        match with_heartbeat(inner, seq, execute(inner, &entry)).await {
            Ok(outcome) => {
                let gone = outcome.gone.clone();
                inner
                    .store
                    .write(move |tx| {
                        message::delete_messages(tx, &gone)?;
                        if outcome.resync {
                            // The quick check compares this snapshot: without it the next
                            // sync lists every folder.
                            tx.execute("DELETE FROM meta WHERE key = 'check'", [])
                                .ctx("ask for a full listing")?;
                        }
                        queue::remove(tx, seq)
                    })
                    .await?;
                if !outcome.gone.is_empty() {
                    tracing::debug!(
                        count = outcome.gone.len(),
                        "messages gone on the ENT removed from the store"
                    );
                    inner.emit(Event::MessagesChanged { ids: outcome.gone });
                }
                report.done += 1;
            }
            Err(Failure::Api(e)) if e.is_refusal() => {
                let reason = match &e {
                    ApiError::Refused {
                        reason: Some(r), ..
                    } => r.clone(),
                    other => other.to_string(),
                };
                let name = action_name(&entry.action).to_string();
                tracing::debug!(action = %name, %reason, "the ENT refused a queued action");
                let before = entry.before.clone();
                let action = entry.action.clone();
                inner
                    .store
                    .write(move |tx| {
                        for b in &before {
                            actions::undo(tx, b)?;
                        }
                        if let Action::CreateFolder { local_id, .. } = &action {
                            tx.execute("DELETE FROM folders WHERE id = ?1", [local_id])
                                .ctx("undo a folder")?;
                        }
                        queue::remove(tx, seq)
                    })
                    .await?;
                let ids = entry.before.iter().map(|b| b.id.clone()).collect();
                inner.emit(Event::ActionRefused {
                    action: name.clone(),
                    reason: reason.clone(),
                });
                inner.emit(Event::MessagesChanged { ids });
                report.refused.push((name, reason));
            }
            Err(Failure::ClaimLost) => {
                report.remaining = inner.store.read(queue::len).await?;
                return Ok(());
            }
            Err(Failure::Api(e)) => {
                stop(inner, seq, &me, report).await?;
                return Err(e.into());
            }
            Err(Failure::Store(e)) => {
                stop(inner, seq, &me, report).await?;
                return Err(e.into());
            }
        }
    }
    // Scheduled sends not due yet stay.
    report.remaining = inner.store.read(queue::len).await?;
    Ok(())
}

/// Leaves entry `seq` queued for the next replay, whoever runs it.
async fn stop(inner: &Inner, seq: i64, me: &str, report: &mut FlushReport) -> Result<()> {
    let who = me.to_string();
    inner
        .store
        .write(move |tx| queue::release(tx, seq, &who))
        .await?;
    report.remaining = inner.store.read(queue::len).await?;
    Ok(())
}

/// Runs `work` while renewing the claim on `seq`, so that no other replay takes it over.
async fn with_heartbeat<T>(inner: &Inner, seq: i64, work: impl Future<Output = T>) -> T {
    let period = Duration::from_millis((queue::CLAIM_TTL_MS / 6).unsigned_abs());
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            _ = tick.tick() => renew(inner, seq).await,
        }
    }
}

async fn renew(inner: &Inner, seq: i64) {
    let me = inner.replayer.id().to_string();
    let now = crate::clock::now_ms();
    let renewed = inner
        .store
        .write(move |tx| queue::heartbeat(tx, seq, &me, now))
        .await;
    if let Err(error) = renewed {
        tracing::debug!(%error, "a queue claim was not renewed");
    }
}

/// True for the answer entcore gives when the user does not own an id of the request (401
/// with an HTML page).
fn is_ownership_refusal(e: &ApiError) -> bool {
    matches!(e, ApiError::NotAllowed { status: 401, .. })
}

fn is_duplicate_folder(e: &ApiError) -> bool {
    matches!(e, ApiError::Refused { reason: Some(r), .. }
        if r == ent_protocol::error::keys::DUPLICATE_FOLDER)
}

/// Sends `ids` with `call` in one request; when the ENT refuses it because an id is not the
/// user's any more (see the module doc), sends each half on its own, down to single ids.
/// Returns the ids refused alone; any other failure stops it (what was sent stays sent: every
/// such call is idempotent, so the whole batch can be sent again).
pub(crate) async fn split_refusals<F, Fut>(
    ids: &[String],
    call: F,
) -> std::result::Result<Vec<String>, ApiError>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = std::result::Result<(), ApiError>>,
{
    let mut refused = Vec::new();
    let mut todo = vec![ids.to_vec()];
    while let Some(chunk) = todo.pop() {
        if chunk.is_empty() {
            continue;
        }
        match call(chunk.clone()).await {
            Ok(()) => {}
            Err(e) if is_ownership_refusal(&e) => {
                if chunk.len() == 1 {
                    refused.extend(chunk);
                } else {
                    let (a, b) = chunk.split_at(chunk.len() / 2);
                    todo.push(b.to_vec());
                    todo.push(a.to_vec());
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(refused)
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::SetUnread { .. } => "setUnread",
        Action::Trash { .. } => "trash",
        Action::Restore { .. } => "restore",
        Action::Delete { .. } => "delete",
        Action::EmptyTrash => "emptyTrash",
        Action::MoveToFolder { .. } => "moveToFolder",
        Action::MoveToRoot { .. } => "moveToRoot",
        Action::CreateFolder { .. } => "createFolder",
        Action::RenameFolder { .. } => "renameFolder",
        Action::DeleteFolder { .. } => "deleteFolder",
        Action::SaveDraft { .. } => "saveDraft",
        Action::SetSignature { .. } => "setSignature",
        Action::Send { .. } => "send",
        Action::ForwardAttachments { .. } => "forwardAttachments",
        Action::AddAttachment { .. } => "addAttachment",
        Action::RemoveAttachment { .. } => "removeAttachment",
        Action::UploadImage { .. } => "uploadImage",
    }
}

/// Tells listeners how far an attachment's upload is: every 5 % and at the end, not per piece.
fn upload_progress(inner: &Arc<Inner>, message_id: &str, attachment_id: &str) -> UploadProgress {
    let (inner, message_id, attachment_id) = (
        Arc::clone(inner),
        message_id.to_string(),
        attachment_id.to_string(),
    );
    let told = std::sync::atomic::AtomicU64::new(0);
    UploadProgress(Arc::new(move |sent: u64, total: u64| {
        let step = (total / 20).max(1);
        let last = told.load(std::sync::atomic::Ordering::Relaxed);
        if sent < total && sent < last + step {
            return;
        }
        told.store(sent, std::sync::atomic::Ordering::Relaxed);
        inner.emit(Event::UploadProgress {
            message_id: message_id.clone(),
            attachment_id: attachment_id.clone(),
            sent,
            total,
        });
    }))
}

/// Maps local ids to the ENT's; ids still local (their creation failed) are dropped. A store
/// failure stays one (the user is told about the disk, not about the ENT).
async fn resolve(inner: &Inner, ids: &[String]) -> StoreResult<Vec<String>> {
    let ids = ids.to_vec();
    inner
        .store
        .read(move |c| {
            let mut out = Vec::new();
            for id in ids {
                if queue::is_local_id(&id) {
                    if let Some(r) = queue::remote_id(c, &id)? {
                        out.push(r);
                    }
                } else {
                    out.push(id);
                }
            }
            Ok(out)
        })
        .await
}

async fn resolve_one(inner: &Inner, id: &str) -> StoreResult<Option<String>> {
    Ok(resolve(inner, &[id.to_string()]).await?.into_iter().next())
}

/// Gives a message made offline the id the ENT gave it, everywhere in the store.
fn rename_message(tx: &rusqlite::Transaction<'_>, old: &str, new: &str) -> StoreResult<()> {
    // Placements and attachments point at the id: check the keys at commit, not per statement.
    tx.pragma_update(None, "defer_foreign_keys", "ON")
        .ctx("defer foreign keys")?;
    tx.execute(
        "DELETE FROM messages WHERE id = ?2 AND id != ?1",
        params![old, new],
    )
    .ctx("drop a synced copy")?;
    for sql in [
        "UPDATE messages SET id = ?2 WHERE id = ?1",
        "UPDATE placements SET message_id = ?2 WHERE message_id = ?1",
        "UPDATE attachments SET message_id = ?2 WHERE message_id = ?1",
    ] {
        tx.execute(sql, params![old, new]).ctx("rename a message")?;
    }
    queue::map_id(tx, old, new)
}

/// Every message of `folder` as the ENT lists it.
async fn list_all(inner: &Inner, folder: &str) -> std::result::Result<Vec<SummaryRow>, ApiError> {
    let mut all = Vec::new();
    for page in 0.. {
        let got = api::list(&inner.client, folder, page, crate::sync::engine::PAGE_SIZE).await?;
        let done = got.items.is_empty();
        all.extend(got.items);
        if done || all.len() >= got.count as usize {
            break;
        }
    }
    Ok(all)
}

fn same_ids(listed: &[message::Recipient], asked: &[String]) -> bool {
    let a: std::collections::BTreeSet<&str> = listed.iter().map(|r| r.id.as_str()).collect();
    let b: std::collections::BTreeSet<&str> = asked.iter().map(String::as_str).collect();
    a == b
}

/// How far the ENT's clock may be behind this computer's when matching a draft to the moment
/// its creation was attempted.
const CLOCK_SKEW_MS: i64 = 15 * 60 * 1000;

/// The draft a replay that died may have created for `content` (`POST /conversation/draft`
/// committed, its answer never stored): a draft of the ENT's Brouillons with the same subject
/// and recipients, dated after the attempt (give or take [`CLOCK_SKEW_MS`]), that no message of
/// the store is, nor any other local draft was mapped to (a draft the store already knows
/// existed before). The closest in time to the attempt wins. The ENT keeps no field of ours
/// to mark it with (unknown fields are refused, the body goes through its content
/// transformer), hence matching on what it keeps as sent.
async fn find_created_draft(
    inner: &Inner,
    content: &DraftContent,
    attempted_at: i64,
) -> std::result::Result<Option<String>, Failure> {
    let drafts = list_all(inner, super::folder::DRAFT).await?;
    let candidates: Vec<SummaryRow> = drafts
        .into_iter()
        .filter(|d| {
            d.state == "DRAFT"
                && d.date >= attempted_at - CLOCK_SKEW_MS
                && d.subject == content.subject
                && same_ids(&d.to, &content.to)
                && same_ids(&d.cc, &content.cc)
                && same_ids(&d.cci, &content.cci)
        })
        .collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    let known = inner
        .store
        .read(move |c| {
            let mut out = Vec::new();
            for d in candidates {
                let in_store = message::get_message(c, &d.id)?.is_some();
                let mapped: bool = c
                    .query_row("SELECT 1 FROM id_map WHERE remote_id = ?1", [&d.id], |_| {
                        Ok(())
                    })
                    .map(|()| true)
                    .or_else(|e| match e {
                        rusqlite::Error::QueryReturnedNoRows => Ok(false),
                        e => Err(e),
                    })
                    .ctx("read the id map")?;
                if !in_store && !mapped {
                    out.push(d);
                }
            }
            Ok(out)
        })
        .await?;
    Ok(known
        .into_iter()
        .min_by_key(|d| (d.date - attempted_at).abs())
        .map(|d| d.id))
}

/// The attachment of message `mid` on the ENT named `filename`, of `size` bytes, that the
/// store does not know yet: the upload of a replay that died.
async fn find_uploaded(
    inner: &Inner,
    mid: &str,
    filename: &str,
    size: usize,
) -> std::result::Result<Option<String>, Failure> {
    let (_, body) = api::message(&inner.client, mid).await?;
    let m = mid.to_string();
    let known: Vec<String> = inner
        .store
        .read(move |c| {
            let mut stmt = c
                .prepare("SELECT id FROM attachments WHERE message_id = ?1")
                .ctx("read attachments")?;
            let rows = stmt.query_map([&m], |r| r.get(0)).ctx("read attachments")?;
            rows.collect::<Result<_, _>>().ctx("read attachments")
        })
        .await?;
    Ok(body
        .attachments
        .into_iter()
        .find(|a| {
            a.filename == filename
                && usize::try_from(a.size).is_ok_and(|s| s == size)
                && !known.contains(&a.id)
        })
        .map(|a| a.id))
}

/// Writes `step` as attempted for entry `seq`, committed, before its request leaves.
async fn mark_attempted(inner: &Inner, seq: i64, step: Step) -> std::result::Result<(), Failure> {
    let me = inner.replayer.id().to_string();
    let now = crate::clock::now_ms();
    let held = inner
        .store
        .write(move |tx| queue::mark_attempted(tx, seq, &me, step, now))
        .await?;
    if held {
        Ok(())
    } else {
        Err(Failure::ClaimLost)
    }
}

/// Records the ENT's id of a draft made offline, while this replay holds entry `seq`.
async fn record_draft(
    inner: &Inner,
    seq: i64,
    local: &str,
    remote: &str,
) -> std::result::Result<(), Failure> {
    let me = inner.replayer.id().to_string();
    let (old, new) = (local.to_string(), remote.to_string());
    let held = inner
        .store
        .write(move |tx| {
            if !queue::holds(tx, seq, &me)? {
                return Ok(false);
            }
            rename_message(tx, &old, &new)?;
            Ok(true)
        })
        .await?;
    if held {
        Ok(())
    } else {
        // Another replay took the entry over and will look for this draft itself.
        Err(Failure::ClaimLost)
    }
}

/// Marks `id` read in the store, as the ENT just did.
async fn mark_read_here(inner: &Inner, id: &str) -> std::result::Result<(), Failure> {
    let id = id.to_string();
    let ids = vec![id.clone()];
    inner
        .store
        .write(move |tx| {
            let current = queue::remote_id(tx, &id)?.unwrap_or(id);
            message::set_unread(tx, &[current], false)
        })
        .await?;
    inner.emit(Event::MessagesChanged { ids });
    Ok(())
}

/// Stores the ENT's version of a message, when an update the ENT ignored left the store
/// showing what the ENT does not have.
async fn store_remote(
    inner: &Inner,
    summary: SummaryRow,
    body: message::BodyRow,
) -> std::result::Result<(), Failure> {
    let me = inner
        .store
        .read(|c| store::get_meta(c, "user_id"))
        .await?
        .unwrap_or_default();
    let id = summary.id.clone();
    inner
        .store
        .write(move |tx| {
            message::upsert_summary(tx, &summary)?;
            message::store_body(tx, &body)?;
            let folders = if body.user_folder_id.is_some() {
                body.user_folder_id.iter().cloned().collect()
            } else {
                actions::root_folders(tx, &summary.id, &me)?
            };
            super::listing::place(tx, &summary.id, &folders)
        })
        .await?;
    inner.emit(Event::MessagesChanged { ids: vec![id] });
    Ok(())
}

/// A scheduled message is about to leave: it is a sent message again in the store (it was in
/// no folder meanwhile), and when its time passed long ago the user is told it leaves late.
async fn sent_when_scheduled(
    inner: &Arc<Inner>,
    id: &str,
    due: i64,
) -> std::result::Result<(), Failure> {
    let me = inner.user_id().await.unwrap_or_default();
    let row = id.to_string();
    inner
        .store
        .write(move |tx| {
            let n = tx
                .execute(
                    "UPDATE messages SET state = 'SENT' WHERE id = ?1 AND state = 'SCHEDULE'",
                    [&row],
                )
                .ctx("mark a scheduled message sent")?;
            if n == 1 {
                let folders = actions::root_folders(tx, &row, &me)?;
                super::listing::place(tx, &row, &folders)?;
            }
            Ok(())
        })
        .await?;
    let late_after = i64::try_from(
        inner
            .late_after_ms
            .load(std::sync::atomic::Ordering::Relaxed),
    )
    .unwrap_or(i64::MAX);
    if crate::clock::now_ms() - due > late_after {
        inner.emit(Event::SentLate {
            id: id.to_string(),
            due,
        });
    }
    inner.emit(Event::MessagesChanged {
        ids: vec![id.to_string()],
    });
    Ok(())
}

async fn execute(inner: &Arc<Inner>, entry: &Entry) -> std::result::Result<Outcome, Failure> {
    let c = &inner.client;
    let mut outcome = Outcome::default();
    match &entry.action {
        Action::SetUnread { ids, unread } => {
            let ids = resolve(inner, ids).await?;
            outcome.gone = split_refusals(&ids, |chunk| async move {
                api::toggle_unread(c, &chunk, *unread).await
            })
            .await?;
        }
        Action::Trash { ids } => {
            let ids = resolve(inner, ids).await?;
            outcome.gone =
                split_refusals(&ids, |chunk| async move { api::trash(c, &chunk).await }).await?;
        }
        Action::Restore { ids } => {
            let ids = resolve(inner, ids).await?;
            outcome.gone =
                split_refusals(&ids, |chunk| async move { api::restore(c, &chunk).await }).await?;
        }
        Action::Delete { ids } => {
            let ids = resolve(inner, ids).await?;
            if !ids.is_empty() {
                // The ENT deletes only what its trash holds and answers 200 for the rest.
                let trash: std::collections::HashSet<String> =
                    list_all(inner, super::folder::TRASH)
                        .await?
                        .into_iter()
                        .map(|m| m.id)
                        .collect();
                let (there, kept): (Vec<String>, Vec<String>) =
                    ids.into_iter().partition(|id| trash.contains(id));
                outcome.gone =
                    split_refusals(&there, |chunk| async move { api::delete(c, &chunk).await })
                        .await?;
                outcome.resync = !kept.is_empty();
            }
        }
        Action::EmptyTrash => api::empty_trash(c).await?,
        Action::MoveToFolder { ids, folder_id } => {
            let ids = resolve(inner, ids).await?;
            let Some(folder) = resolve_one(inner, folder_id).await? else {
                return Ok(outcome);
            };
            if ids.is_empty() {
                return Ok(outcome);
            }
            match api::move_to_folder(c, &ids, &folder).await {
                Ok(()) => {}
                Err(e) if is_ownership_refusal(&e) => {
                    // FoldersMessagesFilter checks the folder first: a folder gone is a real
                    // refusal; otherwise some message is gone.
                    let folders = api::folders(c, crate::sync::engine::FOLDER_DEPTH).await?;
                    if !folders.iter().any(|x| x.id == folder) {
                        return Err(e.into());
                    }
                    let f = folder.as_str();
                    outcome.gone = split_refusals(&ids, |chunk| async move {
                        api::move_to_folder(c, &chunk, f).await
                    })
                    .await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Action::MoveToRoot { ids } => {
            let ids = resolve(inner, ids).await?;
            outcome.gone =
                split_refusals(
                    &ids,
                    |chunk| async move { api::move_to_root(c, &chunk).await },
                )
                .await?;
        }
        Action::CreateFolder {
            local_id,
            name,
            parent_id,
        } => {
            if resolve_one(inner, local_id).await?.is_some() {
                return Ok(outcome); // created before a crash, mapping recorded
            }
            let parent = match parent_id {
                Some(p) => resolve_one(inner, p).await?,
                None => None,
            };
            let id = match api::create_folder(c, name, parent.as_deref()).await {
                Ok(id) => id,
                // Creating a folder is not idempotent either: a replay that died after the ENT
                // created it meets the ENT's refusal of a second folder of that name, and the
                // folder is there to take.
                Err(e @ ApiError::Refused { .. }) if is_duplicate_folder(&e) => {
                    let tree = api::folders(c, crate::sync::engine::FOLDER_DEPTH).await?;
                    let same = tree
                        .into_iter()
                        .find(|f| f.name.trim() == name.trim() && f.parent_id == parent);
                    match same {
                        Some(f) => f.id,
                        None => return Err(e.into()),
                    }
                }
                Err(e) => return Err(e.into()),
            };
            let (old, new) = (local_id.clone(), id.clone());
            let done = inner
                .store
                .write(move |tx| {
                    tx.pragma_update(None, "defer_foreign_keys", "ON")
                        .ctx("defer foreign keys")?;
                    tx.execute("UPDATE folders SET id = ?2 WHERE id = ?1", [&old, &new])
                        .ctx("rename a folder")?;
                    tx.execute(
                        "UPDATE folders SET parent_id = ?2 WHERE parent_id = ?1",
                        [&old, &new],
                    )
                    .ctx("rename a folder")?;
                    tx.execute(
                        "UPDATE messages SET user_folder_id = ?2 WHERE user_folder_id = ?1",
                        [&old, &new],
                    )
                    .ctx("rename a folder")?;
                    tx.execute(
                        "UPDATE placements SET folder_id = ?2 WHERE folder_id = ?1",
                        [&old, &new],
                    )
                    .ctx("rename a folder")?;
                    queue::map_id(tx, &old, &new)
                })
                .await;
            done?;
            inner.emit(Event::FolderRenamed {
                from: local_id.clone(),
                to: id,
            });
        }
        Action::RenameFolder { id, name } => {
            if let Some(id) = resolve_one(inner, id).await? {
                api::rename_folder(c, &id, name).await?;
            }
        }
        Action::DeleteFolder { id } => {
            if let Some(id) = resolve_one(inner, id).await? {
                api::delete_folder(c, &id).await?;
            }
        }
        Action::SaveDraft { id, content } => {
            let content = &with_uploaded_images(inner, content).await?;
            save_draft(inner, entry, id, content).await?;
        }
        Action::UploadImage {
            local_id,
            path,
            filename,
        } => upload_image(inner, local_id, path, filename).await?,
        Action::Send {
            id,
            content,
            not_before,
            scheduled,
        } => {
            let Some(remote) = resolve_one(inner, id).await? else {
                return Ok(outcome);
            };
            let content = &with_uploaded_images(inner, content).await?;

            if entry.send_attempted_at.is_some() {
                // A replay died after asking the ENT to send it: sent already is done.
                let (summary, _) = api::message(c, &remote).await?;
                if summary.state != "DRAFT" {
                    if let Some(parent) = &content.in_reply_to {
                        mark_read_here(inner, parent).await?;
                    }
                    return Ok(outcome);
                }
            }
            mark_attempted(inner, entry.seq, Step::Send).await?;
            match api::send(c, &remote, content).await {
                Ok(sent) => {
                    if let Some(thread) = sent.thread_id {
                        let id = remote.clone();
                        inner
                            .store
                            .write(move |tx| message::set_thread(tx, &id, &thread))
                            .await?;
                    }
                    inner.emit(Event::Sent {
                        id: remote.clone(),
                        inactive: sent.inactive,
                        undelivered: sent.undelivered,
                    })
                }
                Err(e @ ApiError::Refused { .. }) => {
                    // A send committed on the ENT whose answer was lost: the ENT refuses the
                    // second send of the same draft (state mismatch). Check before reporting.
                    let (summary, _) = api::message(c, &remote).await?;
                    if summary.state != "SENT" {
                        return Err(e.into());
                    }
                }
                Err(e) => return Err(e.into()),
            }
            if *scheduled {
                sent_when_scheduled(inner, &remote, not_before.unwrap_or_default()).await?;
            }
            if let Some(parent) = &content.in_reply_to {
                mark_read_here(inner, parent).await?;
            }
        }
        Action::SetSignature {
            use_signature,
            signature,
        } => super::signature::write_to_ent(c, *use_signature, signature).await?,
        Action::ForwardAttachments {
            draft_id,
            original_id,
        } => {
            let (Some(draft), Some(original)) = (
                resolve_one(inner, draft_id).await?,
                resolve_one(inner, original_id).await?,
            ) else {
                return Ok(outcome);
            };
            api::forward_attachments(c, &draft, &original).await?;
            // The ENT reads the original to link its files, which marks it read.
            mark_read_here(inner, &original).await?;
        }
        Action::AddAttachment {
            message_id,
            local_id,
            path,
            filename,
            content_type,
        } => {
            if resolve_one(inner, local_id).await?.is_some() {
                return Ok(outcome);
            }
            let Some(mid) = resolve_one(inner, message_id).await? else {
                return Ok(outcome);
            };
            let p = path.clone();
            let bytes = tokio::task::spawn_blocking(move || std::fs::read(p))
                .await
                .map_err(|_| ApiError::BadAnswer {
                    what: "reading an attachment".into(),
                    detail: "task failed".into(),
                })?
                .map_err(|e| ApiError::Refused {
                    what: format!("uploading {filename}"),
                    status: 0,
                    reason: Some(format!("cannot read the file: {e}")),
                })?;
            let mut att = None;
            if entry.create_attempted_at.is_some() {
                // A replay died after uploading it: the ENT may hold the file already (an
                // attachment of that name and size that the store does not know).
                att = find_uploaded(inner, &mid, filename, bytes.len()).await?;
            }
            let att = match att {
                Some(a) => a,
                None => {
                    mark_attempted(inner, entry.seq, Step::Create).await?;
                    let progress = upload_progress(inner, message_id, local_id);
                    api::add_attachment(c, &mid, filename, content_type, bytes, Some(progress))
                        .await?
                }
            };
            let (mid2, old, new) = (mid.clone(), local_id.clone(), att);
            inner
                .store
                .write(move |tx| {
                    tx.execute(
                        "UPDATE attachments SET id = ?3 WHERE message_id = ?1 AND id = ?2",
                        [&mid2, &old, &new],
                    )
                    .ctx("rename an attachment")?;
                    queue::map_id(tx, &old, &new)
                })
                .await?;
        }
        Action::RemoveAttachment {
            message_id,
            attachment_id,
        } => {
            let (Some(mid), Some(aid)) = (
                resolve_one(inner, message_id).await?,
                resolve_one(inner, attachment_id).await?,
            ) else {
                return Ok(outcome);
            };
            api::remove_attachment(c, &mid, &aid).await?;
        }
    }
    Ok(outcome)
}

/// Creates the draft on the ENT when `id` is local, updates it otherwise.
async fn save_draft(
    inner: &Arc<Inner>,
    entry: &Entry,
    id: &str,
    content: &queue::DraftContent,
) -> std::result::Result<(), Failure> {
    let c = &inner.client;
    match resolve_one(inner, id).await? {
        Some(remote) => {
            api::update_draft(c, &remote, content).await?;
            // A draft sent meanwhile (elsewhere) is not changed by the ENT, which answers
            // 200 all the same: the store shows what the ENT has.
            let (summary, body) = api::message(c, &remote).await?;
            if summary.state != "DRAFT" {
                store_remote(inner, summary, body).await?;
            }
        }
        None => {
            let seq = entry.seq;
            let mut remote = None;
            if let Some(at) = entry.create_attempted_at {
                // A replay died after asking the ENT to create it: look before creating.
                remote = find_created_draft(inner, content, at).await?;
            }
            let remote = match remote {
                Some(r) => r,
                None => {
                    mark_attempted(inner, seq, Step::Create).await?;
                    api::create_draft(c, content).await?
                }
            };
            record_draft(inner, seq, id, &remote).await?;
            if let Some(parent) = &content.in_reply_to {
                mark_read_here(inner, parent).await?;
            }
        }
    }
    Ok(())
}

/// Uploads an image inserted offline ([`Action::UploadImage`]) and maps its local id to the
/// workspace document's. Mapped already (uploaded by an earlier save or send that needed it,
/// or by a replay that died after recording the answer): nothing to do.
async fn upload_image(
    inner: &Arc<Inner>,
    local_id: &str,
    path: &str,
    filename: &str,
) -> std::result::Result<(), Failure> {
    if resolve_one(inner, local_id).await?.is_some() {
        return Ok(());
    }
    let bytes = tokio::fs::read(path).await.map_err(|e| ApiError::Refused {
        what: format!("uploading {filename}"),
        status: 0,
        reason: Some(format!("cannot read the image: {e}")),
    })?;
    // A replay that died after the upload leaves one unused copy in the workspace: nothing
    // lists it, and sending the image twice is harmless.
    let id = crate::ent_images::upload(&inner.client, filename, bytes).await?;
    let old = local_id.to_owned();
    inner
        .store
        .write(move |tx| queue::map_id(tx, &old, &id))
        .await?;
    Ok(())
}

/// `content` with each image inserted offline (`/workspace/document/local-…`) given the id the
/// ENT gave it. An image whose upload is still queued is uploaded first, here: a save or send
/// queued before it (a scheduled send edited afterwards, a save that replaced an older one)
/// must not leave with a local address. An image whose upload is gone (the ENT refused it)
/// keeps its local address, which readers show as nothing.
async fn with_uploaded_images(
    inner: &Arc<Inner>,
    content: &queue::DraftContent,
) -> std::result::Result<queue::DraftContent, Failure> {
    const PREFIX: &str = "/workspace/document/local-";
    if !content.body.contains(PREFIX) {
        return Ok(content.clone());
    }
    let mut locals = Vec::new();
    let mut rest = content.body.as_str();
    while let Some(at) = rest.find(PREFIX) {
        let start = at + "/workspace/document/".len();
        let len = rest[start..]
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
            .unwrap_or(rest.len() - start);
        let local = rest[start..start + len].to_owned();
        if !locals.contains(&local) {
            locals.push(local);
        }
        rest = &rest[start + len..];
    }
    let mut content = content.clone();
    for local in locals {
        if resolve_one(inner, &local).await?.is_none() {
            let key = local.clone();
            let queued = inner
                .store
                .read(move |c| {
                    Ok(queue::all(c)?.into_iter().find_map(|e| match e.action {
                        Action::UploadImage {
                            local_id,
                            path,
                            filename,
                        } if local_id == key => Some((path, filename)),
                        _ => None,
                    }))
                })
                .await?;
            if let Some((path, filename)) = queued {
                upload_image(inner, &local, &path, &filename).await?;
            }
        }
        if let Some(remote) = resolve_one(inner, &local).await? {
            content.body = content.body.replace(
                &format!("/workspace/document/{local}"),
                &format!("/workspace/document/{remote}"),
            );
        }
    }
    Ok(content)
}
