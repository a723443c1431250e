//! Integration tests: the `Mailbox` facade against the project's own ENT server
//! (`ent_server::start`, demo school) over HTTP on loopback, with real SQLite files in a
//! temporary directory. One binary, so linking happens once.

// Test code: a panic is the failure message.
#![allow(clippy::unwrap_used)]

mod actions;
mod attachments;
mod batch;
mod compose;
mod conversations;
mod ent_quirks;
mod first_sync;
mod hardening;
mod harness;
mod images;
mod local_data;
mod oauth2;
mod policy;
mod replay_crash;
mod resilience;
mod search;
mod share_bookmarks;
mod side_effects;
mod sync;
mod writing;
