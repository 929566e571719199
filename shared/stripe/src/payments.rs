//! The Payments port on Stripe, through `async-stripe` (its client on rustls: configuration,
//! idempotency, retries, Stripe's error bodies).
//!
//! The secret API key is read from its [`SecretSource`] on the first payment, not at start-up
//! (cold starts make no network calls), and the client is kept for the life of the process.
//! Every call carries the idempotency key the caller made for that attempt, so a retried call
//! never opens a second session or makes a second customer.
//!
//! The two requests we send are our own small forms (encoded by async-stripe's form encoder)
//! and the answers are read into a small struct, instead of async-stripe's generated types for
//! all of Stripe's API: four fewer crates to build and a smaller binary. The stub test checks
//! every field we send. (The `pay` binary is still 12.4 MB, over its 8 MB budget: 2.4 MiB of
//! it is async-stripe's client reading error bodies into `stripe_shared::ApiErrors`.)
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use portal_domain::payments::{Checkout, CheckoutMethod, CheckoutRequest, CustomerRequest, Payments};
use portal_domain::ports::{PortError, SecretSource};
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_client_core::{RequestBuilder, StripeMethod};
use tokio::sync::OnceCell;

/// Stripe answers well inside this; a hung connection must not hold the customer's tap.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct StripePayments {
    key: Arc<dyn SecretSource>,
    /// `https://api.stripe.com/` in production; the test stub's address in tests.
    base_url: Option<String>,
    client: OnceCell<Client>,
}

impl StripePayments {
    pub fn new(key: Arc<dyn SecretSource>) -> Self {
        Self { key, base_url: None, client: OnceCell::new() }
    }

    /// Talks to another server (a test stub) instead of Stripe.
    pub fn with_base_url(key: Arc<dyn SecretSource>, base_url: impl Into<String>) -> Self {
        Self { key, base_url: Some(base_url.into()), client: OnceCell::new() }
    }

    async fn client(&self) -> Result<&Client, PortError> {
        self.client
            .get_or_try_init(|| async {
                let secret = self.key.secret().await?;
                let mut builder = ClientBuilder::new(secret.trim()).timeout(TIMEOUT);
                if let Some(url) = &self.base_url {
                    builder = builder.url(url.clone());
                }
                builder.build().map_err(|e| PortError::new("configuring the Stripe client", e))
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
pub struct CheckoutForm<'a> {
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
pub fn checkout_form(req: &CheckoutRequest) -> CheckoutForm<'_> {
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
