//! view-invoice: a customer's invoices with what they owe, one invoice with its payments and
//! how it can be paid, the payment history with account credit, and one payment (a receipt,
//! or the status page Checkout returns to).
//!
//! Reads only. Drafts are never shown; a contact limited to some properties sees only their
//! invoices and payments; a link that opens one estimate reaches only that estimate's deposit,
//! a link that opens one invoice only that invoice and its payments.

use lambda_http::{Body, Response};
use portal_domain::ids::{InvoiceId, PaymentId};
use portal_domain::invoice::Invoice;
use portal_domain::invoice::InvoiceStatus;
use portal_domain::invoice::view::{InvoiceSummary, InvoiceView, PayOptions, PaymentView};
use portal_domain::party::Section;
use portal_domain::party::Tenant;
use portal_domain::payment::{AccountPayments, Credit, Document, PaymentRecord};
use portal_http::Call;
use portal_http::request::path;
use portal_http::session::{Balances, CustomerSession, PayTarget, Scope};
use portal_http::{ApiError, response};
use portal_store::repo::invoices;
use portal_store::repo::parties;
use portal_store::repo::payments;

portal_http::base_state!("view-invoice");

portal_http::http_function! {
    name: "view-invoice",
    routes: {
        "GET /api/invoices" => list,
        "GET /api/invoices/{id}" => one,
        "GET /api/payments" => history,
        "GET /api/payments/{id}" => payment,
    },
}

/// The account's invoices and what is owed in all.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvoiceList {
    pub invoices: Vec<InvoiceSummary>,
    #[serde(flatten)]
    pub balances: Balances,
}

/// Whether the session may see this invoice at all.
fn visible(session: &CustomerSession, i: &Invoice) -> bool {
    session.can_see_invoice(i)
}

fn overdue(i: &Invoice, now: jiff::Timestamp) -> bool {
    i.is_overdue(now)
}

#[utoipa::path(get, path = "/api/invoices", tag = "invoices", security(("bearer" = [])),
    responses((status = 200, body = InvoiceList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
pub async fn list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Invoices)?;
    session.needs_account()?;
    let all = invoices::list(state.table.as_ref(), &session.tenant, &session.account).await?;
    let shown: Vec<&Invoice> = all.iter().filter(|i| visible(&session, i)).collect();
    let balances = session.balances(&all)?;
    // What is still to pay first, soonest due first; then the rest, latest first.
    let mut shown = shown;
    shown.sort_by(|a, b| match (a.unpaid(), b.unpaid()) {
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (true, true) => a.content.due_date.cmp(&b.content.due_date).then_with(|| a.number.cmp(&b.number)),
        (false, false) => b.content.due_date.cmp(&a.content.due_date).then_with(|| b.number.cmp(&a.number)),
    });
    let invoices = shown.iter().map(|i| InvoiceSummary::of(i, req.now)).collect();
    Ok(response::ok(&InvoiceList { invoices, balances }))
}

#[utoipa::path(get, path = "/api/invoices/{id}", tag = "invoices", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invoice id (inv_...)")),
    responses((status = 200, body = InvoiceView), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Invoices)?;
    let id: InvoiceId = path(req, "id", "invoice")?;
    // One Query of the partition: the invoice, its payments, and the account's credit.
    let money = payments::all(state.table.as_ref(), &session.tenant, &session.account).await?;
    let i = money.invoices.iter().find(|i| i.id == id).filter(|i| visible(&session, i)).ok_or(ApiError::NotFound("invoice"))?;
    let tenant = tenant(state, &session).await?;
    let doc = Document::Invoice(id.clone());
    let payments: Vec<PaymentView> =
        money.payments.iter().filter(|p| p.document == doc && p.made()).map(|p| money.view(p, &tenant.currency)).collect();
    let payable = if i.status == InvoiceStatus::Void { 0 } else { i.ledger.payable() };
    let rules = &tenant.payments;
    let pay = PayOptions {
        payable,
        partial_allowed: rules.partial_allowed,
        partial_minimum: rules.partial_minimum,
        methods: rules.methods(payable),
        ach_minimum: rules.ach_minimum,
        card_fee_disclosure: rules.card_fee_disclosure.clone(),
        // Credit is the account's: a link to one invoice does not show or spend it.
        // A deposit counts only toward invoices made from its estimate.
        credit_available: if session.sees_account() { money.credit_for(i).min(payable) } else { 0 },
        blocked: session.may_pay(PayTarget::Invoice(&id)).err().map(|e| e.to_string()),
    };
    let view = InvoiceView {
        id: i.id.to_string(),
        number: i.number.clone(),
        title: i.what_for(),
        property_label: i.property_label.clone(),
        status: i.status,
        overdue: overdue(i, req.now),
        content: i.content.clone(),
        totals: i.content.totals().map_err(ApiError::internal)?,
        ledger: i.ledger,
        payments,
        pay,
        issued_at: i.issued_at,
        property: i.property.as_ref().map(ToString::to_string),
    };
    Ok(response::ok(&view))
}

/// Whether the session may see this payment: the invoice's rules for invoice payments; for a
/// link that opens one estimate, only that estimate's deposits; for one invoice, its payments.
fn payment_visible(session: &CustomerSession, money: &AccountPayments, p: &PaymentRecord) -> bool {
    match (&session.scope, &p.document) {
        (Scope::Estimate { id, .. }, Document::Estimate(e)) => id == e,
        (Scope::Estimate { .. }, _) => false,
        (Scope::Invoice { id, .. }, Document::Invoice(i)) => id == i,
        (Scope::Invoice { .. }, _) => false,
        // A review request's link rates one job; it sees no payment.
        (Scope::Rating { .. }, _) => false,
        (_, Document::Invoice(i)) => money.invoices.iter().any(|x| &x.id == i && visible(session, x)),
        (_, Document::Estimate(e)) => money.estimates.iter().any(|x| &x.id == e && session.at_property(x.property.as_ref())),
        (_, Document::Account) => session.properties.is_none(),
        // A "Pay balance" Checkout: seen by whoever sees every invoice it paid.
        (_, Document::Balance) => p.parts.iter().all(|part| money.invoices.iter().any(|x| x.id == part.invoice && visible(session, x))),
    }
}

/// The payment history and the account's credit.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PaymentHistory {
    /// Newest first.
    pub payments: Vec<PaymentView>,
    pub credit: CreditView,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CreditView {
    /// Deposits and prepayments received, less refunds.
    pub received: i64,
    pub applied: i64,
    pub available: i64,
    /// Submitted, not settled.
    pub pending: i64,
    /// Deposits paid on estimates and not yet credited: each goes to its estimate's invoice,
    /// not to other invoices.
    pub deposits_held: i64,
    pub currency: String,
}

fn credit_view(c: Credit, money: &AccountPayments, currency: &str) -> CreditView {
    let deposits_held = money.deposits_held().iter().map(|(_, a)| a).sum();
    CreditView {
        received: c.received,
        applied: c.applied,
        available: c.available,
        pending: c.pending,
        deposits_held,
        currency: currency.into(),
    }
}

async fn tenant(state: &State, session: &CustomerSession) -> Result<Tenant, ApiError> {
    parties::get_tenant(state.table.as_ref(), &session.tenant)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("tenant {} missing", session.tenant).into()))
}

#[utoipa::path(get, path = "/api/payments", tag = "payments", security(("bearer" = [])),
    responses((status = 200, body = PaymentHistory), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
pub async fn history(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Payments)?;
    session.needs_account()?;
    let money = payments::all(state.table.as_ref(), &session.tenant, &session.account).await?;
    let currency = tenant(state, &session).await?.currency;
    // A "Pay balance" Checkout is one line (the customer paid once); its parts show on each
    // invoice.
    let mut list: Vec<PaymentView> = money
        .payments
        .iter()
        .filter(|p| p.made() && p.batch.is_none() && payment_visible(&session, &money, p))
        .map(|p| money.view(p, &currency))
        .collect();
    list.reverse();
    // A contact limited to some properties does not see the account's credit.
    let whole = session.properties.is_none();
    let credit = if whole { money.credit() } else { Credit::default() };
    let held = if whole { &money } else { &AccountPayments::default() };
    Ok(response::ok(&PaymentHistory { payments: list, credit: credit_view(credit, held, currency.as_str()) }))
}

/// One payment: the receipt, or where a payment stands after Checkout.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PaymentDetail {
    pub payment: PaymentView,
    /// For an invoice payment: the invoice's balance now.
    pub balance: Option<i64>,
    pub credit: CreditView,
}

#[utoipa::path(get, path = "/api/payments/{id}", tag = "payments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Payment id (pay_...)")),
    responses((status = 200, body = PaymentDetail), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn payment(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    let id: PaymentId = path(req, "id", "payment")?;
    let money = payments::all(state.table.as_ref(), &session.tenant, &session.account).await?;
    let p =
        money.payments.iter().find(|p| p.id == id).filter(|p| payment_visible(&session, &money, p)).ok_or(ApiError::NotFound("payment"))?;
    // A receipt belongs with what it paid: it shows where that part of the portal does.
    session.shows(match p.document {
        Document::Invoice(_) | Document::Balance => Section::Invoices,
        Document::Estimate(_) => Section::Estimates,
        Document::Account => Section::Payments,
    })?;
    let balance = match &p.document {
        Document::Invoice(i) => money.invoices.iter().find(|x| &x.id == i).map(|x| x.ledger.balance),
        _ => None,
    };
    let currency = tenant(state, &session).await?.currency;
    let whole = session.sees_account() && session.properties.is_none();
    let credit = if whole { money.credit() } else { Credit::default() };
    let held = if whole { &money } else { &AccountPayments::default() };
    Ok(response::ok(&PaymentDetail { payment: money.view(p, &currency), balance, credit: credit_view(credit, held, currency.as_str()) }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, one, history, payment))]
pub struct Api;
