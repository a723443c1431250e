//! Stable identifiers: the server stores message rows that reference user and group ids, so the
//! same description must give the same ids on every load.

use sha2::{Digest, Sha256};

/// A UUID-shaped id (version 8, "custom", RFC 9562) hashed from a kind tag and name parts.
/// Parts are separated by NUL so `("a b", "c")` and `("a", "b c")` differ.
pub(crate) fn stable_id(kind: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"ent-directory/v1\0");
    hasher.update(kind.as_bytes());
    for part in parts {
        hasher.update([0u8]);
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_parts_give_the_same_uuid_shaped_id() {
        let a = stable_id("user", &["marie.durand"]);
        assert_eq!(a, stable_id("user", &["marie.durand"]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
    }

    #[test]
    fn part_boundaries_change_the_id() {
        assert_ne!(stable_id("g", &["a b", "c"]), stable_id("g", &["a", "b c"]));
    }
}
