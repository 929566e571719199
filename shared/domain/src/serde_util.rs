//! Serde helpers shared by request bodies.

/// Tells an absent field (`None`) from a `null` (`Some(None)`): use with
/// `#[serde(default, with = "portal_domain::serde_util::double_option")]`.
pub mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
