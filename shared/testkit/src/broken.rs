//! A Table whose every call fails as an unreachable backend would: the request that meets it
//! must answer 500 `internal`, say nothing of the cause, and log the whole cause chain.
use portal_store::{Delete, Item, Key, Page, Put, Query, StoreError, Table, Update, Write};

/// The innermost cause every failure carries (tests look for it in the log).
pub const CAUSE: &str = "connection reset by the test";

pub struct Broken;

fn fail<T>() -> Result<T, StoreError> {
    Err(StoreError::unavailable("the table", std::io::Error::new(std::io::ErrorKind::ConnectionReset, CAUSE)))
}

#[async_trait::async_trait]
impl Table for Broken {
    async fn get(&self, _: &Key) -> Result<Option<Item>, StoreError> {
        fail()
    }
    async fn get_many(&self, _: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        fail()
    }
    async fn query(&self, _: &Query) -> Result<Page, StoreError> {
        fail()
    }
    async fn put(&self, _: Put) -> Result<(), StoreError> {
        fail()
    }
    async fn update(&self, _: Update) -> Result<Item, StoreError> {
        fail()
    }
    async fn delete(&self, _: Delete) -> Result<(), StoreError> {
        fail()
    }
    async fn transact(&self, _: Vec<Write>) -> Result<(), StoreError> {
        fail()
    }
}
