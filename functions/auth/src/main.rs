//! The auth Lambda: configuration from the environment, AWS adapters, then the handler.
use std::sync::Arc;

use lambda_http::{Error, run, service_fn};
use portal_domain::ports::{RandomIds, SystemClock};
use portal_http::env;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_http::init_tracing();
    let config = portal_aws::sdk_config();
    let state = Arc::new(auth::State::new(
        Arc::new(portal_aws::table(&config, env("TABLE_NAME")?)),
        Arc::new(SystemClock),
        Arc::new(RandomIds),
        Arc::new(portal_aws::secret(&config, env("SIGNING_KEY_SECRET")?)),
    ));
    run(service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Error>(auth::handle(&state, req).await) }
    }))
    .await
}
