//! Integration tests: the `Mailbox` facade against the project's own ENT server
//! (`ent_server::start`, demo school) over HTTP on loopback, with real SQLite files in a
//! temporary directory. One binary, so linking happens once.

// Test code: a panic is the failure message.
#![allow(clippy::unwrap_used)]

mod actions;
mod attachments;
mod batch;
mod compose;
mod ent_quirks;
mod hardening;
mod harness;
mod local_data;
mod oauth2;
mod peer_only;
mod policy;
mod replay_crash;
mod resilience;
mod search;
mod side_effects;
mod sync;

// The hand-written peer: only for what ent-server cannot produce (see its header).
#[allow(dead_code, clippy::await_holding_lock, clippy::result_large_err)]
mod peer;
