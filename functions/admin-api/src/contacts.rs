//! Contacts and properties of a customer: add, edit, remove; portal invitations, access and
//! withdrawing a contact's links.
use lambda_http::{Body, Response};
use portal_domain::FieldErrors;
use portal_domain::ids::{AccountId, ContactId, PropertyId};
use portal_domain::party::{Contact, ContactRole, Email, Phone, Property};
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, path};
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call, response};
use portal_store::repo::parties;

use crate::State;
use crate::common::{account, act, session, text};

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
    /// IANA time zone when the property is not in the business's (`America/Denver`): its
    /// visits' windows are in it.
    #[serde(default)]
    #[schema(max_length = 64, example = "America/Denver")]
    pub time_zone: Option<String>,
    /// ISO 3166 alpha-2; `US` when left out.
    #[serde(default)]
    pub country: Option<String>,
}

pub(crate) fn contact_of(
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

pub(crate) fn property_of(id: PropertyId, p: &NewProperty, e: &mut FieldErrors, at: &str) -> Property {
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
        time_zone: match p.time_zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            Some(z) if z.len() <= 64 && jiff::tz::TimeZone::get(z).is_ok() => Some(z.to_string()),
            Some(_) => {
                e.add(format!("{at}time_zone"), "an IANA time zone, such as America/Chicago");
                None
            }
            None => None,
        },
    }
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

pub(crate) fn contact_view(c: &Contact) -> ContactView {
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
    portal_app::customers::add_contact(&act(state, &s, req), &contact).await?;
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
    portal_app::customers::add_property(&act(state, &s, req), &account.id, &property).await?;
    Ok(response::json(201, &property))
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/contacts/{contact}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("contact" = String, Path, description = "Contact id (con_...)")),
    request_body = NewContact,
    responses((status = 200, body = crate::contacts::ContactView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn edit_contact(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: NewContact = json(req, MAX_BODY)?;
    let before = crate::contacts::contact(state, &s, req).await?;
    let known: Vec<PropertyId> =
        parties::list_properties(state.table.as_ref(), &s.tenant, &before.account).await?.into_iter().map(|p| p.id).collect();
    let mut e = FieldErrors::new();
    let mut c = contact_of(&s, &before.account, before.id.clone(), &body, &known, &mut e, "");
    e.into_result().map_err(unprocessable)?;
    // Access and sign-in history are the contact's own, not part of the form.
    c.portal_enabled = before.portal_enabled;
    c.activity = before.activity.clone();
    let detail = serde_json::json!({ "before": contact_view(&before), "after": contact_view(&c) });
    portal_app::customers::edit_contact(&act(state, &s, req), &before, &c, detail).await?;
    Ok(response::ok(&contact_view(&c)))
}

#[utoipa::path(delete, path = "/api/admin/customers/{account}/contacts/{contact}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("contact" = String, Path, description = "Contact id (con_...)")),
    responses((status = 200, body = crate::contacts::ContactView, description = "the contact removed"), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody, description = "the customer's last contact")))]
pub async fn remove_contact(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let c = crate::contacts::contact(state, &s, req).await?;
    portal_app::customers::remove_contact(&act(state, &s, req), &c, serde_json::json!({ "contact": contact_view(&c) })).await?;
    Ok(response::ok(&contact_view(&c)))
}

/// The property the path names, with its account (found in the session tenant's customer
/// partition, so it is this contractor's).
pub(crate) async fn property(state: &State, s: &portal_http::session::StaffSession, req: &Call) -> Result<(AccountId, Property), ApiError> {
    let a: AccountId = path(req, "account", "customer")?;
    let id: PropertyId = path(req, "property", "property")?;
    let p = parties::list_properties(state.table.as_ref(), &s.tenant, &a).await?.into_iter().find(|p| p.id == id);
    Ok((a, p.ok_or(ApiError::NotFound("property"))?))
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/properties/{property}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("property" = String, Path, description = "Property id (prp_...)")),
    request_body = NewProperty,
    responses((status = 200, body = portal_domain::party::Property), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn edit_property(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: NewProperty = json(req, MAX_BODY)?;
    let (a, before) = property(state, &s, req).await?;
    let mut e = FieldErrors::new();
    let p = property_of(before.id.clone(), &body, &mut e, "");
    e.into_result().map_err(unprocessable)?;
    portal_app::customers::edit_property(&act(state, &s, req), &a, &before, &p).await?;
    Ok(response::ok(&p))
}

#[utoipa::path(delete, path = "/api/admin/customers/{account}/properties/{property}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("property" = String, Path, description = "Property id (prp_...)")),
    responses((status = 200, body = portal_domain::party::Property, description = "the property removed"), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody, description = "estimates, invoices or contacts name it")))]
pub async fn remove_property(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let (a, p) = property(state, &s, req).await?;
    portal_app::customers::remove_property(&act(state, &s, req), &a, &p).await?;
    Ok(response::ok(&p))
}

pub(crate) async fn contact(
    state: &State,
    s: &portal_http::session::StaffSession,
    req: &Call,
) -> Result<portal_domain::party::Contact, ApiError> {
    let a: AccountId = path(req, "account", "customer")?;
    let c: ContactId = path(req, "contact", "contact")?;
    parties::get_contact(state.table.as_ref(), &s.tenant, &a, &c).await?.ok_or(ApiError::NotFound("contact"))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/contacts/{contact}/invite", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("contact" = String, Path, description = "Contact id (con_...)")),
    responses((status = 200, body = ContactView), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "portal access is off")))]
/// Sends (or sends again) the portal invitation: a welcome with a sign-in link that works once
/// for 72 hours. The previous invitation's link stays valid until it expires.
pub async fn invite_contact(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let c = contact(state, &s, req).await?;
    let c = portal_app::customers::invite(&act(state, &s, req), &c).await?;
    Ok(response::ok(&contact_view(&c)))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/contacts/{contact}/withdraw-links", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("contact" = String, Path, description = "Contact id (con_...)")),
    responses((status = 200, body = ContactView), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// Expires every link the contact was sent (invitation, sign-in, estimate and invoice links)
/// now: an invitation went to a wrong address, or a forwarded email should stop working.
/// Portal access stays on; a fresh link can be asked for or sent.
pub async fn withdraw_links(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let c = contact(state, &s, req).await?;
    let c = portal_app::customers::withdraw_links(&act(state, &s, req), &c).await?;
    Ok(response::ok(&contact_view(&c)))
}

/// Portal access on or off.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    pub enabled: bool,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/contacts/{contact}/access", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("contact" = String, Path, description = "Contact id (con_...)")),
    request_body = Access,
    responses((status = 200, body = ContactView), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// Switches a contact's portal access. Off: no sign-in links are sent and their refresh
/// sessions stop working at the next refresh (access tokens last minutes).
pub async fn set_access(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: Access = json(req, MAX_BODY)?;
    let c = contact(state, &s, req).await?;
    let c = portal_app::customers::set_access(&act(state, &s, req), &c, body.enabled).await?;
    Ok(response::ok(&contact_view(&c)))
}
