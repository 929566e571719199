//! The pay Lambda: configuration from the environment, AWS adapters, then the handler.
use std::sync::Arc;

use lambda_http::{Error, run, service_fn};
use portal_domain::ports::{RandomIds, SystemClock};
use portal_http::env;
use portal_http::token::{PublicKeys, Verifier};

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_http::init_tracing();
    let config = portal_aws::sdk_config();
    let stripe_key = Arc::new(portal_aws::secret(&config, env("STRIPE_SECRET_KEY")?));
    let state = Arc::new(pay::State {
        table: Arc::new(portal_aws::table(&config, env("TABLE_NAME")?)),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
        verifier: Verifier::new(PublicKeys::from_jwks(&env("AUTH_PUBLIC_KEYS")?)?),
        payments: Arc::new(portal_stripe::payments::StripePayments::new(stripe_key)),
    });
    run(service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Error>(pay::handle(&state, req).await) }
    }))
    .await
}
