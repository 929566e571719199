//! Changing and removing a customer's contacts and properties. A change is checked like an
//! addition and audited with what it was before; a removal is refused while something still
//! depends on the record (the customer's last contact; a property that estimates, invoices or
//! contacts name), so history never points at nothing it needs.
use lambda_http::{Body, Response};
use portal_domain::FieldErrors;
use portal_domain::ids::{AccountId, PropertyId};
use portal_domain::party::Property;
use portal_http::Call;
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, path};
use portal_http::{ApiError, response};
use portal_store::repo::{audit, parties};

use crate::{NewContact, NewProperty, State, contact_of, contact_view, entry, property_of, session};

#[utoipa::path(put, path = "/api/admin/customers/{account}/contacts/{contact}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("contact" = String, Path, description = "Contact id (con_...)")),
    request_body = NewContact,
    responses((status = 200, body = crate::ContactView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn edit_contact(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: NewContact = json(req, MAX_BODY)?;
    let before = crate::people::contact(state, &s, req).await?;
    let known: Vec<PropertyId> =
        parties::list_properties(state.table.as_ref(), &s.tenant, &before.account).await?.into_iter().map(|p| p.id).collect();
    let mut e = FieldErrors::new();
    let mut c = contact_of(&s, &before.account, before.id.clone(), &body, &known, &mut e, "");
    e.into_result().map_err(unprocessable)?;
    // Access and sign-in history are the contact's own, not part of the form.
    c.portal_enabled = before.portal_enabled;
    c.activity = before.activity.clone();
    let detail = serde_json::json!({ "before": contact_view(&before), "after": contact_view(&c) });
    let audit = entry(state, &s, req, "contact.changed", c.id.to_string(), &c.account, detail);
    state.table.transact(vec![parties::save_contact(&c)?, audit::append(&s.tenant, &audit)?]).await?;
    Ok(response::ok(&contact_view(&c)))
}

#[utoipa::path(delete, path = "/api/admin/customers/{account}/contacts/{contact}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("contact" = String, Path, description = "Contact id (con_...)")),
    responses((status = 200, body = crate::ContactView, description = "the contact removed"), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody, description = "the customer's last contact")))]
pub async fn remove_contact(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let c = crate::people::contact(state, &s, req).await?;
    let contacts = parties::list_contacts(state.table.as_ref(), &s.tenant, &c.account).await?;
    if contacts.len() <= 1 {
        return Err(ApiError::Conflict(
            "last_contact",
            "A customer keeps at least one contact. Add another before removing this one.".into(),
        ));
    }
    let audit = entry(state, &s, req, "contact.removed", c.id.to_string(), &c.account, serde_json::json!({ "contact": contact_view(&c) }));
    state.table.transact(vec![parties::delete_contact(&c), audit::append(&s.tenant, &audit)?]).await?;
    Ok(response::ok(&contact_view(&c)))
}

/// The property the path names, with its account (found in the session tenant's customer
/// partition, so it is this contractor's).
async fn property(state: &State, s: &portal_http::session::StaffSession, req: &Call) -> Result<(AccountId, Property), ApiError> {
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
    let audit = entry(state, &s, req, "property.changed", p.id.to_string(), &a, serde_json::json!({ "before": before, "after": p }));
    state.table.transact(vec![parties::save_property(&s.tenant, &a, &p)?, audit::append(&s.tenant, &audit)?]).await?;
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
    let t = &s.tenant;
    if parties::property_in_use(state.table.as_ref(), t, &a, &p.id).await? {
        return Err(ApiError::Conflict(
            "property_in_use",
            "Estimates, invoices or contacts name this property, so it stays. You can change its label or address.".into(),
        ));
    }
    let audit = entry(state, &s, req, "property.removed", p.id.to_string(), &a, serde_json::json!({ "property": p }));
    state.table.transact(vec![parties::delete_property(t, &a, &p.id), audit::append(t, &audit)?]).await?;
    Ok(response::ok(&p))
}
