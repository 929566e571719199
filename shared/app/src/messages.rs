//! Messages: posting to a thread (one read, one transaction: the message, the thread's
//! summary with its unread marker, the notice in the outbox, the audit entry, and a contact's
//! hourly count), marking a thread read, and the office's assign, close, reopen and hide.
use portal_domain::FieldErrors;
use portal_domain::file::{Attached, StoredFile};
use portal_domain::ids::{AccountId, FileId, MessageId, PropertyId};
use portal_domain::message::{self, About, Assignee, Author, Hidden, Message, Side, Thread, ThreadState, Via};
use portal_domain::outbox::{Envelope, Notice, OfficeEvent};
use portal_store::keys;
use portal_store::repo::{outbox, threads};
use portal_store::table::{Key, Write};

use crate::{Act, Error};

/// What a message is sent with.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// Plain text; line breaks are kept. May be empty when files come with it.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub text: String,
    /// Photos and documents already added to the job (`POST /api/uploads`), sent with it.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub attachments: Vec<FileId>,
}

/// Who posts, as their verified session says.
pub enum Poster<'a> {
    /// A contact, limited to these properties (none: the whole account).
    Customer {
        properties: Option<&'a [PropertyId]>,
    },
    Staff,
}

/// What one read brings for a post: the thread's summary (none before its first message),
/// the job it is about, the account (its name for the inbox), the attachments.
struct Read {
    thread: Option<Thread>,
    job: Option<portal_domain::job::Job>,
    request: Option<portal_domain::request::WorkRequest>,
    account: portal_domain::party::Account,
    files: Vec<StoredFile>,
}

async fn read(act: &Act<'_>, account: &AccountId, about: &About, attachments: &[FileId]) -> Result<Read, Error> {
    let t = &act.tenant;
    let mut wanted: Vec<Key> = vec![keys::thread(t, account, about), keys::account(t, account)];
    let attached = match about {
        About::Job(j) => {
            wanted.push(keys::job(t, account, j));
            Attached::Job { job: j.clone() }
        }
        About::Request(r) => {
            wanted.push(keys::work_request(t, account, r));
            Attached::Request { request: r.clone() }
        }
        About::General => Attached::Messages,
    };
    for f in attachments {
        wanted.push(keys::file(t, account, &attached, f));
    }
    let found = act.table.get_many(&wanted).await?;
    let mut found = found.into_iter();
    let thread = found.next().flatten().map(portal_store::record::from_item).transpose()?;
    let account: portal_domain::party::Account =
        portal_store::record::from_item(found.next().flatten().ok_or(Error::NotFound("customer"))?)?;
    let (job, request) = match about {
        About::Job(_) => (Some(portal_store::record::from_item(found.next().flatten().ok_or(Error::NotFound("job"))?)?), None),
        About::Request(_) => (None, Some(portal_store::record::from_item(found.next().flatten().ok_or(Error::NotFound("request"))?)?)),
        About::General => (None, None),
    };
    let mut files = Vec::new();
    for item in found {
        files.push(portal_store::repo::files::take(item.ok_or(Error::NotFound("attachment"))?)?);
    }
    Ok(Read { thread, job, request, account, files })
}

/// Whether a contact limited to `properties` sees a thread about `about` at `property`.
pub fn customer_sees(properties: Option<&[PropertyId]>, property: Option<&PropertyId>, about: &About) -> bool {
    match about {
        About::General => true,
        About::Job(_) => portal_domain::party::within(properties, property),
        // A request at an address the office has not confirmed yet is at no property: only
        // contacts who see the whole account see its thread.
        About::Request(_) => portal_domain::party::within(properties, property),
    }
}

/// A thread's summary as it is before its first message: about `job`, or the general one.
pub fn empty(
    tenant: &portal_domain::ids::TenantId,
    account: &AccountId,
    customer: &str,
    job: Option<&portal_domain::job::Job>,
    now: jiff::Timestamp,
) -> Thread {
    let (about, property, subject) = match job {
        Some(j) => (About::Job(j.id.clone()), j.property.clone(), format!("{} ({})", j.title, j.number)),
        None => (About::General, None, message::GENERAL_SUBJECT.to_string()),
    };
    Thread::new(tenant.clone(), account.clone(), about, property, subject, customer.to_string(), now)
}

/// A work request's thread as it is before its first message.
pub fn empty_for_request(
    tenant: &portal_domain::ids::TenantId,
    account: &AccountId,
    customer: &str,
    r: &portal_domain::request::WorkRequest,
    now: jiff::Timestamp,
) -> Thread {
    let subject = format!("Request: {}", r.category);
    Thread::new(tenant.clone(), account.clone(), About::Request(r.id.clone()), r.property.clone(), subject, customer.to_string(), now)
}

fn fresh(act: &Act<'_>, r: &Read) -> Thread {
    match &r.request {
        Some(q) => empty_for_request(&act.tenant, &r.account.id, &r.account.name, q, act.now),
        None => empty(&act.tenant, &r.account.id, &r.account.name, r.job.as_ref(), act.now),
    }
}

/// Posts a message: checks the text, the thread (seen by the poster), the attachments (the
/// job's, shared when a customer sends them), then writes it all in one transaction.
pub async fn post(
    act: &Act<'_>,
    account: &AccountId,
    about: &About,
    poster: Poster<'_>,
    body: &NewMessage,
    via: Via,
) -> Result<(Thread, Message, Vec<StoredFile>), Error> {
    Author::of(&act.actor).ok_or(Error::NotFound("thread"))?;
    if body.text.chars().count() > message::MAX_TEXT {
        let mut e = FieldErrors::new();
        e.add("text", "at most 4,000 characters");
        return Err(Error::Rule(portal_domain::DomainError::Invalid(e)));
    }
    let text = message::text(&body.text, body.attachments.len()).map_err(unprocessable)?;
    let mut unique = body.attachments.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != body.attachments.len() {
        let mut e = FieldErrors::new();
        e.add("attachments", "each file once");
        return Err(Error::Unprocessable(e));
    }
    let r = read(act, account, about, &body.attachments).await?;
    commit(act, account, about, poster, r, text, body.attachments.clone(), via, None).await
}

/// What an email reply brings to a post beyond the message: its attachments' upload slots
/// (written in the same transaction and processed after it, so they are not read first) with
/// the storage quota they count against, and the writes only an email has: the marker that
/// makes a second delivery of it change nothing, and its sender's hourly count.
pub struct FromEmail {
    /// The message's id, derived from the email (every delivery of it names the same).
    pub message: MessageId,
    pub uploads: Vec<portal_domain::file::Upload>,
    pub quota: u64,
    pub seen: Write,
    pub sender_count: Write,
    /// Conditions the post needs besides its own (the held email the office posts is still
    /// held).
    pub checks: Vec<Write>,
}

/// Why [`post_email`] did not post.
#[derive(Debug, thiserror::Error)]
pub enum EmailRefused {
    /// Posted already by an earlier delivery of the same email.
    #[error("already posted")]
    Duplicate,
    /// The business's storage cannot take the attachments.
    #[error("the storage quota")]
    Quota,
    #[error(transparent)]
    Other(#[from] Error),
}

/// Posts a contact's email reply (checked by the caller: the reply address, the sender, the
/// verdicts) as the contact, with its attachments on their way through the upload pipeline.
pub async fn post_email(
    act: &Act<'_>,
    account: &AccountId,
    about: &About,
    properties: Option<&[PropertyId]>,
    text: &str,
    email: FromEmail,
) -> Result<(Thread, Message), EmailRefused> {
    let attachments: Vec<FileId> = email.uploads.iter().map(|u| u.id.clone()).collect();
    let text = message::text(text, attachments.len()).map_err(|e| EmailRefused::Other(unprocessable(e)))?;
    let r = read(act, account, about, &[]).await?;
    match commit(act, account, about, Poster::Customer { properties }, r, text, attachments, Via::Email, Some(email)).await {
        Ok((th, m, _)) => Ok((th, m)),
        Err(Error::Rule(portal_domain::DomainError::Conflict(ALREADY_RECEIVED, _))) => Err(EmailRefused::Duplicate),
        Err(Error::Rule(portal_domain::DomainError::Conflict(STORAGE_FULL, _))) => Err(EmailRefused::Quota),
        Err(e) => Err(e.into()),
    }
}

/// The one transaction of a post.
#[allow(clippy::too_many_arguments)]
async fn commit(
    act: &Act<'_>,
    account: &AccountId,
    about: &About,
    poster: Poster<'_>,
    r: Read,
    text: String,
    attachments: Vec<FileId>,
    via: Via,
    email: Option<FromEmail>,
) -> Result<(Thread, Message, Vec<StoredFile>), Error> {
    let author = Author::of(&act.actor).ok_or(Error::NotFound("thread"))?;
    let before = r.thread.clone();
    let current = before.clone().unwrap_or_else(|| fresh(act, &r));
    if let Poster::Customer { properties } = &poster {
        if !customer_sees(*properties, current.property.as_ref(), about) {
            return Err(Error::NotFound("thread"));
        }
        if r.files.iter().any(|f| !f.customer_sees(*properties)) {
            return Err(Error::NotFound("attachment"));
        }
    }
    let m = Message {
        id: email.as_ref().map_or_else(|| MessageId::generate(act.ids), |e| e.message.clone()),
        about: about.clone(),
        author: author.clone(),
        text,
        at: act.now,
        via,
        attachments,
        hidden: None,
    };
    let mut next = current.with_message(&m);
    next.customer = r.account.name.clone();
    let mut writes = vec![threads::save(before.as_ref(), &next)?, threads::add_message(&act.tenant, account, &m)?];
    match &poster {
        Poster::Customer { .. } => {
            writes.push(hourly(act, &author.id));
            let tell = OfficeEvent::MessageReceived { about: about.clone(), message: m.id.clone() };
            writes.push(outbox::enqueue(&act.tenant, tell.message(act.ids, account, act.now))?);
        }
        Poster::Staff => {
            // One notice for the staff messages of the next two minutes: queued with the
            // first, sent once they are gathered.
            if next.notice_pending.is_none() {
                next.notice_pending = Some(act.now);
                writes[0] = threads::save(before.as_ref(), &next)?;
                let notice = Notice::ThreadReply { about: about.clone(), since: act.now };
                let mut envelope = Envelope::new(notice.message(act.ids, account, act.now));
                envelope.not_before = act.now.checked_add(jiff::SignedDuration::from_secs(message::NOTICE_GATHER_SECONDS)).ok();
                writes.push(outbox::enqueue_envelope(&act.tenant, envelope)?);
            }
        }
    }
    let detail =
        serde_json::json!({ "thread": about.to_string(), "via": via, "chars": m.text.chars().count(), "attachments": m.attachments.len() });
    writes.push(act.audit("message.posted", &m.id, Some(account), detail)?);
    let (mut seen_at, mut quota_at, mut checks_failed) = (None, None, Vec::<usize>::new());
    if let Some(email) = email {
        seen_at = Some(writes.len());
        writes.push(email.seen);
        writes.push(email.sender_count);
        let checks_at = writes.len();
        writes.extend(email.checks);
        checks_failed = (checks_at..writes.len()).collect();
        let slots = portal_store::repo::files::start_all(&email.uploads, email.quota)?;
        if !slots.is_empty() {
            quota_at = Some(writes.len() + slots.len() - 1);
        }
        writes.extend(slots);
    }
    act.table.transact(writes).await.map_err(|e| match e {
        portal_store::StoreError::TransactionCancelled { ref failed } if seen_at.is_some_and(|i| failed.contains(&i)) => {
            Error::conflict(ALREADY_RECEIVED, "This email was posted already.")
        }
        portal_store::StoreError::TransactionCancelled { ref failed } if failed.iter().any(|i| checks_failed.contains(i)) => {
            portal_store::StoreError::TransactionCancelled { failed: failed.clone() }.into()
        }
        portal_store::StoreError::TransactionCancelled { ref failed } if quota_at.is_some_and(|i| failed.contains(&i)) => {
            Error::conflict(STORAGE_FULL, "The storage for photos and documents is full.")
        }
        portal_store::StoreError::TransactionCancelled { ref failed } if failed.contains(&HOURLY_WRITE) && poster_is_customer(&poster) => {
            Error::Limited("You have sent many messages in the last hour. Please wait a little, or call the office.")
        }
        portal_store::StoreError::TransactionCancelled { ref failed } if failed.contains(&0) => {
            Error::conflict("thread_changed", "Another message arrived at the same moment. Send yours again.")
        }
        other => other.into(),
    })?;
    Ok((next, m, r.files))
}

/// The conflict code of an email posted by an earlier delivery.
const ALREADY_RECEIVED: &str = "already_received";
/// The conflict code of attachments past the storage quota.
const STORAGE_FULL: &str = "storage_full";

fn poster_is_customer(p: &Poster<'_>) -> bool {
    matches!(p, Poster::Customer { .. })
}

/// Where a contact's hourly count is in [`post`]'s transaction.
const HOURLY_WRITE: usize = 2;

/// One more of a contact's messages this hour, refused past [`message::CONTACT_HOURLY`].
fn hourly(act: &Act<'_>, who: &str) -> Write {
    Write::Update(portal_store::repo::rate_count(&act.tenant, "message", who, act.now, 3600, i64::from(message::CONTACT_HOURLY)))
}

fn unprocessable(e: portal_domain::DomainError) -> Error {
    match e {
        portal_domain::DomainError::Invalid(f) => Error::Unprocessable(f),
        other => Error::Rule(other),
    }
}

/// Marks the thread read for `side` (nothing to write when it was).
pub async fn mark_read(act: &Act<'_>, th: &Thread, side: Side) -> Result<(), Error> {
    if th.unread(side) == 0 {
        return Ok(());
    }
    match act.table.transact(vec![threads::save(Some(th), &th.read_by(side))?]).await {
        Ok(()) => Ok(()),
        // A message arrived meanwhile: it is unread, as it should be.
        Err(portal_store::StoreError::TransactionCancelled { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// What the office changes on a thread.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadChange {
    /// A staff member's id to assign the thread to; `null` to leave it unassigned.
    #[serde(default, with = "portal_domain::serde_util::double_option")]
    #[schema(value_type = Option<portal_domain::ids::StaffId>)]
    pub assigned: Option<Option<portal_domain::ids::StaffId>>,
    pub state: Option<ThreadState>,
}

/// Assigns, closes or reopens a thread; audited.
pub async fn change(act: &Act<'_>, th: &Thread, change: &ThreadChange) -> Result<Thread, Error> {
    let mut next = th.clone();
    if let Some(assigned) = &change.assigned {
        next.assigned = match assigned {
            None => None,
            Some(id) => {
                let s = portal_store::repo::parties::get_staff(act.table, &act.tenant, id)
                    .await?
                    .filter(|s| s.active)
                    .ok_or(Error::NotFound("staff member"))?;
                Some(Assignee { id: s.id, name: s.name })
            }
        };
    }
    if let Some(state) = change.state {
        next.state = state;
    }
    if next == *th {
        return Ok(next);
    }
    next.rev += 1;
    let detail = serde_json::json!({
        "thread": th.about.to_string(),
        "before": { "state": th.state, "assigned": th.assigned.as_ref().map(|a| &a.name) },
        "after": { "state": next.state, "assigned": next.assigned.as_ref().map(|a| &a.name) },
    });
    act.table
        .transact(vec![threads::save(Some(th), &next)?, act.audit("thread.changed", th.about.to_string(), Some(&th.account), detail)?])
        .await
        .map_err(changed)?;
    Ok(next)
}

pub(crate) fn changed(e: portal_store::StoreError) -> Error {
    match e {
        portal_store::StoreError::TransactionCancelled { .. } => {
            Error::conflict("thread_changed", "The thread changed meanwhile. Reload it and try again.")
        }
        other => other.into(),
    }
}

/// Hides a message from the customer (kept for staff, audited). Nobody edits a message.
pub async fn hide(act: &Act<'_>, th: &Thread, m: &Message) -> Result<Message, Error> {
    if m.hidden.is_some() {
        return Ok(m.clone());
    }
    let mut next = m.clone();
    next.hidden = Some(Hidden { by: act.name().to_string(), at: act.now });
    let mut summary = th.clone();
    summary.rev += 1;
    let detail = serde_json::json!({ "thread": th.about.to_string(), "author": m.author.name });
    act.table
        .transact(vec![
            threads::save(Some(th), &summary)?,
            threads::save_message(&act.tenant, &th.account, &next)?,
            act.audit("message.hidden", &m.id, Some(&th.account), detail)?,
        ])
        .await
        .map_err(changed)?;
    Ok(next)
}

/// The validator of a thread as a page last saw it: changes with every write to it.
pub fn etag(th: Option<&Thread>, side: Side) -> String {
    match th {
        Some(th) => format!("\"t{}-{}\"", th.rev, th.unread(side)),
        None => "\"t0\"".into(),
    }
}

/// A thread as lists show it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ThreadView {
    /// `general` or the job's id: the thread's name in paths.
    pub thread: String,
    #[schema(value_type = Option<String>)]
    pub job: Option<portal_domain::ids::JobId>,
    pub subject: String,
    pub state: ThreadState,
    pub assigned: Option<Assignee>,
    /// None before the first message.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_at: Option<jiff::Timestamp>,
    pub last_preview: String,
    pub last_side: Option<Side>,
    /// Messages from the other side this side has not read.
    pub unread: u32,
    pub messages: u32,
    /// The customer (for staff).
    #[schema(value_type = String)]
    pub account: AccountId,
    pub customer: String,
}

impl ThreadView {
    pub fn of(th: &Thread, side: Side) -> Self {
        ThreadView {
            thread: th.about.to_string(),
            job: th.about.job().cloned(),
            subject: th.subject.clone(),
            state: th.state,
            assigned: th.assigned.clone(),
            last_at: (th.messages > 0).then_some(th.last_at),
            last_preview: th.last_preview.clone(),
            last_side: (th.messages > 0).then_some(th.last_side),
            unread: th.unread(side),
            messages: th.messages,
            account: th.account.clone(),
            customer: th.customer.clone(),
        }
    }
}

/// One message as a thread page shows it. The text is plain text: pages show it as text and
/// make only `http` and `https` addresses into links.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MessageView {
    #[schema(value_type = String)]
    pub id: MessageId,
    pub text: String,
    /// The author's name ("Sam at Bright Spark" is the staff member's name).
    pub author: String,
    pub from_staff: bool,
    /// Written by this session's person.
    pub mine: bool,
    #[schema(value_type = String, format = DateTime)]
    pub at: jiff::Timestamp,
    pub via: Via,
    pub attachments: Vec<crate::files::FileView>,
    /// Staff only: hidden from the customer, by whom.
    pub hidden_by: Option<String>,
    /// Staff only: a staff message's notice to the customer sent (`true`), or still gathering the
    /// messages of its two minutes (`false`). None for a customer's message.
    pub notified: Option<bool>,
}

/// A thread with its messages, oldest first.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ThreadPage {
    pub thread: ThreadView,
    pub messages: Vec<MessageView>,
}

/// Who reads a thread page.
pub enum Reader<'a> {
    Customer { me: &'a str, properties: Option<&'a [PropertyId]> },
    Staff { me: &'a str },
}

/// The page of a thread for `reader`: a customer sees no hidden message and only the shared
/// files they may see; staff see everything, hidden messages marked.
pub async fn page(
    blobs: &dyn portal_domain::ports::Blobs,
    th: &Thread,
    messages: &[Message],
    files: &[StoredFile],
    reader: Reader<'_>,
    now: jiff::Timestamp,
) -> Result<ThreadPage, Error> {
    let (side, me) = match &reader {
        Reader::Customer { me, .. } => (Side::Customer, *me),
        Reader::Staff { me } => (Side::Staff, *me),
    };
    let mut out = Vec::with_capacity(messages.len());
    for m in messages {
        let staff_view = matches!(reader, Reader::Staff { .. });
        if m.hidden.is_some() && !staff_view {
            continue;
        }
        let mut attachments = Vec::new();
        for id in &m.attachments {
            let Some(f) = files.iter().find(|f| &f.id == id) else { continue };
            if let Reader::Customer { properties, .. } = &reader
                && !f.customer_sees(*properties)
            {
                continue;
            }
            attachments.push(crate::files::view(blobs, f, false, now).await?);
        }
        out.push(MessageView {
            id: m.id.clone(),
            text: m.text.clone(),
            author: m.author.name.clone(),
            from_staff: m.author.staff,
            mine: m.author.id == me,
            at: m.at,
            via: m.via,
            attachments,
            hidden_by: if staff_view { m.hidden.as_ref().map(|h| h.by.clone()) } else { None },
            // The pending notice carries the staff messages from its first one on.
            notified: (staff_view && m.author.staff).then(|| th.notice_pending.is_none_or(|first| m.at < first)),
        });
    }
    Ok(ThreadPage { thread: ThreadView::of(th, side), messages: out })
}
