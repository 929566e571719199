//! portal-local: every function in one process on embedded backends, for `make dev` and the
//! black-box tests.
//!
//! # Layout
//! - [`registry`]: every function, one line each; built once from the embedded backends.
//! - [`routes`]: the route table, read from `template.yaml`, matched as API Gateway does.
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
pub mod registry;
pub mod routes;
pub mod seed;

pub use app::{App, Config, serve};

/// The OpenAPI document of every function, as served at `/api/openapi.json` and checked in at
/// `infra/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    let mut doc = utoipa::openapi::OpenApi::default();
    for part in crate::registry::openapi_parts() {
        doc.merge(part);
    }
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
    shared_answers(&mut doc);
    operation_ids(&mut doc);
    doc
}

/// Every operation's id, unique across the document and stable: its method and path
/// (`get_admin_customers_account_invoices_invoice`). utoipa names an operation after its
/// handler, and several functions have a `get`, a `list` or a `send`; generated clients (the
/// web's types) need one name per operation.
fn operation_ids(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let name = path
            .trim_start_matches("/api/")
            .split('/')
            .map(|s| s.trim_matches(|c| c == '{' || c == '}').replace('-', "_"))
            .collect::<Vec<_>>()
            .join("_");
        for (method, op) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("patch", &mut item.patch),
            ("delete", &mut item.delete),
        ] {
            if let Some(op) = op {
                op.operation_id = Some(format!("{method}_{name}"));
            }
        }
    }
}

/// The answers every route gets from the shared request layer (`portal_http`), declared on
/// each operation they apply to so the document lists all of them without every annotation
/// repeating them: a JSON body can be malformed (400), too large (413) or not JSON (415); a
/// bearer route refuses a missing or expired token (401); a path id names nothing (404); a
/// body that is well formed can still break a rule of the handler's (422). What a route adds
/// (403, 409, 410, 429, 503) stays in its own annotation.
fn shared_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
    let error = |what: &str| -> RefOr<utoipa::openapi::Response> {
        ResponseBuilder::new().description(what).content_ref("application/json", Ref::from_schema_name("ErrorBody")).build().into()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        // Stripe's webhook reads the raw body whatever its type (the signature covers it).
        let raw = path.starts_with("/api/stripe/");
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.patch, &mut item.delete].into_iter().flatten() {
            let mut add = |code: &str, what: &str| {
                op.responses.responses.entry(code.to_string()).or_insert_with(|| error(what));
            };
            let params = op.parameters.as_deref().unwrap_or_default();
            let by_id = params.iter().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Path));
            let queried = params.iter().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let body = op.request_body.is_some();
            if body || queried {
                add("400", "Not what this document says the request looks like; `fields` names each field");
            }
            if body {
                add("413", "The body is larger than this route takes");
                if !raw {
                    add("415", "The body is not `application/json`");
                    add(
                        "422",
                        "Well formed, but against a rule no schema states (fields that go together, what the record or the contractor allows); `fields` names each field",
                    );
                }
            }
            if secured {
                add("401", "No token, or one that is expired, revoked or for another audience");
            }
            if by_id {
                add("404", "Nothing by that id for this session (or the id is malformed)");
            }
        }
    }
}

/// The OpenAPI document as pretty JSON with a trailing newline.
pub fn openapi_json() -> String {
    let mut s = openapi().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    /// Merging the functions' documents keeps one schema per name: two functions with a
    /// struct of the same name and another shape would silently give one of them the wrong
    /// type (and the web the wrong API types).
    #[test]
    fn no_two_functions_give_one_schema_name_two_shapes() {
        let mut seen: std::collections::BTreeMap<String, serde_json::Value> = Default::default();
        for part in crate::registry::openapi_parts() {
            for (name, schema) in part.components.map(|c| c.schemas).unwrap_or_default() {
                let shape = serde_json::to_value(&schema).unwrap_or_default();
                if let Some(before) = seen.insert(name.clone(), shape.clone()) {
                    assert_eq!(before, shape, "two functions name different schemas {name}");
                }
            }
        }
    }
}
