//! Notices of messages: a customer's message emails the staff member the thread is assigned
//! to (else the contractor's notification address); staff messages, gathered for two minutes,
//! email (or text) the contacts who see the thread, with a link that opens it.
use jiff::Timestamp;
use portal_domain::ids::{AccountId, MessageId};
use portal_domain::message::{About, Side, Thread};
use portal_domain::outbox::{Envelope, Notice};
use portal_domain::party::Tenant;
use portal_domain::ports::{Ids, Mailer, Sms};
use portal_store::Table;
use portal_store::repo::{outbox, parties, threads};

use crate::SendError;

/// The portal's page of a thread.
pub fn thread_url(tenant: &Tenant, about: &About) -> String {
    format!("{}/messages/{about}", tenant.portal_url.trim_end_matches('/'))
}

/// The admin page's view of a thread.
pub fn admin_thread_url(tenant: &Tenant, account: &AccountId, about: &About) -> String {
    format!("{}/admin/inbox/{account}/{about}", tenant.portal_url.trim_end_matches('/'))
}

/// A message's text as paragraphs (its line breaks kept as lines).
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::to_string).filter(|p| !p.trim().is_empty()).collect()
}

pub(super) async fn deliver_received(
    table: &dyn Table,
    mailer: &dyn Mailer,
    tenant: &Tenant,
    account: &AccountId,
    about: &About,
    message: &MessageId,
) -> Result<(), SendError> {
    let Some((th, messages)) = threads::load(table, &tenant.id, account, about).await? else { return Ok(()) };
    let Some(m) = messages.iter().find(|m| &m.id == message && m.hidden.is_none()) else { return Ok(()) };
    let assignee = match &th.assigned {
        Some(a) => parties::get_staff(table, &tenant.id, &a.id).await?.filter(|s| s.active).map(|s| s.email),
        None => None,
    };
    let (to, note) = match (assignee, &tenant.notification_email) {
        (Some(email), _) => (email, "You get these because this thread is assigned to you."),
        (None, Some(email)) => {
            (email.clone(), "You get these because this address is the business's notification address in the admin page's settings.")
        }
        (None, None) => return Ok(()),
    };
    let mut lines = vec![format!("{} wrote about {}:", m.author.name, th.subject)];
    lines.extend(paragraphs(&m.text));
    if !m.attachments.is_empty() {
        lines.push(format!("With {} file(s): see them in the thread.", m.attachments.len()));
    }
    let subject = format!("{}: {}", th.customer, portal_domain::message::preview(&m.text, m.attachments.len()));
    let url = admin_thread_url(tenant, account, about);
    mailer.send(&crate::mail::branded(tenant, &to, subject, &lines, "Answer in the inbox", &url, note)).await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn deliver_reply(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    ids: &dyn Ids,
    tenant: &Tenant,
    account: &AccountId,
    about: &About,
    since: Timestamp,
    now: Timestamp,
) -> Result<(), SendError> {
    let Some((th, messages)) = threads::load(table, &tenant.id, account, about).await? else { return Ok(()) };
    let carried: Vec<_> = messages.iter().filter(|m| m.side() == Side::Staff && m.at >= since && m.hidden.is_none()).collect();
    let Some(last) = carried.last().map(|m| m.at) else { return settle(table, ids, tenant, th, since, now).await };
    let url = thread_url(tenant, about);
    // A lead from the public form has no portal yet: the messages come whole, answered by
    // email (or a call), without a link to sign in.
    let lead = parties::get_account(table, &tenant.id, account).await?.is_some_and(|a| a.lead);
    let contacts = parties::list_contacts(table, &tenant.id, account).await?;
    let reached = contacts
        .iter()
        .filter(|c| (c.portal_enabled || lead) && (c.email.is_some() || c.phone.is_some()))
        .filter(|c| crate::messages::customer_sees(c.properties.as_deref(), th.property.as_ref(), about));
    for c in reached.take(crate::links::MAX_RECIPIENTS) {
        if let Some(email) = &c.email {
            let mut lines = vec![format!("Hello {},", c.name)];
            for m in &carried {
                lines.push(format!("{} wrote:", m.author.name));
                lines.extend(paragraphs(&m.text));
                if !m.attachments.is_empty() {
                    lines.push(format!("With {} file(s) in the portal.", m.attachments.len()));
                }
            }
            let subject = format!("{}: {}", tenant.name, th.subject);
            let replies = mailer.reply_domain().map(str::to_string);
            let mut mail = if lead {
                let why = "You get this because you asked for work through our website's request form.";
                let note = super::lead_note(tenant, why, replies.is_some() || tenant.support_email.is_some());
                crate::mail::without_portal(tenant, email, subject, &lines, &note)
            } else {
                let note = if replies.is_some() {
                    "Reply to this email, or answer in the portal: the office sees your answer with the job."
                } else {
                    "Sign in to the portal to answer; the office sees your answer with the job."
                };
                crate::mail::branded(tenant, email, subject, &lines, "Answer in the portal", &url, note)
            };
            if let Some(domain) = replies {
                // A reply address for this thread and this contact, kept (hashed) before the
                // email goes.
                let (token, hash) = portal_domain::message::new_reply_token(ids);
                let record = portal_domain::message::ReplyToken {
                    tenant: tenant.id.clone(),
                    account: account.clone(),
                    about: about.clone(),
                    contact: c.id.clone(),
                    created_at: now,
                    revoked_at: None,
                };
                table.transact(vec![threads::save_reply_token(&hash, &record)?]).await?;
                mail.reply_to = Some(portal_domain::message::reply_address(&token, &domain));
                mail.references = vec![portal_domain::message::thread_reference(&th, &domain)];
            }
            mailer.send(&mail).await?;
        } else if let Some(phone) = &c.phone {
            let first = carried.first().map(|m| portal_domain::message::preview(&m.text, m.attachments.len())).unwrap_or_default();
            let next = if lead { super::lead_call(tenant) } else { format!("Answer in the portal: {url}") };
            sms.send(phone, &format!("{}: {first} {next}", tenant.name)).await?;
        }
    }
    settle(table, ids, tenant, th, last, now).await
}

/// After a notice went: the thread waits for no notice, unless staff wrote again meanwhile,
/// when a new notice carries what came after `sent_until`.
async fn settle(
    table: &dyn Table,
    ids: &dyn Ids,
    tenant: &Tenant,
    mut th: Thread,
    sent_until: Timestamp,
    now: Timestamp,
) -> Result<(), SendError> {
    for _ in 0..3 {
        let later = threads::load(table, &tenant.id, &th.account, &th.about)
            .await?
            .map(|(t, ms)| (t, ms.into_iter().filter(|m| m.side() == Side::Staff && m.at > sent_until).map(|m| m.at).min()));
        let Some((current, newer)) = later else { return Ok(()) };
        th = current;
        let mut next = th.clone();
        next.rev += 1;
        next.notice_pending = newer;
        let mut writes = vec![threads::save(Some(&th), &next)?];
        if let Some(first) = newer {
            let notice = Notice::ThreadReply { about: th.about.clone(), since: first };
            let mut e = Envelope::new(notice.message(ids, &th.account, now));
            e.not_before = now.checked_add(jiff::SignedDuration::from_secs(portal_domain::message::NOTICE_GATHER_SECONDS)).ok();
            writes.push(outbox::enqueue_envelope(&tenant.id, e)?);
        }
        match table.transact(writes).await {
            Ok(()) => return Ok(()),
            Err(portal_store::StoreError::TransactionCancelled { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(SendError::Missing("the thread kept changing"))
}
