//! portal-http: the edge every function shares. Requests become typed values here; errors
//! become the one JSON error shape here.
//!
//! # Layout
//! - [`function`]: the one function skeleton: [`function::Deps`], [`Call`], [`http_function!`],
//!   the registry's [`function::Spec`] and the Lambda runners.
//! - [`error`]: [`ApiError`], its status codes and the `{"error":{code,message,fields}}` body.
//! - [`request`]: route key, path/query parameters, JSON bodies with size limits, client IP,
//!   user agent, cookies.
//! - [`response`]: JSON responses with security headers.
//! - [`token`]: EdDSA access tokens: signing (auth only), verification (everyone), key files.
//! - [`session`]: the verified customer or staff session a handler acts for.
pub mod error;
pub mod function;
pub mod objects;
pub mod request;
pub mod response;
pub mod session;
pub mod token;

pub use error::ApiError;
pub use function::Call;
pub use lambda_http::{Body, Request, Response};
/// For [`http_function!`]: the OpenAPI document of each function.
pub use utoipa;

/// JSON logs for CloudWatch (and local mode). Levels come from `RUST_LOG` (`info`, or per
/// target: `warn,auth=debug`; default info). Handlers never log tokens, cookies, bodies or
/// signatures.
///
/// `Targets` rather than `EnvFilter`: the same directives without span and field matching,
/// and without the regex engine EnvFilter compiles them with (about 0.3 MB of every binary
/// and work at every cold start).
pub fn init_tracing() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let targets = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let _ = tracing_subscriber::fmt().json().with_current_span(false).with_target(false).finish().with(targets).try_init();
}

/// Reads a required environment variable (used only in each function's `main`).
pub fn env(name: &str) -> Result<String, lambda_http::Error> {
    std::env::var(name).map_err(|_| format!("environment variable {name} is not set").into())
}
