//! The contract every [`Blobs`] implementation is held to (files locally, S3 on moto). Each
//! case writes under its own random prefix, so cases may share a store and run in parallel.
use portal_domain::ports::{Blob, Blobs, Fetched, Ids, RandomIds};

fn key(name: &str) -> String {
    format!("media/{}/{name}", RandomIds.id("ns").to_lowercase())
}

fn png(bytes: &[u8]) -> Blob {
    Blob { bytes: bytes.to_vec(), content_type: "image/png".into() }
}

pub async fn what_put_wrote_is_read_back(b: &dyn Blobs) {
    let k = key("logo.png");
    b.put(&k, &png(b"\x89PNG first"), "public, max-age=31536000, immutable").await.unwrap();
    assert_eq!(b.get(&k, 1024).await.unwrap(), Fetched::Found(png(b"\x89PNG first")));
    b.put(&k, &png(b"\x89PNG second"), "no-store").await.unwrap();
    assert_eq!(b.get(&k, 1024).await.unwrap(), Fetched::Found(png(b"\x89PNG second")), "a put replaces");
}

pub async fn a_missing_object_is_missing(b: &dyn Blobs) {
    assert_eq!(b.get(&key("nothing"), 1024).await.unwrap(), Fetched::Missing);
    b.delete(&key("nothing")).await.unwrap();
}

pub async fn an_object_over_the_limit_is_not_read(b: &dyn Blobs) {
    let k = key("big.png");
    b.put(&k, &png(&[1; 100]), "no-store").await.unwrap();
    assert_eq!(b.get(&k, 99).await.unwrap(), Fetched::TooLarge);
    assert!(matches!(b.get(&k, 100).await.unwrap(), Fetched::Found(blob) if blob.bytes.len() == 100), "exactly the limit is allowed");
}

pub async fn a_copy_is_the_same_object_under_another_key(b: &dyn Blobs) {
    let (from, to) = (key("first.png"), key("copy.png"));
    b.put(&from, &png(b"\x89PNG copied"), "private, max-age=86400, immutable").await.unwrap();
    assert!(b.copy(&from, &to).await.unwrap());
    assert_eq!(b.get(&to, 1024).await.unwrap(), Fetched::Found(png(b"\x89PNG copied")), "bytes and type");
    b.delete(&from).await.unwrap();
    assert_eq!(b.get(&to, 1024).await.unwrap(), Fetched::Found(png(b"\x89PNG copied")), "the copy stays when the first goes");
    assert!(!b.copy(&key("nothing.png"), &key("none.png")).await.unwrap(), "nothing to copy");
    assert!(b.copy(&from, "../outside").await.is_err(), "keys outside the layout are refused");
}

pub async fn a_deleted_object_is_gone(b: &dyn Blobs) {
    let k = key("gone.png");
    b.put(&k, &png(b"x"), "no-store").await.unwrap();
    b.delete(&k).await.unwrap();
    assert_eq!(b.get(&k, 1024).await.unwrap(), Fetched::Missing);
    b.delete(&k).await.unwrap();
}

pub async fn an_upload_request_is_a_signed_put(b: &dyn Blobs) {
    let k = key("upload");
    let r = b.upload_request(&k, "image/jpeg", 1234, std::time::Duration::from_secs(300)).await.unwrap();
    assert_eq!(r.method, "PUT");
    assert!(r.url.contains(&k), "{}", r.url);
    assert!(r.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("content-type") && v == "image/jpeg"), "{:?}", r.headers);
}

pub async fn keys_outside_the_layout_are_refused(b: &dyn Blobs) {
    for bad in ["../etc/passwd", "/abs", "media/A"] {
        assert!(b.put(bad, &png(b"x"), "no-store").await.is_err(), "{bad}");
        assert!(b.get(bad, 10).await.is_err(), "{bad}");
        assert!(b.upload_request(bad, "image/png", 1, std::time::Duration::from_secs(60)).await.is_err(), "{bad}");
    }
}

/// What reading a signed address answered: status, headers (lower-case names), body.
pub type Answer = (u16, std::collections::HashMap<String, String>, Vec<u8>);
/// How a test reads a signed address as a browser would (HTTP to moto; the local server's
/// handler for files).
pub type Reader = std::sync::Arc<dyn Fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = Answer> + Send>> + Send + Sync>;

pub async fn a_read_address_serves_the_object_the_same_all_hour(b: &dyn Blobs, fetch: Reader) {
    let now = jiff::Timestamp::now();
    let k = key("photo.jpg");
    b.put(&k, &Blob { bytes: b"\xFF\xD8\xFF photo".to_vec(), content_type: "image/jpeg".into() }, "private, max-age=86400, immutable")
        .await
        .unwrap();
    let url = b.read_url(&k, now).await.unwrap();
    let later = now.checked_add(jiff::SignedDuration::from_secs(60)).unwrap();
    let start = jiff::Timestamp::from_second(portal_domain::ports::read_window(now).0).unwrap();
    assert_eq!(b.read_url(&k, start).await.unwrap(), url, "the same address from the hour's start");
    if portal_domain::ports::read_window(later).0 == portal_domain::ports::read_window(now).0 {
        assert_eq!(b.read_url(&k, later).await.unwrap(), url, "the same address within the hour");
    }
    let (status, headers, body) = fetch(url.clone()).await;
    assert_eq!(status, 200, "{url}");
    assert_eq!(body, b"\xFF\xD8\xFF photo");
    assert_eq!(headers.get("content-type").map(String::as_str), Some("image/jpeg"));
    let next = now.checked_add(jiff::SignedDuration::from_hours(1)).unwrap();
    assert_ne!(b.read_url(&k, next).await.unwrap(), url, "a new address the next hour");
}

pub async fn a_download_address_is_an_attachment(b: &dyn Blobs, fetch: Reader) {
    let now = jiff::Timestamp::now();
    let k = key("permit.pdf");
    let d = portal_domain::ports::Download { name: "Garantía 2026.pdf".into(), content_type: "application/pdf".into() };
    let blob = Blob { bytes: b"%PDF-1.7 permit".to_vec(), content_type: "application/octet-stream".into() };
    b.put_download(&k, &blob, "private, max-age=3600", &d).await.unwrap();
    let (status, headers, body) = fetch(b.read_url(&k, now).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body, b"%PDF-1.7 permit");
    assert_eq!(
        headers.get("content-disposition").map(String::as_str),
        Some("attachment; filename=\"Garant_a 2026.pdf\"; filename*=UTF-8''Garant%C3%ADa%202026.pdf"),
        "a name with other letters is stored and served in ASCII"
    );
    assert_eq!(headers.get("content-type").map(String::as_str), Some("application/pdf"));
}

/// Runs every case against the store `$make` builds.
#[macro_export]
macro_rules! blob_contract_tests {
    ($make:expr, $reader:expr) => {
        $crate::blob_contract_tests!(@reads $make, $reader; a_read_address_serves_the_object_the_same_all_hour, a_download_address_is_an_attachment);
        $crate::blob_contract_tests!(@cases $make;
            what_put_wrote_is_read_back, a_missing_object_is_missing, an_object_over_the_limit_is_not_read,
            a_deleted_object_is_gone, a_copy_is_the_same_object_under_another_key, an_upload_request_is_a_signed_put,
            keys_outside_the_layout_are_refused);
    };
    (@reads $make:expr, $reader:expr; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                let blobs = $make;
                $crate::blob_contract::$case(&*blobs, $reader).await;
            }
        )*
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                let blobs = $make;
                $crate::blob_contract::$case(&*blobs).await;
            }
        )*
    };
}
