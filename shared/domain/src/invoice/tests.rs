//! The ledger, totals and payment states, by example and by property.
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
    assert_eq!(c.totals().ok(), Some(InvoiceTotals { subtotal: 100_000, discount: 10_000, taxable: 54_000, tax: 4_455, total: 94_455 }));
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
