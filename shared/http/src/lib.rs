//! portal-http: the edge every function shares. Requests become typed values here; errors
//! become the one JSON error shape here.
//!
//! # Layout
//! - [`error`]: [`ApiError`], its status codes and the `{"error":{code,message,fields}}` body.
//! - [`request`]: route key, path/query parameters, JSON bodies with size limits, client IP,
//!   user agent, cookies.
//! - [`response`]: JSON responses with security headers.
//! - [`token`]: EdDSA access tokens: signing (auth only), verification (everyone), key files.
//! - [`session`]: the verified customer or staff session a handler acts for.
pub mod error;
pub mod request;
pub mod response;
pub mod session;
pub mod token;

pub use error::ApiError;
pub use lambda_http::{Body, Request, Response};

/// JSON logs for CloudWatch (and local mode). The level comes from `RUST_LOG` (default info).
/// Handlers never log tokens, cookies, bodies or signatures.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).with_current_span(false).with_target(false).try_init();
}

/// Reads a required environment variable (used only in each function's `main`).
pub fn env(name: &str) -> Result<String, lambda_http::Error> {
    std::env::var(name).map_err(|_| format!("environment variable {name} is not set").into())
}
