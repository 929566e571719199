//! Staff: the list, inviting and removing (owners only).
use lambda_http::{Body, Response};
use portal_domain::DomainError;
use portal_domain::ids::StaffId;
use portal_domain::party::{Email, Staff, StaffRole};
use portal_http::request::{MAX_BODY, json, path};
use portal_http::{ApiError, Call, response};
use portal_store::repo::parties;

use crate::State;
use crate::common::session;

/// A staff member as the admin page shows them.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
    /// The name customers see on visits.
    pub display_name: String,
    /// The photo customers see on visits (a path under `/media/`).
    pub photo: Option<String>,
}

pub(crate) fn staff_view(s: &Staff) -> StaffView {
    StaffView {
        id: s.id.to_string(),
        name: s.name.clone(),
        email: s.email.as_str().to_string(),
        role: s.role.as_str().into(),
        active: s.active,
        display_name: s.shown_name(),
        photo: s.photo.clone(),
    }
}

#[utoipa::path(get, path = "/api/admin/staff", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<StaffView>), (status = 401, body = portal_http::error::ErrorBody)))]
pub async fn list_staff(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let staff = parties::list_staff(state.table.as_ref(), &s.tenant).await?;
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
    let staff = Staff {
        id: StaffId::generate(state.ids.as_ref()),
        tenant: s.tenant.clone(),
        name,
        email: body.email,
        role: body.role,
        active: true,
        display_name: None,
        photo: None,
    };
    portal_app::contractors::invite_staff(&crate::common::act(state, &s, req), &staff).await?;
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
    let staff = portal_app::contractors::remove_staff(&crate::common::act(state, &s, req), &s.staff, &id).await?;
    Ok(response::ok(&staff_view(&staff)))
}

/// What customers see of a staff member.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Empty for their first name.
    #[schema(max_length = 40)]
    pub display_name: String,
}

#[utoipa::path(put, path = "/api/admin/staff/{staff}/profile", tag = "admin", security(("bearer" = [])),
    params(("staff" = String, Path, description = "Staff id (stf_...)")), request_body = Profile,
    responses((status = 200, body = StaffView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// The name customers see on visits: the owner sets anyone's, others their own.
pub async fn set_profile(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let id: StaffId = path(req, "staff", "staff member")?;
    if id != s.staff {
        s.must_own()?;
    }
    let body: Profile = json(req, MAX_BODY)?;
    let staff = portal_app::contractors::save_profile(&crate::common::act(state, &s, req), &id, Some(body.display_name), None).await?;
    Ok(response::ok(&staff_view(&staff)))
}
