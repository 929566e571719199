//! Repositories: typed reads and writes on the Table port, written once for both backends.
//! Writes that must happen together are returned as [`crate::Write`]s so a handler can put
//! them in one transaction with its audit entry.
pub mod audit;
pub mod auth;
pub mod customers;
pub mod estimates;
pub mod files;
pub mod invoices;
pub mod jobs;
pub mod outbox;
pub mod parties;
pub mod payments;
pub mod requests;
pub mod reviews;
pub mod stats;
pub mod threads;

use crate::table::{Item, Page, Query, StoreError, Table};

/// Reads every page of a query. For partitions known to be small (one customer's records).
pub async fn query_all(table: &dyn Table, mut q: Query) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    loop {
        let Page { items: page, next } = table.query(&q).await?;
        items.extend(page);
        match next {
            Some(c) => q.after = Some(c),
            None => return Ok(items),
        }
    }
}
