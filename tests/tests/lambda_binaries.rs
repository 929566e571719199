//! The built function binaries, booted from their environment alone through a Lambda Runtime
//! API emulator, with DynamoDB, SES and Secrets Manager on moto. `make test` builds them first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use portal_tests::emulator::binary;
use portal_tests::events;
use portal_tests::lambda::{Backend, boot, signed_now, token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_boots_and_answers_from_its_events() {
    let backend = Backend::start().await;
    let f = boot(&binary("auth", false), "auth", backend.env("auth")).await;
    let (status, body) = f.call(events::raw("auth", "tenant-profile")).await;
    assert_eq!((status, body["name"].as_str()), (200, Some("Bright Spark Electric")), "{body}");
    let (status, body) = f.call(events::raw("auth", "request-link-email")).await;
    assert_eq!(status, 202, "{body}");
    let (status, _) = f.call(events::raw("auth", "request-link-invalid")).await;
    assert_eq!(status, 422, "well formed, but not an email address");
    let (status, _) = f.call(events::raw("auth", "exchange-unknown-token")).await;
    assert_eq!(status, 401, "the key is read from Secrets Manager only when needed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_and_approve_boot_and_answer_from_their_events() {
    let backend = Backend::start().await;
    let t = token(&backend.key, "acc_whitfield", "con_dana");
    let view = boot(&binary("view-estimate", false), "view-estimate", backend.env("view-estimate")).await;
    let (status, body) = view.call(events::with_token("view-estimate", "list", &t)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["estimates"].as_array().is_some_and(|l| l.len() >= 5), "{body}");
    let (status, body) = view.call(events::with_token("view-estimate", "get", &t)).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("viewed")), "{body}");

    let invoices = boot(&binary("view-invoice", false), "view-invoice", backend.env("view-invoice")).await;
    let (status, body) = invoices.call(events::with_token("view-invoice", "list", &t)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["invoices"].as_array().is_some_and(|l| l.iter().any(|i| i["number"] == "INV-2031")), "{body}");

    let approve = boot(&binary("approve-estimate", false), "approve-estimate", backend.env("approve-estimate")).await;
    let (status, body) = approve.call(events::with_token("approve-estimate", "approve", &t)).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("approved")), "{body}");
    let (status, body) = approve.call(events::with_token("approve-estimate", "approve", &t)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_approved")));
    let (status, _) = approve.call(events::raw("approve-estimate", "approve")).await;
    assert_eq!(status, 401, "no token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_boots_and_refuses_what_the_rules_refuse() {
    let backend = Backend::start().await;
    let t = token(&backend.key, "acc_whitfield", "con_dana");
    let f = boot(&binary("pay", false), "pay", backend.env("pay")).await;
    let (status, body) = f.call(events::with_token("pay", "pay-invoice-processing", &t)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("payment_processing")), "{body}");
    let (status, body) = f.call(events::with_token("pay", "pay-invoice-invalid", &t)).await;
    assert_eq!((status, body["error"]["fields"]["amount"].is_array()), (422, true), "below the contractor's smallest part: {body}");
    let (status, _) = f.call(events::raw("pay", "pay-invoice")).await;
    assert_eq!(status, 401, "no token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_api_boots_and_serves_staff_only() {
    let backend = Backend::start().await;
    let f = boot(&binary("admin-api", false), "admin-api", backend.env("admin-api")).await;
    let staff = portal_tests::lambda::staff_token(&backend.key, "ten_brightspark", "stf_morgan", "owner");
    let (status, body) = f.call(events::with_token("admin-api", "me", &staff)).await;
    assert_eq!((status, body["business"].as_str()), (200, Some("Bright Spark Electric")), "{body}");
    let (status, body) = f.call(events::with_token("admin-api", "create-customer", &staff)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = f.call(events::with_token("admin-api", "list-customers", &staff)).await;
    assert_eq!((status, body["items"].as_array().map(Vec::len)), (200, Some(2)), "a page of two, from the GSI: {body}");
    let customer = token(&backend.key, "acc_whitfield", "con_dana");
    assert_eq!(f.call(events::with_token("admin-api", "me", &customer)).await.0, 401);
}

/// The media function on moto's S3 and DynamoDB: a presigned upload, sent as a browser
/// sends it, becomes the contractor's logo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_boots_and_turns_an_upload_into_the_logo() {
    use base64::Engine;
    let backend = Backend::start().await;
    let f = boot(&binary("media", false), "media", backend.env("media")).await;
    let owner = portal_tests::lambda::staff_token(&backend.key, "ten_brightspark", "stf_morgan", "owner");
    let png = base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
        .unwrap();
    let mut start: serde_json::Value = serde_json::from_str(&events::with_token("media", "start-upload", &owner)).unwrap();
    start["body"] = serde_json::json!({"purpose": "logo", "content_type": "image/png", "size": png.len()}).to_string().into();
    let (status, ticket) = f.call(start.to_string()).await;
    assert_eq!(status, 200, "{ticket}");
    let headers: Vec<(String, String)> = serde_json::from_value(ticket["headers"].clone()).unwrap();
    let sent = portal_tests::lambda::send_signed("PUT", ticket["url"].as_str().unwrap(), &headers, &png).await;
    assert_eq!(sent, 200);
    let mut use_it: serde_json::Value = serde_json::from_str(&events::with_token("media", "use-logo", &owner)).unwrap();
    use_it["body"] = serde_json::json!({ "upload": ticket["upload"] }).to_string().into();
    let (status, logo) = f.call(use_it.to_string()).await;
    assert_eq!(status, 200, "{logo}");
    assert!(logo["logo_url"].as_str().unwrap().starts_with("https://portal.test/media/ten_brightspark/logo-"), "{logo}");
    let (status, body) = f.call(events::with_token("media", "start-upload-invalid", &owner)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(f.call(events::raw("media", "start-upload")).await.0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_webhook_boots_and_posts_an_event_once() {
    let backend = Backend::start().await;
    let f = boot(&binary("stripe-webhook", false), "stripe-webhook", backend.env("stripe-webhook")).await;
    let (status, body) = f.call(signed_now("checkout-session-completed-card")).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("applied")), "{body}");
    let (status, body) = f.call(signed_now("checkout-session-completed-card")).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("duplicate")), "{body}");
    let (status, body) = f.call(signed_now("charge-refunded")).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("applied")), "found by its PaymentIntent: {body}");
    let (status, _) = f.call(events::raw("stripe-webhook", "bad-signature")).await;
    assert_eq!(status, 400);

    // The receipt that payment queued, and the office's notice of it, go out through SES
    // (moto), once each.
    let notify = boot(&binary("send-notifications", false), "send-notifications", backend.env("send-notifications")).await;
    let report = notify.call_raw(events::raw("send-notifications", "outbox-inserts")).await;
    assert_eq!(report, serde_json::json!({"sent": 2, "failed": 0, "skipped": 0}));
    let report = notify.call_raw(events::raw("send-notifications", "schedule")).await;
    assert_eq!(report["sent"], 0, "the schedule finds nothing left to send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_missing_its_configuration_stops_and_says_why() {
    let mut f = boot(&binary("view-estimate", false), "view-estimate", vec![("TABLE_NAME".into(), "t".into())]).await;
    let status = tokio::time::timeout(Duration::from_secs(20), f.child.wait()).await.expect("exits").expect("status");
    assert!(!status.success());
    let mut stderr = String::new();
    use tokio::io::AsyncReadExt;
    f.child.stderr.take().unwrap().read_to_string(&mut stderr).await.unwrap();
    assert!(stderr.contains("AUTH_PUBLIC_KEYS"), "{stderr}");
}

/// Runs `portal-local create-contractor` against the moto stack, as an engineer would after
/// `sam deploy`, with the SDK's usual configuration from the environment.
fn create_contractor(backend: &Backend, slug: &str) -> std::process::Output {
    std::process::Command::new(binary("portal-local", false))
        .args(["create-contractor", "--table", &backend.table, "--portal-url", "https://portal.acme.example", "--slug", slug])
        .args(["--name", "Acme Electric", "--owner-name", "Ada Acme", "--owner-email", "ada@acme.example", "--time-zone", "America/Denver"])
        .env("AWS_ENDPOINT_URL", &backend.moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .output()
        .expect("portal-local runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployed_stack_gets_its_contractor_and_owner_from_one_command() {
    let backend = Backend::start().await;
    let made = create_contractor(&backend, "acme-electric");
    let out = String::from_utf8_lossy(&made.stdout).to_string();
    assert!(made.status.success(), "{out}{}", String::from_utf8_lossy(&made.stderr));
    assert!(out.contains("https://portal.acme.example/admin/signin#token=ten_"), "the owner's first link: {out}");
    // The owner can use it: the auth function on the same stack spends it for an admin session.
    let token = out.split("#token=").nth(1).and_then(|t| t.split_whitespace().next()).unwrap().to_string();
    let auth = boot(&binary("auth", false), "auth", backend.env("auth")).await;
    let mut event: serde_json::Value = serde_json::from_str(&events::raw("auth", "exchange-unknown-token")).unwrap();
    event["body"] = serde_json::json!({ "token": token }).to_string().into();
    event["isBase64Encoded"] = false.into();
    let (status, body) = auth.call(event.to_string()).await;
    assert_eq!((status, body["audience"].as_str(), body["role"].as_str()), (200, Some("admin"), Some("owner")), "{body}");
    // A slug that exists is refused, and nothing is written twice.
    let again = create_contractor(&backend, "acme-electric");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}
