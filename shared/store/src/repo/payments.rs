//! Payments in the table, wherever they belong (the records are `portal_domain::payment`):
//!
//! - an invoice's at `INV#{inv}#PAY#{pay}` (read with the invoice in one Query);
//! - an estimate's deposit at `EST#{est}#PAY#{pay}` (read with the estimate);
//! - account credit bought ahead of work at `CREDIT#PAY#{pay}`;
//! - a "Pay balance" Checkout over several invoices at `BAL#PAY#{pay}`, listing its parts.
//!
//! The `CREDIT` header's `rev` serialises every use of credit ([`credit_guard`]); Stripe's
//! event ids are remembered under the tenant ([`event_write`]) so each is posted once.
//! Posting and applying are use cases (`portal_app::payments`).
use jiff::Timestamp;
use portal_domain::ids::{AccountId, PaymentId, TenantId};
use portal_domain::payment::{AccountPayments, Document, PaymentRecord, PaymentRef};

use crate::keys;
use crate::record::{from_item, kind, rev, to_item, with_index};
use crate::table::{Cond, Index, Item, Key, Put, Query, StoreError, Table, Write};

const CREDIT_PAYMENTS: &str = "CREDIT#PAY#";

fn sk_prefix(document: &Document) -> String {
    match document {
        Document::Invoice(i) => format!("INV#{i}#PAY#"),
        Document::Estimate(e) => format!("EST#{e}#PAY#"),
        Document::Account => CREDIT_PAYMENTS.into(),
        Document::Balance => "BAL#PAY#".into(),
    }
}

pub fn key(t: &TenantId, a: &AccountId, document: &Document, p: &PaymentId) -> Key {
    Key::new(keys::account_pk(t, a), format!("{}{p}", sk_prefix(document)))
}

fn item(t: &TenantId, a: &AccountId, p: &PaymentRecord) -> Result<Item, StoreError> {
    let item = to_item("payment", &key(t, a, &p.document, &p.id), p)?;
    // A part of a "Pay balance" Checkout is found through that Checkout's payment.
    Ok(match p.stripe_payment_intent.as_ref().filter(|_| p.batch.is_none()) {
        Some(pi) => with_index(item, Index::Gsi2, keys::stripe_ref_gsi(t, pi), format!("PAY#{}", p.id)),
        None => item,
    })
}

/// Writes a new payment. For an invoice, only payments that change the ledger at once
/// (office, credit) need the invoice saved with them; a started Checkout changes nothing yet.
pub fn create(t: &TenantId, a: &AccountId, p: &PaymentRecord) -> Result<Write, StoreError> {
    Ok(Write::create(item(t, a, p)?))
}

/// Replaces a payment if nobody changed it since `expected_rev`. The caller bumps `p.rev`.
pub fn save(t: &TenantId, a: &AccountId, p: &PaymentRecord, expected_rev: u64) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: item(t, a, p)?, cond: Some(Cond::eq("rev", expected_rev)) }))
}

/// Every payment of an account (invoices, deposits, credit), oldest first, in one Query of
/// the partition.
pub async fn all(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<AccountPayments, StoreError> {
    from_items(super::query_all(table, Query::partition(keys::account_pk(t, a))).await?)
}

/// The money side of a customer partition's items (read with one Query).
pub fn from_items(items: Vec<Item>) -> Result<AccountPayments, StoreError> {
    let mut out = AccountPayments::default();
    for item in items {
        match kind(&item) {
            "payment" => out.payments.push(from_item(item)?),
            "credit" => out.credit_rev = rev(&item),
            "invoice" => out.invoices.push(from_item(item)?),
            "estimate" => out.estimates.push(from_item(item)?),
            _ => {}
        }
    }
    out.payments.sort_by_key(|p| p.created_at);
    Ok(out)
}

/// The `CREDIT` header write that serialises every use of credit (applying it, moving a
/// deposit): conditional on the rev read, so two uses racing cannot spend it twice.
pub fn credit_guard(money: &AccountPayments, t: &TenantId, a: &AccountId, now: Timestamp) -> Result<Write, StoreError> {
    let credit_key = Key::new(keys::account_pk(t, a), "CREDIT");
    let item = to_item("credit", &credit_key, &serde_json::json!({ "rev": money.credit_rev + 1, "updated_at": now }))?;
    let cond = if money.credit_rev == 0 { Cond::absent() } else { Cond::eq("rev", money.credit_rev) };
    Ok(Write::Put(Put { item, cond: Some(cond) }))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct EventRecord {
    event_id: String,
    outcome: String,
    at: Timestamp,
    ttl: i64,
}

/// How long a Stripe event id is remembered (Stripe retries for three days).
const EVENT_MEMORY_SECONDS: i64 = 90 * 86_400;
/// The record that an event was posted (or seen and ignored): created once per event id.
pub fn event_write(t: &TenantId, event_id: &str, outcome: &str, now: Timestamp) -> Result<Write, StoreError> {
    let record =
        EventRecord { event_id: event_id.to_string(), outcome: outcome.into(), at: now, ttl: now.as_second() + EVENT_MEMORY_SECONDS };
    Ok(Write::create(to_item("stripe_event", &keys::stripe_event(t, event_id), &record)?))
}

/// The payment a Stripe PaymentIntent paid, for events whose objects carry no metadata.
pub async fn find_by_payment_intent(table: &dyn Table, t: &TenantId, payment_intent: &str) -> Result<Option<PaymentRef>, StoreError> {
    let page = table.query(&Query::index(Index::Gsi2, keys::stripe_ref_gsi(t, payment_intent)).limit(1)).await?;
    let Some(item) = page.items.into_iter().next() else { return Ok(None) };
    let account = item
        .get("pk")
        .and_then(serde_json::Value::as_str)
        .and_then(|pk| pk.rsplit_once("#A#"))
        .and_then(|(_, a)| a.parse::<AccountId>().ok())
        .ok_or_else(|| StoreError::Corrupt("payment key".into()))?;
    let p: PaymentRecord = from_item(item)?;
    Ok(Some(PaymentRef { tenant: t.clone(), account, document: p.document, payment: p.id }))
}

/// One payment, by the document it belongs to and its id: one GetItem.
pub async fn get(
    table: &dyn Table,
    t: &TenantId,
    a: &AccountId,
    document: &Document,
    id: &PaymentId,
) -> Result<Option<PaymentRecord>, StoreError> {
    table.get(&key(t, a, document, id)).await?.map(from_item).transpose()
}
