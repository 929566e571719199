//! admin-api: what the contractor's office does from the admin page: customers, their contacts
//! and properties, portal invitations and access, staff ([`people`]); estimates (built, sent,
//! revised, voided: [`estimates`]); settings and adoption figures ([`settings`]); invoices (from an approved estimate, crediting its deposit, or from
//! scratch), offline payments through the same ledger, voiding; lists served by GSIs; the
//! audit log.
//!
//! One function for the admin routes, not one per route: the office is a handful of people
//! on one page, so one warm function serves them all, and every route shares the same staff
//! session, role checks and validation. Every route needs a staff token (admin audience; a
//! customer token never verifies here); owners and office staff change things, technicians
//! only read. The tenant always comes from the token, so staff of one contractor never reach
//! another's data.

use jiff::ToSpan;
use lambda_http::{Body, RequestExt, Response};
use portal_domain::audit::AuditEntry;
use portal_domain::estimate::view::EstimateSummary;
use portal_domain::estimate::{Decision, Estimate, EstimateStatus, LineItem, end_of_day};
use portal_domain::ids::{AccountId, ContactId, EstimateId, InvoiceId, OutboxId, PropertyId};
use portal_domain::invoice::view::PaymentView;
use portal_domain::invoice::{Discount, InvoiceContent, InvoiceStatus, Ledger};
use portal_domain::party::{Account, AccountKind, Contact, ContactRole, Email, Phone, Property, Tenant};
use portal_domain::{DomainError, FieldErrors};
use portal_http::Call;
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, path, query};
use portal_http::session::StaffSession;
use portal_http::{ApiError, response};
use portal_store::keys;
use portal_store::record::{from_item, kind};
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::invoices::{self, Invoice};
use portal_store::repo::outbox::{self, Notice, OutboxMessage};
use portal_store::repo::{audit, parties, payments};
use portal_store::table::{Cursor, Index, Query, Write};
use rust_decimal::Decimal;

pub mod accounts;
pub mod estimates;
pub mod invoicing;
pub mod people;
pub mod settings;

/// Invoices are numbered from here (`INV-1001`) per contractor.
pub const FIRST_INVOICE_NUMBER: i64 = 1001;
/// Days to pay when the office gives no due date.
const DEFAULT_DUE_DAYS: i64 = 15;
/// Invoice bodies carry line items.
const MAX_INVOICE_BODY: usize = 128 * 1024;

portal_http::base_state!("admin-api");

portal_http::http_function! {
    name: "admin-api",
    routes: {
        "GET /api/admin/me" => me,
        "GET /api/admin/customers" => list_customers,
        "POST /api/admin/customers" => create_customer,
        "GET /api/admin/customers/{account}" => customer,
        "POST /api/admin/customers/{account}/contacts" => add_contact,
        "POST /api/admin/customers/{account}/properties" => add_property,
        "PUT /api/admin/customers/{account}/contacts/{contact}" => accounts::edit_contact,
        "DELETE /api/admin/customers/{account}/contacts/{contact}" => accounts::remove_contact,
        "PUT /api/admin/customers/{account}/properties/{property}" => accounts::edit_property,
        "DELETE /api/admin/customers/{account}/properties/{property}" => accounts::remove_property,
        "POST /api/admin/customers/{account}/invoices" => create_invoice,
        "GET /api/admin/customers/{account}/invoices/{invoice}" => invoicing::get,
        "POST /api/admin/customers/{account}/invoices/{invoice}/payments" => record_payment,
        "POST /api/admin/customers/{account}/invoices/{invoice}/void" => void_invoice,
        "POST /api/admin/customers/{account}/invoices/{invoice}/send" => invoicing::send,
        "GET /api/admin/customers/{account}/audit" => audit_log,
        "GET /api/admin/invoices" => list_invoices,
        "POST /api/admin/customers/{account}/estimates" => estimates::create,
        "GET /api/admin/customers/{account}/estimates/{estimate}" => estimates::get,
        "PUT /api/admin/customers/{account}/estimates/{estimate}" => estimates::edit,
        "POST /api/admin/customers/{account}/estimates/{estimate}/send" => estimates::send,
        "POST /api/admin/customers/{account}/estimates/{estimate}/revise" => estimates::revise,
        "POST /api/admin/customers/{account}/estimates/{estimate}/void" => estimates::void,
        "POST /api/admin/customers/{account}/estimates/{estimate}/move-deposit" => estimates::move_deposit,
        "POST /api/admin/customers/{account}/estimates/{estimate}/record-approval" => estimates::record_approval,
        "POST /api/admin/customers/{account}/contacts/{contact}/invite" => people::invite_contact,
        "POST /api/admin/customers/{account}/contacts/{contact}/access" => people::set_access,
        "POST /api/admin/customers/{account}/contacts/{contact}/withdraw-links" => people::withdraw_links,
        "GET /api/admin/staff" => people::list_staff,
        "POST /api/admin/staff" => people::invite_staff,
        "POST /api/admin/staff/{staff}/remove" => people::remove_staff,
        "GET /api/admin/settings" => settings::get,
        "PUT /api/admin/settings" => settings::put,
        "GET /api/admin/adoption" => settings::adoption,
        "GET /api/admin/documents/{subject}/audit" => document_audit,
        "GET /api/admin/estimates" => list_estimates,
    },
}

/// How long an emailed document link (estimate, invoice) works.
const LINK_DAYS: i64 = 14;
/// One send reaches at most this many contacts (a transaction holds 100 writes).
const MAX_RECIPIENTS: usize = 20;

/// Who a document at `property` goes to: contacts `wanted` by role, with the portal on, who
/// can be reached and may see that property.
fn recipients<'a>(contacts: &'a [Contact], property: Option<&PropertyId>, wanted: impl Fn(&Contact) -> bool) -> Vec<&'a Contact> {
    contacts
        .iter()
        .filter(|c| wanted(c) && c.portal_enabled && (c.email.is_some() || c.phone.is_some()))
        .filter(|c| portal_domain::party::within(c.properties.as_deref(), property))
        .take(MAX_RECIPIENTS)
        .collect()
}

/// The answer when a document has nobody to go to (`who`: the roles that could receive it).
fn no_recipients(who: &str) -> ApiError {
    ApiError::Conflict(
        "no_recipients",
        format!("Nobody on this account can receive it: add {who} with an email or phone, and switch their portal access on."),
    )
}

/// How long an emailed document link works.
fn document_link_ttl() -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * LINK_DAYS)
}

/// For each recipient, a link (`purpose`, working for `ttl`) and the outbox message that
/// carries it, to be written with the change that sends it.
#[allow(clippy::too_many_arguments)]
fn link_messages(
    state: &State,
    now: jiff::Timestamp,
    s: &StaffSession,
    account: &AccountId,
    to: &[&Contact],
    purpose: &LinkPurpose,
    ttl: jiff::SignedDuration,
    notice: impl Fn(&Contact, String) -> Notice,
) -> Result<Vec<Write>, ApiError> {
    let mut writes = Vec::with_capacity(to.len() * 2);
    for c in to {
        let subject = Subject::Contact { account: account.clone(), contact: c.id.clone() };
        let (token, link) = issue_link(state.ids.as_ref(), &s.tenant, subject, purpose.clone(), now, ttl)?;
        writes.push(link);
        let message = OutboxMessage {
            id: OutboxId::generate(state.ids.as_ref()),
            account: Some(account.clone()),
            created_at: now,
            notice: notice(c, token),
        };
        writes.push(outbox::enqueue(&s.tenant, message)?);
    }
    Ok(writes)
}

fn session(state: &State, req: &Call) -> Result<StaffSession, ApiError> {
    req.staff(&state.verifier)
}

async fn tenant(state: &State, s: &StaffSession) -> Result<Tenant, ApiError> {
    parties::get_tenant(state.table.as_ref(), &s.tenant)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("tenant {} missing", s.tenant).into()))
}

/// The account named in the path, in the staff member's tenant only.
async fn account(state: &State, s: &StaffSession, req: &Call) -> Result<Account, ApiError> {
    let id: AccountId = path(req, "account", "customer")?;
    parties::get_account(state.table.as_ref(), &s.tenant, &id).await?.ok_or(ApiError::NotFound("customer"))
}

/// `?limit=` (1..=100, 25 by default) and `?cursor=`.
fn paging(req: &Call) -> Result<(u32, Option<Cursor>), ApiError> {
    let limit = match query(req, "limit") {
        None => 25,
        Some(l) => {
            l.parse::<u32>().ok().filter(|l| (1..=100).contains(l)).ok_or_else(|| DomainError::invalid("limit", "must be 1 to 100"))?
        }
    };
    Ok((limit, query(req, "cursor").map(Cursor)))
}

/// A page of results and the cursor of the next.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// The signed-in staff member and their contractor.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Me {
    pub staff: String,
    pub name: String,
    pub role: String,
    pub tenant: String,
    pub business: String,
    pub currency: String,
    pub time_zone: String,
    /// BCP 47: how the admin page writes dates, numbers and money.
    pub locale: String,
}

#[utoipa::path(get, path = "/api/admin/me", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn me(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let t = tenant(state, &s).await?;
    Ok(response::ok(&Me {
        staff: s.staff.to_string(),
        name: s.name.clone(),
        role: s.role.as_str().into(),
        tenant: t.id.to_string(),
        business: t.name,
        currency: t.currency.as_str().into(),
        time_zone: t.time_zone,
        locale: t.locale,
    }))
}

/// A customer account in lists.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub kind: AccountKind,
}

fn row(a: &Account) -> CustomerRow {
    CustomerRow { id: a.id.to_string(), name: a.name.clone(), kind: a.kind }
}

#[utoipa::path(get, path = "/api/admin/customers", tag = "admin", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"), ("cursor" = Option<String>, Query, description = "from the previous page"),
           ("q" = Option<String>, Query, description = "only customers whose name starts with this (any case)")),
    responses((status = 200, body = Paged<CustomerRow>), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn list_customers(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let (limit, after) = paging(req)?;
    let name = query(req, "q").map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    if name.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(DomainError::invalid("q", "at most 100 characters").into());
    }
    let (accounts, next) = parties::list_accounts(state.table.as_ref(), &s.tenant, name.as_deref(), limit, after).await?;
    Ok(response::ok(&Paged { items: accounts.iter().map(row).collect(), next: next.map(|c| c.0) }))
}

/// A person at the customer who uses the portal.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[serde(default)]
    pub email: Option<Email>,
    /// Any common format; stored as E.164.
    #[serde(default)]
    pub phone: Option<Phone>,
    #[schema(value_type = String, pattern = "^(approver|billing|viewer)$", example = "approver")]
    pub role: ContactRole,
    /// Limit the contact to these properties (commercial accounts).
    #[serde(default)]
    pub properties: Option<Vec<PropertyId>>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProperty {
    #[schema(min_length = 1, max_length = 80)]
    pub label: String,
    #[schema(min_length = 1, max_length = 120)]
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    #[schema(min_length = 1, max_length = 80)]
    pub city: String,
    #[schema(min_length = 1, max_length = 80)]
    pub region: String,
    #[schema(min_length = 1, max_length = 20)]
    pub postal_code: String,
    /// ISO 3166 alpha-2; `US` when left out.
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    pub kind: AccountKind,
    pub contact: NewContact,
    #[serde(default)]
    pub property: Option<NewProperty>,
}

fn text(e: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        e.add(field, format!("required, at most {max} characters"));
    }
    v.to_string()
}

fn contact_of(
    s: &StaffSession,
    account: &AccountId,
    id: ContactId,
    c: &NewContact,
    known: &[PropertyId],
    e: &mut FieldErrors,
    at: &str,
) -> Contact {
    let name = text(e, &format!("{at}name"), &c.name, 120);
    if c.email.is_none() && c.phone.is_none() {
        e.add(format!("{at}email"), "give an email address or a phone number, so the contact can sign in");
    }
    if c.properties.as_ref().is_some_and(|props| props.is_empty() || props.iter().any(|p| !known.contains(p))) {
        e.add(format!("{at}properties"), "must name properties of this customer");
    }
    Contact {
        id,
        tenant: s.tenant.clone(),
        account: account.clone(),
        name,
        email: c.email.clone(),
        phone: c.phone.clone(),
        role: c.role,
        properties: c.properties.clone(),
        portal_enabled: true,
        activity: Default::default(),
    }
}

fn property_of(id: PropertyId, p: &NewProperty, e: &mut FieldErrors, at: &str) -> Property {
    let country = p.country.as_deref().unwrap_or("US").trim().to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
        e.add(format!("{at}country"), "a two-letter country code");
    }
    Property {
        id,
        label: text(e, &format!("{at}label"), &p.label, 80),
        line1: text(e, &format!("{at}line1"), &p.line1, 120),
        line2: p.line2.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string),
        city: text(e, &format!("{at}city"), &p.city, 80),
        region: text(e, &format!("{at}region"), &p.region, 80),
        postal_code: text(e, &format!("{at}postal_code"), &p.postal_code, 20),
        country,
    }
}

fn entry(
    state: &State,
    s: &StaffSession,
    req: &Call,
    action: &str,
    subject: String,
    account: &AccountId,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry::record(state.ids.as_ref(), req.now, s.actor(), action, Some(subject), Some(account.clone()), &req.origin, detail)
}

#[utoipa::path(post, path = "/api/admin/customers", tag = "admin", security(("bearer" = [])), request_body = NewCustomer,
    responses((status = 201, body = CustomerRow), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
pub async fn create_customer(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: NewCustomer = json(req, MAX_BODY)?;
    let mut e = FieldErrors::new();
    let name = text(&mut e, "name", &body.name, 120);
    let account =
        Account { id: AccountId::generate(state.ids.as_ref()), tenant: s.tenant.clone(), name, kind: body.kind, stripe_customer: None };
    let property = body.property.as_ref().map(|p| property_of(PropertyId::generate(state.ids.as_ref()), p, &mut e, "property."));
    let known: Vec<PropertyId> = property.iter().map(|p| p.id.clone()).collect();
    let contact = contact_of(&s, &account.id, ContactId::generate(state.ids.as_ref()), &body.contact, &known, &mut e, "contact.");
    e.into_result().map_err(unprocessable)?;
    let mut writes = vec![parties::put_account(&account)?, parties::put_contact(&contact)?];
    if let Some(p) = &property {
        writes.push(parties::put_property(&s.tenant, &account.id, p)?);
    }
    let detail = serde_json::json!({ "name": account.name, "kind": account.kind, "contact": contact.id, "property": property.as_ref().map(|p| &p.id) });
    writes.push(audit::append(&s.tenant, &entry(state, &s, req, "customer.created", account.id.to_string(), &account.id, detail))?);
    state.table.transact(writes).await?;
    Ok(response::json(201, &row(&account)))
}

/// A contact as the office sees it.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ContactView {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub properties: Option<Vec<String>>,
    pub portal_enabled: bool,
}

fn contact_view(c: &Contact) -> ContactView {
    ContactView {
        id: c.id.to_string(),
        name: c.name.clone(),
        email: c.email.as_ref().map(|e| e.as_str().to_string()),
        phone: c.phone.as_ref().map(|p| p.as_str().to_string()),
        role: c.role.as_str().into(),
        properties: c.properties.as_ref().map(|p| p.iter().map(ToString::to_string).collect()),
        portal_enabled: c.portal_enabled,
    }
}

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

fn invoice_row(i: &Invoice, now: jiff::Timestamp) -> InvoiceRow {
    InvoiceRow {
        id: i.id.to_string(),
        account: i.account.to_string(),
        number: i.number.clone(),
        status: i.status,
        overdue: i.status != InvoiceStatus::Void && i.ledger.overdue(i.due_at, now),
        estimate: i.estimate.as_ref().map(ToString::to_string),
        ledger: i.ledger,
        currency: i.content.currency.as_str().into(),
        due_date: i.content.due_date,
        sent_at: i.sent_at,
        title: i.what_for(),
        customer: None,
    }
}

/// Everything about one customer.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CustomerDetail {
    pub customer: CustomerRow,
    pub contacts: Vec<ContactView>,
    pub properties: Vec<Property>,
    pub estimates: Vec<EstimateSummary>,
    pub invoices: Vec<InvoiceRow>,
    pub payments: Vec<PaymentView>,
    /// The account's general credit (bought ahead, or deposits moved to it) available to apply.
    pub credit_available: i64,
    /// Deposits paid and not yet credited to an invoice: each belongs to its estimate.
    pub deposits_held: Vec<HeldDeposit>,
    /// The contractor's currency (account credit is in it).
    pub currency: String,
}

/// A deposit waiting for its estimate's invoice.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HeldDeposit {
    pub estimate: String,
    pub number: String,
    pub amount: i64,
}

#[utoipa::path(get, path = "/api/admin/customers/{account}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")),
    responses((status = 200, body = CustomerDetail), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn customer(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let id: AccountId = path(req, "account", "customer")?;
    // One Query of the customer's partition: the account and everything in it.
    let items = portal_store::repo::query_all(state.table.as_ref(), Query::partition(keys::account_pk(&s.tenant, &id))).await?;
    let (mut account, mut contacts, mut properties, mut ests) = (None, Vec::new(), Vec::new(), Vec::new());
    for item in items.iter().cloned() {
        match kind(&item) {
            "account" => account = Some(from_item::<Account>(item)?),
            "contact" => contacts.push(contact_view(&from_item::<Contact>(item)?)),
            "property" => properties.push(from_item::<Property>(item)?),
            "estimate" => ests.push(from_item::<Estimate>(item)?),
            _ => {}
        }
    }
    let account = account.ok_or(ApiError::NotFound("customer"))?;
    let money = payments::AccountPayments::from_items(items)?;
    let currency = tenant(state, &s).await?.currency;
    let now = req.now;
    ests.sort_by_key(|e| std::cmp::Reverse(e.created_at));
    let mut invoices: Vec<InvoiceRow> = money.invoices.iter().map(|i| invoice_row(i, now)).collect();
    invoices.sort_by(|a, b| b.number.cmp(&a.number));
    // A "Pay balance" Checkout is one line; its parts show on each invoice.
    let mut history: Vec<PaymentView> =
        money.payments.iter().filter(|p| p.made() && p.batch.is_none()).map(|p| money.view(p, &currency)).collect();
    history.reverse();
    Ok(response::ok(&CustomerDetail {
        customer: row(&account),
        contacts,
        properties,
        estimates: ests.iter().map(|e| EstimateSummary::of(e, now)).collect(),
        invoices,
        payments: history,
        credit_available: money.credit().available,
        deposits_held: money
            .deposits_held()
            .into_iter()
            .map(|(e, amount)| HeldDeposit {
                number: ests.iter().find(|x| x.id == e).map_or_else(|| e.to_string(), |x| x.number.clone()),
                estimate: e.to_string(),
                amount,
            })
            .collect(),
        currency: currency.as_str().to_string(),
    }))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/contacts", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")), request_body = NewContact,
    responses((status = 201, body = ContactView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn add_contact(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let account = account(state, &s, req).await?;
    let body: NewContact = json(req, MAX_BODY)?;
    let known: Vec<PropertyId> =
        parties::list_properties(state.table.as_ref(), &s.tenant, &account.id).await?.into_iter().map(|p| p.id).collect();
    let mut e = FieldErrors::new();
    let contact = contact_of(&s, &account.id, ContactId::generate(state.ids.as_ref()), &body, &known, &mut e, "");
    e.into_result().map_err(unprocessable)?;
    let detail = serde_json::json!({ "contact": contact.id, "name": contact.name, "role": contact.role.as_str() });
    let audit = entry(state, &s, req, "contact.added", account.id.to_string(), &account.id, detail);
    state.table.transact(vec![parties::put_contact(&contact)?, audit::append(&s.tenant, &audit)?]).await?;
    Ok(response::json(201, &contact_view(&contact)))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/properties", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")), request_body = NewProperty,
    responses((status = 201, body = Property), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn add_property(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let account = account(state, &s, req).await?;
    let body: NewProperty = json(req, MAX_BODY)?;
    let mut e = FieldErrors::new();
    let property = property_of(PropertyId::generate(state.ids.as_ref()), &body, &mut e, "");
    e.into_result().map_err(unprocessable)?;
    let detail = serde_json::json!({ "property": property.id, "label": property.label });
    let audit = entry(state, &s, req, "property.added", account.id.to_string(), &account.id, detail);
    state.table.transact(vec![parties::put_property(&s.tenant, &account.id, &property)?, audit::append(&s.tenant, &audit)?]).await?;
    Ok(response::json(201, &property))
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
            payments::apply_credit(
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

async fn open_invoice(state: &State, s: &StaffSession, req: &Call) -> Result<invoices::InvoiceBundle, ApiError> {
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
    if matches!(i.status, InvoiceStatus::Draft | InvoiceStatus::Void) {
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
    let (_, writes) = payments::record_offline(state.ids.as_ref(), &bundle, body.amount, note, s.actor(), &req.origin, now)?;
    state.table.transact(writes).await?;
    let after = invoices::load(state.table.as_ref(), &s.tenant, &i.account, &i.id).await?.ok_or(ApiError::NotFound("invoice"))?;
    Ok(response::json(201, &invoice_row(&after.invoice, now)))
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

#[utoipa::path(get, path = "/api/admin/customers/{account}/audit", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"),
           ("cursor" = Option<String>, Query, description = "from the previous page")),
    responses((status = 200, body = Paged<AuditEntry>), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn audit_log(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let account = account(state, &s, req).await?;
    let (limit, after) = paging(req)?;
    let (mut items, next) = audit::for_account(state.table.as_ref(), &s.tenant, &account.id, limit, after).await?;
    // Signature images are evidence, not log lines.
    for e in &mut items {
        if let Some(d) = e.detail.as_object_mut() {
            d.remove("signature_png");
        }
    }
    Ok(response::ok(&Paged { items, next: next.map(|c| c.0) }))
}

/// Prefixes of the records the audit log is kept per.
const AUDITED: &[&str] = &["est_", "inv_", "pay_", "con_", "acc_", "stf_"];

#[utoipa::path(get, path = "/api/admin/documents/{subject}/audit", tag = "admin", security(("bearer" = [])),
    params(("subject" = String, Path, description = "An estimate, invoice, payment, contact, customer or staff id")),
    responses((status = 200, body = Paged<AuditEntry>), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// Everything that happened to one document (or person), newest first, from GSI1.
pub async fn document_audit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let subject = req
        .path_parameters_ref()
        .and_then(|p| p.first("subject"))
        .filter(|v| v.len() <= 64 && AUDITED.iter().any(|p| v.starts_with(p)) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .ok_or(ApiError::NotFound("document"))?
        .to_string();
    let mut items = audit::for_subject(state.table.as_ref(), &s.tenant, &subject, 100).await?;
    for e in &mut items {
        if let Some(d) = e.detail.as_object_mut() {
            d.remove("signature_png");
        }
    }
    Ok(response::ok(&Paged { items, next: None }))
}

const INVOICE_STATUSES: &[&str] = &["open", "partially_paid", "paid", "void"];

#[utoipa::path(get, path = "/api/admin/invoices", tag = "admin", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(open|partially_paid|paid|void)$", description = "open (the default), partially_paid, paid or void"), ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"),
           ("cursor" = Option<String>, Query, description = "from the previous page")),
    responses((status = 200, body = Paged<InvoiceRow>), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn list_invoices(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let status = query(req, "status").unwrap_or_else(|| "open".into());
    if !INVOICE_STATUSES.contains(&status.as_str()) {
        return Err(DomainError::invalid("status", "one of open, partially_paid, paid, void").into());
    }
    let (limit, after) = paging(req)?;
    // By due date, soonest first (the GSI's sort key).
    let mut q = Query::index(Index::Gsi1, keys::invoices_by_status_gsi(&s.tenant, &status)).limit(limit);
    q.after = after;
    let page = state.table.query(&q).await?;
    let now = req.now;
    let invoices = page.items.into_iter().map(from_item::<Invoice>).collect::<Result<Vec<_>, _>>()?;
    let names = customer_names(state, &s, invoices.iter().map(|i| &i.account)).await?;
    let rows: Vec<InvoiceRow> =
        invoices.iter().map(|i| InvoiceRow { customer: names.get(&i.account).cloned(), ..invoice_row(i, now) }).collect();
    Ok(response::ok(&Paged { items: rows, next: page.next.map(|c| c.0) }))
}

/// The names of the customers a page of a staff list names: one GetItem per distinct
/// customer (a page holds at most 100 rows, most often a handful of customers).
async fn customer_names<'a>(
    state: &State,
    s: &StaffSession,
    accounts: impl Iterator<Item = &'a AccountId>,
) -> Result<std::collections::HashMap<AccountId, String>, ApiError> {
    let mut names = std::collections::HashMap::new();
    for a in accounts {
        if !names.contains_key(a)
            && let Some(account) = parties::get_account(state.table.as_ref(), &s.tenant, a).await?
        {
            names.insert(a.clone(), account.name);
        }
    }
    Ok(names)
}

const ESTIMATE_STATUSES: &[&str] = &["draft", "sent", "viewed", "approved", "declined", "changes_requested", "expired", "void"];

/// An estimate in staff lists, with its customer.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateRow {
    pub account: String,
    /// The customer's name.
    pub customer: Option<String>,
    #[serde(flatten)]
    pub summary: EstimateSummary,
}

#[utoipa::path(get, path = "/api/admin/estimates", tag = "admin", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(draft|sent|viewed|approved|declined|changes_requested|expired|void)$", description = "sent (the default), draft, viewed, approved, declined, changes_requested, expired or void"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"), ("cursor" = Option<String>, Query, description = "from the previous page")),
    responses((status = 200, body = Paged<EstimateRow>), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
/// Estimates across customers by stored status, newest first (GSI1). An estimate whose
/// validity passed while `sent` is listed under `sent` and shown expired.
pub async fn list_estimates(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let status = query(req, "status").unwrap_or_else(|| "sent".into());
    if !ESTIMATE_STATUSES.contains(&status.as_str()) {
        return Err(
            DomainError::invalid("status", "one of draft, sent, viewed, approved, declined, changes_requested, expired, void").into()
        );
    }
    let (limit, after) = paging(req)?;
    let mut q = Query::index(Index::Gsi1, keys::estimates_by_status_gsi(&s.tenant, &status)).backwards().limit(limit);
    q.after = after;
    let page = state.table.query(&q).await?;
    let now = req.now;
    let estimates = page.items.into_iter().map(from_item::<Estimate>).collect::<Result<Vec<_>, _>>()?;
    let names = customer_names(state, &s, estimates.iter().map(|e| &e.account)).await?;
    let rows: Vec<EstimateRow> = estimates
        .iter()
        .map(|e| EstimateRow {
            account: e.account.to_string(),
            customer: names.get(&e.account).cloned(),
            summary: EstimateSummary::of(e, now),
        })
        .collect();
    Ok(response::ok(&Paged { items: rows, next: page.next.map(|c| c.0) }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    me,
    list_customers,
    create_customer,
    customer,
    add_contact,
    add_property,
    accounts::edit_contact,
    accounts::remove_contact,
    accounts::edit_property,
    accounts::remove_property,
    create_invoice,
    record_payment,
    void_invoice,
    invoicing::send,
    audit_log,
    list_invoices,
    estimates::create,
    estimates::get,
    estimates::edit,
    estimates::send,
    estimates::revise,
    estimates::void,
    estimates::move_deposit,
    estimates::record_approval,
    invoicing::get,
    people::invite_contact,
    people::set_access,
    people::withdraw_links,
    people::list_staff,
    people::invite_staff,
    people::remove_staff,
    settings::get,
    settings::put,
    settings::adoption,
    document_audit,
    list_estimates
))]
pub struct Api;
