//! portal-aws: the ports on AWS. SDK types never leave this crate.
//!
//! # Layout
//! - [`dynamo`]: the Table port on DynamoDB (items mapped with `serde_dynamo`), and the table's
//!   schema for tests and tooling.
//! - [`ses`]: the Mailer port on SES v2.
//! - [`sns`]: the Sms port on SNS.
//! - [`secrets`]: reads a secret string from Secrets Manager (the signing key).
//!
//! Clients are built once in each function's `main` from `aws_config` and borrowed; nothing
//! here touches the network until the first request needs it.
pub mod dynamo;
pub mod moto;
pub mod secrets;
pub mod ses;
pub mod sns;

/// Loads the SDK configuration from the environment (region, credentials, and
/// `AWS_ENDPOINT_URL` when pointed at a local server such as moto).
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await
}

/// The Table on DynamoDB, from the SDK configuration.
pub fn table(config: &aws_config::SdkConfig, name: impl Into<String>) -> dynamo::DynamoTable {
    dynamo::DynamoTable::new(aws_sdk_dynamodb::Client::new(config), name)
}

/// The Mailer on SES v2.
pub fn mailer(config: &aws_config::SdkConfig, from_address: impl Into<String>) -> ses::SesMailer {
    ses::SesMailer::new(aws_sdk_sesv2::Client::new(config), from_address)
}

/// The Sms port on SNS.
pub fn sms(config: &aws_config::SdkConfig) -> sns::SnsSms {
    sns::SnsSms::new(aws_sdk_sns::Client::new(config))
}

/// The signing key from Secrets Manager, read on first use.
pub fn signing_key(config: &aws_config::SdkConfig, secret_id: impl Into<String>) -> secrets::SecretsManagerKey {
    secrets::SecretsManagerKey::new(aws_sdk_secretsmanager::Client::new(config), secret_id)
}
