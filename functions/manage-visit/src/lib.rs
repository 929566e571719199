//! manage-visit: the customer confirms a visit, asks to move it (one to three windows within
//! the contractor's working hours, and a note), or asks to cancel it; the office decides on
//! requests. Each is audited and told to the office through the outbox.
//!
//! Confirming is one read (the job with its visits, one Query) and one conditional
//! transaction; asking also reads the contractor's working hours.

use lambda_http::{Body, Response};
use portal_app::jobs::{Ask, LocalWindow};
use portal_domain::ids::{JobId, VisitId};
use portal_domain::job::view::{RequestView, VisitView};
use portal_http::Call;
use portal_http::request::{MAX_BODY, json, path};
use portal_http::session::{CustomerSession, Scope};
use portal_http::{ApiError, response};
use portal_store::repo::jobs::{self, JobBundle};

portal_http::base_state!("manage-visit");

portal_http::http_function! {
    name: "manage-visit",
    routes: {
        "POST /api/jobs/{job}/visits/{visit}/confirm" => confirm,
        "POST /api/jobs/{job}/visits/{visit}/reschedule" => reschedule,
        "POST /api/jobs/{job}/visits/{visit}/cancel" => cancel,
    },
}

/// Asking for other times.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    /// One to three windows that suit you, each inside one day's working hours.
    #[schema(min_items = 1, max_items = 3)]
    pub preferred: Vec<LocalWindow>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// Asking to cancel.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// The signed-in customer's job and visit named in the path, if they may act on it: the
/// whole account (not a link to one document, not staff viewing as the customer), at a
/// property they may see.
async fn target(state: &State, req: &Call) -> Result<(CustomerSession, JobBundle, VisitId), ApiError> {
    let session = req.customer(&state.verifier)?;
    session.needs_account()?;
    if session.scope == Scope::ReadOnly {
        return Err(ApiError::Forbidden("This is a read-only view of the customer's portal."));
    }
    if session.role == portal_domain::party::ContactRole::Viewer {
        return Err(ApiError::Forbidden("Your access to this account is read only. Ask an approver on the account to change visits."));
    }
    let job: JobId = path(req, "job", "job")?;
    let visit: VisitId = path(req, "visit", "visit")?;
    let b = jobs::load(state.table.as_ref(), &session.tenant, &session.account, &job)
        .await?
        .filter(|b| session.at_property(b.job.property.as_ref()))
        .ok_or(ApiError::NotFound("job"))?;
    if b.visit(&visit).is_none() {
        return Err(ApiError::NotFound("visit"));
    }
    Ok((session, b, visit))
}

#[utoipa::path(post, path = "/api/jobs/{job}/visits/{visit}/confirm", tag = "jobs", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id (job_...)"), ("visit" = String, Path, description = "Visit id (vis_...)")),
    responses((status = 200, body = VisitView), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody)))]
/// Confirms the visit's window.
pub async fn confirm(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (session, b, visit) = target(state, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor());
    let v = portal_app::jobs::confirm(&act, &b, &visit).await?;
    Ok(response::ok(&VisitView::of(&b.job, &v, &b.reschedules, req.now)))
}

#[utoipa::path(post, path = "/api/jobs/{job}/visits/{visit}/reschedule", tag = "jobs", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id (job_...)"), ("visit" = String, Path, description = "Visit id (vis_...)")),
    request_body = RescheduleBody,
    responses((status = 201, body = RequestView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Asks the office to move the visit to one of the windows given.
pub async fn reschedule(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: RescheduleBody = json(req, MAX_BODY)?;
    let (session, b, visit) = target(state, req).await?;
    let tenant = portal_app::contractors::tenant(state.table.as_ref(), &session.tenant).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor());
    let ask = Ask {
        id: portal_domain::ids::RescheduleId::generate(state.ids.as_ref()),
        by: session.contact.clone(),
        cancel: false,
        preferred: body.preferred,
        note: body.note,
    };
    let r = portal_app::jobs::ask(&act, &tenant, &b, &visit, ask).await?;
    Ok(response::json(201, &RequestView::of(&r)))
}

#[utoipa::path(post, path = "/api/jobs/{job}/visits/{visit}/cancel", tag = "jobs", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id (job_...)"), ("visit" = String, Path, description = "Visit id (vis_...)")),
    request_body = CancelBody,
    responses((status = 201, body = RequestView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody)))]
/// Asks the office to cancel the visit (the office decides).
pub async fn cancel(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: CancelBody = portal_http::request::json_or_default(req, MAX_BODY)?;
    let (session, b, visit) = target(state, req).await?;
    let tenant = portal_app::contractors::tenant(state.table.as_ref(), &session.tenant).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor());
    let ask = Ask {
        id: portal_domain::ids::RescheduleId::generate(state.ids.as_ref()),
        by: session.contact.clone(),
        cancel: true,
        preferred: Vec::new(),
        note: body.note,
    };
    let r = portal_app::jobs::ask(&act, &tenant, &b, &visit, ask).await?;
    Ok(response::json(201, &RequestView::of(&r)))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(confirm, reschedule, cancel))]
pub struct Api;
