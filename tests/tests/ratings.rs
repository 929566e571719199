//! Rate us on the demo: the review request a completed job sends, its one-job link, rating and
//! changing a rating, the follow-up a low score opens, the office's list and figures, bad
//! input, scope, and the second contractor's ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_store::Table;
use portal_tests::events;
use portal_tests::harness::{Harness, harness};
use serde_json::{Value, json};

fn office(h: &Harness) -> String {
    portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office")
}

/// The link of the review request sent to `to`, from the mailbox.
fn review_link(h: &Harness, to: &str) -> String {
    let sent = h.store.mailbox().list(200).unwrap();
    let mail = sent
        .iter()
        .map(|d| serde_json::to_value(&d.message).unwrap())
        .find(|m| m.to_string().contains(to) && m.to_string().contains("How did we do?"))
        .unwrap_or_else(|| panic!("no review request to {to}"));
    let text = mail.to_string();
    let at = text.find("signin#token=").expect("a link") + "signin#token=".len();
    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect()
}

/// Spends a link as the landing page does; the session it gives.
async fn exchange(h: &Harness, token: &str) -> Value {
    let mut event: Value = serde_json::from_str(&events::raw("auth", "exchange-unknown-token")).unwrap();
    event["body"] = Value::String(json!({ "token": token }).to_string());
    let (status, body) = h.call("auth", &event.to_string()).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_completed_job_asks_once_and_its_link_rates_that_job_only() {
    let h = harness().await;
    // Casey arrives and finishes the bathroom fan job: the customer hears it is done and is
    // asked, once, to rate it.
    let casey = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    for case in ["arrive", "finish"] {
        let (status, body) = h.call("admin-api", &events::with_token("admin-api", case, &casey)).await;
        assert_eq!(status, 200, "{case}: {body}");
    }
    h.deliver().await;
    // The dashboard asks too.
    let (_, home) = h.call_with("view-jobs", "home", &h.dana(), None, &[]).await;
    assert_eq!(home["to_rate"][0]["job"], "job_bathfan", "{home}");
    let token = review_link(&h, "dana@example.com");
    let session = exchange(&h, &token).await;
    assert_eq!(session["scope"], "rating:job_bathfan:view,rate", "{session}");
    assert_eq!(session["rating"], "job_bathfan");
    let link = session["access_token"].as_str().unwrap().to_string();
    let bathfan = [("job", "job_bathfan")];
    // The link opens that job's Rate us page, nothing else of the account.
    let (status, page) = h.call_with("rate-us", "get", &link, None, &bathfan).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["rating"], Value::Null);
    assert_eq!(page["technicians"][0]["name"], "Casey", "{page}");
    assert_eq!(h.call_with("rate-us", "list", &link, None, &[]).await.0, 403);
    assert_eq!(h.call_with("view-jobs", "home", &link, None, &[]).await.0, 403);
    assert_eq!(h.call_with("rate-us", "get", &link, None, &[]).await.0, 404, "another completed job of hers");
    assert_ne!(h.call_with("view-estimate", "get", &link, None, &[]).await.0, 200, "no estimate");
    // Nor any payment or receipt of the account (a deposit on an estimate, an invoice's).
    for payment in ["pay_bathfan_deposit", "pay_generator_cheque"] {
        assert_eq!(h.call_with("view-invoice", "payment", &link, None, &[("payment", payment)]).await.0, 404, "{payment}");
    }
    for (function, case) in [("view-invoice", "payments"), ("view-invoice", "list"), ("send-message", "list"), ("view-jobs", "photos")] {
        assert_eq!(h.call_with(function, case, &link, None, &[]).await.0, 403, "{function} {case}");
    }
    // Rated through the link: one read and one transaction.
    h.table.take();
    let (status, rated) = h.call_with("rate-us", "rate", &link, Some(&json!({ "stars": 5, "comment": "Spotless." })), &bathfan).await;
    assert_eq!(status, 200, "{rated}");
    assert_eq!(h.table.take(), 2, "one read and one transaction");
    assert_eq!((rated["rating"]["stars"].as_u64(), rated["rating"]["editable"].as_bool()), (Some(5), Some(true)));
    assert_eq!(rated["rating"]["by"], "Dana Whitfield");
    assert!(rated["rating"].get("follow_up").is_none(), "the follow-up is the office's");
    let (_, home) = h.call_with("view-jobs", "home", &h.dana(), None, &[]).await;
    assert!(!home["to_rate"].to_string().contains("job_bathfan"), "rated: no longer asked {home}");
    let viewer = h.token("acc_whitfield", "con_dana", "viewer", "portal");
    let (_, home) = h.call_with("view-jobs", "home", &viewer, None, &[]).await;
    assert_eq!(home["to_rate"], json!([]), "viewers are not asked");
    // The adoption figures count the request and its answer, as a recount of the records does.
    let tenant = portal_store::repo::parties::get_tenant(h.table.as_ref(), &"ten_brightspark".parse().unwrap()).await.unwrap().unwrap();
    let kept = portal_app::stats::stored(h.table.as_ref(), &tenant.id).await.unwrap();
    let recount = portal_app::stats::summed(&portal_app::stats::recount(h.table.as_ref(), &tenant).await.unwrap());
    assert_eq!(kept, recount, "the counters and a recount");
    let owner = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_morgan", "owner");
    let (status, adoption) = h.call("admin-api", &events::with_token("admin-api", "adoption", &owner)).await;
    assert_eq!(status, 200, "{adoption}");
    assert_eq!(adoption["ratings"], 1, "{adoption}");
    assert!(adoption["review_requests"].as_u64().unwrap() >= 2, "the seed's completed jobs and this one: {adoption}");
    assert_eq!(adoption["months"][11]["ratings"], 1);
    // A five-star rating opens no follow-up.
    let (_, open) = h.call_with("rate-us", "staff-open", &office(&h), None, &[]).await;
    assert_eq!(open["ratings"], json!([]));
    // Asked once: sending again finds it rated and sends nothing new.
    let before = h.store.mailbox().list(500).unwrap().len();
    h.deliver().await;
    assert_eq!(h.store.mailbox().list(500).unwrap().len(), before);
    // The tenant profile carries the public review links the portal offers after rating.
    let (_, profile) = h.call("auth", &events::raw("auth", "tenant-profile")).await;
    assert_eq!(profile["review_links"][0]["site"], "Google", "{profile}");
}

#[tokio::test]
async fn a_low_rating_opens_a_follow_up_the_office_handles_and_a_high_one_does_not() {
    let h = harness().await;
    let (dana, jordan) = (h.dana(), office(&h));
    // Dana gives two stars, about Casey, with a comment.
    let (status, rated) = h.call_with("rate-us", "rate", &dana, None, &[]).await;
    assert_eq!(status, 200, "{rated}");
    assert_eq!(rated["rating"]["technician"]["id"], "stf_casey");
    // The office hears of it at the notification address, and sees the follow-up.
    h.deliver().await;
    let sent = h.store.mailbox().list(200).unwrap();
    let all = serde_json::to_string(&sent.iter().map(|d| &d.message).collect::<Vec<_>>()).unwrap();
    assert!(all.contains("2 stars from") && all.contains("drywall dust"), "the office is told, with the comment");
    let (status, open) = h.call_with("rate-us", "staff-open", &jordan, None, &[]).await;
    assert_eq!(status, 200, "{open}");
    assert_eq!(open["ratings"].as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open["ratings"][0]["follow_up"]["open"], true);
    // Raised to four stars within the 14 days: the follow-up stays for the office to close.
    let (status, changed) = h.call_with("rate-us", "rate", &dana, Some(&json!({ "stars": 4, "technician": "stf_casey" })), &[]).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["rating"]["comment"], "");
    let (_, open) = h.call_with("rate-us", "staff-open", &jordan, None, &[]).await;
    assert_eq!(open["ratings"].as_array().unwrap().len(), 1, "still open: {open}");
    // The office assigns it and notes what it did, then closes it.
    let (status, r) = h.call_with("rate-us", "staff-change", &jordan, None, &[]).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r["follow_up"]["assigned"].as_str(), r["follow_up"]["open"].as_bool()), (Some("stf_jordan"), Some(true)));
    let (status, r) = h.call_with("rate-us", "staff-change", &jordan, Some(&json!({ "open": false })), &[]).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["follow_up"]["open"], false, "{r}");
    assert!(r["follow_up"]["closed_by"].is_string() && r["follow_up"]["closed_at"].is_string(), "{r}");
    let (_, open) = h.call_with("rate-us", "staff-open", &jordan, None, &[]).await;
    assert_eq!(open["ratings"], json!([]));
    let audit =
        portal_store::repo::audit::for_subject(h.table.as_ref(), &"ten_brightspark".parse().unwrap(), "job_kitchen", 50).await.unwrap();
    for action in ["rating.given", "rating.changed", "rating.follow_up_changed"] {
        assert!(audit.iter().any(|e| e.action == action), "{action}: {audit:?}");
    }
    // The list and the figures.
    let (status, list) = h.call_with("rate-us", "staff-list", &jordan, None, &[]).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["ratings"][0]["stars"], 4);
    let (status, f) = h.call_with("rate-us", "staff-figures", &jordan, None, &[]).await;
    assert_eq!(status, 200, "{f}");
    assert_eq!((f["count"].as_u64(), f["average"].as_f64()), (Some(1), Some(4.0)), "{f}");
    assert_eq!(f["distribution"], json!([0, 0, 0, 1, 0]));
    assert_eq!(f["technicians"][0]["name"], "Casey");
    assert_eq!((f["follow_ups_open"].as_u64(), f["follow_ups_closed"].as_u64()), (Some(0), Some(1)));
    assert_eq!(f["months"].as_array().unwrap().len(), 12);
    // Another account of the same contractor does not reach the job.
    let sam = h.token("acc_ortiz", "con_sam", "approver", "portal");
    assert_eq!(h.call_with("rate-us", "get", &sam, None, &[]).await.0, 404, "another account's job");
}

#[tokio::test]
async fn bad_ratings_are_refused_and_change_nothing() {
    let h = harness().await;
    let dana = h.dana();
    let (status, body) = h.call_with("rate-us", "rate-invalid", &dana, None, &[]).await;
    assert_eq!(status, 400, "{body}");
    for field in ["stars", "comment"] {
        assert!(body["error"]["fields"][field].is_array(), "{field}: {body}");
    }
    assert!(!body.to_string().contains("xxxx"), "nothing echoed");
    for bad in [json!({ "stars": 0 }), json!({ "stars": "5" }), json!({ "stars": 5, "extra": 1 }), json!({})] {
        assert_eq!(h.call_with("rate-us", "rate", &dana, Some(&bad), &[]).await.0, 400, "{bad}");
    }
    // A technician who did not come: 422.
    let (status, body) = h.call_with("rate-us", "rate", &dana, Some(&json!({ "stars": 3, "technician": "stf_quinn" })), &[]).await;
    assert_eq!(status, 422, "{body}");
    // A job not completed, a job of another account, a made-up id.
    assert_eq!(h.call_with("rate-us", "rate-not-completed", &dana, None, &[]).await.0, 404);
    for job in ["job_flicker", "job_nope", "JOB!"] {
        let (status, _) = h.call_with("rate-us", "rate", &dana, Some(&json!({ "stars": 5 })), &[("job", job)]).await;
        assert!(status == 404 || status == 400, "{job}: {status}");
    }
    // Nothing was written.
    let b = portal_store::repo::jobs::load(
        h.table.as_ref(),
        &"ten_brightspark".parse().unwrap(),
        &"acc_whitfield".parse().unwrap(),
        &"job_kitchen".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(b.rating.is_none());
    // Read-only (staff viewing as the customer) and a viewer's link to one estimate: refused.
    let view_as = h.token("acc_whitfield", "con_dana", "approver", "portal:read");
    assert_eq!(h.call_with("rate-us", "rate", &view_as, None, &[]).await.0, 403);
    let viewer = h.token("acc_whitfield", "con_dana", "viewer", "portal");
    assert_eq!(h.call_with("rate-us", "rate", &viewer, None, &[]).await.0, 403, "viewers read only");
    assert_eq!(h.call_with("rate-us", "get", &viewer, None, &[]).await.0, 200);
    let estimate_link = h.token("acc_whitfield", "con_dana", "approver", "estimate:est_kitchen:view,sign");
    assert_eq!(h.call_with("rate-us", "get", &estimate_link, None, &[]).await.0, 404);
    // Technicians have no ratings list; customers none of the office's routes.
    let casey = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    for case in ["staff-list", "staff-figures", "staff-change"] {
        assert_eq!(h.call_with("rate-us", case, &casey, None, &[]).await.0, 403, "{case}");
        assert_eq!(h.call_with("rate-us", case, &dana, None, &[]).await.0, 401, "{case} as a customer");
    }
    // The office's bad input: a follow-up that does not exist, a note too long, a stranger.
    let jordan = office(&h);
    assert_eq!(h.call_with("rate-us", "staff-change", &jordan, None, &[]).await.0, 404, "no rating yet");
    h.call_with("rate-us", "rate", &dana, Some(&json!({ "stars": 5 })), &[]).await;
    let (status, body) = h.call_with("rate-us", "staff-change", &jordan, None, &[]).await;
    assert_eq!(status, 409, "a five-star rating has no follow-up: {body}");
    let (status, _) = h.call_with("rate-us", "staff-list", &jordan, None, &[]).await;
    assert_eq!(status, 200);
    let mut event: Value = serde_json::from_str(&events::with_token("rate-us", "staff-open", &jordan)).unwrap();
    event["rawQueryString"] = Value::String("follow_up=closed".into());
    event["queryStringParameters"] = json!({ "follow_up": "closed" });
    assert_eq!(h.call("rate-us", &event.to_string()).await.0, 400);
}

#[tokio::test]
async fn a_rating_changes_for_fourteen_days_then_stays() {
    use portal_domain::review::{EDIT_DAYS, Rating};
    let h = harness().await;
    let dana = h.dana();
    let (status, _) = h.call_with("rate-us", "rate", &dana, Some(&json!({ "stars": 4 })), &[]).await;
    assert_eq!(status, 200);
    // Given fifteen days ago (as the store would hold it then).
    let (t, a, j) = ("ten_brightspark".parse().unwrap(), "acc_whitfield".parse().unwrap(), "job_kitchen".parse().unwrap());
    let mut r: Rating = portal_store::repo::reviews::get(h.table.as_ref(), &t, &a, &j).await.unwrap().unwrap();
    let old = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(24 * (EDIT_DAYS + 1))).unwrap();
    let rev = r.rev;
    r.created_at = old;
    r.rev += 1;
    h.table.transact(vec![portal_store::repo::reviews::save(&r, Some(rev)).unwrap()]).await.unwrap();
    let (_, page) = h.call_with("rate-us", "get", &dana, None, &[]).await;
    assert_eq!(page["rating"]["editable"], false, "{page}");
    let (status, body) = h.call_with("rate-us", "rate", &dana, Some(&json!({ "stars": 1 })), &[]).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("rating_final")), "{body}");
    assert_eq!(portal_store::repo::reviews::get(h.table.as_ref(), &t, &a, &j).await.unwrap().unwrap().stars, 4, "unchanged");
}

#[tokio::test]
async fn each_contractor_reaches_no_rating_of_the_other() {
    let h = harness().await;
    let (account, contact) = portal_local::seed::SECOND_CUSTOMER;
    let erik = portal_tests::lambda::customer_token_in(&h.key, portal_local::seed::SECOND_TENANT, account, contact, "approver", "portal");
    let quinn = portal_tests::lambda::staff_token(&h.key, portal_local::seed::SECOND_TENANT, "stf_quinn", "owner");
    // Dana rates her kitchen job; Northside sees none of it.
    assert_eq!(h.call_with("rate-us", "rate", &h.dana(), None, &[]).await.0, 200);
    assert_eq!(h.call_with("rate-us", "get", &erik, None, &[]).await.0, 404, "Bright Spark's job under Erik's session");
    assert_eq!(h.call_with("rate-us", "rate", &erik, Some(&json!({ "stars": 1 })), &[]).await.0, 404);
    assert_eq!(h.call_with("rate-us", "get", &erik, None, &[("job", "job_waterheater")]).await.0, 404, "not completed");
    let (status, list) = h.call_with("rate-us", "list", &erik, None, &[]).await;
    assert_eq!(status, 200, "{list}");
    assert!(!list.to_string().contains("job_kitchen") && !list.to_string().contains("job_bathfan"), "{list}");
    let (_, list) = h.call_with("rate-us", "staff-list", &quinn, None, &[]).await;
    assert_eq!(list["ratings"], json!([]), "{list}");
    let (_, open) = h.call_with("rate-us", "staff-open", &quinn, None, &[]).await;
    assert_eq!(open["ratings"], json!([]));
    let (_, f) = h.call_with("rate-us", "staff-figures", &quinn, None, &[]).await;
    assert_eq!(f["count"], 0);
    for account in ["acc_whitfield", "acc_lindqvist"] {
        let (status, _) = h.call_with("rate-us", "staff-change", &quinn, Some(&json!({ "open": false })), &[("account", account)]).await;
        assert_eq!(status, 404, "{account}");
    }
    // Bright Spark's office reaches no Northside job either.
    let (status, _) = h
        .call_with(
            "rate-us",
            "staff-change",
            &office(&h),
            Some(&json!({ "open": false })),
            &[("account", "acc_lindqvist"), ("job", "job_waterheater")],
        )
        .await;
    assert_eq!(status, 404);
}
