//! The outbox's messages: what a change tells a customer, a staff member or the office,
//! written in the same transaction as the change and delivered afterwards by the sender
//! (`portal_app::notify`). Their delivery is a small state machine: pending, claimed for
//! sending under a lease, sent, or failed for good after [`MAX_ATTEMPTS`], with a backoff
//! between attempts.
use jiff::Timestamp;

use crate::ids::{AccountId, ContactId, EstimateId, InvoiceId, JobId, OutboxId, PaymentId, RescheduleId, StaffId, VisitId};
use crate::party::{Email, Phone};
use crate::payment::Document;
use crate::ports::Ids;

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
    /// A visit was booked, moved or cancelled (email with its calendar file), or its
    /// technician set off: to the contacts who see the job's property.
    Visit { job: JobId, visit: VisitId, change: VisitChange },
    /// A job was completed: what was done, with links to the job and its invoice.
    JobCompleted { job: JobId },
    /// A completed job's customer is asked, once, to rate it: to the contacts who see the
    /// job, each with a link that opens its Rate us page (issued when it is sent).
    ReviewRequest { job: JobId },
    /// A work request's status changed (in review, estimate on its way, declined): to the
    /// contact who asked.
    RequestUpdate { request: crate::ids::RequestId },
    /// Staff wrote in a thread: the staff messages from `since` on (gathered for two
    /// minutes), to the contacts who see the thread, with a link that opens it.
    ThreadReply { about: crate::message::About, since: Timestamp },
}

/// What happened to a visit that its customer hears of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitChange {
    Scheduled,
    Moved,
    Cancelled,
    OnTheWay,
    /// The office answered the customer's request with a message, keeping the visit.
    Declined,
}

impl Notice {
    /// The outbox message carrying this notice about `account`.
    pub fn message(self, ids: &dyn Ids, account: &AccountId, now: Timestamp) -> OutboxMessage {
        OutboxMessage { id: OutboxId::generate(ids), account: Some(account.clone()), created_at: now, notice: self }
    }
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
    /// The customer confirmed a visit's window.
    VisitConfirmed {
        job: JobId,
        visit: VisitId,
    },
    /// The customer asks to move (with preferred windows) or cancel a visit.
    VisitChangeAsked {
        job: JobId,
        visit: VisitId,
        request: RescheduleId,
    },
    /// A customer rated a job [`crate::review::FOLLOW_UP_AT_OR_BELOW`] stars or fewer: a
    /// follow-up is open.
    LowRating {
        job: JobId,
        /// The score that opened it (the rating may change before this is sent).
        stars: u8,
    },
    /// A new work request (from the portal or the public form).
    WorkRequested {
        request: crate::ids::RequestId,
    },
    /// A customer wrote in a thread: to the staff member it is assigned to, else the office.
    MessageReceived {
        about: crate::message::About,
        message: crate::ids::MessageId,
    },
}

impl OfficeEvent {
    /// The outbox message that tells the office; queue it in the transaction of the change.
    pub fn message(self, ids: &dyn Ids, account: &AccountId, now: Timestamp) -> OutboxMessage {
        OutboxMessage {
            id: OutboxId::generate(ids),
            account: Some(account.clone()),
            created_at: now,
            notice: Notice::OfficeAlert { about: self },
        }
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
            Self::Receipt { .. }
            | Self::OfficeAlert { .. }
            | Self::Visit { .. }
            | Self::JobCompleted { .. }
            | Self::ReviewRequest { .. }
            | Self::RequestUpdate { .. }
            | Self::ThreadReply { .. } => self.clone(),
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
pub const LEASE_SECONDS: i64 = 120;

impl Envelope {
    /// A new message, waiting to be sent.
    pub fn new(message: OutboxMessage) -> Self {
        Self { message, delivery: Delivery::Pending, attempts: 0, not_before: None, rev: 0 }
    }

    /// Whether a sender may try it now: pending past its backoff, or claimed by a sender whose
    /// lease ran out.
    pub fn is_due(&self, now: Timestamp) -> bool {
        matches!(self.delivery, Delivery::Pending | Delivery::Sending) && self.not_before.is_none_or(|at| at <= now)
    }

    /// The envelope as a sender claims it: sending, one more attempt, under a lease.
    pub fn claimed(&self, now: Timestamp) -> Self {
        let mut next = self.clone();
        next.delivery = Delivery::Sending;
        next.attempts += 1;
        next.not_before = now.checked_add(jiff::SignedDuration::from_secs(LEASE_SECONDS)).ok();
        next.rev = self.rev + 1;
        next
    }

    /// The claimed envelope after its send: sent (its secrets dropped), or back to pending
    /// with a backoff (30 s, 1 min, 2 min, ... capped at an hour), failed for good after
    /// [`MAX_ATTEMPTS`].
    pub fn finished(&self, sent: bool, now: Timestamp) -> Self {
        let mut next = self.clone();
        next.rev = self.rev + 1;
        if sent {
            next.delivery = Delivery::Sent;
            next.not_before = None;
            next.message.notice = self.message.notice.redacted();
        } else if self.attempts >= MAX_ATTEMPTS {
            next.delivery = Delivery::Failed;
            next.message.notice = self.message.notice.redacted();
        } else {
            next.delivery = Delivery::Pending;
            let backoff = (30i64 << self.attempts.min(7)).min(3_600);
            next.not_before = now.checked_add(jiff::SignedDuration::from_secs(backoff)).ok();
        }
        next
    }
}
