//! The media Lambda: configuration from the environment, AWS adapters, then the handler.
use std::sync::Arc;

use lambda_http::{Error, run, service_fn};
use portal_domain::ports::{RandomIds, SystemClock};
use portal_http::env;
use portal_http::token::{PublicKeys, Verifier};

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_http::init_tracing();
    let config = portal_aws::sdk_config();
    let state = Arc::new(media::State {
        table: Arc::new(portal_aws::table(&config, env("TABLE_NAME")?)),
        blobs: Arc::new(portal_aws::s3::S3Blobs::new(&config, env("BLOB_BUCKET")?)),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
        verifier: Verifier::new(PublicKeys::from_jwks(&env("AUTH_PUBLIC_KEYS")?)?),
    });
    run(service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Error>(media::handle(&state, req).await) }
    }))
    .await
}
