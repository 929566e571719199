//! The view-estimate Lambda: what it reads from its environment, the AWS adapters it builds from
//! that, then the function's skeleton (`portal_http::function`).
use std::sync::Arc;

use lambda_http::Error;
use portal_http::env;
use portal_http::function::{Deps, run_http};
use portal_http::token::Verifier;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_http::init_tracing();
    let config = portal_aws::sdk_config();
    let deps = Deps::new(Arc::new(portal_aws::table(&config, env("TABLE_NAME")?)))
        .with_verifier(Verifier::from_jwks(&env("AUTH_PUBLIC_KEYS")?)?)
        .with_blobs(Arc::new(portal_aws::s3::S3Blobs::new(&config, env("BLOB_BUCKET")?)));
    run_http::<view_estimate::State>(deps).await
}
