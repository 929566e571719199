//! The send-notifications Lambda: what it reads from its environment, the AWS adapters it builds from
//! that, then the function's skeleton (`portal_http::function`).
use std::sync::Arc;

use lambda_http::Error;
use portal_http::env;
use portal_http::function::{Deps, run_event};

#[tokio::main]
async fn main() -> Result<(), Error> {
    portal_http::init_tracing();
    let config = portal_aws::sdk_config();
    let deps = Deps::new(Arc::new(portal_aws::table(&config, env("TABLE_NAME")?)))
        .with_mailer(Arc::new(portal_aws::mailer(&config, env("MAIL_FROM")?).with_reply_domain(std::env::var("INBOUND_DOMAIN").ok())))
        .with_sms(Arc::new(portal_aws::sms(&config)));
    run_event::<send_notifications::State>(deps).await
}
