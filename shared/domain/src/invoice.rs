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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn line(qty: &str, price: i64, taxable: bool) -> LineItem {
        LineItem {
            id: "li_x".parse().unwrap_or_else(|_| unreachable!()),
            name: "x".into(),
            description: String::new(),
            quantity: qty.parse().unwrap_or_default(),
            unit_price: price,
            taxable,
        }
    }

    fn invoice(items: Vec<LineItem>, discount: Option<Discount>) -> InvoiceContent {
        InvoiceContent {
            items,
            discount,
            tax_rate: "8.25".parse().unwrap_or_default(),
            currency: Currency::usd(),
            due_date: jiff::civil::date(2026, 12, 15),
            memo: String::new(),
        }
    }

    #[test]
    fn a_discount_comes_off_before_tax_in_proportion() {
        // 600.00 taxable + 400.00 labour, 10 % off: 100.00 off, 60.00 of it on taxable lines.
        let c = invoice(
            vec![line("1", 60_000, true), line("4", 10_000, false)],
            Some(Discount::Percent { label: "Loyalty".into(), percent: Decimal::TEN }),
        );
        assert_eq!(
            c.totals().ok(),
            Some(InvoiceTotals { subtotal: 100_000, discount: 10_000, taxable: 54_000, tax: 4_455, total: 94_455 })
        );
        let fixed = invoice(vec![line("1", 5_000, true)], Some(Discount::Fixed { label: "Coupon".into(), amount: 9_000 }));
        assert_eq!(fixed.totals().map(|t| t.total).ok(), Some(0), "a discount never makes the total negative");
    }

    #[test]
    fn payments_move_through_their_states_once() {
        let p = PaymentState::new(10_000, PaymentMethod::Ach).unwrap_or_else(|_| unreachable!());
        assert_eq!(p.net(), 0, "processing money is not paid yet");
        let ok = p.apply(PaymentEvent::Succeeded).unwrap_or_else(|_| unreachable!());
        assert_eq!(ok.net(), 10_000);
        assert!(ok.apply(PaymentEvent::Succeeded).is_err(), "succeeding twice is refused");
        assert!(ok.apply(PaymentEvent::Refunded { amount: 10_001 }).is_err());
        let part = ok.apply(PaymentEvent::Refunded { amount: 2_500 }).unwrap_or_else(|_| unreachable!());
        assert_eq!(part.net(), 7_500);
        let disputed = part.apply(PaymentEvent::DisputeOpened).unwrap_or_else(|_| unreachable!());
        assert_eq!(disputed.net(), 0);
        assert_eq!(disputed.apply(PaymentEvent::DisputeWon).map(|p| p.net()).ok(), Some(7_500));
        assert!(p.apply(PaymentEvent::Failed).and_then(|f| f.apply(PaymentEvent::Succeeded)).is_err(), "a failed payment stays failed");
    }

    #[test]
    fn the_ledger_derives_status_and_balance() {
        let paid = |amount, method| PaymentState::new(amount, method).unwrap_or_else(|_| unreachable!());
        let l = Ledger::of(50_000, &[paid(20_000, PaymentMethod::Offline), paid(10_000, PaymentMethod::Card)]);
        assert_eq!((l.paid, l.pending, l.balance, l.status()), (20_000, 10_000, 30_000, InvoiceStatus::PartiallyPaid));
        let over = Ledger::of(10_000, &[paid(12_000, PaymentMethod::Offline)]);
        assert_eq!((over.balance, over.overpaid, over.status()), (0, 2_000, InvoiceStatus::Paid));
        let chicago = jiff::tz::TimeZone::get("America/Chicago").unwrap_or(jiff::tz::TimeZone::UTC);
        let due_at = crate::estimate::end_of_day(jiff::civil::date(2026, 12, 15), &chicago);
        let day_after = |d: i8| jiff::civil::date(2026, 12, d).to_zoned(chicago.clone()).map(|z| z.timestamp()).unwrap_or(due_at);
        assert!(l.overdue(due_at, day_after(16)));
        assert!(!l.overdue(due_at, day_after(15)), "the due date itself is not overdue");
        assert!(!over.overdue(due_at, day_after(31)));
    }

    fn arb_event() -> impl Strategy<Value = PaymentEvent> {
        prop_oneof![
            Just(PaymentEvent::Succeeded),
            Just(PaymentEvent::Failed),
            (1i64..20_000).prop_map(|amount| PaymentEvent::Refunded { amount }),
            Just(PaymentEvent::DisputeOpened),
            Just(PaymentEvent::DisputeWon),
            Just(PaymentEvent::DisputeLost),
        ]
    }

    fn arb_fact() -> impl Strategy<Value = PaymentFact> {
        prop_oneof![
            Just(PaymentFact::Processing),
            Just(PaymentFact::Succeeded),
            Just(PaymentFact::Failed),
            (0i64..=10_000).prop_map(|amount| PaymentFact::RefundedTotal { amount }),
            Just(PaymentFact::DisputeOpened),
            any::<bool>().prop_map(|won| PaymentFact::DisputeClosed { won }),
            Just(PaymentFact::Expired),
        ]
    }

    fn observe_all(facts: &[PaymentFact]) -> PaymentState {
        let mut p = PaymentState::started(10_000).unwrap_or_else(|_| unreachable!());
        for f in facts {
            if let Ok(Some(next)) = p.observe(*f) {
                p = next;
            }
        }
        p
    }

    #[test]
    fn an_open_checkout_counts_for_nothing_until_submitted() {
        let started = PaymentState::started(10_000).unwrap_or_else(|_| unreachable!());
        assert_eq!(Ledger::of(10_000, [&started]).pending, 0, "an open checkout is not pending money");
        assert_eq!(observe_all(&[PaymentFact::Expired]).status, PaymentStatus::Canceled);
        assert_eq!(observe_all(&[PaymentFact::Processing]).status, PaymentStatus::Processing);
        assert_eq!(observe_all(&[PaymentFact::Processing, PaymentFact::Expired]).status, PaymentStatus::Processing);
        assert_eq!(observe_all(&[PaymentFact::Expired, PaymentFact::Succeeded]).status, PaymentStatus::Succeeded);
    }

    #[test]
    fn a_late_processing_or_failure_does_not_undo_success() {
        let p = observe_all(&[PaymentFact::Succeeded, PaymentFact::Processing, PaymentFact::Failed]);
        assert_eq!(p.status, PaymentStatus::Succeeded);
        let refunded_first = observe_all(&[PaymentFact::RefundedTotal { amount: 3_000 }, PaymentFact::Succeeded]);
        assert_eq!((refunded_first.status, refunded_first.net()), (PaymentStatus::Succeeded, 7_000));
    }

    #[test]
    fn forty_seven_enormous_lines_at_full_tax_are_refused_by_field_not_wrapped() {
        let lines = (0..47).map(|_| line("1000000", 100_000_000_000, true)).collect();
        let mut c = invoice(lines, None);
        c.tax_rate = Decimal::ONE_HUNDRED;
        let named = matches!(c.validate(), Err(DomainError::Invalid(f)) if f.0.contains_key("items[0].unit_price") && f.0.contains_key("items[46].unit_price"));
        assert!(named, "refused with the fields named");
        assert!(c.totals().is_err(), "totals refuse rather than wrap or panic");
    }

    fn arb_price() -> impl Strategy<Value = i64> {
        use crate::estimate::MAX_UNIT_PRICE;
        prop_oneof![
            -MAX_UNIT_PRICE..=MAX_UNIT_PRICE,
            -1_000_000i64..=100_000_000,
            Just(MAX_UNIT_PRICE),
            Just(-MAX_UNIT_PRICE),
            Just(i64::MIN),
            Just(i64::MAX)
        ]
    }

    fn arb_quantity() -> impl Strategy<Value = Decimal> {
        use crate::estimate::MAX_QUANTITY;
        prop_oneof![
            (1i64..=MAX_QUANTITY).prop_map(Decimal::from),
            (1i64..=MAX_QUANTITY * 1000).prop_map(|q| Decimal::new(q, 3)),
            Just(Decimal::from(MAX_QUANTITY))
        ]
    }

    proptest! {
        /// Extreme inputs: an invoice is either refused with the offending fields named, or its
        /// totals add up exactly within the bounds; nothing panics, wraps or saturates.
        #[test]
        fn extreme_invoices_are_refused_or_total_exactly(
            items in prop::collection::vec((arb_quantity(), arb_price(), any::<bool>()), 1..60),
            rate in 0u32..=100,
            pct in 0u32..=100,
        ) {
            let lines = items.into_iter().map(|(quantity, p, t)| LineItem { quantity, ..line("1", p, t) }).collect();
            let discount = (pct > 0).then(|| Discount::Percent { label: "d".into(), percent: Decimal::from(pct) });
            let mut c = invoice(lines, discount);
            c.tax_rate = Decimal::from(rate);
            let totals = c.totals();
            match c.validate() {
                Ok(()) => {
                    let t = totals.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                    prop_assert!(t.subtotal.abs() <= MAX_AMOUNT && t.tax <= MAX_AMOUNT && t.total <= 2 * MAX_AMOUNT);
                    if t.subtotal - t.discount + t.tax >= 0 { prop_assert_eq!(t.total, t.subtotal - t.discount + t.tax); }
                }
                Err(DomainError::Invalid(f)) => prop_assert!(f.0.keys().all(|k| k.starts_with("items")), "{:?}", f),
                Err(other) => prop_assert!(false, "{:?}", other),
            }
        }

        /// Redelivering any fact changes nothing the second time.
        #[test]
        fn observing_a_fact_twice_changes_nothing_twice(facts in prop::collection::vec(arb_fact(), 0..10), last in arb_fact()) {
            let p = observe_all(&facts);
            if let Ok(Some(once)) = p.observe(last) {
                prop_assert_eq!(once.observe(last).ok().flatten(), None);
            }
        }

        /// Without disputes (whose open/close order matters), the outcome does not depend on
        /// the order events arrive in.
        #[test]
        fn settlement_and_refunds_do_not_depend_on_order(facts in prop::collection::vec(prop_oneof![
            Just(PaymentFact::Processing), Just(PaymentFact::Succeeded),
            (0i64..=10_000).prop_map(|amount| PaymentFact::RefundedTotal { amount }),
        ], 1..8), seed in any::<u64>()) {
            let mut shuffled = facts.clone();
            let n = shuffled.len();
            for i in (1..n).rev() { shuffled.swap(i, (seed as usize).wrapping_mul(i + 7) % (i + 1)); }
            prop_assert_eq!(observe_all(&facts), observe_all(&shuffled));
        }

        /// The ledger invariant of the payments issue: paid equals succeeded payments minus
        /// refunds, the balance is never negative, and no event is posted twice.
        #[test]
        fn the_ledger_invariant_holds_for_any_history(
            total in 0i64..1_000_000,
            payments in prop::collection::vec((1i64..100_000, 0usize..4, prop::collection::vec((arb_event(), any::<bool>()), 0..12)), 0..6)
        ) {
            let methods = [PaymentMethod::Card, PaymentMethod::Ach, PaymentMethod::Offline, PaymentMethod::Credit];
            let mut states = Vec::new();
            for (amount, m, events) in payments {
                let mut p = PaymentState::new(amount, methods[m]).unwrap_or_else(|_| unreachable!());
                let mut succeeded_events = 0;
                for (event, repeat) in events {
                    if let Ok(next) = p.apply(event) {
                        if event == PaymentEvent::Succeeded { succeeded_events += 1; }
                        // A redelivered event never changes anything a second time.
                        if repeat && !matches!(event, PaymentEvent::Refunded { .. }) {
                            prop_assert!(next.apply(event).is_err(), "{event:?} applied twice");
                        }
                        p = next;
                    }
                    prop_assert!(p.refunded >= 0 && p.refunded <= p.amount);
                }
                prop_assert!(succeeded_events <= 1);
                states.push(p);
            }
            let ledger = Ledger::of(total, &states);
            let expected: i64 = states.iter().filter(|p| p.status == PaymentStatus::Succeeded).map(|p| p.amount - p.refunded).sum();
            prop_assert_eq!(ledger.paid, expected);
            prop_assert!(ledger.balance >= 0);
            prop_assert_eq!(ledger.balance - ledger.overpaid, total - ledger.paid);
            prop_assert_eq!(ledger.status() == InvoiceStatus::Paid, ledger.balance == 0);
        }

        #[test]
        fn invoice_totals_add_up(items in prop::collection::vec((1i64..1000, 0u32..=2, -5_000i64..500_000, any::<bool>()), 1..15), pct in 0u32..=100) {
            let lines = items.into_iter().map(|(q, s, p, t)| LineItem { quantity: Decimal::new(q, s), ..line("1", p, t) }).collect();
            let discount = (pct > 0).then(|| Discount::Percent { label: "d".into(), percent: Decimal::from(pct) });
            let t = invoice(lines, discount).totals().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert!(t.discount >= 0 && t.tax >= 0 && t.total >= 0 && t.taxable >= 0);
            prop_assert!(t.discount <= t.subtotal.max(0));
            if t.subtotal - t.discount + t.tax >= 0 { prop_assert_eq!(t.total, t.subtotal - t.discount + t.tax); }
        }
    }
}

/// What a customer sees of invoices.
pub mod view {
    use jiff::Timestamp;
    use jiff::civil::Date;

    use super::{InvoiceContent, InvoiceStatus, InvoiceTotals, Ledger, PaymentMethod, PaymentStatus};

    /// One row of the invoices list.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    pub struct InvoiceSummary {
        pub id: String,
        pub number: String,
        /// What it is for (`Main panel upgrade`).
        pub title: String,
        /// The property's label (`Home`).
        pub property_label: Option<String>,
        pub status: InvoiceStatus,
        pub overdue: bool,
        pub total: i64,
        /// Still owed, including what is on its way.
        pub balance: i64,
        /// Of the balance, what a bank debit still settling covers: not to be paid again.
        pub processing: i64,
        pub currency: String,
        #[schema(value_type = String, format = Date)]
        pub due_date: Date,
        pub property: Option<String>,
    }

    /// A payment as the customer sees it.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    pub struct PaymentView {
        pub id: String,
        pub amount: i64,
        pub currency: String,
        pub method: PaymentMethod,
        pub status: PaymentStatus,
        pub refunded: i64,
        pub purpose: crate::payments::Purpose,
        /// The invoice or estimate paid (`inv_…`, `est_…`); none for account credit.
        pub document: Option<String>,
        /// What it paid, in words (`Invoice INV-2031`, `Deposit on estimate E-1042`).
        pub label: String,
        /// For credit applied to an invoice: the estimate whose deposit it was, or `account`.
        pub credit_source: Option<String>,
        /// The receipt's number for people (`R-1001`), once the receipt was made.
        pub receipt_number: Option<String>,
        #[schema(value_type = String, format = DateTime)]
        pub created_at: Timestamp,
        #[schema(value_type = String, format = DateTime)]
        pub updated_at: Timestamp,
    }

    /// How the customer may pay an invoice, under the contractor's rules.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    pub struct PayOptions {
        /// What can be paid now: the balance less payments still processing.
        pub payable: i64,
        pub partial_allowed: bool,
        /// The smallest partial payment (the whole payable amount is always allowed).
        pub partial_minimum: i64,
        /// `card`, and `us_bank_account` when the amount allows bank debit.
        pub methods: Vec<crate::payments::CheckoutMethod>,
        /// The smallest amount bank debit (ACH) is offered for, if there is one.
        pub ach_minimum: Option<i64>,
        pub card_fee_disclosure: Option<String>,
        /// Account credit that can be applied to this invoice.
        pub credit_available: i64,
        /// Why this session cannot pay (a read-only staff view, a view-only link, a viewer
        /// contact); `None` when it can. The options above still describe the invoice.
        pub blocked: Option<String>,
    }

    /// One invoice with its lines, totals, payments and balance.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    pub struct InvoiceView {
        pub id: String,
        pub number: String,
        /// What it is for, and where.
        pub title: String,
        pub property_label: Option<String>,
        pub status: InvoiceStatus,
        pub overdue: bool,
        pub content: InvoiceContent,
        pub totals: InvoiceTotals,
        pub ledger: Ledger,
        pub payments: Vec<PaymentView>,
        pub pay: PayOptions,
        #[schema(value_type = Option<String>, format = DateTime)]
        pub issued_at: Option<Timestamp>,
        pub property: Option<String>,
    }
}
