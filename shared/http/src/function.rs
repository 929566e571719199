//! The one function skeleton. A function is described once: its name, its routes with their
//! handlers ([`http_function!`]) or its event handler ([`EventFunction`]), and how its state is
//! built from the shared dependencies ([`Deps`]). Its `main.rs` reads its environment into a
//! [`Deps`] and calls [`run_http`] or [`run_event`]; the local server and the handler tests
//! build every function of the registry (`portal_local::registry`) from one [`Deps`] with the
//! embedded backends, through the same description.
//!
//! Each request becomes a [`Call`]: the clock, the origin and the route are read once, before
//! any handler runs; a handler reads its session from the call once.
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use jiff::Timestamp;
use lambda_http::{Body, Request, Response};
use portal_domain::audit::Origin;
use portal_domain::payments::Payments;
use portal_domain::ports::{Blobs, Clock, Ids, Mailer, RandomIds, SecretSource, Sms, SystemClock};
use portal_store::Table;

use crate::error::ApiError;
use crate::session::{CustomerSession, StaffSession};
use crate::token::Verifier;

/// What every function's state is built from. `main.rs` fills what its function reads from
/// the environment and nothing else; local mode and the tests fill everything.
#[derive(Clone)]
pub struct Deps {
    pub table: Arc<dyn Table>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    /// Verifies access tokens (the public keys of the auth function).
    pub verifier: Option<Verifier>,
    /// The key file the auth function signs tokens with.
    pub signing_key: Option<Arc<dyn SecretSource>>,
    /// The Stripe webhook's signing secrets.
    pub webhook_secrets: Option<Arc<dyn SecretSource>>,
    pub payments: Option<Arc<dyn Payments>>,
    pub blobs: Option<Arc<dyn Blobs>>,
    pub mailer: Option<Arc<dyn Mailer>>,
    pub sms: Option<Arc<dyn Sms>>,
}

/// A dependency a function needs that its `main.rs` (or the local server) did not give.
#[derive(Debug, thiserror::Error)]
#[error("{function} needs {what}")]
pub struct Missing {
    pub function: &'static str,
    pub what: &'static str,
}

impl Deps {
    /// A table with the system clock and random ids; the rest is added with the `with_` methods.
    pub fn new(table: Arc<dyn Table>) -> Self {
        Self {
            table,
            clock: Arc::new(SystemClock),
            ids: Arc::new(RandomIds),
            verifier: None,
            signing_key: None,
            webhook_secrets: None,
            payments: None,
            blobs: None,
            mailer: None,
            sms: None,
        }
    }
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    pub fn with_ids(mut self, ids: Arc<dyn Ids>) -> Self {
        self.ids = ids;
        self
    }
    pub fn with_verifier(mut self, v: Verifier) -> Self {
        self.verifier = Some(v);
        self
    }
    pub fn with_signing_key(mut self, s: Arc<dyn SecretSource>) -> Self {
        self.signing_key = Some(s);
        self
    }
    pub fn with_webhook_secrets(mut self, s: Arc<dyn SecretSource>) -> Self {
        self.webhook_secrets = Some(s);
        self
    }
    pub fn with_payments(mut self, p: Arc<dyn Payments>) -> Self {
        self.payments = Some(p);
        self
    }
    pub fn with_blobs(mut self, b: Arc<dyn Blobs>) -> Self {
        self.blobs = Some(b);
        self
    }
    pub fn with_mailer(mut self, m: Arc<dyn Mailer>) -> Self {
        self.mailer = Some(m);
        self
    }
    pub fn with_sms(mut self, s: Arc<dyn Sms>) -> Self {
        self.sms = Some(s);
        self
    }

    /// A dependency the function `function` cannot run without.
    pub fn need<T: Clone>(function: &'static str, what: &'static str, dep: &Option<T>) -> Result<T, Missing> {
        dep.clone().ok_or(Missing { function, what })
    }
}

/// The state most functions run on: the table, the clock, ids and the token verifier. A
/// function's `State` wraps it (and derefs to it) and adds its own ports.
pub struct Base {
    pub table: Arc<dyn Table>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub verifier: Verifier,
}

impl Base {
    pub fn new(function: &'static str, deps: &Deps) -> Result<Self, Missing> {
        Ok(Self {
            table: deps.table.clone(),
            clock: deps.clock.clone(),
            ids: deps.ids.clone(),
            verifier: Deps::need(function, "the token verifier (AUTH_PUBLIC_KEYS)", &deps.verifier)?,
        })
    }
}

/// One request, as every handler sees it: the API Gateway request (through `Deref`), with
/// the time, the origin and the route read once.
pub struct Call {
    req: Request,
    /// The time of this request: every rule and record of the request uses this one.
    pub now: Timestamp,
    /// Where the request came from (address and user agent), for audit entries.
    pub origin: Origin,
    route: Option<String>,
}

impl Call {
    pub fn new(req: Request, now: Timestamp) -> Self {
        let route = crate::request::route_key(&req);
        let origin = crate::request::origin(&req);
        Self { req, now, origin, route }
    }

    /// `METHOD /path/{param}` as API Gateway matched it.
    pub fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    /// The customer session of the bearer token.
    pub fn customer(&self, verifier: &Verifier) -> Result<CustomerSession, ApiError> {
        CustomerSession::from_request(&self.req, verifier, self.now)
    }

    /// The staff session of the bearer token.
    pub fn staff(&self, verifier: &Verifier) -> Result<StaffSession, ApiError> {
        StaffSession::from_request(&self.req, verifier, self.now)
    }

    /// This request as a use case's act: `actor` of the verified session's `tenant`, now,
    /// from this request's origin.
    pub fn act<'a>(
        &self,
        table: &'a dyn portal_store::Table,
        ids: &'a dyn portal_domain::ports::Ids,
        tenant: &portal_domain::ids::TenantId,
        actor: portal_domain::audit::Actor,
    ) -> portal_app::Act<'a> {
        portal_app::Act { table, ids, tenant: tenant.clone(), actor, origin: self.origin.clone(), now: self.now }
    }
}

impl Deref for Call {
    type Target = Request;
    fn deref(&self) -> &Request {
        &self.req
    }
}

/// A function behind API Gateway. Written by [`http_function!`] from the route table; only
/// `build` is the function's own code.
pub trait HttpFunction: Sized + Send + Sync + 'static {
    /// The binary name (`BuildProperties.Binary` in `template.yaml`).
    const NAME: &'static str;
    /// Every route it answers, as `template.yaml` declares them.
    const ROUTES: &'static [&'static str];
    fn build(deps: &Deps) -> Result<Self, Missing>;
    /// The OpenAPI paths and schemas of its routes.
    fn openapi() -> utoipa::openapi::OpenApi;
    /// Dispatches to the handler of the call's route.
    fn route(&self, call: &Call) -> impl Future<Output = Result<Response<Body>, ApiError>> + Send;

    /// Answers one request: a handler's answer, or its error as the one JSON error shape.
    fn handle(&self, req: Request, now: Timestamp) -> impl Future<Output = Response<Body>> + Send {
        async move {
            let call = Call::new(req, now);
            self.route(&call).await.unwrap_or_else(ApiError::into_response)
        }
    }
}

/// A function started by an event (a stream, a schedule, a bucket): JSON in, JSON out.
pub trait EventFunction: Sized + Send + Sync + 'static {
    const NAME: &'static str;
    fn build(deps: &Deps) -> Result<Self, Missing>;
    /// An error makes Lambda retry the event.
    fn event(
        &self,
        payload: serde_json::Value,
        now: Timestamp,
    ) -> impl Future<Output = Result<serde_json::Value, lambda_http::Error>> + Send;
}

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A built HTTP function, whatever its state type (for the registry).
pub trait HttpService: Send + Sync {
    fn call(&self, req: Request) -> Boxed<'_, Response<Body>>;
}

/// A built event function, whatever its state type (for the registry).
pub trait EventService: Send + Sync {
    fn call(&self, payload: serde_json::Value) -> Boxed<'_, Result<serde_json::Value, lambda_http::Error>>;
}

struct Served<F> {
    function: F,
    clock: Arc<dyn Clock>,
}

impl<F: HttpFunction> HttpService for Served<F> {
    fn call(&self, req: Request) -> Boxed<'_, Response<Body>> {
        Box::pin(self.function.handle(req, self.clock.now()))
    }
}

impl<F: EventFunction> EventService for Served<F> {
    fn call(&self, payload: serde_json::Value) -> Boxed<'_, Result<serde_json::Value, lambda_http::Error>> {
        Box::pin(self.function.event(payload, self.clock.now()))
    }
}

/// How a function of the registry is started.
#[derive(Clone, Copy)]
pub enum Kind {
    Http {
        routes: &'static [&'static str],
        build: fn(&Deps) -> Result<Arc<dyn HttpService>, Missing>,
        openapi: fn() -> utoipa::openapi::OpenApi,
    },
    Event {
        build: fn(&Deps) -> Result<Arc<dyn EventService>, Missing>,
    },
}

/// One line of the registry: a function as the local server and the tests run it.
#[derive(Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub kind: Kind,
}

impl Spec {
    /// The routes it answers (none for an event function).
    pub fn routes(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Http { routes, .. } => routes,
            Kind::Event { .. } => &[],
        }
    }
}

fn build_http<F: HttpFunction>(deps: &Deps) -> Result<Arc<dyn HttpService>, Missing> {
    Ok(Arc::new(Served { function: F::build(deps)?, clock: deps.clock.clone() }))
}

fn build_event<F: EventFunction>(deps: &Deps) -> Result<Arc<dyn EventService>, Missing> {
    Ok(Arc::new(Served { function: F::build(deps)?, clock: deps.clock.clone() }))
}

/// The registry line of an HTTP function.
pub const fn http<F: HttpFunction>() -> Spec {
    Spec { name: F::NAME, kind: Kind::Http { routes: F::ROUTES, build: build_http::<F>, openapi: F::openapi } }
}

/// The registry line of an event function.
pub const fn event<F: EventFunction>() -> Spec {
    Spec { name: F::NAME, kind: Kind::Event { build: build_event::<F> } }
}

/// Runs an HTTP function on Lambda until the runtime stops it.
pub async fn run_http<F: HttpFunction>(deps: Deps) -> Result<(), lambda_http::Error> {
    let function = Arc::new(F::build(&deps)?);
    let clock = deps.clock.clone();
    lambda_http::run(lambda_http::service_fn(move |req| {
        let (function, now) = (function.clone(), clock.now());
        async move { Ok::<_, lambda_http::Error>(function.handle(req, now).await) }
    }))
    .await
}

/// Runs an event function on Lambda until the runtime stops it.
pub async fn run_event<F: EventFunction>(deps: Deps) -> Result<(), lambda_http::Error> {
    let function = Arc::new(F::build(&deps)?);
    let clock = deps.clock.clone();
    lambda_http::lambda_runtime::run(lambda_http::service_fn(move |event: lambda_http::lambda_runtime::LambdaEvent<serde_json::Value>| {
        let (function, now) = (function.clone(), clock.now());
        async move { function.event(event.payload, now).await }
    }))
    .await
}

/// Describes an HTTP function: its name, the state it runs on, how that state is built, its
/// OpenAPI document and its route table (the `template.yaml` route key of each handler).
/// Writes the function's `ROUTES` and its [`HttpFunction`] implementation; every handler is
/// `async fn(&State, &Call) -> Result<Response<Body>, ApiError>`.
#[macro_export]
macro_rules! http_function {
    // The usual form: the state is `State`, built by `State::build`, documented by `Api`.
    (name: $name:literal, routes: { $($key:literal => $handler:expr),* $(,)? } $(,)?) => {
        $crate::http_function! { name: $name, state: State, build: State::build, openapi: Api, routes: { $($key => $handler),* } }
    };
    (
        name: $name:literal,
        state: $state:ty,
        build: $build:expr,
        openapi: $api:ty,
        routes: { $($key:literal => $handler:expr),* $(,)? } $(,)?
    ) => {
        /// Every route this function answers, as `template.yaml` declares them.
        pub const ROUTES: &[&str] = &[$($key),*];

        impl $crate::function::HttpFunction for $state {
            const NAME: &'static str = $name;
            const ROUTES: &'static [&'static str] = ROUTES;
            fn build(deps: &$crate::function::Deps) -> ::std::result::Result<Self, $crate::function::Missing> {
                ($build)(deps)
            }
            fn openapi() -> $crate::utoipa::openapi::OpenApi {
                <$api as $crate::utoipa::OpenApi>::openapi()
            }
            async fn route(
                &self,
                call: &$crate::function::Call,
            ) -> ::std::result::Result<$crate::Response<$crate::Body>, $crate::ApiError> {
                match call.route() {
                    $(Some($key) => $handler(self, call).await,)*
                    _ => Err($crate::ApiError::NotFound("route")),
                }
            }
        }
    };
}

/// The `State` of a function that runs on [`Base`] plus the named ports of [`Deps`]: the
/// struct, its `build` (each port required, named in the error when missing) and its `Deref`
/// to [`Base`].
///
/// `portal_http::base_state!("pay", payments: Arc<dyn Payments> = payments, "the Payments port");`
#[macro_export]
macro_rules! base_state {
    ($name:literal $(, $field:ident: $ty:ty = $dep:ident, $what:literal)* $(,)?) => {
        /// The table, clock, ids and token verifier ([`Base`](portal_http::function::Base)),
        /// and this function's own ports.
        pub struct State {
            base: $crate::function::Base,
            $(pub $field: $ty,)*
        }

        impl State {
            pub fn build(deps: &$crate::function::Deps) -> ::std::result::Result<Self, $crate::function::Missing> {
                Ok(Self {
                    base: $crate::function::Base::new($name, deps)?,
                    $($field: $crate::function::Deps::need($name, $what, &deps.$dep)?,)*
                })
            }
        }

        impl ::std::ops::Deref for State {
            type Target = $crate::function::Base;
            fn deref(&self) -> &$crate::function::Base {
                &self.base
            }
        }
    };
}
