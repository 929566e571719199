//! The office's side through the local server, signed in as a real staff member: a customer
//! created from nothing, an estimate approved with its deposit paid, invoiced (the deposit
//! credited), the rest paid by cheque, all in the audit log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_tests::server::{SIGNATURE, TestServer};
use serde_json::{Value, json};

#[tokio::test]
async fn the_office_invoices_an_approved_estimate_crediting_its_deposit() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let me = s.http.get("/api/admin/me", staff).await.json();
    assert_eq!((me["name"].as_str(), me["role"].as_str()), (Some("Morgan Reyes"), Some("owner")));

    // Dana approves the panel upgrade and pays its deposit.
    let dana = s.sign_in("dana@example.com").await;
    let customer = Some(dana.access_token.as_str());
    let body = json!({"version": 1, "selection": {"grp_panel": ["opt_200a"], "grp_addons": ["opt_surge"]},
                      "signer_name": "Dana Whitfield", "signature_png": SIGNATURE, "consent": true});
    let approved = s.http.post("/api/estimates/est_panel/approve", customer, &body).await;
    assert_eq!(approved.status, 200, "{}", approved.text());
    let deposit = approved.json()["versions"][0]["decision"]["totals"]["deposit"].as_i64().unwrap();
    let total = approved.json()["versions"][0]["decision"]["totals"]["total"].as_i64().unwrap();
    let started = s.http.post("/api/estimates/est_panel/deposit", customer, &json!({})).await.json();
    assert_eq!(started["amount"].as_i64(), Some(deposit));
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 303);
    assert_eq!(s.http.get("/api/estimates/est_panel", customer).await.json()["deposit_paid"].as_i64(), Some(deposit));

    // The office invoices it: the approved lines, the deposit credited.
    let issued = s.http.post("/api/admin/customers/acc_whitfield/invoices", staff, &json!({"estimate": "est_panel"})).await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let issued = issued.json();
    assert_eq!((issued["invoice"]["number"].as_str(), issued["deposit_credited"].as_i64()), (Some("INV-2045"), Some(deposit)));
    assert_eq!(issued["invoice"]["ledger"]["balance"].as_i64(), Some(total - deposit));
    let id = issued["invoice"]["id"].as_str().unwrap().to_string();
    let twice = s.http.post("/api/admin/customers/acc_whitfield/invoices", staff, &json!({"estimate": "est_panel"})).await;
    assert_eq!((twice.status, twice.code().as_str()), (409, "already_invoiced"));

    // Dana sees it, with her deposit applied.
    let seen = s.http.get(&format!("/api/invoices/{id}"), customer).await.json();
    assert_eq!(seen["ledger"]["paid"].as_i64(), Some(deposit), "{seen}");
    assert_eq!(seen["payments"][0]["method"], "credit");

    // The rest arrives by cheque; more than the balance is refused.
    let path = format!("/api/admin/customers/acc_whitfield/invoices/{id}/payments");
    let over = s.http.post(&path, staff, &json!({"amount": total})).await;
    assert_eq!(over.status, 400);
    let paid = s.http.post(&path, staff, &json!({"amount": total - deposit, "note": "Cheque 1042"})).await;
    assert_eq!(paid.status, 201, "{}", paid.text());
    assert_eq!(paid.json()["status"], "paid");
    let receipts = s.wait_for_receipts("dana@example.com", 2).await;
    assert_eq!(receipts.len(), 2, "the deposit's and the cheque's: {receipts:?}");
    let void = s.http.post(&format!("/api/admin/customers/acc_whitfield/invoices/{id}/void"), staff, &json!({})).await;
    assert_eq!((void.status, void.code().as_str()), (409, "has_payments"));

    // The office sees all of it.
    let detail = s.http.get("/api/admin/customers/acc_whitfield", staff).await.json();
    assert!(detail["invoices"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str() && i["status"] == "paid"));
    let log = s.http.get("/api/admin/customers/acc_whitfield/audit?limit=20", staff).await.json();
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for expected in ["payment.recorded", "credit.applied", "invoice.issued", "payment.updated", "payment.started", "estimate.approved"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    assert!(log["items"].as_array().unwrap().iter().all(|e| e["detail"].get("signature_png").is_none()));
    let paid_list = s.http.get("/api/admin/invoices?status=paid", staff).await.json();
    assert!(paid_list["items"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()));
}

#[tokio::test]
async fn a_new_customer_with_a_property_and_contacts() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let created = s
        .http
        .post(
            "/api/admin/customers",
            staff,
            &json!({"name": "Rosa Delgado", "kind": "residential",
                    "contact": {"name": "Rosa Delgado", "email": "rosa@example.com", "role": "approver"},
                    "property": {"label": "Home", "line1": "88 Cedar Lane", "city": "Austin", "region": "TX", "postal_code": "78704"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();
    let detail: Value = s.http.get(&format!("/api/admin/customers/{id}"), staff).await.json();
    assert_eq!(detail["contacts"][0]["email"], "rosa@example.com");
    let property = detail["properties"][0]["id"].as_str().unwrap().to_string();
    // Field errors name the field; nothing is written.
    let bad = s
        .http
        .post(&format!("/api/admin/customers/{id}/contacts"), staff, &json!({"name": "", "role": "viewer", "properties": ["prp_nope"]}))
        .await;
    assert_eq!(bad.status, 400);
    let fields = bad.json()["error"]["fields"].clone();
    assert!(fields["name"].is_array() && fields["email"].is_array() && fields["properties"].is_array(), "{fields}");
    let ok = s
        .http
        .post(
            &format!("/api/admin/customers/{id}/contacts"),
            staff,
            &json!({"name": "Luis Delgado", "phone": "512 555 0177", "role": "billing", "properties": [property]}),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    assert_eq!(ok.json()["phone"], "+15125550177");
    // The new customer can sign in at once.
    let r = s.request_link(json!({"tenant": "bright-spark", "email": "rosa@example.com"})).await;
    assert_eq!(r.status, 202);
    assert!(s.latest_token("rosa@example.com").await.is_some());
    let list = s.http.get("/api/admin/customers?limit=100", staff).await.json();
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["Dana Whitfield", "Harbor View Property Management", "Rosa Delgado", "Sam Ortiz"], "by name");
}
