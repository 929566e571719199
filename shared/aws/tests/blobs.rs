//! The Blobs contract on S3, against moto's server. (A presigned upload sent the way a
//! browser sends it: tests/tests/lambda_binaries.rs, through the media function.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use portal_aws::s3::{S3Blobs, create_bucket};
use portal_testkit::moto::Moto;

async fn blobs() -> Arc<S3Blobs> {
    let config = Moto::shared().sdk_config();
    let bucket = portal_testkit::ns().to_lowercase().replace('_', "-");
    create_bucket(&config, &bucket).await.expect("create bucket on moto");
    Arc::new(S3Blobs::new(&config, bucket))
}

portal_testkit::blob_contract_tests!(blobs().await);
