//! Payments the office records (cash, cheque, bank transfer) through the same ledger as
//! online ones.
use lambda_http::{Body, Response};
use portal_domain::DomainError;
use portal_domain::ids::{AccountId, InvoiceId};
use portal_http::request::{MAX_BODY, json, path};
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call, response};
use portal_store::repo::invoices;

use crate::State;
use crate::common::session;
use crate::invoices::{InvoiceRow, invoice_row};

/// Money received outside the portal.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflinePayment {
    /// Minor units, at most the balance.
    pub amount: i64,
    /// Cheque number or a note for the record.
    #[serde(default)]
    pub note: Option<String>,
}

pub(crate) async fn open_invoice(state: &State, s: &StaffSession, req: &Call) -> Result<portal_domain::invoice::InvoiceBundle, ApiError> {
    let a: AccountId = path(req, "account", "customer")?;
    let id: InvoiceId = path(req, "invoice", "invoice")?;
    invoices::load(state.table.as_ref(), &s.tenant, &a, &id).await?.ok_or(ApiError::NotFound("invoice"))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/invoices/{invoice}/payments", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("invoice" = String, Path, description = "Invoice id (inv_...)")),
    request_body = OfflinePayment,
    responses((status = 201, body = InvoiceRow), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn record_payment(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: OfflinePayment = json(req, MAX_BODY)?;
    let bundle = open_invoice(state, &s, req).await?;
    let i = &bundle.invoice;
    if !i.accepts_payment() {
        return Err(ApiError::Conflict("invoice_not_open", "Payments are recorded on sent invoices only.".into()));
    }
    if body.amount <= 0 || body.amount > i.ledger.balance {
        return Err(DomainError::invalid("amount", "must be more than 0 and at most the balance").into());
    }
    if body.note.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(DomainError::invalid("note", "at most 200 characters").into());
    }
    let now = req.now;
    let note = body.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let id = portal_domain::ids::PaymentId::generate(state.ids.as_ref());
    portal_app::payments::record_offline(&crate::common::act(state, &s, req), id, &bundle, body.amount, note).await?;
    let after = invoices::load(state.table.as_ref(), &s.tenant, &i.account, &i.id).await?.ok_or(ApiError::NotFound("invoice"))?;
    Ok(response::json(201, &invoice_row(&after.invoice, now)))
}
