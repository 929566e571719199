//! What a Stripe event means for a payment: the fact it states and how to find the payment.
//! Only the fields the portal uses are read; everything else in Stripe's objects is ignored.
use portal_domain::ids::{AccountId, PaymentId};
use portal_domain::invoice::{PaymentFact, PaymentMethod};
use serde_json::Value;

/// The envelope of every event.
#[derive(Debug, serde::Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, serde::Deserialize)]
pub struct EventData {
    pub object: Value,
}

/// Our references, set as metadata on every Checkout session and PaymentIntent we create:
/// `tenant`, `account`, `document` (the invoice, estimate or account paid for), `purpose` and
/// `payment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub tenant: Option<String>,
    pub account: AccountId,
    /// `inv_…`, `est_…` or the account's id (read with [`portal_domain::payment::Document::parse`]).
    pub document: String,
    pub payment: PaymentId,
}

/// An event the portal acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreted {
    pub fact: PaymentFact,
    pub metadata: Option<Metadata>,
    pub payment_intent: Option<String>,
    /// How the customer paid, when the event tells.
    pub method: Option<PaymentMethod>,
}

/// The event types the portal handles.
pub const HANDLED: &[&str] = &[
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.processing",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.closed",
];

fn metadata(object: &Value) -> Option<Metadata> {
    let m = object.get("metadata")?;
    let s = |k: &str| m.get(k).and_then(Value::as_str);
    Some(Metadata {
        tenant: s("tenant").map(str::to_string),
        account: s("account")?.parse().ok()?,
        document: s("document")?.to_string(),
        payment: s("payment")?.parse().ok()?,
    })
}

fn string(object: &Value, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}

fn method_named(kind: &str) -> Option<PaymentMethod> {
    match kind {
        "card" => Some(PaymentMethod::Card),
        "us_bank_account" => Some(PaymentMethod::Ach),
        _ => None,
    }
}

/// How the customer paid: a charge's `payment_method_details.type`, a PaymentIntent's only
/// method type, or a completed Checkout session's timing (card settles at once, a bank debit
/// completes unpaid).
fn method(kind: &str, o: &Value) -> Option<PaymentMethod> {
    match kind {
        "checkout.session.completed" => match o.get("payment_status").and_then(Value::as_str)? {
            "paid" => Some(PaymentMethod::Card),
            "unpaid" => Some(PaymentMethod::Ach),
            _ => None,
        },
        k if k.starts_with("payment_intent.") => {
            let types = o.get("payment_method_types")?.as_array()?;
            if types.len() == 1 { method_named(types[0].as_str()?) } else { None }
        }
        k if k.starts_with("charge.") && k != "charge.dispute.created" && k != "charge.dispute.closed" => {
            method_named(o.get("payment_method_details")?.get("type")?.as_str()?)
        }
        _ => None,
    }
}

/// The fact an event states, or `None` for events the portal does not act on (they are
/// acknowledged all the same).
pub fn interpret(event: &Event) -> Option<Interpreted> {
    let o = &event.data.object;
    let (fact, payment_intent) = match event.kind.as_str() {
        "checkout.session.completed" => {
            let fact = match o.get("payment_status").and_then(Value::as_str) {
                Some("paid") => PaymentFact::Succeeded,
                // A bank debit (ACH) has been submitted and settles later.
                Some("unpaid") => PaymentFact::Processing,
                _ => return None,
            };
            (fact, string(o, "payment_intent"))
        }
        "checkout.session.async_payment_succeeded" => (PaymentFact::Succeeded, string(o, "payment_intent")),
        "checkout.session.async_payment_failed" => (PaymentFact::Failed, string(o, "payment_intent")),
        "checkout.session.expired" => (PaymentFact::Expired, string(o, "payment_intent")),
        "payment_intent.processing" => (PaymentFact::Processing, string(o, "id")),
        "payment_intent.succeeded" => (PaymentFact::Succeeded, string(o, "id")),
        "payment_intent.payment_failed" => (PaymentFact::Failed, string(o, "id")),
        "charge.refunded" => (PaymentFact::RefundedTotal { amount: o.get("amount_refunded")?.as_i64()? }, string(o, "payment_intent")),
        "charge.dispute.created" => (PaymentFact::DisputeOpened, string(o, "payment_intent")),
        "charge.dispute.closed" => {
            (PaymentFact::DisputeClosed { won: o.get("status").and_then(Value::as_str) == Some("won") }, string(o, "payment_intent"))
        }
        _ => return None,
    };
    Some(Interpreted { fact, metadata: metadata(o), payment_intent, method: method(&event.kind, o) })
}
