//! Invoices: issued from an approved estimate (its chosen lines, tax and property, with its
//! deposit credited) or from lines the office gives, sent to the account's payers, voided.
use jiff::ToSpan;
use jiff::civil::Date;
use portal_domain::estimate::{Decision, EstimateStatus, LineItem, end_of_day};
use portal_domain::ids::{AccountId, EstimateId, InvoiceId, PropertyId};
use portal_domain::invoice::{Discount, Invoice, InvoiceBundle, InvoiceContent, InvoiceStatus, Ledger};
use portal_domain::outbox::Notice;
use portal_domain::party::Tenant;
use portal_domain::{DomainError, FieldErrors};
use portal_store::repo::auth::LinkPurpose;
use portal_store::repo::{estimates, invoices, parties};
use rust_decimal::Decimal;

use crate::estimates::Number;
use crate::{Act, Error, links};

/// Invoices are numbered from here (`INV-1001`) per contractor.
pub const FIRST_INVOICE_NUMBER: i64 = 1001;

/// Days to pay when the office gives no due date.
pub const DEFAULT_DUE_DAYS: i64 = 15;

/// A new invoice: from `estimate`, or from `items` (with `tax_rate`).
#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub id: InvoiceId,
    pub account: AccountId,
    pub number: Number,
    pub estimate: Option<EstimateId>,
    pub items: Option<Vec<LineItem>>,
    pub tax_rate: Option<Decimal>,
    pub discount: Option<Discount>,
    /// [`DEFAULT_DUE_DAYS`] from today at the contractor when left out.
    pub due_date: Option<Date>,
    pub memo: String,
    /// The estimate's title (or the first line's name) when empty.
    pub title: String,
    /// The estimate's property for an invoice from an estimate.
    pub property: Option<PropertyId>,
}

/// Issues the invoice (open, not yet sent), audited as `invoice.issued`, then credits the
/// estimate's deposit on it. Returns the invoice as stored and the deposit credited. If the
/// credit step fails, the credit stays on the account and can be applied later.
pub async fn issue(act: &Act<'_>, tenant: &Tenant, n: NewInvoice) -> Result<(Invoice, i64), Error> {
    let (t, a) = (&act.tenant, &n.account);
    let today = tenant.today(act.now);
    let due_date = n.due_date.unwrap_or_else(|| today.checked_add(DEFAULT_DUE_DAYS.days()).unwrap_or(today));
    let mut e = FieldErrors::new();
    if due_date < today {
        e.add("due_date", "must be today or later");
    }
    if n.memo.chars().count() > 2000 {
        e.add("memo", "at most 2,000 characters");
    }
    let title = n.title.trim().to_string();
    if title.chars().count() > 120 {
        e.add("title", "at most 120 characters");
    }
    let memo = n.memo;
    let mut job = None;
    let (content, property, estimate_title) = match &n.estimate {
        Some(est) => {
            if n.items.is_some() || n.tax_rate.is_some() {
                e.add("items", "an invoice from an estimate takes the estimate's lines and tax");
            }
            let bundle = estimates::load(act.table, t, a, est).await?.ok_or(Error::NotFound("estimate"))?;
            let approval = match (bundle.estimate.status, bundle.decisions.get(&bundle.estimate.current_version)) {
                (EstimateStatus::Approved, Some(Decision::Approved(ap))) => ap.clone(),
                _ => return Err(Error::conflict("not_approved", "Only an approved estimate can be invoiced.")),
            };
            let version = bundle
                .version(approval.version)
                .ok_or_else(|| Error::Inconsistent(format!("estimate {est} has no approved version {}", approval.version)))?;
            let others = invoices::list(act.table, t, a).await?;
            if others.iter().any(|i| i.estimate.as_ref() == Some(est) && i.status != InvoiceStatus::Void) {
                return Err(Error::conflict("already_invoiced", "This estimate already has an invoice."));
            }
            let content = InvoiceContent {
                items: version.content.chosen_items(&approval.selection).cloned().collect(),
                discount: n.discount.clone(),
                tax_rate: version.content.tax_rate,
                currency: version.content.currency.clone(),
                due_date,
                memo,
            };
            job = bundle.estimate.job.clone();
            (content, bundle.estimate.property.clone(), Some(bundle.estimate.title.clone()))
        }
        None => {
            let Some(items) = n.items.clone() else {
                return Err(Error::Unprocessable(FieldErrors::one("items", "give the lines, or an approved estimate")));
            };
            let content = InvoiceContent {
                items,
                discount: n.discount.clone(),
                tax_rate: n.tax_rate.unwrap_or(Decimal::ZERO),
                currency: tenant.currency.clone(),
                due_date,
                memo,
            };
            (content, n.property.clone(), None)
        }
    };
    let mut property_label = None;
    if let Some(p) = &property {
        let known = parties::list_properties(act.table, t, a).await?;
        match known.iter().find(|k| &k.id == p) {
            Some(k) => property_label = Some(k.label.clone()),
            None => e.add("property", "is not a property of this customer"),
        }
    }
    let title =
        if title.is_empty() { estimate_title.or_else(|| content.items.first().map(|i| i.name.clone())).unwrap_or_default() } else { title };
    if let Err(err) = content.validate() {
        e.absorb("", err);
    }
    for (i, item) in content.items.iter().enumerate() {
        if item.name.trim().is_empty() || item.quantity <= Decimal::ZERO {
            e.add(format!("items[{i}]"), "needs a name and a quantity above 0");
        }
    }
    Error::fields(e)?;
    let number = n.number.take(act, "INV", "INV", FIRST_INVOICE_NUMBER).await?;
    let total = content.totals()?.total;
    let invoice = Invoice {
        id: n.id,
        tenant: t.clone(),
        account: a.clone(),
        property,
        estimate: n.estimate.clone(),
        job,
        number,
        title,
        property_label,
        status: InvoiceStatus::Open,
        due_at: end_of_day(content.due_date, &tenant.zone()),
        content,
        ledger: Ledger::of(total, []),
        issued_at: Some(act.now),
        sent_at: None,
        created_at: act.now,
        time_zone: tenant.time_zone.clone(),
        rev: 1,
    };
    let detail = serde_json::json!({ "number": invoice.number, "total": total, "estimate": n.estimate });
    let audit = act.audit("invoice.issued", &invoice.id, Some(a), detail)?;
    let mut writes = vec![invoices::create(&invoice)?, audit];
    writes.extend(crate::jobs::invoice_entry(&invoice, None)?);
    // Work for a lead makes it a customer, whichever screen the office made it from.
    writes.extend(crate::customers::admission(act, a).await?);
    act.table.transact(writes).await?;
    // The estimate's deposit is the customer's credit: credit it on this invoice now.
    let credited = match &n.estimate {
        Some(est) => {
            crate::payments::apply_credit(act.table, act.ids, &invoice.id, t, a, None, Some(est), act.actor.clone(), &act.origin, act.now)
                .await?
        }
        None => 0,
    };
    let issued = invoices::load(act.table, t, a, &invoice.id).await?.map_or(invoice, |b| b.invoice);
    Ok((issued, credited))
}

/// Sends the invoice to every approver and billing contact who may see it, each with their
/// own link (again, when it was sent before). Returns the invoice and how many it went to.
pub async fn send(act: &Act<'_>, bundle: &InvoiceBundle, note: Option<&str>) -> Result<(Invoice, usize), Error> {
    if note.is_some_and(|n| n.chars().count() > 2000) {
        return Err(DomainError::invalid("note", "at most 2,000 characters").into());
    }
    let i = &bundle.invoice;
    match i.status {
        InvoiceStatus::Void => return Err(Error::conflict("invoice_void", "This invoice is void; there is nothing to send.")),
        InvoiceStatus::Paid => {
            return Err(Error::conflict("invoice_paid", "This invoice is paid; the customer already has the receipt."));
        }
        InvoiceStatus::Draft | InvoiceStatus::Open | InvoiceStatus::PartiallyPaid => {}
    }
    let contacts = parties::list_contacts(act.table, &act.tenant, &i.account).await?;
    let to = links::recipients(&contacts, i.property.as_ref(), |c| c.role.can_pay());
    if to.is_empty() {
        return Err(links::no_recipients("an approver or billing contact"));
    }
    let mut header = i.clone();
    header.sent_at = header.sent_at.or(Some(act.now));
    header.rev += 1;
    let mut writes = vec![invoices::save(&header, i.rev)?];
    let purpose = LinkPurpose::Invoice { invoice: i.id.clone(), rights: vec!["view".into(), "pay".into()] };
    writes.extend(links::messages(act, &i.account, &to, &purpose, links::document_link_ttl(), |c, token| Notice::InvoiceSent {
        invoice: i.id.clone(),
        contact: c.id.clone(),
        token: Some(token),
    })?);
    let detail = serde_json::json!({ "number": i.number, "recipients": to.iter().map(|c| &c.id).collect::<Vec<_>>() });
    writes.push(act.audit("invoice.sent", &i.id, Some(&i.account), detail)?);
    act.table.transact(writes).await?;
    Ok((header, to.len()))
}

/// Voids an invoice nothing was paid on.
pub async fn void(act: &Act<'_>, bundle: &InvoiceBundle) -> Result<Invoice, Error> {
    let mut i = bundle.invoice.clone();
    if i.status == InvoiceStatus::Void {
        return Err(Error::conflict("already_void", "This invoice is already void."));
    }
    if i.ledger.paid > 0 || i.ledger.pending > 0 {
        return Err(Error::conflict("has_payments", "Money was paid on this invoice; refund it before voiding."));
    }
    let expected = i.rev;
    i.status = InvoiceStatus::Void;
    i.rev += 1;
    let audit = act.audit("invoice.voided", &i.id, Some(&i.account), serde_json::json!({ "number": i.number }))?;
    let mut writes = vec![invoices::save(&i, expected)?, audit];
    writes.extend(crate::jobs::invoice_entry(&i, None)?);
    act.table.transact(writes).await?;
    Ok(i)
}
