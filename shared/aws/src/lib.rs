//! portal-aws: the ports on AWS. SDK types never leave this crate.
//!
//! # Layout
//! - [`dynamo`]: the Table port on DynamoDB (items mapped with `serde_dynamo`), and the table's
//!   schema for tests and tooling.
//! - [`ses`]: the Mailer port on SES v2.
//! - [`secrets`]: reads a secret string from Secrets Manager (the signing key).
//!
//! Clients are built once in each function's `main` from `aws_config` and borrowed; nothing
//! here touches the network until the first request needs it.
pub mod dynamo;
pub mod moto;
pub mod secrets;
pub mod ses;

/// Loads the SDK configuration from the environment (region, credentials, and
/// `AWS_ENDPOINT_URL` when pointed at a local server such as moto).
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await
}
