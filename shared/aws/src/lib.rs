//! portal-aws: the ports on AWS. SDK types never leave this crate.
//!
//! # Layout
//! - [`dynamo`]: the Table port on DynamoDB (items mapped with `serde_dynamo`), and the table's
//!   schema for tests and tooling.
//! - [`s3`]: the Blobs port on S3 (presigned uploads, object reads and writes).
//! - [`ses`]: the Mailer port on SES v2.
//! - [`sns`]: the Sms port on SNS.
//! - [`secrets`]: reads a secret string from Secrets Manager (the signing key).
//!
//! Clients are built once in each function's `main` from `aws_config` and borrowed; nothing
//! here touches the network until the first request needs it.
pub mod dynamo;
pub mod lazy;
pub mod s3;
pub mod secrets;
pub mod ses;
pub mod sns;

/// The SDK configuration of a Lambda function: region and credentials from the environment
/// Lambda sets (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`), and `AWS_ENDPOINT_URL` when pointed at a local server such as moto.
///
/// `aws_config::defaults(..).load()` also reads profile files and builds its HTTPS client,
/// parsing every system root certificate, before the first request: several milliseconds of
/// cold start for nothing a function uses. Built this way, start-up does no I/O and the HTTPS
/// client is made by the first request that needs AWS.
pub fn sdk_config() -> aws_config::SdkConfig {
    use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
    use aws_sdk_dynamodb::config::SharedCredentialsProvider;
    let mut builder = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(std::env::var("AWS_REGION").ok().map(aws_config::Region::new))
        .credentials_provider(SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new()));
    if let Ok(url) = std::env::var("AWS_ENDPOINT_URL") {
        builder = builder.endpoint_url(url);
    }
    builder.build()
}

/// The SDK configuration for a command run by a person (setting up a deployment): the SDK's
/// usual chain (environment, profile files, SSO, instance roles), region and endpoint from the
/// environment or the profile.
pub async fn cli_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await
}

/// The Table on DynamoDB, from the SDK configuration (clients below are built on first use).
pub fn table(config: &aws_config::SdkConfig, name: impl Into<String>) -> dynamo::DynamoTable {
    dynamo::DynamoTable::lazy(config, name)
}

/// The Mailer on SES v2.
pub fn mailer(config: &aws_config::SdkConfig, from_address: impl Into<String>) -> ses::SesMailer {
    ses::SesMailer::new(config, from_address)
}

/// The Sms port on SNS.
pub fn sms(config: &aws_config::SdkConfig) -> sns::SnsSms {
    sns::SnsSms::new(config)
}

/// A secret from Secrets Manager (signing key, webhook secrets), read on first use.
pub fn secret(config: &aws_config::SdkConfig, secret_id: impl Into<String>) -> secrets::SecretsManagerSecret {
    secrets::SecretsManagerSecret::new(config, secret_id)
}
