//! Invoices: from an approved estimate (crediting its deposit) or from scratch, sent, voided,
//! one invoice's page and the invoices of every customer by status.
use jiff::ToSpan;
use lambda_http::{Body, Response};
use portal_domain::estimate::{Decision, EstimateStatus, LineItem, end_of_day};
use portal_domain::ids::{EstimateId, InvoiceId, PropertyId};
use portal_domain::invoice::Invoice;
use portal_domain::invoice::{Discount, InvoiceContent, InvoiceStatus, Ledger};
use portal_domain::outbox::Notice;
use portal_domain::{DomainError, FieldErrors};
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, json_or_default, query_as};
use portal_http::{ApiError, Call, response};
use portal_store::repo::auth::LinkPurpose;
use portal_store::repo::invoices;
use portal_store::repo::{audit, parties};
use rust_decimal::Decimal;

use crate::State;
use crate::common::{Paged, account, customer_names, entry, paging, session, tenant};
use crate::estimates::Note;
use crate::payments::open_invoice;

/// Invoices are numbered from here (`INV-1001`) per contractor.
pub const FIRST_INVOICE_NUMBER: i64 = 1001;

/// Days to pay when the office gives no due date.
pub(crate) const DEFAULT_DUE_DAYS: i64 = 15;

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
    let now = req.now;
    let (t, a) = (&s.tenant, &account.id);
    let today = tenant.today(now);
    let due_date = body.due_date.unwrap_or_else(|| today.checked_add(DEFAULT_DUE_DAYS.days()).unwrap_or(today));
    let mut e = FieldErrors::new();
    if due_date < today {
        e.add("due_date", "must be today or later");
    }
    let memo = body.memo.clone().unwrap_or_default();
    if memo.chars().count() > 2000 {
        e.add("memo", "at most 2,000 characters");
    }
    let title = body.title.as_deref().map(str::trim).unwrap_or_default().to_string();
    if title.chars().count() > 120 {
        e.add("title", "at most 120 characters");
    }
    let (content, property, estimate, estimate_title) = match &body.estimate {
        Some(est) => {
            if body.items.is_some() || body.tax_rate.is_some() {
                e.add("items", "an invoice from an estimate takes the estimate's lines and tax");
            }
            let bundle =
                portal_store::repo::estimates::load(state.table.as_ref(), t, a, est).await?.ok_or(ApiError::NotFound("estimate"))?;
            let approval = match (bundle.estimate.status, bundle.decisions.get(&bundle.estimate.current_version)) {
                (EstimateStatus::Approved, Some(Decision::Approved(ap))) => ap.clone(),
                _ => return Err(ApiError::Conflict("not_approved", "Only an approved estimate can be invoiced.".into())),
            };
            let version = bundle.version(approval.version).ok_or_else(|| ApiError::Internal("approved version missing".into()))?;
            let others = invoices::list(state.table.as_ref(), t, a).await?;
            if others.iter().any(|i| i.estimate.as_ref() == Some(est) && i.status != InvoiceStatus::Void) {
                return Err(ApiError::Conflict("already_invoiced", "This estimate already has an invoice.".into()));
            }
            let content = InvoiceContent {
                items: version.content.chosen_items(&approval.selection).cloned().collect(),
                discount: body.discount.clone(),
                tax_rate: version.content.tax_rate,
                currency: version.content.currency.clone(),
                due_date,
                memo,
            };
            (content, bundle.estimate.property.clone(), Some(est.clone()), Some(bundle.estimate.title.clone()))
        }
        None => {
            let Some(items) = body.items.clone() else {
                return Err(unprocessable(DomainError::invalid("items", "give the lines, or an approved estimate")));
            };
            let content = InvoiceContent {
                items,
                discount: body.discount.clone(),
                tax_rate: body.tax_rate.unwrap_or(Decimal::ZERO),
                currency: tenant.currency.clone(),
                due_date,
                memo,
            };
            (content, body.property.clone(), None, None)
        }
    };
    let mut property_label = None;
    if let Some(p) = &property {
        let known = parties::list_properties(state.table.as_ref(), t, a).await?;
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
    e.into_result().map_err(unprocessable)?;
    let number = format!("INV-{}", parties::next_number(state.table.as_ref(), t, "INV", FIRST_INVOICE_NUMBER).await?);
    let total = content.totals()?.total;
    let invoice = Invoice {
        id: InvoiceId::generate(state.ids.as_ref()),
        tenant: t.clone(),
        account: a.clone(),
        property,
        estimate: estimate.clone(),
        number,
        title,
        property_label,
        status: InvoiceStatus::Open,
        due_at: end_of_day(content.due_date, &tenant.zone()),
        content,
        ledger: Ledger::of(total, []),
        issued_at: Some(now),
        sent_at: None,
        created_at: now,
        rev: 1,
    };
    let detail = serde_json::json!({ "number": invoice.number, "total": total, "estimate": estimate });
    let audit = entry(state, &s, req, "invoice.issued", invoice.id.to_string(), a, detail);
    state.table.transact(vec![invoices::create(&invoice)?, audit::append(t, &audit)?]).await?;
    // The estimate's deposit is the customer's credit: credit it on this invoice now. If this
    // step fails, the credit stays on the account and can be applied later.
    let deposit_credited = match &estimate {
        Some(est) => {
            portal_app::payments::apply_credit(
                state.table.as_ref(),
                state.ids.as_ref(),
                &invoice.id,
                t,
                a,
                None,
                Some(est),
                s.actor(),
                &req.origin,
                now,
            )
            .await?
        }
        None => 0,
    };
    let issued = invoices::load(state.table.as_ref(), t, a, &invoice.id).await?.map_or(invoice, |b| b.invoice);
    Ok(response::json(201, &Issued { invoice: invoice_row(&issued, now), deposit_credited }))
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
    let mut i = bundle.invoice.clone();
    if i.status == InvoiceStatus::Void {
        return Err(ApiError::Conflict("already_void", "This invoice is already void.".into()));
    }
    if i.ledger.paid > 0 || i.ledger.pending > 0 {
        return Err(ApiError::Conflict("has_payments", "Money was paid on this invoice; refund it before voiding.".into()));
    }
    let expected = i.rev;
    i.status = InvoiceStatus::Void;
    i.rev += 1;
    let audit = entry(state, &s, req, "invoice.voided", i.id.to_string(), &i.account, serde_json::json!({ "number": i.number }));
    state.table.transact(vec![invoices::save(&i, expected)?, audit::append(&s.tenant, &audit)?]).await?;
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
    let i = &bundle.invoice;
    match i.status {
        InvoiceStatus::Void => return Err(ApiError::Conflict("invoice_void", "This invoice is void; there is nothing to send.".into())),
        InvoiceStatus::Paid => {
            return Err(ApiError::Conflict("invoice_paid", "This invoice is paid; the customer already has the receipt.".into()));
        }
        InvoiceStatus::Draft | InvoiceStatus::Open | InvoiceStatus::PartiallyPaid => {}
    }
    let contacts = parties::list_contacts(state.table.as_ref(), &s.tenant, &i.account).await?;
    let to = crate::common::recipients(&contacts, i.property.as_ref(), |c| c.role.can_pay());
    if to.is_empty() {
        return Err(crate::common::no_recipients("an approver or billing contact"));
    }
    let now = req.now;
    let mut header = i.clone();
    header.sent_at = header.sent_at.or(Some(now));
    header.rev += 1;
    let mut writes = vec![invoices::save(&header, i.rev)?];
    let purpose = LinkPurpose::Invoice { invoice: i.id.clone(), rights: vec!["view".into(), "pay".into()] };
    writes.extend(crate::common::link_messages(
        state,
        req.now,
        &s,
        &i.account,
        &to,
        &purpose,
        crate::common::document_link_ttl(),
        |c, token| Notice::InvoiceSent { invoice: i.id.clone(), contact: c.id.clone(), token: Some(token) },
    )?);
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
