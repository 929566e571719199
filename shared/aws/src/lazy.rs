//! SDK clients built on first use.
//!
//! Building a service client builds its HTTPS connector, which reads and parses every system
//! root certificate: milliseconds of cold start. A function builds its clients' configuration
//! at start-up and the clients themselves when a request first needs them, so start-up does no
//! I/O and a request that never touches AWS (a 401, a 400) never pays for TLS.
use std::sync::OnceLock;

use aws_config::SdkConfig;

pub struct LazyClient<C> {
    config: Option<SdkConfig>,
    build: fn(&SdkConfig) -> C,
    client: OnceLock<C>,
}

impl<C> LazyClient<C> {
    /// A client made from `config` by `build` when first used.
    pub fn new(config: &SdkConfig, build: fn(&SdkConfig) -> C) -> Self {
        Self { config: Some(config.clone()), build, client: OnceLock::new() }
    }

    /// An already built client (tests).
    pub fn ready(client: C) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(client);
        Self { config: None, build: |_| unreachable!("a ready client is never rebuilt"), client: cell }
    }

    pub fn get(&self) -> &C {
        self.client.get_or_init(|| match &self.config {
            Some(config) => (self.build)(config),
            None => unreachable!("a ready client is always set"),
        })
    }
}

impl<C: std::fmt::Debug> std::fmt::Debug for LazyClient<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyClient").field("built", &self.client.get().is_some()).finish()
    }
}
