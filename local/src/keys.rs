//! The local signing key: generated on first start into the data directory, so sessions
//! survive restarts. In AWS the key lives in Secrets Manager.
use std::path::Path;

use portal_domain::ports::{Ids, PortError, RandomIds, SecretSource};
use portal_http::token::KeyFile;

/// A secret held in memory (read from the data directory at start).
pub struct LocalSecret(pub String);

#[async_trait::async_trait]
impl SecretSource for LocalSecret {
    async fn secret(&self) -> Result<String, PortError> {
        Ok(self.0.clone())
    }
}

/// Reads the key file, creating it (owner-readable only) if missing.
pub fn load_or_create(path: &Path) -> Result<KeyFile, String> {
    if let Ok(json) = std::fs::read_to_string(path) {
        return serde_json::from_str(&json).map_err(|e| format!("{}: {e}", path.display()));
    }
    let kid = format!("local-{}", RandomIds.id("k").trim_start_matches("k_"));
    let key = KeyFile::generate(&kid, RandomIds.secret()).map_err(|e| e.to_string())?;
    let json = serde_json::to_string_pretty(&key).map_err(|e| e.to_string())?;
    write_private(path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(key)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

/// A new Stripe-style webhook secret for a local portal.
pub fn new_webhook_secret() -> String {
    use base64::Engine;
    format!("whsec_local{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&RandomIds.secret()[..24]))
}

/// The local webhook secret, created (owner-readable only) on first start.
pub fn webhook_secret(path: &Path) -> Result<String, String> {
    if let Ok(s) = std::fs::read_to_string(path) {
        return Ok(s.trim().to_string());
    }
    let secret = new_webhook_secret();
    write_private(path, &secret).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(secret)
}
