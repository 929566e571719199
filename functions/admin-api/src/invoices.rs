//! Invoices: from an approved estimate (crediting its deposit) or from scratch, sent, voided,
//! one invoice's page and the invoices of every customer by status.
use lambda_http::{Body, Response};
use portal_domain::DomainError;
use portal_domain::estimate::LineItem;
use portal_domain::ids::{EstimateId, InvoiceId, PropertyId};
use portal_domain::invoice::Invoice;
use portal_domain::invoice::{Discount, InvoiceStatus, Ledger};
use portal_http::request::{MAX_BODY, json, json_or_default, query_as};
use portal_http::{ApiError, Call, response};
use portal_store::repo::invoices;
use rust_decimal::Decimal;

use crate::State;
use crate::common::{Paged, account, act, customer_names, paging, session, tenant};
use crate::estimates::Note;
use crate::payments::open_invoice;

/// Invoice bodies carry line items.
pub(crate) const MAX_INVOICE_BODY: usize = 128 * 1024;

/// An invoice in staff lists.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceRow {
    pub id: String,
    pub account: String,
    pub number: String,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub estimate: Option<String>,
    pub ledger: Ledger,
    pub currency: String,
    #[schema(value_type = String, format = Date)]
    pub due_date: jiff::civil::Date,
    /// First emailed to the customer.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<jiff::Timestamp>,
    /// What it is for.
    pub title: String,
    /// The customer's name, in lists across customers.
    pub customer: Option<String>,
}

pub(crate) fn invoice_row(i: &Invoice, now: jiff::Timestamp) -> InvoiceRow {
    InvoiceRow {
        id: i.id.to_string(),
        account: i.account.to_string(),
        number: i.number.clone(),
        status: i.status,
        overdue: i.is_overdue(now),
        estimate: i.estimate.as_ref().map(ToString::to_string),
        ledger: i.ledger,
        currency: i.content.currency.as_str().into(),
        due_date: i.content.due_date,
        sent_at: i.sent_at,
        title: i.what_for(),
        customer: None,
    }
}

/// A new invoice: from an approved estimate (its chosen lines, tax and property; its deposit
/// is credited), or from lines given here.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvoice {
    #[serde(default)]
    pub estimate: Option<EstimateId>,
    #[serde(default)]
    pub items: Option<Vec<LineItem>>,
    #[schema(value_type = Option<String>, pattern = "^-?[0-9]{1,12}(\\.[0-9]{1,10})?$")]
    #[serde(default)]
    pub tax_rate: Option<Decimal>,
    #[serde(default)]
    pub discount: Option<Discount>,
    /// The last day to pay; 15 days from today at the contractor when left out.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub due_date: Option<jiff::civil::Date>,
    #[serde(default)]
    pub memo: Option<String>,
    /// What it is for, in words (at most 120 characters); an estimate's title when left out.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub property: Option<PropertyId>,
}

/// The invoice issued, and the deposit credited on it.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Issued {
    pub invoice: InvoiceRow,
    pub deposit_credited: i64,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/invoices", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")), request_body = NewInvoice,
    responses((status = 201, body = Issued), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "the estimate is not approved, or already invoiced")))]
pub async fn create_invoice(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let account = account(state, &s, req).await?;
    let body: NewInvoice = json(req, MAX_INVOICE_BODY)?;
    let tenant = tenant(state, &s).await?;
    let new = portal_app::invoices::NewInvoice {
        id: InvoiceId::generate(state.ids.as_ref()),
        account: account.id.clone(),
        number: portal_app::estimates::Number::Next,
        estimate: body.estimate,
        items: body.items,
        tax_rate: body.tax_rate,
        discount: body.discount,
        due_date: body.due_date,
        memo: body.memo.unwrap_or_default(),
        title: body.title.unwrap_or_default(),
        property: body.property,
    };
    let (issued, deposit_credited) = portal_app::invoices::issue(&act(state, &s, req), &tenant, new).await?;
    Ok(response::json(201, &Issued { invoice: invoice_row(&issued, req.now), deposit_credited }))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/invoices/{invoice}/void", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("invoice" = String, Path, description = "Invoice id (inv_...)")),
    responses((status = 200, body = InvoiceRow), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "money was paid or is on its way")))]
pub async fn void_invoice(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let bundle = open_invoice(state, &s, req).await?;
    let i = portal_app::invoices::void(&act(state, &s, req), &bundle).await?;
    Ok(response::ok(&invoice_row(&i, req.now)))
}

/// The statuses the office lists invoices by (a draft is never listed).
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Listed {
    #[default]
    Open,
    PartiallyPaid,
    Paid,
    Void,
}

impl From<Listed> for InvoiceStatus {
    fn from(l: Listed) -> Self {
        match l {
            Listed::Open => InvoiceStatus::Open,
            Listed::PartiallyPaid => InvoiceStatus::PartiallyPaid,
            Listed::Paid => InvoiceStatus::Paid,
            Listed::Void => InvoiceStatus::Void,
        }
    }
}

#[utoipa::path(get, path = "/api/admin/invoices", tag = "admin", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(open|partially_paid|paid|void)$", description = "open (the default), partially_paid, paid or void"), ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"),
           ("cursor" = Option<String>, Query, description = "from the previous page")),
    responses((status = 200, body = Paged<InvoiceRow>), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn list_invoices(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let status: Listed = query_as(req, "status")?.unwrap_or_default();
    let (limit, after) = paging(req)?;
    // By due date, soonest first.
    let (invoices, next) = invoices::by_status(state.table.as_ref(), &s.tenant, status.into(), limit, after).await?;
    let now = req.now;
    let names = customer_names(state, &s, invoices.iter().map(|i| &i.account)).await?;
    let rows: Vec<InvoiceRow> =
        invoices.iter().map(|i| InvoiceRow { customer: names.get(&i.account).cloned(), ..invoice_row(i, now) }).collect();
    Ok(response::ok(&Paged { items: rows, next: next.map(|c| c.0) }))
}

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
    let (header, recipients) = portal_app::invoices::send(&act(state, &s, req), &bundle, body.note.as_deref()).await?;
    Ok(response::ok(&Sent { invoice: invoice_row(&header, req.now), recipients }))
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
    let found = portal_store::repo::customers::load(state.table.as_ref(), &s.tenant, &a).await?.ok_or(ApiError::NotFound("customer"))?;
    let (customer, money) = (found.account.name, found.money);
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
