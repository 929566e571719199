//! portal-domain: the business rules of the Switchboard portal, with no AWS and no HTTP.
//!
//! # Layout
//! - [`ids`]: typed, prefixed, sortable identifiers and the [`ports::Ids`] source of randomness.
//! - [`money`]: currencies, integer minor units and the one rounding rule.
//! - [`party`]: tenants (contractors), accounts, contacts, properties, staff; emails and phones.
//! - [`estimate`]: estimates, their versions, options, totals, the state machine and signatures.
//! - [`file`]: photos and documents: what an upload is for, who sees it, how it is kept.
//! - [`job`]: jobs, their visits and arrival windows, reschedule requests, working hours.
//! - [`message`]: threads between an account's contacts and the staff, and their messages.
//! - [`invoice`]: invoices, payments and the ledger that derives what is paid and owed.
//! - [`payment`]: payment records, what they pay for, one account's money (credit, deposits).
//! - [`outbox`]: the messages a change queues, and their delivery's state machine.
//! - [`payments`]: the contractor's payment rules and the Payments port (Stripe / simulator).
//! - [`audit`]: the append-only record of who did what.
//! - [`adoption`]: the adoption figures, counted as events happen ([`adoption::Tally`]).
//! - [`inbound`]: whether an emailed reply is posted, held for the office (and why), or ignored.
//! - [`reply`]: what of an emailed reply is the reply (quoted original and signatures cut).
//! - [`review`]: ratings of completed jobs, their follow-ups, and the public review links
//!   offered to every rater (no review gating).
//! - [`ports`]: the traits adapters implement (clock, ids, mail).
//! - [`error`]: validation and rule errors shared by everything above.
pub mod adoption;
pub mod audit;
pub mod error;
pub mod estimate;
pub mod file;
pub mod ids;
pub mod inbound;
pub mod invoice;
pub mod job;
pub mod message;
pub mod money;
pub mod outbox;
pub mod party;
pub mod payment;
pub mod payments;
pub mod ports;
pub mod reply;
pub mod request;
pub mod review;
pub mod serde_util;

pub use error::{DomainError, FieldErrors};
/// The time type every record and port uses (re-exported for adapters).
pub use jiff::Timestamp;

/// Hex SHA-256 of some bytes: used for link-token hashes and the signed-version fingerprint.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Escapes text for HTML element content and attribute values (email bodies, local pages).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
