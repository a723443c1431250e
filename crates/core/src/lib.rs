//! `messagerie-core`: a user's ENT mailbox, complete on their own disk and in step with the ENT.
//!
//! It knows nothing of Tauri or of the UI: the desktop app, the command-line client and the
//! tests drive the same facade. It must never depend on `tauri` nor on `ent-server` (the server
//! is only a dev-dependency, for tests on loopback).
