//! portal-stripe: what the portal needs from Stripe.
//!
//! # Layout
//! - [`webhook`]: verifying (and, for the local payment simulator, making) `Stripe-Signature`
//!   headers.
//! - [`payments`]: the Payments port on Stripe Checkout (`async-stripe`, rustls).
pub mod payments;
pub mod webhook;
