//! The Blobs contract on files. Signed read addresses are read as the local server reads
//! them (`FileBlobs::serve`, which `GET /dev/blobs/...` calls).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use portal_embedded::files::{FileBlobs, Refused};
use portal_testkit::blob_contract::{Answer, Reader};

fn blobs() -> Arc<FileBlobs> {
    // One folder for the whole run; every case writes under its own prefix.
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    Arc::new(FileBlobs::new(dir.path(), "http://localhost:3000", [1; 32], Arc::new(portal_domain::ports::SystemClock)))
}

/// Reads a `/dev/blobs/...` address through the files' own check, as the local server does.
pub async fn read(b: &FileBlobs, url: &str) -> Answer {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let key = path.split_once("/dev/blobs/").map(|(_, k)| k).unwrap_or_default();
    let q: HashMap<&str, &str> = query.split('&').filter_map(|kv| kv.split_once('=')).collect();
    let expires = q.get("expires").and_then(|v| v.parse().ok()).unwrap_or(0);
    match b.serve(key, expires, q.get("sig").copied().unwrap_or_default()).await.unwrap() {
        Ok((blob, disposition)) => {
            let mut headers = HashMap::from([("content-type".to_string(), blob.content_type)]);
            if let Some(d) = disposition {
                headers.insert("content-disposition".into(), d);
            }
            (200, headers, blob.bytes)
        }
        Err(Refused::Gone) => (404, HashMap::new(), Vec::new()),
        Err(_) => (403, HashMap::new(), Vec::new()),
    }
}

fn reader() -> Reader {
    Arc::new(|url: String| Box::pin(async move { read(&blobs(), &url).await }))
}

portal_testkit::blob_contract_tests!(blobs(), reader());

/// A read address stops working when its window ends.
#[tokio::test]
async fn an_expired_read_address_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(portal_domain::ports::OffsetClock::default());
    let b = FileBlobs::new(dir.path(), "http://localhost:3000", [2; 32], clock.clone());
    let key = "files/ten_a/acc_b/fil_c-thumb.jpg";
    portal_domain::ports::Blobs::put(
        &b,
        key,
        &portal_domain::ports::Blob { bytes: vec![1, 2], content_type: "image/jpeg".into() },
        "private",
    )
    .await
    .unwrap();
    let url = portal_domain::ports::Blobs::read_url(&b, key, portal_domain::ports::Clock::now(clock.as_ref())).await.unwrap();
    assert_eq!(read(&b, &url).await.0, 200);
    let mut forged = url.clone();
    forged.replace_range(forged.len() - 4.., "AAAA");
    assert_eq!(read(&b, &forged).await.0, 403, "a changed signature is refused");
    let other = url.replace("fil_c-thumb", "fil_d-thumb");
    assert_eq!(read(&b, &other).await.0, 403, "another key with this signature is refused");
    clock.advance(2 * 3600 + 1);
    assert_eq!(read(&b, &url).await.0, 403, "two hours after its window started");
}
