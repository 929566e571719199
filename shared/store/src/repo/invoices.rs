//! Invoices and their payments.
//!
//! An invoice header sits at `INV#{id}` and its payments at `INV#{id}#PAY#{pay}` in the
//! customer's partition, so one Query reads an invoice with every payment. The header caches
//! the [`Ledger`], rewritten in the same transaction as any payment change, conditional on
//! the header's `rev`. The records are `portal_domain::invoice`; posting payments is a use
//! case (`portal_app::payments`).
use portal_domain::ids::{AccountId, InvoiceId, TenantId};
use portal_domain::invoice::{Invoice, InvoiceBundle, InvoiceStatus};
use portal_domain::payment::PaymentRecord;

use super::payments;
use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Index, Item, Put, Query, StoreError, Table, Write};

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
