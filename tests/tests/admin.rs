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
    let page = s.http.get("/api/admin/customers/acc_whitfield/estimates/est_panel", staff).await.json();
    let evidence = &page["sent"]["versions"][0]["decision"];
    assert_eq!((evidence["ip"].as_str(), evidence["signer_name"].as_str()), (Some("127.0.0.1"), Some("Dana Whitfield")), "{evidence}");
    assert!(evidence["signature_png"].as_str().is_some_and(|p| p.starts_with("data:image/png")));
    let paid_list = s.http.get("/api/admin/invoices?status=paid", staff).await.json();
    assert!(paid_list["items"].as_array().unwrap().iter().any(|i| i["id"] == id.as_str()));
    // A status is one of the list's own, named in the answer; the value sent is not repeated.
    for (path, not_said) in [("/api/admin/invoices?status=draft", "draft"), ("/api/admin/estimates?status=%3Cb%3Ebogus", "bogus")] {
        let r = s.http.get(path, staff).await;
        assert_eq!(r.status, 400, "{path}");
        let body = r.json();
        let said = body["error"]["fields"]["status"][0].as_str().unwrap().to_string();
        assert!(said.starts_with("one of ") && !said.contains(not_said), "{path}: {said}");
    }
}

/// Creates Rosa Delgado (an approver with an email) with her home; returns the account id.
/// A one-line draft estimate ("Porch light") for `account`; its id.
async fn porch_light_draft(s: &TestServer, staff: Option<&str>, account: &str) -> String {
    let content = json!({
        "title": "Porch light", "scope": "",
        "items": [{"id": "li_light", "name": "Porch light", "description": "", "quantity": "1", "unit_price": 12000, "taxable": true}],
        "groups": [], "tax_rate": "0", "deposit": null, "terms": "", "valid_until": "2030-12-31", "currency": "USD"
    });
    let draft = s.http.post(&format!("/api/admin/customers/{account}/estimates"), staff, &json!({"content": content})).await.json();
    draft["summary"]["id"].as_str().unwrap().to_string()
}

async fn new_customer(s: &TestServer, staff: Option<&str>) -> String {
    let body = json!({"name": "Rosa Delgado", "kind": "residential",
                      "contact": {"name": "Rosa Delgado", "email": "rosa@example.com", "role": "approver"},
                      "property": {"label": "Home", "line1": "88 Cedar Lane", "city": "Austin", "region": "TX", "postal_code": "78704"}});
    let created = s.http.post("/api/admin/customers", staff, &body).await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_new_customer_with_a_property_and_contacts() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let id = new_customer(&s, staff).await;
    let detail: Value = s.http.get(&format!("/api/admin/customers/{id}"), staff).await.json();
    assert_eq!(detail["contacts"][0]["email"], "rosa@example.com");
    let property = detail["properties"][0]["id"].as_str().unwrap().to_string();
    // Field errors name the field; nothing is written.
    let bad = s
        .http
        .post(&format!("/api/admin/customers/{id}/contacts"), staff, &json!({"name": "", "role": "viewer", "properties": ["prp_nope"]}))
        .await;
    assert_eq!(bad.status, 422);
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

    // Changing and removing: Luis's scope names the property, so it stays until he is gone.
    let luis = ok.json()["id"].as_str().unwrap().to_string();
    let r = s.http.delete(&format!("/api/admin/customers/{id}/properties/{property}"), staff).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (409, Some("property_in_use")));
    let edit = json!({"name": "Luis Delgado", "phone": "512 555 0178", "role": "billing"});
    let r = s.http.put(&format!("/api/admin/customers/{id}/contacts/{luis}"), staff, &edit).await;
    assert_eq!((r.status, r.json()["phone"].as_str(), r.json()["properties"].is_null()), (200, Some("+15125550178"), true), "{}", r.text());
    let bad = s.http.put(&format!("/api/admin/customers/{id}/contacts/{luis}"), staff, &json!({"name": "Luis", "role": "viewer"})).await;
    assert_eq!(bad.status, 422, "a contact needs an email or phone");
    let workshop = json!({"label": "Workshop", "line1": "9 Mill Rd", "city": "Austin", "region": "TX", "postal_code": "78702"});
    let added = s.http.post(&format!("/api/admin/customers/{id}/properties"), staff, &workshop).await.json();
    let workshop_id = added["id"].as_str().unwrap();
    let renamed = json!({"label": "Workshop (rear)", "line1": "9 Mill Rd", "city": "Austin", "region": "TX", "postal_code": "78702"});
    let r = s.http.put(&format!("/api/admin/customers/{id}/properties/{workshop_id}"), staff, &renamed).await;
    assert_eq!((r.status, r.json()["label"].as_str()), (200, Some("Workshop (rear)")));
    assert_eq!(s.http.delete(&format!("/api/admin/customers/{id}/properties/{workshop_id}"), staff).await.status, 200);
    assert_eq!(s.http.delete(&format!("/api/admin/customers/{id}/contacts/{luis}"), staff).await.status, 200);
    let rosa = s.http.get(&format!("/api/admin/customers/{id}"), staff).await.json()["contacts"][0]["id"].as_str().unwrap().to_string();
    let r = s.http.delete(&format!("/api/admin/customers/{id}/contacts/{rosa}"), staff).await;
    assert_eq!((r.status, r.json()["error"]["code"].as_str()), (409, Some("last_contact")));
    let after = s.http.get(&format!("/api/admin/customers/{id}"), staff).await.json();
    assert_eq!((after["contacts"].as_array().map(Vec::len), after["properties"].as_array().map(Vec::len)), (Some(1), Some(1)));
    let log = s.http.get(&format!("/api/admin/customers/{id}/audit?limit=50"), staff).await.json();
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(&actions[..5], ["contact.removed", "property.removed", "property.changed", "property.added", "contact.changed"]);
}

/// The issue's "done means", through the API: a new customer, an estimate built and sent, the
/// customer approving from the emailed link, the office invoicing it, the customer paying.
#[tokio::test]
async fn from_a_new_customer_to_a_paid_invoice() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let account = new_customer(&s, staff).await;
    let detail = s.http.get(&format!("/api/admin/customers/{account}"), staff).await.json();
    let property = detail["properties"][0]["id"].as_str().unwrap().to_string();
    let content = json!({
        "title": "Garage subpanel", "scope": "A 60 A subpanel.",
        "items": [{"id": "li_sub", "name": "60 A subpanel, installed", "description": "", "quantity": "1", "unit_price": 98000, "taxable": true}],
        "groups": [], "tax_rate": "8.25", "deposit": null, "terms": "", "valid_until": "2030-12-31", "currency": "USD"
    });
    let draft =
        s.http.post(&format!("/api/admin/customers/{account}/estimates"), staff, &json!({"content": content, "property": property})).await;
    assert_eq!(draft.status, 201, "{}", draft.text());
    let draft = draft.json();
    // E-1061 to E-1067 went to the demo's service calls and plan visits: jobs the office makes
    // take their numbers from the estimates' series.
    assert_eq!((draft["summary"]["number"].as_str(), draft["summary"]["status"].as_str()), (Some("E-1068"), Some("draft")));
    assert_eq!(draft["draft_totals"]["total"], 106_085);
    let estimate = draft["summary"]["id"].as_str().unwrap().to_string();
    let sent = s.http.post(&format!("/api/admin/customers/{account}/estimates/{estimate}/send"), staff, &json!({})).await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert_eq!((sent.json()["summary"]["status"].as_str(), sent.json()["recipients"].as_u64()), (Some("sent"), Some(1)));

    // The estimate email arrives (the outbox sender runs within a second) with its link.
    let mail = s.wait_for_mail("rosa@example.com", "E-1068").await.expect("the estimate email");
    assert_eq!(mail["subject"], "Estimate E-1068 from Bright Spark Electric: Garage subpanel");
    let token = s.latest_token("rosa@example.com").await.unwrap();
    let session = s.exchange(&token).await;
    assert_eq!(session.status, 200, "{}", session.text());
    let rosa = session.json()["access_token"].as_str().unwrap().to_string();
    let approve = json!({"version": 1, "selection": {}, "signer_name": "Rosa Delgado", "signature_png": SIGNATURE, "consent": true});
    let approved = s.http.post(&format!("/api/estimates/{estimate}/approve"), Some(&rosa), &approve).await;
    assert_eq!(approved.status, 200, "{}", approved.text());

    // The office invoices it and sends it; Rosa pays it by card from the emailed link.
    let issued = s.http.post(&format!("/api/admin/customers/{account}/invoices"), staff, &json!({"estimate": estimate})).await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let invoice = issued.json()["invoice"]["id"].as_str().unwrap().to_string();
    let number = issued.json()["invoice"]["number"].as_str().unwrap().to_string();
    assert!(issued.json()["invoice"]["sent_at"].is_null());
    let sent = s.http.post(&format!("/api/admin/customers/{account}/invoices/{invoice}/send"), staff, &json!({})).await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert_eq!(sent.json()["recipients"], 1);
    assert!(sent.json()["invoice"]["sent_at"].is_string());
    let mail = s.wait_for_mail("rosa@example.com", &number).await.expect("the invoice email");
    assert_eq!(mail["subject"], format!("Invoice {number} from Bright Spark Electric: $1,060.85"));
    let token = s.latest_token("rosa@example.com").await.unwrap();
    let link = s.exchange(&token).await.json();
    assert_eq!(
        (link["invoice"].as_str(), link["scope"].as_str()),
        (Some(invoice.as_str()), Some(format!("invoice:{invoice}:view,pay").as_str()))
    );
    let rosa = Some(link["access_token"].as_str().unwrap());
    // The link opens this invoice only: not the account's lists, its credit or its estimates.
    let shown = s.http.get(&format!("/api/invoices/{invoice}"), rosa).await.json();
    assert_eq!((shown["pay"]["payable"].as_i64(), shown["pay"]["blocked"].is_null()), (Some(106_085), true));
    assert_eq!(s.http.get("/api/invoices", rosa).await.status, 403);
    assert_eq!(s.http.get("/api/estimates", rosa).await.status, 403);
    assert_eq!(s.http.get(&format!("/api/estimates/{estimate}"), rosa).await.status, 404);
    assert_eq!(s.http.post("/api/account/credit", rosa, &json!({"amount": 5000})).await.status, 403);
    assert_eq!(s.http.post(&format!("/api/invoices/{invoice}/apply-credit"), rosa, &json!({})).await.status, 403);
    let started = s.http.post(&format!("/api/invoices/{invoice}/pay"), rosa, &json!({})).await.json();
    assert_eq!(started["amount"], 106_085);
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 303);
    let after = s.http.get(&format!("/api/admin/customers/{account}"), staff).await.json();
    assert_eq!(after["invoices"][0]["status"], "paid");
    let again = s.http.post(&format!("/api/admin/customers/{account}/invoices/{invoice}/send"), staff, &json!({})).await;
    assert_eq!((again.status, again.json()["error"]["code"].as_str()), (409, Some("invoice_paid")));
    assert_eq!(after["estimates"][0]["status"], "approved");
    let log = s.http.get(&format!("/api/admin/customers/{account}/audit?limit=50"), staff).await.json();
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for expected in
        ["customer.created", "estimate.created", "estimate.sent", "estimate.approved", "invoice.issued", "invoice.sent", "payment.updated"]
    {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

#[tokio::test]
async fn staff_view_as_a_customer_read_only_and_it_is_recorded() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let r = s.http.post("/api/auth/view-as", staff, &json!({"account": "acc_whitfield", "contact": "con_dana"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let session = r.json();
    assert_eq!((session["scope"].as_str(), session["staff"].as_str()), (Some("portal:read"), Some("stf_morgan")));
    assert!(r.cookie("sb_refresh").is_none(), "no refresh token for a look");
    let look = Some(session["access_token"].as_str().unwrap());
    assert_eq!(s.http.get("/api/estimates/est_panel", look).await.json()["status"], "sent", "looking is not the customer viewing");
    assert_eq!(s.http.get("/api/invoices", look).await.status, 200);
    let shown = s.http.get("/api/invoices/inv_service", look).await.json();
    assert_eq!(shown["pay"]["blocked"], "This is a read-only view of the customer's portal.", "the page says why, before a press");
    let approve = json!({"version": 1, "selection": {"grp_panel": ["opt_200a"], "grp_addons": []}, "signer_name": "Morgan", "signature_png": SIGNATURE, "consent": true});
    assert_eq!(s.http.post("/api/estimates/est_panel/approve", look, &approve).await.status, 403);
    assert_eq!(s.http.post("/api/invoices/inv_service/pay", look, &json!({})).await.status, 403);
    assert_eq!(s.http.post("/api/account/credit", look, &json!({"amount": 5000})).await.status, 403);
    // Recorded, and only for staff: a customer token cannot ask for it, nor name another tenant's data.
    let log = s.http.get("/api/admin/customers/acc_whitfield/audit", staff).await.json();
    assert_eq!(log["items"][0]["action"], "auth.viewed_as");
    let dana = s.sign_in("dana@example.com").await;
    let r = s.http.post("/api/auth/view-as", Some(&dana.access_token), &json!({"account": "acc_harbor", "contact": "con_alex"})).await;
    assert_eq!(r.status, 401);
    let r = s.http.post("/api/auth/view-as", staff, &json!({"account": "acc_whitfield", "contact": "con_alex"})).await;
    assert_eq!(r.status, 404, "the contact must be the account's");
}

#[tokio::test]
async fn invitations_sign_ins_and_the_adoption_figures() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let before = s.http.get("/api/admin/adoption", staff).await.json();
    assert_eq!(before["months"].as_array().map(Vec::len), Some(12));
    assert_eq!(before["contacts_activated"], 0);

    // Alex is invited: a welcome email with a link that signs him in.
    let r = s.http.post("/api/admin/customers/acc_harbor/contacts/con_alex/invite", staff, &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let invite = s.wait_for_mail("alex@harborview.example", "portal").await.expect("the invitation");
    assert_eq!(invite["subject"], "Your customer portal with Bright Spark Electric");
    let token = s.latest_token("alex@harborview.example").await.unwrap();
    // Withdrawn by the office before he used it: refused, with a fresh link offered.
    let r = s.http.post("/api/admin/customers/acc_harbor/contacts/con_alex/withdraw-links", staff, &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let refused = s.exchange(&token).await;
    assert_eq!((refused.status, refused.json()["error"]["code"].as_str()), (410, Some("link_expired")));
    let r = s.http.post("/api/admin/customers/acc_harbor/contacts/con_alex/invite", staff, &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let fresh = s.fresh_token("alex@harborview.example", &token).await.unwrap();
    assert_eq!(s.exchange(&fresh).await.status, 200, "a link sent after the withdrawal works");

    // INV-2040 is paid in full by cheque.
    let r = s.http.post("/api/admin/customers/acc_whitfield/invoices/inv_service/payments", staff, &json!({"amount": 33_361})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let after = s.http.get("/api/admin/adoption", staff).await.json();
    // Alex was reached already: the demo's estimates emailed him links (as they did Dana and
    // Sam, whose texts count the same way). Signing in activates him.
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap();
    assert_eq!((n(&after, "contacts_invited"), n(&after, "contacts_activated")), (n(&before, "contacts_invited"), 1));
    assert_eq!(after["contacts_active_90_days"], 1);
    let month = after["months"].as_array().unwrap().last().unwrap().clone();
    let was = before["months"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((n(&month, "contacts_invited"), n(&month, "contacts_activated")), (n(&was, "contacts_invited"), 1));
    assert_eq!((month["invoices_paid_offline"].as_u64(), month["invoices_paid_online"].as_u64()), (Some(1), Some(0)));
    let approvals: u64 = after["months"].as_array().unwrap().iter().filter_map(|m| m["estimates_approved_in_portal"].as_u64()).sum();
    assert_eq!(approvals, 2, "the demo's two approvals, in whichever months they fell");
    assert!(after["days_to_pay"]["offline"].is_number(), "paid by cheque: {after}");

    // Switched off: no more links for Sam, and his requests are answered the same way.
    let r = s.http.post("/api/admin/customers/acc_ortiz/contacts/con_sam/access", staff, &json!({"enabled": false})).await;
    assert_eq!((r.status, r.json()["portal_enabled"].as_bool()), (200, Some(false)));
    let r = s.http.post("/api/admin/customers/acc_ortiz/contacts/con_sam/invite", staff, &json!({})).await;
    assert_eq!((r.status, r.code().as_str()), (409, "access_off"));

    // The owner invites a colleague, who signs in to the admin page; then removes them.
    let r = s
        .http
        .post("/api/admin/staff", staff, &json!({"name": "Riley Brooks", "email": "riley@brightspark.example", "role": "office"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let riley = r.json()["id"].as_str().unwrap().to_string();
    s.wait_for_mail("riley@brightspark.example", "admin page").await.expect("a staff invitation");
    let token = s.latest_token("riley@brightspark.example").await.expect("its link");
    let signed = s.exchange(&token).await;
    assert_eq!((signed.status, signed.json()["audience"].as_str()), (200, Some("admin")));
    let removed = s.http.post(&format!("/api/admin/staff/{riley}/remove"), staff, &json!({})).await;
    assert_eq!((removed.status, removed.json()["active"].as_bool()), (200, Some(false)));
    let cookie = format!("sb_admin_refresh={}", signed.cookie("sb_admin_refresh").unwrap());
    let refresh = s
        .http
        .send(
            "POST",
            "/api/auth/refresh",
            &[("cookie", &cookie), ("content-type", "application/json")],
            Some(br#"{"audience":"admin"}"#.to_vec()),
        )
        .await;
    assert_eq!(refresh.status, 403, "a removed staff member's session ends: {}", refresh.text());
}

#[tokio::test]
async fn an_estimate_with_nobody_to_approve_it_is_not_sent() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let account = new_customer(&s, staff).await;
    let detail = s.http.get(&format!("/api/admin/customers/{account}"), staff).await.json();
    let contact = detail["contacts"][0]["id"].as_str().unwrap().to_string();
    let off = s.http.post(&format!("/api/admin/customers/{account}/contacts/{contact}/access"), staff, &json!({"enabled": false})).await;
    assert_eq!(off.status, 200, "{}", off.text());
    let estimate = porch_light_draft(&s, staff, &account).await;
    let sent = s.http.post(&format!("/api/admin/customers/{account}/estimates/{estimate}/send"), staff, &json!({})).await;
    assert_eq!((sent.status, sent.code().as_str()), (409, "no_recipients"), "{}", sent.text());
    let page = s.http.get(&format!("/api/admin/customers/{account}/estimates/{estimate}"), staff).await.json();
    assert_eq!(page["summary"]["status"], "draft", "nothing changed");
}

#[tokio::test]
async fn money_beyond_any_real_job_is_refused_by_field_and_nothing_is_written() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let line = |i: usize| json!({"id": format!("li_big{i}"), "name": "Everything", "description": "", "quantity": "1000000", "unit_price": 100_000_000_000i64, "taxable": true});
    let huge = json!({"items": (0..47).map(line).collect::<Vec<_>>(), "tax_rate": "100"});
    let before = s.http.get("/api/admin/customers/acc_whitfield", staff).await.json()["invoices"].as_array().unwrap().len();
    let r = s.http.post("/api/admin/customers/acc_whitfield/invoices", staff, &huge).await;
    assert_eq!((r.status, r.code().as_str()), (422, "invalid"), "{}", r.text());
    let fields = r.json()["error"]["fields"].clone();
    assert!(fields["items[0].unit_price"].is_array() && fields["items[46].unit_price"].is_array(), "{fields}");
    let after = s.http.get("/api/admin/customers/acc_whitfield", staff).await.json()["invoices"].as_array().unwrap().len();
    assert_eq!(before, after, "no invoice was made");
    let content = json!({
        "title": "Everything", "scope": "", "items": [line(0)], "groups": [], "tax_rate": "100", "deposit": null,
        "terms": "", "valid_until": "2030-12-31", "currency": "USD"
    });
    let r = s.http.post("/api/admin/customers/acc_whitfield/estimates", staff, &json!({"content": content})).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.json()["error"]["fields"]["content.items[0].unit_price"].is_array(), "{}", r.text());
}

#[tokio::test]
async fn a_deposit_belongs_to_its_estimate_until_the_office_moves_it() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let customer = Some(dana.access_token.as_str());
    let body = json!({"version": 1, "selection": {"grp_panel": ["opt_200a"], "grp_addons": []},
                      "signer_name": "Dana Whitfield", "signature_png": SIGNATURE, "consent": true});
    assert_eq!(s.http.post("/api/estimates/est_panel/approve", customer, &body).await.status, 200);
    let started = s.http.post("/api/estimates/est_panel/deposit", customer, &json!({})).await.json();
    let deposit = started["amount"].as_i64().unwrap();
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 303);

    // An unrelated invoice is not offered the deposit, and applying credit there takes none.
    let service = s.http.get("/api/invoices/inv_service", customer).await.json();
    assert_eq!(service["pay"]["credit_available"], 0, "{}", service["pay"]);
    let applied = s.http.post("/api/invoices/inv_service/apply-credit", customer, &json!({})).await;
    assert_eq!(applied.status, 409, "{}", applied.text());
    let history = s.http.get("/api/payments", customer).await.json();
    assert_eq!((history["credit"]["available"].as_i64(), history["credit"]["deposits_held"].as_i64()), (Some(0), Some(deposit)));

    // The office sees it held for E-1042, and moves it to the account on purpose.
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let detail = s.http.get("/api/admin/customers/acc_whitfield", staff).await.json();
    assert_eq!(detail["deposits_held"], json!([{"estimate": "est_panel", "number": "E-1042", "amount": deposit}]));
    let path = "/api/admin/customers/acc_whitfield/estimates/est_panel/move-deposit";
    let moved = s.http.post(path, staff, &json!({})).await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(moved.json()["moved"].as_i64(), Some(deposit));
    let again = s.http.post(path, staff, &json!({})).await;
    assert_eq!((again.status, again.code().as_str()), (409, "nothing_to_move"));
    let log = s.http.get("/api/admin/documents/est_panel/audit", staff).await.json();
    assert!(log["items"].as_array().unwrap().iter().any(|e| e["action"] == "credit.moved" && e["detail"]["amount"] == deposit), "{log}");

    // Now it is general credit: offered on the unrelated invoice and applied once.
    let service = s.http.get("/api/invoices/inv_service", customer).await.json();
    let balance = service["ledger"]["balance"].as_i64().unwrap();
    assert_eq!(service["pay"]["credit_available"].as_i64(), Some(deposit.min(balance)));
    let applied = s.http.post("/api/invoices/inv_service/apply-credit", customer, &json!({})).await;
    assert_eq!(applied.status, 200, "{}", applied.text());
    let history = s.http.get("/api/payments", customer).await.json();
    assert_eq!(history["credit"]["available"].as_i64(), Some((deposit - balance).max(0)));
    assert!(history["payments"].as_array().unwrap().iter().any(|p| p["label"] == "Deposit on estimate E-1042, moved to account credit"));
}

/// Hides `section` in the contractor's settings as the owner would.
async fn hide(s: &TestServer, staff: Option<&str>, section: &str) {
    let mut settings = s.http.get("/api/admin/settings", staff).await.json();
    settings["sections"][section] = json!(false);
    let r = s.http.put("/api/admin/settings", staff, &settings).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn a_hidden_section_is_refused_by_the_api_not_only_left_out_of_the_menu() {
    /// A method and a path.
    type Route<'a> = (&'a str, &'a str);
    // (section, routes that must answer 404 once it is hidden, one route of another section that still works)
    let cases: [(&str, Vec<Route>, Route); 3] = [
        (
            "estimates",
            vec![
                ("GET", "/api/estimates"),
                ("GET", "/api/estimates/est_panel"),
                ("POST", "/api/estimates/est_panel/decline"),
                ("POST", "/api/estimates/est_panel/approve"),
                ("POST", "/api/estimates/est_bathfan/deposit"),
                ("GET", "/api/payments/pay_bathfan_deposit"),
            ],
            ("GET", "/api/invoices"),
        ),
        (
            "invoices",
            vec![
                ("GET", "/api/invoices"),
                ("GET", "/api/invoices/inv_service"),
                ("POST", "/api/invoices/inv_service/pay"),
                ("POST", "/api/invoices/inv_service/apply-credit"),
                ("POST", "/api/account/pay-balance"),
            ],
            ("GET", "/api/estimates"),
        ),
        ("payments", vec![("GET", "/api/payments"), ("POST", "/api/account/credit")], ("GET", "/api/invoices/inv_service")),
    ];
    for (section, refused, still) in cases {
        let s = TestServer::start().await;
        let morgan = s.sign_in_staff("morgan@brightspark.example").await;
        hide(&s, Some(morgan.access_token.as_str()), section).await;
        let dana = s.sign_in("dana@example.com").await;
        let t = Some(dana.access_token.as_str());
        for (method, path) in refused {
            let body = match path.rsplit('/').next() {
                Some("decline") => json!({"version": 1, "reason": "Too much"}),
                Some("approve") => json!({"version": 1, "signer_name": "Dana Whitfield", "signature_png": SIGNATURE, "consent": true}),
                Some("credit") => json!({"amount": 5000}),
                _ => json!({}),
            };
            let r = if method == "GET" { s.http.get(path, t).await } else { s.http.post(path, t, &body).await };
            assert_eq!((r.status, r.code().as_str()), (404, "not_found"), "{section} hidden: {method} {path} {}", r.text());
        }
        let (method, path) = still;
        assert_eq!(if method == "GET" { s.http.get(path, t).await.status } else { 0 }, 200, "{section} hidden: {path} still works");
    }
}

/// The office records an approval given by phone: who, when and how, audited as such; the
/// estimate is approved (its deposit can be paid) and the adoption figures count it offline,
/// with its time to approve apart from the portal's.
#[tokio::test]
async fn the_office_records_an_approval_given_by_phone() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let path = "/api/admin/customers/acc_whitfield/estimates/est_panel/record-approval";
    let before = s.http.get("/api/admin/adoption", staff).await.json();
    let offline = |a: &Value| a["months"].as_array().unwrap().iter().filter_map(|m| m["estimates_approved_offline"].as_u64()).sum::<u64>();
    assert_eq!(offline(&before), 0);
    let when = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(1)).unwrap();
    let good = json!({"version": 1, "contact": "con_dana", "signer_name": "Dana Whitfield", "approved_at": when.to_string(),
                      "how": "phone", "note": "Called at 10:05, approved option A."});
    // Refused, changing nothing: the future, a stranger, no name, a long note, an unknown way.
    let tomorrow = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(24)).unwrap().to_string();
    let long = "x".repeat(501);
    // Not of the request's shape: 400; of its shape but against a rule: 422.
    for (field, value, status) in [
        ("approved_at", json!(tomorrow), 422),
        ("approved_at", json!("2020-01-01T00:00:00Z"), 422),
        ("contact", json!("con_alex"), 422),
        ("signer_name", json!(""), 400),
        ("note", json!(long), 400),
        ("how", json!("telepathy"), 400),
        ("approved_at", json!("yesterday"), 400),
    ] {
        let mut body = good.clone();
        body[field] = value;
        let r = s.http.post(path, staff, &body).await;
        assert_eq!(r.status, status, "{field}: {}", r.text());
    }
    let mut stale = good.clone();
    stale["version"] = json!(9);
    let r = s.http.post(path, staff, &stale).await;
    assert_eq!((r.status, r.code().as_str()), (409, "version_superseded"));
    let tech = s.sign_in_staff("casey@brightspark.example").await;
    assert_eq!(s.http.post(path, Some(tech.access_token.as_str()), &good).await.status, 403, "a technician reads, does not record");
    assert_eq!(s.http.get("/api/admin/customers/acc_whitfield/estimates/est_panel", staff).await.json()["summary"]["status"], "sent");

    let r = s.http.post(path, staff, &good).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    assert_eq!(page["summary"]["status"], "approved");
    let decision = &page["sent"]["versions"][0]["decision"];
    assert_eq!((decision["kind"].as_str(), decision["offline"]["how"].as_str()), (Some("approved"), Some("phone")), "{decision}");
    assert_eq!(decision["offline"]["recorded_by"], "Morgan Reyes");
    let again = s.http.post(path, staff, &good).await;
    assert_eq!((again.status, again.code().as_str()), (409, "not_open"));
    let audit = s.http.get("/api/admin/documents/est_panel/audit", staff).await.json();
    assert!(audit.to_string().contains("estimate.approved_offline"), "{audit}");

    // The signed paper, scanned: uploaded, read by content, kept privately, served to staff.
    let scan_path = "/api/admin/customers/acc_whitfield/estimates/est_panel/approval-scan";
    let upload = |bytes: Vec<u8>, content_type: &'static str| {
        let s = &s;
        async move {
            let body = json!({"purpose": "approval_scan", "content_type": content_type, "size": bytes.len()});
            let ticket = s.http.post("/api/admin/uploads", staff, &body).await;
            assert_eq!(ticket.status, 200, "{}", ticket.text());
            let ticket = ticket.json();
            let url = ticket["url"].as_str().unwrap();
            let path = &url[url.find("/dev/").unwrap()..];
            let headers: Vec<(String, String)> = ticket["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap().to_string(), h[1].as_str().unwrap().to_string()))
                .collect();
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let sent = s.http.send(ticket["method"].as_str().unwrap(), path, &headers, Some(bytes)).await;
            assert!(sent.status < 300, "the upload is taken: {}", sent.text());
            ticket["upload"].as_str().unwrap().to_string()
        }
    };
    assert_eq!(s.http.get(scan_path, staff).await.status, 404, "no scan yet");
    let fake = upload(b"just some text, not a scan".to_vec(), "application/pdf").await;
    let r = s.http.put(scan_path, staff, &json!({"upload": fake})).await;
    assert_eq!((r.status, r.code().as_str()), (400, "not_a_scan"), "{}", r.text());
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let good = upload(pdf.clone(), "application/pdf").await;
    let r = s.http.put(scan_path, staff, &json!({"upload": good})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({"content_type": "application/pdf", "size": pdf.len()}));
    let again = s.http.put(scan_path, staff, &json!({"upload": good})).await;
    assert_eq!((again.status, again.code().as_str()), (409, "upload_missing"), "an upload is used once");
    let got = s.http.get(scan_path, staff).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.headers.get("content-type").unwrap(), "application/pdf");
    assert!(got.headers.get("content-disposition").unwrap().to_str().unwrap().contains("E-1042-approval.pdf"));
    assert_eq!(got.body, pdf, "the same file back");
    let page = s.http.get("/api/admin/customers/acc_whitfield/estimates/est_panel", staff).await.json();
    assert_eq!(page["sent"]["versions"][0]["decision"]["offline"]["scan"]["content_type"], "application/pdf");
    let audit = s.http.get("/api/admin/documents/est_panel/audit", staff).await.json();
    assert!(audit.to_string().contains("estimate.approval_scan_added"), "{audit}");
    // A technician reads it; a customer never sees it or where it is kept.
    let tech = s.sign_in_staff("casey@brightspark.example").await;
    assert_eq!(s.http.get(scan_path, Some(tech.access_token.as_str())).await.status, 200);
    assert_eq!(s.http.put(scan_path, Some(tech.access_token.as_str()), &json!({"upload": good})).await.status, 403);

    // The customer sees it approved, recorded by the office, and can pay the deposit.
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let seen = s.http.get("/api/estimates/est_panel", t).await.json();
    assert_eq!(seen["status"], "approved");
    assert_eq!(seen["versions"][0]["decision"]["offline"]["how"], "phone");
    assert!(seen["versions"][0]["decision"]["offline"]["scan"].is_null(), "the office's file stays with the office");
    assert_eq!(s.http.get(scan_path, t).await.status, 401, "a customer token does not reach the office's files");
    let deposit = s.http.post("/api/estimates/est_panel/deposit", t, &json!({})).await;
    assert_eq!(deposit.status, 200, "{}", deposit.text());

    let after = s.http.get("/api/admin/adoption", staff).await.json();
    assert_eq!(offline(&after), 1, "{after}");
    assert_eq!(after["hours_to_approve"]["offline_count"], 1);
    assert!(after["hours_to_approve"]["offline"].as_f64().unwrap() > 0.0, "{after}");
    assert_eq!(after["hours_to_approve"]["portal_count"], before["hours_to_approve"]["portal_count"], "the portal's own are apart");
}

/// A contact who first hears of the portal through an emailed estimate was invited: the
/// figures never show more contacts activated than invited.
#[tokio::test]
async fn a_contact_emailed_a_document_counts_as_invited() {
    let s = TestServer::start().await;
    let morgan = s.sign_in_staff("morgan@brightspark.example").await;
    let staff = Some(morgan.access_token.as_str());
    let before = s.http.get("/api/admin/adoption", staff).await.json();
    let account = new_customer(&s, staff).await;
    let estimate = porch_light_draft(&s, staff, &account).await;
    let sent = s.http.post(&format!("/api/admin/customers/{account}/estimates/{estimate}/send"), staff, &json!({})).await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    s.wait_for_mail("rosa@example.com", "Porch light").await.expect("the estimate email");
    let token = s.latest_token("rosa@example.com").await.unwrap();
    assert_eq!(s.exchange(&token).await.status, 200);
    let after = s.http.get("/api/admin/adoption", staff).await.json();
    let n = |a: &Value, k: &str| a[k].as_u64().unwrap();
    assert_eq!(n(&after, "contacts_invited"), n(&before, "contacts_invited") + 1, "{after}");
    assert!(n(&after, "contacts_invited") >= n(&after, "contacts_activated"));
}
