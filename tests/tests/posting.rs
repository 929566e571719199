//! Posting Stripe events to the ledger exactly once, on the embedded store and on DynamoDB
//! (moto): duplicate, concurrent (50 deliveries of one event) and out-of-order deliveries,
//! and events that point at nothing we know; the same for a "Pay balance" Checkout over
//! several invoices, and a delivery that stopped half-way through one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jiff::Timestamp;
use portal_app::payments::{Details, Posted};
use portal_domain::invoice::Invoice;
use portal_domain::invoice::{InvoiceContent, InvoiceStatus, Ledger, PaymentFact, PaymentMethod, PaymentState, PaymentStatus};
use portal_domain::payment::PaymentRecord;
use portal_domain::payment::{Document, PaymentRef};
use portal_domain::ports::{Clock, RandomIds, SystemClock};
use portal_store::Table;
use portal_store::repo::invoices;
use portal_store::repo::payments;
use portal_store::repo::{audit, outbox};

async fn embedded() -> Arc<dyn Table> {
    Arc::new(portal_embedded::Store::in_memory().unwrap().table())
}

async fn dynamodb() -> Arc<dyn Table> {
    let moto = portal_testkit::moto::Moto::shared();
    let client = aws_sdk_dynamodb::Client::new(&moto.sdk_config());
    let name = portal_testkit::ns();
    portal_aws::dynamo::create_table(&client, &name).await.unwrap();
    Arc::new(portal_aws::dynamo::DynamoTable::new(client, name))
}

/// A tenant of its own for each test (the DynamoDB table is shared).
fn a_tenant() -> portal_domain::ids::TenantId {
    format!("ten_{}", portal_testkit::ns().trim_start_matches("ns_")).parse().unwrap()
}

/// An open invoice of `amount` with one line and no tax, nothing paid yet.
fn open_invoice(tenant: &portal_domain::ids::TenantId, id: &str, number: &str, amount: i64) -> Invoice {
    let now = SystemClock.now();
    let content = InvoiceContent {
        items: vec![portal_domain::estimate::LineItem {
            id: "li_work".parse().unwrap(),
            name: "Panel upgrade".into(),
            description: String::new(),
            quantity: "1".parse().unwrap(),
            unit_price: amount,
            taxable: false,
        }],
        discount: None,
        tax_rate: "0".parse().unwrap(),
        currency: portal_domain::money::Currency::usd(),
        due_date: jiff::civil::date(2026, 12, 31),
        memo: String::new(),
    };
    Invoice {
        id: id.parse().unwrap(),
        tenant: tenant.clone(),
        account: "acc_whitfield".parse().unwrap(),
        property: None,
        estimate: None,
        job: None,
        number: number.into(),
        title: "Kitchen circuits".into(),
        property_label: None,
        status: InvoiceStatus::Open,
        ledger: Ledger::of(content.totals().unwrap().total, []),
        content,
        due_at: now,
        issued_at: Some(now),
        sent_at: None,
        created_at: now,
        time_zone: "America/Chicago".into(),
        rev: 1,
    }
}

/// An open invoice of 1,000.00 with one ACH payment of 400.00 still processing.
async fn invoice_with_payment(table: &dyn Table) -> PaymentRef {
    let now = SystemClock.now();
    let state = PaymentState::new(40_000, PaymentMethod::Ach).unwrap();
    let mut invoice = open_invoice(&a_tenant(), "inv_panel", "INV-2031", 100_000);
    let totals = invoice.content.totals().unwrap();
    let payment = PaymentRecord {
        stripe_payment_intent: Some("pi_3MtwBwLkdIwHu7ix28a3tqPa".into()),
        rev: 1,
        ..PaymentRecord::new("pay_ach".parse().unwrap(), Document::Invoice(invoice.id.clone()), state.clone(), now)
    };
    table.transact(vec![invoices::create(&invoice).unwrap()]).await.unwrap();
    let before = invoice.rev;
    invoice.ledger = Ledger::of(totals.total, [&state]);
    invoice.rev += 1;
    table.transact(invoices::add_payment(&invoice, before, &payment).unwrap()).await.unwrap();
    PaymentRef { tenant: invoice.tenant, account: invoice.account, document: Document::Invoice(invoice.id), payment: payment.id }
}

fn invoice_id(at: &PaymentRef) -> &portal_domain::ids::InvoiceId {
    match &at.document {
        Document::Invoice(i) => i,
        other => panic!("not an invoice payment: {other:?}"),
    }
}

async fn state(table: &dyn Table, at: &PaymentRef) -> (Invoice, PaymentRecord) {
    let b = invoices::load(table, &at.tenant, &at.account, invoice_id(at)).await.unwrap().unwrap();
    (b.invoice, b.payments.into_iter().next().unwrap())
}

async fn post(table: &dyn Table, at: &PaymentRef, fact: PaymentFact, event: &str) -> Posted {
    portal_app::payments::post(table, &RandomIds, at, fact, &Details::default(), event, Timestamp::now()).await.unwrap()
}

async fn postings(table: &dyn Table, at: &PaymentRef) -> usize {
    audit::for_subject(table, &at.tenant, &at.document.reference(&at.account), 100).await.unwrap().len()
}

async fn a_redelivered_event_changes_nothing_twice(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let at = invoice_with_payment(t).await;
    assert_eq!(post(t, &at, PaymentFact::Succeeded, "evt_1").await, Posted::Applied { status: PaymentStatus::Succeeded });
    let (invoice, payment) = state(t, &at).await;
    assert_eq!(post(t, &at, PaymentFact::Succeeded, "evt_1").await, Posted::Duplicate);
    assert_eq!(state(t, &at).await, (invoice.clone(), payment), "nothing changed");
    assert_eq!((invoice.status, invoice.ledger.balance), (InvoiceStatus::PartiallyPaid, 60_000));
    assert_eq!(receipts(t, &at).await, 1, "one receipt");
    assert_eq!(outbox::all(t, &at.tenant).await.unwrap().len(), 2, "the receipt and the office's notice");
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
            portal_app::payments::post(
                table.as_ref(),
                &RandomIds,
                &at,
                PaymentFact::Succeeded,
                &Details::default(),
                "evt_once",
                Timestamp::now(),
            )
            .await
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
    assert_eq!(receipts(table.as_ref(), &at).await, 1);
    assert_eq!(outbox::all(table.as_ref(), &at.tenant).await.unwrap().len(), 2, "one receipt and one office notice");
}

/// Receipts in the tenant's outbox.
async fn receipts(t: &dyn Table, at: &PaymentRef) -> usize {
    outbox::all(t, &at.tenant)
        .await
        .unwrap()
        .iter()
        .filter(|e| matches!(e.message.notice, portal_domain::outbox::Notice::Receipt { .. }))
        .count()
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
        PaymentRef { document: Document::Invoice("inv_nope".parse().unwrap()), ..at.clone() },
        PaymentRef { document: Document::Estimate("est_nope".parse().unwrap()), ..at.clone() },
        PaymentRef { document: Document::Account, ..at.clone() },
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

/// A deposit paid on an estimate is held for it (not the account's general credit); crediting
/// it to the invoice pays the invoice once, and two applications racing cannot spend it twice.
async fn a_deposit_is_credited_on_the_invoice_once(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let at = invoice_with_payment(t).await;
    let now = Timestamp::now();
    let estimate: portal_domain::ids::EstimateId = "est_panel".parse().unwrap();
    let deposit = PaymentRecord {
        checkout_session: Some("cs_test_1".into()),
        ..PaymentRecord::new(
            "pay_deposit".parse().unwrap(),
            Document::Estimate(estimate.clone()),
            PaymentState::started(25_000).unwrap(),
            now,
        )
    };
    t.transact(vec![payments::create(&at.tenant, &at.account, &deposit).unwrap()]).await.unwrap();
    let dep = PaymentRef { document: Document::Estimate(estimate.clone()), payment: deposit.id.clone(), ..at.clone() };
    let details = Details { payment_intent: Some("pi_deposit"), method: Some(PaymentMethod::Card) };
    let posted = portal_app::payments::post(t, &RandomIds, &dep, PaymentFact::Succeeded, &details, "evt_dep", now).await.unwrap();
    assert_eq!(posted, Posted::Applied { status: PaymentStatus::Succeeded });
    assert_eq!(payments::find_by_payment_intent(t, &at.tenant, "pi_deposit").await.unwrap(), Some(dep.clone()));
    let money = payments::all(t, &at.tenant, &at.account).await.unwrap();
    assert_eq!((money.credit().available, money.deposit_unapplied(&estimate)), (0, 25_000), "held for its estimate");
    let paid = money.payments.iter().find(|p| p.id == deposit.id).unwrap();
    assert_eq!(paid.state.method, PaymentMethod::Card, "the method the event named");

    let apply = |table: Arc<dyn Table>, at: PaymentRef, estimate: portal_domain::ids::EstimateId| async move {
        let actor = portal_domain::audit::Actor::Stripe;
        let origin = portal_domain::audit::Origin::default();
        portal_app::payments::apply_credit(
            table.as_ref(),
            &RandomIds,
            invoice_id(&at),
            &at.tenant,
            &at.account,
            None,
            Some(&estimate),
            actor,
            &origin,
            Timestamp::now(),
        )
        .await
    };
    let (a, b) = tokio::join!(apply(table.clone(), at.clone(), estimate.clone()), apply(table.clone(), at.clone(), estimate.clone()));
    let applied: i64 = [a, b].into_iter().map(|r| r.unwrap_or(0)).sum();
    let again = apply(table.clone(), at.clone(), estimate.clone()).await.unwrap();
    assert_eq!(applied + again, 25_000, "the deposit is credited once");
    let (invoice, _) = state(t, &at).await;
    assert_eq!((invoice.ledger.paid, invoice.ledger.balance, invoice.status), (25_000, 75_000, InvoiceStatus::PartiallyPaid));
    let money = payments::all(t, &at.tenant, &at.account).await.unwrap();
    assert_eq!((money.credit().available, money.deposit_unapplied(&estimate)), (0, 0));
}

/// Two senders racing over the outbox send each receipt once.
async fn the_outbox_sends_each_receipt_once(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let at = invoice_with_payment(t).await;
    post(t, &at, PaymentFact::Succeeded, "evt_paid").await;
    let due: Vec<_> = outbox::due(t, &at.tenant, Timestamp::now())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.message.notice, portal_domain::outbox::Notice::Receipt { .. }))
        .collect();
    assert_eq!(due.len(), 1);
    let (a, b) =
        tokio::join!(outbox::claim(t, &at.tenant, &due[0], Timestamp::now()), outbox::claim(t, &at.tenant, &due[0], Timestamp::now()));
    let claimed: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(claimed.len(), 1, "one sender wins the claim");
    let due_now = outbox::due(t, &at.tenant, Timestamp::now()).await.unwrap();
    assert!(!due_now.iter().any(|e| e.message.id == claimed[0].message.id), "a claimed message is not due while its lease holds");
    outbox::finish(t, &at.tenant, &claimed[0], true, Timestamp::now()).await.unwrap();
    let all = outbox::all(t, &at.tenant).await.unwrap();
    assert_eq!(all.iter().find(|e| e.message.id == claimed[0].message.id).map(|e| e.delivery), Some(portal_domain::outbox::Delivery::Sent));
    let later = Timestamp::now().checked_add(jiff::SignedDuration::from_hours(2)).unwrap();
    let due_later = outbox::due(t, &at.tenant, later).await.unwrap();
    assert!(!due_later.iter().any(|e| e.message.id == claimed[0].message.id), "a sent message is never due again");
}

/// Three open invoices (300.00, 200.00 and 100.00) of one account and a "Pay balance"
/// Checkout over them, as the pay function writes it: the Checkout's payment lists a started
/// part on each invoice.
async fn balance_checkout(table: &dyn Table) -> (PaymentRef, Vec<PaymentRef>) {
    let now = SystemClock.now();
    let tenant = a_tenant();
    let account: portal_domain::ids::AccountId = "acc_whitfield".parse().unwrap();
    let header_id: portal_domain::ids::PaymentId = "pay_balance".parse().unwrap();
    let mut header = PaymentRecord::new(header_id.clone(), Document::Balance, PaymentState::started(60_000).unwrap(), now);
    let mut writes = Vec::new();
    let mut parts = Vec::new();
    for (n, amount) in [30_000i64, 20_000, 10_000].into_iter().enumerate() {
        let invoice = open_invoice(&tenant, &format!("inv_part{n}"), &format!("INV-30{n}"), amount);
        let part = PaymentRecord {
            batch: Some(header_id.clone()),
            ..PaymentRecord::new(
                format!("pay_part{n}").parse().unwrap(),
                Document::Invoice(invoice.id.clone()),
                PaymentState::started(amount).unwrap(),
                now,
            )
        };
        header.parts.push(portal_domain::payment::Part { invoice: invoice.id.clone(), payment: part.id.clone(), amount });
        writes.push(invoices::create(&invoice).unwrap());
        writes.push(payments::create(&tenant, &account, &part).unwrap());
        parts.push(PaymentRef { tenant: tenant.clone(), account: account.clone(), document: part.document, payment: part.id });
    }
    writes.push(payments::create(&tenant, &account, &header).unwrap());
    table.transact(writes).await.unwrap();
    (PaymentRef { tenant, account, document: Document::Balance, payment: header_id }, parts)
}

/// Each part's payment and invoice, and how many times the invoice was posted to.
async fn parts_state(t: &dyn Table, parts: &[PaymentRef]) -> Vec<(PaymentStatus, i64, i64, InvoiceStatus, usize)> {
    let mut out = Vec::new();
    for at in parts {
        let b = invoices::load(t, &at.tenant, &at.account, invoice_id(at)).await.unwrap().unwrap();
        let p = b.payments.iter().find(|p| p.id == at.payment).unwrap();
        let posted = audit::for_subject(t, &at.tenant, &at.document.reference(&at.account), 100)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "payment.updated")
            .count();
        out.push((p.state.status, p.state.refunded, b.invoice.ledger.balance, b.invoice.status, posted));
    }
    out
}

const PI: Details<'static> = Details { payment_intent: Some("pi_balance"), method: Some(PaymentMethod::Card) };

/// "Pay balance": one Checkout's success is posted to every invoice it paid, once, with one
/// receipt and one notice to the office; a redelivery changes nothing; later events that name
/// only the PaymentIntent find the Checkout, not one of its parts.
async fn a_balance_checkout_posts_to_each_invoice_once(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let (at, parts) = balance_checkout(t).await;
    let posted = portal_app::payments::post(t, &RandomIds, &at, PaymentFact::Succeeded, &PI, "evt_bal", Timestamp::now()).await.unwrap();
    assert_eq!(posted, Posted::Applied { status: PaymentStatus::Succeeded });
    let paid = vec![(PaymentStatus::Succeeded, 0, 0, InvoiceStatus::Paid, 1); 3];
    assert_eq!(parts_state(t, &parts).await, paid);
    let again = portal_app::payments::post(t, &RandomIds, &at, PaymentFact::Succeeded, &PI, "evt_bal", Timestamp::now()).await.unwrap();
    assert_eq!(again, Posted::Duplicate);
    assert_eq!(parts_state(t, &parts).await, paid, "nothing posted twice");
    assert_eq!(receipts(t, &at).await, 1, "one receipt for the one payment");
    assert_eq!(outbox::all(t, &at.tenant).await.unwrap().len(), 2, "the receipt and the office's notice");
    assert_eq!(payments::find_by_payment_intent(t, &at.tenant, "pi_balance").await.unwrap(), Some(at.clone()));
    let money = payments::all(t, &at.tenant, &at.account).await.unwrap();
    let header = money.payments.iter().find(|p| p.id == at.payment).unwrap();
    assert_eq!(money.credit().available, 0, "paying invoices buys no credit");
    assert_eq!(money.view(header, &portal_domain::money::Currency::usd()).label, "Balance: invoices INV-300, INV-301 and INV-302");
}

async fn fifty_concurrent_balance_deliveries_post_once(table: Arc<dyn Table>) {
    let (at, parts) = balance_checkout(table.as_ref()).await;
    let at = Arc::new(at);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (table, at) = (table.clone(), at.clone());
        tasks.push(tokio::spawn(async move {
            portal_app::payments::post(table.as_ref(), &RandomIds, &at, PaymentFact::Succeeded, &PI, "evt_storm", Timestamp::now()).await
        }));
    }
    for task in tasks {
        match task.await.unwrap() {
            Ok(Posted::Applied { .. } | Posted::Duplicate) => {}
            Err(e) => assert!(e.is_conflict(), "{e:?}"),
            Ok(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(parts_state(table.as_ref(), &parts).await, vec![(PaymentStatus::Succeeded, 0, 0, InvoiceStatus::Paid, 1); 3]);
    assert_eq!(receipts(table.as_ref(), &at).await, 1);
}

/// Facts in any order end the same; a refund falls on the last invoice first.
async fn balance_deliveries_in_any_order_end_in_the_same_state(table: Arc<dyn Table>) {
    let t = table.as_ref();
    let facts = [
        (PaymentFact::Processing, "evt_a"),
        (PaymentFact::Succeeded, "evt_b"),
        (PaymentFact::RefundedTotal { amount: 25_000 }, "evt_c"),
        (PaymentFact::RefundedTotal { amount: 35_000 }, "evt_d"),
    ];
    let orders: [[usize; 4]; 4] = [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]];
    for order in orders {
        let (at, parts) = balance_checkout(t).await;
        for i in order {
            portal_app::payments::post(t, &RandomIds, &at, facts[i].0, &PI, facts[i].1, Timestamp::now()).await.unwrap();
        }
        let s = parts_state(t, &parts).await;
        let outcome: Vec<(PaymentStatus, i64, i64, InvoiceStatus)> = s.iter().map(|x| (x.0, x.1, x.2, x.3)).collect();
        assert_eq!(
            outcome,
            vec![
                (PaymentStatus::Succeeded, 5_000, 5_000, InvoiceStatus::PartiallyPaid),
                (PaymentStatus::Succeeded, 20_000, 20_000, InvoiceStatus::Open),
                (PaymentStatus::Succeeded, 10_000, 10_000, InvoiceStatus::Open),
            ],
            "order {order:?}"
        );
        let header = payments::get(t, &at.tenant, &at.account, &Document::Balance, &at.payment).await.unwrap().unwrap();
        assert_eq!((header.state.status, header.state.refunded), (PaymentStatus::Succeeded, 35_000));
    }
}

/// A table whose `n`-th transaction fails as if the function stopped there.
fn stops_at(inner: Arc<dyn Table>, n: usize) -> portal_testkit::interfering::Interfering {
    portal_testkit::interfering::Interfering::new(inner, move |i| {
        (i == n).then(|| portal_store::StoreError::Unavailable { what: "stopped".into(), source: None })
    })
}

/// A delivery that stopped after the first invoice was posted is finished by Stripe's next
/// delivery of the same event: the rest are posted, nothing twice, and the receipt goes out
/// only once every invoice is paid.
async fn a_balance_delivery_that_stopped_half_way_is_finished_by_the_next(table: Arc<dyn Table>) {
    let (at, parts) = balance_checkout(table.as_ref()).await;
    let stops = stops_at(table.clone(), 2);
    assert!(portal_app::payments::post(&stops, &RandomIds, &at, PaymentFact::Succeeded, &PI, "evt_half", Timestamp::now()).await.is_err());
    let half = parts_state(table.as_ref(), &parts).await;
    assert_eq!(half.iter().map(|x| x.3).collect::<Vec<_>>(), vec![InvoiceStatus::Paid, InvoiceStatus::Open, InvoiceStatus::Open]);
    assert_eq!(receipts(table.as_ref(), &at).await, 0, "no receipt while invoices are still open");
    let next = portal_app::payments::post(table.as_ref(), &RandomIds, &at, PaymentFact::Succeeded, &PI, "evt_half", Timestamp::now()).await;
    assert_eq!(next.unwrap(), Posted::Applied { status: PaymentStatus::Succeeded }, "the rest was posted");
    assert_eq!(parts_state(table.as_ref(), &parts).await, vec![(PaymentStatus::Succeeded, 0, 0, InvoiceStatus::Paid, 1); 3]);
    assert_eq!(receipts(table.as_ref(), &at).await, 1);
}

#[test]
fn a_refund_falls_on_the_last_part_first_and_never_beyond_a_part() {
    let part = |amount| portal_domain::payment::Part { invoice: "inv_x".parse().unwrap(), payment: "pay_x".parse().unwrap(), amount };
    let parts = [part(30_000), part(20_000), part(10_000)];
    let shares = |total| (0..3).map(|i| portal_domain::payment::refund_share(&parts, i, total)).collect::<Vec<_>>();
    assert_eq!(shares(0), vec![0, 0, 0]);
    assert_eq!(shares(5_000), vec![0, 0, 5_000]);
    assert_eq!(shares(35_000), vec![5_000, 20_000, 10_000]);
    assert_eq!(shares(60_000), vec![30_000, 20_000, 10_000]);
    for total in (0..=60_000).step_by(1_250) {
        assert_eq!(shares(total).iter().sum::<i64>(), total, "the shares add up to the refund");
    }
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
    events_for_unknown_or_other_documents_change_nothing,
    a_deposit_is_credited_on_the_invoice_once,
    the_outbox_sends_each_receipt_once,
    a_balance_checkout_posts_to_each_invoice_once,
    fifty_concurrent_balance_deliveries_post_once,
    balance_deliveries_in_any_order_end_in_the_same_state,
    a_balance_delivery_that_stopped_half_way_is_finished_by_the_next
);
