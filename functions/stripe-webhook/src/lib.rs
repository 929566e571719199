//! stripe-webhook: Stripe tells the portal what happened to a payment; the portal posts it to
//! the ledger exactly once.
//!
//! The contractor registers `…/api/stripe/webhook/{tenant}` in their Stripe dashboard. A
//! request is accepted only with a valid `Stripe-Signature` (v1, 300 s tolerance, any of the
//! configured secrets during a rotation); anything else is a 400 that changes nothing. An
//! accepted event is answered 200 whatever it meant for us (Stripe stops retrying), including
//! events for documents we do not know; only a storage failure is a 500, so Stripe retries.
//!
//! # Layout
//! - `lib.rs`: routes, state, the request.
//! - [`event`]: what each handled event type states about a payment.
pub mod event;

use std::sync::Arc;

use lambda_http::{Body, Response};
use portal_app::payments::{Details, Posted};
use portal_domain::ids::TenantId;
use portal_domain::payment::{Document, PaymentRef};
use portal_domain::ports::{Clock, Ids, SecretSource};
use portal_http::Call;
use portal_http::request::path;
use portal_http::{ApiError, response};
use portal_store::Table;
use portal_store::repo::payments;
use portal_stripe::webhook::{SignatureError, verify};

/// Stripe sends events well under this size.
const MAX_EVENT: usize = 512 * 1024;

pub struct State {
    pub table: Arc<dyn Table>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    /// The endpoint's signing secrets (`whsec_…`), separated by commas or whitespace: more than
    /// one while a secret is being rotated.
    pub secrets: Arc<dyn SecretSource>,
}

impl State {
    pub fn build(deps: &portal_http::function::Deps) -> Result<Self, portal_http::function::Missing> {
        let secrets =
            portal_http::function::Deps::need("stripe-webhook", "the webhook secret (STRIPE_WEBHOOK_SECRET)", &deps.webhook_secrets)?;
        Ok(Self { table: deps.table.clone(), clock: deps.clock.clone(), ids: deps.ids.clone(), secrets })
    }
}

portal_http::http_function! {
    name: "stripe-webhook",
    routes: {
        "POST /api/stripe/webhook/{tenant}" => receive,
    },
}

/// The answer to an accepted event.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Received {
    pub received: bool,
    /// `applied`, `duplicate`, `no_change`, `unknown` (no such document here) or `ignored`
    /// (an event type the portal does not act on).
    pub outcome: String,
}

fn received(outcome: &str) -> Response<Body> {
    response::ok(&Received { received: true, outcome: outcome.into() })
}

#[utoipa::path(post, path = "/api/stripe/webhook/{tenant}", tag = "stripe",
    params(("tenant" = String, Path, description = "The contractor (ten_...) this endpoint is registered for"),
           ("Stripe-Signature" = String, Header, description = "t=<unix>,v1=<HMAC-SHA256>")),
    request_body(content = Object, description = "A Stripe event"),
    responses((status = 200, body = Received), (status = 400, body = portal_http::error::ErrorBody, description = "bad, missing, stale or v0-only signature, or not an event"),
              (status = 413, body = portal_http::error::ErrorBody)))]
pub async fn receive(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let tenant: TenantId = path(req, "tenant", "endpoint")?;
    let payload: &[u8] = match req.body() {
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => b"",
    };
    if payload.len() > MAX_EVENT {
        return Err(ApiError::PayloadTooLarge);
    }
    let header = req.headers().get("stripe-signature").and_then(|v| v.to_str().ok());
    if header.is_none_or(|h| h.trim().is_empty()) {
        // Refused before the secrets are even read: junk costs nothing.
        return Err(ApiError::BadRequest("invalid_signature", "The Stripe-Signature header is missing.".into()));
    }
    let secrets = state.secrets.secret().await.map_err(ApiError::internal)?;
    let secrets: Vec<&str> = secrets.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).collect();
    verify(header, payload, &secrets, req.now.as_second()).map_err(|e| {
        tracing::warn!(reason = %e, "webhook signature refused");
        ApiError::BadRequest(
            "invalid_signature",
            match e {
                SignatureError::Missing => "The Stripe-Signature header is missing.",
                SignatureError::Stale => "The signature is too old or in the future.",
                _ => "The Stripe-Signature header does not verify.",
            }
            .into(),
        )
    })?;
    let event: event::Event =
        serde_json::from_slice(payload).map_err(|_| ApiError::BadRequest("invalid_event", "The body is not a Stripe event.".into()))?;
    let Some(meaning) = event::interpret(&event) else {
        return Ok(received("ignored"));
    };
    // The payment this event is about, in this tenant only.
    let at = match (&meaning.metadata, &meaning.payment_intent) {
        (Some(m), _) if m.tenant.as_deref().is_none_or(|t| t == tenant.as_str()) => Document::parse(&m.document, &m.account)
            .map(|document| PaymentRef { tenant: tenant.clone(), account: m.account.clone(), document, payment: m.payment.clone() }),
        (Some(_), _) => None,
        (None, Some(pi)) => payments::find_by_payment_intent(state.table.as_ref(), &tenant, pi).await?,
        (None, None) => None,
    };
    let Some(at) = at else {
        tracing::info!(event = %event.id, kind = %event.kind, "event for a document this tenant does not have");
        return Ok(received("unknown"));
    };
    let details = Details { payment_intent: meaning.payment_intent.as_deref(), method: meaning.method };
    let posted =
        portal_app::payments::post(state.table.as_ref(), state.ids.as_ref(), &at, meaning.fact, &details, &event.id, req.now).await?;
    let outcome = match posted {
        Posted::Applied { .. } => "applied",
        Posted::Duplicate => "duplicate",
        Posted::NoChange => "no_change",
        Posted::Unknown => "unknown",
    };
    tracing::info!(event = %event.id, kind = %event.kind, outcome, "stripe event");
    Ok(received(outcome))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(receive))]
pub struct Api;
