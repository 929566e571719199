//! portal-stripe: what the portal needs from Stripe.
//!
//! # Layout
//! - [`webhook`]: verifying (and, for the local payment simulator, making) `Stripe-Signature`
//!   headers.
//!
//! The Payments adapter on `async-stripe` joins this crate with the `pay` function.
pub mod webhook;
