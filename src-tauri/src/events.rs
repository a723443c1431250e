//! The mailbox's events, as the window receives them on the one `mailbox` Tauri event, and the
//! sync passes that produce them.

use std::time::Duration;

use messagerie_core::mailbox::Event;
use messagerie_core::message::MessageSummary;
use messagerie_core::sync::SyncMode;
use messagerie_core::Mailbox;
use serde::Serialize;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::error::RecvError;

use crate::error::{CommandError, ErrorKind};
use crate::state::now_ms;

/// The name the window listens on.
pub const MAILBOX_EVENT: &str = "mailbox";

/// The UI's `MailboxEvent` (ui/src/mailbox/types.ts).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UiEvent {
    Progress {
        done: u32,
        total: u32,
    },
    SyncDone {
        at: i64,
    },
    SyncFailed {
        error_kind: ErrorKind,
        message: String,
        /// The ENT page to open when `error_kind` is `actionNeeded`.
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    Connectivity {
        online: bool,
        at: i64,
    },
    MessagesChanged {
        ids: Vec<String>,
    },
    FoldersChanged,
    PendingChanged {
        message_ids: Vec<String>,
    },
    ActionRefused {
        action: String,
        reason: String,
    },
    /// The ENT delivered a message the user sent: its report.
    Sent {
        id: String,
        inactive: Vec<String>,
        undelivered: Vec<String>,
    },
    /// Unread messages that really arrived since the last sync (never on a first sync).
    NewMail {
        messages: Vec<MessageSummary>,
    },
}

/// The window's view of a core event; `None` for what it does not show.
pub fn to_ui(event: Event) -> Option<UiEvent> {
    Some(match event {
        Event::Progress { done, total, .. } => UiEvent::Progress { done, total },
        Event::NewMail { messages } => UiEvent::NewMail { messages },
        Event::UnreadCounts { .. } | Event::FoldersChanged => UiEvent::FoldersChanged,
        Event::Connectivity { online } => UiEvent::Connectivity {
            online,
            at: now_ms(),
        },
        Event::MessagesChanged { ids } => UiEvent::MessagesChanged { ids },
        Event::ActionRefused { action, reason } => UiEvent::ActionRefused { action, reason },
        Event::PendingChanged { message_ids } => UiEvent::PendingChanged { message_ids },
        Event::Sent {
            id,
            inactive,
            undelivered,
        } => UiEvent::Sent {
            id,
            inactive,
            undelivered,
        },
        // Partial failures are logged by the core; the pass's result tells the window.
        Event::SyncError { .. } => return None,
        // Also after a replay behind an action, so the banner shows without waiting for a sync.
        Event::ActionNeeded { url } => {
            let error = CommandError::action_needed(url);
            UiEvent::SyncFailed {
                error_kind: error.kind,
                message: error.message,
                url: error.url,
            }
        }
    })
}

fn emit(app: &AppHandle, event: UiEvent) {
    if let Err(error) = app.emit(MAILBOX_EVENT, &event) {
        tracing::warn!(%error, "cannot pass an event to the window");
    }
}

/// Forwards the mailbox's events to the window until aborted.
pub fn forward(app: AppHandle, mailbox: Mailbox) -> JoinHandle<()> {
    let mut events = mailbox.events();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(ui) = to_ui(event) {
                        emit(&app, ui);
                    }
                }
                // Missed events only mean the window reads everything again.
                Err(RecvError::Lagged(_)) => emit(&app, UiEvent::FoldersChanged),
                Err(RecvError::Closed) => return,
            }
        }
    })
}

/// One sync pass; its outcome goes to the window as `syncDone` or `syncFailed`.
pub async fn sync_once(app: &AppHandle, mailbox: &Mailbox, mode: SyncMode) {
    let started = std::time::Instant::now();
    match mailbox.sync(mode).await {
        Ok(report) => {
            tracing::info!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                inserted = report.inserted,
                requests = report.requests,
                "sync done"
            );
            emit(app, UiEvent::SyncDone { at: now_ms() });
        }
        Err(error) => {
            let error = CommandError::from(error);
            emit(
                app,
                UiEvent::SyncFailed {
                    error_kind: error.kind,
                    message: error.message,
                    url: error.url,
                },
            );
        }
    }
}

/// Tells the ENT about the actions just queued, behind the command that queued them. Offline,
/// they stay queued (and shown as pending) until a later sync replays them.
pub fn flush_soon(mailbox: Mailbox) {
    tauri::async_runtime::spawn(async move {
        if let Err(error) = mailbox.flush_queue().await {
            tracing::debug!(%error, "queued actions wait for the ENT");
        }
    });
}

/// Syncs now (a full pass the first time), then a quick check every `interval`.
pub fn sync_periodically(app: AppHandle, mailbox: Mailbox, interval: Duration) -> JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            sync_once(&app, &mailbox, SyncMode::Quick).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_reach_the_window_tagged_by_kind_in_camel_case() {
        let event = to_ui(Event::Connectivity { online: false }).unwrap();
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(json["kind"], "connectivity");
        assert_eq!(json["online"], false);
        assert!(json["at"].as_i64().unwrap() > 0);
    }

    #[test]
    fn unread_counts_make_the_window_read_the_folders_again() {
        let event = to_ui(Event::UnreadCounts { counts: vec![] });
        assert_eq!(event, Some(UiEvent::FoldersChanged));
    }
}
