//! The payment simulator: the Payments port for local mode.
//!
//! Opening a checkout records the session and answers with the address of the local checkout
//! page (`/dev/checkout/{id}`). The page offers what a customer can do at Stripe Checkout;
//! each choice yields the Stripe-format events Stripe would send, in Stripe's order, which the
//! local server signs with its webhook secret and delivers to the same webhook handler as in
//! AWS. A bank debit (ACH) settles later: [`Simulator::settle_due`] yields its settlement
//! events once the delay has passed (or at once with [`Simulator::settle_now`]).
use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;
use portal_domain::payments::{Checkout, CheckoutMethod, CheckoutRequest, CustomerRequest, Payments};
use portal_domain::ports::{Ids, PortError};
use serde_json::{Value, json};

/// What the customer does on the checkout page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    CardSucceeds,
    CardDeclined,
    /// The bank debit is submitted, then settles.
    AchSucceeds,
    /// The bank debit is submitted, then fails (insufficient funds, closed account).
    AchFails,
}

/// Where a simulated session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Open,
    /// Card declined: the page stays open for another try.
    Declined,
    Complete,
    /// ACH submitted, settling at the instant held.
    Settling,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub request: CheckoutRequest,
    pub payment_intent: String,
    pub state: SessionState,
    /// For a settling bank debit: whether it will succeed, and when.
    pub settles: Option<(bool, Timestamp)>,
}

/// One event to deliver: the tenant's webhook and the JSON body (unsigned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub tenant: String,
    pub body: String,
}

pub struct Simulator {
    /// The local portal's address; checkout pages live under it.
    base_url: String,
    ids: std::sync::Arc<dyn Ids>,
    /// How long a simulated bank debit takes to settle.
    pub ach_settle_seconds: i64,
    sessions: Mutex<HashMap<String, Session>>,
}

impl Simulator {
    pub fn new(base_url: &str, ids: std::sync::Arc<dyn Ids>, ach_settle_seconds: i64) -> Self {
        Self { base_url: base_url.trim_end_matches('/').to_string(), ids, ach_settle_seconds, sessions: Mutex::new(HashMap::new()) }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn session(&self, id: &str) -> Option<Session> {
        self.sessions().get(id).cloned()
    }

    /// The customer's choice on the checkout page: the events Stripe would send now. `None`
    /// when there is no such open session.
    pub fn choose(&self, id: &str, choice: Choice, now: Timestamp) -> Option<(Session, Vec<Delivery>)> {
        let mut sessions = self.sessions();
        let s = sessions.get_mut(id)?;
        if !matches!(s.state, SessionState::Open | SessionState::Declined) {
            return None;
        }
        let ach = choice == Choice::AchSucceeds || choice == Choice::AchFails;
        if ach && !s.request.methods.contains(&CheckoutMethod::UsBankAccount) {
            return None;
        }
        let events = match choice {
            Choice::CardSucceeds => {
                s.state = SessionState::Complete;
                vec![
                    self.event(s, "checkout.session.completed", session_object(s, "paid", "complete"), now),
                    self.event(s, "payment_intent.succeeded", intent_object(s, "succeeded", "card"), now),
                ]
            }
            Choice::CardDeclined => {
                s.state = SessionState::Declined;
                vec![self.event(s, "payment_intent.payment_failed", intent_object(s, "requires_payment_method", "card"), now)]
            }
            Choice::AchSucceeds | Choice::AchFails => {
                s.state = SessionState::Settling;
                let at = now.checked_add(jiff::SignedDuration::from_secs(self.ach_settle_seconds)).unwrap_or(now);
                s.settles = Some((choice == Choice::AchSucceeds, at));
                vec![
                    self.event(s, "checkout.session.completed", session_object(s, "unpaid", "complete"), now),
                    self.event(s, "payment_intent.processing", intent_object(s, "processing", "us_bank_account"), now),
                ]
            }
        };
        Some((s.clone(), events))
    }

    /// Settlement events of every bank debit due by `now`.
    pub fn settle_due(&self, now: Timestamp) -> Vec<Delivery> {
        let ids: Vec<String> =
            self.sessions().values().filter(|s| s.settles.is_some_and(|(_, at)| at <= now)).map(|s| s.id.clone()).collect();
        ids.iter().flat_map(|id| self.settle_now(id, now)).collect()
    }

    /// Settles one bank debit at once (the `Settle now` button).
    pub fn settle_now(&self, id: &str, now: Timestamp) -> Vec<Delivery> {
        let mut sessions = self.sessions();
        let Some(s) = sessions.get_mut(id) else { return vec![] };
        let Some((succeeds, _)) = s.settles.take() else { return vec![] };
        s.state = SessionState::Complete;
        if succeeds {
            vec![
                self.event(s, "checkout.session.async_payment_succeeded", session_object(s, "paid", "complete"), now),
                self.event(s, "payment_intent.succeeded", intent_object(s, "succeeded", "us_bank_account"), now),
            ]
        } else {
            vec![
                self.event(s, "checkout.session.async_payment_failed", session_object(s, "unpaid", "complete"), now),
                self.event(s, "payment_intent.payment_failed", intent_object(s, "requires_payment_method", "us_bank_account"), now),
            ]
        }
    }

    fn event(&self, s: &Session, kind: &str, object: Value, now: Timestamp) -> Delivery {
        let body = json!({
            "id": self.ids.id("evt_sim"),
            "object": "event",
            "api_version": "2025-09-30.clover",
            "created": now.as_second(),
            "data": { "object": object },
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": kind,
        });
        Delivery { tenant: s.request.tenant.clone(), body: body.to_string() }
    }
}

fn metadata(r: &CheckoutRequest) -> Value {
    json!({ "tenant": r.tenant, "account": r.account, "document": r.document, "purpose": r.purpose.as_str(), "payment": r.payment })
}

fn session_object(s: &Session, payment_status: &str, status: &str) -> Value {
    json!({
        "id": s.id, "object": "checkout.session", "mode": "payment", "amount_total": s.request.amount,
        "currency": s.request.currency, "customer": s.request.customer, "client_reference_id": s.request.payment,
        "metadata": metadata(&s.request), "payment_intent": s.payment_intent, "payment_status": payment_status,
        "status": status, "success_url": s.request.success_url, "cancel_url": s.request.cancel_url, "livemode": false, "url": null,
    })
}

fn intent_object(s: &Session, status: &str, method: &str) -> Value {
    let error = (status == "requires_payment_method").then(|| {
        json!({ "type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined." })
    });
    json!({
        "id": s.payment_intent, "object": "payment_intent", "amount": s.request.amount,
        "amount_received": if status == "succeeded" { s.request.amount } else { 0 }, "currency": s.request.currency,
        "customer": s.request.customer, "metadata": metadata(&s.request), "payment_method_types": [method],
        "status": status, "last_payment_error": error, "livemode": false,
    })
}

#[async_trait::async_trait]
impl Payments for Simulator {
    async fn create_customer(&self, _req: &CustomerRequest) -> Result<String, PortError> {
        Ok(self.ids.id("cus_sim"))
    }

    async fn checkout(&self, req: &CheckoutRequest) -> Result<Checkout, PortError> {
        let mut sessions = self.sessions();
        // The same idempotency key opens the same session, as at Stripe.
        if let Some(s) = sessions.values().find(|s| s.request.idempotency_key == req.idempotency_key) {
            return Ok(Checkout { id: s.id.clone(), url: format!("{}/dev/checkout/{}", self.base_url, s.id) });
        }
        let id = self.ids.id("cs_test");
        let session = Session {
            id: id.clone(),
            request: req.clone(),
            payment_intent: self.ids.id("pi_sim"),
            state: SessionState::Open,
            settles: None,
        };
        sessions.insert(id.clone(), session);
        Ok(Checkout { id: id.clone(), url: format!("{}/dev/checkout/{id}", self.base_url) })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use portal_domain::payments::Purpose;
    use portal_domain::ports::RandomIds;

    use super::*;

    fn request(methods: Vec<CheckoutMethod>) -> CheckoutRequest {
        CheckoutRequest {
            tenant: "ten_x".into(),
            account: "acc_x".into(),
            document: "inv_x".into(),
            purpose: Purpose::Invoice,
            payment: "pay_x".into(),
            amount: 12_345,
            currency: "usd".into(),
            description: "Invoice".into(),
            methods,
            customer: None,
            success_url: "http://localhost/payments/pay_x".into(),
            cancel_url: "http://localhost/invoices/inv_x".into(),
            idempotency_key: "k1".into(),
        }
    }

    fn kinds(d: &[Delivery]) -> Vec<String> {
        d.iter()
            .filter_map(|e| serde_json::from_str::<Value>(&e.body).ok())
            .filter_map(|v| v["type"].as_str().map(str::to_string))
            .collect()
    }

    #[tokio::test]
    async fn a_card_declined_then_paid_sends_stripes_events_in_order() {
        let sim = Simulator::new("http://localhost:3000/", Arc::new(RandomIds), 60);
        let c = sim.checkout(&request(vec![CheckoutMethod::Card])).await.unwrap();
        assert!(c.url.starts_with("http://localhost:3000/dev/checkout/cs_test_"));
        assert_eq!(sim.checkout(&request(vec![CheckoutMethod::Card])).await.unwrap(), c, "same key, same session");
        let now = Timestamp::now();
        let (_, declined) = sim.choose(&c.id, Choice::CardDeclined, now).unwrap();
        assert_eq!(kinds(&declined), ["payment_intent.payment_failed"]);
        assert!(sim.choose(&c.id, Choice::AchSucceeds, now).is_none(), "ACH was not offered for this amount");
        let (_, paid) = sim.choose(&c.id, Choice::CardSucceeds, now).unwrap();
        assert_eq!(kinds(&paid), ["checkout.session.completed", "payment_intent.succeeded"]);
        let body: Value = serde_json::from_str(&paid[0].body).unwrap();
        assert_eq!(body["data"]["object"]["metadata"]["payment"], "pay_x");
        assert_eq!(body["data"]["object"]["payment_status"], "paid");
        assert!(sim.choose(&c.id, Choice::CardSucceeds, now).is_none(), "a completed session takes no second payment");
    }

    #[tokio::test]
    async fn a_bank_debit_settles_after_the_delay() {
        let sim = Simulator::new("http://localhost:3000", Arc::new(RandomIds), 60);
        let c = sim.checkout(&request(vec![CheckoutMethod::Card, CheckoutMethod::UsBankAccount])).await.unwrap();
        let now = Timestamp::now();
        let (_, submitted) = sim.choose(&c.id, Choice::AchFails, now).unwrap();
        assert_eq!(kinds(&submitted), ["checkout.session.completed", "payment_intent.processing"]);
        assert!(sim.settle_due(now).is_empty(), "not yet");
        let later = now.checked_add(jiff::SignedDuration::from_secs(61)).unwrap();
        assert_eq!(kinds(&sim.settle_due(later)), ["checkout.session.async_payment_failed", "payment_intent.payment_failed"]);
        assert!(sim.settle_due(later).is_empty(), "settled once");
    }
}
