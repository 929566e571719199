//! The stripe-webhook handler, driven by the signed payloads in `events/stripe-webhook/`,
//! against the embedded store with the demo data (Dana's invoice INV-2031 with an ACH payment).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_http::function::HttpFunction;
use std::sync::Arc;

use jiff::Timestamp;
use portal_domain::invoice::{InvoiceStatus, PaymentStatus};
use portal_domain::ports::{Clock, OffsetClock, RandomIds};
use portal_store::Table;
use portal_store::repo::invoices;
use portal_tests::events;
use serde_json::Value;

/// The time the payloads were signed at (infra/scripts/make_events.py).
const SIGNED_AT: i64 = 1_795_273_701;
const SECRET: &str = "whsec_events_example";

/// A clock standing at the payloads' signing time, movable for the tolerance tests.
struct At(OffsetClock);

impl Clock for At {
    fn now(&self) -> Timestamp {
        let drift = self.0.now().as_second() - Timestamp::now().as_second();
        Timestamp::from_second(SIGNED_AT + drift).unwrap()
    }
}

/// The demo invoice's (status, payment status, refunded, paid, balance).
type Kitchen = (InvoiceStatus, PaymentStatus, i64, i64, i64);

struct Harness {
    table: Arc<dyn Table>,
    clock: Arc<At>,
    state: stripe_webhook::State,
}

async fn harness(secrets: &str) -> Harness {
    let table: Arc<dyn Table> = Arc::new(portal_embedded::Store::in_memory().unwrap().table());
    portal_local::seed::seed(table.as_ref(), &RandomIds, Timestamp::now(), "https://portal.test").await.unwrap();
    let clock = Arc::new(At(OffsetClock::default()));
    let state = stripe_webhook::State {
        table: table.clone(),
        clock: clock.clone(),
        ids: Arc::new(RandomIds),
        secrets: Arc::new(portal_local::keys::LocalSecret(secrets.into())),
    };
    Harness { table, clock, state }
}

impl Harness {
    async fn deliver(&self, payload: &str) -> (u16, Value) {
        let resp = self.state.handle(events::request(payload), self.clock.now()).await;
        let body = match resp.body() {
            lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap(),
            other => panic!("unexpected body {other:?}"),
        };
        (resp.status().as_u16(), body)
    }

    async fn case(&self, case: &str) -> (u16, Value) {
        self.deliver(&events::raw("stripe-webhook", case)).await
    }

    async fn kitchen(&self) -> Kitchen {
        let t = "ten_brightspark".parse().unwrap();
        let b = invoices::load(self.table.as_ref(), &t, &"acc_whitfield".parse().unwrap(), &"inv_kitchen".parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        let p = &b.payments[0];
        (b.invoice.status, p.state.status, p.state.refunded, b.invoice.ledger.paid, b.invoice.ledger.balance)
    }
}

/// A payload with its body replaced (and signed again with `secret`, or with the given header).
fn altered(case: &str, body: Option<&str>, header: Option<&str>, path_tenant: Option<&str>) -> String {
    let mut v: Value = serde_json::from_str(&events::raw("stripe-webhook", case)).unwrap();
    if let Some(body) = body {
        v["body"] = Value::String(body.into());
        v["headers"]["stripe-signature"] = Value::String(portal_stripe::webhook::sign(body.as_bytes(), SECRET, SIGNED_AT));
    }
    match header {
        Some("") => {
            v["headers"].as_object_mut().unwrap().remove("stripe-signature");
        }
        Some(h) => v["headers"]["stripe-signature"] = Value::String(h.into()),
        None => {}
    }
    if let Some(t) = path_tenant {
        v["pathParameters"]["tenant"] = Value::String(t.into());
        v["rawPath"] = Value::String(format!("/api/stripe/webhook/{t}"));
    }
    v.to_string()
}

#[tokio::test]
async fn an_ach_payment_settles_is_refunded_and_survives_a_dispute() {
    let h = harness(SECRET).await;
    let total = 103_379;
    assert_eq!(h.kitchen().await, (InvoiceStatus::Open, PaymentStatus::Processing, 0, 0, total));
    let steps: &[(&str, &str, Kitchen)] = &[
        ("checkout-session-completed-ach", "applied", (InvoiceStatus::Open, PaymentStatus::Processing, 0, 0, total)),
        ("payment-intent-processing", "no_change", (InvoiceStatus::Open, PaymentStatus::Processing, 0, 0, total)),
        ("payment-intent-succeeded", "applied", (InvoiceStatus::Paid, PaymentStatus::Succeeded, 0, total, 0)),
        ("charge-refunded", "applied", (InvoiceStatus::PartiallyPaid, PaymentStatus::Succeeded, 20_000, total - 20_000, 20_000)),
        ("charge-dispute-created", "applied", (InvoiceStatus::Open, PaymentStatus::Disputed, 20_000, 0, total)),
        ("charge-dispute-closed", "applied", (InvoiceStatus::PartiallyPaid, PaymentStatus::Succeeded, 20_000, total - 20_000, 20_000)),
    ];
    for (case, outcome, after) in steps {
        let (status, body) = h.case(case).await;
        assert_eq!((status, body["outcome"].as_str()), (200, Some(*outcome)), "{case}: {body}");
        assert_eq!(h.kitchen().await, *after, "after {case}");
    }
    use portal_domain::outbox::{Notice, OfficeEvent};
    use portal_store::repo::outbox;
    // What these events queued about the kitchen payment (the demo's other payments have
    // their own receipts).
    let queued = outbox::all(h.table.as_ref(), &"ten_brightspark".parse().unwrap()).await.unwrap();
    let kitchen: portal_domain::ids::PaymentId = "pay_kitchen_ach".parse().unwrap();
    let receipts = queued.iter().filter(|e| matches!(&e.message.notice, Notice::Receipt { payment, .. } if *payment == kitchen)).count();
    assert_eq!(receipts, 1, "one receipt, when the money arrived");
    let told = queued
        .iter()
        .filter(|e| {
            matches!(&e.message.notice, Notice::OfficeAlert { about: OfficeEvent::PaymentReceived { payment, .. } } if *payment == kitchen)
        })
        .count();
    assert_eq!(told, 1, "and one notice to the office");
}

#[tokio::test]
async fn a_redelivered_event_is_acknowledged_and_changes_nothing() {
    let h = harness(SECRET).await;
    assert_eq!(h.case("checkout-session-completed-card").await.1["outcome"], "applied");
    let after = h.kitchen().await;
    assert_eq!(h.case("checkout-session-completed-card").await, (200, serde_json::json!({"received": true, "outcome": "duplicate"})));
    assert_eq!(h.kitchen().await, after);
}

#[tokio::test]
async fn every_handled_event_type_has_an_example_that_is_acknowledged() {
    for case in events::cases("stripe-webhook") {
        let h = harness(SECRET).await;
        let (status, body) = h.case(&case).await;
        if case == "bad-signature" {
            assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_signature")), "{case}");
        } else {
            assert_eq!(status, 200, "{case}: {body}");
            assert!(["applied", "no_change", "unknown", "ignored"].contains(&body["outcome"].as_str().unwrap()), "{case}: {body}");
        }
    }
    let types: Vec<String> = events::cases("stripe-webhook")
        .iter()
        .map(|c| {
            serde_json::from_str::<Value>(
                serde_json::from_str::<Value>(&events::raw("stripe-webhook", c)).unwrap()["body"].as_str().unwrap(),
            )
            .unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for handled in stripe_webhook::event::HANDLED {
        assert!(types.iter().any(|t| t == handled), "no example of {handled} in events/stripe-webhook/");
    }
}

#[tokio::test]
async fn bad_missing_stale_and_v0_only_signatures_are_refused_and_change_nothing() {
    let h = harness(SECRET).await;
    let before = h.kitchen().await;
    let v0 = events::raw("stripe-webhook", "checkout-session-completed-card");
    let v: Value = serde_json::from_str(&v0).unwrap();
    let v0_header = v["headers"]["stripe-signature"].as_str().unwrap().replace("v1=", "v0=");
    for (name, payload) in [
        ("bad", events::raw("stripe-webhook", "bad-signature")),
        ("missing", altered("checkout-session-completed-card", None, Some(""), None)),
        ("v0 only", altered("checkout-session-completed-card", None, Some(&v0_header), None)),
    ] {
        let (status, body) = h.deliver(&payload).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_signature")), "{name}");
    }
    h.clock.0.advance(301);
    assert_eq!(h.case("checkout-session-completed-card").await.0, 400, "stale");
    assert_eq!(h.kitchen().await, before);
}

#[tokio::test]
async fn any_configured_secret_verifies_during_a_rotation() {
    let h = harness("whsec_the_new_one, whsec_events_example").await;
    assert_eq!(h.case("checkout-session-completed-card").await.1["outcome"], "applied");
    let only_new = harness("whsec_the_new_one").await;
    assert_eq!(only_new.case("checkout-session-completed-card").await.0, 400);
}

#[tokio::test]
async fn events_for_another_tenant_or_unknown_documents_change_nothing() {
    let h = harness(SECRET).await;
    let before = h.kitchen().await;
    assert_eq!(h.case("other-tenant-metadata").await.1["outcome"], "unknown");
    let elsewhere = altered("checkout-session-completed-card", None, None, Some("ten_someoneelse"));
    assert_eq!(h.deliver(&elsewhere).await.1["outcome"], "unknown", "the metadata names our tenant, the endpoint another");
    let body = events::raw("stripe-webhook", "checkout-session-completed-card");
    let v: Value = serde_json::from_str(&body).unwrap();
    let unknown_invoice = v["body"].as_str().unwrap().replace("inv_kitchen", "inv_nothing");
    assert_eq!(h.deliver(&altered("checkout-session-completed-card", Some(&unknown_invoice), None, None)).await.1["outcome"], "unknown");
    assert_eq!(h.kitchen().await, before);
}

#[tokio::test]
async fn a_signed_body_that_is_not_an_event_is_a_400() {
    let h = harness(SECRET).await;
    let (status, body) = h.deliver(&altered("checkout-session-completed-card", Some("{not json"), None, None)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_event")));
}

/// The receipt a payment queues is sent by send-notifications (woken by the stream event in
/// `events/`), once, to the account's paying contacts.
#[tokio::test]
async fn the_receipt_is_mailed_once_by_send_notifications() {
    let store = portal_embedded::Store::in_memory().unwrap();
    let table: Arc<dyn Table> = Arc::new(store.table());
    portal_local::seed::seed(table.as_ref(), &RandomIds, Timestamp::now(), "https://portal.test").await.unwrap();
    let clock = Arc::new(At(OffsetClock::default()));
    let webhook = stripe_webhook::State {
        table: table.clone(),
        clock: clock.clone(),
        ids: Arc::new(RandomIds),
        secrets: Arc::new(portal_local::keys::LocalSecret(SECRET.into())),
    };
    let resp = webhook.handle(events::request(&events::raw("stripe-webhook", "payment-intent-succeeded")), clock.now()).await;
    assert_eq!(resp.status(), 200);
    let notify = send_notifications::State {
        table: table.clone(),
        mailer: Arc::new(store.mailbox()),
        sms: Arc::new(store.mailbox()),
        clock: Arc::new(portal_domain::ports::SystemClock),
        ids: Arc::new(portal_domain::ports::RandomIds),
    };
    let stream: Value = serde_json::from_str(&events::raw("send-notifications", "outbox-inserts")).unwrap();
    let report = send_notifications::handle(&notify, &stream, Timestamp::now()).await.unwrap();
    assert_eq!((report.sent, report.failed), (2, 0), "the receipt and the office's notice");
    let mail: Vec<Value> = store.mailbox().list(10).unwrap().iter().map(|m| serde_json::to_value(&m.message).unwrap()).collect();
    let receipts: Vec<&Value> = mail.iter().filter(|m| m["subject"].as_str().is_some_and(|s| s.starts_with("Receipt"))).collect();
    assert_eq!(receipts.len(), 1, "{mail:?}");
    assert_eq!(receipts[0]["to"], "dana@example.com");
    assert_eq!(receipts[0]["subject"], "Receipt: $1,033.79 paid to Bright Spark Electric");
    // The receipt's link opens the paid invoice (view only) and lands on the receipt.
    let text = receipts[0]["text"].as_str().unwrap();
    assert!(text.contains("https://portal.test/signin?next=/payments/pay_kitchen_ach#token="), "{text}");
    // Woken again by the stream, or by the schedule: nothing is sent twice.
    assert_eq!(send_notifications::handle(&notify, &stream, Timestamp::now()).await.unwrap().sent, 0);
    let schedule: Value = serde_json::from_str(&events::raw("send-notifications", "schedule")).unwrap();
    assert_eq!(send_notifications::handle(&notify, &schedule, Timestamp::now()).await.unwrap().sent, 0);
    assert_eq!(store.mailbox().list(10).unwrap().len(), mail.len());
}
