//! The stripe-webhook Lambda: configuration from the environment, AWS adapters, then the handler.
use std::sync::Arc;

use lambda_http::{Error, run, service_fn};
use portal_domain::ports::{RandomIds, SystemClock};
use portal_http::env;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_http::init_tracing();
    let config = portal_aws::sdk_config();
    let state = Arc::new(stripe_webhook::State {
        table: Arc::new(portal_aws::table(&config, env("TABLE_NAME")?)),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
        secrets: Arc::new(portal_aws::secret(&config, env("STRIPE_WEBHOOK_SECRET")?)),
    });
    run(service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Error>(stripe_webhook::handle(&state, req).await) }
    }))
    .await
}
