//! Customers: the signed-in staff member (`me`), the customer list and search, a new customer
//! with its first contacts and properties, and one customer's page.
use lambda_http::{Body, Response};
use portal_domain::estimate::view::EstimateSummary;
use portal_domain::ids::{AccountId, ContactId, PropertyId};
use portal_domain::invoice::view::PaymentView;
use portal_domain::party::{Account, AccountKind, Property};
use portal_domain::{DomainError, FieldErrors};
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, path, query};
use portal_http::{ApiError, Call, response};
use portal_store::repo::parties;

use crate::State;
use crate::common::{Paged, act, paging, session, tenant, text};
use crate::contacts::{ContactView, NewContact, NewProperty, contact_of, contact_view, property_of};
use crate::invoices::{InvoiceRow, invoice_row};

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

pub(crate) fn row(a: &Account) -> CustomerRow {
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

#[utoipa::path(post, path = "/api/admin/customers", tag = "admin", security(("bearer" = [])), request_body = NewCustomer,
    responses((status = 201, body = CustomerRow), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
pub async fn create_customer(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: NewCustomer = json(req, MAX_BODY)?;
    let mut e = FieldErrors::new();
    let name = text(&mut e, "name", &body.name, 120);
    let account = Account {
        id: AccountId::generate(state.ids.as_ref()),
        tenant: s.tenant.clone(),
        name,
        kind: body.kind,
        stripe_customer: None,
        lead: false,
    };
    let property = body.property.as_ref().map(|p| property_of(PropertyId::generate(state.ids.as_ref()), p, &mut e, "property."));
    let known: Vec<PropertyId> = property.iter().map(|p| p.id.clone()).collect();
    let contact = contact_of(&s, &account.id, ContactId::generate(state.ids.as_ref()), &body.contact, &known, &mut e, "contact.");
    e.into_result().map_err(unprocessable)?;
    portal_app::customers::create(&act(state, &s, req), &account, &contact, property.as_ref()).await?;
    Ok(response::json(201, &row(&account)))
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
    let found = portal_store::repo::customers::load(state.table.as_ref(), &s.tenant, &id).await?.ok_or(ApiError::NotFound("customer"))?;
    let (account, properties, ests, money) = (found.account, found.properties, found.estimates, found.money);
    let contacts: Vec<ContactView> = found.contacts.iter().map(contact_view).collect();
    let currency = tenant(state, &s).await?.currency;
    let now = req.now;
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
