//! What customers hear of their visits and jobs: a visit booked, moved or cancelled (email
//! with the visit's calendar file), a technician on the way ("Sam from Bright Spark Electric
//! is on the way, arriving about 10:40"), a job completed. To every contact with the portal on
//! who may see the job's property: an email, or a text to a contact with only a phone; "on the
//! way" goes by text to anyone with a phone (it is read in the next minutes, on the move).
use jiff::Timestamp;
use portal_domain::ids::{AccountId, JobId, VisitId};
use portal_domain::job::calendar::{EventText, ics};
use portal_domain::job::{Job, Visit};
use portal_domain::outbox::VisitChange;
use portal_domain::party::Tenant;
use portal_domain::ports::{Attachment, Mailer, Sms};
use portal_store::Table;
use portal_store::repo::{jobs, parties};

use crate::SendError;

/// `Tuesday, December 3, 9:00 to 11:00`.
pub fn window_words(job: &Job, v: &Visit) -> String {
    let (start, end) = v.window.in_zone(&job.zone());
    let day = start.strftime("%A, %B %-d");
    let end_day = if end.date() == start.date() { String::new() } else { format!("{} ", end.strftime("%A, %B %-d")) };
    format!("{day}, {} to {end_day}{}", start.strftime("%-H:%M"), end.strftime("%-H:%M"))
}

/// The portal's domain, for calendar UIDs (`portal.example.com`).
pub fn portal_domain(tenant: &Tenant) -> String {
    let url = tenant.portal_url.trim_end_matches('/');
    let host = url.split("://").nth(1).unwrap_or(url);
    host.split(['/', ':']).next().unwrap_or(host).to_string()
}

/// The `.ics` of one visit, as the portal serves it and emails carry it.
pub fn calendar_file(tenant: &Tenant, job: &Job, v: &Visit, now: Timestamp) -> String {
    let url = format!("{}/jobs/{}", tenant.portal_url.trim_end_matches('/'), job.id);
    let organizer = tenant.support_email.as_ref().or(tenant.notification_email.as_ref()).map(|e| e.as_str());
    ics(job, v, &EventText { business: &tenant.name, domain: &portal_domain(tenant), url: &url, now, organizer })
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn deliver_visit(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    tenant: &Tenant,
    account: &AccountId,
    job: &JobId,
    visit: &VisitId,
    change: VisitChange,
    now: Timestamp,
) -> Result<(), SendError> {
    let Some(b) = jobs::load(table, &tenant.id, account, job).await? else { return Ok(()) };
    let Some(v) = b.visit(visit) else { return Ok(()) };
    // Said as things are when it is sent: a booking since cancelled, or "on the way" after
    // the technician arrived, is not worth a message any more.
    let stale = match change {
        VisitChange::Scheduled | VisitChange::Moved | VisitChange::Declined => v.status.is_closed(),
        VisitChange::OnTheWay => v.status != portal_domain::job::VisitStatus::OnTheWay,
        VisitChange::Cancelled => v.status != portal_domain::job::VisitStatus::Cancelled,
    };
    if stale {
        return Ok(());
    }
    let job = &b.job;
    let when = window_words(job, v);
    let url = format!("{}/jobs/{}", tenant.portal_url.trim_end_matches('/'), job.id);
    let business = &tenant.name;
    let who = v.technicians.first().map(|c| c.name.clone());
    let (subject, lines, text) = match change {
        VisitChange::Scheduled => (
            format!("Visit booked: {when}"),
            vec![
                format!("{business} booked a visit for {} ({}).", job.title, job.number),
                format!("Arrival window: {when}."),
                "Confirm it in the portal, or ask for another time. The calendar file is attached.".to_string(),
            ],
            format!("{business}: visit for {} booked {when}. Confirm or ask for another time: {url}", job.title),
        ),
        VisitChange::Moved => (
            format!("Visit moved: {when}"),
            vec![
                format!("Your visit for {} ({}) has a new time.", job.title, job.number),
                format!("New arrival window: {when}."),
                "The attached calendar file updates the event in your calendar.".to_string(),
            ],
            format!("{business}: your visit for {} moved to {when}: {url}", job.title),
        ),
        VisitChange::Cancelled => (
            format!("Visit cancelled: {when}"),
            vec![
                format!("The visit for {} ({}) on {when} is cancelled.", job.title, job.number),
                "The office will be in touch to find a new time if the work goes on.".to_string(),
            ],
            format!("{business}: the visit for {} on {when} is cancelled: {url}", job.title),
        ),
        VisitChange::Declined => {
            let said = b
                .reschedules
                .iter()
                .filter(|r| r.visit == v.id)
                .filter_map(|r| match &r.outcome {
                    Some(portal_domain::job::Outcome::Declined { message }) => Some((r.decided_at, message.clone())),
                    _ => None,
                })
                .max_by_key(|(at, _)| *at)
                .map(|(_, m)| m)
                .unwrap_or_default();
            (
                format!("About your visit on {when}"),
                vec![
                    format!("{business} answered your request about the visit for {}:", job.title),
                    said.clone(),
                    format!("The visit stays booked for {when}."),
                ],
                format!("{business}: about your visit on {when}: {said} {url}"),
            )
        }
        VisitChange::OnTheWay => {
            let eta = v.eta.map(|t| t.to_zoned(job.zone()).strftime("%-H:%M").to_string()).unwrap_or_default();
            let who = who.clone().unwrap_or_else(|| "Your technician".to_string());
            let line = format!("{who} from {business} is on the way, arriving about {eta}.");
            (format!("{who} is on the way, arriving about {eta}"), vec![line.clone()], format!("{line} {url}"))
        }
    };
    let attach = matches!(change, VisitChange::Scheduled | VisitChange::Moved | VisitChange::Cancelled);
    let file = attach.then(|| Attachment {
        file_name: format!("visit-{}.ics", job.number.to_ascii_lowercase()),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".to_string(),
        content: calendar_file(tenant, job, v, now),
    });
    let mut facts = vec![("Job", format!("{} · {}", job.number, job.title)), ("Arrival window", when.clone())];
    if let Some(w) = &who {
        facts.push(("Technician", w.clone()));
    }
    if let Some(s) = &job.site {
        facts.push(("Where", s.address.clone()));
    }
    if !v.customer_notes.is_empty() && !matches!(change, VisitChange::Cancelled) {
        facts.push(("Note", v.customer_notes.clone()));
    }
    let contacts = parties::list_contacts(table, &tenant.id, account).await?;
    for c in crate::links::recipients(&contacts, job.property.as_ref(), |_| true) {
        // "On the way" is read on a phone in the next minutes: a text where there is a phone.
        if let (VisitChange::OnTheWay, Some(phone)) = (change, &c.phone) {
            sms.send(phone, &text).await?;
        } else if let Some(email) = &c.email {
            let mut mail = crate::mail::branded_with_facts(
                tenant,
                email,
                format!("{subject} · {business}"),
                &[vec![format!("Hello {},", c.name)], lines.clone()].concat(),
                &facts,
                "See your visit",
                &url,
                "Sign in to the portal to confirm, ask for another time, or see the job.",
            );
            mail.attachments.extend(file.clone());
            mailer.send(&mail).await?;
        } else if let Some(phone) = &c.phone {
            sms.send(phone, &text).await?;
        }
    }
    Ok(())
}

pub(super) async fn deliver_completed(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    tenant: &Tenant,
    account: &AccountId,
    job: &JobId,
) -> Result<(), SendError> {
    let Some(b) = jobs::load(table, &tenant.id, account, job).await? else { return Ok(()) };
    let job = &b.job;
    let base = tenant.portal_url.trim_end_matches('/');
    let url = format!("{base}/jobs/{}", job.id);
    let done: Vec<String> = b.visits.iter().filter(|v| !v.completion_notes.is_empty()).map(|v| v.completion_notes.clone()).collect();
    let mut lines = vec![format!("{} finished {} ({}).", tenant.name, job.title, job.number)];
    if !done.is_empty() {
        lines.push(format!("What was done: {}", done.join(" ")));
    }
    let invoice = b.invoices.iter().find(|i| !i.void);
    if let Some(i) = invoice {
        lines.push(format!("Invoice {} is on the job's page.", i.number));
    }
    let text = format!(
        "{}: {} is complete. See what was done{}: {url}",
        tenant.name,
        job.title,
        if invoice.is_some() { " and the invoice" } else { "" }
    );
    let contacts = parties::list_contacts(table, &tenant.id, account).await?;
    for c in crate::links::recipients(&contacts, job.property.as_ref(), |_| true) {
        if let Some(email) = &c.email {
            let mail = crate::mail::branded(
                tenant,
                email,
                format!("Job complete: {} · {}", job.title, tenant.name),
                &[vec![format!("Hello {},", c.name)], lines.clone()].concat(),
                "See the job",
                &url,
                "Sign in to the portal to see the job, its photos and its invoice.",
            );
            mailer.send(&mail).await?;
        } else if let Some(phone) = &c.phone {
            sms.send(phone, &text).await?;
        }
    }
    Ok(())
}

/// How long a review request's link opens the job's Rate us page.
pub const REVIEW_LINK_DAYS: i64 = portal_domain::review::EDIT_DAYS;

/// Asks the contacts who see a completed job to rate it: each gets a link that opens its
/// Rate us page (that page only) until the rating can no longer change. Nothing when it was
/// rated meanwhile, or the job is not completed any more.
#[allow(clippy::too_many_arguments)]
pub(super) async fn deliver_review_request(
    table: &dyn Table,
    mailer: &dyn Mailer,
    sms: &dyn Sms,
    ids: &dyn portal_domain::ports::Ids,
    tenant: &Tenant,
    account: &AccountId,
    job: &JobId,
    now: Timestamp,
) -> Result<(), SendError> {
    use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
    let Some(b) = jobs::load(table, &tenant.id, account, job).await? else { return Ok(()) };
    if b.rating.is_some() || b.job.status != portal_domain::job::JobStatus::Completed {
        return Ok(());
    }
    let job = &b.job;
    let base = tenant.portal_url.trim_end_matches('/');
    let contacts = parties::list_contacts(table, &tenant.id, account).await?;
    let ttl = jiff::SignedDuration::from_hours(24 * REVIEW_LINK_DAYS);
    // Viewers read only: they are not asked to rate.
    for c in crate::links::recipients(&contacts, job.property.as_ref(), |c| c.role != portal_domain::party::ContactRole::Viewer) {
        let subject = Subject::Contact { account: account.clone(), contact: c.id.clone() };
        let (token, link) = issue_link(ids, &tenant.id, subject, LinkPurpose::Rating { job: job.id.clone() }, now, ttl)?;
        table.transact(vec![link]).await?;
        let url = format!("{base}/signin#token={token}");
        if let Some(email) = &c.email {
            let mail = crate::mail::branded(
                tenant,
                email,
                format!("How did we do? {} · {}", job.title, tenant.name),
                &[
                    format!("Hello {},", c.name),
                    format!("{} finished {} ({}). How did it go?", tenant.name, job.title, job.number),
                    "Tap a star: it takes a few seconds, and only the business sees it.".into(),
                ],
                "Rate this job",
                &url,
                "The link works for 14 days. You can change your rating for 14 days after you give it (after the link ends, sign in to the portal and open Rate us).",
            );
            mailer.send(&mail).await?;
        } else if let Some(phone) = &c.phone {
            sms.send(phone, &format!("{}: how did we do on {}? Rate it in a few seconds: {url}", tenant.name, job.title)).await?;
        }
    }
    Ok(())
}
