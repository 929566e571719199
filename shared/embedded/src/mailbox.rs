//! The local mailbox: the Mailer and Sms ports for local mode. Every email and text "sent" is
//! kept and shown at `/dev/mailbox`; tests read sign-in links from `/dev/mailbox.json`.
use std::sync::Arc;

use portal_domain::party::Phone;
use portal_domain::ports::{Mail, Mailer, PortError, Sms};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

pub(crate) const MAIL: TableDefinition<u64, &[u8]> = TableDefinition::new("mailbox");

/// An email or a text message.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    Email(Mail),
    Text { to: Phone, text: String },
}

/// A delivered message with its sequence number and time.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Delivered {
    pub id: u64,
    pub at: jiff::Timestamp,
    #[serde(flatten)]
    pub message: Message,
}

#[derive(Clone)]
pub struct Mailbox {
    db: Arc<redb::Database>,
}

fn port_err(e: impl Into<redb::Error>) -> PortError {
    PortError::new("local mailbox", e.into())
}

impl Mailbox {
    pub(crate) fn new(db: Arc<redb::Database>) -> Self {
        Self { db }
    }

    fn append(&self, message: Message) -> Result<(), PortError> {
        let txn = self.db.begin_write().map_err(port_err)?;
        {
            let mut t = txn.open_table(MAIL).map_err(port_err)?;
            let next = t.last().map_err(port_err)?.map_or(1, |(k, _)| k.value() + 1);
            let record = Delivered { id: next, at: jiff::Timestamp::now(), message };
            let bytes = serde_json::to_vec(&record).map_err(|e| PortError::new("local mailbox", e))?;
            t.insert(next, bytes.as_slice()).map_err(port_err)?;
        }
        txn.commit().map_err(port_err)
    }

    async fn deliver(&self, message: Message) -> Result<(), PortError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.append(message)).await.map_err(|e| PortError::new("local mailbox", e))?
    }

    /// One message by its number.
    pub fn get(&self, id: u64) -> Result<Option<Delivered>, PortError> {
        let txn = self.db.begin_read().map_err(port_err)?;
        let t = txn.open_table(MAIL).map_err(port_err)?;
        let Some(v) = t.get(id).map_err(port_err)? else { return Ok(None) };
        serde_json::from_slice(v.value()).map(Some).map_err(|e| PortError::new("local mailbox", e))
    }

    /// Every message, newest first, at most `limit`.
    pub fn list(&self, limit: usize) -> Result<Vec<Delivered>, PortError> {
        let txn = self.db.begin_read().map_err(port_err)?;
        let t = txn.open_table(MAIL).map_err(port_err)?;
        let mut out = Vec::new();
        for entry in t.iter().map_err(port_err)?.rev().take(limit) {
            let (_, v) = entry.map_err(port_err)?;
            out.push(serde_json::from_slice(v.value()).map_err(|e| PortError::new("local mailbox", e))?);
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl Mailer for Mailbox {
    async fn send(&self, mail: &Mail) -> Result<(), PortError> {
        self.deliver(Message::Email(mail.clone())).await
    }
    /// Replies in local mode come back through the mailbox page.
    fn reply_domain(&self) -> Option<&str> {
        Some(LOCAL_REPLY_DOMAIN)
    }
}

/// The domain local mode's reply addresses name (nothing resolves it: replies are typed in
/// the mailbox page).
pub const LOCAL_REPLY_DOMAIN: &str = "in.localhost";

#[async_trait::async_trait]
impl Sms for Mailbox {
    async fn send(&self, to: &Phone, text: &str) -> Result<(), PortError> {
        self.deliver(Message::Text { to: to.clone(), text: text.to_string() }).await
    }
}
