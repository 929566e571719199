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

use portal_domain::ids::TenantId;

use crate::table::{Item, Page, Query, StoreError, Table};

/// One more hit in a fixed window of `window_seconds` (the window `at` falls in), refused
/// (the update's condition fails) once `limit` were counted; the counter expires two windows
/// later. The one way every limit (sign-in links, uploads, messages, replies, the public
/// request form) counts.
pub fn rate_count(t: &TenantId, kind: &str, subject: &str, at: jiff::Timestamp, window_seconds: i64, limit: i64) -> crate::table::Update {
    use crate::table::{Cond, Update};
    let window = at.as_second().div_euclid(window_seconds);
    Update::new(crate::keys::rate(t, kind, subject, window))
        .add("count", 1)
        .set("ttl", (window + 2) * window_seconds)
        .when(Cond::Or(vec![Cond::absent(), Cond::Lt("count".into(), limit.into())]))
}

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
