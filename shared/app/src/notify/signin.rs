//! Sign-in links asked for on the sign-in pages: who the address belongs to, the links, and the
//! email or text that carries each. Done here rather than in the request, so the request's
//! answer costs the same whether or not the address is on file.
use jiff::{SignedDuration, Timestamp};
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::ids::AccountId;
use portal_domain::party::{Contact, Email, Phone, Staff, Tenant};
use portal_domain::ports::{Ids, Mail, Mailer, Sms};

use portal_domain::outbox::{SignInAsk, SignInBy};
use portal_store::Table;
use portal_store::repo::auth::{self, LinkPurpose, Subject, issue_link};
use portal_store::repo::{audit, parties};

use crate::SendError;

/// Sign-in links expire after this long.
pub const LINK_MINUTES: i64 = 10;
/// A person who is a contact of several accounts gets a link for each, up to this many.
const MAX_LINKS: usize = 3;

/// Where a link goes.
enum To {
    Email(Email),
    Phone(Phone),
}

/// Who a sign-in link is for and where it leads.
struct Recipient {
    subject: Subject,
    actor: Actor,
    audit_subject: String,
    account: Option<AccountId>,
    /// Staff sign in to the admin page, customers to the portal.
    staff: bool,
}

impl Recipient {
    fn contact(c: &Contact) -> Self {
        Self {
            subject: Subject::Contact { account: c.account.clone(), contact: c.id.clone() },
            actor: Actor::Contact { id: c.id.to_string(), name: c.name.clone() },
            audit_subject: c.id.to_string(),
            account: Some(c.account.clone()),
            staff: false,
        }
    }
    fn staff(s: &Staff) -> Self {
        Self {
            subject: Subject::Staff { staff: s.id.clone() },
            actor: Actor::Staff { id: s.id.to_string(), name: s.name.clone() },
            audit_subject: s.id.to_string(),
            account: None,
            staff: true,
        }
    }
}

/// Finds who `ask` is for and sends each a fresh single-use link. An address on no file, a
/// contact whose access is off or a staff member who left gets nothing, silently.
pub(super) async fn deliver(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    ids: &dyn Ids,
    tenant: &Tenant,
    ask: &SignInAsk,
    now: Timestamp,
) -> Result<(), SendError> {
    let origin = Origin { ip: ask.ip.clone(), user_agent: ask.user_agent.clone() };
    let t = &tenant.id;
    let mut sends: Vec<(Recipient, To)> = Vec::new();
    match &ask.by {
        SignInBy::Email { email, admin: true } => {
            if let Some(s) = parties::find_staff_by_email(table, t, email).await?.filter(|s| s.active) {
                sends.push((Recipient::staff(&s), To::Email(email.clone())));
            }
        }
        SignInBy::Email { email, admin: false } => {
            for c in parties::find_contacts_by_email(table, t, email).await?.iter().filter(|c| c.portal_enabled).take(MAX_LINKS) {
                sends.push((Recipient::contact(c), To::Email(email.clone())));
            }
        }
        SignInBy::Phone { phone } => {
            for c in parties::find_contacts_by_phone(table, t, phone).await?.iter().filter(|c| c.portal_enabled).take(MAX_LINKS) {
                sends.push((Recipient::contact(c), To::Phone(phone.clone())));
            }
        }
        SignInBy::Resend { link } => match auth::get_link(table, t, link).await?.map(|l| l.subject) {
            Some(Subject::Contact { account, contact }) => {
                if let Some(c) = parties::get_contact(table, t, &account, &contact).await?.filter(|c| c.portal_enabled) {
                    let to = c.email.clone().map(To::Email).or_else(|| c.phone.clone().map(To::Phone));
                    if let Some(to) = to {
                        sends.push((Recipient::contact(&c), to));
                    }
                }
            }
            Some(Subject::Staff { staff }) => {
                if let Some(s) = parties::get_staff(table, t, &staff).await?.filter(|s| s.active) {
                    sends.push((Recipient::staff(&s), To::Email(s.email.clone())));
                }
            }
            None => {}
        },
    }
    for (r, to) in sends {
        send_link(table, mailer, sms, ids, tenant, r, to, &origin, now).await?;
    }
    Ok(())
}

/// Issues a single-use sign-in link, records it with its audit entry, and sends it.
#[allow(clippy::too_many_arguments)]
async fn send_link(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    ids: &dyn Ids,
    tenant: &Tenant,
    r: Recipient,
    to: To,
    origin: &Origin,
    now: Timestamp,
) -> Result<(), SendError> {
    let (token, link) = issue_link(ids, &tenant.id, r.subject, LinkPurpose::SignIn, now, SignedDuration::from_mins(LINK_MINUTES))?;
    let page = if r.staff { "admin/signin" } else { "signin" };
    let url = format!("{}/{page}#token={token}", tenant.portal_url.trim_end_matches('/'));
    let channel = if matches!(to, To::Email(_)) { "email" } else { "text" };
    let detail = serde_json::json!({ "channel": channel });
    let entry = AuditEntry::record(ids, now, r.actor, "auth.link_sent", Some(r.audit_subject), r.account, origin, detail);
    table.transact(vec![link, audit::append(&tenant.id, &entry)?]).await?;
    match to {
        To::Email(e) => mailer.send(&sign_in_email(tenant, &e, &url, r.staff)).await?,
        To::Phone(p) => sms.send(&p, &sign_in_text(tenant, &url)).await?,
    }
    Ok(())
}

/// The email with a sign-in link: to the customer portal, or (staff) to the admin page.
fn sign_in_email(tenant: &Tenant, to: &Email, url: &str, staff: bool) -> Mail {
    let name = &tenant.name;
    let (subject, line) = if staff {
        (
            format!("Your sign-in link for {name}'s admin page"),
            format!("Sign in to {name}'s admin page, where the office runs customers, estimates and invoices:"),
        )
    } else {
        (format!("Your sign-in link for {name}"), format!("Sign in to your {name} customer portal:"))
    };
    let note = format!("The link works once, for {LINK_MINUTES} minutes. If you did not ask for it, you can ignore this email.");
    crate::mail::branded(tenant, to, subject, &[line], "Sign in", url, &note)
}

/// The text message with a sign-in link.
fn sign_in_text(tenant: &Tenant, url: &str) -> String {
    format!("{}: your sign-in link (works once, {LINK_MINUTES} min): {url}", tenant.name)
}
