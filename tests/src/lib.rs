//! portal-tests: black-box tests of the HTTP API (the local server on port 0) and of the
//! Lambda binaries (through a Runtime API emulator), plus `make bench`.
//!
//! # Layout
//! - [`http`]: a small HTTP client for tests and benchmarks.
//! - [`server`]: starts the local server with in-memory stores and the demo data.
//! - [`emulator`]: the Lambda Runtime API, enough to boot a function binary and invoke it.
//! - [`events`]: loads `events/<function>/<case>.json`.
//! - [`harness`]: the registry on the embedded store with the demo, for handler tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod emulator;
pub mod events;
pub mod harness;
pub mod http;
pub mod lambda;
pub mod server;

/// The repository root.
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
