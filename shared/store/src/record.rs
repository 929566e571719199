//! Typed records <-> items. A record is its serde fields plus the key attributes, an item
//! `type` and any GSI keys; readers ignore the extra attributes.
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::table::{Item, Key, StoreError};

/// Builds the item for a record.
pub fn to_item<T: Serialize>(kind: &str, key: &Key, record: &T) -> Result<Item, StoreError> {
    let Value::Object(mut item) = serde_json::to_value(record).map_err(|e| StoreError::Invalid(e.to_string()))? else {
        return Err(StoreError::Invalid(format!("{kind} must serialize to an object")));
    };
    item.insert("pk".into(), Value::String(key.pk.clone()));
    item.insert("sk".into(), Value::String(key.sk.clone()));
    item.insert("type".into(), Value::String(kind.into()));
    Ok(item)
}

/// Adds a GSI key pair (`gsi1pk`/`gsi1sk`, ...) to an item.
pub fn with_index(mut item: Item, index: crate::table::Index, pk: String, sk: String) -> Item {
    let (p, s, _) = index.attrs();
    item.insert(p.into(), Value::String(pk));
    item.insert(s.into(), Value::String(sk));
    item
}

/// Reads a record back from its item.
pub fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("item").to_string();
    serde_json::from_value(Value::Object(item)).map_err(|e| StoreError::Corrupt(format!("{kind}: {e}")))
}

/// The `type` attribute of an item.
pub fn kind(item: &Item) -> &str {
    item.get("type").and_then(Value::as_str).unwrap_or("")
}

/// The optimistic-concurrency counter of a record.
pub fn rev(item: &Item) -> u64 {
    item.get("rev").and_then(Value::as_u64).unwrap_or(0)
}
