//! The Blobs contract on S3, against moto's server. (A presigned upload sent the way a
//! browser sends it: tests/tests/lambda_binaries.rs, through the media function.) Signed read
//! addresses are read over HTTP, as a browser reads them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::Arc;

use http_body_util::{BodyExt, Empty};
use portal_aws::s3::{S3Blobs, create_bucket};
use portal_domain::ports::Blobs;
use portal_testkit::blob_contract::{Answer, Reader};
use portal_testkit::moto::Moto;

async fn blobs() -> Arc<S3Blobs> {
    let config = Moto::shared().sdk_config();
    let bucket = portal_testkit::ns().to_lowercase().replace('_', "-");
    create_bucket(&config, &bucket).await.expect("create bucket on moto");
    Arc::new(S3Blobs::new(&config, bucket))
}

async fn get(url: String) -> Answer {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, Empty<bytes::Bytes>>(hyper_util::client::legacy::connect::HttpConnector::new());
    let r = client.get(url.parse().unwrap()).await.unwrap();
    let status = r.status().as_u16();
    let headers: HashMap<String, String> =
        r.headers().iter().map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string())).collect();
    (status, headers, r.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn reader() -> Reader {
    Arc::new(|url: String| Box::pin(get(url)))
}

portal_testkit::blob_contract_tests!(blobs().await, reader());

/// Moto does not check presigned signatures or their expiry (moto 5.2's S3 authenticates
/// only `Authorization` headers, and only when IAM checks are switched on), so what S3
/// checks is asserted on the address itself: signed at the window's start, for two hours.
#[tokio::test]
async fn a_read_address_is_signed_at_its_window_start_for_two_hours() {
    let b = blobs().await;
    let now = jiff::Timestamp::from_second(1_800_001_234).unwrap();
    let url = b.read_url("files/ten_a/acc_b/fil_c-thumb.jpg", now).await.unwrap();
    let start = jiff::Timestamp::from_second(portal_domain::ports::read_window(now).0).unwrap();
    let amz_date = start.strftime("%Y%m%dT%H%M%SZ").to_string();
    assert!(url.contains(&format!("X-Amz-Date={amz_date}")), "{url}");
    assert!(url.contains("X-Amz-Expires=7200"), "{url}");
    assert!(url.contains("X-Amz-Signature="), "{url}");
}

/// S3 refuses a body of another length than the one a presigned PUT was signed with, because
/// `content-length` is among the signed headers (moto does not check signatures, so the
/// address itself is what is asserted; locally `FileBlobs::receive` refuses it).
#[tokio::test]
async fn an_upload_address_signs_the_exact_length() {
    let b = blobs().await;
    let r = b.upload_request("uploads/ten_a/acc_b/fil_c", "image/jpeg", 2_481_733, std::time::Duration::from_secs(900)).await.unwrap();
    let signed = r.url.split_once("X-Amz-SignedHeaders=").map(|(_, rest)| rest.split('&').next().unwrap_or_default()).unwrap_or_default();
    let signed = signed.replace("%3B", ";");
    assert!(signed.split(';').any(|h| h == "content-length"), "{}", r.url);
    assert!(signed.split(';').any(|h| h == "content-type"), "{}", r.url);
    assert!(r.url.contains("X-Amz-Expires=900"), "{}", r.url);
}
