//! The mailbox's events, as the window receives them on the one `mailbox` Tauri event, and the
//! sync passes that produce them.

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

/// What the window receives on [`MAILBOX_EVENT`]: the core's events as the core shapes them,
/// and the app's own beside them (never a copy of the core's). Generated into
/// `ui/src/bindings/MailboxEvent.ts` (`Event | AppEvent`, both tagged by `kind`).
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(untagged)]
#[ts(export, rename = "MailboxEvent")]
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

/// Passes an event to the window.
pub fn emit(app: &AppHandle, event: impl Into<WindowEvent>) {
    if let Err(error) = app.emit(MAILBOX_EVENT, event.into()) {
        tracing::warn!(%error, "cannot pass an event to the window");
    }
}

/// Forwards the mailbox's events to the window until aborted.
pub fn forward(app: AppHandle, mailbox: Mailbox) -> JoinHandle<()> {
    let mut events = mailbox.events();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => emit(&app, event),
                // Missed events only mean the window reads everything again.
                Err(RecvError::Lagged(_)) => emit(&app, Event::FoldersChanged),
                Err(RecvError::Closed) => return,
            }
        }
    })
}

/// Tells the window how a sync pass ended: `syncDone` or `syncFailed`.
pub fn report_pass(app: &AppHandle, outcome: messagerie_core::Result<SyncReport>) {
    match outcome {
        Ok(report) => {
            tracing::info!(
                inserted = report.inserted,
                bodies = report.bodies_fetched,
                requests = report.requests,
                "sync done"
            );
            emit(app, AppEvent::SyncDone { at: now_ms() });
        }
        Err(error) => emit(
            app,
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
pub fn sync_periodically(app: AppHandle, mailbox: Mailbox, interval: Duration) -> JoinHandle<()> {
    JoinHandle::Tokio(
        mailbox.spawn_periodic_sync(interval, move |outcome| report_pass(&app, outcome)),
    )
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
