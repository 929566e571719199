//! view-estimate: a customer's estimates, and one estimate with all its sent versions.
//!
//! One Query reads a whole estimate (header, versions, decisions). The first time the customer
//! opens it, the estimate moves from sent to viewed, with an audit entry, in one conditional
//! transaction; staff viewing as the customer never count as a view.

use lambda_http::{Body, Response};
use portal_domain::estimate::EstimateStatus;
use portal_domain::estimate::view::{EstimateSummary, EstimateView};
use portal_domain::ids::EstimateId;
use portal_domain::party::Section;
use portal_http::Call;
use portal_http::request::path;
use portal_http::session::Scope;
use portal_http::{ApiError, response};
use portal_store::repo::estimates;

portal_http::base_state!("view-estimate", blobs: std::sync::Arc<dyn portal_domain::ports::Blobs> = blobs, "the Blobs port (BLOB_BUCKET)");

portal_http::http_function! {
    name: "view-estimate",
    routes: {
        "GET /api/estimates" => list,
        "GET /api/estimates/{id}" => one,
    },
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateList {
    pub estimates: Vec<EstimateSummary>,
}

#[utoipa::path(get, path = "/api/estimates", tag = "estimates", security(("bearer" = [])),
    responses((status = 200, body = EstimateList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The account's estimates that were sent, newest first.
pub async fn list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Estimates)?;
    session.needs_account()?;
    let now = req.now;
    let all = estimates::list(state.table.as_ref(), &session.tenant, &session.account).await?;
    let estimates =
        all.iter().filter(|e| e.status != EstimateStatus::Draft && session.can_see(e)).map(|e| EstimateSummary::of(e, now)).collect();
    Ok(response::ok(&EstimateList { estimates }))
}

#[utoipa::path(get, path = "/api/estimates/{id}", tag = "estimates", security(("bearer" = [])),
    params(("id" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = EstimatePage), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// One estimate with every sent version, what changed, any decision, and its photos (one
/// Query).
pub async fn one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Estimates)?;
    let id: EstimateId = path(req, "id", "estimate")?;
    let mut bundle = estimates::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| b.estimate.status != EstimateStatus::Draft && session.can_see(&b.estimate))
        .ok_or(ApiError::NotFound("estimate"))?;
    let now = req.now;
    let is_customer = session.scope != Scope::ReadOnly;
    if is_customer {
        let act = req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor());
        portal_app::estimates::viewed(&act, &mut bundle).await?;
    }
    let may_decide = session.may_decide(&bundle.estimate).is_ok();
    let mut view = EstimateView::of(&bundle.estimate, &bundle.versions, &bundle.decisions, now, may_decide, session.evidence())
        .map_err(ApiError::internal)?;
    view.deposit_paid = bundle.deposit_covered();
    // The office's photos of the work (a request's come with the estimate made from it).
    let shown: Vec<_> = bundle.files.iter().filter(|f| f.customer_sees(session.properties.as_deref())).cloned().collect();
    let files = portal_app::files::views(state.blobs.as_ref(), &shown, |_| false, now).await?;
    Ok(response::ok(&EstimatePage { estimate: view, files }))
}

/// An estimate as its page loads it: the estimate and its photos and documents.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EstimatePage {
    #[serde(flatten)]
    pub estimate: EstimateView,
    pub files: Vec<portal_app::files::FileView>,
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, one))]
pub struct Api;
