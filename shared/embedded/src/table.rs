//! The Table port on redb.
//!
//! Items are JSON bytes under `(pk, sk)`; each GSI is a table of `(gsipk, gsisk, pk, sk)`
//! entries kept in the same write transaction as the item, so an index is never stale. redb
//! has one writer at a time, which makes every transaction serializable; writes run on the
//! blocking pool because a commit waits for the disk.
use std::collections::BTreeMap;
use std::sync::Arc;

use portal_store::table::{check_query, check_transaction};
use portal_store::{Cursor, Delete, Index, Item, Key, Page, Put, Query, SortKey, StoreError, Table, Update, Write};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

pub(crate) const ITEMS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("items");
pub(crate) const GSI1: TableDefinition<(&str, &str, &str, &str), &[u8]> = TableDefinition::new("gsi1");
pub(crate) const GSI2: TableDefinition<(&str, &str, &str, &str), &[u8]> = TableDefinition::new("gsi2");

/// The highest string any sort key can reach (sort keys are compared as UTF-8 bytes).
const TOP: &str = "\u{10FFFF}\u{10FFFF}\u{10FFFF}\u{10FFFF}";

#[derive(Clone)]
pub struct EmbeddedTable {
    db: Arc<redb::Database>,
}

fn unavailable(e: impl Into<redb::Error>) -> StoreError {
    StoreError::unavailable("embedded store", e.into())
}

fn decode(bytes: &[u8]) -> Result<Item, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn encode(item: &Item) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(item).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn gsi_def(index: Index) -> TableDefinition<'static, (&'static str, &'static str, &'static str, &'static str), &'static [u8]> {
    if index == Index::Gsi2 { GSI2 } else { GSI1 }
}

/// The index key of an item, if it has both attributes of that index as strings.
fn index_key(item: &Item, index: Index) -> Option<(String, String)> {
    let (p, s, _) = index.attrs();
    match (item.get(p), item.get(s)) {
        (Some(serde_json::Value::String(p)), Some(serde_json::Value::String(s))) => Some((p.clone(), s.clone())),
        _ => None,
    }
}

/// Lowest and highest sort key a sort condition can match.
fn bounds(sk: &SortKey) -> (String, String) {
    match sk {
        SortKey::All => (String::new(), TOP.into()),
        SortKey::Eq(v) => (v.clone(), v.clone()),
        SortKey::BeginsWith(p) => (p.clone(), format!("{p}{TOP}")),
        SortKey::Between(a, b) => (a.clone(), b.clone()),
        SortKey::Ge(v) => (v.clone(), TOP.into()),
        SortKey::Le(v) => (String::new(), v.clone()),
    }
}

impl EmbeddedTable {
    pub(crate) fn new(db: Arc<redb::Database>) -> Self {
        Self { db }
    }

    fn query_sync(&self, q: &Query) -> Result<Page, StoreError> {
        check_query(q)?;
        let after = q.after.as_ref().map(|c| c.decode_for(q)).transpose()?;
        let txn = self.db.begin_read().map_err(unavailable)?;
        let items = txn.open_table(ITEMS).map_err(unavailable)?;
        let limit = q.limit.map_or(usize::MAX, |l| l as usize);
        let (lo, hi) = bounds(&q.sk);
        let mut out = Vec::new();
        let mut more = false;
        match q.index {
            Index::Primary => {
                let (mut start, mut end) = ((q.pk.as_str(), lo.as_str()), (q.pk.as_str(), hi.as_str()));
                let after_sk = after.as_ref().and_then(|a| a.get("sk").cloned()).unwrap_or_default();
                if after.is_some() {
                    if q.forward { start.1 = after_sk.as_str() } else { end.1 = after_sk.as_str() }
                }
                if start.1 > end.1 {
                    return Ok(Page::default());
                }
                let range = items.range(start..=end).map_err(unavailable)?;
                let iter: Box<dyn Iterator<Item = _>> = if q.forward { Box::new(range) } else { Box::new(range.rev()) };
                for entry in iter {
                    let (k, v) = entry.map_err(unavailable)?;
                    let sk = k.value().1;
                    if after.is_some() && sk == after_sk || !q.sk.matches(sk) {
                        continue;
                    }
                    if out.len() == limit {
                        more = true;
                        break;
                    }
                    out.push(decode(v.value())?);
                }
            }
            gsi => {
                let index = txn.open_table(gsi_def(gsi)).map_err(unavailable)?;
                let (_, s_attr, _) = gsi.attrs();
                let a = |k: &str| after.as_ref().and_then(|m| m.get(k).cloned()).unwrap_or_default();
                let (a_gsk, a_pk, a_sk) = (a(s_attr), a("pk"), a("sk"));
                let mut start = (q.pk.as_str(), lo.as_str(), "", "");
                let mut end = (q.pk.as_str(), hi.as_str(), TOP, TOP);
                if after.is_some() {
                    let at = (q.pk.as_str(), a_gsk.as_str(), a_pk.as_str(), a_sk.as_str());
                    if q.forward { start = at } else { end = at }
                }
                if (start.1, start.2, start.3) > (end.1, end.2, end.3) {
                    return Ok(Page::default());
                }
                let range = index.range(start..=end).map_err(unavailable)?;
                let iter: Box<dyn Iterator<Item = _>> = if q.forward { Box::new(range) } else { Box::new(range.rev()) };
                for entry in iter {
                    let (k, _) = entry.map_err(unavailable)?;
                    let (_, gsk, pk, sk) = k.value();
                    if after.is_some() && (gsk, pk, sk) == (a_gsk.as_str(), a_pk.as_str(), a_sk.as_str()) || !q.sk.matches(gsk) {
                        continue;
                    }
                    if out.len() == limit {
                        more = true;
                        break;
                    }
                    let item =
                        items.get((pk, sk)).map_err(unavailable)?.ok_or_else(|| StoreError::Corrupt("index entry without item".into()))?;
                    out.push(decode(item.value())?);
                }
            }
        }
        let next = if more { out.last().map(|last| cursor_of(last, q.index)) } else { None };
        Ok(Page { items: out, next })
    }

    /// Runs writes in one redb transaction: every condition is checked against the state
    /// before any write, then all are applied, or none.
    fn write_sync(&self, writes: Vec<Write>, single: bool) -> Result<Vec<Item>, StoreError> {
        let txn = self.db.begin_write().map_err(unavailable)?;
        let mut results = Vec::with_capacity(writes.len());
        {
            let mut items = txn.open_table(ITEMS).map_err(unavailable)?;
            let mut before = Vec::with_capacity(writes.len());
            let mut failed = Vec::new();
            for (i, w) in writes.iter().enumerate() {
                let key = w.key()?;
                let existing =
                    items.get((key.pk.as_str(), key.sk.as_str())).map_err(unavailable)?.map(|v| decode(v.value())).transpose()?;
                if w.cond().is_some_and(|c| !c.eval(existing.as_ref())) {
                    failed.push(i);
                }
                before.push((key, existing));
            }
            if !failed.is_empty() {
                return Err(if single { StoreError::ConditionFailed } else { StoreError::TransactionCancelled { failed } });
            }
            let mut gsi1 = txn.open_table(GSI1).map_err(unavailable)?;
            let mut gsi2 = txn.open_table(GSI2).map_err(unavailable)?;
            for (w, (key, existing)) in writes.into_iter().zip(before) {
                let after = match w {
                    Write::Put(p) => Some(p.item),
                    Write::Update(u) => Some(u.apply(existing.clone())?),
                    Write::Delete(_) => None,
                    Write::Check { .. } => continue,
                };
                for (index, table) in [(Index::Gsi1, &mut gsi1), (Index::Gsi2, &mut gsi2)] {
                    if let Some((p, s)) = existing.as_ref().and_then(|e| index_key(e, index)) {
                        table.remove((p.as_str(), s.as_str(), key.pk.as_str(), key.sk.as_str())).map_err(unavailable)?;
                    }
                    if let Some((p, s)) = after.as_ref().and_then(|a| index_key(a, index)) {
                        table.insert((p.as_str(), s.as_str(), key.pk.as_str(), key.sk.as_str()), [].as_slice()).map_err(unavailable)?;
                    }
                }
                match &after {
                    Some(item) => {
                        items.insert((key.pk.as_str(), key.sk.as_str()), encode(item)?.as_slice()).map_err(unavailable)?;
                    }
                    None => {
                        items.remove((key.pk.as_str(), key.sk.as_str())).map_err(unavailable)?;
                    }
                }
                results.push(after.unwrap_or_default());
            }
        }
        txn.commit().map_err(unavailable)?;
        Ok(results)
    }

    async fn write(&self, writes: Vec<Write>, single: bool) -> Result<Vec<Item>, StoreError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.write_sync(writes, single))
            .await
            .map_err(|e| StoreError::unavailable("embedded store writer", e))?
    }
}

fn cursor_of(item: &Item, index: Index) -> Cursor {
    let mut key = BTreeMap::new();
    let mut attrs = vec!["pk", "sk"];
    if index != Index::Primary {
        let (p, s, _) = index.attrs();
        attrs.extend([p, s]);
    }
    for a in attrs {
        if let Some(serde_json::Value::String(v)) = item.get(a) {
            key.insert(a.to_string(), v.clone());
        }
    }
    Cursor::encode(&key)
}

#[async_trait::async_trait]
impl Table for EmbeddedTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let txn = self.db.begin_read().map_err(unavailable)?;
        let items = txn.open_table(ITEMS).map_err(unavailable)?;
        items.get((key.pk.as_str(), key.sk.as_str())).map_err(unavailable)?.map(|v| decode(v.value())).transpose()
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        portal_store::table::check_get_many(keys)?;
        // One read transaction: every item as of one moment.
        let txn = self.db.begin_read().map_err(unavailable)?;
        let items = txn.open_table(ITEMS).map_err(unavailable)?;
        keys.iter()
            .map(|key| items.get((key.pk.as_str(), key.sk.as_str())).map_err(unavailable)?.map(|v| decode(v.value())).transpose())
            .collect()
    }

    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.query_sync(query)
    }

    async fn put(&self, put: Put) -> Result<(), StoreError> {
        Key::of(&put.item)?;
        self.write(vec![Write::Put(put)], true).await.map(|_| ())
    }

    async fn update(&self, update: Update) -> Result<Item, StoreError> {
        check_transaction(std::slice::from_ref(&Write::Update(update.clone())))?;
        let mut r = self.write(vec![Write::Update(update)], true).await?;
        r.pop().ok_or_else(|| StoreError::Corrupt("update returned nothing".into()))
    }

    async fn delete(&self, delete: Delete) -> Result<(), StoreError> {
        self.write(vec![Write::Delete(delete)], true).await.map(|_| ())
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        check_transaction(&writes)?;
        self.write(writes, false).await.map(|_| ())
    }
}
