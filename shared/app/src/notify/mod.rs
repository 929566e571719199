//! Delivering the outbox: receipts and estimate links by email (or a text to contacts with only
//! a phone).
//!
//! Written on the ports only (Table, Mailer, Sms), so the local server runs it as a background
//! task and a Lambda can run it on the table's stream. See [`portal_store::repo::outbox`] for how a
//! message is claimed, so two senders never send it twice.
use jiff::Timestamp;
use portal_domain::ids::TenantId;
use portal_domain::invoice::PaymentMethod;
use portal_domain::party::{Contact, Tenant};
use portal_domain::ports::{Ids, Mail, Mailer, Sms};

use portal_domain::outbox::{Envelope, Notice};
use portal_domain::payment::{Document, PaymentRecord};
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::outbox;
use portal_store::repo::payments;
use portal_store::repo::{invoices, parties};
use portal_store::{StoreError, Table};

use crate::SendError;

pub mod jobs;
pub mod messages;
mod office;
mod requests;
mod signin;
pub use signin::LINK_MINUTES;

/// Receipts are numbered from here (`R-1001`) per contractor.
pub const FIRST_RECEIPT_NUMBER: i64 = 1001;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub failed: usize,
    /// Claimed by another sender first.
    pub skipped: usize,
}

/// Sends every message of the tenant's outbox that is due.
pub async fn deliver_due(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    ids: &dyn Ids,
    t: &TenantId,
    now: Timestamp,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let due = outbox::due(table, t, now).await?;
    if due.is_empty() {
        return Ok(report);
    }
    let Some(tenant) = parties::get_tenant(table, t).await? else { return Ok(report) };
    for envelope in due {
        let Some(claimed) = outbox::claim(table, t, &envelope, now).await? else {
            report.skipped += 1;
            continue;
        };
        let sent = match send(table, mailer, sms, ids, &tenant, &claimed, now).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(message = %claimed.message.id, attempt = claimed.attempts, error = %e, "outbox message not sent");
                false
            }
        };
        outbox::finish(table, t, &claimed, sent, now).await?;
        if sent {
            report.sent += 1;
        } else {
            report.failed += 1;
        }
    }
    Ok(report)
}

/// Who gets money mail on an account: contacts who pay (approvers, billing) with the portal on.
async fn payers(table: &dyn Table, a: &portal_domain::ids::AccountId, t: &TenantId) -> Result<Vec<Contact>, StoreError> {
    Ok(parties::list_contacts(table, t, a).await?.into_iter().filter(|c| c.role.can_pay() && c.portal_enabled).collect())
}

async fn send(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    ids: &dyn Ids,
    tenant: &Tenant,
    e: &Envelope,
    now: Timestamp,
) -> Result<(), SendError> {
    let m = &e.message;
    let account = || m.account.as_ref().ok_or(SendError::Missing("the message names no account"));
    match &m.notice {
        Notice::Receipt { document, payment, .. } => {
            let mut payment =
                payments::get(table, &tenant.id, account()?, document, payment).await?.ok_or(SendError::Missing("the payment is gone"))?;
            if payment.receipt_number.is_none() {
                // A number for people, per contractor, given once: if the payment changed
                // meanwhile the save fails and the message is tried again (a number may be
                // skipped, never given twice).
                let n = parties::next_number(table, &tenant.id, "RCPT", FIRST_RECEIPT_NUMBER).await?;
                let before = payment.rev;
                payment.receipt_number = Some(format!("R-{n}"));
                payment.rev += 1;
                table.transact(vec![payments::save(&tenant.id, account()?, &payment, before)?]).await?;
            }
            let what = match document {
                Document::Invoice(i) => match invoices::load(table, &tenant.id, account()?, i).await? {
                    Some(b) => format!("invoice {}", b.invoice.number),
                    None => "your invoice".to_string(),
                },
                Document::Estimate(_) => "your deposit".to_string(),
                Document::Account => "account credit".to_string(),
                Document::Balance => payments::all(table, &tenant.id, account()?).await?.invoice_numbers(&payment.parts),
            };
            let receipt = Receipt { tenant, payment: &payment, what: &what };
            let mut reached = 0;
            for c in payers(table, account()?, &tenant.id).await? {
                if c.email.is_none() && c.phone.is_none() {
                    continue;
                }
                let url = receipt_link(table, ids, tenant, &c, document, &payment, now).await?;
                if let Some(email) = &c.email {
                    mailer.send(&receipt.mail(email, &url)).await?;
                } else if let Some(phone) = &c.phone {
                    sms.send(phone, &receipt.text(&url)).await?;
                }
                reached += 1;
            }
            if reached == 0 {
                tracing::info!(message = %m.id, "receipt has nobody to go to");
            }
        }
        Notice::EstimateSent { estimate, contact, token, version } => {
            // A message whose token is gone was sent before and must not be sent again.
            let token = token.as_deref().ok_or(SendError::Missing("the estimate link was already sent"))?;
            let Some(c) = parties::get_contact(table, &tenant.id, account()?, contact).await? else { return Ok(()) };
            let Some(bundle) = portal_store::repo::estimates::load(table, &tenant.id, account()?, estimate).await? else { return Ok(()) };
            let url = format!("{}/signin#token={token}", tenant.portal_url.trim_end_matches('/'));
            let e = &bundle.estimate;
            let property = match &e.property {
                Some(p) => parties::list_properties(table, &tenant.id, account()?).await?.into_iter().find(|x| &x.id == p).map(|x| x.label),
                None => None,
            };
            if let Some(email) = &c.email {
                mailer.send(&estimate_mail(tenant, &c.name, email, e, *version, property, &url)).await?;
            } else if let Some(phone) = &c.phone {
                sms.send(phone, &format!("{}: estimate {} ({}) is ready: {url}", tenant.name, e.number, e.title)).await?;
            }
            stamp_invited(table, &tenant.id, account()?, contact, now).await;
        }
        Notice::InvoiceSent { invoice, contact, token } => {
            let token = token.as_deref().ok_or(SendError::Missing("the invoice link was already sent"))?;
            let Some(c) = parties::get_contact(table, &tenant.id, account()?, contact).await? else { return Ok(()) };
            let Some(bundle) = invoices::load(table, &tenant.id, account()?, invoice).await? else { return Ok(()) };
            let i = &bundle.invoice;
            let url = format!("{}/signin#token={token}", tenant.portal_url.trim_end_matches('/'));
            let balance = i.content.currency.format(i.ledger.balance);
            let due = i.content.due_date;
            if let Some(email) = &c.email {
                mailer.send(&invoice_mail(tenant, &c.name, email, i, &url)).await?;
            } else if let Some(phone) = &c.phone {
                sms.send(phone, &format!("{}: invoice {} for {balance}, due {due}: {url}", tenant.name, i.number)).await?;
            }
            stamp_invited(table, &tenant.id, account()?, contact, now).await;
        }
        Notice::PortalInvite { contact, token } => {
            let token = token.as_deref().ok_or(SendError::Missing("the invitation was already sent"))?;
            let Some(c) = parties::get_contact(table, &tenant.id, account()?, contact).await?.filter(|c| c.portal_enabled) else {
                return Ok(());
            };
            let url = format!("{}/signin#token={token}", tenant.portal_url.trim_end_matches('/'));
            let subject = format!("Your customer portal with {}", tenant.name);
            let intro = if tenant.welcome_message.trim().is_empty() {
                "See your estimates, approve them, and pay invoices online.".to_string()
            } else {
                tenant.welcome_message.trim().to_string()
            };
            if let Some(email) = &c.email {
                mailer.send(&invite_mail(tenant, email, &subject, &c.name, &intro, "Open your portal", &url)).await?;
            } else if let Some(phone) = &c.phone {
                sms.send(phone, &format!("{}: your customer portal (link works once, 72 h): {url}", tenant.name)).await?;
            }
        }
        Notice::OfficeAlert { about: portal_domain::outbox::OfficeEvent::MessageReceived { about, message } } => {
            messages::deliver_received(table, mailer, tenant, account()?, about, message).await?
        }
        Notice::OfficeAlert { about } => office::deliver(table, mailer, tenant, account()?, about).await?,
        Notice::ThreadReply { about, since } => {
            messages::deliver_reply(table, mailer, sms, ids, tenant, account()?, about, *since, now).await?
        }
        Notice::Visit { job, visit, change } => {
            jobs::deliver_visit(table, mailer, sms, tenant, account()?, job, visit, *change, now).await?
        }
        Notice::JobCompleted { job } => jobs::deliver_completed(table, mailer, sms, tenant, account()?, job).await?,
        Notice::RequestUpdate { request } => requests::deliver_update(table, mailer, sms, tenant, account()?, request).await?,
        Notice::ReviewRequest { job } => jobs::deliver_review_request(table, mailer, sms, ids, tenant, account()?, job, now).await?,
        Notice::SignInRequested { ask } => {
            let ask = ask.as_ref().ok_or(SendError::Missing("the sign-in request was already handled"))?;
            signin::deliver(table, mailer, sms, ids, tenant, ask, now).await?;
        }
        Notice::StaffInvite { staff, token } => {
            let token = token.as_deref().ok_or(SendError::Missing("the invitation was already sent"))?;
            let Some(s) = parties::get_staff(table, &tenant.id, staff).await?.filter(|s| s.active) else { return Ok(()) };
            let url = format!("{}/admin/signin#token={token}", tenant.portal_url.trim_end_matches('/'));
            let subject = format!("You are invited to {}'s admin page", tenant.name);
            let intro = "Run customers, estimates and invoices from the admin page.".to_string();
            mailer.send(&invite_mail(tenant, &s.email, &subject, &s.name, &intro, "Open the admin page", &url)).await?;
        }
    }
    Ok(())
}

/// An invitation: a greeting and one button.
fn invite_mail(tenant: &Tenant, to: &portal_domain::party::Email, subject: &str, name: &str, intro: &str, action: &str, url: &str) -> Mail {
    let note = "The link works once, for 72 hours. You can always ask for a new one on the sign-in page.";
    crate::mail::branded(tenant, to, subject.to_string(), &[format!("Hello {name},"), intro.to_string()], action, url, note)
}

/// A calendar date as people read it (`December 31, 2026`).
fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%B %-d, %Y").to_string()
}

/// The email that carries an estimate's document link: what it is for, its total, until when
/// it can be approved, and where.
fn estimate_mail(
    tenant: &Tenant,
    name: &str,
    to: &portal_domain::party::Email,
    e: &portal_domain::estimate::Estimate,
    version: u32,
    property: Option<String>,
    url: &str,
) -> Mail {
    let business = &tenant.name;
    let (number, title) = (&e.number, &e.title);
    let revised = if version > 1 { " (updated)" } else { "" };
    let paragraphs = [
        format!("Hello {name},"),
        format!("{business} sent you estimate {number}{revised}: {title}."),
        "Review the options, approve and sign, or ask for changes.".to_string(),
    ];
    let mut facts = vec![
        ("Estimate", format!("{number}{}", if version > 1 { format!(", version {version}") } else { String::new() })),
        ("For", title.clone()),
        ("Total", e.currency.format(e.headline_total)),
        ("Valid until", long_date(e.valid_until)),
    ];
    facts.extend(property.map(|p| ("Property", p)));
    let note = "The link opens this estimate only; it works for 14 days. Sign in to the portal to see your whole account.";
    crate::mail::branded_with_facts(
        tenant,
        to,
        format!("Estimate {number}{revised} from {business}: {title}"),
        &paragraphs,
        &facts,
        "Review the estimate",
        url,
        note,
    )
}

/// The email that carries an invoice's document link: what it is for, what is due by when,
/// and where.
fn invoice_mail(tenant: &Tenant, name: &str, to: &portal_domain::party::Email, i: &portal_domain::invoice::Invoice, url: &str) -> Mail {
    let business = &tenant.name;
    let number = &i.number;
    let balance = i.content.currency.format(i.ledger.balance);
    let due = long_date(i.content.due_date);
    let paragraphs = [
        format!("Hello {name},"),
        format!("{business} sent you invoice {number}: {balance} due by {due}."),
        "See the lines and pay by card or bank transfer.".to_string(),
    ];
    let mut facts = vec![("Invoice", number.clone()), ("For", i.what_for()), ("Amount due", balance.clone()), ("Due by", due)];
    facts.extend(i.property_label.clone().map(|p| ("Property", p)));
    let note = "The link opens this invoice only; it works for 14 days. Sign in to the portal to see your whole account.";
    crate::mail::branded_with_facts(
        tenant,
        to,
        format!("Invoice {number} from {business}: {balance}"),
        &paragraphs,
        &facts,
        "View and pay",
        url,
        note,
    )
}

/// How long a receipt's link works.
const RECEIPT_LINK_DAYS: i64 = 30;

/// The address a receipt links to: a link that opens the paid document (view only) and lands
/// on the receipt, made for this contact when the message is sent (its token is never
/// Marks the contact invited once a document link reached them. After the message went out:
/// failing here must not send it again, so it is logged, not returned.
async fn stamp_invited(
    table: &dyn Table,
    t: &portal_domain::ids::TenantId,
    a: &portal_domain::ids::AccountId,
    c: &portal_domain::ids::ContactId,
    now: Timestamp,
) {
    if let Err(e) = crate::customers::reached(table, t, a, c, now).await {
        tracing::warn!(error = %e, contact = %c, "the contact's invitation was not stamped");
    }
}

/// stored). Account credit belongs to no document: its receipt asks the contact to sign in.
async fn receipt_link(
    table: &dyn Table,
    ids: &dyn Ids,
    tenant: &Tenant,
    c: &Contact,
    document: &Document,
    payment: &PaymentRecord,
    now: Timestamp,
) -> Result<String, StoreError> {
    let base = tenant.portal_url.trim_end_matches('/');
    let view = vec!["view".to_string()];
    let purpose = match document {
        Document::Invoice(i) => LinkPurpose::Invoice { invoice: i.clone(), rights: view },
        Document::Estimate(e) => LinkPurpose::Estimate { estimate: e.clone(), rights: view },
        Document::Account | Document::Balance => return Ok(format!("{base}/payments/{}", payment.id)),
    };
    let subject = Subject::Contact { account: c.account.clone(), contact: c.id.clone() };
    let ttl = jiff::SignedDuration::from_hours(24 * RECEIPT_LINK_DAYS);
    let (token, link) = issue_link(ids, &tenant.id, subject, purpose, now, ttl)?;
    table.transact(vec![link]).await?;
    Ok(format!("{base}/signin?next=/payments/{}#token={token}", payment.id))
}

struct Receipt<'a> {
    tenant: &'a Tenant,
    payment: &'a PaymentRecord,
    what: &'a str,
}

impl Receipt<'_> {
    fn amount(&self) -> String {
        self.tenant.currency.format(self.payment.state.amount)
    }
    fn method(&self) -> &'static str {
        match self.payment.state.method {
            PaymentMethod::Card => "card",
            PaymentMethod::Ach => "bank transfer (ACH)",
            PaymentMethod::Online => "online payment",
            PaymentMethod::Offline => "cheque or cash",
            PaymentMethod::Credit => "account credit",
        }
    }

    fn number(&self) -> String {
        self.payment.receipt_number.clone().unwrap_or_else(|| self.payment.id.to_string())
    }

    fn mail(&self, to: &portal_domain::party::Email, url: &str) -> Mail {
        let zone = self.tenant.zone();
        let day = self.payment.updated_at.to_zoned(zone).strftime("%B %-d, %Y").to_string();
        let paragraphs = [
            format!("Thank you. We received {} by {} for {}.", self.amount(), self.method(), self.what),
            format!("Receipt {} · {day}", self.number()),
        ];
        let facts = [
            ("Receipt", self.number()),
            ("Paid", self.amount()),
            ("For", self.what.to_string()),
            ("Method", self.method().to_string()),
            ("Date", day),
        ];
        let subject = format!("Receipt: {} paid to {}", self.amount(), self.tenant.name);
        crate::mail::branded_with_facts(
            self.tenant,
            to,
            subject,
            &paragraphs,
            &facts,
            "See your receipt and your balance",
            url,
            "Keep this email for your records.",
        )
    }

    fn text(&self, url: &str) -> String {
        format!("{}: we received {} for {}. Receipt {}: {url}", self.tenant.name, self.amount(), self.what, self.number())
    }
}

/// The closing words of a notice to a lead (no portal yet): how to answer, by email only when
/// an answer reaches someone (`replies`: a reply address or the business's support address).
fn lead_note(tenant: &Tenant, why: &str, replies: bool) -> String {
    match (replies, tenant.support_phone.as_ref()) {
        (true, Some(p)) => format!("{why} Reply to this email, or call us at {}.", p.display()),
        (true, None) => format!("{why} Reply to this email to answer."),
        (false, Some(p)) => format!("{why} To answer, call us at {}.", p.display()),
        (false, None) => format!("{why} We will be in touch."),
    }
}

/// How a lead answers a text: by calling the business (texts back are not read yet).
fn lead_call(tenant: &Tenant) -> String {
    match tenant.support_phone.as_ref() {
        Some(p) => format!("Questions? Call {}.", p.display()),
        None => "We will be in touch.".to_string(),
    }
}
