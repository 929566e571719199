//! portal-store: the Table port (a narrow mirror of the DynamoDB operations we use), the key
//! scheme of the single table, and repositories written once on the port (the
//! contract suite every Table implementation must pass is in `portal-testkit`).
//!
//! # Layout
//! - [`table`]: items, conditions, writes, queries, pages, [`Table`] and [`StoreError`].
//! - [`keys`]: every partition and sort key, in one place (documented in `infra/table-design.md`).
//! - [`record`]: typed records <-> items.
//! - [`repo`]: tenants, parties, estimates, invoices, payments, one customer's partition, the
//!   outbox, audit, sign-in links, sessions, rate limits. Reads and single writes; what must be
//!   written together is returned as [`Write`]s for the caller's transaction. No repository
//!   orchestrates another (the use cases are `portal-app`'s).
pub mod keys;
pub mod record;
pub mod repo;
pub mod table;

pub use table::{Cond, Cursor, Delete, Index, Item, Key, Page, Put, Query, SortKey, StoreError, Table, Update, Write};
