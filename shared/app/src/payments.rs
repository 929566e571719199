//! Payments as use cases: posting one fact Stripe tells us exactly once, applying account
//! credit to an invoice, moving a deposit to the account, recording money the office
//! received. Each reads what it needs, decides with the domain's rules and writes everything
//! that goes together (payment, invoice ledger, audit entry, outbox) in one conditional
//! transaction.
use jiff::Timestamp;
use portal_domain::adoption::{Tally, paid};
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::ids::{AccountId, EstimateId, InvoiceId, OutboxId, PaymentId, TenantId};
use portal_domain::invoice::{Invoice, InvoiceBundle, Ledger, PaymentFact, PaymentMethod, PaymentState, PaymentStatus};
use portal_domain::outbox::{Notice, OfficeEvent, OutboxMessage};
use portal_domain::payment::{Document, GENERAL_CREDIT, PaymentRecord, PaymentRef, refund_share};
use portal_domain::ports::Ids;
use portal_store::repo::{audit, invoices, outbox, payments};
use portal_store::{StoreError, Table, Write};

use crate::Error;

/// Starts an online payment of `amount` on `document` before the customer is sent to Stripe's
/// Checkout: the payment (for "Pay balance", with a started part on each invoice of `parts`)
/// and the audit entry, in one transaction. Stripe's events then post to it ([`post`]).
pub async fn begin(
    act: &crate::Act<'_>,
    account: &AccountId,
    id: PaymentId,
    document: Document,
    parts: &[(InvoiceId, i64)],
    amount: i64,
) -> Result<PaymentRecord, Error> {
    let (t, a) = (&act.tenant, account);
    let mut payment = PaymentRecord::new(id, document.clone(), PaymentState::started(amount)?, act.now);
    let mut writes = Vec::with_capacity(parts.len() + 2);
    for (invoice, share) in parts {
        let part = PaymentRecord {
            batch: Some(payment.id.clone()),
            ..PaymentRecord::new(PaymentId::generate(act.ids), Document::Invoice(invoice.clone()), PaymentState::started(*share)?, act.now)
        };
        payment.parts.push(portal_domain::payment::Part { invoice: invoice.clone(), payment: part.id.clone(), amount: *share });
        writes.push(payments::create(t, a, &part)?);
    }
    let at = PaymentRef { tenant: t.clone(), account: a.clone(), document: document.clone(), payment: payment.id.clone() };
    let detail = serde_json::json!({ "payment": payment.id, "amount": amount, "purpose": document.purpose(), "parts": payment.parts });
    writes.push(payments::create(t, a, &payment)?);
    writes.push(act.audit("payment.started", at.subject(), Some(a), detail)?);
    act.table.transact(writes).await?;
    Ok(payment)
}

/// Re-reads after losing a race with another delivery, before giving up (Stripe retries).
const ATTEMPTS: usize = 6;

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
) -> Result<i64, Error> {
    let mut applied = 0i64;
    // At most two steps: the invoice's own deposit, then general credit.
    for _ in 0..2 {
        // One Query: the account's credit, and the invoice with its payments.
        let money = payments::all(table, t, a).await?;
        let bundle = money.invoice(invoice).ok_or(Error::NotFound("invoice"))?;
        if !bundle.invoice.accepts_payment() {
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
        let (payment, mut writes) = settled(
            table,
            ids,
            PaymentId::generate(ids),
            &bundle,
            amount,
            PaymentMethod::Credit,
            Some(from.clone()),
            actor.clone(),
            "credit.applied",
            origin,
            now,
        )
        .await?;
        writes.push(payments::credit_guard(&money, t, a, now)?);
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
) -> Result<i64, Error> {
    let money = payments::all(table, t, a).await?;
    let amount = money.deposit_unapplied(estimate);
    if amount <= 0 {
        return Ok(0);
    }
    let state = PaymentState::new(amount, PaymentMethod::Credit)?;
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
    let writes = vec![payments::create(t, a, &payment)?, payments::credit_guard(&money, t, a, now)?, audit::append(t, &audit)?];
    table.transact(writes).await?;
    Ok(amount)
}

/// A payment that is settled when written (account credit, or a cheque the office records),
/// with the invoice's ledger and the audit entry, conditional on the invoice's `rev`.
#[allow(clippy::too_many_arguments)]
async fn settled(
    table: &dyn Table,
    ids: &dyn Ids,
    id: PaymentId,
    bundle: &InvoiceBundle,
    amount: i64,
    method: PaymentMethod,
    credit_source: Option<String>,
    actor: Actor,
    action: &str,
    origin: &Origin,
    now: Timestamp,
) -> Result<(PaymentRecord, Vec<Write>), Error> {
    let state = PaymentState::new(amount, method)?;
    let invoice = &bundle.invoice;
    let payment = PaymentRecord { credit_source, ..PaymentRecord::new(id, Document::Invoice(invoice.id.clone()), state, now) };
    let mut inv = invoice.clone();
    inv.ledger = Ledger::of(inv.content.totals()?.total, bundle.payments.iter().map(|p| &p.state).chain([&payment.state]));
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
    let mut writes = vec![
        payments::create(&invoice.tenant, &invoice.account, &payment)?,
        invoices::save(&inv, invoice.rev)?,
        audit::append(&invoice.tenant, &audit)?,
    ];
    let after: Vec<PaymentRecord> = bundle.payments.iter().cloned().chain([payment.clone()]).collect();
    writes.extend(paid_writes(table, bundle, &inv, &after).await?);
    Ok((payment, writes))
}

/// The adoption counters' change when the invoice's payment in full changes (paid now, or no
/// longer), to go in the same transaction; nothing when it does not change.
async fn paid_writes(
    table: &dyn Table,
    before: &InvoiceBundle,
    invoice: &Invoice,
    payments: &[PaymentRecord],
) -> Result<Vec<Write>, Error> {
    let (was, is) = (paid(&before.invoice, &before.payments), paid(invoice, payments));
    if was == is {
        return Ok(Vec::new());
    }
    let zone = crate::stats::zone_of(table, &invoice.tenant, &invoice.time_zone).await?;
    let mut tally = Tally::default();
    tally.paid_change(was, is, &zone);
    let mut writes = crate::stats::writes(&invoice.tenant, &invoice.account, &tally);
    // The job the invoice bills shows it paid (or no longer) on its timeline.
    let paid_at = is.map(|p| p.at);
    writes.extend(crate::jobs::invoice_entry(invoice, paid_at)?);
    Ok(writes)
}

/// The writes that record money the office received outside the portal (a cheque, cash): a
/// settled payment on the invoice through the same ledger, with its audit entry (and the
/// office's note, kept as the payment's source) and the receipt in the outbox, conditional on
/// the invoice's `rev`. The caller has checked that the
/// invoice is sent and that `amount` is at most its balance.
pub async fn record_offline(
    act: &crate::Act<'_>,
    id: PaymentId,
    bundle: &InvoiceBundle,
    amount: i64,
    note: Option<&str>,
) -> Result<PaymentRecord, Error> {
    let (ids, now) = (act.ids, act.now);
    let (payment, mut writes) = settled(
        act.table,
        ids,
        id,
        bundle,
        amount,
        PaymentMethod::Offline,
        note.map(str::to_string),
        act.actor.clone(),
        "payment.recorded",
        &act.origin,
        now,
    )
    .await?;
    let i = &bundle.invoice;
    let at = PaymentRef {
        tenant: i.tenant.clone(),
        account: i.account.clone(),
        document: payment.document.clone(),
        payment: payment.id.clone(),
    };
    writes.push(receipt(ids, &at, &payment, now)?);
    act.table.transact(writes).await?;
    Ok(payment)
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

/// What the event says beyond the fact: ids to link and the method the customer chose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details<'a> {
    pub payment_intent: Option<&'a str>,
    pub method: Option<PaymentMethod>,
}

/// Reads the payment (with its invoice, for an invoice payment) in one round trip.
async fn read(table: &dyn Table, at: &PaymentRef) -> Result<Option<(PaymentRecord, Option<InvoiceBundle>)>, Error> {
    match &at.document {
        Document::Invoice(i) => {
            let Some(bundle) = invoices::load(table, &at.tenant, &at.account, i).await? else { return Ok(None) };
            let p = bundle.payments.iter().find(|p| p.id == at.payment).cloned();
            Ok(p.map(|p| (p, Some(bundle))))
        }
        d => Ok(payments::get(table, &at.tenant, &at.account, d, &at.payment).await?.map(|p| (p, None))),
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
) -> Result<Posted, Error> {
    if at.document != Document::Balance {
        return post_one(table, ids, at, fact, details, event_id, true, now).await;
    }
    let Some(checkout) = payments::get(table, &at.tenant, &at.account, &at.document, &at.payment).await? else {
        return Ok(Posted::Unknown);
    };
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
) -> Result<Posted, Error> {
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
                return match table.transact(vec![payments::event_write(&at.tenant, event_id, "no_change", now)?]).await {
                    Ok(()) => Ok(Posted::NoChange),
                    Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => Ok(Posted::Duplicate),
                    Err(StoreError::TransactionCancelled { .. }) => continue,
                    Err(e) => Err(e.into()),
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
        let mut writes = vec![
            payments::event_write(&at.tenant, event_id, "applied", now)?,
            payments::save(&at.tenant, &at.account, &payment, before.rev)?,
        ];
        let mut detail = serde_json::json!({
            "payment": payment.id, "event": event_id, "status": payment.state.status, "refunded": payment.state.refunded,
        });
        if let Some(mut bundle) = bundle {
            let was = bundle.clone();
            if let Some(slot) = bundle.payments.iter_mut().find(|p| p.id == payment.id) {
                *slot = payment.clone();
            }
            let invoice = &mut bundle.invoice;
            let expected = invoice.rev;
            invoice.ledger = Ledger::of(invoice.content.totals()?.total, bundle.payments.iter().map(|p| &p.state));
            if invoice.accepts_payment() {
                invoice.status = invoice.ledger.status();
            }
            invoice.rev += 1;
            detail["paid"] = invoice.ledger.paid.into();
            detail["balance"] = invoice.ledger.balance.into();
            writes.push(invoices::save(invoice, expected)?);
            writes.extend(paid_writes(table, &was, &bundle.invoice, &bundle.payments).await?);
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
        writes.push(audit::append(&at.tenant, &audit)?);
        if newly_paid && notify {
            writes.push(receipt(ids, at, &payment, now)?);
        }
        // The office hears of money arriving and of a payment that failed, once each.
        let newly_failed = before.state.status != PaymentStatus::Failed && payment.state.status == PaymentStatus::Failed;
        if notify && (newly_paid || newly_failed) {
            let (document, id) = (at.document.clone(), payment.id.clone());
            let about = if newly_paid {
                OfficeEvent::PaymentReceived { document, payment: id }
            } else {
                OfficeEvent::PaymentFailed { document, payment: id }
            };
            writes.push(outbox::enqueue(&at.tenant, about.message(ids, &at.account, now))?);
        }
        match table.transact(writes).await {
            Ok(()) => return Ok(Posted::Applied { status: payment.state.status }),
            Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => return Ok(Posted::Duplicate),
            // Another event for this payment or invoice won the race: read again and re-apply.
            Err(StoreError::TransactionCancelled { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::TransactionCancelled { failed: vec![] }.into())
}

fn receipt(ids: &dyn Ids, at: &PaymentRef, payment: &PaymentRecord, now: Timestamp) -> Result<Write, StoreError> {
    let message = OutboxMessage {
        id: OutboxId::generate(ids),
        account: Some(at.account.clone()),
        created_at: now,
        notice: Notice::Receipt { document: at.document.clone(), payment: payment.id.clone(), amount: payment.state.net() },
    };
    outbox::enqueue(&at.tenant, message)
}
