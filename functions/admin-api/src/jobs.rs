//! Jobs and visits from the office: jobs by status across customers, a customer's jobs with
//! their agreements and equipment, one job with everything under it, creating and editing
//! jobs, holding, resuming, cancelling and completing them; booking, assigning, moving and
//! cancelling visits, declining a customer's request; equipment and agreements; the schedule
//! by day and by technician, from indexes (never a scan).
use lambda_http::{Body, Response};
use portal_app::jobs::{JobAction, JobDraft, LocalWindow, VisitDraft, VisitEdit};
use portal_domain::DomainError;
use portal_domain::ids::{AccountId, JobId, PropertyId, RescheduleId, StaffId, VisitId};
use portal_domain::job::assets::{Agreement, AgreementTerms, Equipment, EquipmentDetails};
use portal_domain::job::view::{JobInvoice, TimelineEntry, timeline};
use portal_domain::job::{Crew, Job, JobStatus, RescheduleRequest, Visit, VisitStatus, Window};
use portal_http::request::{MAX_BODY, json, json_or_default, path, query, query_as};
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call, response};
use portal_store::repo::jobs::{self, JobBundle};
use portal_store::repo::parties;

use crate::State;
use crate::common::{Paged, account, act, customer_names, paging, session, tenant};

/// A job in the office's lists.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobRow {
    pub id: String,
    pub account: String,
    pub number: String,
    pub title: String,
    pub status: JobStatus,
    pub property_label: Option<String>,
    pub hold_reason: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    /// The customer's name, in lists across customers.
    pub customer: Option<String>,
}

fn row(j: &Job) -> JobRow {
    JobRow {
        id: j.id.to_string(),
        account: j.account.to_string(),
        number: j.number.clone(),
        title: j.title.clone(),
        status: j.status,
        property_label: j.site.as_ref().map(|s| s.label.clone()),
        hold_reason: j.hold_reason.clone(),
        created_at: j.created_at,
        customer: None,
    }
}

#[utoipa::path(get, path = "/api/admin/jobs", tag = "admin", security(("bearer" = [])),
    params(("status" = JobStatus, Query, description = "unscheduled, scheduled, in_progress, on_hold, completed or cancelled"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Paged<JobRow>), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
/// Every customer's jobs in one status, newest first (one Query of an index).
pub async fn list_jobs(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let status: JobStatus = query_as(req, "status")?
        .ok_or_else(|| DomainError::invalid("status", "one of unscheduled, scheduled, in_progress, on_hold, completed, cancelled"))?;
    let (limit, cursor) = paging(req)?;
    let (found, next) = jobs::by_status(state.table.as_ref(), &s.tenant, status, limit, cursor).await?;
    let names = customer_names(state, &s, found.iter().map(|j| &j.account)).await?;
    let items = found.iter().map(|j| JobRow { customer: names.get(&j.account).cloned(), ..row(j) }).collect();
    Ok(response::ok(&Paged { items, next: next.map(|c| c.0) }))
}

/// A customer's work: jobs, agreements and equipment.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CustomerWork {
    pub jobs: Vec<JobRow>,
    pub agreements: Vec<Agreement>,
    pub equipment: Vec<Equipment>,
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/jobs", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")),
    responses((status = 200, body = CustomerWork), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// A customer's jobs (newest first), agreements and equipment (one Query).
pub async fn customer_work(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let a: AccountId = path(req, "account", "customer")?;
    let work = jobs::account_work(state.table.as_ref(), &s.tenant, &a, true).await?;
    if work.properties.is_empty() && work.jobs.is_empty() && parties::get_account(state.table.as_ref(), &s.tenant, &a).await?.is_none() {
        return Err(ApiError::NotFound("customer"));
    }
    Ok(response::ok(&CustomerWork {
        jobs: work.jobs.iter().map(|b| row(&b.job)).collect(),
        agreements: work.agreements,
        equipment: work.equipment,
    }))
}

/// One job as the office sees it: everything, internal notes included.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobPage {
    pub job: Job,
    /// By window start.
    pub visits: Vec<Visit>,
    /// The customer's requests to move or cancel visits, answered or not.
    pub requests: Vec<RescheduleRequest>,
    pub invoices: Vec<JobInvoice>,
    pub timeline: Vec<TimelineEntry>,
    /// The customer's name.
    pub customer: String,
}

fn page(b: &JobBundle, customer: String) -> Result<JobPage, ApiError> {
    Ok(JobPage {
        job: b.job.clone(),
        visits: b.visits.clone(),
        requests: b.reschedules.clone(),
        invoices: b.invoices.clone(),
        timeline: timeline(&b.job, &b.visits, &b.reschedules, &b.invoices),
        customer,
    })
}

/// The job named in the path, of the customer named in the path, in the session's tenant.
pub(crate) async fn load(state: &State, s: &StaffSession, req: &Call) -> Result<JobBundle, ApiError> {
    let a: AccountId = path(req, "account", "customer")?;
    let j: JobId = path(req, "job", "job")?;
    jobs::load(state.table.as_ref(), &s.tenant, &a, &j).await?.ok_or(ApiError::NotFound("job"))
}

async fn answer(state: &State, s: &StaffSession, b: &JobBundle) -> Result<Response<Body>, ApiError> {
    let fresh = jobs::load(state.table.as_ref(), &s.tenant, &b.job.account, &b.job.id).await?.ok_or(ApiError::NotFound("job"))?;
    let customer = parties::get_account(state.table.as_ref(), &s.tenant, &b.job.account).await?.map(|a| a.name).unwrap_or_default();
    Ok(response::ok(&page(&fresh, customer)?))
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/jobs/{job}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)")),
    responses((status = 200, body = JobPage), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// One job with its visits, the customer's requests, its invoices and timeline.
pub async fn get(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let b = load(state, &s, req).await?;
    let customer = parties::get_account(state.table.as_ref(), &s.tenant, &b.job.account).await?.map(|a| a.name).unwrap_or_default();
    Ok(response::ok(&page(&b, customer)?))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")), request_body = JobDraft,
    responses((status = 201, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// A job without an estimate (a service call), numbered in the estimates' series.
pub async fn create(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: JobDraft = json(req, MAX_BODY)?;
    let a = account(state, &s, req).await?;
    let t = tenant(state, &s).await?;
    let job = portal_app::jobs::create(&act(state, &s, req), &t, &a.id, JobId::generate(state.ids.as_ref()), body, None).await?;
    let b = JobBundle::new(job);
    Ok(response::json(201, &page(&b, a.name)?))
}

/// A job's title and scope.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobEdit {
    #[schema(max_length = 120)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub scope: String,
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/jobs/{job}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)")),
    request_body = JobEdit,
    responses((status = 200, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
pub async fn edit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: JobEdit = json(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    portal_app::jobs::edit(&act(state, &s, req), &b, &body.title, &body.scope).await?;
    answer(state, &s, &b).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/actions", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)")),
    request_body = JobAction,
    responses((status = 200, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Puts the job on hold (with a reason the customer sees), resumes, cancels or completes it.
pub async fn job_action(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: JobAction = json(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    portal_app::jobs::act_on(&act(state, &s, req), &b, body).await?;
    answer(state, &s, &b).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/visits", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)")),
    request_body = VisitDraft,
    responses((status = 201, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Books a visit (window in the job's zone, technicians, notes); the customer is told with
/// the calendar file.
pub async fn schedule(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: VisitDraft = json(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    portal_app::jobs::schedule(&act(state, &s, req), &b, VisitId::generate(state.ids.as_ref()), body).await?;
    let mut r = answer(state, &s, &b).await?;
    *r.status_mut() = lambda_http::http::StatusCode::CREATED;
    Ok(r)
}

fn visit_id(req: &Call) -> Result<VisitId, ApiError> {
    path(req, "visit", "visit")
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/jobs/{job}/visits/{visit}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)"),
           ("visit" = String, Path, description = "Visit id (vis_...)")),
    request_body = VisitEdit,
    responses((status = 200, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Assigns technicians and changes a visit's notes.
pub async fn edit_visit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: VisitEdit = json(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    portal_app::jobs::edit_visit(&act(state, &s, req), &b, &visit_id(req)?, body).await?;
    answer(state, &s, &b).await
}

/// Where a visit moves.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveVisit {
    pub window: LocalWindow,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/visits/{visit}/move", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)"),
           ("visit" = String, Path, description = "Visit id (vis_...)")),
    request_body = MoveVisit,
    responses((status = 200, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Moves a visit (its calendar event updates; a pending request of the customer's is
/// answered); the customer is told.
pub async fn move_visit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: MoveVisit = json(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    portal_app::jobs::move_visit(&act(state, &s, req), &b, &visit_id(req)?, body.window).await?;
    answer(state, &s, &b).await
}

/// Why, in words the customer sees (may be empty).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/visits/{visit}/cancel", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)"),
           ("visit" = String, Path, description = "Visit id (vis_...)")),
    request_body = Reason,
    responses((status = 200, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody)))]
/// Cancels a visit; the customer is told.
pub async fn cancel_visit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: Reason = json_or_default(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    portal_app::jobs::cancel_visit(&act(state, &s, req), &b, &visit_id(req)?, &body.reason).await?;
    answer(state, &s, &b).await
}

/// The office's answer to a request it will not grant as asked.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/jobs/{job}/requests/{request}/decline", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("job" = String, Path, description = "Job id (job_...)"),
           ("request" = String, Path, description = "Request id (rsc_...)")),
    request_body = Decline,
    responses((status = 200, body = JobPage), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Declines the customer's request to move or cancel a visit, with a message they see.
pub async fn decline_request(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: Decline = json(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    let r: RescheduleId = path(req, "request", "request")?;
    portal_app::jobs::decline_request(&act(state, &s, req), &b, &r, &body.message).await?;
    answer(state, &s, &b).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/properties/{property}/equipment", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("property" = String, Path, description = "Property id (prp_...)")),
    request_body = EquipmentDetails,
    responses((status = 201, body = Equipment), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// Records a piece of equipment at a property.
pub async fn add_equipment(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: EquipmentDetails = json(req, MAX_BODY)?;
    let a = account(state, &s, req).await?;
    let p: PropertyId = path(req, "property", "property")?;
    let t = tenant(state, &s).await?;
    let eq = portal_app::jobs::add_equipment(&act(state, &s, req), &t, &a.id, &p, body, None).await?;
    Ok(response::json(201, &eq))
}

/// An agreement made, with the jobs of its included visits.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AgreementMade {
    pub agreement: Agreement,
    pub jobs: Vec<JobRow>,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/agreements", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")), request_body = AgreementTerms,
    responses((status = 201, body = AgreementMade), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// A service agreement of the customer (or one of its properties); each included visit of its
/// first year becomes a job waiting to be scheduled.
pub async fn create_agreement(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: AgreementTerms = json(req, MAX_BODY)?;
    let a = account(state, &s, req).await?;
    let t = tenant(state, &s).await?;
    let (agreement, made) = portal_app::jobs::create_agreement(
        &act(state, &s, req),
        &t,
        &a.id,
        portal_domain::ids::AgreementId::generate(state.ids.as_ref()),
        body,
    )
    .await?;
    Ok(response::json(201, &AgreementMade { agreement, jobs: made.iter().map(row).collect() }))
}

/// One visit on the schedule.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ScheduleRow {
    pub account: String,
    pub customer: Option<String>,
    pub job: String,
    pub job_number: String,
    pub job_title: String,
    pub visit: String,
    pub status: VisitStatus,
    pub window: Window,
    pub time_zone: String,
    pub technicians: Vec<Crew>,
    pub address: Option<String>,
    /// A maps link to the address.
    pub maps_url: Option<String>,
    pub customer_notes: String,
    pub internal_notes: String,
    /// The job's scope of work.
    pub scope: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub eta: Option<jiff::Timestamp>,
    /// A request of the customer's waiting on it.
    pub pending_request: bool,
}

/// One day of the schedule.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ScheduleDay {
    #[schema(value_type = String, format = Date)]
    pub date: jiff::civil::Date,
    pub visits: Vec<ScheduleRow>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Schedule {
    pub days: Vec<ScheduleDay>,
}

/// A maps link for an address (opens the phone's maps app).
pub(crate) fn maps_url(address: &str) -> String {
    let mut q = String::new();
    for b in address.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => q.push(b as char),
            b' ' => q.push('+'),
            _ => q.push_str(&format!("%{b:02X}")),
        }
    }
    format!("https://www.google.com/maps/search/?api=1&query={q}")
}

pub(crate) fn schedule_row(j: &Job, v: &Visit, requests: &[RescheduleRequest], customer: Option<String>) -> ScheduleRow {
    let address = j.site.as_ref().map(|s| s.address.clone());
    ScheduleRow {
        account: j.account.to_string(),
        customer,
        job: j.id.to_string(),
        job_number: j.number.clone(),
        job_title: j.title.clone(),
        visit: v.id.to_string(),
        status: v.status,
        window: v.window,
        time_zone: j.time_zone.clone(),
        technicians: v.technicians.clone(),
        maps_url: address.as_deref().map(maps_url),
        address,
        customer_notes: v.customer_notes.clone(),
        internal_notes: v.internal_notes.clone(),
        scope: j.scope.clone(),
        eta: v.eta,
        pending_request: requests.iter().any(|r| r.visit == v.id && r.outcome.is_none()),
    }
}

/// The schedule's query.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read through `query_as`; the struct documents the parameters
pub struct ScheduleQuery {
    /// First day (today at the business when left out).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<jiff::civil::Date>,
    /// 1 to 14 days (7 when left out).
    #[param(minimum = 1, maximum = 14)]
    days: Option<u32>,
    /// Only this staff member's visits.
    technician: Option<StaffId>,
}

/// The most days one schedule request spans.
const MAX_DAYS: i64 = 14;

#[utoipa::path(get, path = "/api/admin/schedule", tag = "admin", security(("bearer" = [])),
    params(ScheduleQuery),
    responses((status = 200, body = Schedule), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
/// The schedule by day (one Query of the day index per day) or, for one technician, their
/// visits over the days (one Query of their index), with each visit's job.
pub async fn schedule_view(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let t = tenant(state, &s).await?;
    let from: jiff::civil::Date = query_as(req, "from")?.unwrap_or_else(|| t.today(req.now));
    let days = match query(req, "days") {
        None => 7,
        Some(d) => {
            d.parse::<i64>().ok().filter(|d| (1..=MAX_DAYS).contains(d)).ok_or_else(|| DomainError::invalid("days", "must be 1 to 14"))?
        }
    };
    let technician: Option<StaffId> = query_as(req, "technician")?;
    if s.may_manage().is_err() && technician.as_ref() != Some(&s.staff) {
        return Err(ApiError::Forbidden("Technicians see their own schedule."));
    }
    let zone = t.zone();
    let day_list: Vec<jiff::civil::Date> = (0..days).filter_map(|i| from.checked_add(jiff::Span::new().days(i)).ok()).collect();
    let mut out: Vec<ScheduleDay> = day_list.iter().map(|d| ScheduleDay { date: *d, visits: Vec::new() }).collect();
    let mut names = std::collections::HashMap::new();
    match technician {
        Some(staff) => {
            let (Some(first), Some(last)) = (day_list.first(), day_list.last()) else { return Ok(response::ok(&Schedule { days: out })) };
            let start = portal_domain::job::instant(*first, jiff::civil::Time::midnight(), &zone).map_err(ApiError::from)?;
            let end = portal_domain::job::instant(last.tomorrow().unwrap_or(*last), jiff::civil::Time::midnight(), &zone)
                .map_err(ApiError::from)?;
            for (a, j, v) in jobs::for_technician(state.table.as_ref(), &s.tenant, &staff, start, end).await? {
                let Some(b) = jobs::load(state.table.as_ref(), &s.tenant, &a, &j).await? else { continue };
                let Some(visit) = b.visit(&v) else { continue };
                let day = visit.window.start.to_zoned(b.job.zone()).date();
                let customer = name(state, &s, &a, &mut names).await?;
                if let Some(d) = out.iter_mut().find(|d| d.date == day) {
                    d.visits.push(schedule_row(&b.job, visit, &b.reschedules, customer));
                }
            }
        }
        None => {
            // A job's header is read once however many of its visits the week holds.
            let mut jobs_seen: std::collections::HashMap<(AccountId, JobId), Option<Job>> = std::collections::HashMap::new();
            for d in out.iter_mut() {
                for (a, v) in jobs::on_day(state.table.as_ref(), &s.tenant, d.date).await? {
                    let key = (a.clone(), v.job.clone());
                    if !jobs_seen.contains_key(&key) {
                        let j = jobs::get_job(state.table.as_ref(), &s.tenant, &a, &v.job).await?;
                        jobs_seen.insert(key.clone(), j);
                    }
                    let Some(Some(j)) = jobs_seen.get(&key) else { continue };
                    let customer = name(state, &s, &a, &mut names).await?;
                    d.visits.push(schedule_row(j, &v, &[], customer));
                }
            }
        }
    }
    Ok(response::ok(&Schedule { days: out }))
}

async fn name(
    state: &State,
    s: &StaffSession,
    a: &AccountId,
    names: &mut std::collections::HashMap<AccountId, Option<String>>,
) -> Result<Option<String>, ApiError> {
    if let Some(n) = names.get(a) {
        return Ok(n.clone());
    }
    let n = parties::get_account(state.table.as_ref(), &s.tenant, a).await?.map(|x| x.name);
    names.insert(a.clone(), n.clone());
    Ok(n)
}

fn equipment_path(req: &Call) -> Result<(PropertyId, portal_domain::ids::EquipmentId), ApiError> {
    Ok((path(req, "property", "property")?, path(req, "equipment", "equipment")?))
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/properties/{property}/equipment/{equipment}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("property" = String, Path, description = "Property id (prp_...)"),
           ("equipment" = String, Path, description = "Equipment id (eqp_...)")),
    request_body = EquipmentDetails,
    responses((status = 200, body = Equipment), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Changes a piece of equipment on record (audited with what it was).
pub async fn edit_equipment(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: EquipmentDetails = json(req, MAX_BODY)?;
    let a = account(state, &s, req).await?;
    let (p, e) = equipment_path(req)?;
    let t = tenant(state, &s).await?;
    let eq = portal_app::jobs::edit_equipment(&act(state, &s, req), &t, &a.id, &p, &e, body).await?;
    Ok(response::ok(&eq))
}

#[utoipa::path(delete, path = "/api/admin/customers/{account}/properties/{property}/equipment/{equipment}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("property" = String, Path, description = "Property id (prp_...)"),
           ("equipment" = String, Path, description = "Equipment id (eqp_...)")),
    responses((status = 200, body = Equipment), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// Takes a piece of equipment off the record (audited).
pub async fn remove_equipment(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let a = account(state, &s, req).await?;
    let (p, e) = equipment_path(req)?;
    let eq = portal_app::jobs::remove_equipment(&act(state, &s, req), &a.id, &p, &e).await?;
    Ok(response::ok(&eq))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/agreements/{agreement}/cancel", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("agreement" = String, Path, description = "Agreement id (agr_...)")),
    responses((status = 200, body = Agreement), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// Cancels a service agreement (its jobs stay for the office to keep or cancel).
pub async fn cancel_agreement(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let a = account(state, &s, req).await?;
    let g: portal_domain::ids::AgreementId = path(req, "agreement", "agreement")?;
    let agreement = portal_app::jobs::cancel_agreement(&act(state, &s, req), &a.id, &g).await?;
    Ok(response::ok(&agreement))
}
