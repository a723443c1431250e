//! The planner: local state + what the ENT listed → the operations that bring the store in step.
//!
//! A plain function, no I/O, so that every case is tested as a table (see the tests).

use std::collections::{BTreeMap, BTreeSet};

/// A message as the ENT listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMessage {
    /// The folders whose listing contains it (`inbox`, `trash`, a user folder id...).
    pub folders: BTreeSet<String>,
    /// Hash of its summary; a different value means something changed on the ENT.
    pub fingerprint: i64,
    /// A draft's body changes with its summary; other bodies never change.
    pub is_draft: bool,
}

/// A message as the store has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMessage {
    pub folders: BTreeSet<String>,
    pub fingerprint: i64,
    pub has_body: bool,
    /// A queued local action touches it: the ENT's view is stale until the queue is replayed.
    pub pending: bool,
}

/// What the ENT answered in this pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteState {
    /// Folders listed to the end. A folder missing here failed (500, bad JSON...): what the
    /// store holds in it is kept as is.
    pub complete_folders: BTreeSet<String>,
    pub messages: BTreeMap<String, RemoteMessage>,
}

/// One step of a sync pass. Ordered so that a plan compares as a whole in tests.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    /// A message the store does not have: write its summary and where it is listed.
    Insert { id: String },
    /// Its summary changed on the ENT (read elsewhere, replied, a draft edited...).
    Update { id: String },
    /// It moved: it is now listed in exactly these folders (among the complete ones).
    Place {
        id: String,
        folders: BTreeSet<String>,
    },
    /// It is gone from every folder of the ENT.
    Delete { id: String },
    /// Its body is not on disk (or a draft's body changed): fetch it.
    FetchBody { id: String },
}

impl Operation {
    /// The message it is about.
    pub fn id(&self) -> &str {
        match self {
            Operation::Insert { id }
            | Operation::Update { id }
            | Operation::Place { id, .. }
            | Operation::Delete { id }
            | Operation::FetchBody { id } => id,
        }
    }
}

/// Plans a pass. `local` holds every message of the store.
pub fn plan(local: &BTreeMap<String, LocalMessage>, remote: &RemoteState) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (id, r) in &remote.messages {
        match local.get(id) {
            None => {
                ops.push(Operation::Insert { id: id.clone() });
                ops.push(Operation::FetchBody { id: id.clone() });
            }
            Some(l) if l.pending => {}
            Some(l) => {
                let changed = l.fingerprint != r.fingerprint;
                if changed {
                    ops.push(Operation::Update { id: id.clone() });
                }
                let wanted = placements(l, &r.folders, &remote.complete_folders);
                if wanted != l.folders {
                    ops.push(Operation::Place {
                        id: id.clone(),
                        folders: wanted,
                    });
                }
                if !l.has_body || (changed && r.is_draft) {
                    ops.push(Operation::FetchBody { id: id.clone() });
                }
            }
        }
    }
    for (id, l) in local {
        if l.pending || remote.messages.contains_key(id) {
            continue;
        }
        // Absent from every listing: gone, unless it sits in a folder that failed to list.
        let kept: BTreeSet<String> = l
            .folders
            .iter()
            .filter(|f| !remote.complete_folders.contains(*f))
            .cloned()
            .collect();
        if kept.is_empty() {
            ops.push(Operation::Delete { id: id.clone() });
        } else if kept != l.folders {
            ops.push(Operation::Place {
                id: id.clone(),
                folders: kept,
            });
        }
    }
    ops.sort();
    ops
}

/// The folders a message should be listed in: the remote ones, plus the local ones in folders
/// that failed to list (nothing is known there).
fn placements(
    local: &LocalMessage,
    remote: &BTreeSet<String>,
    complete: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = remote.clone();
    out.extend(
        local
            .folders
            .iter()
            .filter(|f| !complete.contains(*f))
            .cloned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn local(folders: &[&str], fp: i64, has_body: bool, pending: bool) -> LocalMessage {
        LocalMessage {
            folders: set(folders),
            fingerprint: fp,
            has_body,
            pending,
        }
    }

    fn remote(folders: &[&str], fp: i64, is_draft: bool) -> RemoteMessage {
        RemoteMessage {
            folders: set(folders),
            fingerprint: fp,
            is_draft,
        }
    }

    fn id() -> String {
        "m".to_string()
    }

    type Case = (
        &'static str,
        Option<LocalMessage>,
        Option<RemoteMessage>,
        BTreeSet<String>,
        Vec<Operation>,
    );

    /// Every combination of present/absent/changed/moved/pending/body/complete listing.
    #[test]
    fn the_plan_covers_every_case_of_local_and_remote_state() {
        use Operation::*;
        let all = set(&["inbox", "outbox", "draft", "trash", "f1"]);
        let without_f1 = set(&["inbox", "outbox", "draft", "trash"]);
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            ("absent on both sides: nothing", None, None, all.clone(), vec![]),
            ("new on the ENT: insert and fetch its body",
                None, Some(remote(&["inbox"], 1, false)), all.clone(),
                vec![Insert { id: id() }, FetchBody { id: id() }]),
            ("same everywhere: nothing",
                Some(local(&["inbox"], 1, true, false)), Some(remote(&["inbox"], 1, false)), all.clone(), vec![]),
            ("same but body missing: fetch it",
                Some(local(&["inbox"], 1, false, false)), Some(remote(&["inbox"], 1, false)), all.clone(),
                vec![FetchBody { id: id() }]),
            ("read on the web: update, body kept",
                Some(local(&["inbox"], 1, true, false)), Some(remote(&["inbox"], 2, false)), all.clone(),
                vec![Update { id: id() }]),
            ("draft edited elsewhere: update and fetch the new body",
                Some(local(&["draft"], 1, true, false)), Some(remote(&["draft"], 2, true)), all.clone(),
                vec![Update { id: id() }, FetchBody { id: id() }]),
            ("trashed elsewhere: placed in trash",
                Some(local(&["inbox"], 1, true, false)), Some(remote(&["trash"], 1, false)), all.clone(),
                vec![Place { id: id(), folders: set(&["trash"]) }]),
            ("moved to a folder and changed: both",
                Some(local(&["inbox"], 1, true, false)), Some(remote(&["f1"], 2, false)), all.clone(),
                vec![Update { id: id() }, Place { id: id(), folders: set(&["f1"]) }]),
            ("deleted for good elsewhere: delete",
                Some(local(&["trash"], 1, true, false)), None, all.clone(), vec![Delete { id: id() }]),
            ("gone but its folder failed to list: kept",
                Some(local(&["f1"], 1, true, false)), None, without_f1.clone(), vec![]),
            ("gone from inbox, also in a folder that failed: keep only the unknown one",
                Some(local(&["inbox", "f1"], 1, true, false)), None, without_f1.clone(),
                vec![Place { id: id(), folders: set(&["f1"]) }]),
            ("listed in inbox, local also in a failed folder: keep both",
                Some(local(&["inbox", "f1"], 1, true, false)), Some(remote(&["inbox"], 1, false)), without_f1.clone(), vec![]),
            ("pending local action, changed remotely: left alone",
                Some(local(&["trash"], 1, true, true)), Some(remote(&["inbox"], 2, false)), all.clone(), vec![]),
            ("pending local action, absent remotely: left alone",
                Some(local(&["inbox"], 1, true, true)), None, all.clone(), vec![]),
            ("sent to oneself: in inbox and outbox",
                Some(local(&["outbox"], 1, true, false)), Some(remote(&["inbox", "outbox"], 1, false)), all.clone(),
                vec![Place { id: id(), folders: set(&["inbox", "outbox"]) }]),
            ("nothing listed completely, absent: kept",
                Some(local(&["inbox"], 1, true, false)), None, BTreeSet::new(), vec![]),
        ];
        for (name, l, r, complete, expected) in cases {
            let local: BTreeMap<_, _> = l.into_iter().map(|l| (id(), l)).collect();
            let remote = RemoteState {
                complete_folders: complete,
                messages: r.into_iter().map(|r| (id(), r)).collect(),
            };

            let plan = plan(&local, &remote);

            assert_eq!(plan, expected, "case: {name}");
        }
    }
}
