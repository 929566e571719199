//! Email replies that land in the thread. SES receives mail for the inbound domain and stores
//! each raw message under `inbound/`; [`receive`] reads one: it finds the thread by the reply
//! token in the address (random, kept hashed, bound to one thread and one contact, revocable)
//! or by the thread's id in `References` / `In-Reply-To`, and posts the reply's own text (the
//! quoted original and signature stripped) as the contact, with its photos and PDFs sent
//! through the upload pipeline, only when SES's verdicts pass, DKIM signs for the sender's
//! domain, and the sender is that contact. Otherwise it holds the reply, with the reason, for
//! the office to post or set aside: nothing is dropped silently. Automatic replies are
//! ignored, and a sender writing more than an hour allows is held, then ignored, so two
//! robots answering each other stop at once. Each email is handled once however often its
//! event is delivered (a marker keyed by the raw message's key, in the same transaction).
use jiff::Timestamp;
use portal_domain::audit::{Actor, Origin};
use portal_domain::file::{FileKind, Labels, Upload, UploadState, Uploader};
use portal_domain::ids::{AccountId, ContactId, FileId, HeldId, TenantId};
use portal_domain::inbound::{self, Header, Held, HeldState, HoldReason};
use portal_domain::message::{self, About, ReplyToken};
use portal_domain::party::Contact;
use portal_domain::ports::{Blob, Blobs, Ids};
use portal_store::Table;
use portal_store::keys;
use portal_store::repo::{parties, threads};
use portal_store::table::{Cond, Update, Write};

use crate::messages::{EmailRefused, FromEmail};
use crate::{Act, Error};

/// The largest raw message read (SES receives at most 40 MB, encoding included).
pub const MAX_RAW: u64 = 40 * 1024 * 1024;
/// Replies one sender's address may post in an hour; past it they are held for review, and
/// past twice it ignored (logged, the raw message kept until the bucket's lifecycle rule).
pub const SENDER_HOURLY: i64 = 10;
/// The largest attachment kept (the upload pipeline's own limit).
pub const MAX_ATTACHMENT: u64 = 25 * 1024 * 1024;
/// Recipient addresses looked at for a reply address (`To`, `Cc`, `Delivered-To`).
pub const MAX_RECIPIENTS: usize = 10;
/// Ids of `In-Reply-To` and `References` looked at.
pub const MAX_REFERENCES: usize = 30;
/// Images smaller than this are taken for a signature's logo or icons, not a photo.
pub const MIN_PHOTO: usize = 12 * 1024;

/// A file an email carries that the upload pipeline can keep.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub content_type: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
}

/// What [`parse`] reads of a raw message.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The `From` address and display name.
    pub from: String,
    pub from_name: String,
    pub subject: String,
    /// `To`, `Cc` and `Delivered-To` addresses, where a reply address is looked for.
    pub recipients: Vec<String>,
    /// The ids in `In-Reply-To` and `References`, without angle brackets.
    pub references: Vec<String>,
    /// Every header with its value as text.
    pub headers: Vec<Header>,
    /// The reply's own text: the first text part (or the HTML one as text) without the quoted
    /// original and signature.
    pub text: String,
    /// Photos and PDFs, in order, within [`message::MAX_ATTACHMENTS`] and [`MAX_ATTACHMENT`].
    pub parts: Vec<Part>,
    /// Attachments left out (other types, too large, too many).
    pub left_out: usize,
}

/// Reads a raw MIME message with `mail-parser`. `None`: not a message at all.
pub fn parse(raw: &[u8]) -> Option<Parsed> {
    use mail_parser::{MessageParser, MimeHeaders};
    let msg = MessageParser::default().parse(raw)?;
    let from = msg.from().and_then(|a| a.first()).cloned();
    let mut recipients = Vec::new();
    for list in [msg.to(), msg.cc()].into_iter().flatten() {
        recipients.extend(list.iter().filter_map(|a| a.address().map(str::to_string)));
    }
    let mut headers = Vec::new();
    for h in msg.headers() {
        let name = h.name().to_string();
        let value = msg.raw_message().get(h.offset_start() as usize..h.offset_end() as usize).unwrap_or_default();
        let value = String::from_utf8_lossy(value).replace("\r\n", "").replace('\n', "").trim().to_string();
        if name.eq_ignore_ascii_case("delivered-to") || name.eq_ignore_ascii_case("x-original-to") {
            recipients.push(value.trim_matches(['<', '>']).to_string());
        }
        headers.push((name, value));
    }
    // A reply names one address of ours and a few ids; a message naming thousands is not
    // read past these (each address may cost a lookup).
    recipients.dedup();
    recipients.truncate(MAX_RECIPIENTS);
    let mut references = Vec::new();
    for value in [msg.in_reply_to(), msg.references()] {
        if let Some(list) = value.as_text_list() {
            references.extend(list.iter().map(|r| r.trim_matches(['<', '>', ' ']).to_string()));
        } else if let Some(one) = value.as_text() {
            references.push(one.trim_matches(['<', '>', ' ']).to_string());
        }
    }
    references.truncate(MAX_REFERENCES);
    let body = msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let text = portal_domain::reply::strip_quoted(&body);
    let (mut parts, mut left_out) = (Vec::new(), 0);
    for a in msg.attachments() {
        let bytes = a.contents();
        let content_type =
            a.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()).to_ascii_lowercase()).unwrap_or_default();
        let kind = match content_type.as_str() {
            "application/pdf" => FileKind::Document,
            t if t.starts_with("image/") => FileKind::Photo,
            // A forwarded message or a calendar answer: not a file for the job.
            _ => {
                left_out += 1;
                continue;
            }
        };
        if kind == FileKind::Photo && bytes.len() < MIN_PHOTO {
            continue;
        }
        if bytes.len() as u64 > MAX_ATTACHMENT || parts.len() == message::MAX_ATTACHMENTS {
            left_out += 1;
            continue;
        }
        let name = a.attachment_name().unwrap_or(match kind {
            FileKind::Document => "document.pdf",
            FileKind::Photo => "photo",
        });
        parts.push(Part { name: portal_domain::file::safe_name(name, kind), content_type, kind, bytes: bytes.to_vec() });
    }
    Some(Parsed {
        from: from.as_ref().and_then(|a| a.address()).unwrap_or_default().to_string(),
        from_name: from.as_ref().and_then(|a| a.name()).unwrap_or_default().to_string(),
        subject: msg.subject().unwrap_or_default().to_string(),
        recipients,
        references,
        headers,
        text,
        parts,
        left_out,
    })
}

/// The thread a reply names.
#[derive(Debug, Clone)]
pub enum Route {
    /// By its reply address: the token's record (revoked or not).
    Token(ReplyToken),
    /// By the thread's id in `References` (`thread.{account}.{about}.{tenant}@...`).
    Reference { tenant: TenantId, account: AccountId, about: About },
    /// Neither: not an answer to anything we sent.
    Unknown,
}

/// A thread's id as [`message::thread_reference`] writes it, read back.
fn thread_of_reference(r: &str) -> Option<(TenantId, AccountId, About)> {
    let (local, _) = r.split_once('@')?;
    let mut parts = local.split('.');
    if parts.next()? != "thread" {
        return None;
    }
    let (account, about, tenant) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((tenant.parse().ok()?, account.parse().ok()?, about.parse().ok()?))
}

/// Finds the thread: a reply token among the recipients first, then `References`.
pub async fn route(table: &dyn Table, p: &Parsed) -> Result<Route, Error> {
    for r in &p.recipients {
        if let Some(token) = message::token_of(r)
            && let Some(found) = threads::find_reply_token(table, &token).await?
        {
            return Ok(Route::Token(found));
        }
    }
    Ok(p.references.iter().find_map(|r| thread_of_reference(r)).map_or(Route::Unknown, |(tenant, account, about)| Route::Reference {
        tenant,
        account,
        about,
    }))
}

/// What became of one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Posted to the thread; the upload keys of its attachments, sent to the pipeline.
    Posted { message: portal_domain::ids::MessageId, uploads: Vec<String> },
    /// Held for the office, with why.
    Held(HoldReason),
    /// Not posted and not held: an automatic reply (dropped), or more than an hour allows
    /// from one sender, or held for a contractor (kept in the bucket, logged).
    Ignored { why: &'static str, keep: bool },
    /// Handled by an earlier delivery of the same event: posted (its attachments still
    /// waiting for the pipeline sent again), or held (`keep`).
    Duplicate { uploads: Vec<String>, keep: bool },
    /// Names no thread of ours (no reply token, no thread reference): nothing to hold it
    /// for; logged, and the raw message is left to the lifecycle rule.
    Unrouted,
}

impl Received {
    /// Whether the raw message stays in the bucket (for the office, or for a look): all but
    /// what is posted (kept in the thread) and automatic replies.
    pub fn keeps_raw(&self) -> bool {
        match self {
            Received::Posted { .. } => false,
            Received::Ignored { keep, .. } | Received::Duplicate { keep, .. } => *keep,
            Received::Held(_) | Received::Unrouted => true,
        }
    }
}

/// Email replies held for one contractor in an hour, at most: past them a flood of forged
/// mail stops making work for the office (each is logged and kept in the bucket).
pub const HELD_HOURLY: i64 = 200;

/// What the hourly count of one sender is (one GetItem).
async fn sender_count(table: &dyn Table, tenant: &TenantId, sender: &str, hour: i64) -> Result<i64, Error> {
    let item = table.get(&sender_key(tenant, sender, hour)).await?;
    Ok(item.and_then(|i| i.get("count").and_then(serde_json::Value::as_i64)).unwrap_or(0))
}

fn sender_key(tenant: &TenantId, sender: &str, hour: i64) -> portal_store::table::Key {
    let who = &portal_domain::sha256_hex(sender.to_ascii_lowercase().as_bytes())[..24];
    keys::rate(tenant, "inbound", who, hour)
}

fn count_sender(tenant: &TenantId, sender: &str, hour: i64) -> Write {
    Write::Update(Update::new(sender_key(tenant, sender, hour)).add("count", 1).set("ttl", (hour + 2) * 3600))
}

/// The contact a reply is from: the token's contact, when they still exist, may use the
/// portal (or belong to a lead), see the thread, and are who wrote it.
fn who<'c>(token: &ReplyToken, contacts: &'c [Contact], lead: bool, th: &message::Thread, from: &str) -> Result<&'c Contact, HoldReason> {
    // A lead's contact has no portal yet, and answers the office by email.
    let sees = |c: &&Contact| {
        (c.portal_enabled || lead) && crate::messages::customer_sees(c.properties.as_deref(), th.property.as_ref(), &th.about)
    };
    let c = contacts.iter().find(|c| c.id == token.contact).filter(sees).ok_or(HoldReason::UnknownAddress)?;
    if c.email.as_ref().is_some_and(|e| inbound::same_address(e.as_str(), from)) { Ok(c) } else { Err(HoldReason::OtherSender) }
}

/// The id an email's records get from its raw message's key: a second delivery makes the same.
fn derived(prefix: &str, key: &str, n: usize) -> String {
    format!("{prefix}_{}{n:02}", &portal_domain::sha256_hex(key.as_bytes())[..30])
}

/// Handles one raw message stored at `key` (its bytes `raw`).
pub async fn receive(
    table: &dyn Table,
    blobs: &dyn Blobs,
    ids: &dyn Ids,
    key: &str,
    raw: &[u8],
    now: Timestamp,
) -> Result<Received, Error> {
    let Some(p) = parse(raw) else {
        tracing::warn!("an inbound object that is not an email; left to the lifecycle rule");
        return Ok(Received::Unrouted);
    };
    if inbound::is_automatic(&p.headers) {
        tracing::info!("an automatic reply, ignored");
        return Ok(Received::Ignored { why: "automatic reply", keep: false });
    }
    let route = route(table, &p).await?;
    let (tenant, account, about) = match &route {
        Route::Token(t) => (t.tenant.clone(), t.account.clone(), t.about.clone()),
        Route::Reference { tenant, account, about } => (tenant.clone(), account.clone(), about.clone()),
        Route::Unknown => {
            tracing::warn!(
                recipients = p.recipients.len(),
                "an email naming no thread of ours; kept in the bucket until the lifecycle rule"
            );
            return Ok(Received::Unrouted);
        }
    };
    let Some(th) = threads::get(table, &tenant, &account, &about).await? else {
        tracing::warn!("an email for a thread that is not there; kept in the bucket until the lifecycle rule");
        return Ok(Received::Unrouted);
    };
    let hash = portal_domain::sha256_hex(key.as_bytes());
    let hour = now.as_second().div_euclid(3600);
    let contacts = parties::list_contacts(table, &tenant, &account).await?;
    let lead = parties::get_account(table, &tenant, &account).await?.is_some_and(|a| a.lead);
    // Stopped for one address, or for the whole thread since it was given.
    let revoked = matches!(&route, Route::Token(t) if t.revoked_at.is_some()
        || th.replies_revoked_at.is_some_and(|at| t.created_at <= at));
    // A reply address of one thread on an answer to another's notice: copied, not replied.
    let crossed = matches!(&route, Route::Token(t) if p.references.iter().filter_map(|r| thread_of_reference(r))
        .any(|(rt, ra, rb)| (rt, ra, rb) != (t.tenant.clone(), t.account.clone(), t.about.clone())));
    let found = match &route {
        _ if revoked => Err(HoldReason::UnknownAddress),
        _ if crossed => Err(HoldReason::OtherThread),
        Route::Token(t) => who(t, &contacts, lead, &th, &p.from),
        // Only a reply address (a secret) posts: a thread's id in References is no secret,
        // so what names only that is held for the office, with the contact it may be from.
        _ => Err(HoldReason::UnknownAddress),
    };
    let held_as = |found: &Result<&Contact, HoldReason>| match (&route, found) {
        (_, Ok(c)) => Some(c.id.clone()),
        (Route::Token(t), Err(_)) => Some(t.contact.clone()),
        _ => contacts.iter().find(|c| c.email.as_ref().is_some_and(|e| inbound::same_address(e.as_str(), &p.from))).map(|c| c.id.clone()),
    };
    let reason = inbound::verdict(&p.headers, &p.from).or(found.as_ref().err().copied());
    if let Some(reason) = reason {
        return hold(table, &th, &p, held_as(&found), reason, key, &hash, hour, now).await;
    }
    let Ok(contact) = found else { return hold(table, &th, &p, None, HoldReason::UnknownAddress, key, &hash, hour, now).await };
    // Counted only once the sender is known to be who they say: forged mail in someone's
    // name cannot use up their replies.
    let count = sender_count(table, &tenant, &p.from, hour).await?;
    if count >= 2 * SENDER_HOURLY {
        tracing::warn!("a sender past twice the hourly count; not posted, kept in the bucket until the lifecycle rule");
        return Ok(Received::Ignored { why: "too many from one sender", keep: true });
    }
    if count >= SENDER_HOURLY {
        return hold(table, &th, &p, Some(contact.id.clone()), HoldReason::TooMany, key, &hash, hour, now).await;
    }
    if p.text.trim().is_empty() && p.parts.is_empty() {
        return hold(table, &th, &p, Some(contact.id.clone()), HoldReason::Empty, key, &hash, hour, now).await;
    }
    deliver(table, blobs, ids, &th, contact, &p, key, &hash, hour, now, true, Vec::new()).await
}

/// Posts `p` to `th` as `contact`, with its attachments sent to the upload pipeline; `seen`
/// names the marker that makes this happen once. Past the contact's hourly count it holds
/// the email (`hold_on_limit`, as received) or says so (as the office posts a held one).
#[allow(clippy::too_many_arguments)]
async fn deliver(
    table: &dyn Table,
    blobs: &dyn Blobs,
    ids: &dyn Ids,
    th: &message::Thread,
    contact: &Contact,
    p: &Parsed,
    key: &str,
    seen: &str,
    hour: i64,
    now: Timestamp,
    hold_on_limit: bool,
    checks: Vec<Write>,
) -> Result<Received, Error> {
    let (tenant, account, about) = (&th.tenant, &th.account, &th.about);
    let tenant_record = parties::get_tenant(table, tenant).await?.ok_or(Error::NotFound("tenant"))?;
    let actor = Actor::Contact { id: contact.id.to_string(), name: contact.name.clone() };
    let act =
        Act { table, ids, tenant: tenant.clone(), actor, origin: Origin { ip: String::new(), user_agent: "email reply".into() }, now };
    let by = Uploader { id: contact.id.to_string(), name: contact.name.clone(), staff: false };
    let mut text = p.text.clone();
    let uploads: Vec<(Upload, &Part)> = p
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| slot(th, &by, part, derived(FileId::PREFIX, seen, i), now).map(|u| (u, part)))
        .collect::<Result<_, _>>()?;
    if p.left_out > 0 {
        let note = format!("({} attachment(s) of this email could not be kept: only photos and PDFs up to 25 MB, 10 at most.)", p.left_out);
        text = if text.is_empty() { note } else { format!("{text}\n\n{note}") };
    }
    let text: String = text.chars().take(message::MAX_TEXT).collect();
    let id = email_message_id(seen)?;
    let email = |with: bool| FromEmail {
        message: id.clone(),
        uploads: if with { uploads.iter().map(|(u, _)| u.clone()).collect() } else { Vec::new() },
        quota: tenant_record.files.quota_bytes,
        seen: threads::mark_received(seen, now),
        sender_count: count_sender(tenant, &p.from, hour),
        checks: checks.clone(),
    };
    let properties = contact.properties.as_deref();
    let posted = match crate::messages::post_email(&act, account, about, properties, &text, email(true)).await {
        Err(EmailRefused::Quota) => {
            let note = format!("{text}\n\n(The attachments could not be kept: the storage for photos and documents is full.)");
            let note: String = note.chars().take(message::MAX_TEXT).collect();
            crate::messages::post_email(&act, account, about, properties, &note, email(false)).await.map(|(_, m)| (m, false))
        }
        other => other.map(|(_, m)| (m, true)),
    };
    let (message, with_files) = match posted {
        Ok(done) => done,
        // Posted by an earlier delivery, which may have stopped before sending every file
        // to the pipeline: a slot still waiting for its bytes gets them (the same ids, so
        // the same slots); one processed or given up is left as it is.
        Err(EmailRefused::Duplicate) => {
            let mut sent = Vec::new();
            for (u, part) in &uploads {
                let waiting = portal_store::repo::files::get_upload(table, &u.tenant, &u.account, &u.id)
                    .await?
                    .is_some_and(|found| found.state == UploadState::Pending);
                if waiting {
                    sent.push(send_file(blobs, u, part).await?);
                }
            }
            return Ok(Received::Duplicate { uploads: sent, keep: false });
        }
        Err(EmailRefused::Quota) => return Err(Error::conflict("storage_full", "The storage for photos and documents is full.")),
        Err(EmailRefused::Other(Error::Limited(_))) if hold_on_limit => {
            return hold(table, th, p, Some(contact.id.clone()), HoldReason::TooMany, key, seen, hour, now).await;
        }
        Err(EmailRefused::Other(e)) => return Err(e),
    };
    // The slots are written: each file goes to the pipeline (its bucket event starts
    // process-upload, as a browser's upload does).
    let mut sent = Vec::new();
    for (u, part) in uploads.iter().filter(|_| with_files) {
        sent.push(send_file(blobs, u, part).await?);
    }
    tracing::info!(attachments = sent.len(), "an email reply posted");
    Ok(Received::Posted { message: message.id, uploads: sent })
}

/// Puts an attachment's bytes where its upload slot expects them (its bucket event starts
/// process-upload); the key.
async fn send_file(blobs: &dyn Blobs, u: &Upload, part: &Part) -> Result<String, Error> {
    let k = portal_domain::file::upload_key(&u.tenant, &u.account, &u.id);
    blobs
        .put(&k, &Blob { bytes: part.bytes.clone(), content_type: part.content_type.clone() }, "private, no-store")
        .await
        .map_err(|e| Error::Inconsistent(format!("blob store: {e}")))?;
    Ok(k)
}

/// An attachment's upload slot on what the thread is about (shared: the customer sent it).
fn slot(th: &message::Thread, by: &Uploader, part: &Part, id: String, now: Timestamp) -> Result<Upload, Error> {
    let attached = match &th.about {
        About::Job(job) => portal_domain::file::Attached::Job { job: job.clone() },
        About::General => portal_domain::file::Attached::Messages,
        About::Request(r) => portal_domain::file::Attached::Request { request: r.clone() },
    };
    Ok(Upload {
        id: id.parse().map_err(Error::Rule)?,
        tenant: th.tenant.clone(),
        account: th.account.clone(),
        property: th.property.clone(),
        attached,
        kind: part.kind,
        size: part.bytes.len() as u64,
        labels: Labels {
            caption: None,
            tag: None,
            doc_kind: (part.kind == FileKind::Document).then_some(Default::default()),
            shared: true,
            name: part.name.clone(),
        },
        by: by.clone(),
        created_at: now,
        state: UploadState::Pending,
    })
}

#[allow(clippy::too_many_arguments)]
async fn hold(
    table: &dyn Table,
    th: &message::Thread,
    p: &Parsed,
    contact: Option<ContactId>,
    reason: HoldReason,
    key: &str,
    hash: &str,
    hour: i64,
    now: Timestamp,
) -> Result<Received, Error> {
    // A sender known to be who they say is counted for what they send, held or not; forged
    // mail is not counted against the address it borrows.
    let verified = matches!(reason, HoldReason::TooMany | HoldReason::Empty);
    let held = Held {
        id: derived(HeldId::PREFIX, key, 0).parse().map_err(Error::Rule)?,
        tenant: th.tenant.clone(),
        account: th.account.clone(),
        about: th.about.clone(),
        contact,
        customer: th.customer.clone(),
        from: p.from.chars().take(320).collect(),
        from_name: p.from_name.chars().take(200).collect(),
        subject: p.subject.chars().take(300).collect(),
        text: p.text.chars().take(message::MAX_TEXT).collect(),
        attachments: u32::try_from(p.parts.len()).unwrap_or(u32::MAX),
        reason,
        raw: key.to_string(),
        received_at: now,
        state: HeldState::Held,
    };
    let cap = Write::Update(portal_store::repo::rate_count(&th.tenant, "held", "all", now, 3600, HELD_HOURLY));
    let mut writes = vec![threads::mark_received(hash, now), threads::save_held(None, &held)?, cap];
    if verified {
        writes.push(count_sender(&th.tenant, &p.from, hour));
    }
    match table.transact(writes).await {
        Ok(()) => {
            tracing::info!(reason = ?reason, "an email reply held for review");
            Ok(Received::Held(reason))
        }
        Err(portal_store::StoreError::TransactionCancelled { failed }) if failed.contains(&0) || failed.contains(&1) => {
            Ok(Received::Duplicate { uploads: Vec::new(), keep: true })
        }
        Err(portal_store::StoreError::TransactionCancelled { failed }) if failed.contains(&2) => {
            tracing::warn!(reason = ?reason, "more replies held this hour than the office is shown; kept in the bucket, not listed");
            Ok(Received::Ignored { why: "too many held this hour", keep: true })
        }
        Err(e) => Err(e.into()),
    }
}

/// The office posts a held reply to its thread as the contact it came for (audited), with
/// its attachments while the raw message is kept.
pub async fn release(act: &Act<'_>, blobs: &dyn Blobs, held: &Held) -> Result<portal_domain::ids::MessageId, Error> {
    if held.state != HeldState::Held {
        return Err(done_error());
    }
    if held.reason == HoldReason::Virus {
        return Err(Error::conflict(
            "held_virus",
            "The mail service found, or could not rule out, a virus in this email, so it cannot be posted. Ask the customer to send it again.",
        ));
    }
    // Posted as whoever wrote it when they are a contact of the customer (the office may have
    // added the neighbour who answered a forwarded notice); else, unless someone else wrote
    // it, as the contact the reply address was given to.
    let contacts = parties::list_contacts(act.table, &act.tenant, &held.account).await?;
    let writer = contacts.iter().find(|c| c.email.as_ref().is_some_and(|e| inbound::same_address(e.as_str(), &held.from)));
    let given = contacts.iter().find(|c| held.contact.as_ref() == Some(&c.id)).filter(|_| held.reason != HoldReason::OtherSender);
    let Some(contact) = writer.or(given).cloned() else {
        return Err(Error::conflict(
            "held_no_contact",
            "Nobody at this customer writes from this address. Add the sender as a contact first, or set the email aside.",
        ));
    };
    let th = threads::get(act.table, &act.tenant, &held.account, &held.about).await?.ok_or(Error::NotFound("thread"))?;
    let p = match blobs.get(&held.raw, MAX_RAW).await.map_err(|e| Error::Inconsistent(format!("blob store: {e}")))? {
        portal_domain::ports::Fetched::Found(b) => parse(&b.bytes),
        _ => None,
    };
    // Without the raw message (the lifecycle rule took it), the text as it was held.
    let mut p = p.unwrap_or_else(|| Parsed { from: held.from.clone(), text: held.text.clone(), ..Parsed::default() });
    // Posted as the person the office says it is from, whoever the email named.
    p.from = contact.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default();
    let seen = portal_domain::sha256_hex(format!("{}#posted", held.raw).as_bytes());
    let hour = act.now.as_second().div_euclid(3600);
    // Only while it is still held (not set aside meanwhile), in the post's transaction.
    let still = Write::Check { key: keys::held(&act.tenant, &held.account, &held.id), cond: Cond::eq("state", "held") };
    match deliver(act.table, blobs, act.ids, &th, &contact, &p, &held.raw, &seen, hour, act.now, false, vec![still]).await {
        // Posted now, or by an earlier try whose second step failed: the same message.
        Ok(Received::Posted { .. } | Received::Duplicate { .. }) => {}
        Ok(_) => return Err(Error::Limited("This customer has sent many messages in the last hour. Try again later.")),
        Err(e) if e.is_conflict() => return Err(done_error()),
        Err(e) => return Err(e),
    }
    let id = email_message_id(&seen)?;
    settle(act, held, HeldState::Posted { by: act.name().to_string(), at: act.now, message: id.clone() }, "held_email.posted").await?;
    Ok(id)
}

/// Moves a held reply on from `held`, audited as `action`.
async fn settle(act: &Act<'_>, held: &Held, state: HeldState, action: &str) -> Result<Held, Error> {
    let mut next = held.clone();
    next.state = state;
    let detail = serde_json::json!({ "thread": held.about.to_string(), "reason": held.reason });
    act.table
        .transact(vec![threads::save_held(Some(held), &next)?, act.audit(action, &held.id, Some(&held.account), detail)?])
        .await
        .map_err(done)?;
    Ok(next)
}

/// The id of the message an email makes: derived from its marker, so every delivery of it
/// names the same message.
fn email_message_id(seen: &str) -> Result<portal_domain::ids::MessageId, Error> {
    derived(portal_domain::ids::MessageId::PREFIX, seen, 0).parse().map_err(Error::Rule)
}

/// The office sets a held reply aside (audited); it stays listed as dismissed.
pub async fn dismiss(act: &Act<'_>, held: &Held) -> Result<Held, Error> {
    if held.state != HeldState::Held {
        return Err(done_error());
    }
    settle(act, held, HeldState::Dismissed { by: act.name().to_string(), at: act.now }, "held_email.dismissed").await
}

fn done(e: portal_store::StoreError) -> Error {
    match e {
        portal_store::StoreError::TransactionCancelled { .. } => done_error(),
        other => other.into(),
    }
}

fn done_error() -> Error {
    Error::conflict("held_done", "This email was posted or set aside already. Reload the list.")
}

/// Stops every reply address given for a thread so far (audited): replies to them are held
/// for review from now on; the next notice carries a new one. One write, on the thread's
/// summary, whichever addresses were given.
pub async fn revoke(act: &Act<'_>, th: &message::Thread) -> Result<message::Thread, Error> {
    let mut next = th.clone();
    next.replies_revoked_at = Some(act.now);
    next.rev += 1;
    let detail = serde_json::json!({ "thread": th.about.to_string() });
    act.table
        .transact(vec![
            threads::save(Some(th), &next)?,
            act.audit("reply_addresses.revoked", th.about.to_string(), Some(&th.account), detail)?,
        ])
        .await
        .map_err(crate::messages::changed)?;
    Ok(next)
}
