//! Invoices and their payments.
//!
//! An invoice header sits at `INV#{id}` and its payments at `INV#{id}#PAY#{pay}` in the
//! customer's partition, so one Query reads an invoice with every payment. The header caches
//! the [`Ledger`], rewritten in the same transaction as any payment change, conditional on
//! the header's `rev`. Posting Stripe's events is in [`super::payments`].
use jiff::Timestamp;
use portal_domain::ids::{AccountId, EstimateId, InvoiceId, PropertyId, TenantId};
use portal_domain::invoice::{InvoiceContent, InvoiceStatus, Ledger};

use super::payments;
pub use super::payments::PaymentRecord;

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Index, Item, Put, Query, StoreError, Table, Write};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invoice {
    pub id: InvoiceId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    /// The approved estimate this invoice bills, whose deposit is credited on it.
    #[serde(default)]
    pub estimate: Option<EstimateId>,
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

    /// Whether something is still to be settled on it (it is issued and owes money).
    pub fn unpaid(&self) -> bool {
        !matches!(self.status, InvoiceStatus::Draft | InvoiceStatus::Void) && self.ledger.balance > 0
    }
}

/// An invoice with all its payments.
#[derive(Debug, Clone)]
pub struct InvoiceBundle {
    pub invoice: Invoice,
    pub payments: Vec<PaymentRecord>,
}

fn invoice_item(i: &Invoice) -> Result<Item, StoreError> {
    let item = to_item("invoice", &keys::invoice(&i.tenant, &i.account, &i.id), i)?;
    Ok(with_index(
        item,
        Index::Gsi1,
        keys::invoices_by_status_gsi(&i.tenant, i.status.as_str()),
        format!("{}#{}", i.content.due_date, i.id),
    ))
}

/// Writes a new invoice.
pub fn create(i: &Invoice) -> Result<Write, StoreError> {
    Ok(Write::create(invoice_item(i)?))
}

/// Writes a new payment and the invoice's ledger with it (the caller has recomputed the
/// ledger and bumped the rev).
pub fn add_payment(invoice: &Invoice, expected_rev: u64, p: &PaymentRecord) -> Result<Vec<Write>, StoreError> {
    Ok(vec![payments::create(&invoice.tenant, &invoice.account, p)?, save(invoice, expected_rev)?])
}

/// Replaces the invoice header if nobody changed it since `expected_rev`.
pub fn save(invoice: &Invoice, expected_rev: u64) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: invoice_item(invoice)?, cond: Some(Cond::eq("rev", expected_rev)) }))
}

/// One invoice with its payments, in a single Query.
pub async fn load(table: &dyn Table, t: &TenantId, a: &AccountId, id: &InvoiceId) -> Result<Option<InvoiceBundle>, StoreError> {
    let header_sk = keys::invoice(t, a, id).sk;
    let child = format!("{header_sk}#");
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(header_sk.clone())).await?;
    let (mut invoice, mut payments) = (None, Vec::new());
    for item in items {
        let sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
        if sk != header_sk && !sk.starts_with(&child) {
            continue;
        }
        match kind(&item) {
            "invoice" => invoice = Some(from_item::<Invoice>(item)?),
            "payment" => payments.push(from_item::<PaymentRecord>(item)?),
            _ => {}
        }
    }
    payments.sort_by_key(|p| p.created_at);
    Ok(invoice.map(|invoice| InvoiceBundle { invoice, payments }))
}

/// The invoices of an account (headers only), newest first.
pub async fn list(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<Invoice>, StoreError> {
    let q = Query::partition(keys::account_pk(t, a)).prefix(keys::INVOICE_PREFIX);
    let mut list: Vec<Invoice> =
        super::query_all(table, q).await?.into_iter().filter(|i| kind(i) == "invoice").map(from_item).collect::<Result<_, _>>()?;
    list.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    Ok(list)
}

/// A page of the contractor's invoices in one status, across customers, by due date soonest
/// first (GSI1).
pub async fn by_status(
    table: &dyn Table,
    t: &TenantId,
    status: InvoiceStatus,
    limit: u32,
    after: Option<crate::Cursor>,
) -> Result<(Vec<Invoice>, Option<crate::Cursor>), StoreError> {
    let mut q = Query::index(Index::Gsi1, keys::invoices_by_status_gsi(t, status.as_str())).limit(limit);
    q.after = after;
    let page = table.query(&q).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}
