//! `ent-directory`: the directory of an ENT (structures, classes, users, groups) and the
//! communication rules that decide who may write to whom (`shared/spec/communication-rules.md`).
//!
//! Pure logic, no I/O beyond parsing a school description; used by `ent-server`. It must never
//! depend on `tauri`, on `messagerie-core` or on `ent-server`.
