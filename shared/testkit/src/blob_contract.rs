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

/// Runs every case against the store `$make` builds.
#[macro_export]
macro_rules! blob_contract_tests {
    ($make:expr) => {
        $crate::blob_contract_tests!(@cases $make;
            what_put_wrote_is_read_back, a_missing_object_is_missing, an_object_over_the_limit_is_not_read,
            a_deleted_object_is_gone, an_upload_request_is_a_signed_put, keys_outside_the_layout_are_refused);
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
