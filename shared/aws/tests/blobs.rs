//! The Blobs contract on S3, against moto's server. (A presigned upload sent the way a
//! browser sends it: tests/tests/lambda_binaries.rs, through the media function.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use portal_aws::moto::Moto;
use portal_aws::s3::{S3Blobs, create_bucket};

async fn blobs() -> Arc<S3Blobs> {
    let config = Moto::shared().sdk_config();
    let bucket = portal_store::contract::ns().to_lowercase().replace('_', "-");
    create_bucket(&config, &bucket).await.expect("create bucket on moto");
    Arc::new(S3Blobs::new(&config, bucket))
}

portal_domain::blob_contract_tests!(blobs().await);
