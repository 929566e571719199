//! The outbox: messages written in the same transaction as the change that causes them
//! (a receipt with the payment that earns it), delivered afterwards by the sender.
//!
//! Delivery is at most once per claim: a sender claims a message (a conditional write from
//! `pending` to `sending` with a lease), sends it, then marks it `sent`. A second sender's
//! claim fails its condition, so two senders never send the same message. A send that fails
//! goes back to `pending` with a backoff; a sender that dies mid-send leaves the claim to
//! expire, after which the message is tried again (the only way a message can go out twice is
//! a crash between the provider accepting it and the `sent` mark).
use crate::keys;
use crate::record::{from_item, to_item};
use crate::table::{Cond, Put, Query, StoreError, Table, Write};
use jiff::Timestamp;
use portal_domain::ids::TenantId;
use portal_domain::outbox::{Envelope, Notice, OutboxMessage};

/// Sent messages are kept this long for the record, then expire.
const KEEP_SECONDS: i64 = 30 * 86_400;

/// The write that queues a message; put it in the transaction of the change that causes it.
pub fn enqueue(t: &TenantId, message: OutboxMessage) -> Result<Write, StoreError> {
    enqueue_envelope(t, Envelope::new(message))
}

/// [`enqueue`] with the envelope given (a message held back until `not_before`).
pub fn enqueue_envelope(t: &TenantId, e: Envelope) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("outbox", &keys::outbox(t, &e.message.id), &e)?))
}

/// Every message of a tenant's outbox, oldest first.
pub async fn all(table: &dyn Table, t: &TenantId) -> Result<Vec<Envelope>, StoreError> {
    let q = Query::partition(keys::outbox_pk(t)).prefix("MSG#");
    super::query_all(table, q).await?.into_iter().map(from_item).collect()
}

/// Messages ready to be tried now: pending past their backoff, or claimed by a sender whose
/// lease ran out.
pub async fn due(table: &dyn Table, t: &TenantId, now: Timestamp) -> Result<Vec<Envelope>, StoreError> {
    Ok(all(table, t).await?.into_iter().filter(|e| e.is_due(now)).collect())
}

fn put(t: &TenantId, e: &Envelope, expected_rev: u64, now: Timestamp) -> Result<Write, StoreError> {
    let mut item = to_item("outbox", &keys::outbox(t, &e.message.id), e)?;
    if e.delivery == portal_domain::outbox::Delivery::Sent {
        // A sign-in request is one per link asked for; nobody needs its record for long.
        let keep = if matches!(e.message.notice, Notice::SignInRequested { .. }) { 86_400 } else { KEEP_SECONDS };
        item.insert("ttl".into(), (now.as_second() + keep).into());
    }
    Ok(Write::Put(Put { item, cond: Some(Cond::eq("rev", expected_rev)) }))
}

/// Claims a message for sending. `Ok(None)` when another sender got it first.
pub async fn claim(table: &dyn Table, t: &TenantId, e: &Envelope, now: Timestamp) -> Result<Option<Envelope>, StoreError> {
    let next = e.claimed(now);
    match table.transact(vec![put(t, &next, e.rev, now)?]).await {
        Ok(()) => Ok(Some(next)),
        Err(StoreError::TransactionCancelled { .. } | StoreError::ConditionFailed) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Records the outcome of a claimed send ([`Envelope::finished`]).
pub async fn finish(table: &dyn Table, t: &TenantId, claimed: &Envelope, sent: bool, now: Timestamp) -> Result<(), StoreError> {
    table.transact(vec![put(t, &claimed.finished(sent, now), claimed.rev, now)?]).await
}
