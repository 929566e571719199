//! portal-store: the Table port (a narrow mirror of the DynamoDB operations we use), the key
//! scheme of the single table, and repositories written once on the port (the
//! contract suite every Table implementation must pass is in `portal-testkit`).
//!
//! # Layout
//! - [`table`]: items, conditions, writes, queries, pages, [`Table`] and [`StoreError`].
//! - [`keys`]: every partition and sort key, in one place (documented in `infra/table-design.md`).
//! - [`record`]: typed records <-> items.
//! - [`repo`]: tenants, parties, estimates, invoices, payments, the outbox, audit, sign-in links,
//!   sessions, rate limits.
pub mod keys;
pub mod record;
pub mod repo;
pub mod table;

pub use table::{Cond, Cursor, Delete, Index, Item, Key, Page, Put, Query, SortKey, StoreError, Table, Update, Write};
