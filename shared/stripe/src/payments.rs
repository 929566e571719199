//! The Payments port on Stripe, through `async-stripe` (split crates, rustls).
//!
//! The secret API key is read from its [`SecretSource`] on the first payment, not at start-up
//! (cold starts make no network calls), and the client is kept for the life of the process.
//! Every call carries the idempotency key the caller made for that attempt, so a retried call
//! never opens a second session or makes a second customer.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use portal_domain::payments::{Checkout, CheckoutMethod, CheckoutRequest, CustomerRequest, Payments};
use portal_domain::ports::{PortError, SecretSource};
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionAllowedPaymentMethodTypes as Allowed, CreateCheckoutSessionLineItems,
    CreateCheckoutSessionLineItemsPriceData, CreateCheckoutSessionPaymentIntentData, CreateCheckoutSessionSavedPaymentMethodOptions,
    CreateCheckoutSessionSavedPaymentMethodOptionsPaymentMethodSave, ProductData,
};
use stripe_core::customer::CreateCustomer;
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

fn idempotent(key: &str) -> Result<RequestStrategy, PortError> {
    IdempotencyKey::new(key).map(RequestStrategy::Idempotent).map_err(|e| PortError::msg(format!("idempotency key: {e}")))
}

/// Our references, on the session and on the PaymentIntent it makes, so every later event
/// (session, intent) carries them.
fn metadata(req: &CheckoutRequest) -> HashMap<String, String> {
    HashMap::from([
        ("tenant".to_string(), req.tenant.clone()),
        ("account".to_string(), req.account.clone()),
        ("document".to_string(), req.document.clone()),
        ("purpose".to_string(), req.purpose.as_str().to_string()),
        ("payment".to_string(), req.payment.clone()),
    ])
}

/// The request [`StripePayments::checkout`] sends (separate so tests can read it).
pub fn checkout_request(req: &CheckoutRequest) -> Result<CreateCheckoutSession, PortError> {
    let currency = req.currency.parse::<stripe_types::Currency>().map_err(|_| PortError::msg(format!("currency {}", req.currency)))?;
    let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
    price.unit_amount = Some(req.amount);
    price.product_data = Some(ProductData::new(req.description.clone()));
    let mut line = CreateCheckoutSessionLineItems::new();
    line.price_data = Some(price);
    line.quantity = Some(1);
    let mut intent = CreateCheckoutSessionPaymentIntentData::new();
    intent.metadata = Some(metadata(req));
    intent.description = Some(req.description.clone());
    let methods: Vec<Allowed> = req
        .methods
        .iter()
        .map(|m| match m {
            CheckoutMethod::Card => Allowed::Card,
            CheckoutMethod::UsBankAccount => Allowed::UsBankAccount,
        })
        .collect();
    let mut session = CreateCheckoutSession::new()
        .mode(stripe_shared::CheckoutSessionMode::Payment)
        .line_items(vec![line])
        .allowed_payment_method_types(methods)
        .metadata(metadata(req))
        .payment_intent_data(intent)
        .client_reference_id(req.payment.clone())
        .success_url(req.success_url.clone())
        .cancel_url(req.cancel_url.clone());
    if let Some(customer) = &req.customer {
        // With the account's Stripe customer, Checkout offers the methods saved before and
        // lets the customer choose to save this one.
        let mut saved = CreateCheckoutSessionSavedPaymentMethodOptions::new();
        saved.payment_method_save = Some(CreateCheckoutSessionSavedPaymentMethodOptionsPaymentMethodSave::Enabled);
        session = session.customer(customer.clone()).saved_payment_method_options(saved);
    }
    Ok(session)
}

#[async_trait::async_trait]
impl Payments for StripePayments {
    async fn create_customer(&self, req: &CustomerRequest) -> Result<String, PortError> {
        let client = self.client().await?;
        let mut create = CreateCustomer::new()
            .name(req.name.clone())
            .metadata(HashMap::from([("tenant".to_string(), req.tenant.clone()), ("account".to_string(), req.account.clone())]));
        if let Some(email) = &req.email {
            create = create.email(email.clone());
        }
        let customer = create
            .customize()
            .request_strategy(idempotent(&req.idempotency_key)?)
            .send(client)
            .await
            .map_err(|e| PortError::new("creating the Stripe customer", e))?;
        Ok(customer.id.to_string())
    }

    async fn checkout(&self, req: &CheckoutRequest) -> Result<Checkout, PortError> {
        let client = self.client().await?;
        let session = checkout_request(req)?
            .customize()
            .request_strategy(idempotent(&req.idempotency_key)?)
            .send(client)
            .await
            .map_err(|e| PortError::new("creating the Checkout session", e))?;
        let url = session.url.ok_or_else(|| PortError::msg("Stripe returned a Checkout session without a URL"))?;
        Ok(Checkout { id: session.id.to_string(), url })
    }
}
