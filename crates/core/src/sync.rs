//! The sync engine: plan first ([`plan`], a plain function), then execute ([`engine`]).

pub mod engine;
mod journal;
pub mod plan;
mod refusals;

use serde::{Deserialize, Serialize};

/// How much a sync pass does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SyncMode {
    /// A cheap check first (inbox unread count and first page, 2 requests); a full pass only
    /// when it shows a change. The periodic sync uses this.
    Quick,
    /// List every folder to the end: also catches changes the cheap check cannot see (a message
    /// moved between two user folders elsewhere).
    Full,
}

/// What a sync pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncReport {
    /// The cheap check found nothing new.
    pub unchanged: bool,
    pub first_sync: bool,
    pub inserted: u32,
    pub updated: u32,
    pub deleted: u32,
    pub bodies_fetched: u32,
    pub new_mail: Vec<String>,
    pub actions_replayed: u32,
    /// Parts that failed while the rest went on ("GET /conversation/...: the ENT failed...").
    pub errors: Vec<String>,
    /// HTTP requests sent by this pass.
    pub requests: u32,
}
