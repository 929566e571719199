//! Invoices and their payments, and posting what Stripe says about a payment exactly once.
//!
//! An invoice header sits at `INV#{id}` and its payments at `INV#{id}#PAY#{pay}` in the
//! customer's partition, so one Query reads an invoice with every payment. The header caches
//! the [`Ledger`], rewritten in the same transaction as any payment change, conditional on
//! the header's `rev`.
use jiff::Timestamp;
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::ids::{AccountId, InvoiceId, OutboxId, PaymentId, PropertyId, TenantId};
use portal_domain::invoice::{InvoiceContent, InvoiceStatus, Ledger, PaymentFact, PaymentState, PaymentStatus};
use portal_domain::ports::Ids;

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Index, Item, Put, Query, StoreError, Table, Write};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invoice {
    pub id: InvoiceId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    /// Printed number (`INV-2031`).
    pub number: String,
    /// Draft and void are set by staff; otherwise the ledger's status, cached.
    pub status: InvoiceStatus,
    pub content: InvoiceContent,
    /// Cached from the content and the payments; rewritten with every payment change.
    pub ledger: Ledger,
    /// The instant the due date ends in the contractor's time zone: overdue is checked without
    /// reading the tenant.
    pub due_at: Timestamp,
    pub issued_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub rev: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaymentRecord {
    pub id: PaymentId,
    pub invoice: InvoiceId,
    pub state: PaymentState,
    /// Stripe's PaymentIntent, when paid online.
    pub stripe_payment_intent: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub rev: u64,
}

/// An invoice with all its payments.
#[derive(Debug, Clone)]
pub struct InvoiceBundle {
    pub invoice: Invoice,
    pub payments: Vec<PaymentRecord>,
}

fn invoice_item(i: &Invoice) -> Result<Item, StoreError> {
    let item = to_item("invoice", &keys::invoice(&i.tenant, &i.account, &i.id), i)?;
    let status = serde_json::to_value(i.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    Ok(with_index(item, Index::Gsi1, keys::invoices_by_status_gsi(&i.tenant, &status), format!("{}#{}", i.content.due_date, i.id)))
}

fn payment_item(i: &Invoice, p: &PaymentRecord) -> Result<Item, StoreError> {
    let key = keys::payment(&i.tenant, &i.account, &i.id, &p.id);
    let item = to_item("payment", &key, p)?;
    Ok(match &p.stripe_payment_intent {
        Some(pi) => with_index(item, Index::Gsi2, keys::stripe_ref_gsi(&i.tenant, pi), format!("PAY#{}", p.id)),
        None => item,
    })
}

/// Writes a new invoice.
pub fn create(i: &Invoice) -> Result<Write, StoreError> {
    Ok(Write::create(invoice_item(i)?))
}

/// Writes a new payment and the invoice's ledger with it.
pub fn add_payment(invoice: &Invoice, expected_rev: u64, p: &PaymentRecord) -> Result<Vec<Write>, StoreError> {
    Ok(vec![
        Write::create(payment_item(invoice, p)?),
        Write::Put(Put { item: invoice_item(invoice)?, cond: Some(Cond::eq("rev", expected_rev)) }),
    ])
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

/// What posting an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// The payment and the invoice's ledger changed.
    Applied { ledger: Ledger },
    /// This event id was posted before: nothing changed.
    Duplicate,
    /// The event was recorded; it told us nothing new (a late "processing", say).
    NoChange,
    /// No such invoice or payment for this tenant and account: acknowledged, nothing changed.
    Unknown,
}

/// Where a Stripe event points, taken from the metadata we put on the Checkout session and
/// checked against our records (never trusted to name another tenant's data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRef {
    pub tenant: TenantId,
    pub account: AccountId,
    pub invoice: InvoiceId,
    pub payment: PaymentId,
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
/// Re-reads after losing a race with another delivery, before giving up (Stripe retries).
const ATTEMPTS: usize = 6;

fn event_write(t: &TenantId, event_id: &str, outcome: &str, now: Timestamp) -> Result<Write, StoreError> {
    let record =
        EventRecord { event_id: event_id.to_string(), outcome: outcome.into(), at: now, ttl: now.as_second() + EVENT_MEMORY_SECONDS };
    Ok(Write::create(to_item("stripe_event", &keys::stripe_event(t, event_id), &record)?))
}

/// Posts one fact about one payment, exactly once per Stripe event id: the event record, the
/// payment, the invoice's ledger, the audit entry and (when money newly arrives) the receipt
/// in the outbox, in one transaction conditional on what was read. Concurrent and repeated
/// deliveries of the same event change nothing twice; deliveries of different events in any
/// order end in the same state. One read and one write when nothing races.
///
/// `payment_intent`, when the event names one, is recorded on the payment the first time it is
/// seen, so later charge and dispute events (which may carry no metadata) find the payment.
pub async fn post(
    table: &dyn Table,
    ids: &dyn Ids,
    at: &PaymentRef,
    fact: PaymentFact,
    payment_intent: Option<&str>,
    event_id: &str,
    now: Timestamp,
) -> Result<Posted, StoreError> {
    for _ in 0..ATTEMPTS {
        let Some(mut bundle) = load(table, &at.tenant, &at.account, &at.invoice).await? else { return Ok(Posted::Unknown) };
        let Some(index) = bundle.payments.iter().position(|p| p.id == at.payment) else { return Ok(Posted::Unknown) };
        let before = bundle.payments[index].clone();
        let links = before.stripe_payment_intent.is_none() && payment_intent.is_some();
        let next = match before.state.observe(fact) {
            Ok(Some(next)) => next,
            Ok(None) if links => before.state.clone(),
            // Nothing new, or a fact that cannot be true of this payment: remember the event so
            // a redelivery is recognised, change nothing else.
            Ok(None) | Err(_) => {
                return match table.transact(vec![event_write(&at.tenant, event_id, "no_change", now)?]).await {
                    Ok(()) => Ok(Posted::NoChange),
                    Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => Ok(Posted::Duplicate),
                    Err(StoreError::TransactionCancelled { .. }) => continue,
                    Err(e) => Err(e),
                };
            }
        };
        // Money arriving for the first time earns a receipt; a won dispute does not.
        let newly_paid =
            matches!(before.state.status, PaymentStatus::Processing | PaymentStatus::Failed) && next.status == PaymentStatus::Succeeded;
        let mut payment = before.clone();
        if links {
            payment.stripe_payment_intent = payment_intent.map(str::to_string);
        }
        payment.state = next;
        payment.updated_at = now;
        payment.rev += 1;
        bundle.payments[index] = payment.clone();
        let invoice_rev = bundle.invoice.rev;
        let invoice = &mut bundle.invoice;
        invoice.ledger = Ledger::of(invoice.content.totals().total, bundle.payments.iter().map(|p| &p.state));
        if !matches!(invoice.status, InvoiceStatus::Draft | InvoiceStatus::Void) {
            invoice.status = invoice.ledger.status();
        }
        invoice.rev += 1;
        let audit = AuditEntry::record(
            ids,
            now,
            Actor::Stripe,
            "payment.updated",
            Some(invoice.id.to_string()),
            Some(invoice.account.clone()),
            &Origin::default(),
            serde_json::json!({
                "payment": payment.id, "event": event_id, "status": payment.state.status,
                "refunded": payment.state.refunded, "paid": invoice.ledger.paid, "balance": invoice.ledger.balance,
            }),
        );
        let mut writes = vec![
            event_write(&at.tenant, event_id, "applied", now)?,
            Write::Put(Put { item: payment_item(invoice, &payment)?, cond: Some(Cond::eq("rev", before.rev)) }),
            Write::Put(Put { item: invoice_item(invoice)?, cond: Some(Cond::eq("rev", invoice_rev)) }),
            super::audit::append(&at.tenant, &audit)?,
        ];
        if newly_paid {
            writes.push(receipt(ids, invoice, &payment, now)?);
        }
        match table.transact(writes).await {
            Ok(()) => return Ok(Posted::Applied { ledger: invoice.ledger }),
            Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => return Ok(Posted::Duplicate),
            // Another event for this invoice won the race: read again and re-apply.
            Err(StoreError::TransactionCancelled { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::TransactionCancelled { failed: vec![] })
}

/// A receipt waiting in the outbox, written with the payment that earns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReceiptMessage {
    pub kind: String,
    pub account: AccountId,
    pub invoice: InvoiceId,
    pub payment: PaymentId,
    pub amount: i64,
    pub created_at: Timestamp,
}

fn receipt(ids: &dyn Ids, invoice: &Invoice, payment: &PaymentRecord, now: Timestamp) -> Result<Write, StoreError> {
    let id = OutboxId::generate(ids);
    let message = ReceiptMessage {
        kind: "receipt".into(),
        account: invoice.account.clone(),
        invoice: invoice.id.clone(),
        payment: payment.id.clone(),
        amount: payment.state.amount,
        created_at: now,
    };
    Ok(Write::create(to_item("outbox", &keys::outbox(&invoice.tenant, &id), &message)?))
}

/// Messages waiting in a tenant's outbox, oldest first.
pub async fn outbox(table: &dyn Table, t: &TenantId) -> Result<Vec<ReceiptMessage>, StoreError> {
    let q = Query::partition(keys::outbox_pk(t)).prefix("MSG#");
    super::query_all(table, q).await?.into_iter().map(from_item).collect()
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
    Ok(Some(PaymentRef { tenant: t.clone(), account, invoice: p.invoice, payment: p.id }))
}

/// The invoices of an account (headers only), newest first.
pub async fn list(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<Invoice>, StoreError> {
    let q = Query::partition(keys::account_pk(t, a)).prefix(keys::INVOICE_PREFIX);
    let mut list: Vec<Invoice> =
        super::query_all(table, q).await?.into_iter().filter(|i| kind(i) == "invoice").map(from_item).collect::<Result<_, _>>()?;
    list.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    Ok(list)
}
