//! portal-local: every function in one process on embedded backends, for `make dev` and the
//! black-box tests.
//!
//! # Layout
//! - [`routes`]: the route table, read from `template.yaml`.
//! - [`convert`]: local requests -> the API Gateway v2 events Lambda would get.
//! - [`app`]: the server: dispatch to the functions' handlers, dev pages, OpenAPI.
//! - [`dev`]: the local mailbox pages and the index page.
//! - [`checkout`]: the payment simulator's checkout page.
//! - [`blobs`]: signed uploads to the file blob store, and `/media/...`.
//! - [`seed`]: the demo contractor, Bright Spark Electric.
//! - [`keys`]: the local signing key file.
pub mod app;
pub mod blobs;
pub mod checkout;
pub mod convert;
pub mod dev;
pub mod keys;
pub mod provision;
pub mod routes;
pub mod seed;

pub use app::{App, Config, serve};

/// The OpenAPI document of every function, as served at `/api/openapi.json` and checked in at
/// `infra/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    let mut doc = auth::Api::openapi();
    doc.merge(view_estimate::Api::openapi());
    doc.merge(approve_estimate::Api::openapi());
    doc.merge(view_invoice::Api::openapi());
    doc.merge(pay::Api::openapi());
    doc.merge(admin_api::Api::openapi());
    doc.merge(media::Api::openapi());
    doc.merge(stripe_webhook::Api::openapi());
    doc.info = utoipa::openapi::InfoBuilder::new()
        .title("Switchboard customer portal API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some("The HTTP API behind the Switchboard portal. Every route is one Lambda function's; see template.yaml."))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    doc
}

/// The OpenAPI document as pretty JSON with a trailing newline.
pub fn openapi_json() -> String {
    let mut s = openapi().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}
