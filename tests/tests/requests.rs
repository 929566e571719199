//! Work requests on the demo: a customer asks (one read, one transaction), with photos and
//! preferred windows; bad input; roles and scopes; the warranty check; the office's inbox,
//! review, decline and conversions to a job with a visit and to an estimate; the request's
//! thread; the second contractor's ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_store::Table;
use portal_testkit::photos;
use portal_tests::harness::{Harness, harness};
use serde_json::{Value, json};

fn office(h: &Harness) -> String {
    portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office")
}

/// The `n`th working day after today on Bright Spark's clock.
fn working_day(n: i64) -> String {
    let mut d = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("America/Chicago").unwrap()).date();
    let mut left = n;
    while left > 0 {
        d = d.tomorrow().unwrap();
        if !matches!(d.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday) {
            left -= 1;
        }
    }
    d.to_string()
}

fn window(day: i64, start: &str, end: &str) -> Value {
    json!({ "date": working_day(day), "start": start, "end": end })
}

fn ask(preferred: Vec<Value>) -> Value {
    json!({
        "category": "EV charger",
        "description": "We bought an EV: a 48 A charger in the garage, please.",
        "property": "prp_maple",
        "preferred": preferred,
        "urgent": false,
        "reach": "email",
    })
}

async fn submit(h: &Harness, token: &str, body: &Value) -> (u16, Value) {
    h.call_with("work-request", "create", token, Some(body), &[]).await
}

fn req(id: &str) -> [(&str, &str); 2] {
    [("account", "acc_whitfield"), ("request", id)]
}

/// The office's inbox with `query` (`status=declined`, `urgent=true`).
async fn inbox(h: &Harness, token: &str, query: &str) -> (u16, Value) {
    let mut event: Value = serde_json::from_str(&portal_tests::events::with_token("work-request", "staff-inbox", token)).unwrap();
    event["rawQueryString"] = Value::String(query.into());
    let params: serde_json::Map<String, Value> =
        query.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect();
    event["queryStringParameters"] = Value::Object(params);
    h.call("work-request", &event.to_string()).await
}

fn mails_to(h: &Harness, to: &str) -> Vec<String> {
    h.store
        .mailbox()
        .list(200)
        .unwrap()
        .iter()
        .map(|d| serde_json::to_value(&d.message).unwrap().to_string())
        .filter(|m| m.contains(to))
        .collect()
}

#[tokio::test]
async fn a_customer_asks_with_windows_and_photos_in_one_read_and_one_transaction() {
    let h = harness().await;
    let dana = h.dana();
    let (status, form) = h.call_with("work-request", "form", &dana, None, &[]).await;
    assert_eq!(status, 200, "{form}");
    assert!(form["categories"].as_array().unwrap().iter().any(|c| c == "EV charger"), "{form}");
    assert!(form["emergency_text"].as_str().unwrap().contains("call us now"));
    assert_eq!(form["properties"][0]["id"], "prp_maple");
    assert!(form["jobs"].as_array().unwrap().iter().any(|j| j["id"] == "job_kitchen"), "completed jobs to ask about: {form}");

    h.table.take();
    let (status, r) = submit(&h, &dana, &ask(vec![window(2, "08:00", "12:00"), window(3, "13:00", "17:00")])).await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(h.table.take(), 2, "one read (a batch) and one transaction");
    assert_eq!((r["status"].as_str(), r["status_words"].as_str()), (Some("received"), Some("Received")));
    assert_eq!(r["preferred"].as_array().unwrap().len(), 2);
    let id = r["id"].as_str().unwrap().to_string();

    // Two photos through the upload pipeline, on the request.
    for n in 0..2 {
        let bytes = photos::jpeg(640, 480);
        let body = json!({ "to": { "to": "request", "request": id }, "kind": "photo", "content_type": "image/jpeg",
                           "size": bytes.len(), "name": format!("garage-{n}.jpg") });
        let (status, slot) = h.call_with("upload-photo", "slot", &dana, Some(&body), &[]).await;
        assert_eq!(status, 200, "{slot}");
        h.send_to_slot(&slot, "image/jpeg", &bytes).await.expect("accepted");
    }
    let (status, mine) = h.call_with("work-request", "get", &dana, None, &[("request", &id)]).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["photos"].as_array().unwrap().len(), 2, "{mine}");
    assert!(mine["photos"][0]["photo"]["thumb_width"].as_u64().unwrap() > 0);
    let (_, list) = h.call_with("work-request", "list", &dana, None, &[]).await;
    assert_eq!(list["requests"][0]["id"], id.as_str(), "newest first: {list}");
    // The dashboard lists it while it is under way, in the same one Query.
    let (_, home) = h.call_with("view-jobs", "home", &dana, None, &[]).await;
    assert_eq!(
        (home["open_requests"][0]["id"].as_str(), home["open_requests"][0]["status_words"].as_str()),
        (Some(id.as_str()), Some("Received")),
        "{home}"
    );

    // The office hears of it.
    h.deliver().await;
    assert!(mails_to(&h, "office@brightspark.example").iter().any(|m| m.contains("work request from Dana Whitfield")), "office told");

    // The office reviews it: the customer sees "In review" and is told.
    let ids = req(&id);
    let (status, staff) = h.call_with("work-request", "staff-get", &office(&h), None, &ids).await;
    assert_eq!(status, 200, "{staff}");
    assert_eq!(staff["photos"].as_array().unwrap().len(), 2);
    let (status, reviewed) = h.call_with("work-request", "staff-review", &office(&h), None, &ids).await;
    assert_eq!((status, reviewed["status"].as_str()), (200, Some("in_review")), "{reviewed}");
    h.deliver().await;
    assert!(mails_to(&h, "dana@example.com").iter().any(|m| m.contains("We are looking at your request")), "customer told");

    // RequestConverted to a job with a visit in her first window.
    let first = window(2, "08:00", "12:00");
    let (status, made) =
        h.call_with("work-request", "staff-job", &office(&h), Some(&json!({ "window": first, "technicians": ["stf_casey"] })), &ids).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["request"]["status"], "scheduled");
    let job = made["job"].as_str().unwrap().to_string();
    let (_, mine) = h.call_with("work-request", "get", &dana, None, &[("request", &id)]).await;
    assert_eq!((mine["status_words"].as_str(), mine["job"].as_str()), (Some("Scheduled"), Some(job.as_str())));
    let (_, home) = h.call_with("view-jobs", "home", &dana, None, &[]).await;
    assert!(home.to_string().contains(&job), "the visit is on the dashboard: {home}");
    assert!(home["open_requests"].as_array().unwrap().iter().all(|r| r["id"] != id.as_str()), "scheduled: a job now: {home}");
    // Decided once.
    let (status, again) = h.call_with("work-request", "staff-estimate", &office(&h), Some(&json!({})), &ids).await;
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("request_decided")), "{again}");
    h.deliver().await;
    assert!(mails_to(&h, "dana@example.com").iter().any(|m| m.contains("Visit booked")), "the booking is sent");
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let h = harness().await;
    let dana = h.dana();
    let (_, before) = h.call_with("work-request", "list", &dana, None, &[]).await;
    let four: Vec<Value> = (1..=4).map(|d| window(d, "09:00", "11:00")).collect();
    let cases: Vec<(Value, u16, &str)> = vec![
        (ask(four), 400, "preferred"),
        (
            {
                let mut b = ask(vec![]);
                b["description"] = Value::String("x".repeat(4001));
                b
            },
            400,
            "description",
        ),
        (
            {
                let mut b = ask(vec![]);
                b["description"] = Value::String("   ".into());
                b
            },
            422,
            "description",
        ),
        (ask(vec![window(2, "06:00", "07:30")]), 422, "preferred[0]"),
        (ask(vec![window(2, "18:00", "20:00")]), 422, "preferred[0]"),
        (
            {
                let mut b = ask(vec![]);
                b["category"] = Value::String("Roofing".into());
                b
            },
            422,
            "category",
        ),
        (
            {
                let mut b = ask(vec![]);
                b["property"] = Value::String("prp_lakeside".into());
                b
            },
            422,
            "property",
        ),
        (
            {
                let mut b = ask(vec![]);
                b["property"] = Value::String("prp_birch".into());
                b
            },
            422,
            "property",
        ),
        (
            {
                let mut b = ask(vec![]);
                b["job"] = Value::String("job_waterheater".into());
                b
            },
            422,
            "job",
        ),
        (
            {
                let mut b = ask(vec![]);
                b.as_object_mut().unwrap().remove("property");
                b
            },
            422,
            "property",
        ),
        (
            {
                let mut b = ask(vec![]);
                b["reach"] = Value::String("call".into());
                b
            },
            201,
            "",
        ),
        (
            {
                let mut b = ask(vec![]);
                b["secret"] = Value::String("<script>".into());
                b
            },
            400,
            "",
        ),
    ];
    let mut made = 0;
    for (body, expected, field) in cases {
        let (status, answer) = submit(&h, &dana, &body).await;
        assert_eq!(status, expected, "{body}: {answer}");
        if status >= 400 {
            assert!(!answer.to_string().contains("<script>") && !answer.to_string().contains("Roofing"), "echoes nothing: {answer}");
            if !field.is_empty() {
                assert!(answer["error"]["fields"][field].is_array(), "{field}: {answer}");
            }
        } else {
            made += 1;
        }
    }
    let (_, after) = h.call_with("work-request", "list", &dana, None, &[]).await;
    assert_eq!(after["requests"].as_array().unwrap().len(), before["requests"].as_array().unwrap().len() + made);
}

#[tokio::test]
async fn who_may_ask_and_who_may_see() {
    let h = harness().await;
    let body = ask(vec![]);
    // A viewer, the office's read-only view and a one-document link may not ask.
    let viewer = h.token("acc_whitfield", "con_dana", "viewer", "portal");
    assert_eq!(submit(&h, &viewer, &body).await.0, 403);
    let view_as = h.token("acc_whitfield", "con_dana", "approver", "portal:read");
    assert_eq!(submit(&h, &view_as, &body).await.0, 403);
    let link = h.token("acc_whitfield", "con_dana", "approver", "estimate:est_panel:view,sign");
    assert_eq!(submit(&h, &link, &body).await.0, 403);
    assert_eq!(h.call_with("work-request", "get", &link, None, &[("request", "req_porchlight")]).await.0, 403);
    // The viewer reads.
    assert_eq!(h.call_with("work-request", "get", &viewer, None, &[("request", "req_porchlight")]).await.0, 200);
    // Another account's contact, and the second contractor's, get 404 for Dana's request.
    let alex = h.token("acc_harbor", "con_alex", "approver", "portal");
    assert_eq!(h.call_with("work-request", "get", &alex, None, &[("request", "req_porchlight")]).await.0, 404);
    let erik = portal_tests::lambda::customer_token_in(
        &h.key,
        portal_local::seed::SECOND_TENANT,
        "acc_lindqvist",
        "con_erik",
        "approver",
        "portal",
    );
    assert_eq!(h.call_with("work-request", "get", &erik, None, &[("request", "req_porchlight")]).await.0, 404);
    let (status, his) = h.call_with("work-request", "get", &erik, None, &[("request", "req_slowdrain")]).await;
    assert_eq!((status, his["category"].as_str()), (200, Some("Drain")), "{his}");
    let (_, his_list) = h.call_with("work-request", "list", &erik, None, &[]).await;
    assert!(!his_list.to_string().contains("req_porchlight"), "{his_list}");
    // Bright Spark's office cannot reach Northside's request, nor Northside's office Dana's.
    let slowdrain = [("account", "acc_lindqvist"), ("request", "req_slowdrain")];
    for case in ["staff-get", "staff-review"] {
        assert_eq!(h.call_with("work-request", case, &office(&h), None, &slowdrain).await.0, 404, "{case}");
    }
    let quinn = portal_tests::lambda::staff_token(&h.key, portal_local::seed::SECOND_TENANT, "stf_quinn", "office");
    for case in ["staff-get", "staff-review"] {
        assert_eq!(h.call_with("work-request", case, &quinn, None, &req("req_porchlight")).await.0, 404, "{case}");
    }
    let (_, theirs) = inbox(&h, &quinn, "").await;
    assert!(theirs.to_string().contains("req_slowdrain") && !theirs.to_string().contains("req_porchlight"), "{theirs}");
    // A technician reads but does not run the inbox; a customer token is no staff token.
    let casey = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    assert_eq!(inbox(&h, &casey, "").await.0, 403);
    assert_eq!(inbox(&h, &h.dana(), "").await.0, 401);
    assert_eq!(inbox(&h, &office(&h), "status=open").await.0, 400);
}

#[tokio::test]
async fn a_request_about_equipment_or_a_past_job_is_checked_against_its_warranty() {
    let h = harness().await;
    let dana = h.dana();
    // Equipment on record: one still under warranty, one whose warranty ended.
    let mut ids = Vec::new();
    for until in ["2031-01-01", "2024-01-01"] {
        let body = json!({ "kind": "EV charger", "make_model": "ChargePoint Home Flex", "serial": until,
                           "installed_on": "2023-01-01", "warranty_until": until });
        let (status, e) = h.call_with("admin-api", "add-equipment", &office(&h), Some(&body), &[]).await;
        assert!(status == 200 || status == 201, "{e}");
        ids.push(e["id"].as_str().unwrap().to_string());
    }
    let mut marks = Vec::new();
    for e in &ids {
        let mut b = ask(vec![]);
        b["equipment"] = Value::String(e.clone());
        let (status, r) = submit(&h, &dana, &b).await;
        assert_eq!(status, 201, "{r}");
        let (_, staff) = h.call_with("work-request", "staff-get", &office(&h), None, &req(r["id"].as_str().unwrap())).await;
        marks.push(staff["request"]["regarding"]["under_warranty"].as_bool().unwrap());
    }
    assert_eq!(marks, [true, false], "within its warranty, and past it");
    // A callback about the kitchen job, completed days ago: the business's 12 months.
    let mut b = ask(vec![]);
    b["job"] = Value::String("job_kitchen".into());
    let (_, r) = submit(&h, &dana, &b).await;
    let (_, staff) = h.call_with("work-request", "staff-get", &office(&h), None, &req(r["id"].as_str().unwrap())).await;
    assert_eq!(staff["request"]["regarding"]["under_warranty"], true, "{staff}");
    assert!(staff["request"]["regarding"]["label"].as_str().unwrap().contains("J-"), "{staff}");
    // Equipment at another property of hers is refused.
    let mut b = ask(vec![]);
    b["equipment"] = Value::String("eqp_lakeside_spring_1".into());
    assert_eq!(submit(&h, &dana, &b).await.0, 422);
}

#[tokio::test]
async fn the_office_declines_or_makes_an_estimate_and_the_customer_follows() {
    let h = harness().await;
    let dana = h.dana();
    // The inbox opens on the open requests, urgent first.
    let mut urgent = ask(vec![]);
    urgent["urgent"] = Value::Bool(true);
    urgent["category"] = Value::String("Troubleshooting".into());
    let (_, u) = submit(&h, &dana, &urgent).await;
    let (status, open) = inbox(&h, &office(&h), "").await;
    assert_eq!(status, 200, "{open}");
    assert_eq!(open["requests"][0]["id"], u["id"], "urgent first: {open}");
    assert!(open.to_string().contains("req_porchlight"));
    let (_, only) = inbox(&h, &office(&h), "urgent=true").await;
    assert_eq!(only["requests"].as_array().unwrap().len(), 1, "{only}");

    // Declined with a message.
    let ids = req("req_porchlight");
    let (status, blank) = h.call_with("work-request", "staff-decline", &office(&h), Some(&json!({ "message": "  " })), &ids).await;
    assert_eq!(status, 422, "{blank}");
    let (status, d) = h.call_with("work-request", "staff-decline", &office(&h), None, &ids).await;
    assert_eq!((status, d["status"].as_str()), (200, Some("declined")), "{d}");
    let (_, mine) = h.call_with("work-request", "get", &dana, None, &[("request", "req_porchlight")]).await;
    assert_eq!(mine["status_words"], "Declined");
    assert!(mine["message"].as_str().unwrap().contains("Oak Lawn"), "{mine}");
    let (_, declined) = inbox(&h, &office(&h), "status=declined").await;
    assert!(declined.to_string().contains("req_porchlight"));
    let (_, open) = inbox(&h, &office(&h), "").await;
    assert!(!open.to_string().contains("req_porchlight"), "no longer open");
    h.deliver().await;
    assert!(mails_to(&h, "dana@example.com").iter().any(|m| m.contains("cannot take on your request")));

    // The urgent one becomes a draft estimate with its description as the scope and its photo.
    let uid = u["id"].as_str().unwrap().to_string();
    // Two photos: their copies count their bytes in one update.
    for n in 0..2 {
        let bytes = photos::jpeg(320 + n, 240);
        let body = json!({ "to": { "to": "request", "request": uid }, "kind": "photo", "content_type": "image/jpeg", "size": bytes.len(), "name": "scorch.jpg" });
        let (status, slot) = h.call_with("upload-photo", "slot", &dana, Some(&body), &[]).await;
        assert_eq!(status, 200, "{slot}");
        h.send_to_slot(&slot, "image/jpeg", &bytes).await.expect("accepted");
    }
    let (status, made) = h.call_with("work-request", "staff-estimate", &office(&h), Some(&json!({})), &req(&uid)).await;
    assert_eq!(status, 201, "{made}");
    let estimate = made["estimate"].as_str().unwrap();
    let (_, mine) = h.call_with("work-request", "get", &dana, None, &[("request", &uid)]).await;
    assert_eq!(mine["status_words"], "Estimate on its way");
    let item = h
        .table
        .get(&portal_store::keys::estimate(
            &"ten_brightspark".parse().unwrap(),
            &"acc_whitfield".parse().unwrap(),
            &estimate.parse().unwrap(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item["status"], "draft");
    assert_eq!(item["title"], "Troubleshooting");
    // A draft is not the customer's yet.
    let (_, estimates) = h.call_with("view-estimate", "list", &dana, None, &[]).await;
    assert!(!estimates.to_string().contains(estimate));
    assert!(mine["estimate"].is_null(), "{mine}");
    // Sent, the request's page leads to it and follows its status.
    let sent = [("account", "acc_whitfield"), ("estimate", estimate)];
    let (status, body) = h.call_with("admin-api", "send-estimate", &office(&h), Some(&json!({})), &sent).await;
    assert_eq!(status, 200, "{body}");
    let (_, mine) = h.call_with("work-request", "get", &dana, None, &[("request", &uid)]).await;
    assert_eq!((mine["estimate"]["id"].as_str(), mine["estimate"]["status"].as_str()), (Some(estimate), Some("sent")), "{mine}");
    // The estimate's page shows the request's photo: a copy of its own.
    let (status, page) = h.call_with("view-estimate", "get", &dana, None, &[("id", estimate)]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["id"], estimate, "the estimate, flattened: {page}");
    assert_eq!(page["files"].as_array().unwrap().len(), 2, "{page}");
    let copy = page["files"][0].clone();
    assert_eq!((copy["kind"].as_str(), copy["to"]["estimate"].as_str()), (Some("photo"), Some(estimate)), "{page}");
    assert_ne!(copy["id"], mine["photos"][0]["id"]);
    assert!(copy["photo"]["thumb_url"].as_str().unwrap() != mine["photos"][0]["photo"]["thumb_url"].as_str().unwrap());
    // Deleting the estimate's copy leaves the request's photo whole.
    let del = [("account", "acc_whitfield"), ("file", copy["id"].as_str().unwrap())];
    assert_eq!(h.call_with("upload-photo", "staff-delete", &office(&h), None, &del).await.0, 204);
    let (_, mine) = h.call_with("work-request", "get", &dana, None, &[("request", &uid)]).await;
    let thumb = mine["photos"][0]["photo"]["thumb_url"].as_str().unwrap();
    let key = thumb.split("/dev/blobs/").nth(1).unwrap().split('?').next().unwrap();
    assert!(
        matches!(
            portal_domain::ports::Blobs::get(h.blobs.as_ref(), key, 10_000_000).await.unwrap(),
            portal_domain::ports::Fetched::Found(_)
        ),
        "the request's own rendition stays"
    );
    // The list does not read every estimate.
    let (_, list) = h.call_with("work-request", "list", &dana, None, &[]).await;
    assert!(list["requests"].as_array().unwrap().iter().all(|r| r["estimate"].is_null()), "{list}");
}

#[tokio::test]
async fn each_request_has_its_own_thread() {
    let h = harness().await;
    let dana = h.dana();
    let thread = [("thread", "req_porchlight")];
    let (status, posted) =
        h.call_with("send-message", "post", &dana, Some(&json!({ "text": "The switch is the one by the front door." })), &thread).await;
    assert!(status == 200 || status == 201, "{posted}");
    let (_, threads) = h.call_with("send-message", "list", &dana, None, &[]).await;
    assert!(threads.to_string().contains("Request: Lighting"), "{threads}");
    let (status, page) = h.call_with("send-message", "get", &dana, None, &thread).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.to_string().contains("front door"));
    // Not another account's.
    let alex = h.token("acc_harbor", "con_alex", "approver", "portal");
    assert_eq!(h.call_with("send-message", "get", &alex, None, &thread).await.0, 404);
}

/// A public answer with its photo key's secret part blanked (each answer has its own key):
/// what must be the same for everyone.
fn same_words(answer: &Value) -> Value {
    let mut a = answer.clone();
    let key = a["photo_key"].as_str().expect("a photo key").to_string();
    let parts: Vec<&str> = key.split('.').collect();
    assert_eq!(parts.len(), 3, "{key}");
    assert!(parts[0].starts_with("acc_") && parts[1].starts_with("req_") && parts[2].len() == 43, "{key}");
    a["photo_key"] = json!("...");
    a
}

/// The public page asks a slot for `bytes` (a JPEG) with `key`.
async fn public_photo(h: &Harness, key: &str, bytes: &[u8]) -> (u16, Value) {
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-photo")).unwrap();
    event["body"] =
        Value::String(json!({ "key": key, "content_type": "image/jpeg", "size": bytes.len(), "name": "panel.jpg" }).to_string());
    h.call("work-request", &event.to_string()).await
}

async fn public_photo_status(h: &Harness, key: &str, file: &str) -> (u16, Value) {
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-photo-status")).unwrap();
    event["body"] = Value::String(json!({ "key": key, "file": file }).to_string());
    h.call("work-request", &event.to_string()).await
}

#[tokio::test]
async fn the_public_forms_page_adds_photos_with_its_key_for_an_hour() {
    let h = harness().await;
    let (status, answer) = public(&h, "198.51.100.40", |_| {}).await;
    assert_eq!((status, answer["photos"].as_u64()), (202, Some(6)), "{answer}");
    let key = answer["photo_key"].as_str().unwrap().to_string();
    let bytes = photos::jpeg(640, 480);

    // A slot is the business by its name, then one read and one transaction like any other.
    h.table.take();
    let (status, slot) = public_photo(&h, &key, &bytes).await;
    assert_eq!(status, 200, "{slot}");
    assert_eq!(h.table.take(), 3, "the business, one read and one transaction");
    h.send_to_slot(&slot, "image/jpeg", &bytes).await.expect("accepted");
    let (status, done) = public_photo_status(&h, &key, slot["file"].as_str().unwrap()).await;
    assert_eq!((status, done["state"].as_str()), (200, Some("ready")), "{done}");
    assert!(done["view"]["photo"]["thumb_width"].as_u64().unwrap() > 0, "{done}");
    // The office sees it on the lead's request, added by the person who asked.
    let (_, open) = inbox(&h, &office(&h), "").await;
    let lead = open["requests"].as_array().unwrap().iter().find(|r| r["name"] == "Jamie Rivera").unwrap().clone();
    let ids = [("account", lead["account"].as_str().unwrap()), ("request", lead["id"].as_str().unwrap())];
    let (_, staff) = h.call_with("work-request", "staff-get", &office(&h), None, &ids).await;
    assert_eq!(staff["photos"].as_array().unwrap().len(), 1, "{staff}");
    assert_eq!(staff["photos"][0]["by"], "Jamie Rivera");

    // A key with its secret changed, or another request's, adds nothing: 404, nothing echoed.
    let mut forged = key.clone();
    forged.replace_range(key.len() - 4.., "AAAA");
    let (status, body) = public_photo(&h, &forged, &bytes).await;
    assert_eq!(status, 404, "{body}");
    assert!(!body.to_string().contains(&forged[..20]), "{body}");
    for bad in ["", "not-a-key", "acc_x.req_y", &format!("{key}.more")] {
        assert_eq!(public_photo(&h, bad, &bytes).await.0, 404, "{bad:?}");
    }
    assert_eq!(public_photo_status(&h, &forged, slot["file"].as_str().unwrap()).await.0, 404);
    // Nor in another contractor's form: the key names a request of Bright Spark's.
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-photo")).unwrap();
    event["pathParameters"]["tenant"] = json!("northside");
    event["rawPath"] = json!("/api/public/northside/request-photos");
    event["body"] = Value::String(json!({ "key": key, "content_type": "image/jpeg", "size": bytes.len(), "name": "p.jpg" }).to_string());
    assert_eq!(h.call("work-request", &event.to_string()).await.0, 404);
    // A document, or a photo the server cannot take, is refused as any slot is.
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-photo")).unwrap();
    event["body"] = Value::String(json!({ "key": key, "content_type": "image/heic", "size": 10, "name": "a.heic" }).to_string());
    assert_eq!(h.call("work-request", &event.to_string()).await.0, 400);

    // Six photos in all; the seventh is refused.
    for n in 1..6 {
        assert_eq!(public_photo(&h, &key, &bytes).await.0, 200, "photo {n}");
    }
    let (status, body) = public_photo(&h, &key, &bytes).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("rate_limited")), "{body}");

    // An hour on, the key adds nothing more (409 with words to act on).
    let (status, other) = public(&h, "198.51.100.41", |b| b["address"]["line1"] = json!("12 Birch Road")).await;
    assert_eq!(status, 202);
    let other_key = other["photo_key"].as_str().unwrap().to_string();
    let parsed: Vec<&str> = other_key.split('.').collect();
    let item_key =
        portal_store::keys::work_request(&"ten_brightspark".parse().unwrap(), &parsed[0].parse().unwrap(), &parsed[1].parse().unwrap());
    let mut item = h.table.get(&item_key).await.unwrap().unwrap();
    item.insert("photo_key_until".into(), json!(jiff::Timestamp::now().as_second() - 1));
    h.table.transact(vec![portal_store::table::Write::Put(portal_store::table::Put { item, cond: None })]).await.unwrap();
    let (status, body) = public_photo(&h, &other_key, &bytes).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("photos_closed")), "{body}");
    // The office's first step on the request ends the key.
    let lead = inbox(&h, &office(&h), "").await.1["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["place"].as_str().unwrap().starts_with("12 Birch"))
        .unwrap()
        .clone();
    let ids = [("account", lead["account"].as_str().unwrap()), ("request", lead["id"].as_str().unwrap())];
    assert_eq!(h.call_with("work-request", "staff-review", &office(&h), None, &ids).await.0, 200);
    let (status, body) = public_photo(&h, &other_key, &bytes).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("photos_closed")), "{body}");
}

/// The public form's event with `body` changed by `edit`, sent from `ip`.
async fn public(h: &Harness, ip: &str, edit: impl FnOnce(&mut Value)) -> (u16, Value) {
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-create")).unwrap();
    let mut body: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
    edit(&mut body);
    event["body"] = Value::String(body.to_string());
    event["requestContext"]["http"]["sourceIp"] = Value::String(ip.into());
    h.call("work-request", &event.to_string()).await
}

async fn open_count(h: &Harness) -> usize {
    inbox(h, &office(h), "").await.1["requests"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_public_form_makes_a_lead_and_says_the_same_to_everyone() {
    let h = harness().await;
    let (status, form) = h.call("work-request", &portal_tests::events::raw("work-request", "public-form")).await;
    assert_eq!((status, form["business"].as_str()), (200, Some("Bright Spark Electric")), "{form}");
    assert!(form["categories"].as_array().unwrap().iter().any(|c| c == "Troubleshooting"));
    let before = open_count(&h).await;

    // Someone new: one read (the business by its name) and one transaction.
    h.table.take();
    let (status, unknown) = public(&h, "198.51.100.1", |_| {}).await;
    assert_eq!(status, 202, "{unknown}");
    assert_eq!(h.table.take(), 2, "one read and one transaction");
    // A known customer's address gets exactly the same answer (and a lead of its own: the
    // office decides whether it is Dana).
    let (status, known) = public(&h, "198.51.100.2", |b| {
        b["email"] = json!("dana@example.com");
        b["address"]["line1"] = json!("1842 Maple Street");
    })
    .await;
    assert_eq!((status, same_words(&known)), (202, same_words(&unknown)), "identical answers");
    assert_eq!(open_count(&h).await, before + 2);
    // A robot: the hidden field filled in, or sent too fast: the same answer, nothing kept.
    let (status, robot) = h.call("work-request", &portal_tests::events::raw("work-request", "public-robot")).await;
    assert_eq!((status, same_words(&robot)), (202, same_words(&unknown)));
    let (status, fast) = public(&h, "198.51.100.3", |b| b["elapsed_ms"] = json!(800)).await;
    assert_eq!((status, same_words(&fast)), (202, same_words(&unknown)));
    assert_eq!(open_count(&h).await, before + 2, "robots leave nothing");
    // The robot's photo key is shaped like anyone's and adds nothing.
    let (status, _) = public_photo(&h, robot["photo_key"].as_str().unwrap(), &photos::jpeg(64, 48)).await;
    assert_eq!(status, 404);

    // The office finds the lead; its contact has no portal access yet.
    let (_, open) = inbox(&h, &office(&h), "").await;
    let lead = open["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Jamie Rivera" && r["email"] == "jamie@example.net")
        .unwrap()
        .clone();
    assert_eq!(lead["source"], "form");
    assert_eq!(lead["place"], "915 Pecan Street, Austin, TX 78702");
    let account = lead["account"].as_str().unwrap();
    let item =
        h.table.get(&portal_store::keys::account(&"ten_brightspark".parse().unwrap(), &account.parse().unwrap())).await.unwrap().unwrap();
    assert_eq!(item["lead"], true);
    h.deliver().await;
    assert!(mails_to(&h, "office@brightspark.example").iter().any(|m| m.contains("work request from Jamie Rivera")));
    // Booked: the address becomes the lead's property, and Jamie hears of it by email.
    let ids = [("account", account), ("request", lead["id"].as_str().unwrap())];
    let (status, made) =
        h.call_with("work-request", "staff-job", &office(&h), Some(&json!({ "window": window(3, "09:00", "11:00") })), &ids).await;
    assert_eq!(status, 201, "{made}");
    assert!(made["request"]["property"].as_str().unwrap().starts_with("prp_"), "{made}");
}

#[tokio::test]
async fn the_public_form_is_bounded_and_limited() {
    let h = harness().await;
    for (edit, expected, field) in [
        (Box::new(|b: &mut Value| b["description"] = json!("x".repeat(4001))) as Box<dyn FnOnce(&mut Value)>, 400, "description"),
        (Box::new(|b: &mut Value| b["name"] = json!("x".repeat(121))), 400, "name"),
        (Box::new(|b: &mut Value| b["address"]["line1"] = json!("x".repeat(121))), 400, "address.line1"),
        (Box::new(|b: &mut Value| b["evil"] = json!("<script>")), 400, ""),
        (Box::new(|b: &mut Value| b["phone"] = json!("555-CALL")), 400, "phone"),
        (Box::new(|b: &mut Value| b.as_object_mut().unwrap().remove("email").map(|_| ()).unwrap_or(())), 422, "email"),
        (Box::new(|b: &mut Value| b["name"] = json!("   ")), 422, "name"),
        (Box::new(|b: &mut Value| b["category"] = json!("Roofing")), 422, "category"),
        (Box::new(|b: &mut Value| b["preferred"] = json!([window(2, "05:00", "06:00")])), 422, "preferred[0]"),
    ] {
        let (status, answer) = public(&h, "192.0.2.7", edit).await;
        assert_eq!(status, expected, "{answer}");
        assert!(!answer.to_string().contains("<script>") && !answer.to_string().contains("Roofing"), "{answer}");
        if !field.is_empty() {
            assert!(answer["error"]["fields"][field].is_array(), "{field}: {answer}");
        }
        if field == "phone" {
            // The parser's own words, naming the field (the body's keys are not echoes).
            assert_eq!(answer["error"]["fields"]["phone"][0], "must be a phone number like +1 555 123 4567", "{answer}");
        }
    }
    // An unknown business is 404.
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-create")).unwrap();
    event["pathParameters"]["tenant"] = json!("nobody-here");
    event["rawPath"] = json!("/api/public/nobody-here/requests");
    assert_eq!(h.call("work-request", &event.to_string()).await.0, 404);

    // Five an hour from one address; the sixth is refused, and changes nothing.
    for n in 0..5 {
        let (status, body) = public(&h, "192.0.2.8", |b| b["address"]["line1"] = json!(format!("{n} Elm Street"))).await;
        assert_eq!(status, 202, "{n}: {body}");
    }
    let before = open_count(&h).await;
    let (status, body) = public(&h, "192.0.2.8", |b| b["address"]["line1"] = json!("99 Elm Street")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("rate_limited")), "{body}");
    assert_eq!(open_count(&h).await, before);
    // Three a day for one street address, however it is written and wherever it comes from.
    for (n, line) in ["7 Oak Lane", "7 OAK LANE", "7 Oak Lane."].into_iter().enumerate() {
        assert_eq!(public(&h, &format!("192.0.2.{}", 20 + n), |b| b["address"]["line1"] = json!(line)).await.0, 202);
    }
    assert_eq!(public(&h, "192.0.2.30", |b| b["address"]["line1"] = json!("7 oak lane")).await.0, 429);
}

#[tokio::test]
async fn the_office_merges_a_lead_into_the_customer_it_is() {
    let h = harness().await;
    // Dana, not signed in, uses the public form.
    let (status, _) = public(&h, "198.51.100.9", |b| {
        b["name"] = json!("Dana W.");
        b["email"] = json!("dana@example.com");
        b["address"]["line1"] = json!("1842 Maple Street");
    })
    .await;
    assert_eq!(status, 202);
    let (_, open) = inbox(&h, &office(&h), "").await;
    let lead = open["requests"].as_array().unwrap().iter().find(|r| r["name"] == "Dana W.").unwrap().clone();
    let (lead_account, id) = (lead["account"].as_str().unwrap().to_string(), lead["id"].as_str().unwrap().to_string());
    let ids = [("account", lead_account.as_str()), ("request", id.as_str())];
    // Not into itself (nor another lead), nor a made-up customer; a customer's own request is
    // no lead.
    let (status, _) = h.call_with("work-request", "staff-merge", &office(&h), Some(&json!({ "into": lead_account })), &ids).await;
    assert_eq!(status, 422);
    let (status, _) = h.call_with("work-request", "staff-merge", &office(&h), Some(&json!({ "into": "acc_nobody" })), &ids).await;
    assert_eq!(status, 422);
    let (status, body) =
        h.call_with("work-request", "staff-merge", &office(&h), Some(&json!({ "into": "acc_whitfield" })), &req("req_porchlight")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_a_lead")), "{body}");
    let (status, merged) = h.call_with("work-request", "staff-merge", &office(&h), Some(&json!({ "into": "acc_whitfield" })), &ids).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!((merged["account"].as_str(), merged["contact"].as_str()), (Some("acc_whitfield"), Some("con_dana")));
    // Dana sees it in her portal; the lead is gone.
    let (status, mine) = h.call_with("work-request", "get", &h.dana(), None, &[("request", &id)]).await;
    assert_eq!(status, 200, "{mine}");
    let t: portal_domain::ids::TenantId = "ten_brightspark".parse().unwrap();
    assert!(h.table.get(&portal_store::keys::account(&t, &lead_account.parse().unwrap())).await.unwrap().is_none());
    assert_eq!(h.call_with("work-request", "staff-get", &office(&h), None, &ids).await.0, 404);
}

#[tokio::test]
async fn an_address_to_confirm_is_seen_by_its_asker_and_whole_account_contacts_only() {
    let h = harness().await;
    let dana = h.dana();
    let mut b = ask(vec![]);
    b.as_object_mut().unwrap().remove("property");
    b["address"] = json!({ "line1": "5 Lakeview Court", "city": "Austin", "region": "TX", "postal_code": "78704" });
    let (status, r) = submit(&h, &dana, &b).await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    // Another contact of the account, limited to the Maple Street home, sees neither the
    // request nor its thread, and cannot add to it.
    let limited = portal_tests::lambda::limited_token(&h.key, "acc_whitfield", "con_dana_partner", "approver", &["prp_maple"]);
    assert_eq!(h.call_with("work-request", "get", &limited, None, &[("request", &id)]).await.0, 404);
    let thread = [("thread", id.as_str())];
    assert_eq!(h.call_with("send-message", "get", &limited, None, &thread).await.0, 404);
    let body =
        json!({ "to": { "to": "request", "request": id }, "kind": "photo", "content_type": "image/jpeg", "size": 1000, "name": "x.jpg" });
    assert_eq!(h.call_with("upload-photo", "slot", &limited, Some(&body), &[]).await.0, 404);
    // Dana, who asked, does.
    assert_eq!(h.call_with("work-request", "get", &dana, None, &[("request", &id)]).await.0, 200);
    assert_eq!(h.call_with("upload-photo", "slot", &dana, Some(&body), &[]).await.0, 200);
    // Both a property and an address, or equipment without its property: 422, not 400.
    let mut both = ask(vec![]);
    both["address"] = b["address"].clone();
    assert_eq!(submit(&h, &dana, &both).await.0, 422);
    let mut loose = b.clone();
    loose["equipment"] = json!("eqp_somewhere");
    assert_eq!(submit(&h, &dana, &loose).await.0, 422);
}

#[tokio::test]
async fn a_lead_the_office_added_work_to_is_not_merged() {
    let h = harness().await;
    assert_eq!(public(&h, "2001:db8:1:2::10", |b| b["name"] = json!("Robin Park")).await.0, 202);
    let (_, open) = inbox(&h, &office(&h), "").await;
    let lead = open["requests"].as_array().unwrap().iter().find(|r| r["name"] == "Robin Park").unwrap().clone();
    let account = lead["account"].as_str().unwrap().to_string();
    let body = json!({ "label": "Cabin", "line1": "1 Ridge Road", "city": "Wimberley", "region": "TX", "postal_code": "78676" });
    let (status, added) = h.call_with("admin-api", "add-property", &office(&h), Some(&body), &[("account", &account)]).await;
    assert!(status == 200 || status == 201, "{added}");
    let ids = [("account", account.as_str()), ("request", lead["id"].as_str().unwrap())];
    let (status, refused) = h.call_with("work-request", "staff-merge", &office(&h), Some(&json!({ "into": "acc_whitfield" })), &ids).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("lead_has_more")), "{refused}");
    // Another address in the same IPv6 /64 counts as the same source.
    for n in 0..4 {
        let ip = format!("2001:db8:1:2::{}", 20 + n);
        assert_eq!(public(&h, &ip, |b| b["address"]["line1"] = json!(format!("{n} Ash Street"))).await.0, 202, "{ip}");
    }
    assert_eq!(public(&h, "2001:db8:1:2:ffff::1", |b| b["address"]["line1"] = json!("9 Ash Street")).await.0, 429);
}

#[tokio::test]
async fn the_second_contractors_public_form_is_its_own() {
    let h = harness().await;
    let quinn = portal_tests::lambda::staff_token(&h.key, portal_local::seed::SECOND_TENANT, "stf_quinn", "office");
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-form")).unwrap();
    event["pathParameters"]["tenant"] = json!("northside");
    event["rawPath"] = json!("/api/public/northside/request-form");
    let (status, form) = h.call("work-request", &event.to_string()).await;
    assert_eq!(status, 200, "{form}");
    assert!(form["categories"].as_array().unwrap().iter().any(|c| c == "Drain"), "{form}");
    assert!(!form.to_string().contains("Bright Spark"), "{form}");
    // A request sent to it is a lead of the second contractor only.
    let mut event: Value = serde_json::from_str(&portal_tests::events::raw("work-request", "public-create")).unwrap();
    let mut body: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
    body["category"] = json!("Drain");
    body["name"] = json!("Avery Northside");
    event["body"] = Value::String(body.to_string());
    event["pathParameters"]["tenant"] = json!("northside");
    event["rawPath"] = json!("/api/public/northside/requests");
    assert_eq!(h.call("work-request", &event.to_string()).await.0, 202);
    let (_, theirs) = inbox(&h, &quinn, "").await;
    assert!(theirs.to_string().contains("Avery Northside"), "{theirs}");
    let (_, ours) = inbox(&h, &office(&h), "").await;
    assert!(!ours.to_string().contains("Avery Northside"), "{ours}");
}

#[tokio::test]
async fn the_owner_sets_what_customers_choose_from() {
    let h = harness().await;
    let owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let (_, mut settings) = h.call_with("admin-api", "get-settings", &owner, None, &[]).await;
    settings["requests"] = json!({ "categories": ["Generator", "Other"], "emergency_text": "Call now.", "workmanship_months": 24 });
    let (status, saved) = h.call_with("admin-api", "put-settings", &owner, Some(&settings), &[]).await;
    assert_eq!(status, 200, "{saved}");
    let (_, form) = h.call_with("work-request", "form", &h.dana(), None, &[]).await;
    assert_eq!(form["categories"], json!(["Generator", "Other"]));
    assert_eq!(form["emergency_text"], "Call now.");
    // A category twice, or none, is refused.
    settings["requests"]["categories"] = json!(["Other", "other"]);
    assert_eq!(h.call_with("admin-api", "put-settings", &owner, Some(&settings), &[]).await.0, 422);
}

/// Every page of the inbox for `query`, by its cursor: the ids in order.
async fn every_page(h: &Harness, query: &str) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.to_string(),
        };
        let (status, page) = inbox(h, &office(h), &q).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        ids.extend(page["requests"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()));
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return (ids, pages),
        }
        assert!(pages < 20, "the cursor ends");
    }
}

#[tokio::test]
async fn the_inbox_pages_on_and_fills_a_page_of_urgent_ones() {
    let h = harness().await;
    let dana = h.dana();
    let mut urgent = Vec::new();
    for n in 0..7 {
        let mut body = ask(vec![]);
        body["urgent"] = json!(n % 3 == 0);
        let (status, r) = submit(&h, &dana, &body).await;
        assert_eq!(status, 201, "{r}");
        if n % 3 == 0 {
            urgent.push(r["id"].as_str().unwrap().to_string());
        }
    }
    // The open inbox, two at a time: every request once, urgent first.
    let (all, pages) = every_page(&h, "limit=2").await;
    assert_eq!(all.len(), 8, "seven and the demo's: {all:?}");
    assert!(pages >= 4);
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "none twice");
    assert!(all[..3].iter().all(|id| urgent.contains(id)), "urgent first: {all:?}");
    // One status's urgent ones: each page filled from the pages after it, none missed.
    let (_, first) = inbox(&h, &office(&h), "status=received&urgent=true&limit=2").await;
    assert_eq!(first["requests"].as_array().unwrap().len(), 2, "{first}");
    let (found, _) = every_page(&h, "status=received&urgent=true&limit=2").await;
    let mut expected = urgent.clone();
    expected.reverse();
    assert_eq!(found, expected, "newest first, all three");
}

/// The contacts adoption counts (`GET /api/admin/adoption`).
async fn contacts_counted(h: &Harness) -> u64 {
    let owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let (status, adoption) = h.call("admin-api", &portal_tests::events::with_token("admin-api", "adoption", &owner)).await;
    assert_eq!(status, 200, "{adoption}");
    adoption["contacts"].as_u64().unwrap()
}

#[tokio::test]
async fn work_the_office_gives_a_lead_from_any_screen_makes_it_a_customer() {
    let h = harness().await;
    let before = contacts_counted(&h).await;
    assert_eq!(public(&h, "198.51.100.77", |b| b["name"] = json!("Sam Okafor")).await.0, 202);
    assert_eq!(contacts_counted(&h).await, before, "a lead cannot sign in: not counted in adoption");
    let (_, open) = inbox(&h, &office(&h), "").await;
    let lead = open["requests"].as_array().unwrap().iter().find(|r| r["name"] == "Sam Okafor").unwrap().clone();
    let account = lead["account"].as_str().unwrap().to_string();
    // The office adds a second contact to the lead (not counted either), then makes a job on
    // the Jobs screen, not from the request.
    let mut event: Value = serde_json::from_str(&portal_tests::events::with_token("admin-api", "add-contact", &office(&h))).unwrap();
    event["pathParameters"]["account"] = json!(account);
    event["rawPath"] = json!(format!("/api/admin/customers/{account}/contacts"));
    event["body"] = Value::String(json!({ "name": "Ife Okafor", "email": "ife@example.net", "role": "approver" }).to_string());
    let (status, added) = h.call("admin-api", &event.to_string()).await;
    assert!(status == 200 || status == 201, "{added}");
    assert_eq!(contacts_counted(&h).await, before);
    let mut event: Value = serde_json::from_str(&portal_tests::events::with_token("admin-api", "create-job", &office(&h))).unwrap();
    event["pathParameters"]["account"] = json!(account);
    event["rawPath"] = json!(format!("/api/admin/customers/{account}/jobs"));
    event["body"] = Value::String(json!({ "title": "Panel check", "scope": "Look over the panel." }).to_string());
    let (status, job) = h.call("admin-api", &event.to_string()).await;
    assert_eq!(status, 201, "{job}");
    let ten: portal_domain::ids::TenantId = "ten_brightspark".parse().unwrap();
    let acc: portal_domain::ids::AccountId = account.parse().unwrap();
    let item = h.table.get(&portal_store::keys::account(&ten, &acc)).await.unwrap().unwrap();
    assert_ne!(item.get("lead"), Some(&json!(true)), "a customer now: {item:?}");
    let contacts = portal_store::repo::parties::list_contacts(h.table.as_ref(), &ten, &acc).await.unwrap();
    assert!(contacts.iter().all(|c| c.portal_enabled), "may sign in");
    assert_eq!(contacts_counted(&h).await, before + 2, "both counted once a customer");
    // Merged no more: it is not a lead.
    let ids = [("account", account.as_str()), ("request", lead["id"].as_str().unwrap())];
    let (status, refused) = h.call_with("work-request", "staff-merge", &office(&h), Some(&json!({ "into": "acc_whitfield" })), &ids).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("not_a_lead")), "{refused}");
}

#[tokio::test]
async fn a_request_sent_again_with_its_key_is_made_once() {
    let h = harness().await;
    let dana = h.dana();
    let mut body = ask(vec![]);
    body["key"] = json!("f3b1c2d4e5a6978812345678abcdef01");
    let (status, first) = submit(&h, &dana, &body).await;
    assert_eq!(status, 201, "{first}");
    // The answer was lost; the page sends the same form again.
    let (status, again) = submit(&h, &dana, &body).await;
    assert_eq!((status, &again["id"]), (201, &first["id"]), "{again}");
    let (_, list) = h.call_with("work-request", "list", &dana, None, &[]).await;
    let same = list["requests"].as_array().unwrap().iter().filter(|r| r["id"] == first["id"]).count();
    assert_eq!(same, 1);
    h.deliver().await;
    let told = mails_to(&h, "office@brightspark.example").iter().filter(|m| m.contains("work request from Dana Whitfield")).count();
    assert_eq!(told, 1, "the office is told once");
    // Another contact's same key is their own request; a key of another shape is 400.
    let alex = h.token("acc_harbor", "con_alex", "approver", "portal");
    let mut theirs = body.clone();
    theirs["property"] = json!("prp_lakeside");
    let (status, other) = submit(&h, &alex, &theirs).await;
    assert_eq!(status, 201, "{other}");
    assert_ne!(other["id"], first["id"]);
    body["key"] = json!("short");
    let (status, bad) = submit(&h, &dana, &body).await;
    assert_eq!((status, bad["error"]["fields"]["key"].is_array()), (400, true), "{bad}");
}
