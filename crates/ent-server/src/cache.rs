//! A cache of JSON answers of the read-only list and count routes, keyed by user and query.
//! An entry is valid only while no write has committed since it was read
//! ([`crate::db::Db::generation`]): a client polling its counters or its first page costs a
//! hash lookup, and any write (by anyone) makes every entry stale.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

/// Past this many entries the cache starts over: memory stays bounded.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub(crate) struct ResponseCache {
    map: Mutex<HashMap<(String, String), (u64, Bytes)>>,
    /// Folder totals (the `count` of every list item, §4.5), keyed by user and condition, with
    /// the generation they were read at (the membership one when the total ignores unread).
    totals: Mutex<HashMap<(String, String), (u64, u64)>>,
}

impl ResponseCache {
    pub fn get(&self, user: &str, key: &str, generation: u64) -> Option<Bytes> {
        let map = self.map.lock().ok()?;
        match map.get(&(user.to_owned(), key.to_owned())) {
            Some((g, body)) if *g == generation => Some(body.clone()),
            _ => None,
        }
    }

    /// Stores `body`, read at `generation` (taken *before* the read).
    pub fn put(&self, user: &str, key: &str, generation: u64, body: Bytes) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert((user.to_owned(), key.to_owned()), (generation, body));
        }
    }
}

impl ResponseCache {
    /// A folder total read at `generation`, if it is still valid.
    pub fn total(&self, user: &str, key: &str, generation: u64) -> Option<u64> {
        let map = self.totals.lock().ok()?;
        match map.get(&(user.to_owned(), key.to_owned())) {
            Some((g, total)) if *g == generation => Some(*total),
            _ => None,
        }
    }

    /// Stores a folder total, read at `generation` (taken *before* the read).
    pub fn put_total(&self, user: &str, key: &str, generation: u64, total: u64) {
        if let Ok(mut map) = self.totals.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert((user.to_owned(), key.to_owned()), (generation, total));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_only_at_the_generation_it_was_read() {
        let cache = ResponseCache::default();
        cache.put("u", "/count", 3, Bytes::from_static(b"{}"));
        assert!(cache.get("u", "/count", 3).is_some());
        assert!(cache.get("u", "/count", 4).is_none());
        assert!(cache.get("v", "/count", 3).is_none());
    }
}
