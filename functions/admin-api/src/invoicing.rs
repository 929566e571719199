//! Sending an invoice: each paying contact (approver or billing) with the portal on, who may
//! see the invoice's property, gets an email (or a text) with a document link that opens this
//! invoice only, with the right to pay it. Sending again sends fresh links; the first sending
//! time is kept.
use lambda_http::{Body, Response};
use portal_domain::DomainError;
use portal_domain::invoice::InvoiceStatus;
use portal_http::Call;
use portal_http::request::{MAX_BODY, json_or_default};
use portal_http::{ApiError, response};
use portal_store::repo::auth::LinkPurpose;
use portal_store::repo::outbox::Notice;
use portal_store::repo::{audit, invoices, parties};

use crate::estimates::Note;
use crate::{InvoiceRow, State, entry, invoice_row, open_invoice, session};

#[utoipa::path(post, path = "/api/admin/customers/{account}/invoices/{invoice}/send", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("invoice" = String, Path, description = "Invoice id (inv_...)")),
    request_body = Note,
    responses((status = 200, body = Sent), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "void, paid, or nobody to send it to")))]
pub async fn send(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: Note = json_or_default(req, MAX_BODY)?;
    if body.note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(DomainError::invalid("note", "at most 2,000 characters").into());
    }
    let bundle = open_invoice(state, &s, req).await?;
    let i = &bundle.invoice;
    match i.status {
        InvoiceStatus::Void => return Err(ApiError::Conflict("invoice_void", "This invoice is void; there is nothing to send.".into())),
        InvoiceStatus::Paid => {
            return Err(ApiError::Conflict("invoice_paid", "This invoice is paid; the customer already has the receipt.".into()));
        }
        InvoiceStatus::Draft | InvoiceStatus::Open | InvoiceStatus::PartiallyPaid => {}
    }
    let contacts = parties::list_contacts(state.table.as_ref(), &s.tenant, &i.account).await?;
    let to = crate::recipients(&contacts, i.property.as_ref(), |c| c.role.can_pay());
    if to.is_empty() {
        return Err(crate::no_recipients("an approver or billing contact"));
    }
    let now = req.now;
    let mut header = i.clone();
    header.sent_at = header.sent_at.or(Some(now));
    header.rev += 1;
    let mut writes = vec![invoices::save(&header, i.rev)?];
    let purpose = LinkPurpose::Invoice { invoice: i.id.clone(), rights: vec!["view".into(), "pay".into()] };
    writes.extend(crate::link_messages(state, req.now, &s, &i.account, &to, &purpose, crate::document_link_ttl(), |c, token| {
        Notice::InvoiceSent { invoice: i.id.clone(), contact: c.id.clone(), token: Some(token) }
    })?);
    let detail = serde_json::json!({ "number": i.number, "recipients": to.iter().map(|c| &c.id).collect::<Vec<_>>() });
    writes.push(audit::append(&s.tenant, &entry(state, &s, req, "invoice.sent", i.id.to_string(), &i.account, detail))?);
    state.table.transact(writes).await?;
    Ok(response::ok(&Sent { invoice: invoice_row(&header, now), recipients: to.len() }))
}

/// An invoice after sending, and how many contacts it went to.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Sent {
    pub invoice: InvoiceRow,
    pub recipients: usize,
}

/// One invoice as the office sees it: its lines and totals, its payments, what it is for.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AdminInvoice {
    pub invoice: InvoiceRow,
    pub title: String,
    pub property_label: Option<String>,
    pub customer: String,
    pub content: portal_domain::invoice::InvoiceContent,
    pub totals: portal_domain::invoice::InvoiceTotals,
    /// Every payment made on it, newest first (processing, paid, failed, refunded).
    pub payments: Vec<portal_domain::invoice::view::PaymentView>,
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/invoices/{invoice}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("invoice" = String, Path, description = "Invoice id (inv_...)")),
    responses((status = 200, body = AdminInvoice), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// The invoice page of the admin: one Query of the customer's partition.
pub async fn get(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let a: portal_domain::ids::AccountId = portal_http::request::path(req, "account", "customer")?;
    let id: portal_domain::ids::InvoiceId = portal_http::request::path(req, "invoice", "invoice")?;
    let items =
        portal_store::repo::query_all(state.table.as_ref(), portal_store::Query::partition(portal_store::keys::account_pk(&s.tenant, &a)))
            .await?;
    let customer = items
        .iter()
        .find(|i| portal_store::record::kind(i) == "account")
        .and_then(|i| i.get("name").and_then(serde_json::Value::as_str).map(str::to_string))
        .ok_or(ApiError::NotFound("customer"))?;
    let money = portal_store::repo::payments::AccountPayments::from_items(items)?;
    let bundle = money.invoice(&id).ok_or(ApiError::NotFound("invoice"))?;
    let i = &bundle.invoice;
    let currency = i.content.currency.clone();
    let mut payments: Vec<_> = bundle.payments.iter().filter(|p| p.made()).map(|p| money.view(p, &currency)).collect();
    payments.reverse();
    Ok(response::ok(&AdminInvoice {
        invoice: invoice_row(i, req.now),
        title: i.what_for(),
        property_label: i.property_label.clone(),
        customer,
        totals: i.content.totals().map_err(ApiError::internal)?,
        content: i.content.clone(),
        payments,
    }))
}
