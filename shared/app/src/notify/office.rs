//! What the office hears of: a customer's decision on an estimate, a request for an updated
//! estimate, a payment or a failed payment, emailed to the contractor's notification address
//! with the customer, the document, what was decided or paid and a link to the admin page.
use portal_domain::estimate::Decision;
use portal_domain::ids::{AccountId, EstimateId};
use portal_domain::party::Tenant;
use portal_domain::ports::Mailer;

use portal_domain::outbox::OfficeEvent;
use portal_domain::payment::Document;
use portal_store::Table;
use portal_store::repo::payments;
use portal_store::repo::{estimates, invoices, parties};

use crate::SendError;

/// Emails `about` to the office; nothing when the contractor set no notification address.
pub(super) async fn deliver(
    table: &dyn Table,
    mailer: &dyn Mailer,
    tenant: &Tenant,
    account: &AccountId,
    about: &OfficeEvent,
) -> Result<(), SendError> {
    let Some(to) = &tenant.notification_email else { return Ok(()) };
    let t = &tenant.id;
    let customer = parties::get_account(table, t, account).await?.map_or_else(|| "A customer".to_string(), |a| a.name);
    let base = tenant.portal_url.trim_end_matches('/');
    let estimate_page = |e: &EstimateId| format!("{base}/admin/customers/{account}/estimates/{e}");
    let (subject, lines, url) = match about {
        // Its own notice: to the thread's assignee first (`notify::messages`).
        OfficeEvent::MessageReceived { .. } => return Ok(()),
        OfficeEvent::EstimateApproved { estimate }
        | OfficeEvent::EstimateDeclined { estimate }
        | OfficeEvent::ChangesRequested { estimate }
        | OfficeEvent::UpdateRequested { estimate, .. } => {
            let bundle = estimates::load(table, t, account, estimate).await?.ok_or(SendError::Missing("the estimate is gone"))?;
            let e = &bundle.estimate;
            let what = format!("{} ({})", e.number, e.title);
            let decision = bundle.decisions.get(&e.current_version);
            let (subject, mut lines) = match (about, decision) {
                (OfficeEvent::EstimateApproved { .. }, Some(Decision::Approved(a))) => (
                    format!("{customer} approved {}: {}", e.number, e.currency.format(a.totals.total)),
                    vec![
                        format!("{} approved estimate {what}, version {}.", a.signer_name, a.version),
                        format!("Total {}; deposit {}.", e.currency.format(a.totals.total), e.currency.format(a.totals.deposit)),
                    ],
                ),
                (OfficeEvent::EstimateDeclined { .. }, Some(Decision::Declined { reason, .. })) => (
                    format!("{customer} declined {}", e.number),
                    vec![format!("{customer} declined estimate {what}."), format!("Their reason: {reason}")],
                ),
                (OfficeEvent::ChangesRequested { .. }, Some(Decision::ChangesRequested { comment, line_comments, .. })) => {
                    let mut lines = vec![format!("{customer} asked for changes to estimate {what}.")];
                    if !comment.trim().is_empty() {
                        lines.push(format!("Overall: {comment}"));
                    }
                    let version = bundle.versions.iter().find(|v| v.number == e.current_version);
                    for c in line_comments {
                        let name = version
                            .and_then(|v| v.content.all_items().find(|(_, _, i)| i.id == c.item).map(|(_, _, i)| i.name.clone()))
                            .unwrap_or_else(|| c.item.to_string());
                        lines.push(format!("On “{name}”: {}", c.comment));
                    }
                    (format!("{customer} asked for changes to {}", e.number), lines)
                }
                (OfficeEvent::UpdateRequested { message, .. }, _) => {
                    let mut lines = vec![format!("Estimate {what} expired on {}; {customer} asks for an updated one.", e.valid_until)];
                    if !message.trim().is_empty() {
                        lines.push(format!("They wrote: {message}"));
                    }
                    (format!("{customer} asks for an updated {}", e.number), lines)
                }
                // The decision moved on meanwhile (a revision): say what was asked, plainly.
                _ => (format!("{customer} acted on {}", e.number), vec![format!("{customer} acted on estimate {what}.")]),
            };
            lines.push("Open the estimate on the admin page for the details.".into());
            (subject, lines, estimate_page(&e.id))
        }
        OfficeEvent::PaymentReceived { document, payment } | OfficeEvent::PaymentFailed { document, payment } => {
            let p = payments::get(table, t, account, document, payment).await?.ok_or(SendError::Missing("the payment is gone"))?;
            let amount = tenant.currency.format(p.state.amount);
            let (what, url) = match document {
                Document::Invoice(i) => {
                    let number = invoices::load(table, t, account, i).await?.map_or_else(|| i.to_string(), |b| b.invoice.number);
                    (format!("invoice {number}"), format!("{base}/admin/customers/{account}"))
                }
                Document::Estimate(e) => {
                    let number = estimates::load(table, t, account, e).await?.map_or_else(|| e.to_string(), |b| b.estimate.number);
                    (format!("the deposit on estimate {number}"), estimate_page(e))
                }
                Document::Account => ("account credit".to_string(), format!("{base}/admin/customers/{account}")),
                Document::Balance => {
                    let what = payments::all(table, t, account).await?.invoice_numbers(&p.parts);
                    (what, format!("{base}/admin/customers/{account}"))
                }
            };
            if matches!(about, OfficeEvent::PaymentFailed { .. }) {
                (
                    format!("Payment failed: {amount} from {customer}"),
                    vec![
                        format!("{customer}'s payment of {amount} for {what} failed (a declined card or a returned bank debit)."),
                        "Nothing was paid; the customer was not charged.".into(),
                    ],
                    url,
                )
            } else {
                (format!("Payment received: {amount} from {customer}"), vec![format!("{customer} paid {amount} for {what}.")], url)
            }
        }
        OfficeEvent::WorkRequested { request } => {
            let r =
                portal_store::repo::requests::get(table, t, account, request).await?.ok_or(SendError::Missing("the request is gone"))?;
            let mut lines = vec![format!("{} ({customer}) asks for work: {}.", r.name, r.category), format!("Where: {}", r.place)];
            if r.urgent {
                lines.insert(0, "They marked it urgent.".into());
            }
            if let Some(g) = &r.regarding {
                let warranty = if g.under_warranty { " (under warranty)" } else { "" };
                lines.push(format!("About: {}{warranty}", g.label));
            }
            lines.push(format!("They wrote: {}", r.description));
            if !r.preferred.is_empty() {
                lines.push(format!("{} window(s) suit them; see the request.", r.preferred.len()));
            }
            let urgent = if r.urgent { "Urgent: " } else { "" };
            (format!("{urgent}work request from {customer}: {}", r.category), lines, format!("{base}/admin/requests/{account}/{request}"))
        }
        OfficeEvent::LowRating { job, stars } => {
            let r = portal_store::repo::reviews::get(table, t, account, job).await?.ok_or(SendError::Missing("the rating is gone"))?;
            let words = |n: u8| if n == 1 { "1 star".to_string() } else { format!("{n} stars") };
            let stars = words(*stars);
            let mut lines = vec![format!("{} ({customer}) rated {} ({}) {stars}.", r.contact_name, r.job_title, r.job_number)];
            if words(r.stars) != stars {
                lines.push(format!("They have changed it since: {} now.", words(r.stars)));
            }
            if let Some(t) = &r.technician {
                lines.push(format!("About {}.", t.name));
            }
            if !r.comment.is_empty() {
                lines.push(format!("They wrote: {}", r.comment));
            }
            lines.push("A follow-up is open on the Ratings page: call them or answer in the job's thread.".into());
            (format!("{stars} from {customer} for {}", r.job_number), lines, format!("{base}/admin/ratings"))
        }
        OfficeEvent::VisitConfirmed { job, visit } | OfficeEvent::VisitChangeAsked { job, visit, .. } => {
            let b = portal_store::repo::jobs::load(table, t, account, job).await?.ok_or(SendError::Missing("the job is gone"))?;
            let v = b.visit(visit).ok_or(SendError::Missing("the visit is gone"))?;
            let when = super::jobs::window_words(&b.job, v);
            let what = format!("{} ({})", b.job.title, b.job.number);
            let url = format!("{base}/admin/jobs/{account}/{job}");
            match about {
                OfficeEvent::VisitChangeAsked { request, .. } => {
                    let r = b.request(request).ok_or(SendError::Missing("the request is gone"))?;
                    let mut lines = if r.cancel {
                        vec![format!("{customer} asks to cancel the visit for {what} on {when}.")]
                    } else {
                        let mut l = vec![format!("{customer} asks to move the visit for {what} on {when}. Times that suit them:")];
                        l.extend(r.preferred.iter().map(|w| {
                            let mut moved = v.clone();
                            moved.window = *w;
                            format!("• {}", super::jobs::window_words(&b.job, &moved))
                        }));
                        l
                    };
                    if !r.note.is_empty() {
                        lines.push(format!("They wrote: {}", r.note));
                    }
                    lines.push("Answer the request on the job's page.".into());
                    let verb = if r.cancel { "cancel" } else { "move" };
                    (format!("{customer} asks to {verb} a visit ({})", b.job.number), lines, url)
                }
                _ => (
                    format!("{customer} confirmed the visit on {when}"),
                    vec![format!("{customer} confirmed the visit for {what} on {when}.")],
                    url,
                ),
            }
        }
    };
    let note = "You get these because this address is the business's notification address in the admin page's settings.";
    mailer.send(&crate::mail::branded(tenant, to, subject, &lines, "Open the admin page", &url, note)).await?;
    Ok(())
}
