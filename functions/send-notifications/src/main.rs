//! The send-notifications Lambda: configuration from the environment, AWS adapters, then the
//! handler, on the plain Lambda runtime (its events are a stream batch or a schedule).
use std::sync::Arc;

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use lambda_http::{Error, tracing};
use portal_domain::ports::{RandomIds, SystemClock};
use portal_http::env;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_http::init_tracing();
    let config = portal_aws::sdk_config();
    let state = Arc::new(send_notifications::State {
        table: Arc::new(portal_aws::table(&config, env("TABLE_NAME")?)),
        mailer: Arc::new(portal_aws::mailer(&config, env("MAIL_FROM")?)),
        sms: Arc::new(portal_aws::sms(&config)),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
    });
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let state = state.clone();
        async move {
            match send_notifications::handle(&state, &event.payload).await {
                Ok(r) => Ok(serde_json::json!({ "sent": r.sent, "failed": r.failed, "skipped": r.skipped })),
                Err(e) => {
                    tracing::error!(error = %e, "outbox delivery failed; Lambda will retry");
                    Err(Error::from(e))
                }
            }
        }
    }))
    .await
}
