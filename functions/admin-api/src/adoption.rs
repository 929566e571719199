//! Adoption figures: how many customers were invited and signed in, how fast they approve
//! and pay in the portal compared with offline. Read from the counters the events keep
//! (`portal_app::stats`): three Queries whatever the number of customers.
use lambda_http::{Body, Response};
use portal_http::{ApiError, Call, response};

pub use portal_domain::adoption::{Adoption, Compared, Month};

use crate::State;
use crate::common::{session, tenant};

#[utoipa::path(get, path = "/api/admin/adoption", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Adoption), (status = 401, body = portal_http::error::ErrorBody)))]
/// The last twelve months of the contractor's calendar, the contacts as they stand, and the
/// medians (from bucketed histograms: within a bucket's width of the exact median).
pub async fn adoption(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let t = tenant(state, &s).await?;
    Ok(response::ok(&portal_app::stats::figures(state.table.as_ref(), &t, req.now).await?))
}
