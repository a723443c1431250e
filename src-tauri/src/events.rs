//! The mailboxes' events, as the window receives them on the one `mailbox` Tauri event (each
//! tagged with the account it comes from), and the sync passes that produce them.

use std::time::Duration;

use messagerie_core::attachment::Picked;
use messagerie_core::mailbox::Event;
use messagerie_core::sync::SyncReport;
use messagerie_core::Mailbox;
use serde::Serialize;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::error::RecvError;

use crate::error::CommandError;
use crate::state::now_ms;

/// The name the window listens on.
pub const MAILBOX_EVENT: &str = "mailbox";

/// What the window receives on [`MAILBOX_EVENT`]: an event and the account it comes from.
/// Generated into `ui/src/bindings/MailboxEvent.ts` (`{ account?: string } & WindowEvent`).
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[ts(export, rename = "MailboxEvent")]
pub struct Tagged {
    /// The id of the open account the event is about ([`crate::state::AccountInfo::id`]);
    /// absent for the window's own (files dropped, a link clicked).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub account: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub event: WindowEvent,
}

/// The core's events as the core shapes them, and the app's own beside them (never a copy of
/// the core's): `Event | AppEvent`, both tagged by `kind`.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum WindowEvent {
    Core(Event),
    App(AppEvent),
}

/// The events only the app sends.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum AppEvent {
    /// A sync pass ended (epoch milliseconds).
    SyncDone {
        #[ts(type = "number")]
        at: i64,
    },
    /// A sync pass failed as a whole (the ENT refused the session, the disk is full…).
    SyncFailed { error: CommandError },
    /// Files dropped on the window, as tokens: the page never handles a path.
    FilesDropped { files: Vec<Picked> },
    /// The user clicked a new-mail notification: show that message.
    OpenMessage { id: String },
    /// A link inside a message was clicked: the window shows the address and opens it through
    /// `open_link` only if the user agrees.
    LinkClicked { url: String },
}

impl From<Event> for WindowEvent {
    fn from(event: Event) -> Self {
        Self::Core(event)
    }
}

impl From<AppEvent> for WindowEvent {
    fn from(event: AppEvent) -> Self {
        Self::App(event)
    }
}

/// Passes an event of no account (the window's own) to the window.
pub fn emit(app: &AppHandle, event: impl Into<WindowEvent>) {
    send(app, None, event.into());
}

/// Passes an event of the open account `account` to the window.
pub fn emit_for(app: &AppHandle, account: &str, event: impl Into<WindowEvent>) {
    send(app, Some(account.to_string()), event.into());
}

fn send(app: &AppHandle, account: Option<String>, event: WindowEvent) {
    if let Err(error) = app.emit(MAILBOX_EVENT, Tagged { account, event }) {
        tracing::warn!(%error, "cannot pass an event to the window");
    }
}

/// Forwards the mailbox's events to the window, tagged with its account, until aborted.
pub fn forward(app: AppHandle, mailbox: Mailbox, account: String) -> JoinHandle<()> {
    let mut events = mailbox.events();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => emit_for(&app, &account, event),
                // Missed events only mean the window reads everything again.
                Err(RecvError::Lagged(_)) => emit_for(&app, &account, Event::FoldersChanged),
                Err(RecvError::Closed) => return,
            }
        }
    })
}

/// Tells the window how a sync pass of the account `account` ended: `syncDone` or
/// `syncFailed`.
pub fn report_pass(app: &AppHandle, account: &str, outcome: messagerie_core::Result<SyncReport>) {
    match outcome {
        Ok(report) => {
            tracing::info!(
                inserted = report.inserted,
                bodies = report.bodies_fetched,
                requests = report.requests,
                "sync done"
            );
            emit_for(app, account, AppEvent::SyncDone { at: now_ms() });
        }
        Err(error) => emit_for(
            app,
            account,
            AppEvent::SyncFailed {
                error: CommandError::from(error),
            },
        ),
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

/// Starts the mailbox's one sync timer (in the core, [`Mailbox::spawn_periodic_sync`]), each
/// pass reported to the window. The window never syncs on its own: it asks
/// ([`Mailbox::request_sync`]).
pub fn sync_periodically(
    app: AppHandle,
    mailbox: Mailbox,
    account: String,
    interval: Duration,
) -> JoinHandle<()> {
    JoinHandle::Tokio(mailbox.spawn_periodic_sync(interval, move |outcome| {
        report_pass(&app, &account, outcome)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_events_reach_the_window_as_the_core_shapes_them() {
        let event = Event::PendingChanged {
            message_ids: vec!["m1".into()],
        };

        let json = serde_json::to_value(WindowEvent::from(event.clone())).unwrap();

        assert_eq!(json, serde_json::to_value(event).unwrap());
        assert_eq!(json["kind"], "pendingChanged");
        assert_eq!(json["messageIds"][0], "m1");
    }

    #[test]
    fn a_failed_sync_carries_the_error_as_every_command_returns_it() {
        let error = CommandError::from(messagerie_core::Error::Api(
            messagerie_core::client::ApiError::ActionNeeded {
                what: "GET /conversation/count/INBOX".into(),
                action: messagerie_core::client::EntAction::AcceptTerms,
                page: "https://ent.example.org/auth/revalidate-terms".into(),
            },
        ));

        let json = serde_json::to_value(WindowEvent::from(AppEvent::SyncFailed {
            error: error.clone(),
        }))
        .unwrap();

        assert_eq!(json["kind"], "syncFailed");
        assert_eq!(json["error"], serde_json::to_value(error).unwrap());
        assert_eq!(json["error"]["kind"], "actionNeeded");
        assert_eq!(
            json["error"]["url"],
            "https://ent.example.org/auth/revalidate-terms"
        );
    }

    #[test]
    fn every_event_says_which_account_it_comes_from() {
        let tagged = Tagged {
            account: Some("ent.ecole-a.fr_marie.durand".into()),
            event: Event::FoldersChanged.into(),
        };
        let json = serde_json::to_value(tagged).unwrap();
        assert_eq!(json["kind"], "foldersChanged");
        assert_eq!(json["account"], "ent.ecole-a.fr_marie.durand");
        let own = serde_json::to_value(Tagged {
            account: None,
            event: AppEvent::LinkClicked {
                url: "https://x".into(),
            }
            .into(),
        })
        .unwrap();
        assert_eq!(own["kind"], "linkClicked");
        assert!(own.get("account").is_none());
    }

    #[test]
    fn the_apps_own_events_are_tagged_by_kind_in_camel_case() {
        let json = serde_json::to_value(WindowEvent::from(AppEvent::FilesDropped {
            files: vec![Picked {
                token: "t".into(),
                name: "devoir.pdf".into(),
            }],
        }))
        .unwrap();

        assert_eq!(json["kind"], "filesDropped");
        assert_eq!(json["files"][0]["name"], "devoir.pdf");
    }
}
