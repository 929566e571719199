//! The Table contract on the embedded backend: a file-backed store, as `make dev` uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use portal_store::Table;

async fn table() -> Arc<dyn Table> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = portal_embedded::Store::open(&dir.path().join("t.redb")).expect("open store");
    // The directory must outlive the test; leaking one temp dir per test is fine.
    std::mem::forget(dir);
    Arc::new(store.table())
}

portal_testkit::table_contract_tests!(table());
