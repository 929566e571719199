//! Payments, wherever they belong, and posting what Stripe says about one exactly once.
//!
//! A payment sits under the document it pays, in the customer's partition:
//! - an invoice's at `INV#{inv}#PAY#{pay}` (read with the invoice in one Query);
//! - an estimate's deposit at `EST#{est}#PAY#{pay}` (read with the estimate);
//! - account credit bought ahead of work at `CREDIT#PAY#{pay}`;
//! - a "Pay balance" Checkout over several invoices at `BAL#PAY#{pay}`: it lists its parts,
//!   one started payment on each invoice (`batch` names the Checkout's payment), and every
//!   fact Stripe sends about it is posted to the Checkout's payment and to each part, each
//!   exactly once.
//!
//! Deposits and prepayments are the account's credit. Credit is spent by applying it to an
//! invoice: a `credit` payment on the invoice, written in one transaction with the `CREDIT`
//! header, whose `rev` serialises every application so credit is never spent twice.
use jiff::Timestamp;
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::ids::{AccountId, EstimateId, InvoiceId, OutboxId, PaymentId, TenantId};
use portal_domain::invoice::view::PaymentView;
use portal_domain::invoice::{InvoiceStatus, Ledger, PaymentFact, PaymentMethod, PaymentState, PaymentStatus};
use portal_domain::money::Currency;
use portal_domain::payments::Purpose;
use portal_domain::ports::Ids;

use super::invoices::{self, Invoice};
use super::outbox::{Notice, OutboxMessage};
use crate::keys;
use crate::record::{from_item, kind, rev, to_item, with_index};
use crate::table::{Cond, Index, Item, Key, Put, Query, StoreError, Table, Write};

/// What a payment pays for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Document {
    Invoice(InvoiceId),
    /// The deposit of an approved estimate.
    Estimate(EstimateId),
    /// Credit on the account.
    Account,
    /// Several invoices paid in one Checkout; the payment lists its [`Part`]s.
    Balance,
}

impl Document {
    pub fn purpose(&self) -> Purpose {
        match self {
            Self::Invoice(_) => Purpose::Invoice,
            Self::Estimate(_) => Purpose::Deposit,
            Self::Account => Purpose::Credit,
            Self::Balance => Purpose::Balance,
        }
    }

    /// The id named in Stripe metadata: the invoice, the estimate or the account.
    pub fn reference(&self, account: &AccountId) -> String {
        match self {
            Self::Invoice(i) => i.to_string(),
            Self::Estimate(e) => e.to_string(),
            Self::Account => account.to_string(),
            Self::Balance => BALANCE.to_string(),
        }
    }

    /// Reads a metadata reference back (`inv_…`, `est_…`, `balance`, or the account's own id).
    pub fn parse(reference: &str, account: &AccountId) -> Option<Self> {
        if reference == account.as_str() {
            return Some(Self::Account);
        }
        if reference == BALANCE {
            return Some(Self::Balance);
        }
        if let Ok(i) = reference.parse::<InvoiceId>() {
            return Some(Self::Invoice(i));
        }
        reference.parse::<EstimateId>().ok().map(Self::Estimate)
    }

    fn sk_prefix(&self) -> String {
        match self {
            Self::Invoice(i) => format!("INV#{i}#PAY#"),
            Self::Estimate(e) => format!("EST#{e}#PAY#"),
            Self::Account => CREDIT_PAYMENTS.into(),
            Self::Balance => "BAL#PAY#".into(),
        }
    }
}

const CREDIT_PAYMENTS: &str = "CREDIT#PAY#";
/// The metadata reference of a "Pay balance" Checkout.
const BALANCE: &str = "balance";
/// At most this many invoices in one "Pay balance" Checkout: its payments, the Checkout's
/// own and the audit entry are written in one transaction (DynamoDB takes 100 items).
pub const MAX_PARTS: usize = 50;

/// One invoice's share of a "Pay balance" Checkout: the started payment on that invoice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Part {
    pub invoice: InvoiceId,
    pub payment: PaymentId,
    pub amount: i64,
}

/// The share of a refund of `total` (Stripe reports the charge's refunds so far) that falls on
/// the part at `index`: refunds are taken from the last part first, so each part's share only
/// ever grows as the total does, and posting them in any order ends the same.
pub fn refund_share(parts: &[Part], index: usize, total: i64) -> i64 {
    let after: i64 = parts.iter().skip(index + 1).map(|p| p.amount).sum();
    (total - after).clamp(0, parts.get(index).map_or(0, |p| p.amount))
}

/// Joins numbers as people write them: "1003", "1003 and 1004", "1003, 1004 and 1005".
pub fn words_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaymentRecord {
    pub id: PaymentId,
    pub document: Document,
    pub state: PaymentState,
    /// The Checkout session that took it, when paid online.
    #[serde(default)]
    pub checkout_session: Option<String>,
    /// Stripe's PaymentIntent, once an event names it.
    pub stripe_payment_intent: Option<String>,
    /// For credit applied to an invoice: where the credit came from (`est_…` for a deposit,
    /// `account` for prepaid credit); for a payment the office recorded: its note (cheque
    /// number).
    #[serde(default)]
    pub credit_source: Option<String>,
    /// The receipt's number for people (`R-1001`, per contractor), given when the receipt is
    /// first sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_number: Option<String>,
    /// For a "Pay balance" Checkout: the invoices it pays, each with its own payment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// For one invoice's part of a "Pay balance" Checkout: that Checkout's payment (which
    /// carries the receipt and Stripe's ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<PaymentId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub rev: u64,
}

impl PaymentRecord {
    /// A payment that nothing has happened to yet, on `document`.
    pub fn new(id: PaymentId, document: Document, state: PaymentState, now: Timestamp) -> Self {
        Self {
            id,
            document,
            state,
            checkout_session: None,
            stripe_payment_intent: None,
            credit_source: None,
            receipt_number: None,
            parts: Vec::new(),
            batch: None,
            created_at: now,
            updated_at: now,
            rev: 0,
        }
    }

    /// Whether the customer made it: a Checkout opened and left (or still open) is not a
    /// payment anyone should see in a history.
    pub fn made(&self) -> bool {
        !matches!(self.state.status, PaymentStatus::Started | PaymentStatus::Canceled)
    }
}

pub fn key(t: &TenantId, a: &AccountId, document: &Document, p: &PaymentId) -> Key {
    Key::new(keys::account_pk(t, a), format!("{}{p}", document.sk_prefix()))
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
/// (office, credit) need [`invoices::add_payment`]; a started Checkout changes nothing yet.
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
    AccountPayments::from_items(super::query_all(table, Query::partition(keys::account_pk(t, a))).await?)
}

impl AccountPayments {
    /// The money side of a customer partition's items (read with one Query).
    pub fn from_items(items: Vec<Item>) -> Result<Self, StoreError> {
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
}

/// The money side of an account.
#[derive(Debug, Clone, Default)]
pub struct AccountPayments {
    pub payments: Vec<PaymentRecord>,
    pub invoices: Vec<Invoice>,
    pub estimates: Vec<portal_domain::estimate::Estimate>,
    /// The `CREDIT` header's rev (0 before the first application).
    pub credit_rev: u64,
}

/// Account credit: prepayments (and deposits the office moved to the account) received, less
/// what was applied to invoices from it. A deposit is not account credit: it belongs to its
/// estimate and is credited to invoices made from that estimate
/// ([`AccountPayments::deposit_unapplied`]) until the office moves it on purpose
/// ([`move_deposit`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Credit {
    /// Prepayments and moved deposits that succeeded, less refunds.
    pub received: i64,
    /// Applied to invoices.
    pub applied: i64,
    /// What can still be applied (never negative).
    pub available: i64,
    /// Prepayments submitted but not settled (ACH).
    pub pending: i64,
}

/// Where applied credit came from, as recorded on the `credit` payment (`credit_source`).
pub const GENERAL_CREDIT: &str = "account";

impl AccountPayments {
    pub fn credit(&self) -> Credit {
        let mut c = Credit::default();
        for p in &self.payments {
            match p.document {
                Document::Account => {
                    c.received += p.state.net();
                    if p.state.status == PaymentStatus::Processing {
                        c.pending += p.state.amount;
                    }
                }
                Document::Invoice(_) if p.state.method == PaymentMethod::Credit && p.credit_source.as_deref() == Some(GENERAL_CREDIT) => {
                    c.applied += p.state.net()
                }
                Document::Invoice(_) | Document::Estimate(_) | Document::Balance => {}
            }
        }
        c.available = (c.received - c.applied).max(0);
        c
    }

    /// The credit this invoice can take: the unapplied deposit of the estimate it was made
    /// from, and the account's general credit.
    pub fn credit_for(&self, invoice: &Invoice) -> i64 {
        let deposit = invoice.estimate.as_ref().map_or(0, |e| self.deposit_unapplied(e));
        deposit.saturating_add(self.credit().available)
    }

    /// Deposits paid and not yet credited to an invoice or moved to the account, per estimate.
    pub fn deposits_held(&self) -> Vec<(EstimateId, i64)> {
        let mut held: Vec<(EstimateId, i64)> = Vec::new();
        for p in &self.payments {
            if let Document::Estimate(e) = &p.document
                && !held.iter().any(|(x, _)| x == e)
            {
                held.push((e.clone(), self.deposit_unapplied(e)));
            }
        }
        held.retain(|(_, amount)| *amount > 0);
        held
    }

    /// A payment as the customer sees it, labelled with the document's printed number, in the
    /// document's currency (account credit is in the contractor's, `account_currency`).
    pub fn view(&self, p: &PaymentRecord, account_currency: &Currency) -> PaymentView {
        let (document, label, currency) = match &p.document {
            Document::Invoice(i) => {
                let inv = self.invoices.iter().find(|x| &x.id == i);
                let number = inv.map_or_else(|| i.to_string(), |x| x.number.clone());
                (Some(i.to_string()), format!("Invoice {number}"), inv.map(|x| &x.content.currency))
            }
            Document::Estimate(e) => {
                let est = self.estimates.iter().find(|x| &x.id == e);
                let number = est.map_or_else(|| e.to_string(), |x| x.number.clone());
                (Some(e.to_string()), format!("Deposit on estimate {number}"), est.map(|x| &x.currency))
            }
            Document::Account => match p.credit_source.as_deref().and_then(|s| s.parse::<EstimateId>().ok()) {
                Some(e) => {
                    let number = self.estimates.iter().find(|x| x.id == e).map_or_else(|| e.to_string(), |x| x.number.clone());
                    (None, format!("Deposit on estimate {number}, moved to account credit"), None)
                }
                None => (None, "Account credit".to_string(), None),
            },
            Document::Balance => {
                let first = p.parts.first().and_then(|part| self.invoices.iter().find(|x| x.id == part.invoice));
                (None, format!("Balance: {}", self.invoice_numbers(&p.parts)), first.map(|x| &x.content.currency))
            }
        };
        PaymentView {
            id: p.id.to_string(),
            amount: p.state.amount,
            currency: currency.unwrap_or(account_currency).as_str().to_string(),
            method: p.state.method,
            status: p.state.status,
            refunded: p.state.refunded,
            purpose: p.document.purpose(),
            document,
            label,
            credit_source: p.credit_source.clone(),
            receipt_number: p.receipt_number.clone(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }

    /// The invoices a "Pay balance" Checkout paid, as people write them ("invoices 1003 and
    /// 1004").
    pub fn invoice_numbers(&self, parts: &[Part]) -> String {
        let numbers: Vec<String> = parts
            .iter()
            .map(|part| self.invoices.iter().find(|x| x.id == part.invoice).map_or_else(|| part.invoice.to_string(), |x| x.number.clone()))
            .collect();
        let noun = if numbers.len() == 1 { "invoice" } else { "invoices" };
        format!("{noun} {}", words_list(&numbers))
    }

    /// One invoice with its payments, from what was read.
    pub fn invoice(&self, id: &InvoiceId) -> Option<invoices::InvoiceBundle> {
        let invoice = self.invoices.iter().find(|i| &i.id == id)?.clone();
        let doc = Document::Invoice(id.clone());
        let payments = self.payments.iter().filter(|p| p.document == doc).cloned().collect();
        Some(invoices::InvoiceBundle { invoice, payments })
    }

    /// What a deposit paid on `estimate` has not yet been credited to an invoice or moved to
    /// the account's credit (both are `credit` payments naming the estimate as their source).
    pub fn deposit_unapplied(&self, estimate: &EstimateId) -> i64 {
        let doc = Document::Estimate(estimate.clone());
        let received: i64 = self.payments.iter().filter(|p| p.document == doc).map(|p| p.state.net()).sum();
        let source = estimate.to_string();
        let applied: i64 = self
            .payments
            .iter()
            .filter(|p| p.state.method == PaymentMethod::Credit && p.credit_source.as_deref() == Some(&source))
            .map(|p| p.state.net())
            .sum();
        (received - applied).max(0)
    }

    /// The `CREDIT` header write that serialises every use of credit (applying it, moving a
    /// deposit): conditional on the rev read, so two uses racing cannot spend it twice.
    fn credit_guard(&self, t: &TenantId, a: &AccountId, now: Timestamp) -> Result<Write, StoreError> {
        let credit_key = Key::new(keys::account_pk(t, a), "CREDIT");
        let item = to_item("credit", &credit_key, &serde_json::json!({ "rev": self.credit_rev + 1, "updated_at": now }))?;
        let cond = if self.credit_rev == 0 { Cond::absent() } else { Cond::eq("rev", self.credit_rev) };
        Ok(Write::Put(Put { item, cond: Some(cond) }))
    }
}

/// Applies credit to an invoice: a `credit` payment on the invoice and the invoice's ledger,
/// conditional on the invoice and on the `CREDIT` header (so two applications racing cannot
/// spend the same credit), with the audit entry. The deposit of the estimate the invoice was
/// made from goes first, then the account's general credit; `source` limits it to that
/// estimate's deposit. Returns the amount applied (at most the credit available and the
/// balance).
#[allow(clippy::too_many_arguments)]
pub async fn apply_credit(
    table: &dyn Table,
    ids: &dyn Ids,
    invoice: &InvoiceId,
    t: &TenantId,
    a: &AccountId,
    wanted: Option<i64>,
    source: Option<&EstimateId>,
    actor: Actor,
    origin: &Origin,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let mut applied = 0i64;
    // At most two steps: the invoice's own deposit, then general credit.
    for _ in 0..2 {
        // One Query: the account's credit, and the invoice with its payments.
        let money = all(table, t, a).await?;
        let bundle = money.invoice(invoice).ok_or_else(|| StoreError::Invalid("no such invoice".into()))?;
        if matches!(bundle.invoice.status, InvoiceStatus::Draft | InvoiceStatus::Void) {
            break;
        }
        let own = source.or(bundle.invoice.estimate.as_ref()).filter(|e| money.deposit_unapplied(e) > 0);
        let (from, available) = match (own, source) {
            (Some(e), _) => (e.to_string(), money.deposit_unapplied(e)),
            (None, Some(_)) => break,
            (None, None) => (GENERAL_CREDIT.to_string(), money.credit().available),
        };
        let left = wanted.map_or(i64::MAX, |w| w - applied);
        let amount = left.min(available).min(bundle.invoice.ledger.balance);
        if amount <= 0 {
            break;
        }
        let (payment, mut writes) =
            settled(ids, &bundle, amount, PaymentMethod::Credit, Some(from.clone()), actor.clone(), "credit.applied", origin, now)?;
        writes.push(money.credit_guard(t, a, now)?);
        table.transact(writes).await?;
        applied += payment.state.amount;
        if from == GENERAL_CREDIT {
            break;
        }
    }
    Ok(applied)
}

/// The office moves what is left of an estimate's deposit to the account's general credit, on
/// purpose: a settled `credit` payment on the account naming the estimate as its source,
/// serialised with every other use of credit, with the audit entry. Returns the amount moved
/// (0 when nothing is left to move).
#[allow(clippy::too_many_arguments)]
pub async fn move_deposit(
    table: &dyn Table,
    ids: &dyn Ids,
    t: &TenantId,
    a: &AccountId,
    estimate: &EstimateId,
    actor: Actor,
    origin: &Origin,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let money = all(table, t, a).await?;
    let amount = money.deposit_unapplied(estimate);
    if amount <= 0 {
        return Ok(0);
    }
    let state = PaymentState::new(amount, PaymentMethod::Credit).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let payment = PaymentRecord {
        credit_source: Some(estimate.to_string()),
        ..PaymentRecord::new(PaymentId::generate(ids), Document::Account, state, now)
    };
    let number = money.estimates.iter().find(|e| &e.id == estimate).map(|e| e.number.clone());
    let audit = AuditEntry::record(
        ids,
        now,
        actor,
        "credit.moved",
        Some(estimate.to_string()),
        Some(a.clone()),
        origin,
        serde_json::json!({ "payment": payment.id, "amount": amount, "estimate": estimate, "number": number, "to": GENERAL_CREDIT }),
    );
    let writes = vec![create(t, a, &payment)?, money.credit_guard(t, a, now)?, super::audit::append(t, &audit)?];
    table.transact(writes).await?;
    Ok(amount)
}

/// A payment that is settled when written (account credit, or a cheque the office records),
/// with the invoice's ledger and the audit entry, conditional on the invoice's `rev`.
#[allow(clippy::too_many_arguments)]
fn settled(
    ids: &dyn Ids,
    bundle: &invoices::InvoiceBundle,
    amount: i64,
    method: PaymentMethod,
    credit_source: Option<String>,
    actor: Actor,
    action: &str,
    origin: &Origin,
    now: Timestamp,
) -> Result<(PaymentRecord, Vec<Write>), StoreError> {
    let state = PaymentState::new(amount, method).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let invoice = &bundle.invoice;
    let payment =
        PaymentRecord { credit_source, ..PaymentRecord::new(PaymentId::generate(ids), Document::Invoice(invoice.id.clone()), state, now) };
    let mut inv = invoice.clone();
    inv.ledger = Ledger::of(
        inv.content.totals().map_err(|e| StoreError::Invalid(e.to_string()))?.total,
        bundle.payments.iter().map(|p| &p.state).chain([&payment.state]),
    );
    inv.status = inv.ledger.status();
    inv.rev += 1;
    let audit = AuditEntry::record(
        ids,
        now,
        actor,
        action,
        Some(invoice.id.to_string()),
        Some(invoice.account.clone()),
        origin,
        serde_json::json!({
            "payment": payment.id, "amount": amount, "method": method, "source": payment.credit_source, "balance": inv.ledger.balance,
        }),
    );
    let writes = vec![
        create(&invoice.tenant, &invoice.account, &payment)?,
        invoices::save(&inv, invoice.rev)?,
        super::audit::append(&invoice.tenant, &audit)?,
    ];
    Ok((payment, writes))
}

/// The writes that record money the office received outside the portal (a cheque, cash): a
/// settled payment on the invoice through the same ledger, with its audit entry (and the
/// office's note, kept as the payment's source) and the receipt in the outbox, conditional on
/// the invoice's `rev`. The caller has checked that the
/// invoice is sent and that `amount` is at most its balance.
pub fn record_offline(
    ids: &dyn Ids,
    bundle: &invoices::InvoiceBundle,
    amount: i64,
    note: Option<&str>,
    actor: Actor,
    origin: &Origin,
    now: Timestamp,
) -> Result<(PaymentRecord, Vec<Write>), StoreError> {
    let (payment, mut writes) =
        settled(ids, bundle, amount, PaymentMethod::Offline, note.map(str::to_string), actor, "payment.recorded", origin, now)?;
    let i = &bundle.invoice;
    let at = PaymentRef {
        tenant: i.tenant.clone(),
        account: i.account.clone(),
        document: payment.document.clone(),
        payment: payment.id.clone(),
    };
    writes.push(receipt(ids, &at, &payment, now)?);
    Ok((payment, writes))
}

/// What posting an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// The payment changed (and with it the invoice's ledger, for an invoice payment).
    Applied { status: PaymentStatus },
    /// This event id was posted before: nothing changed.
    Duplicate,
    /// The event was recorded; it told us nothing new (a late "processing", say).
    NoChange,
    /// No such payment for this tenant and account: acknowledged, nothing changed.
    Unknown,
}

/// Where a Stripe event points, taken from the metadata we put on the Checkout session and
/// checked against our records (never trusted to name another tenant's data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRef {
    pub tenant: TenantId,
    pub account: AccountId,
    pub document: Document,
    pub payment: PaymentId,
}

impl PaymentRef {
    /// What the audit entries about this payment are filed under: the document it pays, or
    /// for a "Pay balance" Checkout (which pays several) the payment itself.
    pub fn subject(&self) -> String {
        match self.document {
            Document::Balance => self.payment.to_string(),
            _ => self.document.reference(&self.account),
        }
    }
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

/// What the event says beyond the fact: ids to link and the method the customer chose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details<'a> {
    pub payment_intent: Option<&'a str>,
    pub method: Option<PaymentMethod>,
}

/// Reads the payment (with its invoice, for an invoice payment) in one round trip.
async fn read(table: &dyn Table, at: &PaymentRef) -> Result<Option<(PaymentRecord, Option<invoices::InvoiceBundle>)>, StoreError> {
    match &at.document {
        Document::Invoice(i) => {
            let Some(bundle) = invoices::load(table, &at.tenant, &at.account, i).await? else { return Ok(None) };
            let p = bundle.payments.iter().find(|p| p.id == at.payment).cloned();
            Ok(p.map(|p| (p, Some(bundle))))
        }
        d => Ok(get(table, &at.tenant, &at.account, d, &at.payment).await?.map(|p| (p, None))),
    }
}

/// Posts one fact about one payment, exactly once per Stripe event id: the event record, the
/// payment, the invoice's ledger (for an invoice payment), the audit entry and (when money
/// newly arrives) the receipt in the outbox, in one transaction conditional on what was read.
/// Concurrent and repeated deliveries of the same event change nothing twice; deliveries of
/// different events in any order end in the same state. One read and one write when nothing
/// races.
///
/// The PaymentIntent, when the event names one, is recorded on the payment the first time it
/// is seen, so later charge and dispute events (which may carry no metadata) find the payment.
///
/// A "Pay balance" Checkout's fact is posted to each invoice's part, each under its own event
/// key (`{event}#{part}`), and then to the Checkout's own payment (which carries the receipt
/// and the office's notice): a delivery that stopped half-way is finished by Stripe's next
/// delivery, and no part is posted twice. A refund falls on the parts from the last one back
/// ([`refund_share`]).
pub async fn post(
    table: &dyn Table,
    ids: &dyn Ids,
    at: &PaymentRef,
    fact: PaymentFact,
    details: &Details<'_>,
    event_id: &str,
    now: Timestamp,
) -> Result<Posted, StoreError> {
    if at.document != Document::Balance {
        return post_one(table, ids, at, fact, details, event_id, true, now).await;
    }
    let Some(checkout) = get(table, &at.tenant, &at.account, &at.document, &at.payment).await? else { return Ok(Posted::Unknown) };
    // The parts first, the Checkout's own payment last: its event record (and the receipt)
    // exist only once every invoice is posted, so a delivery that stops half-way leaves the
    // event unposted and Stripe's retry finishes it.
    let valid = match fact {
        PaymentFact::RefundedTotal { amount } => (0..=checkout.state.amount).contains(&amount),
        _ => true,
    };
    let mut parts_applied = None;
    if valid {
        for (i, part) in checkout.parts.iter().enumerate() {
            let fact = match fact {
                PaymentFact::RefundedTotal { amount } => PaymentFact::RefundedTotal { amount: refund_share(&checkout.parts, i, amount) },
                other => other,
            };
            let part_at = PaymentRef { document: Document::Invoice(part.invoice.clone()), payment: part.payment.clone(), ..at.clone() };
            let done = post_one(table, ids, &part_at, fact, details, &format!("{event_id}#{}", part.payment), false, now).await?;
            match done {
                Posted::Applied { .. } => {
                    parts_applied.get_or_insert(done);
                }
                Posted::Unknown => {
                    tracing::warn!(payment = %part.payment, "a part of a Pay balance Checkout has no payment on its invoice")
                }
                Posted::Duplicate | Posted::NoChange => {}
            }
        }
    }
    let posted = post_one(table, ids, at, fact, details, event_id, true, now).await?;
    // A redelivery that finished what an earlier one left undone did apply something.
    Ok(match (posted, parts_applied) {
        (Posted::Applied { status }, _) => Posted::Applied { status },
        (_, Some(applied)) => applied,
        (other, None) => other,
    })
}

/// Posts one fact to one payment; `notify` adds the receipt and the office's notice when
/// money newly arrives or a payment fails (not for the parts of a "Pay balance" Checkout,
/// whose own payment tells the customer and the office once).
#[allow(clippy::too_many_arguments)]
async fn post_one(
    table: &dyn Table,
    ids: &dyn Ids,
    at: &PaymentRef,
    fact: PaymentFact,
    details: &Details<'_>,
    event_id: &str,
    notify: bool,
    now: Timestamp,
) -> Result<Posted, StoreError> {
    for _ in 0..ATTEMPTS {
        let Some((before, bundle)) = read(table, at).await? else { return Ok(Posted::Unknown) };
        let links = before.stripe_payment_intent.is_none() && details.payment_intent.is_some();
        let names_method = before.state.method == PaymentMethod::Online && details.method.is_some();
        let mut next = match before.state.observe(fact) {
            Ok(Some(next)) => next,
            Ok(None) if links || names_method => before.state.clone(),
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
        if names_method && let Some(m) = details.method {
            next.method = m;
        }
        // Money arriving for the first time earns a receipt; a won dispute does not.
        let newly_paid = !matches!(before.state.status, PaymentStatus::Succeeded | PaymentStatus::Disputed | PaymentStatus::DisputeLost)
            && next.status == PaymentStatus::Succeeded;
        let mut payment = before.clone();
        if links {
            payment.stripe_payment_intent = details.payment_intent.map(str::to_string);
        }
        payment.state = next;
        payment.updated_at = now;
        payment.rev += 1;
        let mut writes = vec![event_write(&at.tenant, event_id, "applied", now)?, save(&at.tenant, &at.account, &payment, before.rev)?];
        let mut detail = serde_json::json!({
            "payment": payment.id, "event": event_id, "status": payment.state.status, "refunded": payment.state.refunded,
        });
        if let Some(mut bundle) = bundle {
            if let Some(slot) = bundle.payments.iter_mut().find(|p| p.id == payment.id) {
                *slot = payment.clone();
            }
            let invoice = &mut bundle.invoice;
            let expected = invoice.rev;
            invoice.ledger = Ledger::of(
                invoice.content.totals().map_err(|e| StoreError::Invalid(e.to_string()))?.total,
                bundle.payments.iter().map(|p| &p.state),
            );
            if !matches!(invoice.status, InvoiceStatus::Draft | InvoiceStatus::Void) {
                invoice.status = invoice.ledger.status();
            }
            invoice.rev += 1;
            detail["paid"] = invoice.ledger.paid.into();
            detail["balance"] = invoice.ledger.balance.into();
            writes.push(invoices::save(invoice, expected)?);
        }
        let audit = AuditEntry::record(
            ids,
            now,
            Actor::Stripe,
            "payment.updated",
            Some(at.subject()),
            Some(at.account.clone()),
            &Origin::default(),
            detail,
        );
        writes.push(super::audit::append(&at.tenant, &audit)?);
        if newly_paid && notify {
            writes.push(receipt(ids, at, &payment, now)?);
        }
        // The office hears of money arriving and of a payment that failed, once each.
        let newly_failed = before.state.status != PaymentStatus::Failed && payment.state.status == PaymentStatus::Failed;
        if notify && (newly_paid || newly_failed) {
            let (document, id) = (at.document.clone(), payment.id.clone());
            let about = if newly_paid {
                super::outbox::OfficeEvent::PaymentReceived { document, payment: id }
            } else {
                super::outbox::OfficeEvent::PaymentFailed { document, payment: id }
            };
            writes.push(about.enqueue(ids, &at.tenant, &at.account, now)?);
        }
        match table.transact(writes).await {
            Ok(()) => return Ok(Posted::Applied { status: payment.state.status }),
            Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => return Ok(Posted::Duplicate),
            // Another event for this payment or invoice won the race: read again and re-apply.
            Err(StoreError::TransactionCancelled { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::TransactionCancelled { failed: vec![] })
}

fn receipt(ids: &dyn Ids, at: &PaymentRef, payment: &PaymentRecord, now: Timestamp) -> Result<Write, StoreError> {
    let message = OutboxMessage {
        id: OutboxId::generate(ids),
        account: Some(at.account.clone()),
        created_at: now,
        notice: Notice::Receipt { document: at.document.clone(), payment: payment.id.clone(), amount: payment.state.net() },
    };
    super::outbox::enqueue(&at.tenant, message)
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
