//! Sending a document or an invitation: who it goes to, and for each of them a link and the
//! outbox message that carries it, written with the change that sends it.
use jiff::SignedDuration;
use portal_domain::DomainError;
use portal_domain::ids::{AccountId, OutboxId, PropertyId};
use portal_domain::outbox::{Notice, OutboxMessage};
use portal_domain::party::Contact;
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::outbox;
use portal_store::table::Write;

use crate::{Act, Error};

/// How long an emailed document link (estimate, invoice) works.
pub const LINK_DAYS: i64 = 14;

/// How long a portal or staff invitation's sign-in link works.
pub const INVITE_HOURS: i64 = 72;

/// One send reaches at most this many contacts (a transaction holds 100 writes).
pub const MAX_RECIPIENTS: usize = 20;

/// Who a document at `property` goes to: contacts `wanted` by role, with the portal on, who
/// can be reached and may see that property.
pub fn recipients<'a>(contacts: &'a [Contact], property: Option<&PropertyId>, wanted: impl Fn(&Contact) -> bool) -> Vec<&'a Contact> {
    contacts
        .iter()
        .filter(|c| wanted(c) && c.portal_enabled && (c.email.is_some() || c.phone.is_some()))
        .filter(|c| portal_domain::party::within(c.properties.as_deref(), property))
        .take(MAX_RECIPIENTS)
        .collect()
}

/// The refusal when a document has nobody to go to (`who`: the roles that could receive it).
pub fn no_recipients(who: &str) -> Error {
    Error::Rule(DomainError::Conflict(
        "no_recipients",
        format!("Nobody on this account can receive it: add {who} with an email or phone, and switch their portal access on."),
    ))
}

/// How long an emailed document link works.
pub fn document_link_ttl() -> SignedDuration {
    SignedDuration::from_hours(24 * LINK_DAYS)
}

/// For each recipient, a link (`purpose`, working for `ttl`) and the outbox message that
/// carries it.
pub fn messages(
    act: &Act<'_>,
    account: &AccountId,
    to: &[&Contact],
    purpose: &LinkPurpose,
    ttl: SignedDuration,
    notice: impl Fn(&Contact, String) -> Notice,
) -> Result<Vec<Write>, Error> {
    let mut writes = Vec::with_capacity(to.len() * 2);
    for c in to {
        let subject = Subject::Contact { account: account.clone(), contact: c.id.clone() };
        let (token, link) = issue_link(act.ids, &act.tenant, subject, purpose.clone(), act.now, ttl)?;
        writes.push(link);
        let message = OutboxMessage {
            id: OutboxId::generate(act.ids),
            account: Some(account.clone()),
            created_at: act.now,
            notice: notice(c, token),
        };
        writes.push(outbox::enqueue(&act.tenant, message)?);
    }
    Ok(writes)
}
