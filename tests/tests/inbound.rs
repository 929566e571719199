//! Email replies on the demo: Dana answers a notice by email and her reply lands in the
//! thread without the quoted original, with her photo through the upload pipeline; what
//! fails a check is held for the office (a spoofed sender, failed SPF or DKIM, another
//! contact's reply address, a revoked one, a forwarded notice answered by someone else),
//! automatic replies are ignored, a burst from one sender is counted, and a second delivery
//! of the same event changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_domain::ports::{Blob, Blobs};
use portal_store::Table;
use portal_tests::events;
use portal_tests::harness::{Harness, harness};
use serde_json::{Value, json};

fn office(h: &Harness) -> String {
    portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office")
}

/// The office answers on the bathroom fan job and the notice goes to Dana: its reply
/// address and References.
async fn notice_to_dana(h: &Harness) -> (String, String) {
    let body = json!({ "text": "Casey comes Thursday at 9." });
    assert_eq!(h.call_with("send-message", "staff-post", &office(h), Some(&body), &[]).await.0, 201);
    let later = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_mins(3)).unwrap();
    let mailer = h.store.mailbox();
    let ten = "ten_brightspark".parse().unwrap();
    portal_app::notify::deliver_due(h.table.as_ref(), &mailer, &mailer, &portal_domain::ports::RandomIds, &ten, later).await.unwrap();
    let sent = h.store.mailbox().list(50).unwrap();
    let notice = sent
        .iter()
        .map(|d| serde_json::to_value(&d.message).unwrap())
        .find(|m| m["to"] == "dana@example.com" && m["text"].as_str().unwrap_or_default().contains("Thursday at 9"))
        .expect("the notice");
    (notice["reply_to"].as_str().unwrap().to_string(), notice["references"][0].as_str().unwrap().to_string())
}

/// How a reply is authenticated, as SES's headers say.
struct Checks {
    spf: &'static str,
    dkim: &'static str,
    /// The domain DKIM signed for.
    signer: &'static str,
}

const PASS: Checks = Checks { spf: "pass", dkim: "pass", signer: "example.com" };

/// A reply as Gmail writes one, as SES stores it (its verdict headers on top).
fn reply(from: &str, to: &str, references: &str, text: &str, checks: &Checks, extra: &str) -> Vec<u8> {
    format!(
        "Return-Path: <{from}>\r\n\
         Received: from mail-yw1-f171.google.com (mail-yw1-f171.google.com [209.85.128.171]) by inbound-smtp.us-east-1.amazonaws.com with SMTP id 0r6pnb5d2f6d1i0q9g8c7lq5a2 for {to}; Tue, 01 Dec 2026 17:41:02 +0000 (UTC)\r\n\
         X-SES-Spam-Verdict: PASS\r\n\
         X-SES-Virus-Verdict: PASS\r\n\
         Authentication-Results: amazonses.com;\r\n spf={spf} (spfCheck: domain of example.com designates 209.85.128.171 as permitted sender) client-ip=209.85.128.171; envelope-from={from}; helo=mail-yw1-f171.google.com;\r\n dkim={dkim} header.i=@{signer};\r\n dmarc={dmarc} header.from={from_domain};\r\n\
         {extra}\
         MIME-Version: 1.0\r\n\
         References: {references} <0100019380example@email.amazonses.com>\r\n\
         In-Reply-To: <0100019380example@email.amazonses.com>\r\n\
         From: Dana Whitfield <{from}>\r\n\
         Date: Tue, 1 Dec 2026 09:40:51 -0800\r\n\
         Message-ID: <CAF=reply{n}@mail.gmail.com>\r\n\
         Subject: Re: Bright Spark Electric: Bathroom fan\r\n\
         To: Bright Spark Electric <{to}>\r\n\
         Content-Type: text/plain; charset=\"UTF-8\"\r\n\
         \r\n\
         {text}\r\n\
         \r\n\
         On Tue, Dec 1, 2026 at 9:12 AM Bright Spark Electric <{to}> wrote:\r\n\
         > Hello Dana,\r\n\
         > Jordan wrote:\r\n\
         > Casey comes Thursday at 9.\r\n",
        spf = checks.spf,
        dkim = checks.dkim,
        signer = checks.signer,
        // DMARC passes when DKIM passes for the From domain itself.
        dmarc = if checks.dkim == "pass" && from.ends_with(&format!("@{}", checks.signer)) { "pass" } else { "fail" },
        from_domain = from.rsplit('@').next().unwrap_or_default(),
        n = portal_domain::ports::Ids::id(&portal_domain::ports::RandomIds, "m"),
    )
    .into_bytes()
}

/// Stores `raw` where SES would and runs inbound-email on the bucket's event; the outcome.
async fn receive(h: &Harness, key: &str, raw: &[u8]) -> Value {
    h.blobs.put(key, &Blob { bytes: raw.to_vec(), content_type: "message/rfc822".into() }, "private").await.unwrap();
    deliver(h, key).await
}

async fn deliver(h: &Harness, key: &str) -> Value {
    let mut event: Value = serde_json::from_str(&events::raw("inbound-email", "object-created")).unwrap();
    event["Records"][0]["s3"]["object"]["key"] = Value::String(key.to_string());
    h.functions.event("inbound-email").unwrap().call(event).await.unwrap()
}

fn outcome(v: &Value) -> &str {
    v["outcomes"][0].as_str().unwrap()
}

async fn thread_texts(h: &Harness) -> Vec<(String, String)> {
    let (_, page) = h.call_with("send-message", "staff-get", &office(h), None, &[]).await;
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["text"].as_str().unwrap().to_string(), m["via"].as_str().unwrap().to_string()))
        .collect()
}

async fn held(h: &Harness) -> Vec<Value> {
    let (status, list) = h.call_with("send-message", "held-list", &office(h), None, &[]).await;
    assert_eq!(status, 200, "{list}");
    list["held"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_reply_by_email_lands_in_the_thread_once_with_its_photo() {
    let h = harness().await;
    let (to, references) = notice_to_dana(&h).await;
    let mut raw = reply("dana@example.com", &to, &references, "Thursday works. The <b>gate</b> code is 4411.", &PASS, "");
    // Gmail's multipart shape, with a photo from her phone.
    let photo = portal_testkit::photos::jpeg(640, 480);
    let text_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let (head, body) = raw.split_at(text_end + 4);
    let head = String::from_utf8_lossy(head)
        .replace("Content-Type: text/plain; charset=\"UTF-8\"\r\n", "Content-Type: multipart/mixed; boundary=\"000000000000b1\"\r\n");
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&photo);
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    raw = format!(
        "{head}--000000000000b1\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n{}\r\n--000000000000b1\r\n\
         Content-Type: image/jpeg; name=\"IMG_2231.jpg\"\r\nContent-Disposition: attachment; filename=\"IMG_2231.jpg\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--000000000000b1--\r\n",
        String::from_utf8_lossy(body),
        lines.join("\r\n")
    )
    .into_bytes();
    let key = "inbound/0r6pnb5d2f6d1i0q9g8c7lq5a2first";
    let out = receive(&h, key, &raw).await;
    assert_eq!(outcome(&out), "posted", "{out}");
    // The photo went to the pipeline. Say the function stopped before its bytes were put
    // there: the next delivery of the event sends them again (the same slot), once.
    let upload = out["uploads"][0].as_str().expect("one attachment sent to the pipeline").to_string();
    // (The handler then failed before deleting the raw message: it is still there.)
    h.blobs.delete(&upload).await.unwrap();
    let again = receive(&h, key, &raw).await;
    assert_eq!((outcome(&again), again["uploads"][0].as_str()), ("duplicate", Some(upload.as_str())), "{again}");
    // process-upload keeps it as for any upload.
    assert_eq!(h.object_created(&upload, photo.len()).await["outcomes"][0], "kept");
    let texts = thread_texts(&h).await;
    let last = texts.last().unwrap();
    assert_eq!(last, &("Thursday works. The <b>gate</b> code is 4411.".to_string(), "email".to_string()), "no quote, markup as text");
    let (_, page) = h.call_with("send-message", "staff-get", &office(&h), None, &[]).await;
    let m = page["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((m["author"].as_str(), m["from_staff"].as_bool()), (Some("Dana Whitfield"), Some(false)), "{m}");
    assert_eq!(m["attachments"].as_array().unwrap().len(), 1, "the photo is in the thread: {m}");
    // Posted: the raw message is gone. Delivered again (S3 delivers at least once, and the
    // raw message put back): nothing changes, and nothing is sent on again.
    assert!(matches!(h.blobs.get(key, 1 << 20).await.unwrap(), portal_domain::ports::Fetched::Missing));
    assert_eq!(outcome(&deliver(&h, key).await), "duplicate");
    let third = receive(&h, key, &raw).await;
    assert_eq!((outcome(&third), third["uploads"].as_array().map(Vec::len)), ("duplicate", Some(0)), "{third}");
    assert_eq!(thread_texts(&h).await.len(), texts.len(), "one message");
    // The office hears of it as of any customer message.
    h.deliver().await;
    let to_office = h.store.mailbox().list(5).unwrap();
    assert!(serde_json::to_value(&to_office[0].message).unwrap()["text"].as_str().unwrap().contains("gate"), "the office's notice");
}

#[tokio::test]
async fn replies_that_fail_a_check_are_held_for_the_office_never_posted() {
    let h = harness().await;
    let (to, references) = notice_to_dana(&h).await;
    let before = thread_texts(&h).await.len();
    let spoofed = Checks { spf: "pass", dkim: "pass", signer: "evil.example" };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // Someone else's server sends as Dana: DKIM signs for its own domain, not hers.
        ("spoofed", reply("dana@example.com", &to, &references, "Pay to this account instead.", &spoofed, ""), "held:dkim"),
        ("spf", reply("dana@example.com", &to, &references, "Thursday works.", &Checks { spf: "fail", ..PASS }, ""), "held:spf"),
        ("dkim", reply("dana@example.com", &to, &references, "Thursday works.", &Checks { dkim: "fail", ..PASS }, ""), "held:dkim"),
        // Dana forwarded the notice; her neighbour answered it.
        ("forwarded", reply("sam.neighbour@example.com", &to, &references, "Can you do my panel too?", &PASS, ""), "held:other_sender"),
        // Not to her reply address, naming only the thread's id (which is no secret).
        (
            "no-token",
            reply("dana@example.com", "office@in.localhost", &references, "Thursday works, Jordan.", &PASS, ""),
            "held:unknown_address",
        ),
    ];
    for (name, raw, expected) in &cases {
        let out = receive(&h, &format!("inbound/held-{name}"), raw).await;
        assert_eq!(outcome(&out), *expected, "{name}: {out}");
    }
    // Another contact's reply address: Dana writes to the address given to Erik, a customer
    // of the other contractor.
    let erik = portal_domain::message::ReplyToken {
        tenant: "ten_northside".parse().unwrap(),
        account: "acc_lindqvist".parse().unwrap(),
        about: portal_domain::message::About::General,
        contact: "con_erik".parse().unwrap(),
        created_at: jiff::Timestamp::now(),
        revoked_at: None,
    };
    let (token, hash) = portal_domain::message::new_reply_token(&portal_domain::ports::RandomIds);
    h.table.transact(vec![portal_store::repo::threads::save_reply_token(&hash, &erik).unwrap()]).await.unwrap();
    let address = portal_domain::message::reply_address(&token, "in.localhost");
    let out = receive(&h, "inbound/held-erik", &reply("dana@example.com", &address, "", "Thursday works.", &PASS, "")).await;
    assert_eq!(outcome(&out), "held:other_sender", "{out}");
    // Her reply address for the fan job on an answer to the general thread's notice.
    let general = "<thread.acc_whitfield.general.ten_brightspark@in.localhost>";
    let out = receive(&h, "inbound/held-crossed", &reply("dana@example.com", &to, general, "Thursday works.", &PASS, "")).await;
    assert_eq!(outcome(&out), "held:other_thread", "{out}");
    // Revoked: the office revokes the thread's reply addresses; Dana's reply is held.
    let (status, revoked) = h.call_with("send-message", "staff-revoke", &office(&h), None, &[]).await;
    assert_eq!(status, 200, "{revoked}");
    // The notice went out on a clock three minutes ahead (to gather it): the stop is moved
    // past it, as it is in real time.
    let (ten, acc, fan) = ("ten_brightspark".parse().unwrap(), "acc_whitfield".parse().unwrap(), "job_bathfan".parse().unwrap());
    let th = portal_store::repo::threads::get(h.table.as_ref(), &ten, &acc, &fan).await.unwrap().unwrap();
    assert!(th.replies_revoked_at.is_some(), "stopped on the thread");
    let mut later = th.clone();
    later.replies_revoked_at = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_mins(10)).ok();
    h.table.transact(vec![portal_store::repo::threads::save(Some(&th), &later).unwrap()]).await.unwrap();
    let out = receive(&h, "inbound/held-revoked", &reply("dana@example.com", &to, "", "Thursday works.", &PASS, "")).await;
    assert_eq!(outcome(&out), "held:unknown_address", "{out}");
    assert_eq!(thread_texts(&h).await.len(), before, "nothing posted");
    // The office sees every one, with why, newest first, and posts the revoked one (it was
    // Dana after all) or sets one aside.
    let list = held(&h).await;
    assert_eq!(list.len(), 7, "Erik's is held for the other contractor: {list:?}");
    assert!(list.iter().all(|x| !x["why"].as_str().unwrap().is_empty() && x["state"] == "held"));
    let revoked =
        list.iter().find(|x| x["text"] == "Thursday works." && x["reason"] == "unknown_address" && x["postable"] == true).unwrap();
    let id = revoked["id"].as_str().unwrap();
    let (status, posted) = h.call_with("send-message", "held-post", &office(&h), None, &[("held", id)]).await;
    assert_eq!(status, 200, "{posted}");
    assert_eq!(thread_texts(&h).await.last().unwrap().0, "Thursday works.");
    let (status, again) = h.call_with("send-message", "held-post", &office(&h), None, &[("held", id)]).await;
    assert_eq!(status, 409, "posted once: {again}");
    let forwarded = list.iter().find(|x| x["reason"] == "other_sender").unwrap()["id"].as_str().unwrap().to_string();
    let (status, refused) = h.call_with("send-message", "held-post", &office(&h), None, &[("held", &forwarded)]).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("held_no_contact")), "not posted as Dana: {refused}");
    let (status, dismissed) = h.call_with("send-message", "held-dismiss", &office(&h), None, &[("held", &forwarded)]).await;
    assert_eq!((status, dismissed["state"].as_str()), (200, Some("dismissed")), "{dismissed}");
    assert_eq!(held(&h).await.len(), 5, "what is left to review");
    // The second contractor's office sees only the reply to its own address, and cannot
    // post or dismiss the first's.
    let riley = portal_tests::lambda::staff_token(&h.key, "ten_northside", "stf_riley", "office");
    let (_, theirs) = h.call_with("send-message", "held-list", &riley, None, &[]).await;
    let theirs = theirs["held"].as_array().unwrap();
    assert_eq!((theirs.len(), theirs[0]["account"].as_str()), (1, Some("acc_lindqvist")), "{theirs:?}");
    let spf = list.iter().find(|x| x["reason"] == "spf").unwrap()["id"].as_str().unwrap().to_string();
    for case in ["held-post", "held-dismiss"] {
        let (status, _) = h.call_with("send-message", case, &riley, None, &[("held", &spf)]).await;
        assert_eq!(status, 404, "{case} across contractors");
        let (status, _) = h.call_with("send-message", case, &riley, None, &[("account", "acc_lindqvist"), ("held", &spf)]).await;
        assert_eq!(status, 404, "{case} with their own customer's id");
    }
    // Nor stop the first's reply addresses; its own customer's thread it can.
    let (status, _) = h.call_with("send-message", "staff-revoke", &riley, None, &[]).await;
    assert_eq!(status, 404, "another contractor's customer");
    let (status, stopped) =
        h.call_with("send-message", "staff-revoke", &riley, None, &[("account", "acc_lindqvist"), ("thread", "general")]).await;
    assert_eq!(status, 200, "{stopped}");
    // A customer has no such routes.
    assert_eq!(h.call_with("send-message", "held-list", &h.dana(), None, &[]).await.0, 401, "not a staff session");
}

#[tokio::test]
async fn automatic_replies_are_ignored_and_a_burst_from_one_sender_is_counted() {
    let h = harness().await;
    let (to, references) = notice_to_dana(&h).await;
    let before = thread_texts(&h).await.len();
    let auto =
        reply("dana@example.com", &to, &references, "I am out of the office until Monday.", &PASS, "Auto-Submitted: auto-replied\r\n");
    assert_eq!(outcome(&receive(&h, "inbound/auto", &auto).await), "ignored:automatic reply");
    let bulk = reply("dana@example.com", &to, &references, "Weekly deals!", &PASS, "Precedence: bulk\r\n");
    assert_eq!(outcome(&receive(&h, "inbound/bulk", &bulk).await), "ignored:automatic reply");
    assert_eq!(thread_texts(&h).await.len(), before);
    // A robot answering each of our notices: the first ten in an hour are posted, the next
    // ten held, the rest ignored, so no loop goes on.
    let mut outcomes = Vec::new();
    for n in 0..24 {
        let raw = reply("dana@example.com", &to, &references, &format!("Reply number {n}"), &PASS, "");
        outcomes.push(outcome(&receive(&h, &format!("inbound/burst-{n}"), &raw).await).to_string());
    }
    let count = |o: &str| outcomes.iter().filter(|x| x.as_str() == o).count();
    assert_eq!((count("posted"), count("held:too_many"), count("ignored:too many from one sender")), (10, 10, 4), "{outcomes:?}");
    assert_eq!(thread_texts(&h).await.len(), before + 10);
}

#[tokio::test]
async fn an_email_naming_no_thread_is_not_posted_and_the_local_reply_is_a_real_mime_reply() {
    let h = harness().await;
    let stray = reply("dana@example.com", "sales@in.localhost", "", "Hello?", &PASS, "");
    assert_eq!(outcome(&receive(&h, "inbound/stray", &stray).await), "unrouted");
    assert!(matches!(h.blobs.get("inbound/stray", 1 << 20).await.unwrap(), portal_domain::ports::Fetched::Found(_)), "kept");
    // The local mailbox's reply: quoted original, In-Reply-To, References, parsed back.
    let (to, references) = notice_to_dana(&h).await;
    let mail = portal_domain::ports::Mail {
        to: portal_domain::party::Email::try_from("dana@example.com".to_string()).unwrap(),
        from_name: "Bright Spark Electric".into(),
        subject: "Bright Spark Electric: Bathroom fan".into(),
        text: "Hello Dana,\nCasey comes Thursday at 9.".into(),
        html: String::new(),
        attachments: Vec::new(),
        reply_to: Some(to),
        references: vec![references],
    };
    let raw = portal_local::dev::reply_mime(&mail, "dana@example.com", "Gracias, el jueves está bien.", jiff::Timestamp::now()).unwrap();
    let parsed = portal_app::inbound::parse(&raw).unwrap();
    assert_eq!(parsed.text, "Gracias, el jueves está bien.");
    assert!(parsed.references.iter().any(|r| r.starts_with("thread.acc_whitfield.job_bathfan.")), "{:?}", parsed.references);
    assert_eq!(outcome(&receive(&h, "inbound/local", &raw).await), "posted");
    assert_eq!(thread_texts(&h).await.last().unwrap().0, "Gracias, el jueves está bien.");
}

#[tokio::test]
async fn forged_mail_in_a_contacts_name_uses_up_nothing_of_theirs_and_virus_mail_is_never_posted() {
    let h = harness().await;
    let (to, references) = notice_to_dana(&h).await;
    // Twenty-five forged replies in Dana's name (the sender's own, passing, results below
    // SES's failing ones): held, and not counted against her.
    let forged_results = "Authentication-Results: amazonses.com; spf=pass; dkim=pass header.d=example.com\r\n";
    for n in 0..25 {
        let raw = reply("dana@example.com", &to, &references, &format!("Forged {n}"), &Checks { dkim: "fail", ..PASS }, forged_results);
        assert_eq!(outcome(&receive(&h, &format!("inbound/forged-{n}"), &raw).await), "held:dkim");
    }
    let genuine = reply("dana@example.com", &to, &references, "This one is really me.", &PASS, "");
    assert_eq!(outcome(&receive(&h, "inbound/genuine", &genuine).await), "posted");
    // A reply with nothing in it: held, not an error retried forever.
    let whole = String::from_utf8(reply("dana@example.com", &to, &references, "", &PASS, "")).unwrap();
    let empty = whole.split("On Tue").next().unwrap().to_string();
    assert_eq!(outcome(&receive(&h, "inbound/empty", empty.as_bytes()).await), "held:empty");
    // A virus verdict: held, and the office cannot post it.
    let virus = String::from_utf8(reply("dana@example.com", &to, &references, "See the invoice.", &PASS, ""))
        .unwrap()
        .replace("X-SES-Virus-Verdict: PASS", "X-SES-Virus-Verdict: FAIL");
    assert_eq!(outcome(&receive(&h, "inbound/virus", virus.as_bytes()).await), "held:virus");
    let list = held(&h).await;
    let id = list.iter().find(|x| x["reason"] == "virus").unwrap()["id"].as_str().unwrap().to_string();
    let (status, refused) = h.call_with("send-message", "held-post", &office(&h), None, &[("held", &id)]).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("held_virus")), "{refused}");
}

/// Someone without an account asks through the public form; the office writes in the
/// request's thread; the lead (no portal yet) gets the message whole, answers by email, and
/// the answer lands in the thread. Their updates carry no portal link.
#[tokio::test]
async fn a_lead_is_written_to_without_the_portal_and_answers_by_email() {
    let h = harness().await;
    let (status, _) = h.call("work-request", &events::raw("work-request", "public-create")).await;
    assert_eq!(status, 202);
    let (_, open) = h.call_with("work-request", "staff-inbox", &office(&h), None, &[]).await;
    let lead = open["requests"].as_array().unwrap().iter().find(|r| r["email"] == "jamie@example.net").unwrap().clone();
    let (account, request) = (lead["account"].as_str().unwrap(), lead["id"].as_str().unwrap());
    let ids = [("account", account), ("request", request)];
    assert_eq!(h.call_with("work-request", "staff-review", &office(&h), None, &ids).await.0, 200);
    let body = json!({ "text": "Is the panel inside or in the garage?" });
    let thread = [("account", account), ("thread", request)];
    let (status, posted) = h.call_with("send-message", "staff-post", &office(&h), Some(&body), &thread).await;
    assert_eq!(status, 201, "{posted}");
    let later = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_mins(3)).unwrap();
    let mailer = h.store.mailbox();
    let ten = "ten_brightspark".parse().unwrap();
    portal_app::notify::deliver_due(h.table.as_ref(), &mailer, &mailer, &portal_domain::ports::RandomIds, &ten, later).await.unwrap();
    let to_jamie: Vec<Value> = h
        .store
        .mailbox()
        .list(50)
        .unwrap()
        .iter()
        .map(|d| serde_json::to_value(&d.message).unwrap())
        .filter(|m| m["to"] == "jamie@example.net")
        .collect();
    let update =
        to_jamie.iter().find(|m| m["subject"].as_str().unwrap().starts_with("We are looking at your request")).expect("the update");
    let message = to_jamie.iter().find(|m| m["text"].as_str().unwrap().contains("Is the panel inside")).expect("the message");
    for m in [update, message] {
        let text = m["text"].as_str().unwrap();
        assert!(!text.contains("/requests/") && !text.contains("/messages/") && !text.contains("portal"), "no portal to open: {text}");
        assert!(text.contains("Reply to this email, or call us at"), "{text}");
    }
    assert_eq!(update["reply_to"], "office@brightspark.example", "an update's answer goes to the office");
    let to = message["reply_to"].as_str().unwrap().to_string();
    assert!(to.starts_with("reply+"), "{to}");

    let checks = Checks { spf: "pass", dkim: "pass", signer: "example.net" };
    let raw =
        reply("jamie@example.net", &to, message["references"][0].as_str().unwrap(), "It is in the garage, left of the door.", &checks, "");
    let out = receive(&h, "inbound/0r6pnb5d2f6d1i0q9g8c7lq5a2lead", &raw).await;
    assert_eq!(outcome(&out), "posted", "{out}");
    let (_, page) = h.call_with("send-message", "staff-get", &office(&h), None, &thread).await;
    let texts: Vec<&str> = page["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.starts_with("It is in the garage")), "{texts:?}");
}
