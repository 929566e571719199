//! Reads secret strings from Secrets Manager.
use aws_sdk_secretsmanager::Client;
use portal_domain::ports::PortError;

/// The current value of a secret (by name or ARN).
pub async fn secret_string(client: &Client, id: &str) -> Result<String, PortError> {
    let out = client.get_secret_value().secret_id(id).send().await.map_err(|e| PortError::new("secrets manager", e))?;
    out.secret_string.ok_or_else(|| PortError::msg("the secret has no string value"))
}

/// A secret string, read from Secrets Manager on first use and kept for the life of the
/// Lambda environment.
pub struct SecretsManagerSecret {
    client: crate::lazy::LazyClient<Client>,
    secret_id: String,
    cached: tokio::sync::OnceCell<String>,
}

impl SecretsManagerSecret {
    pub fn new(config: &aws_config::SdkConfig, secret_id: impl Into<String>) -> Self {
        Self {
            client: crate::lazy::LazyClient::new(config, Client::new),
            secret_id: secret_id.into(),
            cached: tokio::sync::OnceCell::new(),
        }
    }
}

#[async_trait::async_trait]
impl portal_domain::ports::SecretSource for SecretsManagerSecret {
    async fn secret(&self) -> Result<String, PortError> {
        self.cached.get_or_try_init(|| secret_string(self.client.get(), &self.secret_id)).await.cloned()
    }
}
