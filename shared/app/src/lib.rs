//! portal-app: the use cases. A handler parses its request, calls one use case here, and
//! answers; a use case reads through the store's repositories, applies the domain's rules
//! and writes what must happen together in one transaction. Nothing here knows HTTP or AWS.
//!
//! # Layout
//! - [`payments`]: posting what Stripe says exactly once, applying credit, moving a deposit,
//!   recording a payment the office received.
//! - [`notify`]: delivering the outbox (receipts, document links, invitations, sign-in links,
//!   the office's alerts) through the Mailer and Sms ports.
//! - [`mail`]: the branded email every message is written in.
//! - [`error`]: [`Error`] for use cases, [`SendError`] for one message's delivery.
pub mod error;
pub mod mail;
pub mod notify;
pub mod payments;

pub use error::{Error, SendError};
