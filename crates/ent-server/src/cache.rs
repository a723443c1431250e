//! A cache of JSON answers of the read-only list and count routes, keyed by user and query.
//! An entry is valid only while no write has committed since it was read
//! ([`crate::db::Db::generation`]): a client polling its counters or its first page costs a
//! hash lookup, and any write (by anyone) makes every entry stale.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

/// Past this many entries the cache starts over: memory stays bounded.
const MAX_ENTRIES: usize = 10_000;

/// Values keyed by user and query, each with the generation it was read at.
struct Generational<V> {
    map: Mutex<HashMap<(String, String), (u64, V)>>,
}

impl<V> Default for Generational<V> {
    fn default() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Generational<V> {
    fn get(&self, user: &str, key: &str, generation: u64) -> Option<V> {
        let map = self.map.lock().ok()?;
        match map.get(&(user.to_owned(), key.to_owned())) {
            Some((g, value)) if *g == generation => Some(value.clone()),
            _ => None,
        }
    }

    fn put(&self, user: &str, key: &str, generation: u64, value: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert((user.to_owned(), key.to_owned()), (generation, value));
        }
    }
}

#[derive(Default)]
pub(crate) struct ResponseCache {
    answers: Generational<Bytes>,
    /// Folder totals (the `count` of every list item, §4.5), keyed by user and condition, with
    /// the generation they were read at (the membership one when the total ignores unread).
    totals: Generational<u64>,
}

impl ResponseCache {
    pub fn get(&self, user: &str, key: &str, generation: u64) -> Option<Bytes> {
        self.answers.get(user, key, generation)
    }

    /// Stores `body`, read at `generation` (taken *before* the read).
    pub fn put(&self, user: &str, key: &str, generation: u64, body: Bytes) {
        self.answers.put(user, key, generation, body);
    }

    /// A folder total read at `generation`, if it is still valid.
    pub fn total(&self, user: &str, key: &str, generation: u64) -> Option<u64> {
        self.totals.get(user, key, generation)
    }

    /// Stores a folder total, read at `generation` (taken *before* the read).
    pub fn put_total(&self, user: &str, key: &str, generation: u64, total: u64) {
        self.totals.put(user, key, generation, total);
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
