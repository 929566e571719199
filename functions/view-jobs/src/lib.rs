//! view-jobs: what the customer sees of the work: the dashboard (estimates waiting, what is
//! owed, the next visit and jobs under way), their jobs with the next visit, one job with its
//! visits, documents and timeline, a visit's calendar file, and their properties with their
//! service history, equipment and agreements.
//!
//! Reads only. The dashboard and the job page are one Query each of the customer's partition
//! (its estimates, invoices, jobs and their visits sort together); the properties page is one
//! Query too, over a wider range. A contact limited to some properties sees only theirs; a
//! link to one document reaches none of this.

use lambda_http::{Body, Response};
use portal_domain::estimate::EstimateStatus;
use portal_domain::estimate::view::EstimateSummary;
use portal_domain::ids::{JobId, VisitId};
use portal_domain::invoice::view::InvoiceSummary;
use portal_domain::job::assets::{Agreement, AgreementStatus, Equipment};
use portal_domain::job::view::{JobSummary, JobView, VisitView, next_visit};
use portal_domain::job::{JobStatus, VisitStatus};
use portal_domain::party::{Property, Section};
use portal_http::Call;
use portal_http::request::path;
use portal_http::session::{Balances, CustomerSession};
use portal_http::{ApiError, response};
use portal_store::repo::jobs::{self, JobBundle};
use portal_store::repo::parties;

portal_http::base_state!("view-jobs");

portal_http::http_function! {
    name: "view-jobs",
    routes: {
        "GET /api/home" => home,
        "GET /api/jobs" => list,
        "GET /api/jobs/{job}" => one,
        "GET /api/jobs/{job}/visits/{visit}/calendar" => calendar,
        "GET /api/properties" => properties,
    },
}

/// Whether the session may confirm visits and ask to move or cancel them: signed in to the
/// whole account as a contact who is not a viewer (not staff viewing as the customer).
pub fn acts_on_visits(session: &CustomerSession) -> bool {
    session.scope == portal_http::session::Scope::Portal && session.role != portal_domain::party::ContactRole::Viewer
}

/// Whether the session sees this job: the whole account, at an allowed property.
fn visible(session: &CustomerSession, b: &JobBundle) -> bool {
    session.sees_account() && session.at_property(b.job.property.as_ref())
}

/// The dashboard: one Query of the customer's partition.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Home {
    /// Estimates waiting for a decision (sent or viewed), newest first; empty when the
    /// contractor hides estimates.
    pub waiting: Vec<EstimateSummary>,
    /// What is owed; nothing when the contractor hides invoices.
    #[serde(flatten)]
    pub balances: Balances,
    /// The visit coming next across every job (one under way first), with its job.
    pub next_visit: Option<JobSummary>,
    /// Jobs not yet completed or cancelled, newest first (each with its next visit).
    pub open_jobs: Vec<JobSummary>,
}

#[utoipa::path(get, path = "/api/home", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = Home), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// Everything the dashboard shows, in one Query.
pub async fn home(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.needs_account()?;
    let now = req.now;
    let work = jobs::account_work(state.table.as_ref(), &session.tenant, &session.account, false).await?;
    let waiting = if session.shows(Section::Estimates).is_ok() {
        let mut w: Vec<_> = work
            .estimates
            .iter()
            .filter(|e| session.can_see(e))
            .filter(|e| matches!(e.effective_status(now), EstimateStatus::Sent | EstimateStatus::Viewed))
            .collect();
        w.sort_by_key(|e| std::cmp::Reverse(e.sent_at));
        w.into_iter().map(|e| EstimateSummary::of(e, now)).collect()
    } else {
        Vec::new()
    };
    let balances = if session.shows(Section::Invoices).is_ok() {
        session.balances(&work.invoices)?
    } else {
        Balances { balance_due: Vec::new(), processing: Vec::new(), pay_balance: None }
    };
    let shown: Vec<&JobBundle> = work.jobs.iter().filter(|b| visible(&session, b)).collect();
    let acts = acts_on_visits(&session);
    let summary = |b: &JobBundle| {
        let mut s = JobSummary::of(&b.job, &b.visits, &b.reschedules, now);
        if !acts {
            s.read_only();
        }
        s
    };
    let next = shown
        .iter()
        .filter(|b| !b.job.status.is_closed())
        .filter_map(|b| next_visit(&b.visits, now).map(|v| (b, v)))
        .min_by_key(|(_, v)| (!matches!(v.status, VisitStatus::OnTheWay | VisitStatus::Arrived), v.window.start))
        .map(|(b, _)| summary(b));
    let open_jobs = shown.iter().filter(|b| !b.job.status.is_closed()).map(|b| summary(b)).collect();
    Ok(response::ok(&Home { waiting, balances, next_visit: next, open_jobs }))
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobList {
    /// Open jobs first (newest first), then completed and cancelled ones.
    pub jobs: Vec<JobSummary>,
}

#[utoipa::path(get, path = "/api/jobs", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = JobList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The account's jobs with their next visit.
pub async fn list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.needs_account()?;
    let work = jobs::account_work(state.table.as_ref(), &session.tenant, &session.account, false).await?;
    let mut shown: Vec<&JobBundle> = work.jobs.iter().filter(|b| visible(&session, b)).collect();
    shown.sort_by_key(|b| (b.job.status.is_closed(), std::cmp::Reverse(b.job.created_at)));
    let acts = acts_on_visits(&session);
    let jobs = shown
        .iter()
        .map(|b| {
            let mut s = JobSummary::of(&b.job, &b.visits, &b.reschedules, req.now);
            if !acts {
                s.read_only();
            }
            s
        })
        .collect();
    Ok(response::ok(&JobList { jobs }))
}

async fn load(state: &State, session: &CustomerSession, req: &Call) -> Result<JobBundle, ApiError> {
    session.needs_account()?;
    let id: JobId = path(req, "job", "job")?;
    jobs::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| visible(session, b))
        .ok_or(ApiError::NotFound("job"))
}

#[utoipa::path(get, path = "/api/jobs/{job}", tag = "jobs", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id (job_...)")),
    responses((status = 200, body = JobView), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// One job with its visits, linked documents, equipment installed and timeline (one Query).
pub async fn one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    let b = load(state, &session, req).await?;
    let mut view = JobView::of(&b.job, &b.visits, &b.reschedules, &b.invoices, req.now);
    if !acts_on_visits(&session) {
        view.summary.read_only();
        view.visits.iter_mut().for_each(VisitView::read_only);
    }
    if session.shows(Section::Invoices).is_err() {
        view.invoices.clear();
        view.timeline.retain(|e| !e.kind.starts_with("invoice_"));
    }
    if session.shows(Section::Estimates).is_err() {
        view.estimates.clear();
    }
    Ok(response::ok(&view))
}

#[utoipa::path(get, path = "/api/jobs/{job}/visits/{visit}/calendar", tag = "jobs", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id (job_...)"), ("visit" = String, Path, description = "Visit id (vis_...)")),
    responses((status = 200, description = "The visit as an iCalendar event (RFC 5545)", content_type = "text/calendar", body = String),
              (status = 401, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// A visit's calendar file: the same UID every time, SEQUENCE raised when it moves, so the
/// calendar updates the event instead of adding another.
pub async fn calendar(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    let b = load(state, &session, req).await?;
    let visit: VisitId = path(req, "visit", "visit")?;
    let v = b.visit(&visit).ok_or(ApiError::NotFound("visit"))?;
    let tenant = parties::get_tenant(state.table.as_ref(), &session.tenant).await?.ok_or(ApiError::NotFound("contractor"))?;
    let file = portal_app::notify::jobs::calendar_file(&tenant, &b.job, v, req.now);
    let name = format!("visit-{}.ics", b.job.number.to_ascii_lowercase());
    Ok(response::download("text/calendar; charset=utf-8", &name, file))
}

/// One property with what happened there.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PropertyHistory {
    pub property: Property,
    /// Jobs there, open first then past (newest first), with dates, technicians and
    /// completion notes on their visits.
    pub jobs: Vec<PastJob>,
    pub equipment: Vec<Equipment>,
    pub estimates: Vec<EstimateSummary>,
    pub invoices: Vec<InvoiceSummary>,
    pub agreements: Vec<AgreementView>,
}

/// A job in a property's history.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PastJob {
    #[serde(flatten)]
    pub summary: JobSummary,
    /// Its visits finished (with technician and completion notes).
    pub visits: Vec<VisitView>,
}

/// An agreement as the customer sees it: its status today.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AgreementView {
    #[serde(flatten)]
    pub agreement: Agreement,
    pub status_today: AgreementStatus,
    /// Its included visits this term that are done.
    pub visits_done: usize,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PropertyList {
    pub properties: Vec<PropertyHistory>,
    /// Agreements that cover the whole account rather than one property.
    pub agreements: Vec<AgreementView>,
}

#[utoipa::path(get, path = "/api/properties", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = PropertyList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The account's properties (those the contact may see) with their service history,
/// equipment and warranties, estimates, invoices and agreements (one Query).
pub async fn properties(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.needs_account()?;
    let now = req.now;
    let work = jobs::account_work(state.table.as_ref(), &session.tenant, &session.account, true).await?;
    let agreement_view = |g: &Agreement| AgreementView {
        agreement: g.clone(),
        status_today: g.status_at(now),
        visits_done: work
            .jobs
            .iter()
            .filter(|b| b.job.agreement.as_ref() == Some(&g.id) && b.job.status == JobStatus::Completed)
            .filter(|b| b.job.completed_at.is_some_and(|c| c.to_zoned(b.job.zone()).date() >= g.starts_on))
            .count(),
    };
    let shows_estimates = session.shows(Section::Estimates).is_ok();
    let shows_invoices = session.shows(Section::Invoices).is_ok();
    let mut out = Vec::new();
    for p in work.properties.iter().filter(|p| session.at_property(Some(&p.id))) {
        let mut here: Vec<&JobBundle> = work.jobs.iter().filter(|b| b.job.property.as_ref() == Some(&p.id)).collect();
        here.sort_by_key(|b| (b.job.status.is_closed(), std::cmp::Reverse(b.job.created_at)));
        let jobs = here
            .iter()
            .map(|b| PastJob {
                summary: JobSummary::of(&b.job, &b.visits, &b.reschedules, now),
                visits: b
                    .visits
                    .iter()
                    .filter(|v| v.status == VisitStatus::Completed)
                    .map(|v| VisitView::of(&b.job, v, &b.reschedules, now))
                    .collect(),
            })
            .collect();
        let mut equipment: Vec<Equipment> = work.equipment.iter().filter(|e| e.property == p.id).cloned().collect();
        equipment.sort_by_key(|e| std::cmp::Reverse(e.installed_on));
        let estimates = if shows_estimates {
            work.estimates
                .iter()
                .filter(|e| e.property.as_ref() == Some(&p.id) && e.status != EstimateStatus::Draft && session.can_see(e))
                .map(|e| EstimateSummary::of(e, now))
                .collect()
        } else {
            Vec::new()
        };
        let invoices = if shows_invoices {
            work.invoices
                .iter()
                .filter(|i| i.property.as_ref() == Some(&p.id) && session.can_see_invoice(i))
                .map(|i| InvoiceSummary::of(i, now))
                .collect()
        } else {
            Vec::new()
        };
        let agreements = work.agreements.iter().filter(|g| g.property.as_ref() == Some(&p.id)).map(agreement_view).collect();
        out.push(PropertyHistory { property: p.clone(), jobs, equipment, estimates, invoices, agreements });
    }
    // Agreements of the whole account name no property: not for a contact limited to some.
    let agreements = work.agreements.iter().filter(|g| g.property.is_none() && session.at_property(None)).map(agreement_view).collect();
    Ok(response::ok(&PropertyList { properties: out, agreements }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(home, list, one, calendar, properties))]
pub struct Api;
