//! Reads secret strings from Secrets Manager.
use aws_sdk_secretsmanager::Client;
use portal_domain::ports::PortError;

/// The current value of a secret (by name or ARN).
pub async fn secret_string(client: &Client, id: &str) -> Result<String, PortError> {
    let out = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| PortError::new("secrets manager", e))?;
    out.secret_string
        .ok_or_else(|| PortError::msg("the secret has no string value"))
}
