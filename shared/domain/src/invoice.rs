//! Invoices, payments and the ledger that ties them together.
//!
//! What an invoice has been paid is never a running number that could drift: the [`Ledger`]
//! derives it from the invoice's payments every time, and an invoice's stored status is a
//! cache written in the same transaction as the payment that changes it.
//!
//! # Rules
//! - Totals follow [`crate::money`]: line amounts rounded once; a discount comes off the
//!   subtotal before tax, and its share on taxable lines (in proportion, rounded once) comes off
//!   the taxable amount; tax is the rate on what remains taxable, rounded once.
//! - A payment counts toward an invoice once it succeeds, less what was refunded; a disputed
//!   payment counts for nothing until the dispute is won. Processing (ACH) payments are pending.
//! - The balance is never negative: anything paid beyond the total is overpaid (it becomes
//!   account credit).
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::estimate::LineItem;
use crate::money::{Currency, MAX_AMOUNT, percent_of};
use crate::{DomainError, FieldErrors};

mod record;
#[cfg(test)]
mod tests;
/// What a customer sees of invoices.
pub mod view;

pub use record::{Invoice, InvoiceBundle};

/// A reduction before tax.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Discount {
    Percent {
        label: String,
        #[schema(value_type = String, pattern = "^-?[0-9]{1,12}(\\.[0-9]{1,10})?$")]
        percent: Decimal,
    },
    Fixed {
        label: String,
        #[schema(minimum = 0, maximum = 10_000_000_000_000_i64)]
        amount: i64,
    },
}

/// What is billed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceContent {
    pub items: Vec<LineItem>,
    pub discount: Option<Discount>,
    #[schema(value_type = String, pattern = "^-?[0-9]{1,12}(\\.[0-9]{1,10})?$")]
    pub tax_rate: Decimal,
    pub currency: Currency,
    #[schema(value_type = String, format = Date)]
    pub due_date: Date,
    pub memo: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceTotals {
    pub subtotal: i64,
    pub discount: i64,
    pub taxable: i64,
    pub tax: i64,
    pub total: i64,
}

impl InvoiceContent {
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut e = FieldErrors::new();
        if self.items.is_empty() {
            e.add("items", "an invoice needs at least one line");
        }
        if self.tax_rate < Decimal::ZERO || self.tax_rate > Decimal::ONE_HUNDRED || self.tax_rate.scale() > 4 {
            e.add("tax_rate", "must be a percent from 0 to 100 with at most 4 decimals");
        }
        match &self.discount {
            Some(Discount::Percent { percent, .. }) if *percent <= Decimal::ZERO || *percent > Decimal::ONE_HUNDRED => {
                e.add("discount.percent", "must be more than 0 and at most 100")
            }
            Some(Discount::Fixed { amount, .. }) if *amount <= 0 || *amount > MAX_AMOUNT => {
                e.add("discount.amount", "must be more than 0 and at most 100 billion")
            }
            _ => {}
        }
        for (i, item) in self.items.iter().enumerate() {
            item.check(&format!("items[{i}]"), &mut e);
        }
        if e.is_empty() && crate::money::sum(self.items.iter().map(|i| i.amount().saturating_abs())).is_none_or(|t| t > MAX_AMOUNT) {
            e.add("items", "the lines add up to more than 100 billion: check the quantities and prices");
        }
        e.into_result()
    }

    /// The invoice's totals. Every sum is checked: content that passed [`Self::validate`] is
    /// bounded so that none overflows, and anything else is refused rather than priced wrong.
    pub fn totals(&self) -> Result<InvoiceTotals, DomainError> {
        let too_large = || DomainError::invalid("items", "the lines add up to more than 100 billion: check the quantities and prices");
        let (mut subtotal, mut taxable) = (0i64, 0i64);
        for item in &self.items {
            let a = item.checked_amount().ok_or_else(too_large)?;
            subtotal = subtotal.checked_add(a).ok_or_else(too_large)?;
            if item.taxable {
                taxable = taxable.checked_add(a).ok_or_else(too_large)?;
            }
        }
        let discount = match &self.discount {
            None => 0,
            Some(Discount::Percent { percent, .. }) => percent_of(subtotal.max(0), *percent).ok_or_else(too_large)?,
            Some(Discount::Fixed { amount, .. }) => *amount,
        }
        .clamp(0, subtotal.max(0));
        let taxable_share = if subtotal > 0 && taxable > 0 {
            let share = Decimal::from(discount).checked_mul(Decimal::from(taxable)).and_then(|d| d.checked_div(Decimal::from(subtotal)));
            share.and_then(crate::money::round_minor).ok_or_else(too_large)?
        } else {
            0
        };
        let taxable = taxable.checked_sub(taxable_share).ok_or_else(too_large)?.max(0);
        let tax = percent_of(taxable, self.tax_rate).ok_or_else(too_large)?.max(0);
        let total = subtotal.checked_sub(discount).and_then(|t| t.checked_add(tax)).ok_or_else(too_large)?.max(0);
        Ok(InvoiceTotals { subtotal, discount, taxable, tax, total })
    }
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Paid through Stripe Checkout, before we know whether by card or bank.
    Online,
    Card,
    Ach,
    /// Cheque or cash recorded by the office.
    Offline,
    /// The customer's account credit applied to the invoice.
    Credit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// A Checkout session is open: nothing submitted yet, nothing owed by it.
    Started,
    /// Closed without paying (the Checkout session expired).
    Canceled,
    /// Submitted, not settled (ACH takes days).
    Processing,
    Succeeded,
    Failed,
    /// The customer's bank pulled the money back pending a dispute.
    Disputed,
    /// The dispute was lost: the money is gone for good.
    DisputeLost,
}

/// What can happen to a payment (from Stripe's events or the office).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    Succeeded,
    Failed,
    Refunded { amount: i64 },
    DisputeOpened,
    DisputeWon,
    DisputeLost,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaymentState {
    pub amount: i64,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    /// Refunded so far (never more than `amount`).
    pub refunded: i64,
}

impl PaymentState {
    /// A new payment: card and ACH start processing; offline and credit are settled at once.
    pub fn new(amount: i64, method: PaymentMethod) -> Result<Self, DomainError> {
        if amount <= 0 {
            return Err(DomainError::invalid("amount", "must be more than 0"));
        }
        let status = match method {
            PaymentMethod::Online | PaymentMethod::Card | PaymentMethod::Ach => PaymentStatus::Processing,
            PaymentMethod::Offline | PaymentMethod::Credit => PaymentStatus::Succeeded,
        };
        Ok(Self { amount, method, status, refunded: 0 })
    }

    /// A payment about to be made through Stripe Checkout: it counts for nothing until Stripe
    /// says the customer submitted it.
    pub fn started(amount: i64) -> Result<Self, DomainError> {
        if amount <= 0 {
            return Err(DomainError::invalid("amount", "must be more than 0"));
        }
        Ok(Self { amount, method: PaymentMethod::Online, status: PaymentStatus::Started, refunded: 0 })
    }

    /// What this payment contributes to what the invoice has been paid.
    pub fn net(&self) -> i64 {
        match self.status {
            PaymentStatus::Succeeded => self.amount - self.refunded,
            _ => 0,
        }
    }

    /// The next state, or why the event does not apply. Succeeding or failing twice, refunding
    /// more than was paid, or acting on a failed payment are errors, never silent changes.
    pub fn apply(&self, event: PaymentEvent) -> Result<Self, DomainError> {
        use PaymentEvent as E;
        use PaymentStatus as S;
        let invalid = || DomainError::InvalidTransition { from: status_name(self.status), event: event_name(event) };
        let mut next = self.clone();
        match (self.status, event) {
            (S::Started | S::Processing, E::Succeeded) => next.status = S::Succeeded,
            (S::Started | S::Processing, E::Failed) => next.status = S::Failed,
            (S::Succeeded, E::Refunded { amount }) if amount > 0 && amount <= self.amount - self.refunded => next.refunded += amount,
            (S::Succeeded, E::DisputeOpened) => next.status = S::Disputed,
            (S::Disputed, E::DisputeWon) => next.status = S::Succeeded,
            (S::Disputed, E::DisputeLost) => next.status = S::DisputeLost,
            _ => return Err(invalid()),
        }
        Ok(next)
    }
}

/// What a Stripe event says about a payment, stated so that it can be applied in any order
/// and any number of times: the result depends only on the set of facts seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum PaymentFact {
    /// Submitted and not settled (ACH).
    Processing,
    Succeeded,
    Failed,
    /// Refunded so far in total (Stripe's `amount_refunded`), not an increment.
    RefundedTotal {
        amount: i64,
    },
    DisputeOpened,
    DisputeClosed {
        won: bool,
    },
    /// The Checkout session closed without a payment.
    Expired,
}

impl PaymentState {
    /// The state after observing a fact, or `None` when the fact changes nothing (already
    /// known, or superseded by a later state). Facts imply what must have come before them: a
    /// refund or a dispute means the payment succeeded; a late "processing" or "failed" after
    /// success changes nothing.
    pub fn observe(&self, fact: PaymentFact) -> Result<Option<Self>, DomainError> {
        use PaymentFact as F;
        use PaymentStatus as S;
        let mut next = self.clone();
        let unsettled = matches!(self.status, S::Started | S::Processing | S::Failed | S::Canceled);
        match fact {
            F::Processing if matches!(self.status, S::Started | S::Canceled) => next.status = S::Processing,
            F::Processing => {}
            F::Expired if self.status == S::Started => next.status = S::Canceled,
            F::Expired => {}
            F::Failed if matches!(self.status, S::Started | S::Processing | S::Canceled) => next.status = S::Failed,
            F::Failed => {}
            F::Succeeded if unsettled => next.status = S::Succeeded,
            F::Succeeded => {}
            F::RefundedTotal { amount } => {
                if amount < 0 || amount > self.amount {
                    return Err(DomainError::invalid("amount_refunded", "is more than the payment"));
                }
                if unsettled {
                    next.status = S::Succeeded;
                }
                next.refunded = self.refunded.max(amount);
            }
            F::DisputeOpened if unsettled || self.status == S::Succeeded => next.status = S::Disputed,
            F::DisputeOpened => {}
            F::DisputeClosed { won } if self.status != S::DisputeLost => next.status = if won { S::Succeeded } else { S::DisputeLost },
            F::DisputeClosed { .. } => {}
        }
        Ok((next != *self).then_some(next))
    }
}

fn status_name(s: PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::Started => "started",
        PaymentStatus::Canceled => "canceled",
        PaymentStatus::Processing => "processing",
        PaymentStatus::Succeeded => "succeeded",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Disputed => "disputed",
        PaymentStatus::DisputeLost => "lost to a dispute",
    }
}

fn event_name(e: PaymentEvent) -> &'static str {
    match e {
        PaymentEvent::Succeeded => "succeed",
        PaymentEvent::Failed => "fail",
        PaymentEvent::Refunded { .. } => "refund",
        PaymentEvent::DisputeOpened => "dispute",
        PaymentEvent::DisputeWon => "win the dispute of",
        PaymentEvent::DisputeLost => "lose the dispute of",
    }
}

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Open,
    PartiallyPaid,
    Paid,
    Void,
}

impl InvoiceStatus {
    /// The stored and listed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::PartiallyPaid => "partially_paid",
            Self::Paid => "paid",
            Self::Void => "void",
        }
    }
}

/// An invoice's money, derived from its total and payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Ledger {
    pub total: i64,
    /// Succeeded payments less refunds (including account credit and a credited deposit).
    pub paid: i64,
    /// Submitted but not yet settled.
    pub pending: i64,
    /// What is still owed; never negative.
    pub balance: i64,
    /// Paid beyond the total (becomes account credit).
    pub overpaid: i64,
}

impl Ledger {
    pub fn of<'a>(total: i64, payments: impl IntoIterator<Item = &'a PaymentState>) -> Self {
        let (mut paid, mut pending) = (0i64, 0i64);
        for p in payments {
            paid = paid.saturating_add(p.net());
            if p.status == PaymentStatus::Processing {
                pending = pending.saturating_add(p.amount);
            }
        }
        Self { total, paid, pending, balance: (total - paid).max(0), overpaid: (paid - total).max(0) }
    }

    /// The status of a sent (not draft, not void) invoice.
    pub fn status(&self) -> InvoiceStatus {
        if self.balance == 0 {
            InvoiceStatus::Paid
        } else if self.paid > 0 {
            InvoiceStatus::PartiallyPaid
        } else {
            InvoiceStatus::Open
        }
    }

    /// What can be paid now: the balance less payments still on their way (a bank debit), so a
    /// customer is never asked to pay twice while ACH settles.
    pub fn payable(&self) -> i64 {
        (self.balance - self.pending).max(0)
    }

    /// Money on its way to this invoice (a bank debit still settling), never more than the
    /// balance it covers.
    pub fn processing(&self) -> i64 {
        self.pending.min(self.balance).max(0)
    }

    /// Overdue: something is still to be paid once `due_at` (the end of the due date in the
    /// contractor's time zone) has passed. A balance covered by a bank debit still settling is
    /// not overdue: the customer has paid.
    pub fn overdue(&self, due_at: jiff::Timestamp, now: jiff::Timestamp) -> bool {
        self.payable() > 0 && now >= due_at
    }
}
