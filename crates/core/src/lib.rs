//! `messagerie-core`: a user's ENT mailbox, complete on their own disk and in step with the ENT.
//!
//! It knows nothing of Tauri or of the UI: the desktop app, the command-line client and the
//! tests drive the same facade, [`Mailbox`]. It must never depend on `tauri` nor on
//! `ent-server` (the server is only a dev-dependency, for tests on loopback).
//!
//! Organised by feature:
//! - [`session`]: credentials, sessions (secrets hidden from `Debug`) and how an account proves
//!   who it is (`Proof`, chosen at startup by `Proof::at_startup`); [`secrets`]: the keyring;
//! - [`client`]: the ENT API, one module per resource, every request (a download too) through
//!   one loop of re-login and retries (`Client::retrying`);
//! - [`store`]: the SQLite file (WAL, migrations), reached only through `spawn_blocking`;
//! - [`message`], [`mailbox`] (the facade; `actions` on messages, `folder`, `listing`, and
//!   `compose` for writing: `draft`, `send`, `attachments`), [`search`],
//!   [`recipients`], [`queue`] (actions waiting for the ENT): each owns its types and queries;
//! - [`attachment`]: received files: safe names, what « Ouvrir » may open, writing to disk;
//! - [`body`]: message bodies made safe to display (ammonia); [`remote_images`]: « Afficher les
//!   images », the body's remote images fetched here and inlined; [`ent_images`]: the ENT's own
//!   workspace images (inserted by the editor, fetched with the session, always shown);
//! - [`lock`] (one process per account folder) and [`private`] (the account's files are the
//!   user's alone): the local data of a shared school computer;
//! - [`sync`]: the planner (a plain function) and the engine that executes its plan.
//!
//! Wire shapes come from `ent-protocol`; nothing here redefines them.
//! `§n` (or « spec §n ») cites `docs/protocol.md`, the ENT protocol as this project speaks it.

pub mod attachment;
pub mod body;
pub mod client;
pub mod clock;
pub mod ent_images;
pub mod error;
pub mod lock;
pub mod mailbox;
pub mod message;
pub mod private;
pub mod queue;
pub mod quiet_hours;
pub mod recipients;
pub mod remote_images;
pub mod search;
pub mod secrets;
pub mod session;
pub mod store;
pub mod sync;

pub use error::{Error, ErrorKind, Result};
pub use mailbox::{Account, Mailbox};
