//! A Table decorator that counts round trips: each call is one request to DynamoDB. Budgets in
//! DESIGN.md §9 (dashboard 1, view estimate 1, approve 2) are checked with it.
use std::sync::atomic::{AtomicU64, Ordering};

use portal_store::{Delete, Item, Key, Page, Put, Query, StoreError, Table, Update, Write};

pub struct Counting<T> {
    inner: T,
    calls: AtomicU64,
}

impl<T: Table> Counting<T> {
    pub fn new(inner: T) -> Self {
        Self { inner, calls: AtomicU64::new(0) }
    }
    /// Round trips since the last call (and resets the count).
    pub fn take(&self) -> u64 {
        self.calls.swap(0, Ordering::SeqCst)
    }
    fn tick(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl<T: Table> Table for Counting<T> {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.tick();
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.tick();
        self.inner.get_many(keys).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.tick();
        self.inner.query(query).await
    }
    async fn put(&self, put: Put) -> Result<(), StoreError> {
        self.tick();
        self.inner.put(put).await
    }
    async fn update(&self, update: Update) -> Result<Item, StoreError> {
        self.tick();
        self.inner.update(update).await
    }
    async fn delete(&self, delete: Delete) -> Result<(), StoreError> {
        self.tick();
        self.inner.delete(delete).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.tick();
        self.inner.transact(writes).await
    }
}
