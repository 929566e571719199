//! Messages on the demo: a customer asks, the office answers; unread markers on both sides,
//! the poll's 304, the inbox and its filters, hiding, limits, scope and notices.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_tests::events;
use portal_tests::harness::{Harness, harness};
use serde_json::{Value, json};

fn office(h: &Harness) -> String {
    portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office")
}

/// Calls a case with `If-None-Match`, returning the status and the ETag answered.
async fn poll(h: &Harness, case: &str, token: &str, tag: &str, params: &[(&str, &str)]) -> (u16, String, Value) {
    let mut event: Value = serde_json::from_str(&events::with_token("send-message", case, token)).unwrap();
    event["headers"]["if-none-match"] = Value::String(tag.to_string());
    let mut path = event["rawPath"].as_str().unwrap().to_string();
    for (name, value) in params {
        if let Some(old) = event["pathParameters"][*name].as_str().map(str::to_string) {
            path = path.replace(&old, value);
        }
        event["pathParameters"][*name] = Value::String((*value).to_string());
    }
    event["rawPath"] = Value::String(path);
    let (status, headers, body) = h.call_full("send-message", &event.to_string()).await;
    let etag = headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, etag, body)
}

fn ids_of(v: &Value) -> Vec<String> {
    v["threads"].as_array().unwrap().iter().map(|t| t["thread"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_customer_asks_the_office_answers_and_each_side_sees_what_is_unread() {
    let h = harness().await;
    let (dana, jordan) = (h.dana(), office(&h));
    // What Dana has not read yet (the seeded answer to her question).
    let (_, home) = h.call_with("view-jobs", "home", &dana, None, &[]).await;
    let unread_before = home["unread_messages"].as_u64().unwrap();
    // Dana writes on the bathroom fan job: one read and one transaction.
    h.table.take();
    let body = json!({ "text": "Will you <b>bring</b> the new fan?\r\nThe old one is in the attic.\u{202E}" });
    let (status, posted) = h.call_with("send-message", "post", &dana, Some(&body), &[]).await;
    assert_eq!(status, 201, "{posted}");
    assert_eq!(h.table.take(), 2, "posting is one read and one transaction");
    assert_eq!(
        posted["message"]["text"], "Will you <b>bring</b> the new fan?\nThe old one is in the attic.",
        "markup is text; no override"
    );
    assert_eq!((posted["message"]["mine"].as_bool(), posted["message"]["from_staff"].as_bool()), (Some(true), Some(false)));
    assert_eq!(posted["thread"]["unread"], 0, "the writer has read their own thread");
    // The office's inbox: the thread first (unread), with the customer beside it.
    let (status, inbox) = h.call_with("send-message", "inbox", &jordan, None, &[]).await;
    assert_eq!(status, 200, "{inbox}");
    let first = &inbox["threads"][0];
    assert_eq!((first["thread"].as_str(), first["unread"].as_u64()), (Some("job_bathfan"), Some(2)), "{inbox}");
    assert!(first["customer"].as_str().unwrap().contains("Whitfield"));
    // The office reads the thread (one Query), answers twice, and the inbox holds no unread.
    h.table.take();
    let (status, page) = h.call_with("send-message", "staff-get", &jordan, None, &[]).await;
    assert_eq!((status, h.table.take()), (200, 2), "the account, then one Query: {page}");
    assert_eq!(page["messages"].as_array().unwrap().len(), 2);
    for text in ["Yes, Casey brings it.", "He also checks the duct."] {
        let (status, answer) = h.call_with("send-message", "staff-post", &jordan, Some(&json!({ "text": text })), &[]).await;
        assert_eq!(status, 201, "{answer}");
    }
    let (_, inbox) = h.call_with("send-message", "inbox", &jordan, None, &[]).await;
    let fan = inbox["threads"].as_array().unwrap().iter().find(|t| t["thread"] == "job_bathfan").unwrap();
    assert_eq!(fan["unread"], 0, "answering reads the thread: {fan}");
    // Dana sees two unread on her dashboard and her thread list, and the job page shows the
    // thread with the answers, and its timeline the messages.
    let (_, home) = h.call_with("view-jobs", "home", &dana, None, &[]).await;
    assert_eq!(home["unread_messages"].as_u64(), Some(unread_before + 2), "{home}");
    let (_, list) = h.call_with("send-message", "list", &dana, None, &[]).await;
    assert_eq!((ids_of(&list)[0].as_str(), list["unread"].as_u64()), ("job_bathfan", Some(unread_before + 2)), "{list}");
    let (_, job) = h.call_with("view-jobs", "get", &dana, None, &[("job", "job_bathfan")]).await;
    let texts: Vec<&str> = job["thread"]["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert!(texts.contains(&"He also checks the duct."), "{texts:?}");
    assert!(job["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "message_from_staff"));
    // The thread page polls: 304 while nothing changed (one GetItem), 200 once it did.
    let (status, tag, page) = poll(&h, "get-job", &dana, "\"none\"", &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(tag.starts_with('"'), "an ETag: {tag}");
    h.table.take();
    let (status, _, _) = poll(&h, "get-job", &dana, &tag, &[]).await;
    assert_eq!((status, h.table.take()), (304, 1), "nothing new: one GetItem");
    let (status, _) = h.call_with("send-message", "read", &dana, None, &[("thread", "job_bathfan")]).await;
    assert_eq!(status, 204);
    let (status, _, _) = poll(&h, "get-job", &dana, &tag, &[]).await;
    assert_eq!(status, 200, "read since: the page changed");
    let (_, home) = h.call_with("view-jobs", "home", &dana, None, &[]).await;
    assert_eq!(home["unread_messages"].as_u64(), Some(unread_before), "the fan's thread is read: {home}");
}

#[tokio::test]
async fn notices_go_to_the_office_and_gathered_answers_to_the_customer() {
    let h = harness().await;
    let (dana, jordan) = (h.dana(), office(&h));
    h.deliver().await;
    let before = h.store.mailbox().list(500).unwrap().len();
    assert_eq!(h.call_with("send-message", "post", &dana, None, &[]).await.0, 201);
    h.deliver().await;
    let sent = h.store.mailbox().list(500).unwrap();
    assert_eq!(sent.len(), before + 1, "one notice to the office");
    let notice = serde_json::to_value(&sent[0].message).unwrap();
    assert_eq!(notice["to"], "office@brightspark.example", "the notification address while nobody is assigned: {notice}");
    assert!(notice["text"].as_str().unwrap().contains("driveway"), "{notice}");
    // Two answers within two minutes: one notice, sent once they are gathered.
    for text in ["Yes, the driveway is fine.", "Casey texts 15 minutes before."] {
        assert_eq!(h.call_with("send-message", "staff-post", &jordan, Some(&json!({ "text": text })), &[]).await.0, 201);
    }
    h.deliver().await;
    assert_eq!(h.store.mailbox().list(500).unwrap().len(), before + 1, "held for two minutes");
    let later = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_mins(3)).unwrap();
    let mailer = h.store.mailbox();
    portal_app::notify::deliver_due(
        h.table.as_ref(),
        &mailer,
        &mailer,
        &portal_domain::ports::RandomIds,
        &"ten_brightspark".parse().unwrap(),
        later,
    )
    .await
    .unwrap();
    let sent = h.store.mailbox().list(500).unwrap();
    let to_dana: Vec<Value> =
        sent.iter().map(|d| serde_json::to_value(&d.message).unwrap()).filter(|m| m["to"] == "dana@example.com").collect();
    let answer = to_dana.iter().find(|m| m["text"].as_str().unwrap_or_default().contains("driveway is fine")).expect("the answer");
    assert!(answer["text"].as_str().unwrap().contains("Casey texts 15 minutes before."), "both in one notice: {answer}");
    assert!(answer["text"].as_str().unwrap().contains("/messages/job_bathfan"), "a link to the thread: {answer}");
    // Replies come back to a reply address naming this thread and Dana (its token kept
    // hashed), and References keep the thread's notices together in her mail client.
    let reply_to = answer["reply_to"].as_str().expect("a reply address");
    assert!(reply_to.ends_with(&format!("@{}", portal_embedded::mailbox::LOCAL_REPLY_DOMAIN)), "{reply_to}");
    let token = portal_domain::message::token_of(reply_to).expect("our token");
    let bound = portal_store::repo::threads::find_reply_token(h.table.as_ref(), &token).await.unwrap().expect("kept");
    assert_eq!((bound.about.to_string(), bound.contact.to_string()), ("job_bathfan".to_string(), "con_dana".to_string()));
    assert!(portal_store::repo::threads::find_reply_token(h.table.as_ref(), &"0".repeat(40)).await.unwrap().is_none());
    assert!(answer["references"][0].as_str().unwrap().starts_with("<thread.acc_whitfield.job_bathfan."), "{answer}");
    assert!(answer["text"].as_str().unwrap().contains("Reply to this email"), "{answer}");
    let thread = portal_store::repo::threads::get(
        h.table.as_ref(),
        &"ten_brightspark".parse().unwrap(),
        &"acc_whitfield".parse().unwrap(),
        &"job_bathfan".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(thread.notice_pending, None, "nothing waits to be told");
}

#[tokio::test]
async fn the_office_assigns_closes_and_hides_and_the_inbox_filters_follow() {
    let h = harness().await;
    let (dana, jordan) = (h.dana(), office(&h));
    let inbox = async |filter: &str| -> Vec<String> {
        let mut event: Value = serde_json::from_str(&events::with_token("send-message", "inbox", &jordan)).unwrap();
        event["queryStringParameters"] = json!({ "filter": filter });
        event["rawQueryString"] = Value::String(format!("filter={filter}"));
        let (status, body) = h.call("send-message", &event.to_string()).await;
        assert_eq!(status, 200, "{filter}: {body}");
        ids_of(&body)
    };
    assert!(inbox("unassigned").await.contains(&"job_bathfan".to_string()));
    assert!(!inbox("mine").await.contains(&"job_bathfan".to_string()));
    let (status, changed) = h.call_with("send-message", "staff-change", &jordan, None, &[]).await;
    assert_eq!((status, changed["assigned"]["id"].as_str()), (200, Some("stf_jordan")), "{changed}");
    assert!(inbox("mine").await.contains(&"job_bathfan".to_string()));
    assert!(!inbox("unassigned").await.contains(&"job_bathfan".to_string()));
    // Closed, it leaves the open inbox; a customer's new message opens it again.
    let (status, _) = h.call_with("send-message", "staff-change", &jordan, Some(&json!({ "state": "closed" })), &[]).await;
    assert_eq!(status, 200);
    assert!(inbox("closed").await.contains(&"job_bathfan".to_string()));
    assert!(!inbox("open").await.contains(&"job_bathfan".to_string()));
    assert_eq!(h.call_with("send-message", "post", &dana, None, &[]).await.0, 201);
    assert!(inbox("open").await.contains(&"job_bathfan".to_string()), "reopened by the customer");
    // Unknown staff, unknown filter, a technician: refused.
    let (status, _) = h.call_with("send-message", "staff-change", &jordan, Some(&json!({ "assigned": "stf_nobody" })), &[]).await;
    assert_eq!(status, 404);
    let casey = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    assert_eq!(h.call_with("send-message", "inbox", &casey, None, &[]).await.0, 403, "technicians have no inbox");
    // The office hides the first general message: gone for Dana, marked for the office,
    // audited.
    let (_, general) = h.call_with("send-message", "staff-get", &jordan, None, &[("thread", "general")]).await;
    let first = general["messages"][0]["id"].as_str().unwrap().to_string();
    let (status, _) = h.call_with("send-message", "staff-hide", &jordan, None, &[("message", first.as_str())]).await;
    assert_eq!(status, 204);
    let (_, seen) = h.call_with("send-message", "get", &dana, None, &[]).await;
    assert!(!seen.to_string().contains(&first), "hidden from the customer: {seen}");
    let (_, staff_seen) = h.call_with("send-message", "staff-get", &jordan, None, &[("thread", "general")]).await;
    assert!(staff_seen["messages"][0]["hidden_by"].is_string(), "marked for the office, with who hid it: {staff_seen}");
    let audit = portal_store::repo::audit::for_subject(h.table.as_ref(), &"ten_brightspark".parse().unwrap(), &first, 10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "message.hidden"), "{audit:?}");
}

#[tokio::test]
async fn bad_messages_limits_and_scope_are_refused_and_change_nothing() {
    let h = harness().await;
    let dana = h.dana();
    let (status, body) = h.call_with("send-message", "post-invalid", &dana, None, &[]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid");
    let too_long = json!({ "text": "x".repeat(4001) });
    assert_eq!(h.call_with("send-message", "post", &dana, Some(&too_long), &[]).await.0, 400);
    let unknown = json!({ "text": "hi", "colour": "red" });
    assert_eq!(h.call_with("send-message", "post", &dana, Some(&unknown), &[]).await.0, 400);
    for thread in ["job_nope", "est_panel", "job_waterheater"] {
        assert_eq!(h.call_with("send-message", "post", &dana, None, &[("thread", thread)]).await.0, 404, "{thread}");
    }
    // A file of another job, or an internal one, is not an attachment of this message.
    let panel = json!({ "text": "see", "attachments": ["fil_kitchen_panel"] });
    assert_eq!(h.call_with("send-message", "post", &dana, Some(&panel), &[("thread", "job_kitchen")]).await.0, 404, "internal");
    let elsewhere = json!({ "text": "see", "attachments": ["fil_kitchen_after"] });
    assert_eq!(h.call_with("send-message", "post", &dana, Some(&elsewhere), &[]).await.0, 404, "another job's file");
    let shared = json!({ "text": "This one", "attachments": ["fil_kitchen_after"] });
    let (status, posted) = h.call_with("send-message", "post", &dana, Some(&shared), &[("thread", "job_kitchen")]).await;
    assert_eq!(status, 201, "{posted}");
    assert!(posted["message"]["attachments"][0]["photo"]["thumb_url"].is_string(), "{posted}");
    // A contact limited to another property sees neither the job's thread nor its page.
    let limited = portal_tests::lambda::limited_token(&h.key, "acc_whitfield", "con_dana", "approver", &["prp_nowhere"]);
    assert_eq!(h.call_with("send-message", "get-job", &limited, None, &[]).await.0, 404);
    assert_eq!(h.call_with("send-message", "post", &limited, None, &[]).await.0, 404);
    assert_eq!(h.call_with("send-message", "get", &limited, None, &[]).await.0, 200, "the general thread is the account's");
    // Staff viewing as the customer read, and write nothing.
    let view_as = h.token("acc_whitfield", "con_dana", "approver", "portal:read");
    assert_eq!(h.call_with("send-message", "post", &view_as, None, &[]).await.0, 403);
    // The hour's count: a clear 429 past it.
    let mut refused = None;
    for n in 0..40 {
        let (status, body) = h.call_with("send-message", "post", &dana, Some(&json!({ "text": format!("message {n}") })), &[]).await;
        if status != 201 {
            refused = Some((n, status, body));
            break;
        }
    }
    let (n, status, body) = refused.expect("a limit");
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("rate_limited")), "{body}");
    assert!(n < portal_domain::message::CONTACT_HOURLY as usize, "the messages above count too: {n}");
}

#[tokio::test]
async fn photos_go_with_the_general_thread_and_every_contact_of_the_account_sees_them() {
    let h = harness().await;
    let dana = h.dana();
    let photo = portal_testkit::photos::jpeg(800, 600);
    let body =
        json!({ "to": { "to": "messages" }, "kind": "photo", "content_type": "image/jpeg", "size": photo.len(), "name": "IMG_0042.jpg" });
    let (status, slot) = h.call_with("upload-photo", "slot", &dana, Some(&body), &[]).await;
    assert_eq!(status, 200, "{slot}");
    assert_eq!(h.send_to_slot(&slot, "image/jpeg", &photo).await.unwrap()["outcomes"][0], "kept");
    let file = slot["file"].as_str().unwrap().to_string();
    let text = json!({ "text": "The outlet by the door sparks.", "attachments": [file] });
    let (status, posted) = h.call_with("send-message", "post", &dana, Some(&text), &[("thread", "general")]).await;
    assert_eq!(status, 201, "{posted}");
    assert!(posted["message"]["attachments"][0]["photo"]["thumb_url"].is_string(), "{posted}");
    // The thread page brings it in its one Query; a contact limited to a property sees it too
    // (the general thread is the account's); the office sees it.
    let limited = portal_tests::lambda::limited_token(&h.key, "acc_whitfield", "con_dana", "approver", &["prp_nowhere"]);
    for token in [&dana, &limited] {
        let (_, page) = h.call_with("send-message", "get", token, None, &[]).await;
        let last = page["messages"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["attachments"].as_array().unwrap().len(), 1, "{last}");
    }
    let (_, staff) = h.call_with("send-message", "staff-get", &office(&h), None, &[("thread", "general")]).await;
    assert_eq!(staff["messages"].as_array().unwrap().last().unwrap()["attachments"].as_array().unwrap().len(), 1);
    // Another account's customer cannot send it, nor reach it.
    let alex = portal_tests::lambda::customer_token(&h.key, "acc_harbor", "con_alex", "approver", "portal");
    let theirs = json!({ "text": "mine now", "attachments": [slot["file"]] });
    assert_eq!(h.call_with("send-message", "post", &alex, Some(&theirs), &[("thread", "general")]).await.0, 404);
}
