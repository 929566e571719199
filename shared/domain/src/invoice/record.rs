//! The invoice as stored: its content, status, cached ledger and dates; and an invoice with
//! its payments ([`InvoiceBundle`]).
use jiff::Timestamp;

use super::{InvoiceContent, InvoiceStatus, Ledger};
use crate::ids::{AccountId, EstimateId, InvoiceId, PropertyId, TenantId};
use crate::payment::PaymentRecord;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invoice {
    pub id: InvoiceId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    /// The approved estimate this invoice bills, whose deposit is credited on it.
    #[serde(default)]
    pub estimate: Option<EstimateId>,
    /// The job it bills (its estimate's job).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<crate::ids::JobId>,
    /// Printed number (`INV-2031`).
    pub number: String,
    /// What it is for, in words: the estimate's title, or what the office called it.
    #[serde(default)]
    pub title: String,
    /// The property's label when the invoice was issued (`Home`, `Oak Ridge Plaza`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_label: Option<String>,
    /// Draft and void are set by staff; otherwise the ledger's status, cached.
    pub status: InvoiceStatus,
    pub content: InvoiceContent,
    /// Cached from the content and the payments; rewritten with every payment change.
    pub ledger: Ledger,
    /// The instant the due date ends in the contractor's time zone: overdue is checked without
    /// reading the tenant.
    pub due_at: Timestamp,
    pub issued_at: Option<Timestamp>,
    /// First emailed to the customer with a document link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Timestamp>,
    pub created_at: Timestamp,
    /// The contractor's time zone when it was created (IANA name): its dates are in it, and
    /// the adoption figures count it in its months without reading the tenant. Empty on
    /// records from before it was kept (the tenant's zone is read then).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub time_zone: String,
    pub rev: u64,
}

impl Invoice {
    /// What it is for, in words: its title, else its first line (invoices from before titles).
    pub fn what_for(&self) -> String {
        if self.title.trim().is_empty() {
            self.content.items.first().map(|i| i.name.clone()).unwrap_or_default()
        } else {
            self.title.clone()
        }
    }

    /// Whether money can be taken for it: it was issued and not voided. The one rule for
    /// every way of paying (online, credit, offline) and for its status following its ledger.
    pub fn accepts_payment(&self) -> bool {
        !matches!(self.status, InvoiceStatus::Draft | InvoiceStatus::Void)
    }

    /// Past its due date with something still to pay online.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.accepts_payment() && self.ledger.overdue(self.due_at, now)
    }

    /// Whether something is still to be settled on it (it is issued and owes money).
    pub fn unpaid(&self) -> bool {
        self.accepts_payment() && self.ledger.balance > 0
    }
}

/// An invoice with all its payments.
#[derive(Debug, Clone)]
pub struct InvoiceBundle {
    pub invoice: Invoice,
    pub payments: Vec<PaymentRecord>,
}
