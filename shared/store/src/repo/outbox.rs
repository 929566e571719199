//! The outbox: messages written in the same transaction as the change that causes them
//! (a receipt with the payment that earns it), delivered afterwards by the sender.
//!
//! Delivery is at most once per claim: a sender claims a message (a conditional write from
//! `pending` to `sending` with a lease), sends it, then marks it `sent`. A second sender's
//! claim fails its condition, so two senders never send the same message. A send that fails
//! goes back to `pending` with a backoff; a sender that dies mid-send leaves the claim to
//! expire, after which the message is tried again (the only way a message can go out twice is
//! a crash between the provider accepting it and the `sent` mark).
use jiff::Timestamp;
use portal_domain::ids::{AccountId, ContactId, EstimateId, InvoiceId, OutboxId, PaymentId, StaffId, TenantId};
use portal_domain::party::{Email, Phone};

use super::payments::Document;
use crate::keys;
use crate::record::{from_item, to_item};
use crate::table::{Cond, Put, Query, StoreError, Table, Write};

/// A message waiting in the outbox, written with the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutboxMessage {
    pub id: OutboxId,
    /// The customer account it is about (none for staff invitations).
    pub account: Option<AccountId>,
    pub created_at: Timestamp,
    #[serde(flatten)]
    pub notice: Notice,
}

/// What to tell the customer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// Money arrived: to the account's paying contacts.
    Receipt { document: Document, payment: PaymentId, amount: i64 },
    /// An estimate (version) was sent: to one contact, with a document link that opens it.
    EstimateSent {
        estimate: EstimateId,
        version: u32,
        contact: ContactId,
        /// The link's token until the message is sent, then removed (only its hash stays, in
        /// the link record).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    /// An invoice was sent: to one paying contact, with a document link that opens it (view, pay).
    InvoiceSent {
        invoice: InvoiceId,
        contact: ContactId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    /// A contact invited to the portal: a welcome with a sign-in link.
    PortalInvite {
        contact: ContactId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    /// A staff member invited to the admin page.
    StaffInvite {
        staff: StaffId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    /// Something the office should hear of, to the contractor's notification address.
    OfficeAlert { about: OfficeEvent },
    /// Someone asked for a sign-in link. The sender finds who the address belongs to, issues
    /// the links and sends them, so answering the request costs the same whether or not the
    /// address is on file (nothing to time).
    SignInRequested {
        /// What was asked, with where from; dropped once handled (an address that may be on
        /// no file is kept no longer than that).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ask: Option<SignInAsk>,
    },
}

/// What a customer did that the office hears of.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum OfficeEvent {
    EstimateApproved {
        estimate: EstimateId,
    },
    EstimateDeclined {
        estimate: EstimateId,
    },
    ChangesRequested {
        estimate: EstimateId,
    },
    /// An expired estimate: the customer asks for an updated one, with what they wrote.
    UpdateRequested {
        estimate: EstimateId,
        #[serde(default)]
        message: String,
    },
    PaymentReceived {
        document: Document,
        payment: PaymentId,
    },
    PaymentFailed {
        document: Document,
        payment: PaymentId,
    },
}

impl OfficeEvent {
    /// The outbox write that tells the office; put it in the transaction of the change.
    pub fn enqueue(
        self,
        ids: &dyn portal_domain::ports::Ids,
        t: &TenantId,
        account: &AccountId,
        now: Timestamp,
    ) -> Result<Write, StoreError> {
        let message = OutboxMessage {
            id: OutboxId::generate(ids),
            account: Some(account.clone()),
            created_at: now,
            notice: Notice::OfficeAlert { about: self },
        };
        enqueue(t, message)
    }
}

/// What a sign-in link was asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignInAsk {
    pub by: SignInBy,
    /// The requester's address and browser, for the `auth.link_sent` audit entry.
    pub ip: String,
    pub user_agent: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum SignInBy {
    /// A customer's email address, or (`admin`) a staff member's.
    Email {
        email: Email,
        #[serde(default)]
        admin: bool,
    },
    /// A customer's phone number.
    Phone { phone: Phone },
    /// A fresh link for whoever an old (expired or used) link was for: the hash of its token.
    Resend { link: String },
}

impl Notice {
    /// The notice without secrets, as kept once it is sent.
    pub fn redacted(&self) -> Self {
        match self {
            Self::EstimateSent { estimate, version, contact, .. } => {
                Self::EstimateSent { estimate: estimate.clone(), version: *version, contact: contact.clone(), token: None }
            }
            Self::InvoiceSent { invoice, contact, .. } => {
                Self::InvoiceSent { invoice: invoice.clone(), contact: contact.clone(), token: None }
            }
            Self::PortalInvite { contact, .. } => Self::PortalInvite { contact: contact.clone(), token: None },
            Self::StaffInvite { staff, .. } => Self::StaffInvite { staff: staff.clone(), token: None },
            Self::SignInRequested { .. } => Self::SignInRequested { ask: None },
            Self::Receipt { .. } | Self::OfficeAlert { .. } => self.clone(),
        }
    }
}

/// Where a message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Pending,
    Sending,
    Sent,
    /// Gave up after [`MAX_ATTEMPTS`]; the office sees it.
    Failed,
}

/// A message with its delivery state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Envelope {
    #[serde(flatten)]
    pub message: OutboxMessage,
    #[serde(default = "pending")]
    pub delivery: Delivery,
    #[serde(default)]
    pub attempts: u32,
    /// Not tried before this instant (backoff), or the claim's lease while sending.
    #[serde(default)]
    pub not_before: Option<Timestamp>,
    #[serde(default)]
    pub rev: u64,
}

fn pending() -> Delivery {
    Delivery::Pending
}

pub const MAX_ATTEMPTS: u32 = 8;
/// How long a claim holds before another sender may try the message.
const LEASE_SECONDS: i64 = 120;
/// Sent messages are kept this long for the record, then expire.
const KEEP_SECONDS: i64 = 30 * 86_400;

/// The write that queues a message; put it in the transaction of the change that causes it.
pub fn enqueue(t: &TenantId, message: OutboxMessage) -> Result<Write, StoreError> {
    let e = Envelope { message, delivery: Delivery::Pending, attempts: 0, not_before: None, rev: 0 };
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
    Ok(all(table, t)
        .await?
        .into_iter()
        .filter(|e| matches!(e.delivery, Delivery::Pending | Delivery::Sending) && e.not_before.is_none_or(|at| at <= now))
        .collect())
}

fn put(t: &TenantId, e: &Envelope, expected_rev: u64, now: Timestamp) -> Result<Write, StoreError> {
    let mut item = to_item("outbox", &keys::outbox(t, &e.message.id), e)?;
    if e.delivery == Delivery::Sent {
        // A sign-in request is one per link asked for; nobody needs its record for long.
        let keep = if matches!(e.message.notice, Notice::SignInRequested { .. }) { 86_400 } else { KEEP_SECONDS };
        item.insert("ttl".into(), (now.as_second() + keep).into());
    }
    Ok(Write::Put(Put { item, cond: Some(Cond::eq("rev", expected_rev)) }))
}

/// Claims a message for sending. `Ok(None)` when another sender got it first.
pub async fn claim(table: &dyn Table, t: &TenantId, e: &Envelope, now: Timestamp) -> Result<Option<Envelope>, StoreError> {
    let mut next = e.clone();
    next.delivery = Delivery::Sending;
    next.attempts += 1;
    next.not_before = now.checked_add(jiff::SignedDuration::from_secs(LEASE_SECONDS)).ok();
    next.rev = e.rev + 1;
    match table.transact(vec![put(t, &next, e.rev, now)?]).await {
        Ok(()) => Ok(Some(next)),
        Err(StoreError::TransactionCancelled { .. } | StoreError::ConditionFailed) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Records the outcome of a claimed send: sent, or back to pending with a backoff (failed for
/// good after [`MAX_ATTEMPTS`]).
pub async fn finish(table: &dyn Table, t: &TenantId, claimed: &Envelope, sent: bool, now: Timestamp) -> Result<(), StoreError> {
    let mut next = claimed.clone();
    next.rev = claimed.rev + 1;
    if sent {
        next.delivery = Delivery::Sent;
        next.not_before = None;
        next.message.notice = claimed.message.notice.redacted();
    } else if claimed.attempts >= MAX_ATTEMPTS {
        next.delivery = Delivery::Failed;
        next.message.notice = claimed.message.notice.redacted();
    } else {
        next.delivery = Delivery::Pending;
        // 30 s, 1 min, 2 min, ... capped at an hour.
        let backoff = (30i64 << claimed.attempts.min(7)).min(3_600);
        next.not_before = now.checked_add(jiff::SignedDuration::from_secs(backoff)).ok();
    }
    table.transact(vec![put(t, &next, claimed.rev, now)?]).await
}
