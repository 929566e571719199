//! Payments as records: what a payment pays for ([`Document`]), the record with its state,
//! the parts of a "Pay balance" Checkout, and the money side of one account
//! ([`AccountPayments`]): its credit, the deposits it holds, each payment as people read it.
use jiff::Timestamp;

use crate::estimate::Estimate;
use crate::ids::{AccountId, EstimateId, InvoiceId, PaymentId, TenantId};
use crate::invoice::view::PaymentView;
use crate::invoice::{Invoice, InvoiceBundle, PaymentMethod, PaymentState, PaymentStatus};
use crate::money::Currency;
use crate::payments::Purpose;

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
}

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

/// The money side of an account.
#[derive(Debug, Clone, Default)]
pub struct AccountPayments {
    pub payments: Vec<PaymentRecord>,
    pub invoices: Vec<Invoice>,
    pub estimates: Vec<Estimate>,
    /// The `CREDIT` header's rev (0 before the first application).
    pub credit_rev: u64,
}

/// Account credit: prepayments (and deposits the office moved to the account) received, less
/// what was applied to invoices from it. A deposit is not account credit: it belongs to its
/// estimate and is credited to invoices made from that estimate
/// ([`AccountPayments::deposit_unapplied`]) until the office moves it on purpose
/// (`portal_app::payments::move_deposit`).
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
    pub fn invoice(&self, id: &InvoiceId) -> Option<InvoiceBundle> {
        let invoice = self.invoices.iter().find(|i| &i.id == id)?.clone();
        let doc = Document::Invoice(id.clone());
        let payments = self.payments.iter().filter(|p| p.document == doc).cloned().collect();
        Some(InvoiceBundle { invoice, payments })
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
