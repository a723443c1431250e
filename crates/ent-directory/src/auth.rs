//! Password hashing and constant-time comparisons.
//!
//! Passwords are hashed with argon2id at load. A school file holds plaintext passwords anyway
//! (or `password_hash` PHC strings), so the hash only keeps them out of memory dumps and
//! logs; light parameters keep loading 2,000 users fast, and each distinct plaintext is
//! hashed once per load (users sharing a password share a salt within that load).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use password_hash::rand_core::OsRng;

/// 1 MiB, one pass: about a millisecond optimised. Enough for a demo/test ENT; a production
/// deployment would raise it (OWASP suggests 19 MiB, 2 passes).
const MEMORY_KIB: u32 = 1024;
const PASSES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// PHC string of `password`, with a fresh random salt.
pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash password: {e}"))
}

/// True when `phc` is a hash string argon2 can verify.
pub(crate) fn is_valid_phc(phc: &str) -> bool {
    PasswordHash::new(phc).is_ok()
}

/// Checks `password` against a PHC string; the comparison inside is constant-time.
pub(crate) fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Byte comparison whose time depends only on the lengths, not on where bytes differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_another_does_not() {
        let phc = hash_password("demo").expect("hash");
        assert!(verify("demo", &phc));
        assert!(!verify("demo2", &phc));
        assert!(!verify("demo", "not a phc string"));
    }

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
