//! Tauri commands, one module per feature; registered in `lib.rs`.
pub mod app;
pub mod notify;
