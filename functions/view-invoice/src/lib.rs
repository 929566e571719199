//! view-invoice: a customer's invoices with what they owe, and one invoice with its payments.
//!
//! Reads only: one Query each. Drafts are never shown; a contact limited to some properties
//! sees only their invoices; a link that opens one estimate reaches no invoice.
use std::sync::Arc;

use lambda_http::{Body, Request, Response};
use portal_domain::ids::InvoiceId;
use portal_domain::invoice::InvoiceStatus;
use portal_domain::invoice::view::{InvoiceSummary, InvoiceView, PaymentView};
use portal_domain::ports::Clock;
use portal_http::request::{path, route_key};
use portal_http::session::CustomerSession;
use portal_http::token::Verifier;
use portal_http::{ApiError, response};
use portal_store::Table;
use portal_store::repo::invoices::{self, Invoice};

pub const ROUTES: &[&str] = &["GET /api/invoices", "GET /api/invoices/{id}"];

pub struct State {
    pub table: Arc<dyn Table>,
    pub clock: Arc<dyn Clock>,
    pub verifier: Verifier,
}

pub async fn handle(state: &State, req: Request) -> Response<Body> {
    let result = match route_key(&req).as_deref() {
        Some("GET /api/invoices") => list(state, &req).await,
        Some("GET /api/invoices/{id}") => one(state, &req).await,
        _ => Err(ApiError::NotFound("route")),
    };
    result.unwrap_or_else(ApiError::into_response)
}

/// The account's invoices and what is owed in all.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceList {
    pub invoices: Vec<InvoiceSummary>,
    /// Owed across the listed invoices, per currency (one entry for most contractors).
    pub balance_due: Vec<Amount>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Amount {
    pub amount: i64,
    pub currency: String,
}

/// Whether the session may see this invoice at all.
fn visible(session: &CustomerSession, i: &Invoice) -> bool {
    session.sees_account() && session.at_property(i.property.as_ref()) && i.status != InvoiceStatus::Draft
}

fn overdue(i: &Invoice, state: &State) -> bool {
    i.status != InvoiceStatus::Void && i.ledger.overdue(i.due_at, state.clock.now())
}

#[utoipa::path(get, path = "/api/invoices", tag = "invoices", security(("bearer" = [])),
    responses((status = 200, body = InvoiceList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
pub async fn list(state: &State, req: &Request) -> Result<Response<Body>, ApiError> {
    let session = CustomerSession::from_request(req, &state.verifier, state.clock.now())?;
    if !session.sees_account() {
        return Err(ApiError::Forbidden("This link opens one estimate. Sign in to see your whole account."));
    }
    let all = invoices::list(state.table.as_ref(), &session.tenant, &session.account).await?;
    let shown: Vec<&Invoice> = all.iter().filter(|i| visible(&session, i)).collect();
    let mut balance_due: Vec<Amount> = Vec::new();
    for i in shown.iter().filter(|i| i.status != InvoiceStatus::Void) {
        let currency = i.content.currency.as_str();
        match balance_due.iter_mut().find(|a| a.currency == currency) {
            Some(a) => a.amount += i.ledger.balance,
            None => balance_due.push(Amount { amount: i.ledger.balance, currency: currency.to_string() }),
        }
    }
    let invoices = shown
        .iter()
        .map(|i| InvoiceSummary {
            id: i.id.to_string(),
            number: i.number.clone(),
            status: i.status,
            overdue: overdue(i, state),
            total: i.ledger.total,
            balance: i.ledger.balance,
            currency: i.content.currency.as_str().to_string(),
            due_date: i.content.due_date,
            property: i.property.as_ref().map(ToString::to_string),
        })
        .collect();
    Ok(response::ok(&InvoiceList { invoices, balance_due }))
}

#[utoipa::path(get, path = "/api/invoices/{id}", tag = "invoices", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invoice id (inv_...)")),
    responses((status = 200, body = InvoiceView), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn one(state: &State, req: &Request) -> Result<Response<Body>, ApiError> {
    let session = CustomerSession::from_request(req, &state.verifier, state.clock.now())?;
    let id: InvoiceId = path(req, "id", "invoice")?;
    let bundle = invoices::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| visible(&session, &b.invoice))
        .ok_or(ApiError::NotFound("invoice"))?;
    let i = &bundle.invoice;
    let view = InvoiceView {
        id: i.id.to_string(),
        number: i.number.clone(),
        status: i.status,
        overdue: overdue(i, state),
        content: i.content.clone(),
        totals: i.content.totals(),
        ledger: i.ledger,
        payments: bundle
            .payments
            .iter()
            .map(|p| PaymentView {
                id: p.id.to_string(),
                amount: p.state.amount,
                method: p.state.method,
                status: p.state.status,
                refunded: p.state.refunded,
                created_at: p.created_at,
            })
            .collect(),
        issued_at: i.issued_at,
        property: i.property.as_ref().map(ToString::to_string),
    };
    Ok(response::ok(&view))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, one))]
pub struct Api;
