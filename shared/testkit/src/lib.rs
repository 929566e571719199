//! portal-testkit: what tests share and Lambdas never ship. Every crate takes it as a
//! dev-dependency only (a test in `tests/` checks no function links it).
//!
//! # Layout
//! - [`table_contract`]: the behaviour every `Table` backend is held to ([`table_contract_tests!`]).
//! - [`blob_contract`]: the same for `Blobs` ([`blob_contract_tests!`]).
//! - [`counting`]: a Table decorator that counts round trips, for budgets and benchmarks.
//! - [`broken`]: a Table that fails every call, for the 500 path.
//! - [`interfering`]: a Table whose chosen transactions fail (stopped half way, conflicts).
//! - [`moto`]: moto's server for the AWS adapters' tests.
//! - [`photos`]: files made by the tests: photos with EXIF and GPS, bombs, polyglots, SVG, PDF.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod blob_contract;
pub mod broken;
pub mod counting;
pub mod interfering;
pub mod moto;
pub mod photos;
pub mod table_contract;

/// A namespace no other test uses (table names, partitions, prefixes).
pub fn ns() -> String {
    use portal_domain::ports::Ids;
    portal_domain::ports::RandomIds.id("ns")
}
