//! Integration tests: a real ent-server on loopback, a real SQLite file in a TempDir, real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]
mod helpers;

mod attachments;
mod auth;
mod bad_input;
mod binary;
mod conversation;
mod demo;
mod ent_behaviours;
mod faults;
mod folders;
mod hardening;
mod oauth2;
mod seed;
mod testing;
mod timeline;
mod userbook;
mod visible;
mod workspace;
