//! portal-embedded: real backends for local mode, in one redb file under `./.data`.
//!
//! # Layout
//! - [`table`]: the Table port on redb, with GSIs maintained in the same write transaction.
//! - [`files`]: the Blobs port on files under `./.data/blobs`, with signed upload addresses.
//! - [`mailbox`]: the Mailer port as a local mailbox that `/dev/mailbox` shows.
//! - [`simulator`]: the Payments port as the payment simulator (a local checkout page that
//!   makes Stripe's events).
//!
//! The table and the mailbox share one [`Store`] (redb allows one open handle per file and process).
pub mod files;
pub mod mailbox;
pub mod simulator;
pub mod table;

use std::path::Path;
use std::sync::Arc;

pub use mailbox::Mailbox;
pub use table::EmbeddedTable;

/// One redb database holding the table and the mailbox.
#[derive(Clone)]
pub struct Store {
    db: Arc<redb::Database>,
}

impl Store {
    /// Opens (or creates) the database file.
    pub fn open(path: &Path) -> Result<Self, redb::Error> {
        let db = redb::Database::create(path)?;
        Self::init(db)
    }

    /// A database in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<Self, redb::Error> {
        let db = redb::Builder::new().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Self::init(db)
    }

    fn init(db: redb::Database) -> Result<Self, redb::Error> {
        let txn = db.begin_write()?;
        {
            txn.open_table(table::ITEMS)?;
            txn.open_table(table::GSI1)?;
            txn.open_table(table::GSI2)?;
            txn.open_table(mailbox::MAIL)?;
        }
        txn.commit()?;
        Ok(Self { db: Arc::new(db) })
    }

    pub fn table(&self) -> EmbeddedTable {
        EmbeddedTable::new(self.db.clone())
    }

    pub fn mailbox(&self) -> Mailbox {
        Mailbox::new(self.db.clone())
    }
}
