//! A Table decorator whose transactions can be made to fail: the `n`-th transaction (from 1)
//! fails with what `fail(n)` answers, every other call goes through. For a function that
//! stops half way, and for transactions another one gets in the way of.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use portal_store::table::{Delete, Item, Key, Page, Put, Query, StoreError, Table, Update, Write};

type Fail = Box<dyn Fn(usize) -> Option<StoreError> + Send + Sync>;

pub struct Interfering {
    inner: Arc<dyn Table>,
    fail: Fail,
    transactions: AtomicUsize,
}

impl Interfering {
    pub fn new(inner: Arc<dyn Table>, fail: impl Fn(usize) -> Option<StoreError> + Send + Sync + 'static) -> Self {
        Self { inner, fail: Box::new(fail), transactions: AtomicUsize::new(0) }
    }

    /// Transactions tried so far, failed ones included.
    pub fn transactions(&self) -> usize {
        self.transactions.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl Table for Interfering {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.inner.get_many(keys).await
    }
    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        self.inner.query(q).await
    }
    async fn put(&self, put: Put) -> Result<(), StoreError> {
        self.inner.put(put).await
    }
    async fn update(&self, u: Update) -> Result<Item, StoreError> {
        self.inner.update(u).await
    }
    async fn delete(&self, d: Delete) -> Result<(), StoreError> {
        self.inner.delete(d).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let n = self.transactions.fetch_add(1, Ordering::SeqCst) + 1;
        match (self.fail)(n) {
            Some(e) => Err(e),
            None => self.inner.transact(writes).await,
        }
    }
}
