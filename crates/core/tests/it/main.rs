//! Integration tests: the `Mailbox` facade against an ENT peer over HTTP on loopback, with
//! real SQLite files in a temporary directory. One binary, so linking happens once.

// Test code: a panic is the failure message; the peer's guards are dropped explicitly before
// awaits (clippy does not see `drop`), and its error type is an axum response.
#![allow(
    clippy::unwrap_used,
    clippy::await_holding_lock,
    clippy::result_large_err
)]

mod actions;
mod against_ent_server;
mod harness;
mod peer;
mod resilience;
mod search;
mod sync;
