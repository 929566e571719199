//! Photos and documents through the handlers, on the embedded store with the demo: slots, the
//! browser's upload, process-upload on the bucket's event, and what each session reads back.
//! The files are made here (portal_testkit::photos): a phone's JPEG with EXIF orientation 6
//! and GPS, a PNG named `.jpg`, an SVG with a script, polyglots, a truncated JPEG, a header
//! declaring 60,000 x 60,000 pixels, a PDF, a file larger than its slot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_domain::ports::{Blob, Blobs, Fetched};
use portal_store::Table;
use portal_testkit::photos;
use portal_tests::harness::{Harness, harness};
use serde_json::{Value, json};

fn slot_body(to: Value, kind: &str, content_type: &str, size: usize, name: &str) -> Value {
    json!({ "to": to, "kind": kind, "content_type": content_type, "size": size, "name": name })
}

fn bathfan() -> Value {
    json!({ "to": "job", "job": "job_bathfan" })
}

/// A customer's upload, start to end: the slot, the bytes, the processing. Returns the
/// status the uploader's page reads afterwards.
async fn customer_upload(h: &Harness, token: &str, body: &Value, bytes: &[u8]) -> Value {
    let (status, slot) = h.call_with("upload-photo", "slot", token, Some(body), &[]).await;
    assert_eq!(status, 200, "{slot}");
    let content_type = body["content_type"].as_str().unwrap();
    h.send_to_slot(&slot, content_type, bytes).await.expect("the upload is accepted");
    let file = slot["file"].as_str().unwrap();
    let (status, state) = h.call_with("upload-photo", "status", token, None, &[("file", file)]).await;
    assert_eq!(status, 200, "{state}");
    state
}

/// Reads a signed address of the files as the browser would (the local server's check).
async fn read(h: &Harness, url: &str) -> (u16, Vec<u8>, Option<String>) {
    let (_, query) = url.split_once('?').unwrap();
    let key = url.split_once("/dev/blobs/").unwrap().1.split_once('?').unwrap().0;
    let q: std::collections::HashMap<&str, &str> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
    match h.blobs.serve(key, q["expires"].parse().unwrap(), q["sig"]).await.unwrap() {
        Ok((blob, disposition)) => (200, blob.bytes, disposition),
        Err(_) => (403, Vec::new(), None),
    }
}

fn uploads_left(h: &Harness) -> usize {
    let dir = h._blob_dir.path().join("uploads");
    walk(&dir)
}

fn walk(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| if e.path().is_dir() { walk(&e.path()) } else { usize::from(!e.file_name().to_string_lossy().starts_with('.')) })
        .sum()
}

#[tokio::test]
async fn a_phone_photo_becomes_upright_renditions_without_its_exif_or_gps() {
    let h = harness().await;
    let dana = h.dana();
    // 2400 x 1200 as stored, to be turned a quarter clockwise (EXIF orientation 6).
    let phone = photos::with_exif(&photos::jpeg(2400, 1200), 6, "2026:11:30 14:05:09");
    assert!(photos::contains(&phone, photos::GPS_MARK) && photos::contains(&phone, b"Exif"));
    let mut body = slot_body(bathfan(), "photo", "image/jpeg", phone.len(), "IMG_4821.JPG");
    body["caption"] = json!("  The fan's old grille ");
    body["tag"] = json!("before");
    h.table.take();
    let (status, slot) = h.call_with("upload-photo", "slot", &dana, Some(&body), &[]).await;
    assert_eq!(status, 200, "{slot}");
    assert_eq!(h.table.take(), 2, "a slot is one read and one transaction");
    assert_eq!(slot["expires_in"], 900);
    assert!(slot["url"].as_str().unwrap().contains("/dev/blobs/uploads/ten_brightspark/acc_whitfield/fil_"), "{slot}");
    let outcome = h.send_to_slot(&slot, "image/jpeg", &phone).await.unwrap();
    assert_eq!(outcome["outcomes"], json!(["kept"]));
    assert_eq!(uploads_left(&h), 0, "the original is deleted");
    let file = slot["file"].as_str().unwrap();
    let (_, state) = h.call_with("upload-photo", "status", &dana, None, &[("file", file)]).await;
    assert_eq!(state["state"], "ready", "{state}");
    let view = &state["view"];
    assert_eq!(
        (view["caption"].as_str(), view["tag"].as_str(), view["by_staff"].as_bool()),
        (Some("The fan's old grille"), Some("before"), Some(false))
    );
    let photo = &view["photo"];
    // Upright: portrait now, the long edge at most 2048, the thumbnail at most 400.
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(1024), Some(2048)), "{photo}");
    assert_eq!((photo["thumb_width"].as_u64(), photo["thumb_height"].as_u64()), (Some(200), Some(400)));
    assert_eq!(photo["taken_at"], "2026-11-30T14:05:09");
    for url in [photo["url"].as_str().unwrap(), photo["thumb_url"].as_str().unwrap()] {
        let (status, bytes, disposition) = read(&h, url).await;
        assert_eq!(status, 200);
        assert!(disposition.is_none(), "a photo is shown, not downloaded");
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        assert!(!photos::contains(&bytes, b"Exif") && !photos::contains(&bytes, photos::GPS_MARK), "no EXIF, no GPS in the bytes");
        assert!(!photos::contains(&bytes, b"GPS"), "no GPS tag name either");
        // The stored left half (red) is at the top once turned clockwise.
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let (top, bottom) = (img.get_pixel(img.width() / 2, 2), img.get_pixel(img.width() / 2, img.height() - 3));
        assert!(top.0[0] > 150 && top.0[2] < 120, "red at the top: {top:?}");
        assert!(bottom.0[2] > 150 && bottom.0[0] < 100, "blue at the bottom: {bottom:?}");
    }
    // The job page shows it in its gallery and its timeline; the Pictures page too.
    let (_, job) = h.call_with("view-jobs", "get", &dana, None, &[]).await;
    assert!(job["files"].as_array().unwrap().iter().any(|f| f["id"] == file), "{job}");
    assert!(job["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "photo_added" && e["file"] == file));
    let (_, pictures) = h.call_with("view-jobs", "photos", &dana, None, &[]).await;
    let group = pictures["groups"].as_array().unwrap().iter().find(|g| g["job"]["id"] == "job_bathfan").expect("a group for the job");
    assert_eq!(group["photos"][0]["id"], file);
    assert_eq!(group["photos"][0]["removable"], true, "Dana may delete what she added");
    // A second delivery of the same event changes nothing.
    let key = slot["url"].as_str().unwrap().split_once("/dev/blobs/").unwrap().1.split_once('?').unwrap().0.to_string();
    assert_eq!(h.object_created(&key, phone.len()).await["outcomes"], json!(["duplicate"]));
    let (_, pictures_again) = h.call_with("view-jobs", "photos", &dana, None, &[]).await;
    let count = |p: &Value| p["groups"].as_array().unwrap().iter().map(|g| g["photos"].as_array().unwrap().len()).sum::<usize>();
    assert_eq!(count(&pictures_again), count(&pictures), "one photo, whatever the deliveries");
    // The office makes it internal: Dana's upload page no longer shows it either.
    let office = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office");
    let (status, _) = h
        .call_with(
            "upload-photo",
            "staff-change",
            &office,
            Some(&json!({ "shared": false })),
            &[("account", "acc_whitfield"), ("file", file)],
        )
        .await;
    assert_eq!(status, 200);
    let (_, state) = h.call_with("upload-photo", "status", &dana, None, &[("file", file)]).await;
    assert_eq!((state["state"].as_str(), &state["view"]), (Some("ready"), &Value::Null), "{state}");
}

#[tokio::test]
async fn files_are_read_by_their_content_and_refused_in_plain_words() {
    let h = harness().await;
    let dana = h.dana();
    // A PNG named .jpg and declared as a JPEG is a photo all the same.
    let png = photos::png(300, 200);
    let state = customer_upload(&h, &dana, &slot_body(bathfan(), "photo", "image/jpeg", png.len(), "holiday.jpg"), &png).await;
    assert_eq!(state["state"], "ready", "{state}");
    assert_eq!(state["view"]["photo"]["width"], 300);
    // Polyglots: only the pixels are kept.
    for (name, bytes, tail) in
        [("then-html.jpg", photos::jpeg_then_html(), photos::POLYGLOT_HTML), ("then-zip.jpg", photos::jpeg_then_zip(), &b"PK\x03\x04"[..])]
    {
        let state = customer_upload(&h, &dana, &slot_body(bathfan(), "photo", "image/jpeg", bytes.len(), name), &bytes).await;
        assert_eq!(state["state"], "ready", "{name}: {state}");
        let (_, kept, _) = read(&h, state["view"]["photo"]["url"].as_str().unwrap()).await;
        assert!(!photos::contains(&kept, tail) && !photos::contains(&kept, b"<html"), "{name}: nothing appended survives");
    }
    // Refused, each with a sentence the customer understands, and the original deleted.
    let refused: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("drawing.svg", photos::svg_with_script(), "image/png", "SVG"),
        ("IMG_0001.HEIC", photos::heic(), "image/jpeg", "HEIC"),
        ("broken.jpg", photos::truncated_jpeg(), "image/jpeg", "damaged"),
        ("bomb.png", photos::declared_png(60_000), "image/png", "too many pixels"),
        ("notes.txt", b"just some text".to_vec(), "image/jpeg", "not a photo"),
        ("permit.pdf", photos::pdf(), "image/jpeg", "PDF"),
    ];
    for (name, bytes, declared, says) in refused {
        let state = customer_upload(&h, &dana, &slot_body(bathfan(), "photo", declared, bytes.len(), name), &bytes).await;
        assert_eq!(state["state"], "failed", "{name}: {state}");
        let reason = state["reason"].as_str().unwrap();
        assert!(reason.contains(says), "{name}: {reason}");
        assert!(!reason.contains("Error") && !reason.contains("decode"), "{name}: plain words: {reason}");
        assert_eq!(uploads_left(&h), 0, "{name}: the original is deleted");
    }
    // A PDF as a document: kept as sent, served only as an attachment.
    let pdf = photos::pdf();
    let mut body =
        slot_body(json!({ "to": "property", "property": "prp_maple" }), "document", "application/pdf", pdf.len(), "Panel \"warranty\".pdf");
    body["doc_kind"] = json!("warranty");
    let state = customer_upload(&h, &dana, &body, &pdf).await;
    assert_eq!(state["state"], "ready", "{state}");
    let doc = &state["view"]["document"];
    assert_eq!((doc["name"].as_str(), doc["kind"].as_str()), (Some("Panel warranty.pdf"), Some("warranty")));
    let (status, bytes, disposition) = read(&h, doc["url"].as_str().unwrap()).await;
    assert_eq!((status, bytes), (200, pdf.clone()), "as uploaded");
    assert_eq!(disposition.as_deref(), Some("attachment; filename=\"Panel warranty.pdf\""));
    // The property's documents list it.
    let (_, props) = h.call_with("view-jobs", "properties", &dana, None, &[]).await;
    let maple = props["properties"].as_array().unwrap().iter().find(|p| p["property"]["id"] == "prp_maple").unwrap();
    let names: Vec<&str> = maple["documents"].as_array().unwrap().iter().filter_map(|d| d["document"]["name"].as_str()).collect();
    assert!(names.contains(&"Panel warranty.pdf") && names.contains(&"Electrical permit 2026-0418.pdf"), "{names:?}");
}

#[tokio::test]
async fn a_file_larger_than_its_slot_is_refused_by_the_store_and_by_processing() {
    let h = harness().await;
    let dana = h.dana();
    let jpeg = photos::jpeg(64, 48);
    let (_, slot) =
        h.call_with("upload-photo", "slot", &dana, Some(&slot_body(bathfan(), "photo", "image/jpeg", jpeg.len(), "a.jpg")), &[]).await;
    // The signed length is the only one the store takes (S3 checks the signed Content-Length).
    let mut bigger = jpeg.clone();
    bigger.extend_from_slice(&[0; 100]);
    assert_eq!(
        h.send_to_slot(&slot, "image/jpeg", &bigger).await.unwrap_err(),
        portal_embedded::files::Refused::WrongLength(jpeg.len() as u64)
    );
    // Had a larger object arrived all the same, processing reads no more than the slot's size.
    let key = slot["url"].as_str().unwrap().split_once("/dev/blobs/").unwrap().1.split_once('?').unwrap().0.to_string();
    h.blobs.put(&key, &Blob { bytes: bigger.clone(), content_type: "image/jpeg".into() }, "no-store").await.unwrap();
    assert_eq!(h.object_created(&key, bigger.len()).await["outcomes"], json!(["refused"]));
    assert_eq!(h.blobs.get(&key, u64::MAX).await.unwrap(), Fetched::Missing, "deleted");
    let (_, state) = h.call_with("upload-photo", "status", &dana, None, &[("file", slot["file"].as_str().unwrap())]).await;
    assert_eq!(state["state"], "failed");
    assert!(state["reason"].as_str().unwrap().contains("larger"), "{state}");
}

#[tokio::test]
async fn the_event_files_are_processed_once_and_a_failed_decode_is_reported() {
    use portal_domain::file::UploadState;
    let h = harness().await;
    // The slot the `object-created` event file names, as upload-photo would have written it.
    let upload = |id: &str, size: u64| pending_upload(id, size, jiff::Timestamp::now());
    let event: Value = serde_json::from_str(&portal_tests::events::raw("process-upload", "object-created")).unwrap();
    let key = event["Records"][0]["s3"]["object"]["key"].as_str().unwrap().to_string();
    let jpeg = photos::jpeg(640, 480);
    let u = upload("fil_01jdemo0000000000000000001", jpeg.len() as u64);
    h.table.transact(portal_store::repo::files::start(&u, u64::MAX, Some(100)).unwrap()).await.unwrap();
    h.blobs.put(&key, &Blob { bytes: jpeg.clone(), content_type: "image/jpeg".into() }, "no-store").await.unwrap();
    let f = h.functions.event("process-upload").unwrap();
    assert_eq!(f.call(event.clone()).await.unwrap()["outcomes"], json!(["kept"]));
    assert_eq!(f.call(event.clone()).await.unwrap()["outcomes"], json!(["duplicate"]), "delivered twice");
    let kept = portal_store::repo::files::of_account(h.table.as_ref(), &u.tenant, &u.account).await.unwrap();
    assert_eq!(kept.iter().filter(|k| k.id == u.id).count(), 1, "one photo");
    // The logo's uploads are the media function's: left alone.
    let logo = f.call(serde_json::from_str(&portal_tests::events::raw("process-upload", "logo-upload")).unwrap()).await.unwrap();
    assert_eq!(logo["outcomes"], json!(["ignored"]));
    // The same event through EventBridge (as the template routes it), for a file that does
    // not decode: the original is deleted and the upload marked failed.
    let bridge: Value = serde_json::from_str(&portal_tests::events::raw("process-upload", "eventbridge-object-created")).unwrap();
    let key = bridge["detail"]["object"]["key"].as_str().unwrap().to_string();
    let broken = photos::truncated_jpeg();
    let u = upload("fil_01jdemo0000000000000000002", broken.len() as u64);
    h.table.transact(portal_store::repo::files::start(&u, u64::MAX, Some(100)).unwrap()).await.unwrap();
    h.blobs.put(&key, &Blob { bytes: broken, content_type: "image/jpeg".into() }, "no-store").await.unwrap();
    assert_eq!(f.call(bridge).await.unwrap()["outcomes"], json!(["refused"]));
    assert_eq!(h.blobs.get(&key, u64::MAX).await.unwrap(), Fetched::Missing, "the original is deleted");
    let stored = portal_store::repo::files::get_upload(h.table.as_ref(), &u.tenant, &u.account, &u.id).await.unwrap().unwrap();
    assert!(matches!(stored.state, UploadState::Failed { .. }), "{stored:?}");
}

#[tokio::test]
async fn internal_photos_never_reach_the_customer_and_the_office_decides_what_is_shared() {
    let h = harness().await;
    let dana = h.dana();
    let office = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office");
    let casey = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_casey", "technician");
    let ids = |v: &Value, at: &str| -> Vec<String> {
        v.pointer(at)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|f| f["id"].as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    let (_, job) = h.call_with("view-jobs", "get", &dana, None, &[("job", "job_kitchen")]).await;
    let shown = ids(&job, "/files");
    assert!(shown.contains(&"fil_kitchen_before".to_string()) && shown.contains(&"fil_kitchen_after".to_string()), "{shown:?}");
    assert!(!job.to_string().contains("fil_kitchen_panel"), "the internal panel photo is not shown: {job}");
    let (_, pictures) = h.call_with("view-jobs", "photos", &dana, None, &[]).await;
    assert!(!pictures.to_string().contains("fil_kitchen_panel"));
    // The office sees all three, and marks the after photo internal: audited, gone for Dana.
    let (status, all) = h.call_with("upload-photo", "staff-list", &office, None, &[]).await;
    assert_eq!(status, 200, "{all}");
    assert!(ids(&all, "/files").contains(&"fil_kitchen_panel".to_string()));
    let (status, changed) = h.call_with("upload-photo", "staff-change", &office, Some(&json!({ "shared": false })), &[]).await;
    assert_eq!((status, changed["shared"].as_bool()), (200, Some(false)), "{changed}");
    let (_, job) = h.call_with("view-jobs", "get", &dana, None, &[("job", "job_kitchen")]).await;
    assert!(!job.to_string().contains("fil_kitchen_after"), "no longer shown: {job}");
    assert!(!job["timeline"].to_string().contains("fil_kitchen_after"));
    // A tag only on photos, a kind only on documents: 422, nothing changed.
    let (status, body) = h.call_with("upload-photo", "staff-change-invalid", &office, None, &[]).await;
    assert_eq!(status, 422, "{body}");
    // A technician adds a before photo to a visit they are on, and not to another's.
    let jpeg = photos::jpeg(800, 600);
    let mut body = json!({ "to": { "to": "visit", "job": "job_bathfan", "visit": "vis_bathfan" }, "kind": "photo",
                           "content_type": "image/jpeg", "size": jpeg.len(), "name": "IMG_0042.jpg", "tag": "before" });
    let (status, slot) = h.call_with("upload-photo", "staff-slot", &casey, Some(&body), &[]).await;
    assert_eq!(status, 200, "{slot}");
    h.send_to_slot(&slot, "image/jpeg", &jpeg).await.unwrap();
    // A visit's file belongs to its job's property (the property scope of contacts applies).
    let (t, a) = ("ten_brightspark".parse().unwrap(), "acc_whitfield".parse().unwrap());
    let job_item = h.table.get(&portal_store::keys::job(&t, &a, &"job_bathfan".parse().unwrap())).await.unwrap().unwrap();
    let added = portal_store::repo::files::by_id(h.table.as_ref(), &t, &slot["file"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap()
        .expect("the visit's photo is kept");
    assert_eq!(added.property.as_ref().map(ToString::to_string).as_deref(), job_item["property"].as_str());
    assert!(added.property.is_some());
    // Another technician (not on the visit) is refused, and a technician adds only to visits.
    let other = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "technician");
    assert_eq!(h.call_with("upload-photo", "staff-slot", &other, Some(&body), &[]).await.0, 404, "not their visit");
    body["to"] = json!({ "to": "job", "job": "job_bathfan" });
    assert_eq!(h.call_with("upload-photo", "staff-slot", &casey, Some(&body), &[]).await.0, 422, "a technician adds to a visit");
    // Casey may not delete the office's permit; the office deletes the panel photo (audited,
    // renditions removed).
    let (status, _) = h.call_with("upload-photo", "staff-delete", &casey, None, &[("file", "fil_kitchen_permit")]).await;
    assert_eq!(status, 403);
    let panel =
        portal_store::repo::files::by_id(h.table.as_ref(), &"ten_brightspark".parse().unwrap(), &"fil_kitchen_panel".parse().unwrap())
            .await
            .unwrap()
            .unwrap();
    let (status, _) = h.call_with("upload-photo", "staff-delete", &office, None, &[]).await;
    assert_eq!(status, 204);
    for key in panel.blob_keys() {
        assert_eq!(h.blobs.get(&key, u64::MAX).await.unwrap(), Fetched::Missing, "{key} removed");
    }
    let audit = portal_store::repo::audit::for_subject(h.table.as_ref(), &"ten_brightspark".parse().unwrap(), "fil_kitchen_panel", 50)
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "file.deleted"), "{audit:?}");
    let tenant = "ten_brightspark".parse().unwrap();
    assert_eq!(portal_store::repo::files::leftovers(h.table.as_ref(), &tenant, 10).await.unwrap(), vec![], "nothing left to sweep");
    // Dana cannot delete Casey's photo.
    let (status, _) = h.call_with("upload-photo", "delete-not-mine", &dana, None, &[("file", "fil_kitchen_before")]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn slots_are_refused_for_what_the_session_does_not_reach_and_past_the_limits() {
    let h = harness().await;
    let dana = h.dana();
    let photo = |to: Value| slot_body(to, "photo", "image/jpeg", 1000, "a.jpg");
    // Bad input: 400 with the fields, nothing echoed.
    let (status, body) = h.call_with("upload-photo", "slot-invalid", &dana, None, &[]).await;
    assert_eq!(status, 400, "{body}");
    for field in ["content_type", "size"] {
        assert!(body["error"]["fields"][field].is_array(), "{field}: {body}");
    }
    assert!(!body.to_string().contains("svg+xml"));
    // A HEIC photo the browser could not convert: refused before any upload, with advice.
    let heic = slot_body(bathfan(), "photo", "image/heic", 1000, "IMG_0042.HEIC");
    let (status, body) = h.call_with("upload-photo", "slot", &dana, Some(&heic), &[]).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["fields"]["content_type"][0], portal_domain::file::HEIC_ADVICE, "{body}");
    assert!(!body.to_string().contains("IMG_0042"), "nothing echoed: {body}");
    // Well formed, but fields that do not go together: 422.
    let mut mixed = slot_body(bathfan(), "photo", "application/pdf", 1000, "a.pdf");
    mixed["doc_kind"] = json!("permit");
    mixed["shared"] = json!(false);
    let (status, body) = h.call_with("upload-photo", "slot", &dana, Some(&mixed), &[]).await;
    assert_eq!(status, 422, "{body}");
    for field in ["content_type", "doc_kind", "shared"] {
        assert!(body["error"]["fields"][field].is_array(), "{field}: {body}");
    }
    // Another account's job, another tenant's, a draft estimate, a visit under another job.
    for to in [
        json!({ "to": "job", "job": "job_flicker" }),
        json!({ "to": "job", "job": "job_waterheater" }),
        json!({ "to": "visit", "job": "job_bathfan", "visit": "vis_kitchen" }),
        json!({ "to": "property", "property": "prp_birch" }),
    ] {
        let (status, body) = h.call_with("upload-photo", "slot", &dana, Some(&photo(to.clone())), &[]).await;
        assert_eq!(status, 404, "{to}: {body}");
    }
    // A read-only view-as session adds nothing.
    let view_as = h.token("acc_whitfield", "con_dana", "approver", "portal:read");
    assert_eq!(h.call_with("upload-photo", "slot", &view_as, Some(&photo(bathfan())), &[]).await.0, 403);
    // The day's count: a clear 429 once used up.
    let mut t = portal_store::repo::parties::get_tenant(h.table.as_ref(), &"ten_brightspark".parse().unwrap()).await.unwrap().unwrap();
    t.files.daily_per_contact = 2;
    h.table.transact(vec![portal_store::repo::parties::save_tenant(&t).unwrap()]).await.unwrap();
    for _ in 0..2 {
        assert_eq!(h.call_with("upload-photo", "slot", &dana, Some(&photo(bathfan())), &[]).await.0, 200);
    }
    let (status, body) = h.call_with("upload-photo", "slot", &dana, Some(&photo(bathfan())), &[]).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("rate_limited")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("tomorrow"));
    // The count is a contact's: the office adds what the work needs.
    let office = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office");
    let office_body = json!({ "to": { "to": "job", "job": "job_bathfan" }, "kind": "photo", "content_type": "image/jpeg",
                              "size": 1000, "name": "IMG_1.jpg" });
    for _ in 0..3 {
        let (status, body) = h.call_with("upload-photo", "staff-slot", &office, Some(&office_body), &[("account", "acc_whitfield")]).await;
        assert_eq!(status, 200, "{body}");
    }
    // The contractor's quota: 409 once it would be passed.
    t.files.daily_per_contact = 100;
    t.files.quota_bytes = portal_store::repo::files::usage(h.table.as_ref(), &t.id).await.unwrap() + 1500;
    h.table.transact(vec![portal_store::repo::parties::save_tenant(&t).unwrap()]).await.unwrap();
    assert_eq!(h.call_with("upload-photo", "slot", &dana, Some(&photo(bathfan())), &[]).await.0, 200, "1000 bytes fit");
    let (status, body) = h.call_with("upload-photo", "slot", &dana, Some(&photo(bathfan())), &[]).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("storage_full")), "{body}");
}

#[tokio::test]
async fn each_contractor_reaches_no_file_of_the_other() {
    let h = harness().await;
    let (account, contact) = portal_local::seed::SECOND_CUSTOMER;
    let erik = portal_tests::lambda::customer_token_in(&h.key, portal_local::seed::SECOND_TENANT, account, contact, "approver", "portal");
    let quinn = portal_tests::lambda::staff_token(&h.key, portal_local::seed::SECOND_TENANT, "stf_quinn", "owner");
    // Erik sees his own photo, nothing of Bright Spark's.
    let (_, job) = h.call_with("view-jobs", "get", &erik, None, &[("job", "job_waterheater")]).await;
    assert!(job.to_string().contains("fil_waterheater_old"), "{job}");
    let (_, pictures) = h.call_with("view-jobs", "photos", &erik, None, &[]).await;
    assert!(!pictures.to_string().contains("fil_kitchen") && pictures.to_string().contains("fil_waterheater_old"), "{pictures}");
    // Bright Spark's file ids under Northside's sessions, and the other way: 404.
    for (token, file, account) in [(&quinn, "fil_kitchen_after", "acc_whitfield"), (&quinn, "fil_kitchen_after", "acc_lindqvist")] {
        for case in ["staff-change", "staff-delete"] {
            let (status, _) =
                h.call_with("upload-photo", case, token, Some(&json!({ "caption": "x" })), &[("account", account), ("file", file)]).await;
            assert_eq!(status, 404, "{case} {account}/{file}");
        }
    }
    let office = portal_tests::lambda::staff_token(&h.key, "ten_brightspark", "stf_jordan", "office");
    let (status, _) =
        h.call_with("upload-photo", "staff-delete", &office, None, &[("account", "acc_lindqvist"), ("file", "fil_waterheater_old")]).await;
    assert_eq!(status, 404);
    let (status, _) = h.call_with("upload-photo", "delete-not-mine", &h.dana(), None, &[("file", "fil_waterheater_old")]).await;
    assert_eq!(status, 404, "another tenant's file");
    let (status, _) = h.call_with("upload-photo", "delete-not-mine", &erik, None, &[("file", "fil_kitchen_before")]).await;
    assert_eq!(status, 404);
    // Within one contractor, another account's file is 404 too.
    let sam = h.token("acc_ortiz", "con_sam", "approver", "portal");
    let (status, _) = h.call_with("upload-photo", "delete-not-mine", &sam, None, &[("file", "fil_kitchen_before")]).await;
    assert_eq!(status, 404);
    // The file still exists for its own account.
    let still =
        portal_store::repo::files::by_id(h.table.as_ref(), &"ten_northside".parse().unwrap(), &"fil_waterheater_old".parse().unwrap())
            .await
            .unwrap();
    assert!(still.is_some());
    let _: &dyn Blobs = h.blobs.as_ref();
}

#[tokio::test]
async fn the_sweep_gives_back_what_slots_never_used_and_tells_the_uploader() {
    use portal_domain::file::{GIVE_UP_SECONDS, NOT_FINISHED, Upload, UploadState};
    let h = harness().await;
    let now = jiff::Timestamp::now();
    let upload = |id: &str, given: jiff::Timestamp| pending_upload(id, 4_000_000, given);
    let tenant: portal_domain::ids::TenantId = "ten_brightspark".parse().unwrap();
    let before = portal_store::repo::files::usage(h.table.as_ref(), &tenant).await.unwrap();
    // A slot given long ago whose file never came (an original half-sent is left), and one
    // given a minute ago.
    let stale = upload("fil_01jstale000000000000000001", jiff::Timestamp::from_second(now.as_second() - GIVE_UP_SECONDS - 60).unwrap());
    let fresh = upload("fil_01jfresh000000000000000001", jiff::Timestamp::from_second(now.as_second() - 60).unwrap());
    for u in [&stale, &fresh] {
        h.table.transact(portal_store::repo::files::start(u, u64::MAX, Some(100)).unwrap()).await.unwrap();
    }
    let left = process_upload::upload_key(&stale.tenant, &stale.account, &stale.id);
    h.blobs.put(&left, &Blob { bytes: vec![0xFF, 0xD8], content_type: "image/jpeg".into() }, "no-store").await.unwrap();
    assert_eq!(portal_store::repo::files::usage(h.table.as_ref(), &tenant).await.unwrap(), before + 8_000_000);
    let sweep: Value = serde_json::from_str(&portal_tests::events::raw("process-upload", "sweep")).unwrap();
    let f = h.functions.event("process-upload").unwrap();
    assert_eq!(f.call(sweep.clone()).await.unwrap(), json!({ "released": 1 }));
    let got =
        async |u: &Upload| portal_store::repo::files::get_upload(h.table.as_ref(), &u.tenant, &u.account, &u.id).await.unwrap().unwrap();
    assert_eq!(got(&stale).await.state, UploadState::Failed { reason: NOT_FINISHED.into() });
    assert_eq!(got(&fresh).await.state, UploadState::Pending, "still within its time");
    assert_eq!(
        portal_store::repo::files::usage(h.table.as_ref(), &tenant).await.unwrap(),
        before + 4_000_000,
        "the stale bytes given back"
    );
    assert_eq!(h.blobs.get(&left, u64::MAX).await.unwrap(), Fetched::Missing, "what was left of it is deleted");
    // Run again: nothing to do, one Query per contractor (and the list of contractors).
    h.table.take();
    assert_eq!(f.call(sweep).await.unwrap(), json!({ "released": 0 }));
    assert_eq!(h.table.take(), 1 + 2 * 2, "the tenants, then two Queries for each of the two (slots, leftovers)");
}

#[tokio::test]
async fn a_delete_whose_blobs_could_not_be_removed_is_finished_by_the_sweep() {
    let h = harness().await;
    let tenant: portal_domain::ids::TenantId = "ten_brightspark".parse().unwrap();
    let panel = portal_store::repo::files::by_id(h.table.as_ref(), &tenant, &"fil_kitchen_panel".parse().unwrap()).await.unwrap().unwrap();
    for key in panel.blob_keys() {
        h.blobs.put(&key, &Blob { bytes: vec![0xFF, 0xD8, 0xFF], content_type: "image/jpeg".into() }, "no-store").await.unwrap();
    }
    // The delete's transaction went through, then the blob store failed (the request died):
    // the file is gone for everyone, its bytes are still there.
    h.table.transact(portal_store::repo::files::delete(&panel).unwrap()).await.unwrap();
    assert!(portal_store::repo::files::by_id(h.table.as_ref(), &tenant, &panel.id).await.unwrap().is_none());
    let left = portal_store::repo::files::leftovers(h.table.as_ref(), &tenant, 10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].blobs, panel.blob_keys());
    // The next sweep removes them, and forgets the leftover.
    let sweep: Value = serde_json::from_str(&portal_tests::events::raw("process-upload", "sweep")).unwrap();
    let f = h.functions.event("process-upload").unwrap();
    assert_eq!(f.call(sweep.clone()).await.unwrap(), json!({ "released": 0 }));
    for key in panel.blob_keys() {
        assert_eq!(h.blobs.get(&key, u64::MAX).await.unwrap(), Fetched::Missing, "{key} removed by the sweep");
    }
    assert_eq!(portal_store::repo::files::leftovers(h.table.as_ref(), &tenant, 10).await.unwrap(), vec![]);
    // Run again: nothing left, nothing fails.
    assert_eq!(f.call(sweep).await.unwrap(), json!({ "released": 0 }));
}

/// A pending slot of Dana's for a photo of the bathroom fan job, as upload-photo writes it.
fn pending_upload(id: &str, size: u64, given: jiff::Timestamp) -> portal_domain::file::Upload {
    use portal_domain::file::{Attached, FileKind, Labels, Upload, UploadState, Uploader};
    Upload {
        id: id.parse().unwrap(),
        tenant: "ten_brightspark".parse().unwrap(),
        account: "acc_whitfield".parse().unwrap(),
        property: Some("prp_maple".parse().unwrap()),
        attached: Attached::Job { job: "job_bathfan".parse().unwrap() },
        kind: FileKind::Photo,
        size,
        labels: Labels { caption: None, tag: None, doc_kind: None, shared: true, name: "IMG_4821.jpg".into() },
        by: Uploader { id: "con_dana".into(), name: "Dana Whitfield".into(), staff: false },
        created_at: given,
        state: UploadState::Pending,
    }
}

/// A table whose first `n` transactions are cancelled as DynamoDB cancels one that another
/// transaction got in the way of (no condition false).
fn conflicts(h: &Harness, n: usize) -> portal_testkit::interfering::Interfering {
    portal_testkit::interfering::Interfering::new(h.table.clone(), move |i| {
        (i <= n).then(|| portal_store::StoreError::TransactionCancelled { failed: vec![] })
    })
}

#[tokio::test]
async fn a_slot_that_loses_a_race_for_the_tenants_counter_is_tried_again() {
    let h = harness().await;
    let upload = pending_upload("fil_01jrace0000000000000000001", 1_000, jiff::Timestamp::now());
    let before = portal_store::repo::files::usage(h.table.as_ref(), &upload.tenant).await.unwrap();
    let table = conflicts(&h, 2);
    let writes = portal_store::repo::files::start(&upload, u64::MAX, Some(100)).unwrap();
    portal_store::table::transact_retrying(&table, writes.clone(), 3).await.expect("the third try goes through");
    assert_eq!(table.transactions(), 3);
    assert_eq!(portal_store::repo::files::usage(h.table.as_ref(), &upload.tenant).await.unwrap(), before + 1_000, "counted once");
    // Out of tries: the conflict is answered (a 409 to try again), nothing written.
    let other = pending_upload("fil_01jrace0000000000000000002", 1_000, jiff::Timestamp::now());
    let table = conflicts(&h, 5);
    let err =
        portal_store::table::transact_retrying(&table, portal_store::repo::files::start(&other, u64::MAX, Some(100)).unwrap(), 3).await;
    assert!(matches!(err, Err(portal_store::StoreError::TransactionCancelled { .. })), "{err:?}");
    assert_eq!(table.transactions(), 3);
    // A condition that is false (the slot exists already) is not tried again.
    let table = conflicts(&h, 0);
    let err = portal_store::table::transact_retrying(&table, writes, 3).await;
    assert!(matches!(&err, Err(portal_store::StoreError::TransactionCancelled { failed }) if !failed.is_empty()), "{err:?}");
    assert_eq!(table.transactions(), 1);
}
