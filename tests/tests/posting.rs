//! Posting Stripe events to the ledger exactly once, on the embedded store and on DynamoDB
//! (moto): duplicate, concurrent (50 deliveries of one event) and out-of-order deliveries,
//! and events that point at nothing we know.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jiff::Timestamp;
use portal_domain::invoice::{InvoiceContent, InvoiceStatus, Ledger, PaymentFact, PaymentMethod, PaymentState, PaymentStatus};
use portal_domain::ports::{Clock, RandomIds, SystemClock};
use portal_store::Table;
use portal_store::repo::audit;
use portal_store::repo::invoices::{self, Invoice, PaymentRecord, PaymentRef, Posted};

async fn embedded() -> Arc<dyn Table> {
    Arc::new(portal_embedded::Store::in_memory().unwrap().table())
}

async fn dynamodb() -> Arc<dyn Table> {
    let moto = portal_aws::moto::Moto::shared();
    let client = aws_sdk_dynamodb::Client::new(&moto.sdk_config());
    let name = portal_store::contract::ns();
    portal_aws::dynamo::create_table(&client, &name).await.unwrap();
    Arc::new(portal_aws::dynamo::DynamoTable::new(client, name))
}

/// An open invoice of 1,000.00 with one ACH payment of 400.00 still processing.
async fn invoice_with_payment(table: &dyn Table) -> PaymentRef {
    let now = SystemClock.now();
    let content = InvoiceContent {
        items: vec![portal_domain::estimate::LineItem {
            id: "li_work".parse().unwrap(),
            name: "Panel upgrade".into(),
            description: String::new(),
            quantity: "1".parse().unwrap(),
            unit_price: 100_000,
            taxable: false,
        }],
        discount: None,
        tax_rate: "0".parse().unwrap(),
        currency: portal_domain::money::Currency::usd(),
        due_date: jiff::civil::date(2026, 12, 31),
        memo: String::new(),
    };
    let totals = content.totals();
    let state = PaymentState::new(40_000, PaymentMethod::Ach).unwrap();
    let mut invoice = Invoice {
        id: "inv_panel".parse().unwrap(),
        tenant: format!("ten_{}", portal_store::contract::ns().trim_start_matches("ns_")).parse().unwrap(),
        account: "acc_whitfield".parse().unwrap(),
        property: None,
        number: "INV-2031".into(),
        status: InvoiceStatus::Open,
        content,
        ledger: Ledger::of(totals.total, []),
        due_at: now,
        issued_at: Some(now),
        created_at: now,
        rev: 1,
    };
    let payment = PaymentRecord {
        id: "pay_ach".parse().unwrap(),
        invoice: invoice.id.clone(),
        state: state.clone(),
        stripe_payment_intent: Some("pi_3MtwBwLkdIwHu7ix28a3tqPa".into()),
        created_at: now,
        updated_at: now,
        rev: 1,
    };
    table.transact(vec![invoices::create(&invoice).unwrap()]).await.unwrap();
    let before = invoice.rev;
    invoice.ledger = Ledger::of(totals.total, [&state]);
    invoice.rev += 1;
    table.transact(invoices::add_payment(&invoice, before, &payment).unwrap()).await.unwrap();
    PaymentRef { tenant: invoice.tenant, account: invoice.account, invoice: invoice.id, payment: payment.id }
}

async fn state(table: &dyn Table, at: &PaymentRef) -> (Invoice, PaymentRecord) {
    let b = invoices::load(table, &at.tenant, &at.account, &at.invoice).await.unwrap().unwrap();
    (b.invoice, b.payments.into_iter().next().unwrap())
}

async fn post(table: &dyn Table, at: &PaymentRef, fact: PaymentFact, event: &str) -> Posted {
    invoices::post(table, &RandomIds, at, fact, None, event, Timestamp::now()).await.unwrap()
}

async fn postings(table: &dyn Table, at: &PaymentRef) -> usize {
    audit::for_subject(table, &at.tenant, at.invoice.as_str(), 100).await.unwrap().len()
}

async fn a_redelivered_event_changes_nothing_twice(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let at = invoice_with_payment(t).await;
    assert!(matches!(post(t, &at, PaymentFact::Succeeded, "evt_1").await, Posted::Applied { ledger } if ledger.paid == 40_000));
    let (invoice, payment) = state(t, &at).await;
    assert_eq!(post(t, &at, PaymentFact::Succeeded, "evt_1").await, Posted::Duplicate);
    assert_eq!(state(t, &at).await, (invoice.clone(), payment), "nothing changed");
    assert_eq!((invoice.status, invoice.ledger.balance), (InvoiceStatus::PartiallyPaid, 60_000));
    assert_eq!(invoices::outbox(t, &at.tenant).await.unwrap().len(), 1, "one receipt");
    assert_eq!(postings(t, &at).await, 1);
    // The same fact under another event id (Stripe sends succeeded twice in different event
    // types) is recorded but changes nothing.
    assert_eq!(post(t, &at, PaymentFact::Succeeded, "evt_2").await, Posted::NoChange);
    assert_eq!(post(t, &at, PaymentFact::Succeeded, "evt_2").await, Posted::Duplicate);
}

async fn fifty_concurrent_deliveries_post_once(table: Arc<dyn Table>) {
    let at = Arc::new(invoice_with_payment(table.as_ref()).await);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (table, at) = (table.clone(), at.clone());
        tasks.push(tokio::spawn(async move {
            invoices::post(table.as_ref(), &RandomIds, &at, PaymentFact::Succeeded, None, "evt_once", Timestamp::now()).await
        }));
    }
    let mut applied = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(Posted::Applied { .. }) => applied += 1,
            Ok(Posted::Duplicate) => {}
            // A delivery that kept losing races is refused; Stripe delivers it again later.
            Err(e) => assert!(e.is_conflict(), "{e:?}"),
            Ok(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(applied, 1);
    let (invoice, payment) = state(table.as_ref(), &at).await;
    assert_eq!((payment.state.status, invoice.ledger.paid, invoice.ledger.balance), (PaymentStatus::Succeeded, 40_000, 60_000));
    assert_eq!(postings(table.as_ref(), &at).await, 1);
    assert_eq!(invoices::outbox(table.as_ref(), &at.tenant).await.unwrap().len(), 1);
}

async fn out_of_order_deliveries_end_in_the_same_state(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let facts = [
        (PaymentFact::Processing, "evt_a"),
        (PaymentFact::Succeeded, "evt_b"),
        (PaymentFact::RefundedTotal { amount: 10_000 }, "evt_c"),
        (PaymentFact::RefundedTotal { amount: 15_000 }, "evt_d"),
    ];
    let orders: [[usize; 4]; 4] = [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]];
    let mut outcomes = Vec::new();
    for order in orders {
        let at = invoice_with_payment(t).await;
        for i in order {
            post(t, &at, facts[i].0, facts[i].1).await;
        }
        let (invoice, payment) = state(t, &at).await;
        outcomes.push((payment.state.status, payment.state.refunded, invoice.ledger.paid, invoice.ledger.balance, invoice.status));
    }
    assert!(
        outcomes.iter().all(|o| *o == (PaymentStatus::Succeeded, 15_000, 25_000, 75_000, InvoiceStatus::PartiallyPaid)),
        "{outcomes:?}"
    );
}

async fn events_for_unknown_or_other_documents_change_nothing(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let at = invoice_with_payment(t).await;
    let before = state(t, &at).await;
    let elsewhere = [
        PaymentRef { invoice: "inv_nope".parse().unwrap(), ..at.clone() },
        PaymentRef { payment: "pay_nope".parse().unwrap(), ..at.clone() },
        PaymentRef { account: "acc_other".parse().unwrap(), ..at.clone() },
        PaymentRef { tenant: "ten_other".parse().unwrap(), ..at.clone() },
    ];
    for other in &elsewhere {
        assert_eq!(post(t, other, PaymentFact::Succeeded, "evt_x").await, Posted::Unknown, "{other:?}");
    }
    assert_eq!(state(t, &at).await, before);
    assert_eq!(postings(t, &at).await, 0);
}

macro_rules! on_both {
    ($($case:ident),*) => {
        mod embedded_store {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case(super::embedded().await).await } )*
        }
        mod dynamodb_on_moto {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case(super::dynamodb().await).await } )*
        }
    };
}

on_both!(
    a_redelivered_event_changes_nothing_twice,
    fifty_concurrent_deliveries_post_once,
    out_of_order_deliveries_end_in_the_same_state,
    events_for_unknown_or_other_documents_change_nothing
);
