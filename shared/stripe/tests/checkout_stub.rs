//! The Stripe adapter against an HTTP stub that answers with Stripe's own example objects
//! (`tests/fixtures/objects.json`, copied from the fixtures beside the checkout) and records the
//! form-encoded requests we send.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use portal_domain::payments::{CheckoutMethod, CheckoutRequest, CustomerRequest, Payments, Purpose};
use portal_domain::ports::{PortError, SecretSource};
use portal_stripe::payments::StripePayments;

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: String,
    idempotency_key: String,
    form: Vec<(String, String)>,
}

struct Key;

#[async_trait::async_trait]
impl SecretSource for Key {
    async fn secret(&self) -> Result<String, PortError> {
        Ok("sk_test_stub\n".into())
    }
}

fn objects() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/objects.json")).unwrap()
}

/// Percent-decoding of a form value (`a%5Bb%5D=c+d`).
fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// A stub on a free loopback port; every request is recorded.
async fn stub(status: u16) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let record = record.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let record = record.clone();
                    async move {
                        let header = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                        let (method, path) = (req.method().to_string(), req.uri().path().to_string());
                        let (authorization, idempotency_key) = (header("authorization"), header("idempotency-key"));
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let form = String::from_utf8_lossy(&body)
                            .split('&')
                            .filter(|kv| !kv.is_empty())
                            .map(|kv| {
                                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                                (decode(k), decode(v))
                            })
                            .collect();
                        record.lock().unwrap().push(Seen { method, path: path.clone(), authorization, idempotency_key, form });
                        let o = objects();
                        let answer = if status != 200 {
                            serde_json::json!({"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}})
                        } else if path == "/v1/checkout/sessions" {
                            o["checkout.session"].clone()
                        } else {
                            o["customer"].clone()
                        };
                        let mut r = hyper::Response::new(Full::new(Bytes::from(answer.to_string())));
                        *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                        r.headers_mut().insert("content-type", "application/json".parse().unwrap());
                        Ok::<_, Infallible>(r)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    (base, seen)
}

fn request() -> CheckoutRequest {
    CheckoutRequest {
        tenant: "ten_brightspark".into(),
        account: "acc_whitfield".into(),
        document: "inv_service".into(),
        purpose: Purpose::Invoice,
        payment: "pay_01JTEST".into(),
        amount: 33_361,
        currency: "usd".into(),
        description: "Invoice INV-2040 from Bright Spark Electric".into(),
        methods: vec![CheckoutMethod::Card, CheckoutMethod::UsBankAccount],
        customer: Some("cus_QXg1o8vcGmoR32".into()),
        success_url: "https://portal.example/payments/pay_01JTEST".into(),
        cancel_url: "https://portal.example/invoices/inv_service".into(),
        idempotency_key: "checkout-ten_brightspark-pay_01JTEST".into(),
    }
}

fn field<'a>(s: &'a Seen, key: &str) -> Option<&'a str> {
    s.form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn checkout_sends_our_amount_metadata_methods_and_idempotency_key() {
    let (base, seen) = stub(200).await;
    let stripe = StripePayments::with_base_url(Arc::new(Key), base);
    let checkout = stripe.checkout(&request()).await.unwrap();
    let fixture = objects();
    assert_eq!(checkout.id, fixture["checkout.session"]["id"].as_str().unwrap());
    assert_eq!(checkout.url, fixture["checkout.session"]["url"].as_str().unwrap());

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!((s.method.as_str(), s.path.as_str()), ("POST", "/v1/checkout/sessions"));
    assert_eq!(s.authorization, "Bearer sk_test_stub", "the key, trimmed");
    assert_eq!(s.idempotency_key, "checkout-ten_brightspark-pay_01JTEST");
    let expect = [
        ("mode", "payment"),
        ("line_items[0][quantity]", "1"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", "33361"),
        ("line_items[0][price_data][product_data][name]", "Invoice INV-2040 from Bright Spark Electric"),
        ("allowed_payment_method_types[0]", "card"),
        ("allowed_payment_method_types[1]", "us_bank_account"),
        ("customer", "cus_QXg1o8vcGmoR32"),
        ("saved_payment_method_options[payment_method_save]", "enabled"),
        ("client_reference_id", "pay_01JTEST"),
        ("success_url", "https://portal.example/payments/pay_01JTEST"),
        ("cancel_url", "https://portal.example/invoices/inv_service"),
        ("metadata[tenant]", "ten_brightspark"),
        ("metadata[account]", "acc_whitfield"),
        ("metadata[document]", "inv_service"),
        ("metadata[purpose]", "invoice"),
        ("metadata[payment]", "pay_01JTEST"),
        ("payment_intent_data[metadata][payment]", "pay_01JTEST"),
        ("payment_intent_data[metadata][document]", "inv_service"),
    ];
    for (k, v) in expect {
        assert_eq!(field(s, k), Some(v), "{k} in {:?}", s.form);
    }
}

#[tokio::test]
async fn customers_are_made_once_per_key_and_stripe_errors_are_port_errors() {
    let (base, seen) = stub(200).await;
    let stripe = StripePayments::with_base_url(Arc::new(Key), base);
    let req = CustomerRequest {
        tenant: "ten_brightspark".into(),
        account: "acc_whitfield".into(),
        name: "Dana Whitfield".into(),
        email: Some("dana@example.com".into()),
        idempotency_key: "customer-ten_brightspark-acc_whitfield".into(),
    };
    assert_eq!(stripe.create_customer(&req).await.unwrap(), "cus_QXg1o8vcGmoR32");
    let s = seen.lock().unwrap()[0].clone();
    assert_eq!((s.path.as_str(), s.idempotency_key.as_str()), ("/v1/customers", "customer-ten_brightspark-acc_whitfield"));
    assert_eq!((field(&s, "email"), field(&s, "metadata[account]")), (Some("dana@example.com"), Some("acc_whitfield")));

    let (base, _) = stub(500).await;
    let failing = StripePayments::with_base_url(Arc::new(Key), base);
    let err = failing.checkout(&request()).await.unwrap_err();
    assert!(err.to_string().contains("Checkout session"), "{err}");
}
