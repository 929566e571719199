//! The Blobs contract on files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};

use portal_embedded::files::FileBlobs;

fn blobs() -> Arc<FileBlobs> {
    // One folder for the whole run; every case writes under its own prefix.
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    Arc::new(FileBlobs::new(dir.path(), "http://localhost:3000", [1; 32], Arc::new(portal_domain::ports::SystemClock)))
}

portal_testkit::blob_contract_tests!(blobs());
