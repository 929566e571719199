//! Who uses the portal and the admin page: inviting a customer's contact (a welcome email
//! with a sign-in link), switching their portal access off and on; staff invited and removed
//! by the owner.
use jiff::SignedDuration;
use lambda_http::{Body, Response};
use portal_domain::DomainError;
use portal_domain::ids::{AccountId, ContactId, OutboxId, StaffId};
use portal_domain::party::{Email, Staff, StaffRole};
use portal_http::Call;
use portal_http::request::{MAX_BODY, json, path};
use portal_http::{ApiError, response};
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::outbox::{self, Notice, OutboxMessage};
use portal_store::repo::{audit, parties};
use portal_store::{Query, keys};

use crate::{ContactView, State, contact_view, entry, session};

/// How long an invitation link works (once).
const INVITE_HOURS: i64 = 72;

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
    let mut c = contact(state, &s, req).await?;
    if !c.portal_enabled {
        return Err(ApiError::Conflict("access_off", "Portal access is switched off for this contact. Switch it on first.".into()));
    }
    let now = req.now;
    let ttl = SignedDuration::from_hours(INVITE_HOURS);
    let invite = crate::link_messages(state, req.now, &s, &c.account, &[&c], &LinkPurpose::SignIn, ttl, |c, token| Notice::PortalInvite {
        contact: c.id.clone(),
        token: Some(token),
    })?;
    let again = c.activity.invited_at.is_some();
    c.activity.invited_at = Some(now);
    let detail = serde_json::json!({ "contact": c.id, "again": again });
    let audit = entry(state, &s, req, "contact.invited", c.id.to_string(), &c.account, detail);
    let mut writes = vec![parties::save_contact(&c)?, audit::append(&s.tenant, &audit)?];
    writes.extend(invite);
    state.table.transact(writes).await?;
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
    let mut c = contact(state, &s, req).await?;
    let now = req.now;
    c.activity.links_withdrawn_at = Some(now);
    let audit = entry(state, &s, req, "contact.links_withdrawn", c.id.to_string(), &c.account, serde_json::json!({ "contact": c.id }));
    state.table.transact(vec![parties::withdraw_links(&c, now), audit::append(&s.tenant, &audit)?]).await?;
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
    let mut c = contact(state, &s, req).await?;
    c.portal_enabled = body.enabled;
    let action = if body.enabled { "contact.access_on" } else { "contact.access_off" };
    let audit = entry(state, &s, req, action, c.id.to_string(), &c.account, serde_json::json!({ "contact": c.id }));
    state.table.transact(vec![parties::save_contact(&c)?, audit::append(&s.tenant, &audit)?]).await?;
    Ok(response::ok(&contact_view(&c)))
}

/// A staff member as the admin page shows them.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
}

fn staff_view(s: &Staff) -> StaffView {
    StaffView {
        id: s.id.to_string(),
        name: s.name.clone(),
        email: s.email.as_str().to_string(),
        role: s.role.as_str().into(),
        active: s.active,
    }
}

#[utoipa::path(get, path = "/api/admin/staff", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<StaffView>), (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn list_staff(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let items = portal_store::repo::query_all(state.table.as_ref(), Query::partition(keys::tenant_pk(&s.tenant)).prefix("STAFF#")).await?;
    let mut staff: Vec<Staff> = items.into_iter().map(portal_store::record::from_item).collect::<Result<_, _>>()?;
    staff.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(response::ok(&staff.iter().map(staff_view).collect::<Vec<_>>()))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    pub email: Email,
    #[schema(value_type = String, pattern = "^(owner|office|technician)$", example = "office")]
    pub role: StaffRole,
}

#[utoipa::path(post, path = "/api/admin/staff", tag = "admin", security(("bearer" = [])), request_body = NewStaff,
    responses((status = 201, body = StaffView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "that email is already on the staff")))]
/// The owner invites a staff member: they get an email with an admin sign-in link.
pub async fn invite_staff(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.must_own()?;
    let body: NewStaff = json(req, MAX_BODY)?;
    if !(1..=120).contains(&body.name.chars().count()) {
        return Err(DomainError::invalid("name", "required, at most 120 characters").into());
    }
    let name = body.name.trim().to_string();
    if name.is_empty() {
        return Err(portal_http::error::unprocessable(DomainError::invalid("name", "must not be only spaces")));
    }
    if parties::find_staff_by_email(state.table.as_ref(), &s.tenant, &body.email).await?.is_some() {
        return Err(ApiError::Conflict("already_staff", "Someone on the staff already has that email address.".into()));
    }
    let now = req.now;
    let staff = Staff {
        id: StaffId::generate(state.ids.as_ref()),
        tenant: s.tenant.clone(),
        name,
        email: body.email,
        role: body.role,
        active: true,
    };
    let subject = Subject::Staff { staff: staff.id.clone() };
    let (token, link) =
        issue_link(state.ids.as_ref(), &s.tenant, subject, LinkPurpose::SignIn, now, SignedDuration::from_hours(INVITE_HOURS))?;
    let message = OutboxMessage {
        id: OutboxId::generate(state.ids.as_ref()),
        account: None,
        created_at: now,
        notice: Notice::StaffInvite { staff: staff.id.clone(), token: Some(token) },
    };
    let audit = portal_domain::audit::AuditEntry::record(
        state.ids.as_ref(),
        now,
        s.actor(),
        "staff.invited",
        Some(staff.id.to_string()),
        None,
        &req.origin.clone(),
        serde_json::json!({ "name": staff.name, "role": staff.role.as_str() }),
    );
    state
        .table
        .transact(vec![parties::put_staff(&staff)?, link, outbox::enqueue(&s.tenant, message)?, audit::append(&s.tenant, &audit)?])
        .await?;
    Ok(response::json(201, &staff_view(&staff)))
}

#[utoipa::path(post, path = "/api/admin/staff/{staff}/remove", tag = "admin", security(("bearer" = [])),
    params(("staff" = String, Path, description = "Staff id (stf_...)")),
    responses((status = 200, body = StaffView), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// The owner removes a staff member: they can no longer sign in or refresh a session.
pub async fn remove_staff(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.must_own()?;
    let id: StaffId = path(req, "staff", "staff member")?;
    if id == s.staff {
        return Err(ApiError::Conflict("self", "You cannot remove yourself.".into()));
    }
    let mut staff = parties::get_staff(state.table.as_ref(), &s.tenant, &id).await?.ok_or(ApiError::NotFound("staff member"))?;
    staff.active = false;
    let audit = portal_domain::audit::AuditEntry::record(
        state.ids.as_ref(),
        req.now,
        s.actor(),
        "staff.removed",
        Some(staff.id.to_string()),
        None,
        &req.origin.clone(),
        serde_json::json!({ "name": staff.name }),
    );
    state.table.transact(vec![parties::save_staff(&staff)?, audit::append(&s.tenant, &audit)?]).await?;
    Ok(response::ok(&staff_view(&staff)))
}
