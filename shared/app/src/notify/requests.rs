//! What a customer hears of their work request: the office is looking at it, an estimate is
//! on its way, or it was declined (with the office's message). To the contact who asked, by
//! email, or by text when they have only a phone; said as the request is when it is sent.
use portal_domain::ids::{AccountId, RequestId};
use portal_domain::party::Tenant;
use portal_domain::ports::{Mailer, Sms};
use portal_domain::request::RequestStatus;
use portal_store::Table;
use portal_store::repo::{parties, requests};

use crate::SendError;

pub(super) async fn deliver_update(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    tenant: &Tenant,
    account: &AccountId,
    request: &RequestId,
) -> Result<(), SendError> {
    let Some(r) = requests::get(table, &tenant.id, account, request).await? else { return Ok(()) };
    let business = &tenant.name;
    let what = r.category.to_lowercase();
    let (subject, lines) = match r.status {
        // Nothing to say yet; a job's visit is told by its own notice.
        RequestStatus::Received | RequestStatus::Scheduled => return Ok(()),
        RequestStatus::InReview => (
            format!("We are looking at your request: {}", r.category),
            vec![format!("{business} is looking at your request for {what}. We will be in touch about the next step.")],
        ),
        RequestStatus::Estimate => (
            format!("An estimate is on its way: {}", r.category),
            vec![format!("{business} is preparing an estimate for your request ({what}). You will get it by email when it is ready.")],
        ),
        RequestStatus::Declined => {
            let mut l = vec![format!("{business} cannot take on your request for {what}.")];
            if let Some(m) = &r.message {
                l.push(format!("They wrote: {m}"));
            }
            (format!("About your request: {}", r.category), l)
        }
    };
    let url = format!("{}/requests/{}", tenant.portal_url.trim_end_matches('/'), r.id);
    // A lead from the public form has no portal to open yet: told without a link.
    let lead = parties::get_account(table, &tenant.id, account).await?.is_some_and(|a| a.lead);
    let contact = match &r.contact {
        Some(c) => parties::get_contact(table, &tenant.id, account, c).await?.filter(|c| c.portal_enabled || lead),
        None => None,
    };
    let email = contact.as_ref().and_then(|c| c.email.clone()).or_else(|| r.email.clone());
    let phone = contact.as_ref().and_then(|c| c.phone.clone()).or_else(|| r.phone.clone());
    let name = contact.as_ref().map_or_else(|| r.name.clone(), |c| c.name.clone());
    if let Some(to) = &email {
        let mut paragraphs = vec![format!("Hello {name},")];
        paragraphs.extend(lines);
        let mail = if lead {
            let why = "You get this because you asked for work through our website's request form.";
            let note = super::lead_note(tenant, why, tenant.support_email.is_some());
            crate::mail::without_portal(tenant, to, subject, &paragraphs, &note)
        } else {
            let note = "You get this because you asked for work through the customer portal. Answer in the request's thread.";
            crate::mail::branded(tenant, to, subject, &paragraphs, "See your request", &url, note)
        };
        mailer.send(&mail).await?;
    } else if let Some(to) = &phone {
        let next = if lead { super::lead_call(tenant) } else { format!("See it: {url}") };
        sms.send(to, &format!("{business}: {} {next}", lines.join(" "))).await?;
    }
    Ok(())
}
