//! Handlers driven by the `events/` payloads, on the embedded store with the demo data. Also
//! checks the round-trip budgets of DESIGN.md §9 by counting calls to the Table port.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use portal_store::Table;
use portal_tests::events;
use serde_json::Value;

use portal_tests::harness::{Harness, every_port, harness};

/// The adoption counters the events kept equal a recount of every customer's records, for
/// both demo contractors.
async fn counters_match_a_recount(table: &dyn Table) {
    for t in [portal_local::seed::TENANT, portal_local::seed::SECOND_TENANT] {
        let tenant = portal_store::repo::parties::get_tenant(table, &t.parse().unwrap()).await.unwrap().unwrap();
        let kept = portal_app::stats::stored(table, &tenant.id).await.unwrap();
        let recount = portal_app::stats::summed(&portal_app::stats::recount(table, &tenant).await.unwrap());
        assert!(!kept.0.is_empty(), "{t} keeps counters");
        assert_eq!(kept, recount, "{t}: the counters and a recount");
    }
}

#[tokio::test]
async fn the_seeded_demo_counts_what_its_records_hold() {
    let h = harness().await;
    counters_match_a_recount(h.table.as_ref()).await;
    let tenant = portal_store::repo::parties::get_tenant(h.table.as_ref(), &"ten_brightspark".parse().unwrap()).await.unwrap().unwrap();
    h.table.take();
    let figures =
        portal_app::stats::figures(h.table.as_ref(), &tenant, portal_domain::ports::Clock::now(&portal_domain::ports::SystemClock))
            .await
            .unwrap();
    assert_eq!(h.table.take(), 3, "the figures are three Queries");
    assert_eq!(figures.contacts, 4, "Dana, Alex, Priya and Sam");
    let approved: u32 = figures.months.iter().map(|m| m.estimates_approved_in_portal).sum();
    assert_eq!(approved, 2, "the kitchen and bathroom fan estimates, signed in the portal");
    assert_eq!(figures.hours_to_approve.portal_count, 2);
}

#[tokio::test]
async fn every_event_gets_its_expected_answer() {
    let cases: &[(&str, &str, bool, u16)] = &[
        ("auth", "request-link-email", false, 202),
        ("auth", "request-link-phone", false, 202),
        ("auth", "request-link-staff", false, 202),
        ("auth", "request-link-invalid", false, 422),
        ("auth", "exchange-unknown-token", false, 401),
        ("auth", "link-info-unknown-token", false, 401),
        ("auth", "resend", false, 202),
        ("auth", "refresh-unknown-session", false, 401),
        ("auth", "signout", false, 200),
        ("auth", "tenant-profile", false, 200),
        ("view-estimate", "list", true, 200),
        ("view-estimate", "get", true, 200),
        ("view-estimate", "get-malformed-id", true, 404),
        ("approve-estimate", "approve-invalid", true, 422),
        ("view-invoice", "list", true, 200),
        ("view-invoice", "get", true, 200),
        ("view-invoice", "get-unknown", true, 404),
        ("view-invoice", "payments", true, 200),
        ("view-invoice", "payment", true, 200),
        ("pay", "pay-invoice", true, 200),
        ("pay", "pay-invoice-partial", true, 200),
        ("pay", "pay-invoice-processing", true, 409),
        ("pay", "pay-invoice-invalid", true, 422),
        ("pay", "pay-deposit", true, 409),
        ("pay", "buy-credit", true, 200),
        ("pay", "pay-balance", true, 200),
        ("pay", "apply-credit", true, 409),
        ("approve-estimate", "request-changes", true, 200),
        ("approve-estimate", "request-update", true, 200),
        ("view-jobs", "home", true, 200),
        ("view-jobs", "list", true, 200),
        ("view-jobs", "get", true, 200),
        ("view-jobs", "get-unknown", true, 404),
        ("view-jobs", "calendar", true, 200),
        ("view-jobs", "properties", true, 200),
        ("manage-visit", "confirm-completed", true, 409),
        ("manage-visit", "reschedule-invalid", true, 422),
        ("manage-visit", "confirm", true, 200),
        ("manage-visit", "reschedule", true, 201),
        ("manage-visit", "cancel", true, 409),
        ("work-request", "form", true, 200),
        ("work-request", "list", true, 200),
        ("work-request", "get", true, 200),
        ("work-request", "create", true, 201),
        ("work-request", "create-invalid", true, 400),
    ];
    let h = harness().await;
    let token = h.dana();
    for (function, case, signed, expected) in cases {
        let payload = if *signed { events::with_token(function, case, &token) } else { events::raw(function, case) };
        let (status, body) = h.call(function, &payload).await;
        assert_eq!(status, *expected, "{function}/{case}: {body}");
        if status >= 400 {
            assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{function}/{case}: error shape {body}");
        }
    }
    // The link requests reached the mailbox through the outbox: an email for Dana and Morgan,
    // a text for Sam.
    h.deliver().await;
    counters_match_a_recount(h.table.as_ref()).await;
    let sent = h.store.mailbox().list(10).unwrap();
    let to: Vec<String> =
        sent.iter().map(|d| serde_json::to_value(&d.message).unwrap()["to"].as_str().unwrap_or_default().to_string()).collect();
    assert!(to.contains(&"dana@example.com".to_string()), "{to:?}");
    assert!(to.contains(&"morgan@brightspark.example".to_string()), "{to:?}");
    assert!(to.contains(&"+15125550188".to_string()), "{to:?}");
}

/// The office's jobs routes and the technician's, in the order an office works, on the demo.
#[tokio::test]
async fn the_office_runs_jobs_and_visits() {
    let h = harness().await;
    let owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let cases: &[(&str, u16)] = &[
        ("list-jobs", 200),
        ("list-jobs-invalid", 400),
        ("schedule", 200),
        ("schedule-technician", 200),
        ("customer-jobs", 200),
        ("get-job", 200),
        ("create-job", 201),
        ("edit-job", 200),
        ("complete-unscheduled-job", 409),
        ("schedule-visit", 201),
        ("schedule-visit-past", 422),
        ("schedule-visit-long-notes", 422),
        ("edit-visit", 200),
        ("move-visit", 200),
        ("depart", 200),
        ("depart-invalid", 422),
        ("hold-job", 200),
        ("cancel-visit", 200),
        ("decline-request", 200),
        ("decline-request", 409),
        ("add-equipment", 201),
        ("create-agreement", 201),
        ("edit-equipment", 200),
        ("edit-equipment-invalid", 422),
        ("remove-equipment", 200),
        ("remove-equipment", 404),
        ("cancel-agreement", 200),
        ("cancel-agreement", 409),
        ("tech-visits", 200),
        ("arrive", 200),
        ("finish", 200),
        ("staff-profile", 200),
    ];
    for (case, expected) in cases {
        let (status, body) = h.call("admin-api", &events::with_token("admin-api", case, &owner)).await;
        assert_eq!(status, *expected, "admin-api/{case}: {body}");
        if status >= 400 {
            assert!(body["error"]["code"].is_string(), "admin-api/{case}: error shape {body}");
        }
    }
    // The schedule comes from the indexes: the visit moved to 2099 is on its new day.
    let (_, job) = h.call("admin-api", &events::with_token("admin-api", "get-job", &owner)).await;
    assert_eq!(job["job"]["status"], "completed", "Completed with the job: {job}");
    assert_eq!(job["visits"][0]["installed"][0]["kind"], "Bathroom exhaust fan");
    // A technician acts only on visits assigned to them; the office's routes are not theirs.
    let stranger = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_taylor", "technician");
    for case in ["depart", "arrive", "finish"] {
        assert_eq!(h.call("admin-api", &events::with_token("admin-api", case, &stranger)).await.0, 403, "{case} by another technician");
    }
    for case in ["create-job", "schedule-visit", "move-visit", "cancel-visit", "hold-job", "add-equipment"] {
        assert_eq!(h.call("admin-api", &events::with_token("admin-api", case, &stranger)).await.0, 403, "{case} by a technician");
    }
    let casey = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    let (status, mine) = h.call("admin-api", &events::with_token("admin-api", "tech-visits", &casey)).await;
    assert_eq!(status, 200);
    let tomorrow: Vec<&str> = mine["days"][1]["visits"].as_array().unwrap().iter().filter_map(|v| v["visit"].as_str()).collect();
    assert!(tomorrow.contains(&"vis_laundry_2"), "Casey's tomorrow: {mine}");
    assert!(mine.to_string().contains("maps_url"), "with a maps link");
    let (status, _) = h.call("admin-api", &events::with_token("admin-api", "schedule", &casey)).await;
    assert_eq!(status, 403, "a technician sees their own schedule only");
    // What reached customers: Sam's move by text, Dana's cancellation by email with the file.
    h.deliver().await;
    let sent = h.store.mailbox().list(50).unwrap();
    let all = serde_json::to_string(&sent.iter().map(|d| &d.message).collect::<Vec<_>>()).unwrap();
    assert!(all.contains("moved to"), "the move was texted: {all}");
    assert!(all.contains("BEGIN:VCALENDAR"), "visit emails carry the calendar file");
    assert!(all.contains("answered your request"), "a declined request is told to the customer with the office's message: {all}");
    assert!(all.contains("we will work around the move"), "with the office's words");
}

#[tokio::test]
async fn a_link_request_does_the_same_work_whether_or_not_the_address_is_on_file() {
    let h = harness().await;
    let ask = |email: &str| {
        let body = serde_json::json!({"tenant": "bright-spark", "email": email}).to_string();
        let mut event: Value = serde_json::from_str(&events::raw("auth", "request-link-email")).unwrap();
        event["body"] = body.into();
        event.to_string()
    };
    let mut answers = vec![];
    for email in ["dana@example.com", "nobody@example.com", "alex@harborview.example", "alsonobody@example.com"] {
        h.table.take();
        let (status, body) = h.call("auth", &ask(email)).await;
        answers.push((email, status, body, h.table.take()));
    }
    let (_, status, body, calls) = &answers[0];
    for (email, s, b, c) in &answers {
        assert_eq!((s, b, c), (status, body, calls), "{email}: the answer and the round trips are the same for everyone");
    }
    assert_eq!(*calls, 4, "tenant, two rate limits, one outbox write");
    h.deliver().await;
    let to: Vec<String> =
        h.store.mailbox().list(10).unwrap().iter().map(|d| serde_json::to_value(&d.message).unwrap()["to"].to_string()).collect();
    assert_eq!(to.len(), 2, "the sender mailed the two on file: {to:?}");
}

#[tokio::test]
async fn every_event_file_is_covered_and_names_a_template_route() {
    let routes = portal_local::routes::from_template(portal_local::routes::TEMPLATE).unwrap();
    for function in portal_local::registry::http_names() {
        for case in events::cases(function) {
            let v: Value = serde_json::from_str(&events::raw(function, &case)).unwrap();
            let key = v["routeKey"].as_str().unwrap();
            assert!(
                routes.iter().any(|r| r.function == function && r.key() == key),
                "{function}/{case}: {key} is not a route of {function}"
            );
        }
    }
}

#[tokio::test]
async fn events_without_a_session_are_refused() {
    let h = harness().await;
    for (function, case) in [("view-estimate", "list"), ("view-estimate", "get"), ("approve-estimate", "approve")] {
        let (status, body) = h.call(function, &events::raw(function, case)).await;
        assert_eq!(status, 401, "{function}/{case}: {body}");
    }
}

#[tokio::test]
async fn reads_take_one_round_trip_and_decisions_two() {
    let h = harness().await;
    let token = h.dana();
    let (status, _) = h.call("view-estimate", &events::with_token("view-estimate", "list", &token)).await;
    assert_eq!(status, 200);
    assert_eq!(h.table.take(), 1, "list: one Query");

    let (status, body) = h.call("view-estimate", &events::with_token("view-estimate", "get", &token)).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("viewed")));
    assert_eq!(h.table.take(), 2, "first view: the Query and the transaction that records the view");
    h.call("view-estimate", &events::with_token("view-estimate", "get", &token)).await;
    assert_eq!(h.table.take(), 1, "later views: one Query");

    let (status, body) = h.call("approve-estimate", &events::with_token("approve-estimate", "approve", &token)).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("approved")), "{body}");
    assert_eq!(h.table.take(), 2, "approve: the Query and one transaction");

    let (status, body) = h.call("approve-estimate", &events::with_token("approve-estimate", "approve", &token)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_approved")));
    assert_eq!(h.table.take(), 1, "a refused approval reads once and writes nothing");
}

#[tokio::test]
async fn invoices_show_what_is_owed_in_one_round_trip() {
    let h = harness().await;
    let token = h.dana();
    let (status, body) = h.call("view-invoice", &events::with_token("view-invoice", "list", &token)).await;
    assert_eq!(h.table.take(), 1, "list: one Query");
    assert_eq!(status, 200);
    let list = body["invoices"].as_array().unwrap();
    assert!(list.iter().any(|i| i["number"] == "INV-2031"), "{body}");
    let owed: i64 = list.iter().map(|i| i["balance"].as_i64().unwrap() - i["processing"].as_i64().unwrap()).sum();
    let on_its_way: i64 = list.iter().map(|i| i["processing"].as_i64().unwrap()).sum();
    assert_eq!(body["balance_due"], serde_json::json!([{"amount": owed, "currency": "USD"}]));
    assert_eq!(body["processing"], serde_json::json!([{"amount": on_its_way, "currency": "USD"}]));
    assert!(on_its_way > 0, "INV-2031's bank debit is on its way");
    let (status, body) = h.call("view-invoice", &events::with_token("view-invoice", "get", &token)).await;
    assert_eq!(h.table.take(), 2, "one invoice: one Query of the account, and the tenant's payment rules");
    assert_eq!(body["pay"]["payable"], 0, "the whole balance is on its way by ACH: {body}");
    assert_eq!(
        (status, body["payments"][0]["status"].as_str(), body["ledger"]["pending"].as_i64()),
        (200, Some("processing"), Some(103_379))
    );
    let other = h.token("acc_harbor", "con_alex", "approver", "portal");
    let (status, _) = h.call("view-invoice", &events::with_token("view-invoice", "get", &other)).await;
    assert_eq!(status, 404, "another account's invoice does not exist for them");
    let document_only = h.token("acc_whitfield", "con_dana", "approver", "estimate:est_panel:view,sign");
    let (status, _) = h.call("view-invoice", &events::with_token("view-invoice", "list", &document_only)).await;
    assert_eq!(status, 403, "an estimate link reaches no invoice");
}

/// Paying goes through the Payments port with server-computed amounts and our metadata; the
/// payment is recorded (counting for nothing) before Stripe hears of it.
#[tokio::test]
async fn paying_opens_checkout_for_what_the_rules_allow() {
    let h = harness().await;
    let token = h.dana();
    let (status, body) = h.call("pay", &events::with_token("pay", "pay-invoice", &token)).await;
    assert_eq!(status, 200, "{body}");
    let service_total = 14_500 + 6_800 + 11_500 + 561; // 8.25 % tax on the breaker
    assert_eq!((body["amount"].as_i64(), body["purpose"].as_str()), (Some(service_total), Some("invoice")), "{body}");
    let url = body["checkout_url"].as_str().unwrap();
    let session = h.simulator.session(url.rsplit('/').next().unwrap()).unwrap();
    let r = &session.request;
    assert_eq!((r.document.as_str(), r.account.as_str(), r.tenant.as_str()), ("inv_service", "acc_whitfield", "ten_brightspark"));
    assert_eq!(r.methods, vec![portal_domain::payments::CheckoutMethod::Card], "bank debit is offered from $500 only");
    assert_eq!(r.success_url, format!("https://portal.test/payments/{}", body["payment"].as_str().unwrap()));
    assert!(r.customer.is_some(), "a Stripe customer is made for saved methods");
    // The started payment is not shown as paid or pending anywhere.
    let get = events::with_token("view-invoice", "get", &token).replace("inv_kitchen", "inv_service");
    let (_, invoice) = h.call("view-invoice", &get).await;
    assert_eq!((invoice["ledger"]["pending"].as_i64(), invoice["payments"].as_array().map(Vec::len)), (Some(0), Some(0)), "{invoice}");

    // A part of the generator invoice, with ACH offered for it.
    let (status, body) = h.call("pay", &events::with_token("pay", "pay-invoice-partial", &token)).await;
    assert_eq!((status, body["amount"].as_i64()), (200, Some(50_000)), "{body}");
    // Not above the balance, not below the minimum, not negative, not a string.
    // JSON has one number type: 50000.0 is 50000. A key given twice is refused, not guessed.
    for (body, expected) in [(r#"{"amount":50000.0}"#, 200), (r#"{"amount":50000,"amount":1}"#, 400), (r#"{"amount":50000.5}"#, 400)] {
        let mut event: Value = serde_json::from_str(&events::with_token("pay", "pay-invoice-partial", &token)).unwrap();
        event["body"] = Value::String(body.into());
        let (status, answer) = h.call("pay", &event.to_string()).await;
        assert_eq!(status, expected, "{body}: {answer}");
    }
    // Outside the document's limits: 400; within them but above this balance: 422.
    for (bad, expected) in
        [(r#"{"amount":-5}"#, 400), (r#"{"amount":99999999}"#, 422), (r#"{"amount":"10"}"#, 400), (r#"{"tip":1}"#, 400), ("not json", 400)]
    {
        let mut event: Value = serde_json::from_str(&events::with_token("pay", "pay-invoice-partial", &token)).unwrap();
        event["body"] = Value::String(bad.into());
        let (status, body) = h.call("pay", &event.to_string()).await;
        assert_eq!(status, expected, "{bad}: {body}");
    }
    // A viewer cannot pay; a read-only view cannot pay; another account's invoice is not there.
    let viewer = h.token("acc_whitfield", "con_dana", "viewer", "portal");
    assert_eq!(h.call("pay", &events::with_token("pay", "pay-invoice", &viewer)).await.0, 403);
    let other = h.token("acc_harbor", "con_alex", "approver", "portal");
    assert_eq!(h.call("pay", &events::with_token("pay", "pay-invoice", &other)).await.0, 404);
    // An estimate link reaches that estimate's deposit (not approved yet: 409) and no invoice.
    let link = h.token("acc_whitfield", "con_dana", "approver", "estimate:est_panel:view,sign");
    let (status, body) = h.call("pay", &events::with_token("pay", "pay-deposit", &link)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_approved")));
    assert_eq!(h.call("pay", &events::with_token("pay", "pay-invoice", &link)).await.0, 404);
    assert_eq!(h.call("pay", &events::with_token("pay", "buy-credit", &link)).await.0, 403);
    assert_eq!(h.call("pay", &events::with_token("pay", "pay-balance", &link)).await.0, 403, "a link to one document pays that one");
    assert_eq!(h.call("pay", &events::with_token("pay", "pay-balance", &viewer)).await.0, 403, "a viewer does not pay");
    let view_only = h.token("acc_whitfield", "con_dana", "approver", "estimate:est_panel:view");
    assert_eq!(h.call("pay", &events::with_token("pay", "pay-deposit", &view_only)).await.0, 403);
}

/// The owner of the second demo contractor (Northside Plumbing & Heating): a tenant with
/// customers, estimates and invoices of its own, so a query that forgot the tenant would show.
fn stranger_token(h: &Harness) -> String {
    portal_tests::lambda::staff_token(&h.key, portal_local::seed::SECOND_TENANT, portal_local::seed::SECOND_STAFF, "owner")
}

/// Every admin event with a staff token, as owner; and the walls around the admin routes:
/// customer tokens, technicians, another contractor's staff.
#[tokio::test]
async fn admin_routes_answer_staff_of_this_contractor_only() {
    let h = harness().await;
    let owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let cases: &[(&str, u16)] = &[
        ("me", 200),
        ("list-customers", 200),
        ("create-customer", 201),
        ("create-customer-invalid", 422),
        ("get-customer", 200),
        ("add-contact", 201),
        ("add-property", 201),
        ("edit-contact", 200),
        ("remove-contact", 200),
        ("remove-contact", 404),
        ("remove-last-contact", 409),
        ("edit-property", 200),
        ("remove-property-in-use", 409),
        ("create-invoice", 201),
        ("create-invoice-from-invoiced-estimate", 409),
        ("get-invoice", 200),
        ("record-payment", 201),
        ("send-invoice", 200),
        ("void-invoice", 200),
        ("audit", 200),
        ("list-invoices", 200),
        ("create-estimate", 201),
        ("create-estimate-invalid", 422),
        ("get-estimate", 200),
        ("edit-estimate", 200),
        ("send-estimate", 200),
        ("edit-estimate", 409),
        ("send-estimate", 200),
        ("revise-estimate", 200),
        ("void-estimate", 200),
        ("move-deposit", 409),
        ("record-approval-future", 422),
        ("invite-contact", 200),
        ("withdraw-links", 200),
        ("contact-access-off", 200),
        ("list-staff", 200),
        ("invite-staff", 201),
        ("invite-staff", 409),
        ("remove-staff", 200),
        ("get-settings", 200),
        ("put-settings", 200),
        ("adoption", 200),
        ("document-audit", 200),
        ("list-estimates", 200),
    ];
    for (case, expected) in cases {
        let (status, body) = h.call("admin-api", &events::with_token("admin-api", case, &owner)).await;
        assert_eq!(status, *expected, "admin-api/{case}: {body}");
    }
    let (_, created) = h.call("admin-api", &events::with_token("admin-api", "create-invoice", &owner)).await;
    assert_eq!(created["invoice"]["number"], "INV-2046", "numbers continue from the demo's (2045 was the first create)");
    let (_, found) = h.call("admin-api", &events::with_token("admin-api", "search-customers", &owner)).await;
    let names: Vec<&str> = found["items"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["Harbor View Property Management"], "by the start of the name, any case");
    let (_, none) = h.call("admin-api", &events::with_token("admin-api", "search-customers", &stranger_token(&h))).await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0), "another contractor's staff find nothing");
    let (_, page) = h.call("admin-api", &events::with_token("admin-api", "list-customers", &owner)).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    assert!(page["next"].is_string(), "more customers on the next page");
    let (_, log) = h.call("admin-api", &events::with_token("admin-api", "audit", &owner)).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        &actions[..6],
        ["invoice.issued", "estimate.voided", "estimate.revised", "estimate.resent", "estimate.sent", "estimate.edited"],
        "newest first: {actions:?}"
    );
    // Only the owner changes staff and settings.
    let office = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office");
    for case in ["invite-staff", "remove-staff", "put-settings"] {
        assert_eq!(h.call("admin-api", &events::with_token("admin-api", case, &office)).await.0, 403, "{case} as office staff");
    }
    let (_, history) = h.call("admin-api", &events::with_token("admin-api", "document-audit", &office)).await;
    let kitchen: Vec<&str> = history["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    // The demo is made through the use cases, so its history is the one real requests leave.
    assert_eq!(
        kitchen,
        ["estimate.approved", "estimate.viewed", "estimate.sent", "estimate.created"],
        "the demo kitchen estimate's history"
    );
    let (status, history) = h.call("admin-api", &events::with_token("admin-api", "document-audit", &stranger_token(&h))).await;
    assert_eq!((status, history["items"].as_array().map(Vec::len)), (200, Some(0)), "another contractor's staff see nothing");
    let (_, approved) = h.call("admin-api", &events::with_token("admin-api", "list-estimates", &office)).await;
    let numbers: Vec<&str> = approved["items"].as_array().unwrap().iter().filter_map(|e| e["number"].as_str()).collect();
    assert!(numbers.contains(&"E-1007") && numbers.contains(&"E-1012"), "the demo's approved estimates: {numbers:?}");
    let (_, settings) = h.call("admin-api", &events::with_token("admin-api", "get-settings", &office)).await;
    assert_eq!(settings["welcome_message"], "Thanks for choosing Bright Spark.");
    let mut bad: Value = serde_json::from_str(&events::with_token("admin-api", "put-settings", &owner)).unwrap();
    bad["body"] = Value::String(r##"{"name":"","primary_color":"blue","accent_color":"#f5a524","logo_url":"javascript:alert(1)","support_email":null,"support_phone":null,"welcome_message":"","time_zone":"Mars/Olympus","currency":"USD","locale":"en US","sections":{"estimates":true,"invoices":true,"payments":true},"payments":{"partial_allowed":true,"partial_minimum":-1,"default_deposit":null,"ach_minimum":null,"card_fee_disclosure":null,"credit_minimum":1000,"credit_maximum":10}}"##.into());
    let (status, body) = h.call("admin-api", &bad.to_string()).await;
    assert_eq!(status, 422, "{body}");
    for field in ["name", "primary_color", "logo_url", "time_zone", "locale", "payments.partial_minimum", "payments.credit_maximum"] {
        assert!(body["error"]["fields"][field].is_array(), "{field} in {body}");
    }

    // A customer token never reaches an admin route; neither does no token.
    for case in events::cases("admin-api") {
        let (status, _) = h.call("admin-api", &events::with_token("admin-api", &case, &h.dana())).await;
        assert_eq!(status, 401, "{case} with a customer token");
        assert_eq!(h.call("admin-api", &events::raw("admin-api", &case)).await.0, 401, "{case} without a token");
    }
    // A technician reads but does not change.
    let tech = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    assert_eq!(h.call("admin-api", &events::with_token("admin-api", "get-customer", &tech)).await.0, 200);
    for case in [
        "create-customer",
        "add-contact",
        "edit-contact",
        "remove-contact",
        "edit-property",
        "create-invoice",
        "record-payment",
        "send-invoice",
        "void-invoice",
        "create-estimate",
        "send-estimate",
        "move-deposit",
        "record-approval-future",
        "invite-contact",
        "withdraw-links",
        "invite-staff",
        "put-settings",
    ] {
        assert_eq!(h.call("admin-api", &events::with_token("admin-api", case, &tech)).await.0, 403, "{case} as a technician");
    }
    // Staff of another contractor see nothing of this one's.
    let stranger = stranger_token(&h);
    let (status, page) = h.call("admin-api", &events::with_token("admin-api", "list-customers", &stranger)).await;
    let names: Vec<&str> = page["items"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!((status, names), (200, vec!["Erik Lindqvist", "Pinecrest Condominiums"]), "only its own customers");
    for case in [
        "get-customer",
        "add-contact",
        "add-property",
        "edit-contact",
        "remove-contact",
        "edit-property",
        "remove-property-in-use",
        "create-invoice",
        "record-payment",
        "send-invoice",
        "void-invoice",
        "audit",
        "get-estimate",
        "get-invoice",
        "send-estimate",
        "move-deposit",
        "record-approval-future",
    ] {
        assert_eq!(h.call("admin-api", &events::with_token("admin-api", case, &stranger)).await.0, 404, "{case} across tenants");
    }
}

/// A 1x1 PNG.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// Asks for an upload address as `token`, then sends `bytes` to it as a browser would.
/// Returns the upload id.
async fn upload_logo_file(h: &Harness, token: &str, content_type: &str, bytes: &[u8]) -> String {
    let mut event: Value = serde_json::from_str(&events::with_token("media", "start-upload", token)).unwrap();
    event["body"] = json_string(&serde_json::json!({"purpose": "logo", "content_type": content_type, "size": bytes.len()}));
    let (status, ticket) = h.call("media", &event.to_string()).await;
    assert_eq!(status, 200, "{ticket}");
    let url = ticket["url"].as_str().unwrap();
    let (path, query) = url.strip_prefix("https://portal.test/dev/blobs/").unwrap().split_once('?').unwrap();
    let q: std::collections::HashMap<&str, &str> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
    let received =
        h.blobs.receive(path, q["expires"].parse().unwrap(), q["length"].parse().unwrap(), q["sig"], content_type, bytes).await.unwrap();
    assert_eq!(received, Ok(()));
    ticket["upload"].as_str().unwrap().to_string()
}

async fn use_logo(h: &Harness, token: &str, upload: &str) -> (u16, Value) {
    let mut event: Value = serde_json::from_str(&events::with_token("media", "use-logo", token)).unwrap();
    event["body"] = json_string(&serde_json::json!({ "upload": upload }));
    h.call("media", &event.to_string()).await
}

fn json_string(v: &Value) -> Value {
    Value::String(v.to_string())
}

/// The logo: only the owner uploads; the file is checked by its content, re-encoded, served
/// under /media, and the original is gone whatever it was.
#[tokio::test]
async fn the_owner_uploads_a_logo_checked_by_content() {
    use base64::Engine;
    let h = harness().await;
    let owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let office = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office");
    let (status, body) = h.call("media", &events::with_token("media", "start-upload-invalid", &owner)).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["fields"]["content_type"].is_array() && body["error"]["fields"]["size"].is_array(), "{body}");
    for case in events::cases("media") {
        let office_may = case.contains("approval-scan");
        if !office_may {
            assert_eq!(h.call("media", &events::with_token("media", &case, &office)).await.0, 403, "{case} as office staff");
        }
        assert_eq!(h.call("media", &events::with_token("media", &case, &h.dana())).await.0, 401, "{case} with a customer token");
        assert_eq!(h.call("media", &events::raw("media", &case)).await.0, 401, "{case} without a token");
    }
    // A scan goes with an approval the office recorded; another contractor reaches nothing.
    for case in ["attach-approval-scan", "get-approval-scan"] {
        let (status, body) = h.call("media", &events::with_token("media", case, &office)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_offline")), "{case}: {body}");
        assert_eq!(h.call("media", &events::with_token("media", case, &stranger_token(&h))).await.0, 404, "{case} across tenants");
    }

    let png = base64::engine::general_purpose::STANDARD.decode(PIXEL_PNG).unwrap();
    let upload = upload_logo_file(&h, &owner, "image/png", &png).await;
    // Another contractor's owner cannot use this upload: it is not under their tenant.
    assert_eq!(use_logo(&h, &stranger_token(&h), &upload).await.0, 409);
    let (status, logo) = use_logo(&h, &owner, &upload).await;
    assert_eq!(status, 200, "{logo}");
    let url = logo["logo_url"].as_str().unwrap();
    assert!(url.starts_with("https://portal.test/media/ten_brightspark/logo-") && url.ends_with(".png"), "{url}");
    let (served, cache) = h.blobs.public(url.strip_prefix("https://portal.test/").unwrap()).await.unwrap().expect("served under /media");
    assert!(served.bytes.starts_with(b"\x89PNG") && served.content_type == "image/png");
    assert!(cache.contains("immutable"));
    let (_, profile) = h.call("auth", &events::raw("auth", "tenant-profile")).await;
    assert_eq!(profile["branding"]["logo_url"], url, "the portal shows it");
    assert_eq!(use_logo(&h, &owner, &upload).await.0, 409, "an upload is used once");

    // A GIF (or anything else) sent as image/png is refused by its content and removed.
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let upload = upload_logo_file(&h, &owner, "image/png", gif).await;
    let (status, body) = use_logo(&h, &owner, &upload).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("not_an_image")), "{body}");
    assert_eq!(use_logo(&h, &owner, &upload).await.0, 409, "the refused file was deleted");
    let (_, profile) = h.call("auth", &events::raw("auth", "tenant-profile")).await;
    assert_eq!(profile["branding"]["logo_url"], url, "the logo did not change");
}

#[tokio::test]
async fn a_base64_body_is_decoded_like_api_gateway_sends_it() {
    let h = harness().await;
    let (status, body) = h.call("approve-estimate", &events::with_token("approve-estimate", "decline", &h.dana())).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("declined")), "{body}");
}

/// Where the 500 test's log goes.
#[derive(Clone, Default)]
struct Log(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A store that cannot be reached: the answer is a 500 with code `internal` and a sentence
/// that says nothing of the cause; the log carries the whole cause chain.
#[tokio::test]
async fn a_broken_store_answers_500_internal_and_logs_the_cause_chain() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt().json().with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let h = harness().await;
    let deps = every_port(Arc::new(portal_testkit::broken::Broken), &h.key, &h.store, h.simulator.clone(), h.blobs.clone());
    let broken = portal_local::registry::Built::new(&deps).unwrap();
    for (function, case) in
        [("view-estimate", "list"), ("view-invoice", "get"), ("pay", "pay-invoice"), ("approve-estimate", "request-changes")]
    {
        let resp = broken.http(function).unwrap().call(events::request(&events::with_token(function, case, &h.dana()))).await;
        assert_eq!(resp.status(), 500, "{function}/{case}");
        let body: Value = match resp.body() {
            lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(body["error"]["code"], "internal", "{function}/{case}");
        assert_eq!(body["error"]["message"], "Something went wrong on our side. Please try again.");
        assert_eq!(body["error"]["fields"], serde_json::json!({}));
        let text = body.to_string();
        assert!(!text.contains(portal_testkit::broken::CAUSE) && !text.contains("table"), "{function}/{case}: {text}");
    }
    let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let failures: Vec<&str> = logged.lines().filter(|l| l.contains("request failed")).collect();
    assert_eq!(failures.len(), 4, "{logged}");
    for line in failures {
        assert!(line.contains("storage unavailable: the table: connection reset by the test"), "the whole chain: {line}");
        assert!(!line.contains("Bearer"), "no token in the log: {line}");
    }
}

/// What names the first demo contractor's records: none of it may reach the second's sessions.
const FIRST: &[&str] = &[
    "ten_brightspark",
    "req_porchlight",
    "fil_kitchen_before",
    "fil_kitchen_after",
    "fil_kitchen_permit",
    "Bright Spark",
    "Whitfield",
    "Harbor View",
    "Ortiz",
    "acc_whitfield",
    "acc_harbor",
    "acc_ortiz",
    "con_dana",
    "con_alex",
    "con_priya",
    "con_sam",
    "est_panel",
    "est_kitchen",
    "est_bathfan",
    "est_evcharger",
    "inv_kitchen",
    "inv_generator",
    "inv_service",
    "inv_bathfan",
    "pay_generator_cheque",
    "pay_kitchen_ach",
    "prp_maple",
    "stf_casey",
    "job_bathfan",
    "job_kitchen",
    "job_garage_outlets",
    "vis_bathfan",
    "vis_garage_outlets",
    "rsc_laundry",
];
/// And the second's, for the other direction.
const SECOND: &[&str] = &[
    "ten_northside",
    "fil_waterheater_old",
    "Northside",
    "Lindqvist",
    "Pinecrest",
    "acc_lindqvist",
    "con_erik",
    "est_boiler",
    "inv_waterheater",
    "pay_heater",
    "job_waterheater",
    "vis_waterheater",
    "req_slowdrain",
];

/// The first contractor's ids in the events' paths, swapped for the second's of the same kind.
fn to_second(id: &str) -> Option<&'static str> {
    Some(match id.split('_').next()? {
        "acc" => {
            if id == "acc_whitfield" {
                "acc_lindqvist"
            } else {
                "acc_pinecrest"
            }
        }
        "con" => {
            if id == "con_dana" {
                "con_erik"
            } else {
                "con_mei"
            }
        }
        "est" => "est_waterheater",
        "inv" => "inv_waterheater",
        "pay" => "pay_heater_card",
        "prp" => "prp_birch",
        "stf" => "stf_quinn",
        "job" => "job_waterheater",
        "vis" => "vis_waterheater",
        "fil" => "fil_waterheater_old",
        "req" => "req_slowdrain",
        _ => return None,
    })
}

/// Every route, with the second demo contractor's real sessions (its owner for the office's
/// routes, its customer for the portal's): every event that names the first contractor's
/// records in its path is refused, and no answer carries anything of the first contractor's.
/// Then the other way: the first contractor's sessions with the second's real ids in the path.
#[tokio::test]
async fn each_contractor_reaches_nothing_of_the_other() {
    let h = harness().await;
    let owner = stranger_token(&h);
    let (account, contact) = portal_local::seed::SECOND_CUSTOMER;
    let erik = portal_tests::lambda::customer_token_in(&h.key, portal_local::seed::SECOND_TENANT, account, contact, "approver", "portal");
    let first_owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let mut checked = 0;
    for function in portal_local::registry::http_names().filter(|f| !matches!(*f, "auth" | "stripe-webhook")) {
        for case in events::cases(function) {
            let raw: Value = serde_json::from_str(&events::raw(function, &case)).unwrap();
            let path = raw["rawPath"].as_str().unwrap_or_default().to_string();
            // The public request form names its business in the path, and has no session.
            if path.starts_with("/api/public/") {
                continue;
            }
            // The office's routes with the owners' sessions, the portal's with the customers'.
            let (second, first) = if path.starts_with("/api/admin/") { (&owner, &first_owner) } else { (&erik, &h.dana()) };
            let names_first = FIRST.iter().any(|id| path.contains(id));
            let (status, body) = h.call(function, &events::with_token(function, &case, second)).await;
            let text = body.to_string();
            assert!(status != 500, "{function}/{case}: {text}");
            // Refused, or (a document's history) an empty page.
            let nothing = |status: u16, body: &Value| status >= 400 || body["items"].as_array().is_some_and(Vec::is_empty);
            if names_first {
                assert!(nothing(status, &body), "{function}/{case} as the second contractor: {status} {text}");
            }
            // (What the request itself carried, such as a settings body, may come back.)
            let sent = raw["body"].as_str().unwrap_or_default();
            for id in FIRST.iter().filter(|id| !sent.contains(*id)) {
                assert!(!text.contains(id), "{function}/{case} shows the second contractor the first one's {id}: {text}");
            }
            // The other way: this contractor's session, the other's ids in the path.
            let params = raw["pathParameters"].as_object().cloned().unwrap_or_default();
            let swaps: Vec<(String, &str)> =
                params.values().filter_map(|v| v.as_str()).filter_map(|v| to_second(v).map(|s| (v.to_string(), s))).collect();
            if swaps.is_empty() {
                continue;
            }
            let mut event: Value = serde_json::from_str(&events::with_token(function, &case, first)).unwrap();
            let mut path = path.clone();
            for (from, to) in &swaps {
                path = path.replace(from.as_str(), to);
                for v in event["pathParameters"].as_object_mut().unwrap().values_mut() {
                    if v.as_str() == Some(from.as_str()) {
                        *v = Value::String((*to).to_string());
                    }
                }
            }
            event["rawPath"] = Value::String(path);
            let (status, body) = h.call(function, &event.to_string()).await;
            let text = body.to_string();
            assert!(status < 500 && nothing(status, &body), "{function}/{case} with the second contractor's ids: {status} {text}");
            for id in SECOND.iter().filter(|id| !sent.contains(*id)) {
                assert!(!text.contains(id), "{function}/{case} shows the first contractor the second one's {id}: {text}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "every route with an id was tried across tenants ({checked})");
    // The one auth route a session takes: viewing as a customer names the customer in its body.
    for (token, account, contact, other) in
        [(&owner, "acc_whitfield", "con_dana", FIRST), (&first_owner, "acc_lindqvist", "con_erik", SECOND)]
    {
        let mut event: Value = serde_json::from_str(&events::raw("auth", "view-as")).unwrap();
        event["headers"]["authorization"] = Value::String(format!("Bearer {token}"));
        event["body"] = Value::String(serde_json::json!({ "account": account, "contact": contact }).to_string());
        let (status, body) = h.call("auth", &event.to_string()).await;
        assert!((400..500).contains(&status), "view-as {account} from the other contractor: {status} {body}");
        for id in other.iter().filter(|id| !matches!(**id, "acc_whitfield" | "con_dana" | "acc_lindqvist" | "con_erik")) {
            assert!(!body.to_string().contains(id), "view-as shows {id}: {body}");
        }
    }
}

/// Parses `.ics` files with Python's `icalendar` (a real calendar parser): for each, its
/// UID, SEQUENCE, STATUS and DTSTART/DTEND as UTC instants.
fn parse_ics(files: &[String]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = vec![];
    for (i, f) in files.iter().enumerate() {
        let p = dir.path().join(format!("{i}.ics"));
        std::fs::write(&p, f).unwrap();
        paths.push(p.to_string_lossy().to_string());
    }
    let script = r#"
import json, sys, datetime, icalendar
out = []
for path in sys.argv[1:]:
    cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
    ev = [c for c in cal.walk('VEVENT')]
    assert len(ev) == 1, 'one event per file'
    e = ev[0]
    utc = lambda d: d.dt.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    out.append({'uid': str(e['UID']), 'sequence': int(e['SEQUENCE']), 'status': str(e['STATUS']),
                'start': utc(e['DTSTART']), 'end': utc(e['DTEND']), 'summary': str(e['SUMMARY']),
                'location': str(e.get('LOCATION', '')), 'description': str(e['DESCRIPTION'])})
print(json.dumps(out))
"#;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let out = std::process::Command::new(python).arg("-c").arg(script).args(&paths).output().expect("python3 with icalendar (make setup)");
    assert!(out.status.success(), "icalendar: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

#[tokio::test]
async fn a_visit_moved_keeps_its_calendar_event_and_raises_its_sequence() {
    let h = harness().await;
    let dana = h.dana();
    let (status, before) = h.call("view-jobs", &events::with_token("view-jobs", "calendar", &dana)).await;
    assert_eq!(status, 200, "{before}");
    // The office moves Dana's garage visit past the spring daylight-saving change (2099-03-08
    // in Chicago): 13:00 CDT is 18:00 UTC.
    let owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let mut event: Value = serde_json::from_str(&events::with_token("admin-api", "move-visit", &owner)).unwrap();
    let path = "/api/admin/customers/acc_whitfield/jobs/job_garage_outlets/visits/vis_garage_outlets/move";
    event["rawPath"] = path.into();
    event["pathParameters"] = serde_json::json!({"account": "acc_whitfield", "job": "job_garage_outlets", "visit": "vis_garage_outlets"});
    event["body"] = serde_json::json!({"window": {"date": "2099-03-10", "start": "13:00", "end": "15:00"}}).to_string().into();
    let (status, body) = h.call("admin-api", &event.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let (_, after) = h.call("view-jobs", &events::with_token("view-jobs", "calendar", &dana)).await;
    let parsed = parse_ics(&[before.as_str().unwrap().to_string(), after.as_str().unwrap().to_string()]);
    assert_eq!(parsed[0]["uid"], parsed[1]["uid"], "the same event: {parsed:?}");
    assert!(parsed[0]["uid"].as_str().unwrap().starts_with("vis_garage_outlets@"));
    assert!(after.as_str().unwrap().contains("ORGANIZER;CN=\"Bright Spark Electric\":mailto:office@brightspark.example"), "{after}");
    assert_eq!((parsed[0]["sequence"].as_i64(), parsed[1]["sequence"].as_i64()), (Some(0), Some(1)), "SEQUENCE rises with the move");
    assert_eq!((parsed[1]["start"].as_str(), parsed[1]["end"].as_str()), (Some("2099-03-10T18:00:00Z"), Some("2099-03-10T20:00:00Z")));
    assert_eq!(parsed[1]["status"], "TENTATIVE", "moved: to be confirmed again");
    assert!(parsed[1]["location"].as_str().unwrap().contains("1842 Maple Street"), "{parsed:?}");
    assert!(parsed[1]["summary"].as_str().unwrap().contains("Bright Spark Electric"), "{parsed:?}");
    // Another account's visit has no calendar file for Dana.
    let sam = h.token("acc_ortiz", "con_sam", "approver", "portal");
    assert_eq!(h.call("view-jobs", &events::with_token("view-jobs", "calendar", &sam)).await.0, 404);
}

#[tokio::test]
async fn the_dashboard_job_page_confirm_and_on_my_way_keep_their_round_trips() {
    let h = harness().await;
    let dana = h.dana();
    let (status, home) = h.call("view-jobs", &events::with_token("view-jobs", "home", &dana)).await;
    assert_eq!(h.table.take(), 1, "the dashboard: one Query");
    assert_eq!(status, 200, "{home}");
    let next = &home["next_visit"]["next_visit"];
    assert_eq!(next["id"], "vis_bathfan", "the visit under way comes first: {home}");
    assert_eq!(next["status"], "on_the_way");
    assert!(next["eta"].is_string());
    assert_eq!(next["technicians"][0]["name"], "Casey");
    assert_eq!(next["technicians"][0]["photo"], "/brand/technician-casey.svg");
    assert!(!home.to_string().contains("casey@brightspark"), "a technician's email never reaches customers");
    assert!(home["waiting"].as_array().unwrap().iter().any(|e| e["id"] == "est_panel"), "{home}");
    assert!(home["balance_due"][0]["amount"].as_i64().unwrap() > 0);

    let (status, job) = h.call("view-jobs", &events::with_token("view-jobs", "get", &dana)).await;
    assert_eq!(h.table.take(), 1, "one job with its timeline: one Query");
    assert_eq!(status, 200, "{job}");
    let kinds: Vec<&str> = job["timeline"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in ["job_created", "visit_scheduled", "visit_confirmed", "visit_on_the_way", "invoice_issued"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(job["timeline"][0]["document"]["number"], "E-1012", "created from its estimate");
    assert!(!job.to_string().contains("internal_notes"), "internal notes stay in the office");

    let (status, body) = h.call("manage-visit", &events::with_token("manage-visit", "confirm", &dana)).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("confirmed")), "{body}");
    assert_eq!(h.table.take(), 2, "confirm: one read and one transaction");
    let (status, body) = h.call("manage-visit", &events::with_token("manage-visit", "confirm", &dana)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_confirmed")));
    h.table.take();

    let casey = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    let mut event: Value = serde_json::from_str(&events::with_token("admin-api", "depart", &casey)).unwrap();
    event["rawPath"] = "/api/admin/customers/acc_whitfield/jobs/job_garage_outlets/visits/vis_garage_outlets/depart".into();
    event["pathParameters"] = serde_json::json!({"account": "acc_whitfield", "job": "job_garage_outlets", "visit": "vis_garage_outlets"});
    let (status, body) = h.call("admin-api", &event.to_string()).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("on_the_way")), "{body}");
    assert_eq!(h.table.take(), 2, "on my way: one read and one transaction");

    // The approval of the panel estimate makes its job, in the same transaction.
    let (status, _) = h.call("approve-estimate", &events::with_token("approve-estimate", "approve", &dana)).await;
    assert_eq!(status, 200);
    let (_, list) = h.call("view-jobs", &events::with_token("view-jobs", "list", &dana)).await;
    let panel = list["jobs"].as_array().unwrap().iter().find(|j| j["number"] == "J-1042").cloned().unwrap_or_default();
    assert_eq!(panel["status"], "unscheduled", "{list}");
    assert_eq!(panel["title"], "Main panel upgrade");
}

/// A contact limited to one property sees and changes only its jobs; another account's jobs do
/// not exist for them; staff viewing as the customer read only.
#[tokio::test]
async fn customers_reach_only_their_jobs_and_properties() {
    let h = harness().await;
    let priya = portal_tests::lambda::limited_token(&h.key, "acc_harbor", "con_priya", "billing", &["prp_lakeside"]);
    let (_, list) = h.call("view-jobs", &events::with_token("view-jobs", "list", &priya)).await;
    let titles: Vec<&str> = list["jobs"].as_array().unwrap().iter().filter_map(|j| j["title"].as_str()).collect();
    assert!(titles.iter().any(|t| t.starts_with("Annual electrical safety plan")), "{titles:?}");
    assert!(!titles.contains(&"Laundry room circuits"), "Oak Ridge is not Priya's: {titles:?}");
    let (_, places) = h.call("view-jobs", &events::with_token("view-jobs", "properties", &priya)).await;
    let labels: Vec<&str> = places["properties"].as_array().unwrap().iter().filter_map(|p| p["property"]["label"].as_str()).collect();
    assert_eq!(labels, ["Lakeside Apartments"]);
    let at = |job: &str, visit: &str, case: &str, token: &str| {
        let mut e: Value = serde_json::from_str(&events::with_token("manage-visit", case, token)).unwrap();
        let path = e["rawPath"].as_str().unwrap().replace("job_garage_outlets", job).replace("vis_garage_outlets", visit);
        e["rawPath"] = path.into();
        e["pathParameters"] = serde_json::json!({"job": job, "visit": visit});
        e.to_string()
    };
    assert_eq!(h.call("manage-visit", &at("job_laundry", "vis_laundry_2", "confirm", &priya)).await.0, 404, "another property's visit");
    let alex = h.token("acc_harbor", "con_alex", "approver", "portal");
    let (status, body) = h.call("manage-visit", &at("job_laundry", "vis_laundry_2", "reschedule", &alex)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_asked")), "one request at a time: {body}");
    assert_eq!(h.call("manage-visit", &at("job_laundry", "vis_laundry_2", "confirm", &h.dana())).await.0, 404, "another account's visit");
    let viewer = h.token("acc_whitfield", "con_dana", "viewer", "portal");
    assert_eq!(h.call("manage-visit", &events::with_token("manage-visit", "confirm", &viewer)).await.0, 403, "a viewer reads only");
    let (_, home) = h.call("view-jobs", &events::with_token("view-jobs", "get", &viewer)).await;
    assert!(home["visits"].as_array().unwrap().iter().all(|v| v["may_confirm"] == false && v["may_ask"] == false), "{home}");
    let viewing = h.token("acc_whitfield", "con_dana", "approver", "portal:read");
    assert_eq!(h.call("manage-visit", &events::with_token("manage-visit", "confirm", &viewing)).await.0, 403, "a staff view reads only");
    let link = h.token("acc_whitfield", "con_dana", "approver", "estimate:est_panel:view,sign");
    assert_eq!(h.call("view-jobs", &events::with_token("view-jobs", "home", &link)).await.0, 403, "a document link reaches no jobs");
}
