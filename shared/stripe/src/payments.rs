//! The Payments port on Stripe: async-stripe's request model (`async-stripe-client-core`:
//! requests, idempotency keys, request strategies) over a small transport of our own.
//!
//! Why our own transport: async-stripe's client reads Stripe's error bodies into
//! `stripe_shared::ApiErrors`, whose readers for every nested Stripe object are 2.4 MiB of code
//! and took the `pay` binary past its 8 MB budget. The transport is hyper with rustls
//! (aws-lc-rs and webpki roots, as the AWS SDK links them); it sends what async-stripe's
//! would (bearer key, form body, `Idempotency-Key`, `Stripe-Version`) and reads only the error
//! message. Our two requests are small forms and their answers a small struct, for the same
//! reason; the stub test checks every field we send.
//!
//! The secret API key is read from its [`SecretSource`] on the first payment, not at start-up
//! (cold starts make no network calls), and the client is kept for the life of the process.
//! Every call carries the idempotency key the caller made for that attempt, so a retried call
//! never opens a second session or makes a second customer.
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use portal_domain::payments::{Checkout, CheckoutMethod, CheckoutRequest, CustomerRequest, Payments};
use portal_domain::ports::{PortError, SecretSource};
use stripe_client_core::{
    CustomizedStripeRequest, IdempotencyKey, RequestBuilder, RequestStrategy, StripeClient, StripeClientErr, StripeMethod, StripeRequest,
};
use tokio::sync::OnceCell;

/// Stripe answers well inside this; a hung connection must not hold the customer's tap.
const TIMEOUT: Duration = Duration::from_secs(20);
const API_BASE: &str = "https://api.stripe.com/";
/// The API version our forms are written against.
const STRIPE_VERSION: &str = "2025-09-30.clover";

/// What went wrong talking to Stripe (the message is Stripe's own, never the key).
#[derive(Debug, thiserror::Error)]
enum StripeHttpError {
    #[error("Stripe answered {status}: {message}")]
    Api { status: u16, message: String },
    #[error("reaching Stripe: {0}")]
    Transport(String),
    #[error("reading Stripe's answer: {0}")]
    Read(String),
}

impl StripeClientErr for StripeHttpError {
    fn deserialize_err(msg: impl std::fmt::Display) -> Self {
        Self::Read(msg.to_string())
    }
}

/// The transport: one HTTPS connection pool, the key, the base address.
struct Transport {
    http: HttpClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    key: String,
    base: String,
}

impl Transport {
    fn new(key: String, base: String) -> Self {
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots().https_or_http().enable_http1().build();
        Self { http: HttpClient::builder(TokioExecutor::new()).build(https), key, base }
    }
}

impl StripeClient for Transport {
    type Err = StripeHttpError;

    fn execute(&self, req: CustomizedStripeRequest) -> impl std::future::Future<Output = Result<Bytes, Self::Err>> + Send {
        let (builder, config) = req.into_pieces();
        let mut url = format!("{}/v1{}", self.base.trim_end_matches('/'), builder.path);
        if let Some(q) = &builder.query {
            url.push('?');
            url.push_str(q);
        }
        let method = match builder.method {
            StripeMethod::Get => hyper::Method::GET,
            StripeMethod::Delete => hyper::Method::DELETE,
            StripeMethod::Post => hyper::Method::POST,
        };
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(url)
            .header("authorization", format!("Bearer {}", self.key))
            .header("stripe-version", STRIPE_VERSION)
            .header("user-agent", "Switchboard (async-stripe-client-core)")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(key) = config.request_strategy.as_ref().and_then(RequestStrategy::get_key) {
            request = request.header("idempotency-key", key.as_str());
        }
        let request = request.body(Full::new(Bytes::from(builder.body.unwrap_or_default())));
        let http = self.http.clone();
        async move {
            let request = request.map_err(|e| StripeHttpError::Transport(e.to_string()))?;
            let answer = tokio::time::timeout(TIMEOUT, async {
                let response = http.request(request).await.map_err(|e| StripeHttpError::Transport(e.to_string()))?;
                let status = response.status().as_u16();
                let body = response.into_body().collect().await.map_err(|e| StripeHttpError::Transport(e.to_string()))?.to_bytes();
                Ok::<_, StripeHttpError>((status, body))
            })
            .await
            .map_err(|_| StripeHttpError::Transport("timed out".into()))??;
            let (status, body) = answer;
            if (200..300).contains(&status) {
                return Ok(body);
            }
            let message = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.pointer("/error/message").and_then(serde_json::Value::as_str).map(str::to_string))
                .unwrap_or_else(|| "no message".into());
            Err(StripeHttpError::Api { status, message })
        }
    }
}

pub struct StripePayments {
    key: Arc<dyn SecretSource>,
    /// `https://api.stripe.com/` in production; the test stub's address in tests.
    base_url: Option<String>,
    client: OnceCell<Transport>,
}

impl StripePayments {
    pub fn new(key: Arc<dyn SecretSource>) -> Self {
        Self { key, base_url: None, client: OnceCell::new() }
    }

    /// Talks to another server (a test stub) instead of Stripe.
    pub fn with_base_url(key: Arc<dyn SecretSource>, base_url: impl Into<String>) -> Self {
        Self { key, base_url: Some(base_url.into()), client: OnceCell::new() }
    }

    async fn client(&self) -> Result<&Transport, PortError> {
        self.client
            .get_or_try_init(|| async {
                let secret = self.key.secret().await?;
                Ok(Transport::new(secret.trim().to_string(), self.base_url.clone().unwrap_or_else(|| API_BASE.into())))
            })
            .await
    }
}

/// The part of Stripe's answer we use (the id, and a Checkout session's URL); miniserde skips
/// every other field.
#[derive(Debug, miniserde::Deserialize)]
struct Created {
    id: String,
    url: Option<String>,
}

/// A form POSTed to Stripe whose answer is read as [`Created`].
struct Post<F> {
    path: &'static str,
    form: F,
}

impl<F: serde::Serialize> StripeRequest for Post<F> {
    type Output = Created;
    fn build(&self) -> RequestBuilder {
        RequestBuilder::new(StripeMethod::Post, self.path).form(&self.form)
    }
}

fn idempotent(key: &str) -> Result<RequestStrategy, PortError> {
    IdempotencyKey::new(key).map(RequestStrategy::Idempotent).map_err(|e| PortError::msg(format!("idempotency key: {e}")))
}

/// `POST /v1/checkout/sessions`, the fields we set.
#[derive(Debug, serde::Serialize)]
struct CheckoutForm<'a> {
    mode: &'static str,
    line_items: [LineItemForm<'a>; 1],
    allowed_payment_method_types: Vec<&'static str>,
    /// Our references, on the session and on the PaymentIntent it makes, so every later event
    /// (session, intent) carries them.
    metadata: BTreeMap<&'static str, &'a str>,
    payment_intent_data: IntentForm<'a>,
    client_reference_id: &'a str,
    success_url: &'a str,
    cancel_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<&'a str>,
    /// With the account's Stripe customer, Checkout offers the methods saved before and lets
    /// the customer choose to save this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    saved_payment_method_options: Option<SavedForm>,
}

#[derive(Debug, serde::Serialize)]
struct LineItemForm<'a> {
    price_data: PriceForm<'a>,
    quantity: u64,
}

#[derive(Debug, serde::Serialize)]
struct PriceForm<'a> {
    currency: &'a str,
    unit_amount: i64,
    product_data: ProductForm<'a>,
}

#[derive(Debug, serde::Serialize)]
struct ProductForm<'a> {
    name: &'a str,
}

#[derive(Debug, serde::Serialize)]
struct IntentForm<'a> {
    description: &'a str,
    metadata: BTreeMap<&'static str, &'a str>,
}

#[derive(Debug, serde::Serialize)]
struct SavedForm {
    payment_method_save: &'static str,
}

fn metadata(req: &CheckoutRequest) -> BTreeMap<&'static str, &str> {
    BTreeMap::from([
        ("tenant", req.tenant.as_str()),
        ("account", req.account.as_str()),
        ("document", req.document.as_str()),
        ("purpose", req.purpose.as_str()),
        ("payment", req.payment.as_str()),
    ])
}

/// The form [`StripePayments::checkout`] sends.
fn checkout_form(req: &CheckoutRequest) -> CheckoutForm<'_> {
    CheckoutForm {
        mode: "payment",
        line_items: [LineItemForm {
            price_data: PriceForm {
                currency: &req.currency,
                unit_amount: req.amount,
                product_data: ProductForm { name: &req.description },
            },
            quantity: 1,
        }],
        allowed_payment_method_types: req
            .methods
            .iter()
            .map(|m| match m {
                CheckoutMethod::Card => "card",
                CheckoutMethod::UsBankAccount => "us_bank_account",
            })
            .collect(),
        metadata: metadata(req),
        payment_intent_data: IntentForm { description: &req.description, metadata: metadata(req) },
        client_reference_id: &req.payment,
        success_url: &req.success_url,
        cancel_url: &req.cancel_url,
        customer: req.customer.as_deref(),
        saved_payment_method_options: req.customer.as_ref().map(|_| SavedForm { payment_method_save: "enabled" }),
    }
}

/// `POST /v1/customers`.
#[derive(Debug, serde::Serialize)]
struct CustomerForm<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    metadata: BTreeMap<&'static str, &'a str>,
}

#[async_trait::async_trait]
impl Payments for StripePayments {
    async fn create_customer(&self, req: &CustomerRequest) -> Result<String, PortError> {
        let client = self.client().await?;
        let form = CustomerForm {
            name: &req.name,
            email: req.email.as_deref(),
            metadata: BTreeMap::from([("tenant", req.tenant.as_str()), ("account", req.account.as_str())]),
        };
        let customer = Post { path: "/customers", form }
            .customize()
            .request_strategy(idempotent(&req.idempotency_key)?)
            .send(client)
            .await
            .map_err(|e| PortError::new("creating the Stripe customer", e))?;
        Ok(customer.id)
    }

    async fn checkout(&self, req: &CheckoutRequest) -> Result<Checkout, PortError> {
        let client = self.client().await?;
        let session = Post { path: "/checkout/sessions", form: checkout_form(req) }
            .customize()
            .request_strategy(idempotent(&req.idempotency_key)?)
            .send(client)
            .await
            .map_err(|e| PortError::new("creating the Checkout session", e))?;
        let url = session.url.ok_or_else(|| PortError::msg("Stripe returned a Checkout session without a URL"))?;
        Ok(Checkout { id: session.id, url })
    }
}
