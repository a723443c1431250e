//! Helpers for fields a real ENT sometimes sends as `null` instead of leaving them out.

use serde::{Deserialize, Deserializer};

/// Deserialises `null` as `T::default()`: lists and strings a client treats as empty.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
