//! End-to-end tests: the real app, built with its UI embedded, driven through WebDriver
//! (thirtyfour → tauri-driver → WebKitWebDriver) under Xvfb, with a private D-Bus bus.
//!
//! Layers: `harness` starts and stops the environment and offers the helpers (find, wait,
//! screenshot, invoke, notifications, demo ENT); one module per feature holds its tests.
//! thirtyfour is a Rust client, so `cargo test` runs these tests with the others and they share
//! the workspace's types; the harness must not depend on the app's internals, only on what a
//! user or the desktop sees.
mod accessibility;
mod accounts;
mod attachments;
mod background;
mod command_line;
mod compose;
mod conversations;
mod demo;
mod ent_terms;
mod file_picker;
mod folders;
mod harness;
mod hostile;
mod list;
mod local_data;
mod mailbox;
mod notification;
mod offline;
mod package;
mod print;
mod quiet_hours;
mod reading_fixtures;
mod recall;
mod remote_images;
mod scheduled;
mod settings;
mod sign_in;
mod signature;
mod stay_signed_in;
mod theme;
mod ui;
mod window;
mod writing_roundtrip;
