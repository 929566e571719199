//! rate-us: customers rate their completed jobs (and change a rating for 14 days); the office
//! reads the ratings, their figures and the follow-ups of low ones.
//!
//! A rating is one read (the job's Query, which brings its visits and any rating) and one
//! transaction (the rating, its audit entry and, for a low score, the office's notice). Every
//! rater is then offered the contractor's public review links (the tenant profile's), the
//! same whatever the score: see `portal_domain::review` for why (no review gating).
use lambda_http::{Body, Response};
use portal_app::reviews::{self, Figures, Rater, RatingPage};
use portal_domain::ids::{AccountId, JobId};
use portal_domain::job::JobStatus;
use portal_domain::review::{FollowUpChange, NewRating, Rating};
use portal_http::Call;
use portal_http::request::{MAX_BODY, json, path, query};
use portal_http::session::{CustomerSession, Scope, StaffSession};
use portal_http::{ApiError, response};
use portal_store::repo::jobs::JobBundle;
use portal_store::repo::{jobs, parties, reviews as repo};

portal_http::base_state!("rate-us");

portal_http::http_function! {
    name: "rate-us",
    routes: {
        "GET /api/ratings" => list,
        "GET /api/ratings/{job}" => one,
        "PUT /api/ratings/{job}" => rate,
        "GET /api/admin/ratings" => staff_list,
        "GET /api/admin/ratings/figures" => staff_figures,
        "PATCH /api/admin/customers/{account}/ratings/{job}" => staff_change,
    },
}

/// The account's completed jobs, newest first, with their ratings.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RatingList {
    pub jobs: Vec<RatingPage>,
}

/// A page of the office's ratings.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StaffRatings {
    /// Newest first; with `follow_up=open`, the open follow-ups, oldest first.
    pub ratings: Vec<Rating>,
    /// Pass as `cursor` for the next page.
    pub next: Option<String>,
}

fn customer(state: &State, req: &Call) -> Result<CustomerSession, ApiError> {
    req.customer(&state.verifier)
}

/// The job the path names, as this session may see it: the whole account's sessions see the
/// jobs at their properties; a review request's link sees its one job.
async fn load(state: &State, session: &CustomerSession, req: &Call) -> Result<JobBundle, ApiError> {
    let id: JobId = path(req, "job", "job")?;
    let allowed = match &session.scope {
        Scope::Portal | Scope::ReadOnly => true,
        Scope::Rating { job } => job == &id,
        Scope::Estimate { .. } | Scope::Invoice { .. } => false,
    };
    if !allowed {
        return Err(ApiError::NotFound("job"));
    }
    jobs::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| session.at_property(b.job.property.as_ref()))
        .ok_or(ApiError::NotFound("job"))
}

#[utoipa::path(get, path = "/api/ratings", tag = "ratings", security(("bearer" = [])),
    responses((status = 200, body = RatingList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The Rate us page: every completed job this contact sees, newest first, rated or not (one
/// Query of the customer's partition).
pub async fn list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = customer(state, req)?;
    session.needs_account()?;
    let work = jobs::account_work(state.table.as_ref(), &session.tenant, &session.account, false).await?;
    let mut done: Vec<&JobBundle> =
        work.jobs.iter().filter(|b| b.job.status == JobStatus::Completed && session.at_property(b.job.property.as_ref())).collect();
    done.sort_by_key(|b| std::cmp::Reverse(b.job.completed_at));
    let jobs = done.into_iter().map(|b| reviews::page(b, req.now)).collect::<Result<_, _>>()?;
    Ok(response::ok(&RatingList { jobs }))
}

#[utoipa::path(get, path = "/api/ratings/{job}", tag = "ratings", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id (job_...)")),
    responses((status = 200, body = RatingPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// One completed job's Rate us page (404 for a job not completed, or not this session's).
pub async fn one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = customer(state, req)?;
    let b = load(state, &session, req).await?;
    Ok(response::ok(&reviews::page(&b, req.now)?))
}

#[utoipa::path(put, path = "/api/ratings/{job}", tag = "ratings", security(("bearer" = [])), request_body = NewRating,
    params(("job" = String, Path, description = "Job id (job_...)")),
    responses((status = 200, body = RatingPage, description = "Rated (the portal then offers the public review links, whatever the score)"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "rating_final: more than 14 days after it was given"),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// Rates a completed job, or changes its rating for 14 days after it was first given.
pub async fn rate(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: NewRating = json(req, MAX_BODY)?;
    body.checked()?;
    let session = customer(state, req)?;
    if session.scope == Scope::ReadOnly {
        return Err(ApiError::Forbidden("This is a read-only view of the customer's portal."));
    }
    if session.role == portal_domain::party::ContactRole::Viewer {
        return Err(ApiError::Forbidden("Viewers on this account can look but not rate. Ask an approver to rate the job."));
    }
    let b = load(state, &session, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor());
    let page = reviews::rate(&act, &b, Rater { contact: &session.contact, name: &session.name }, &body).await?;
    Ok(response::ok(&page))
}

fn office(state: &State, req: &Call) -> Result<StaffSession, ApiError> {
    let s = req.staff(&state.verifier)?;
    s.may_manage()?;
    Ok(s)
}

#[utoipa::path(get, path = "/api/admin/ratings", tag = "admin", security(("bearer" = [])),
    params(("follow_up" = Option<String>, Query, description = "`open`: only the open follow-ups, oldest first", pattern = "^open$"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = StaffRatings), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody)))]
/// The office's ratings, newest first (one Query of an index per page), or the open
/// follow-ups.
pub async fn staff_list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = office(state, req)?;
    let (limit, cursor) = portal_http::request::paging(req)?;
    match query(req, "follow_up").as_deref() {
        None => {
            let (ratings, next) = repo::list(state.table.as_ref(), &s.tenant, limit, cursor).await?;
            Ok(response::ok(&StaffRatings { ratings, next: next.map(|c| c.0) }))
        }
        Some("open") => {
            let (ratings, next) = repo::open_follow_ups(state.table.as_ref(), &s.tenant, limit, cursor).await?;
            Ok(response::ok(&StaffRatings { ratings, next: next.map(|c| c.0) }))
        }
        Some(_) => Err(portal_domain::DomainError::invalid("follow_up", "open, or leave it out").into()),
    }
}

#[utoipa::path(get, path = "/api/admin/ratings/figures", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Figures), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The average, the distribution, month by month and per technician, and the follow-ups
/// open and closed, over the newest 5,000 ratings.
pub async fn staff_figures(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = office(state, req)?;
    let t = portal_app::contractors::tenant(state.table.as_ref(), &s.tenant).await?;
    let ratings = repo::for_figures(state.table.as_ref(), &s.tenant).await?;
    let zone = t.zone();
    let today = req.now.to_zoned(zone.clone()).date();
    Ok(response::ok(&reviews::figures(&ratings, &zone, today)))
}

#[utoipa::path(patch, path = "/api/admin/customers/{account}/ratings/{job}", tag = "admin", security(("bearer" = [])), request_body = FollowUpChange,
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)")),
    responses((status = 200, body = Rating), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// The office assigns a low rating's follow-up, notes what it did, closes or reopens it.
pub async fn staff_change(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: FollowUpChange = json(req, MAX_BODY)?;
    let s = office(state, req)?;
    let account: AccountId = path(req, "account", "customer")?;
    let job: JobId = path(req, "job", "job")?;
    let r = repo::get(state.table.as_ref(), &s.tenant, &account, &job).await?.ok_or(ApiError::NotFound("rating"))?;
    let staff: Vec<_> =
        parties::list_staff(state.table.as_ref(), &s.tenant).await?.into_iter().filter(|m| m.active).map(|m| m.id).collect();
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    Ok(response::ok(&reviews::change_follow_up(&act, &r, &body, &staff).await?))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, one, rate, staff_list, staff_figures, staff_change))]
pub struct Api;
