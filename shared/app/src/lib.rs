//! portal-app: the use cases. A handler parses its request, calls one use case here, and
//! answers; a use case reads through the store's repositories, applies the domain's rules
//! and writes what must happen together in one transaction. Nothing here knows HTTP or AWS.
//!
//! # Layout
//! - [`act`]: who acts, when and from where ([`Act`]), and the audit entry an act leaves.
//! - [`contractors`]: a contractor set up with its owner; staff invited.
//! - [`customers`]: customers, their contacts and properties; portal invitations.
//! - [`estimates`]: drafts, sending, revising, voiding; the customer's view and decisions; an
//!   approval recorded by the office.
//! - [`files`]: photos and documents: upload slots, the files as pages show them (signed
//!   addresses), the office's changes and deletions.
//! - [`invoices`]: issuing (from an approved estimate, crediting its deposit), sending, voiding.
//! - [`jobs`]: jobs and visits: the office books and moves them, the customer confirms or asks
//!   to move or cancel, the technician sets off, arrives and finishes.
//! - [`messages`]: posting to a thread (one read, one transaction), read markers, the office's
//!   assign, close, reopen and hide.
//! - [`links`]: who a document goes to, and the links and messages that carry it.
//! - [`requests`]: work requests: a customer asks (one read, one transaction); the office
//!   reviews, makes an estimate or a job with a visit from it, or declines it.
//! - [`payments`]: posting what Stripe says exactly once, applying credit, moving a deposit,
//!   recording a payment the office received.
//! - [`notify`]: delivering the outbox (receipts, document links, invitations, sign-in links,
//!   the office's alerts) through the Mailer and Sms ports.
//! - [`stats`]: the adoption figures from their counters; recounting them.
//! - [`mail`]: the branded email every message is written in.
//! - [`error`]: [`Error`] for use cases, [`SendError`] for one message's delivery.
pub mod act;
pub mod contractors;
pub mod customers;
pub mod error;
pub mod estimates;
pub mod files;
pub mod inbound;
pub mod invoices;
pub mod jobs;
pub mod links;
pub mod mail;
pub mod messages;
pub mod notify;
pub mod payments;
pub mod requests;
pub mod reviews;
pub mod stats;

pub use act::Act;
pub use error::{Error, SendError};
