//! The registry: every function of the portal, one line each. The local server, the handler
//! tests and the consistency tests (routes, template, OpenAPI, events) read it; each
//! function's `main.rs` runs the same description on Lambda.
use std::collections::BTreeMap;
use std::sync::Arc;

use portal_http::function::{Deps, EventService, HttpService, Kind, Missing, Spec, event, http};

/// Every function, HTTP and event-driven.
pub const FUNCTIONS: &[Spec] = &[
    http::<auth::State>(),
    http::<view_estimate::State>(),
    http::<view_jobs::State>(),
    http::<manage_visit::State>(),
    http::<send_message::State>(),
    http::<rate_us::State>(),
    http::<work_request::State>(),
    http::<approve_estimate::State>(),
    http::<view_invoice::State>(),
    http::<pay::State>(),
    http::<admin_api::State>(),
    http::<media::State>(),
    http::<upload_photo::State>(),
    http::<stripe_webhook::State>(),
    event::<send_notifications::State>(),
    event::<process_upload::State>(),
    event::<inbound_email::State>(),
];

/// The registry's functions, built from one set of dependencies.
pub struct Built {
    http: BTreeMap<&'static str, Arc<dyn HttpService>>,
    events: BTreeMap<&'static str, Arc<dyn EventService>>,
}

impl Built {
    /// Builds every function from `deps` (which must hold every port).
    pub fn new(deps: &Deps) -> Result<Self, Missing> {
        let (mut http, mut events) = (BTreeMap::new(), BTreeMap::new());
        for spec in FUNCTIONS {
            match spec.kind {
                Kind::Http { build, .. } => {
                    http.insert(spec.name, build(deps)?);
                }
                Kind::Event { build } => {
                    events.insert(spec.name, build(deps)?);
                }
            }
        }
        Ok(Self { http, events })
    }

    /// The HTTP function named `name` (a template binary name).
    pub fn http(&self, name: &str) -> Option<&dyn HttpService> {
        self.http.get(name).map(|f| f.as_ref())
    }

    /// The event function named `name`.
    pub fn event(&self, name: &str) -> Option<&dyn EventService> {
        self.events.get(name).map(|f| f.as_ref())
    }
}

/// The names of the functions with routes.
pub fn http_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().filter(|s| matches!(s.kind, Kind::Http { .. })).map(|s| s.name)
}

/// The OpenAPI document of each HTTP function.
pub fn openapi_parts() -> impl Iterator<Item = utoipa::openapi::OpenApi> {
    FUNCTIONS.iter().filter_map(|s| match s.kind {
        Kind::Http { openapi, .. } => Some(openapi()),
        Kind::Event { .. } => None,
    })
}
