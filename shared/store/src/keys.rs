//! Every key of the single table. Tenant first, then the customer account, so a customer's
//! portal data is one partition and the tenant from the session scopes every read.
//! `infra/table-design.md` documents these; keep the two together.
use portal_domain::ids::{AccountId, ContactId, EstimateId, StaffId, TenantId};

use crate::table::Key;

/// Partition of a tenant's own records (profile, staff).
pub fn tenant_pk(t: &TenantId) -> String {
    format!("T#{t}")
}
pub fn tenant(t: &TenantId) -> Key {
    Key::new(tenant_pk(t), "TENANT")
}
/// GSI1 partition for finding a tenant by its public slug.
pub fn tenant_slug_gsi(slug: &str) -> String {
    format!("SLUG#{slug}")
}
/// GSI2 partition listing every tenant (scheduled sweeps over all tenants).
pub const TENANTS_GSI: &str = "TENANTS";
pub const STAFF_PREFIX: &str = "STAFF#";
pub fn staff(t: &TenantId, s: &StaffId) -> Key {
    Key::new(tenant_pk(t), format!("{STAFF_PREFIX}{s}"))
}
pub fn staff_email_gsi(t: &TenantId, email: &str) -> String {
    format!("T#{t}#STAFFEMAIL#{email}")
}

/// The customer partition: account, contacts, properties, estimates, audit.
pub fn account_pk(t: &TenantId, a: &AccountId) -> String {
    format!("T#{t}#A#{a}")
}
pub fn account(t: &TenantId, a: &AccountId) -> Key {
    Key::new(account_pk(t, a), "ACCOUNT")
}
/// GSI1 partition listing a tenant's accounts by name (staff).
pub fn accounts_gsi(t: &TenantId) -> String {
    format!("T#{t}#ACCOUNTS")
}
/// The partition of a tenant's adoption counters (`repo::stats`).
pub fn stats_pk(t: &TenantId) -> String {
    format!("T#{t}#STATS")
}
/// A per-tenant counter (printed numbers: `INV`, `EST`).
pub fn counter(t: &TenantId, kind: &str) -> Key {
    Key::new(tenant_pk(t), format!("COUNTER#{kind}"))
}
pub const CONTACT_PREFIX: &str = "CONTACT#";
pub fn contact(t: &TenantId, a: &AccountId, c: &ContactId) -> Key {
    Key::new(account_pk(t, a), format!("CONTACT#{c}"))
}
pub fn contact_email_gsi(t: &TenantId, email: &str) -> String {
    format!("T#{t}#EMAIL#{email}")
}
pub fn contact_phone_gsi(t: &TenantId, phone: &str) -> String {
    format!("T#{t}#PHONE#{phone}")
}
pub const PROPERTY_PREFIX: &str = "PROPERTY#";
/// A property of an account (`PROPERTY#{p}`).
pub fn property(t: &TenantId, a: &AccountId, p: &portal_domain::ids::PropertyId) -> Key {
    Key::new(account_pk(t, a), format!("{PROPERTY_PREFIX}{p}"))
}
/// Instants in sort keys: unix seconds, 12 digits (sorts as text up to the year 33658).
pub fn seconds(t: jiff::Timestamp) -> String {
    format!("{:012}", t.as_second().max(0))
}

pub const ESTIMATE_PREFIX: &str = "EST#";
/// Header of an estimate; its versions and decisions sort right after it.
pub fn estimate(t: &TenantId, a: &AccountId, e: &EstimateId) -> Key {
    Key::new(account_pk(t, a), format!("EST#{e}"))
}
pub fn estimate_version(t: &TenantId, a: &AccountId, e: &EstimateId, v: u32) -> Key {
    Key::new(account_pk(t, a), format!("EST#{e}#V#{v:04}"))
}
pub fn estimate_decision(t: &TenantId, a: &AccountId, e: &EstimateId, v: u32) -> Key {
    Key::new(account_pk(t, a), format!("EST#{e}#D#{v:04}"))
}
/// A job, in its customer's partition; its visits, their technicians and reschedule requests
/// sort under it (`JOB#{j}#VIS#{v}`, `...#TECH#{staff}`, `...#RSC#{r}`).
pub const JOB_PREFIX: &str = "JOB#";
pub fn job(t: &TenantId, a: &AccountId, j: &portal_domain::ids::JobId) -> Key {
    Key::new(account_pk(t, a), format!("{JOB_PREFIX}{j}"))
}
pub fn visit(t: &TenantId, a: &AccountId, j: &portal_domain::ids::JobId, v: &portal_domain::ids::VisitId) -> Key {
    Key::new(account_pk(t, a), format!("{JOB_PREFIX}{j}#VIS#{v}"))
}
pub fn visit_technician(t: &TenantId, a: &AccountId, j: &portal_domain::ids::JobId, v: &portal_domain::ids::VisitId, s: &StaffId) -> Key {
    Key::new(account_pk(t, a), format!("{JOB_PREFIX}{j}#VIS#{v}#TECH#{s}"))
}
pub fn reschedule(
    t: &TenantId,
    a: &AccountId,
    j: &portal_domain::ids::JobId,
    v: &portal_domain::ids::VisitId,
    r: &portal_domain::ids::RescheduleId,
) -> Key {
    Key::new(account_pk(t, a), format!("{JOB_PREFIX}{j}#VIS#{v}#RSC#{r}"))
}
/// An invoice of a job, as the job keeps it (`JOB#{j}#INV#{i}`).
pub fn job_invoice(t: &TenantId, a: &AccountId, j: &portal_domain::ids::JobId, i: &portal_domain::ids::InvoiceId) -> Key {
    Key::new(account_pk(t, a), format!("{JOB_PREFIX}{j}#INV#{i}"))
}
/// A piece of equipment, under its property (`PROPERTY#{p}#EQP#{e}`).
pub fn equipment(t: &TenantId, a: &AccountId, p: &portal_domain::ids::PropertyId, e: &portal_domain::ids::EquipmentId) -> Key {
    Key::new(account_pk(t, a), format!("{PROPERTY_PREFIX}{p}#EQP#{e}"))
}
/// A service agreement (`PLAN#{g}`): sorts between jobs and properties.
pub const AGREEMENT_PREFIX: &str = "PLAN#";
pub fn agreement(t: &TenantId, a: &AccountId, g: &portal_domain::ids::AgreementId) -> Key {
    Key::new(account_pk(t, a), format!("{AGREEMENT_PREFIX}{g}"))
}
/// An upload slot and what became of it (`UPLOAD#{f}`): what the processing function reads.
pub fn upload(t: &TenantId, a: &AccountId, f: &portal_domain::ids::FileId) -> Key {
    Key::new(account_pk(t, a), format!("UPLOAD#{f}"))
}
/// A photo or document, under what it is attached to (`JOB#{j}#FILE#{f}`,
/// `PROPERTY#{p}#FILE#{f}`, `EST#{e}#FILE#{f}`, `INV#{i}#FILE#{f}`), so a job's page and the
/// properties page read their files with the Query they already make.
pub fn file(t: &TenantId, a: &AccountId, at: &portal_domain::file::Attached, f: &portal_domain::ids::FileId) -> Key {
    use portal_domain::file::Attached;
    let owner = match at {
        Attached::Job { job } | Attached::Visit { job, .. } => format!("{JOB_PREFIX}{job}"),
        Attached::Property { property } => format!("{PROPERTY_PREFIX}{property}"),
        Attached::Estimate { estimate } => format!("{ESTIMATE_PREFIX}{estimate}"),
        Attached::Invoice { invoice } => format!("{INVOICE_PREFIX}{invoice}"),
        // Under the general thread's summary, so its Query brings them.
        Attached::Messages => "GENERAL#THREAD".to_string(),
        Attached::Request { request } => format!("{REQUEST_PREFIX}{request}"),
    };
    Key::new(account_pk(t, a), format!("{owner}#FILE#{f}"))
}
/// GSI1 partition of an account's files, newest first (the Pictures and Documents pages).
/// GSI1 partition of a tenant's upload slots still pending, by when they were given (the
/// sweep that gives back what never arrived).
pub fn pending_uploads_gsi(t: &TenantId) -> String {
    format!("T#{t}#UPLOADS#PENDING")
}
pub fn account_files_gsi(t: &TenantId, a: &AccountId) -> String {
    format!("T#{t}#A#{a}#FILES")
}
/// GSI2 partition finding one file by its id (edit, delete).
pub fn file_id_gsi(t: &TenantId, f: &portal_domain::ids::FileId) -> String {
    format!("T#{t}#FILE#{f}")
}
/// Bytes of files a tenant keeps (its quota's counter).
pub fn file_usage(t: &TenantId) -> Key {
    Key::new(tenant_pk(t), "USAGE#FILES")
}
/// A job's rating, under the job.
pub fn rating(t: &TenantId, a: &AccountId, j: &portal_domain::ids::JobId) -> Key {
    Key::new(account_pk(t, a), format!("{JOB_PREFIX}{j}#RATING"))
}
/// GSI1 partition of a tenant's ratings (by when first given).
pub fn ratings_gsi(t: &TenantId) -> String {
    format!("T#{t}#RATINGS")
}
/// GSI2 partition of a tenant's open follow-ups of low ratings (by when opened).
pub fn open_follow_ups_gsi(t: &TenantId) -> String {
    format!("T#{t}#FOLLOWUPS#OPEN")
}
/// The blobs of deleted files still to remove, one item a file (written with the delete,
/// removed once its blobs are gone; the upload sweep finishes what a failed delete left).
pub fn leftovers_pk(t: &TenantId) -> String {
    format!("T#{t}#LEFTOVERS")
}
pub fn leftover(t: &TenantId, f: &portal_domain::ids::FileId) -> Key {
    Key::new(leftovers_pk(t), format!("FILE#{f}"))
}

/// A work request (`INQ#{r}`), its photos (`INQ#{r}#FILE#{f}`) and its thread
/// (`INQ#{r}#THREAD`, then its messages). `INQ#` sorts between invoices and jobs, inside the
/// dashboard's range, so the dashboard's one Query shows the account's requests and the
/// threads list finds their threads.
pub const REQUEST_PREFIX: &str = "INQ#";
pub fn work_request(t: &TenantId, a: &AccountId, r: &portal_domain::ids::RequestId) -> Key {
    Key::new(account_pk(t, a), format!("{REQUEST_PREFIX}{r}"))
}
/// GSI1 partition of a tenant's requests in one status, newest first.
pub fn requests_gsi(t: &TenantId, status: portal_domain::request::RequestStatus) -> String {
    format!("T#{t}#REQUESTS#{}", status.as_str())
}
/// GSI2 partition of a tenant's requests still open (received or in review): urgent first,
/// then newest first (the inbox as it opens).
pub fn open_requests_gsi(t: &TenantId) -> String {
    format!("T#{t}#REQUESTS#OPEN")
}

/// The sort-key range of an account's documents and work: estimates, invoices, jobs (the
/// dashboard's one Query) and, to `PROPERTY#~`, agreements, properties and equipment too.
pub const DOCUMENTS_FROM: &str = "EST#";
pub const WORK_TO: &str = "JOB#~";
pub const PLACES_TO: &str = "PROPERTY#~";

/// GSI1 partition listing a tenant's jobs by status for staff (newest first).
pub fn jobs_by_status_gsi(t: &TenantId, status: &str) -> String {
    format!("T#{t}#JOB#{status}")
}
/// GSI1 partition of a day's visits (the contractor's calendar day of the window's start).
pub fn visits_by_day_gsi(t: &TenantId, day: jiff::civil::Date) -> String {
    format!("T#{t}#DAY#{day}")
}
/// GSI1 partition of one technician's visits, by window start.
pub fn technician_visits_gsi(t: &TenantId, s: &StaffId) -> String {
    format!("T#{t}#TECH#{s}")
}

/// GSI1 partition listing a tenant's estimates by status for staff (sorted by last change).
pub fn estimates_by_status_gsi(t: &TenantId, status: &str) -> String {
    format!("T#{t}#EST#{status}")
}

pub const INVOICE_PREFIX: &str = "INV#";
/// Header of an invoice; its payments sort right after it.
pub fn invoice(t: &TenantId, a: &AccountId, i: &portal_domain::ids::InvoiceId) -> Key {
    Key::new(account_pk(t, a), format!("INV#{i}"))
}
/// GSI1 partition listing a tenant's invoices by status (sorted by due date) for staff and
/// reminders.
pub fn invoices_by_status_gsi(t: &TenantId, status: &str) -> String {
    format!("T#{t}#INV#{status}")
}
/// GSI2 partition finding a payment by its Stripe PaymentIntent.
pub fn stripe_ref_gsi(t: &TenantId, stripe_id: &str) -> String {
    format!("T#{t}#STRIPE#{stripe_id}")
}
/// A Stripe event, recorded once with the effect it had.
pub fn stripe_event(t: &TenantId, event_id: &str) -> Key {
    Key::new(format!("T#{t}#STRIPEEVENT#{event_id}"), "EVENT")
}
/// The tenant's outbox: messages written with the change that causes them, delivered later.
pub fn outbox_pk(t: &TenantId) -> String {
    format!("T#{t}#OUTBOX")
}
pub fn outbox(t: &TenantId, m: &portal_domain::ids::OutboxId) -> Key {
    Key::new(outbox_pk(t), format!("MSG#{m}"))
}

pub const AUDIT_PREFIX: &str = "AUDIT#";
/// GSI1 partition of every audit entry about one document.
pub fn audit_subject_gsi(t: &TenantId, subject: &str) -> String {
    format!("T#{t}#DOC#{subject}")
}
/// Audit entries not tied to an account (staff sign-in) live in the tenant's audit partition.
pub fn tenant_audit_pk(t: &TenantId) -> String {
    format!("T#{t}#AUDIT")
}

/// A sign-in or document link, by the SHA-256 of its token.
pub fn link(t: &TenantId, token_hash: &str) -> Key {
    Key::new(format!("T#{t}#LINK#{token_hash}"), "LINK")
}
/// A refresh-token family.
pub fn session(t: &TenantId, id: &portal_domain::ids::SessionId) -> Key {
    Key::new(format!("T#{t}#SESSION#{id}"), "SESSION")
}
/// A rate-limit counter for one subject in one time window.
pub fn rate(t: &TenantId, kind: &str, subject: &str, window: i64) -> Key {
    Key::new(format!("T#{t}#RATE#{kind}#{subject}#{window}"), "RATE")
}

/// A thread's summary, in the customer's partition beside what it is about: a job's under the
/// job (`JOB#{j}#THREAD`, so the job page's Query brings it), the general one at
/// `GENERAL#THREAD` (inside the dashboard's range). Its messages sort under it.
pub fn thread(t: &TenantId, a: &AccountId, about: &portal_domain::message::About) -> Key {
    Key::new(account_pk(t, a), thread_sk(about))
}
pub fn thread_sk(about: &portal_domain::message::About) -> String {
    match about {
        portal_domain::message::About::General => "GENERAL#THREAD".into(),
        portal_domain::message::About::Job(j) => format!("{JOB_PREFIX}{j}#THREAD"),
        portal_domain::message::About::Request(r) => format!("{REQUEST_PREFIX}{r}#THREAD"),
    }
}
/// A message: `{thread}#M#{ms, 15 digits}#{id}`, oldest first.
pub fn message(t: &TenantId, a: &AccountId, m: &portal_domain::message::Message) -> Key {
    Key::new(account_pk(t, a), format!("{}#M#{:015}#{}", thread_sk(&m.about), m.at.as_millisecond(), m.id))
}
/// GSI1 partition of the staff inbox: a tenant's threads in one state, unread by staff first
/// (`U#` sorts after `R#`; the inbox reads backwards), then by last activity.
pub fn inbox_gsi(t: &TenantId, state: &str) -> String {
    format!("T#{t}#INBOX#{state}")
}
/// GSI2 partition of the same, for one assignee (`none`: unassigned).
/// An email reply held for review, in the customer's partition.
pub fn held(t: &TenantId, a: &AccountId, h: &portal_domain::ids::HeldId) -> Key {
    Key::new(account_pk(t, a), format!("HELD#{h}"))
}
/// GSI1 partition of a tenant's held replies in one state, newest last.
pub fn held_gsi(t: &TenantId, state: &str) -> String {
    format!("T#{t}#HELD#{state}")
}
/// The marker of a received email already handled (global: keyed by the hash of the raw
/// message's key), so a second delivery of its event changes nothing.
pub fn inbound_seen(hash: &str) -> Key {
    Key::new(format!("INBOUND#{hash}"), "SEEN")
}
pub fn inbox_assigned_gsi(t: &TenantId, state: &str, staff: Option<&StaffId>) -> String {
    match staff {
        Some(s) => format!("T#{t}#INBOX#{state}#{s}"),
        None => format!("T#{t}#INBOX#{state}#none"),
    }
}
