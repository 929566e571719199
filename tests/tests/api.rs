//! The HTTP API through the local server on a free port, driven as a browser or curl would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_store::repo::audit;
use portal_tests::server::{SIGNATURE, TestServer};
use serde_json::{Value, json};

fn approve_body(version: u64) -> Value {
    json!({
        "version": version,
        "selection": {"grp_panel": ["opt_200a"], "grp_addons": ["opt_surge", "opt_labels"]},
        "signer_name": "Dana Whitfield",
        "signature_png": SIGNATURE,
        "consent": true
    })
}

async fn tenant_audit(s: &TestServer, subject: &str) -> Vec<String> {
    let t = "ten_brightspark".parse().unwrap();
    audit::for_subject(s.app.table.as_ref(), &t, subject, 50).await.unwrap().into_iter().map(|e| e.action).collect()
}

#[tokio::test]
async fn a_customer_signs_in_by_email_and_approves_with_options() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    assert!(!dana.refresh_cookie.is_empty(), "a refresh cookie is set");
    assert_eq!(dana.session["scope"], "portal");

    let list = s.http.get("/api/estimates", Some(&dana.access_token)).await;
    assert_eq!(list.status, 200);
    let ids: Vec<String> = list.json()["estimates"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.contains(&"est_panel".into()) && !ids.contains(&"est_outlets".into()), "drafts stay hidden: {ids:?}");

    let view = s.http.get("/api/estimates/est_panel", Some(&dana.access_token)).await.json();
    assert_eq!(view["status"], "viewed");
    assert_eq!(view["can_decide"], true);
    assert_eq!(view["versions"][0]["content"]["groups"].as_array().unwrap().len(), 2);

    let approved = s.http.post("/api/estimates/est_panel/approve", Some(&dana.access_token), &approve_body(1)).await;
    assert_eq!(approved.status, 200, "{}", approved.text());
    let a = approved.json();
    assert_eq!(a["status"], "approved");
    let decision = &a["versions"][0]["decision"];
    assert_eq!(decision["kind"], "approved");
    assert_eq!(decision["signer_name"], "Dana Whitfield");
    assert_eq!(decision["version_fingerprint"], a["versions"][0]["fingerprint"]);
    // 325 + 8 x 115 + 380 + 1420 + 460 + 325 + 2.5 x 95 = 4,067.50; tax 8.25 % of 2,585 = 213.26
    assert_eq!(decision["totals"]["total"], 428_076);

    // Afterwards: the state, the decision and the audit trail are there for anyone who reads.
    let again = s.http.get("/api/estimates/est_panel", Some(&dana.access_token)).await.json();
    assert_eq!(again["status"], "approved");
    assert_eq!(again["can_decide"], false);
    let seen = &again["versions"][0]["decision"];
    assert_eq!((seen["signer_name"].as_str(), seen["by"].is_string(), seen["at"].is_string()), (Some("Dana Whitfield"), true, true));
    assert!(seen["signature_png"].as_str().is_some_and(|s| s.starts_with("data:image/png")), "the account sees its signature");
    assert!(seen.get("ip").is_none() && seen.get("user_agent").is_none(), "address and browser are the contractor's: {seen}");
    let actions = tenant_audit(&s, "est_panel").await;
    assert_eq!(actions[..3], ["estimate.approved", "estimate.viewed", "estimate.sent"], "{actions:?}");

    let twice = s.http.post("/api/estimates/est_panel/approve", Some(&dana.access_token), &approve_body(1)).await;
    assert_eq!((twice.status, twice.code().as_str()), (409, "already_approved"));
}

#[tokio::test]
async fn another_customer_cannot_see_or_act_on_an_estimate() {
    let s = TestServer::start().await;
    let alex = s.sign_in("alex@harborview.example").await;
    for path in ["/api/estimates/est_panel", "/api/estimates/est_kitchen"] {
        let r = s.http.get(path, Some(&alex.access_token)).await;
        assert_eq!((r.status, r.code().as_str()), (404, "not_found"), "{path}");
    }
    let r = s.http.post("/api/estimates/est_panel/approve", Some(&alex.access_token), &approve_body(1)).await;
    assert_eq!(r.status, 404);
    let r = s.http.post("/api/estimates/est_attic/request-update", Some(&alex.access_token), &json!({})).await;
    assert_eq!(r.status, 404, "another account's expired estimate cannot be asked about");
    let list = s.http.get("/api/estimates", Some(&alex.access_token)).await.json();
    assert!(list["estimates"].as_array().unwrap().iter().all(|e| e["id"] == "est_parkinglot" || e["id"] == "est_hallway"));
    // Nothing changed for Dana.
    let dana = s.sign_in("dana@example.com").await;
    assert_eq!(s.http.get("/api/estimates/est_panel", Some(&dana.access_token)).await.json()["status"], "viewed");
}

#[tokio::test]
async fn forged_expired_and_unsigned_tokens_are_refused() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = &dana.access_token;
    let mut forged = t.clone();
    forged.pop();
    forged.push(if t.ends_with('A') { 'B' } else { 'A' });
    let b64 = |v: Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let payload = t.split('.').nth(1).unwrap();
    let none = format!("{}.{payload}.", b64(json!({"alg": "none", "typ": "JWT"})));
    let hmac = format!("{}.{payload}.c2lnbmF0dXJl", b64(json!({"alg": "HS256", "typ": "JWT", "kid": "local-memory"})));
    for (name, token) in [("forged", forged.as_str()), ("alg none", none.as_str()), ("hs256", hmac.as_str()), ("garbage", "abc")] {
        let r = s.http.get("/api/estimates", Some(token)).await;
        assert_eq!((r.status, r.code().as_str()), (401, "unauthorized"), "{name}");
    }
    assert_eq!(s.http.get("/api/estimates", None).await.status, 401, "no token");
    s.app.clock.advance(16 * 60);
    assert_eq!(s.http.get("/api/estimates", Some(t)).await.status, 401, "expired");
}

#[tokio::test]
async fn a_link_request_answers_the_same_whether_or_not_the_address_exists() {
    let s = TestServer::start().await;
    let known = s.request_link(json!({"tenant": "bright-spark", "email": "dana@example.com"})).await;
    let unknown = s.request_link(json!({"tenant": "bright-spark", "email": "nobody@example.com"})).await;
    let no_tenant = s.request_link(json!({"tenant": "no-such-contractor", "email": "dana@example.com"})).await;
    assert_eq!(known.status, 202);
    assert_eq!((known.status, known.text()), (unknown.status, unknown.text()));
    assert_eq!((known.status, known.text()), (no_tenant.status, no_tenant.text()));
    assert!(s.no_link_for("nobody@example.com").await);
}

#[tokio::test]
async fn link_requests_are_rate_limited_per_address() {
    let s = TestServer::start().await;
    let body = json!({"tenant": "bright-spark", "email": "dana@example.com"});
    for i in 0..5 {
        assert_eq!(s.request_link(body.clone()).await.status, 202, "request {i}");
    }
    let r = s.request_link(body).await;
    assert_eq!((r.status, r.code().as_str()), (429, "rate_limited"));
    assert_eq!(s.request_link(json!({"tenant": "bright-spark", "email": "alex@harborview.example"})).await.status, 202);
    s.app.clock.advance(16 * 60);
    assert_eq!(s.request_link(json!({"tenant": "bright-spark", "email": "dana@example.com"})).await.status, 202, "a new window");
}

#[tokio::test]
async fn a_sign_in_link_works_once_then_offers_a_fresh_one() {
    let s = TestServer::start().await;
    s.request_link(json!({"tenant": "bright-spark", "email": "dana@example.com"})).await;
    let token = s.latest_token("dana@example.com").await.unwrap();
    let info = s.http.post("/api/auth/link-info", None, &json!({"token": token})).await.json();
    assert_eq!((info["opens"].as_str(), info["stale"].as_bool()), (Some("portal"), Some(false)));
    assert_eq!(s.exchange(&token).await.status, 200);
    let info = s.http.post("/api/auth/link-info", None, &json!({"token": token})).await.json();
    assert_eq!(info["stale"], true, "a spent sign-in link says so before Continue");
    let used = s.exchange(&token).await;
    assert_eq!((used.status, used.code().as_str()), (410, "link_used"));
    let resend = s.http.post("/api/auth/resend", None, &json!({"token": token})).await;
    assert_eq!(resend.status, 202);
    let fresh = s.fresh_token("dana@example.com", &token).await.unwrap();
    assert_eq!(s.exchange(&fresh).await.status, 200);
}

#[tokio::test]
async fn an_expired_link_says_so_and_a_fresh_one_can_be_sent() {
    let s = TestServer::start().await;
    s.request_link(json!({"tenant": "bright-spark", "email": "dana@example.com"})).await;
    let token = s.latest_token("dana@example.com").await.unwrap();
    s.app.clock.advance(11 * 60);
    let r = s.exchange(&token).await;
    assert_eq!((r.status, r.code().as_str()), (410, "link_expired"));
    assert_eq!(s.http.post("/api/auth/resend", None, &json!({"token": token})).await.status, 202);
    let fresh = s.fresh_token("dana@example.com", &token).await.unwrap();
    assert_eq!(s.exchange(&fresh).await.status, 200);
    let bogus = s.exchange("ten_brightspark.notarealtoken").await;
    assert_eq!(bogus.status, 401);
}

#[tokio::test]
async fn a_customer_can_sign_in_by_text() {
    let s = TestServer::start().await;
    let r = s.request_link(json!({"tenant": "bright-spark", "phone": "(512) 555-0188"})).await;
    assert_eq!(r.status, 202);
    let token = s.latest_token("+15125550188").await.expect("a text with a link");
    let session = s.exchange(&token).await.json();
    assert_eq!(session["contact"], "con_sam");
    let list = s.http.get("/api/estimates", Some(session["access_token"].as_str().unwrap())).await.json();
    assert_eq!(list["estimates"][0]["id"], "est_smoke");
}

#[tokio::test]
async fn a_document_link_opens_that_estimate_and_nothing_else() {
    let s = TestServer::start().await;
    let link = s.app.demo.as_ref().unwrap().estimate_link.clone();
    let token = link.split("token=").nth(1).unwrap();
    let info = s.http.post("/api/auth/link-info", None, &json!({"token": token})).await;
    assert_eq!(info.status, 200, "{}", info.text());
    let info = info.json();
    assert_eq!(
        (info["opens"].as_str(), info["number"].as_str(), info["title"].as_str(), info["business"].as_str(), info["stale"].as_bool()),
        (Some("estimate"), Some("E-1042"), Some("Main panel upgrade"), Some("Bright Spark Electric"), Some(false))
    );
    let first = s.exchange(token).await;
    assert_eq!(first.status, 200, "asking what a link opens does not spend it");
    assert!(first.cookie("sb_refresh").is_none(), "a document link never reaches the account");
    let session = first.json();
    assert_eq!(session["estimate"], "est_panel");
    let at = session["access_token"].as_str().unwrap();
    assert_eq!(s.http.get("/api/estimates/est_panel", Some(at)).await.status, 200);
    assert_eq!(s.http.get("/api/estimates/est_kitchen", Some(at)).await.status, 404);
    assert_eq!(s.http.get("/api/estimates", Some(at)).await.status, 403);
    assert_eq!(s.exchange(token).await.status, 200, "reopening the email works until the link expires");
    let r = s.http.post("/api/estimates/est_panel/approve", Some(at), &approve_body(1)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // A forwarded email shows who decided and when, not the signature or where it came from.
    for view in [r.json(), s.http.get("/api/estimates/est_panel", Some(at)).await.json()] {
        let d = &view["versions"][0]["decision"];
        assert_eq!(d["signer_name"], "Dana Whitfield");
        for hidden in ["ip", "user_agent", "signature_png"] {
            assert!(d.get(hidden).is_none(), "{hidden} reaches a document link: {d}");
        }
    }
}

#[tokio::test]
async fn only_approvers_decide_and_property_limits_apply() {
    let s = TestServer::start().await;
    let priya = s.sign_in("priya@harborview.example").await;
    let list = s.http.get("/api/estimates", Some(&priya.access_token)).await.json();
    let ids: Vec<&str> = list["estimates"].as_array().unwrap().iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids, ["est_hallway"], "Priya is limited to Lakeside");
    assert_eq!(s.http.get("/api/estimates/est_parkinglot", Some(&priya.access_token)).await.status, 404);
    let r = s.http.post("/api/estimates/est_hallway/decline", Some(&priya.access_token), &json!({"version": 1, "reason": "no"})).await;
    assert_eq!(r.status, 403, "billing contacts cannot decide");
}

#[tokio::test]
async fn decline_and_request_changes_record_what_the_customer_said() {
    let s = TestServer::start().await;
    let alex = s.sign_in("alex@harborview.example").await;
    let bad = s
        .http
        .post(
            "/api/estimates/est_parkinglot/request-changes",
            Some(&alex.access_token),
            &json!({"version": 1, "line_comments": [{"item": "li_nope", "comment": "?"}]}),
        )
        .await;
    assert_eq!(bad.status, 422, "well formed, but not a line of this estimate");
    assert!(bad.json()["error"]["fields"]["line_comments[0].item"].is_array(), "{}", bad.text());
    let body = json!({"version": 1, "comment": "Can the lift be one day?", "line_comments": [{"item": "li_lift", "comment": "One day?"}]});
    let r = s.http.post("/api/estimates/est_parkinglot/request-changes", Some(&alex.access_token), &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["status"], "changes_requested");
    assert_eq!(v["versions"][0]["decision"]["line_comments"][0]["item"], "li_lift");
    let decline =
        s.http.post("/api/estimates/est_parkinglot/decline", Some(&alex.access_token), &json!({"version": 1, "reason": "x"})).await;
    assert_eq!((decline.status, decline.code().as_str()), (409, "invalid_state"));
    assert_eq!(tenant_audit(&s, "est_parkinglot").await[0], "estimate.changes_requested");
}

#[tokio::test]
async fn expired_void_and_superseded_versions_cannot_be_approved() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let body = |v| json!({"version": v, "signer_name": "Dana Whitfield", "signature_png": SIGNATURE, "consent": true});
    let expired = s.http.post("/api/estimates/est_attic/approve", t, &body(1)).await;
    assert_eq!((expired.status, expired.code().as_str()), (409, "estimate_expired"));
    let void = s.http.post("/api/estimates/est_porch/approve", t, &body(1)).await;
    assert_eq!((void.status, void.code().as_str()), (409, "estimate_void"));
    let old = s.http.post("/api/estimates/est_evcharger/approve", t, &body(1)).await;
    assert_eq!((old.status, old.code().as_str()), (409, "version_superseded"));
    let draft = s.http.post("/api/estimates/est_outlets/approve", t, &body(1)).await;
    assert_eq!(draft.status, 404, "drafts do not exist for customers");
    let current = s.http.post("/api/estimates/est_evcharger/approve", t, &body(2)).await;
    assert_eq!(current.status, 200, "{}", current.text());
    let view = s.http.get("/api/estimates/est_evcharger", t).await.json();
    let changes = &view["versions"][0]["changes"];
    assert_eq!(changes["removed"][0]["item"], "li_ev_trench");
    assert_eq!(changes["changed"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_refresh_token_ends_the_session() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let cookie = |c: &str| format!("sb_refresh={c}");
    let first = s.http.send("POST", "/api/auth/refresh", &[("cookie", &cookie(&dana.refresh_cookie))], None).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let rotated = first.cookie("sb_refresh").unwrap();
    assert_ne!(rotated, dana.refresh_cookie);
    assert_eq!(s.http.get("/api/estimates", first.json()["access_token"].as_str()).await.status, 200);
    s.app.clock.advance(31);
    let replay = s.http.send("POST", "/api/auth/refresh", &[("cookie", &cookie(&dana.refresh_cookie))], None).await;
    assert_eq!(replay.status, 401, "the old token is refused once the grace period is over");
    let after = s.http.send("POST", "/api/auth/refresh", &[("cookie", &cookie(&rotated))], None).await;
    assert_eq!(after.status, 401, "and the whole session is revoked");
}

#[tokio::test]
async fn a_refresh_whose_answer_was_lost_can_be_repeated_at_once() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let old = format!("sb_refresh={}", dana.refresh_cookie);
    // The browser navigated away before storing the rotated cookie, then sends the old one.
    let lost = s.http.send("POST", "/api/auth/refresh", &[("cookie", &old)], None).await;
    assert_eq!(lost.status, 200);
    let retried = s.http.send("POST", "/api/auth/refresh", &[("cookie", &old)], None).await;
    assert_eq!(retried.status, 200, "within the grace period the replaced token still works");
    let newest = format!("sb_refresh={}", retried.cookie("sb_refresh").unwrap());
    assert_eq!(s.http.send("POST", "/api/auth/refresh", &[("cookie", &newest)], None).await.status, 200);
}

async fn refresh_with(s: &TestServer, secret: &str) -> (u16, Option<String>) {
    let r = s.http.send("POST", "/api/auth/refresh", &[("cookie", &format!("sb_refresh={secret}"))], None).await;
    (r.status, r.cookie("sb_refresh"))
}

#[tokio::test]
async fn a_token_replayed_within_the_grace_gets_the_same_successor_not_a_second_session() {
    let s = TestServer::start().await;
    let c1 = s.sign_in("dana@example.com").await.refresh_cookie;
    let (_, c2) = refresh_with(&s, &c1).await;
    let c2 = c2.unwrap();
    // An attacker who copied c1 replays it within the grace: the answer is c2 again.
    let (status, replayed) = refresh_with(&s, &c1).await;
    assert_eq!((status, replayed.as_deref()), (200, Some(c2.as_str())), "no second live branch");
    // The victim goes on: c2 -> c3. The copy of c2, used after the grace, ends the session.
    let (_, c3) = refresh_with(&s, &c2).await;
    let c3 = c3.unwrap();
    s.app.clock.advance(31);
    assert_eq!(refresh_with(&s, &c2).await.0, 401);
    assert_eq!(refresh_with(&s, &c3).await.0, 401, "the reuse revoked the whole session");
}

#[tokio::test]
async fn a_secret_two_rotations_old_revokes_the_session() {
    let s = TestServer::start().await;
    let c1 = s.sign_in("dana@example.com").await.refresh_cookie;
    let c2 = refresh_with(&s, &c1).await.1.unwrap();
    s.app.clock.advance(5);
    let c3 = refresh_with(&s, &c2).await.1.unwrap();
    assert_eq!(refresh_with(&s, &c1).await.0, 401, "c1 is neither current nor just replaced");
    assert_eq!(refresh_with(&s, &c3).await.0, 401, "and presenting it revoked the session");
}

#[tokio::test]
async fn a_made_up_secret_for_a_real_session_is_refused_and_ends_nothing() {
    let s = TestServer::start().await;
    let c1 = s.sign_in("dana@example.com").await.refresh_cookie;
    let (tenant_and_session, _) = c1.rsplit_once('.').unwrap();
    let forged = format!("{tenant_and_session}.{}", "f".repeat(64));
    assert_eq!(refresh_with(&s, &forged).await.0, 401);
    assert_eq!(refresh_with(&s, &c1).await.0, 200, "the session goes on: knowing its id is not enough to end it");
}

#[tokio::test]
async fn racing_refreshes_of_one_token_get_one_successor() {
    let s = TestServer::start().await;
    let c1 = s.sign_in("dana@example.com").await.refresh_cookie;
    let answers = refresh_four_at_once(&s, &c1).await;
    assert!(answers.iter().all(|(status, _)| *status == 200), "{answers:?}");
    let first = answers[0].1.clone().unwrap();
    assert!(answers.iter().all(|(_, c)| c.as_deref() == Some(first.as_str())), "{answers:?}");
    assert_eq!(refresh_with(&s, &first).await.0, 200);
}

async fn refresh_four_at_once(s: &TestServer, secret: &str) -> Vec<(u16, Option<String>)> {
    let (a, b, c, d) = tokio::join!(refresh_with(s, secret), refresh_with(s, secret), refresh_with(s, secret), refresh_with(s, secret));
    vec![a, b, c, d]
}

#[tokio::test]
async fn signing_out_needs_the_sessions_secret() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let (tenant_and_session, _) = dana.refresh_cookie.rsplit_once('.').unwrap();
    let forged = format!("sb_refresh={tenant_and_session}.{}", "A".repeat(43));
    let out = s.http.send("POST", "/api/auth/signout", &[("cookie", &forged)], None).await;
    assert_eq!(out.status, 200, "signing out always clears the cookie");
    assert_eq!(refresh_with(&s, &dana.refresh_cookie).await.0, 200, "but a wrong secret revokes nothing");
}

#[tokio::test]
async fn signing_out_revokes_the_refresh_token() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let c = format!("sb_refresh={}", dana.refresh_cookie);
    let out = s.http.send("POST", "/api/auth/signout", &[("cookie", &c)], None).await;
    assert_eq!(out.status, 200);
    assert!(out.headers.get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(s.http.send("POST", "/api/auth/refresh", &[("cookie", &c)], None).await.status, 401);
}

#[tokio::test]
async fn staff_sign_in_gives_an_admin_token_that_customer_routes_refuse() {
    let s = TestServer::start().await;
    s.request_link(json!({"tenant": "bright-spark", "email": "morgan@brightspark.example", "audience": "admin"})).await;
    let token = s.latest_token("morgan@brightspark.example").await.unwrap();
    let mail = s.mailbox().await.into_iter().find(|m| m["to"] == "morgan@brightspark.example").unwrap();
    let words = format!("{} {} {}", mail["subject"], mail["text"], mail["html"]);
    assert!(words.contains("admin page") && !words.contains("customer portal"), "the staff email names the admin page: {words}");
    let r = s.exchange(&token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.cookie("sb_admin_refresh").is_some());
    let session = r.json();
    assert_eq!((session["audience"].as_str(), session["role"].as_str()), (Some("admin"), Some("owner")));
    assert_eq!(s.http.get("/api/estimates", session["access_token"].as_str()).await.status, 401);
    // A customer address never gets a staff link.
    s.request_link(json!({"tenant": "bright-spark", "email": "dana@example.com", "audience": "admin"})).await;
    assert!(s.no_link_for("dana@example.com").await);
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_changes_nothing() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let auth = format!("Bearer {}", dana.access_token);
    let path = "/api/estimates/est_panel/approve";
    let big = json!({"version": 1, "signer_name": "x".repeat(300_000)}).to_string();
    /// (case, headers, body, status, error code)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        ("no content type", vec![], b"{}".to_vec(), 415, "unsupported_media_type"),
        ("not JSON", vec![("content-type", "application/json")], b"{nope".to_vec(), 400, "invalid"),
        ("empty body", vec![("content-type", "application/json")], vec![], 400, "invalid"),
        ("wrong type", vec![("content-type", "application/json")], br#"{"version":"one"}"#.to_vec(), 400, "invalid"),
        ("unknown field", vec![("content-type", "application/json")], br#"{"version":1,"admin":true}"#.to_vec(), 400, "invalid"),
        ("too large", vec![("content-type", "application/json")], big.into_bytes(), 413, "payload_too_large"),
        (
            "missing consent",
            vec![("content-type", "application/json")],
            json!({"version": 1, "selection": {"grp_panel": ["opt_100a"]}, "signer_name": "Dana", "signature_png": SIGNATURE, "consent": false})
                .to_string()
                .into_bytes(),
            422,
            "invalid",
        ),
    ];
    for (name, mut headers, body, status, code) in cases {
        headers.push(("authorization", &auth));
        let r = s.http.send("POST", path, &headers, Some(body)).await;
        assert_eq!((r.status, r.code().as_str()), (status, code), "{name}: {}", r.text());
        assert!(!r.text().contains("\"one\""), "{name}: the error does not echo input");
    }
    let unknown_route = s.http.get("/api/nope", None).await;
    assert_eq!((unknown_route.status, unknown_route.code().as_str()), (404, "not_found"));
    let v = s.http.get("/api/estimates/est_panel", Some(&dana.access_token)).await.json();
    assert_eq!(v["status"], "viewed", "nothing changed");
}

#[tokio::test]
async fn concurrent_approvals_have_one_winner() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let mut tasks = vec![];
    for _ in 0..8 {
        let (http, t) = (s.http.clone(), dana.access_token.clone());
        tasks.push(tokio::spawn(async move { http.post("/api/estimates/est_panel/approve", Some(&t), &approve_body(1)).await.status }));
    }
    let mut statuses = vec![];
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let approvals = tenant_audit(&s, "est_panel").await.into_iter().filter(|a| a == "estimate.approved").count();
    assert_eq!(approvals, 1);
}

#[tokio::test]
async fn the_tenant_profile_is_public_and_the_openapi_document_is_served() {
    let s = TestServer::start().await;
    let p = s.http.get("/api/auth/tenant/bright-spark", None).await.json();
    assert_eq!(p["name"], "Bright Spark Electric");
    assert_eq!(s.http.get("/api/auth/tenant/ten_brightspark", None).await.json()["slug"], "bright-spark");
    assert_eq!(s.http.get("/api/auth/tenant/nobody", None).await.status, 404);
    let doc = s.http.get("/api/openapi.json", None).await.json();
    assert!(doc["paths"]["/api/estimates/{id}/approve"]["post"].is_object());
}

#[tokio::test]
async fn paying_by_card_posts_once_and_mails_a_receipt() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let started = s.http.post("/api/invoices/inv_service/pay", t, &json!({})).await;
    assert_eq!(started.status, 200, "{}", started.text());
    let started = started.json();
    let payment = started["payment"].as_str().unwrap().to_string();
    let r = s.checkout(&started, "card_succeeds").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.headers.get("location").unwrap().to_str().unwrap(), format!("http://portal.test/payments/{payment}"));
    let p = s.http.get(&format!("/api/payments/{payment}"), t).await.json();
    assert_eq!(
        (p["payment"]["status"].as_str(), p["payment"]["method"].as_str(), p["balance"].as_i64()),
        (Some("succeeded"), Some("card"), Some(0))
    );
    let invoice = s.http.get("/api/invoices/inv_service", t).await.json();
    assert_eq!((invoice["status"].as_str(), invoice["pay"]["payable"].as_i64()), (Some("paid"), Some(0)));
    assert_eq!(s.receipts("dana@example.com").await, ["Receipt: $333.61 paid to Bright Spark Electric"]);
    // Paying a paid invoice is refused; the checkout takes no second payment.
    let again = s.http.post("/api/invoices/inv_service/pay", t, &json!({})).await;
    assert_eq!((again.status, again.code().as_str()), (409, "nothing_owed"));
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 200, "the page says it cannot take that choice");
    let history = s.http.get("/api/payments", t).await.json();
    assert_eq!(history["payments"][0]["id"], payment.as_str());
    assert_eq!(history["payments"][0]["label"], "Invoice INV-2040");
}

/// "Pay balance": one Checkout for every open invoice the contact may pay, posted to each
/// invoice once, with one receipt; a balance that changed since it was shown is not charged.
#[tokio::test]
async fn pay_balance_pays_every_open_invoice_in_one_checkout_once() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let before = s.http.get("/api/invoices", t).await.json();
    let open: Vec<(String, i64)> = before["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] != "void")
        .map(|i| (i["id"].as_str().unwrap().to_string(), i["balance"].as_i64().unwrap() - i["processing"].as_i64().unwrap()))
        .filter(|(_, payable)| *payable > 0)
        .collect();
    assert!(open.len() >= 2, "the demo has several open invoices: {before}");
    let total: i64 = open.iter().map(|(_, p)| p).sum();
    assert_eq!(before["pay_balance"], json!({"amount": total, "currency": "USD", "invoices": open.len()}));
    assert_eq!(before["balance_due"][0]["amount"], total, "what the dashboard shows is what Pay balance takes");
    let history_before = s.http.get("/api/payments", t).await.json()["payments"].as_array().unwrap().len();

    let stale = s.http.post("/api/account/pay-balance", t, &json!({"amount": total - 1})).await;
    assert_eq!((stale.status, stale.code().as_str()), (409, "balance_changed"), "{}", stale.text());
    let started = s.http.post("/api/account/pay-balance", t, &json!({"amount": total})).await;
    assert_eq!(started.status, 200, "{}", started.text());
    let started = started.json();
    assert_eq!((started["purpose"].as_str(), started["amount"].as_i64()), (Some("balance"), Some(total)));
    let payment = started["payment"].as_str().unwrap().to_string();
    let r = s.checkout(&started, "card_succeeds").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.headers.get("location").unwrap().to_str().unwrap(), format!("http://portal.test/payments/{payment}"));

    for (id, share) in &open {
        let invoice = s.http.get(&format!("/api/invoices/{id}"), t).await.json();
        assert_eq!((invoice["status"].as_str(), invoice["pay"]["payable"].as_i64()), (Some("paid"), Some(0)), "{id}");
        let made: Vec<&Value> = invoice["payments"].as_array().unwrap().iter().filter(|p| p["method"] == "card").collect();
        assert_eq!(made.len(), 1, "{id}: one payment posted");
        assert_eq!((made[0]["amount"].as_i64(), made[0]["status"].as_str()), (Some(*share), Some("succeeded")), "{id}");
    }
    let after = s.http.get("/api/invoices", t).await.json();
    assert_eq!(after["pay_balance"], Value::Null, "nothing left to pay");
    let detail = s.http.get(&format!("/api/payments/{payment}"), t).await.json();
    assert_eq!((detail["payment"]["status"].as_str(), detail["payment"]["amount"].as_i64()), (Some("succeeded"), Some(total)));
    assert!(detail["payment"]["label"].as_str().unwrap().starts_with("Balance: invoices INV-"), "{detail}");
    let history = s.http.get("/api/payments", t).await.json();
    assert_eq!(history["payments"].as_array().unwrap().len(), history_before + 1, "one line: the customer paid once");
    assert_eq!(history["payments"][0]["id"], payment.as_str());
    let receipt = format!("Receipt: {} paid to Bright Spark Electric", portal_domain::money::Currency::usd().format(total));
    assert_eq!(s.wait_for_receipts("dana@example.com", 1).await, std::slice::from_ref(&receipt));

    // Nothing is left to pay, and the same Checkout takes no second payment.
    let again = s.http.post("/api/account/pay-balance", t, &json!({})).await;
    assert_eq!((again.status, again.code().as_str()), (409, "nothing_owed"));
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(s.receipts("dana@example.com").await, [receipt], "still one receipt");
}

/// Another customer's "Pay balance" reaches only their own invoices.
#[tokio::test]
async fn pay_balance_reaches_only_the_signed_in_account() {
    let s = TestServer::start().await;
    let alex = s.sign_in("alex@harborview.example").await;
    let t = Some(alex.access_token.as_str());
    let list = s.http.get("/api/invoices", t).await.json();
    let r = s.http.post("/api/account/pay-balance", t, &json!({})).await;
    match list["pay_balance"]["amount"].as_i64() {
        Some(amount) => assert_eq!((r.status, r.json()["amount"].as_i64()), (200, Some(amount))),
        None => assert_eq!((r.status, r.code().as_str()), (409, "nothing_owed")),
    }
    assert_eq!(s.http.post("/api/account/pay-balance", None, &json!({})).await.status, 401);
}

#[tokio::test]
async fn credit_bought_ahead_is_applied_to_an_invoice_once() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let too_small = s.http.post("/api/account/credit", t, &json!({"amount": 5})).await;
    assert_eq!(too_small.status, 422, "below the contractor's minimum");
    let started = s.http.post("/api/account/credit", t, &json!({"amount": 25_000})).await.json();
    assert_eq!(started["purpose"], "credit");
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 303);
    assert_eq!(s.http.get("/api/payments", t).await.json()["credit"]["available"], 25_000);
    let invoice = s.http.get("/api/invoices/inv_service", t).await.json();
    assert_eq!(invoice["pay"]["credit_available"], 25_000);
    let applied = s.http.post("/api/invoices/inv_service/apply-credit", t, &json!({})).await;
    assert_eq!(applied.status, 200, "{}", applied.text());
    assert_eq!(applied.json(), json!({"applied": 25_000, "balance": 33_361 - 25_000}));
    let twice = s.http.post("/api/invoices/inv_service/apply-credit", t, &json!({})).await;
    assert_eq!((twice.status, twice.code().as_str()), (409, "no_credit"));
    assert_eq!(s.http.get("/api/payments", t).await.json()["credit"]["available"], 0);
}

#[tokio::test]
async fn another_customer_cannot_pay_or_see_payments() {
    let s = TestServer::start().await;
    let alex = s.sign_in("alex@harborview.example").await;
    let t = Some(alex.access_token.as_str());
    for path in ["/api/invoices/inv_service/pay", "/api/invoices/inv_service/apply-credit", "/api/estimates/est_bathfan/deposit"] {
        let r = s.http.post(path, t, &json!({})).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text());
    }
    for path in ["/api/payments/pay_generator_cheque", "/api/payments/pay_bathfan_deposit", "/api/invoices/inv_generator"] {
        assert_eq!(s.http.get(path, t).await.status, 404, "{path}");
    }
    assert_eq!(s.http.get("/api/payments", t).await.json()["payments"], json!([]));
    assert_eq!(s.http.post("/api/invoices/inv_service/pay", None, &json!({})).await.status, 401);
    // A deposit already paid is not asked for again.
    let dana = s.sign_in("dana@example.com").await;
    let paid = s.http.post("/api/estimates/est_bathfan/deposit", Some(&dana.access_token), &json!({})).await;
    assert_eq!((paid.status, paid.code().as_str()), (409, "deposit_paid"));
}

#[tokio::test]
async fn an_invoice_covered_by_a_bank_debit_still_settling_is_processing_not_due() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let amount = |list: &Value, key: &str| list[key].as_array().unwrap().iter().map(|a| a["amount"].as_i64().unwrap()).sum::<i64>();
    let before = s.http.get("/api/invoices", t).await.json();
    let row = |list: &Value| list["invoices"].as_array().unwrap().iter().find(|i| i["id"] == "inv_generator").cloned().unwrap();
    let owed = row(&before)["balance"].as_i64().unwrap();
    let started = s.http.post("/api/invoices/inv_generator/pay", t, &json!({})).await.json();
    assert_eq!(s.checkout(&started, "ach_succeeds").await.status, 303);
    let after = s.http.get("/api/invoices", t).await.json();
    let generator = row(&after);
    assert_eq!((generator["balance"].as_i64(), generator["processing"].as_i64()), (Some(owed), Some(owed)), "{generator}");
    assert_eq!(generator["overdue"], false, "paid, on its way: not overdue");
    assert_eq!(amount(&after, "balance_due"), amount(&before, "balance_due") - owed, "what is due leaves out the debit on its way");
    assert_eq!(amount(&after, "processing"), amount(&before, "processing") + owed);
    let one = s.http.get("/api/invoices/inv_generator", t).await.json();
    assert_eq!(one["pay"]["payable"], 0, "nothing to pay twice");
}

#[tokio::test]
async fn an_expired_estimate_offers_asking_for_an_updated_one_and_the_office_hears_of_it() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let view = s.http.get("/api/estimates/est_attic", t).await.json();
    assert_eq!((view["status"].as_str(), view["can_request_update"].as_bool()), (Some("expired"), Some(true)));
    let open = s.http.post("/api/estimates/est_panel/request-update", t, &json!({})).await;
    assert_eq!((open.status, open.code().as_str()), (409, "not_expired"));
    let asked = s.http.post("/api/estimates/est_attic/request-update", t, &json!({"message": "Ready this spring."})).await;
    assert_eq!(asked.status, 200, "{}", asked.text());
    assert_eq!((asked.json()["can_request_update"].as_bool(), asked.json()["update_requested_at"].is_string()), (Some(false), true));
    let twice = s.http.post("/api/estimates/est_attic/request-update", t, &json!({})).await;
    assert_eq!((twice.status, twice.code().as_str()), (409, "already_requested"));
    assert!(tenant_audit(&s, "est_attic").await.contains(&"estimate.update_requested".to_string()));
    let number = view["number"].as_str().unwrap();
    let mail = s.wait_for_mail("office@brightspark.example", &format!("asks for an updated {number}")).await.expect("the office is told");
    assert!(mail["text"].as_str().unwrap().contains("/admin/customers/acc_whitfield/estimates/est_attic"), "{mail}");
    assert!(mail["text"].as_str().unwrap().contains("They wrote: Ready this spring."), "the customer's note reaches the office: {mail}");
}

#[tokio::test]
async fn the_office_hears_of_each_decision_and_payment() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    assert_eq!(s.http.post("/api/estimates/est_panel/approve", t, &approve_body(1)).await.status, 200);
    let approved = s.wait_for_mail("office@brightspark.example", "approved E-1042").await.expect("an approval notice");
    assert!(approved["text"].as_str().unwrap().contains("Dana Whitfield approved estimate E-1042"), "{approved}");
    let declined = s.http.post("/api/estimates/est_evcharger/decline", t, &json!({"version": 2, "reason": "Too dear for now."})).await;
    assert_eq!(declined.status, 200, "{}", declined.text());
    let notice = s.wait_for_mail("office@brightspark.example", "declined E-1051").await.expect("a decline notice");
    assert!(notice["text"].as_str().unwrap().contains("Too dear for now."));
    let started = s.http.post("/api/invoices/inv_service/pay", t, &json!({})).await.json();
    assert_eq!(s.checkout(&started, "card_declined").await.status, 200, "the checkout page says the card was declined");
    s.wait_for_mail("office@brightspark.example", "Payment failed").await.expect("a failed-payment notice");
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 303, "another card, on the same checkout");
    let paid = s.wait_for_mail("office@brightspark.example", "Payment received: $333.61").await.expect("a payment notice");
    assert!(paid["text"].as_str().unwrap().contains("invoice INV-2040"), "{paid}");
}

#[tokio::test]
async fn invoices_say_what_they_are_for_unpaid_first_and_receipts_have_a_number_for_people() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let list = s.http.get("/api/invoices", t).await.json();
    let rows = list["invoices"].as_array().unwrap();
    assert!(rows.iter().all(|i| !i["title"].as_str().unwrap().is_empty()), "{list}");
    let service = rows.iter().find(|i| i["id"] == "inv_service").unwrap();
    assert_eq!((service["title"].as_str(), service["property_label"].as_str()), (Some("Service call: tripping breaker"), Some("Home")));
    // Unpaid first, soonest due first; paid ones after.
    let unpaid: Vec<&Value> = rows.iter().take_while(|i| i["balance"].as_i64().unwrap() > 0).collect();
    assert!(rows[unpaid.len()..].iter().all(|i| i["balance"] == 0), "{list}");
    let due: Vec<&str> = unpaid.iter().map(|i| i["due_date"].as_str().unwrap()).collect();
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "{due:?}");

    let started = s.http.post("/api/invoices/inv_service/pay", t, &json!({})).await.json();
    assert_eq!(s.checkout(&started, "card_succeeds").await.status, 303);
    let mail = s.wait_for_mail("dana@example.com", "Receipt").await.expect("a receipt");
    let payment = started["payment"].as_str().unwrap();
    let seen = s.http.get(&format!("/api/payments/{payment}"), t).await.json();
    let number = seen["payment"]["receipt_number"].as_str().expect("a receipt number").to_string();
    assert!(number.starts_with("R-1"), "{number}");
    assert!(mail["text"].as_str().unwrap().contains(&format!("Receipt {number}")), "{mail}");
    let words: Vec<&str> = mail["text"].as_str().unwrap().lines().filter(|l| !l.contains("http")).collect();
    assert!(words.iter().all(|l| !l.contains(payment)), "no internal id in what the receipt says: {words:?}");
}

#[tokio::test]
async fn errors_a_customer_can_see_say_what_happened_and_what_to_do() {
    let s = TestServer::start().await;
    let dana = s.sign_in("dana@example.com").await;
    let t = Some(dana.access_token.as_str());
    let missing = s.http.get("/api/estimates/est_nosuchthing", t).await;
    assert_eq!(missing.status, 404);
    let message = missing.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.starts_with("We couldn't find this estimate.") && message.contains("Go back to your portal"), "{message}");
    let invoice = s.http.get("/api/invoices/inv_nosuchthing", t).await.json();
    assert!(invoice["error"]["message"].as_str().unwrap().starts_with("We couldn't find this invoice."), "{invoice}");
    let body = json!({"tenant": "bright-spark", "email": "dana@example.com"});
    let mut last = s.request_link(body.clone()).await;
    for _ in 0..6 {
        last = s.request_link(body.clone()).await;
    }
    assert_eq!(last.status, 429);
    let said = last.json()["error"]["message"].as_str().unwrap().to_string();
    assert_eq!(said, "Too many tries in a short time. Wait 15 minutes, then try again.");
    for raw in [&message, &said] {
        assert!(!raw.contains("not found") && !raw.contains("too many requests"), "no raw server text: {raw}");
    }
}
