//! The technician's phone: today's and tomorrow's visits assigned to the signed-in staff
//! member (address with a maps link, the customer's notes, the job's scope), and "On my way"
//! with an ETA, "Arrived", "Completed" with notes for the customer and the equipment
//! installed. A technician changes only visits assigned to them; owners and office staff may
//! act on any (covering for someone).
use lambda_http::{Body, Response};
use portal_app::jobs::Finish;
use portal_domain::ids::VisitId;
use portal_http::request::{MAX_BODY, json, json_or_default, path};
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call, response};
use portal_store::repo::jobs::{self, JobBundle};

use crate::State;
use crate::common::{act, session, tenant};
use crate::jobs::{ScheduleDay, ScheduleRow, load, schedule_row};

/// The technician's two days.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MyVisits {
    /// Today and tomorrow at the business, each by window start.
    pub days: Vec<ScheduleDay>,
}

#[utoipa::path(get, path = "/api/admin/tech/visits", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = MyVisits), (status = 401, body = portal_http::error::ErrorBody)))]
/// Today's and tomorrow's visits assigned to me (one Query of my index, then each job).
pub async fn my_visits(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let t = tenant(state, &s).await?;
    let zone = t.zone();
    let today = t.today(req.now);
    let tomorrow = today.tomorrow().unwrap_or(today);
    let after = tomorrow.tomorrow().unwrap_or(tomorrow);
    let start = portal_domain::job::instant(today, jiff::civil::Time::midnight(), &zone).map_err(ApiError::from)?;
    let end = portal_domain::job::instant(after, jiff::civil::Time::midnight(), &zone).map_err(ApiError::from)?;
    let mut days = vec![ScheduleDay { date: today, visits: Vec::new() }, ScheduleDay { date: tomorrow, visits: Vec::new() }];
    let mut names = std::collections::HashMap::new();
    for (a, j, v) in jobs::for_technician(state.table.as_ref(), &s.tenant, &s.staff, start, end).await? {
        let Some(b) = jobs::load(state.table.as_ref(), &s.tenant, &a, &j).await? else { continue };
        let Some(visit) = b.visit(&v).filter(|v| v.assigned(&s.staff)) else { continue };
        let day = visit.window.start.to_zoned(zone.clone()).date();
        if !names.contains_key(&a) {
            let n = portal_store::repo::parties::get_account(state.table.as_ref(), &s.tenant, &a).await?.map(|x| x.name);
            names.insert(a.clone(), n);
        }
        let row: ScheduleRow = schedule_row(&b.job, visit, &b.reschedules, names.get(&a).cloned().flatten());
        if let Some(d) = days.iter_mut().find(|d| d.date == day) {
            d.visits.push(row);
        }
    }
    Ok(response::ok(&MyVisits { days }))
}

/// The visit named in the path, if this staff member may act on it.
async fn mine(state: &State, s: &StaffSession, req: &Call) -> Result<(JobBundle, VisitId), ApiError> {
    let b = load(state, s, req).await?;
    let visit: VisitId = path(req, "visit", "visit")?;
    let v = b.visit(&visit).ok_or(ApiError::NotFound("visit"))?;
    portal_app::jobs::assigned_or_refuse(v, &s.staff, s.may_manage().is_ok())?;
    Ok((b, visit))
}

fn answer(b: &JobBundle, v: &portal_domain::job::Visit) -> Response<Body> {
    response::ok(&schedule_row(&b.job, v, &b.reschedules, None))
}

/// Setting off.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Depart {
    /// Minutes until arrival, 1 to 600.
    #[schema(minimum = 1, maximum = 600)]
    pub eta_minutes: i64,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/visits/{visit}/depart", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)"),
           ("visit" = String, Path, description = "Visit id (vis_...)")),
    request_body = Depart,
    responses((status = 200, body = ScheduleRow), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// On my way: the customer is told when to expect the technician. One read, one transaction.
pub async fn depart(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let body: Depart = json(req, MAX_BODY)?;
    let (b, visit) = mine(state, &s, req).await?;
    let v = portal_app::jobs::depart(&act(state, &s, req), &b, &visit, body.eta_minutes).await?;
    Ok(answer(&b, &v))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/visits/{visit}/arrive", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)"),
           ("visit" = String, Path, description = "Visit id (vis_...)")),
    responses((status = 200, body = ScheduleRow), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// Arrived: the job is in progress.
pub async fn arrive(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let (b, visit) = mine(state, &s, req).await?;
    let v = portal_app::jobs::arrive(&act(state, &s, req), &b, &visit).await?;
    Ok(answer(&b, &v))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/visits/{visit}/finish", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)"),
           ("visit" = String, Path, description = "Visit id (vis_...)")),
    request_body = Finish,
    responses((status = 200, body = ScheduleRow), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Completed, with notes for the customer and the equipment installed; optionally the job too.
pub async fn finish(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let body: Finish = json_or_default(req, MAX_BODY)?;
    let (b, visit) = mine(state, &s, req).await?;
    let (v, job) = portal_app::jobs::finish(&act(state, &s, req), &b, &visit, body).await?;
    let b = JobBundle { job, ..b };
    Ok(answer(&b, &v))
}
