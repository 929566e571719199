//! view-jobs: what the customer sees of the work: the dashboard (estimates waiting, what is
//! owed, the next visit and jobs under way), their jobs with the next visit, one job with its
//! visits, documents and timeline, a visit's calendar file, and their properties with their
//! service history, equipment and agreements.
//!
//! Reads only. The dashboard and the job page are one Query each of the customer's partition
//! (its estimates, invoices, jobs and their visits sort together); the properties page is one
//! Query too, over a wider range. A contact limited to some properties sees only theirs; a
//! link to one document reaches none of this.
//!
//! Photos and documents are read here too: the job page's gallery, the Pictures page and each
//! property's documents come with the same Queries (files sort under what they are attached
//! to). Only shared files reach a customer, as short-lived S3 presigned GET addresses (signed
//! by this function, so no bucket is public): the same address for a whole hour, so a
//! photo seen twice in that hour comes from the browser's cache. Presigned S3 addresses
//! rather than CloudFront signed URLs: no key pair to create, rotate and keep in a secret,
//! and the files stay on the bucket's own origin, apart from the portal's.

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
use std::sync::Arc;

use portal_app::files::FileView;
use portal_domain::file::{FileKind, StoredFile};
use portal_domain::ports::Blobs;

portal_http::base_state!("view-jobs", blobs: Arc<dyn Blobs> = blobs, "the Blobs port (BLOB_BUCKET)");

portal_http::http_function! {
    name: "view-jobs",
    routes: {
        "GET /api/home" => home,
        "GET /api/jobs" => list,
        "GET /api/jobs/{job}" => one,
        "GET /api/jobs/{job}/visits/{visit}/calendar" => calendar,
        "GET /api/properties" => properties,
        "GET /api/photos" => photos,
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
    /// Messages from the office not yet read, over the threads this contact sees.
    pub unread_messages: u32,
    /// Jobs completed in the last 14 days and not rated yet, newest first: the dashboard
    /// asks how it went (Rate us).
    pub to_rate: Vec<ToRate>,
    /// Work requests still under way (received, in review, an estimate on its way), newest
    /// first.
    pub open_requests: Vec<portal_app::requests::OpenRequest>,
}

/// A completed job waiting for its rating.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ToRate {
    #[schema(value_type = String)]
    pub job: JobId,
    pub number: String,
    pub title: String,
}

/// How long after a job is completed the dashboard asks for its rating.
const ASK_TO_RATE_DAYS: i64 = 14;

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
    let unread_messages = work
        .threads
        .iter()
        .filter(|th| portal_app::messages::customer_sees(session.properties.as_deref(), th.property.as_ref(), &th.about))
        .map(|th| th.customer_unread)
        .sum();
    let since = now.checked_sub(jiff::SignedDuration::from_hours(24 * ASK_TO_RATE_DAYS)).unwrap_or(now);
    let mut done: Vec<&&JobBundle> = shown
        .iter()
        .filter(|b| b.job.status == JobStatus::Completed && b.rating.is_none() && b.job.completed_at.is_some_and(|at| at >= since))
        .collect();
    done.sort_by_key(|b| std::cmp::Reverse(b.job.completed_at));
    // Only where the contact may rate (not a viewer, not staff viewing as the customer).
    let rates = acts && session.role != portal_domain::party::ContactRole::Viewer;
    let to_rate = if rates {
        done.iter().map(|b| ToRate { job: b.job.id.clone(), number: b.job.number.clone(), title: b.job.title.clone() }).collect()
    } else {
        Vec::new()
    };
    let drafting = |id: &portal_domain::ids::EstimateId| work.estimates.iter().any(|e| &e.id == id && e.status == EstimateStatus::Draft);
    let open_requests = portal_app::requests::open_for(&work.requests, session.properties.as_deref(), &session.contact, drafting);
    Ok(response::ok(&Home { waiting, balances, next_visit: next, open_jobs, unread_messages, to_rate, open_requests }))
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

/// The files of `files` this customer sees, as pages show them (signed addresses).
async fn customer_files(
    state: &State,
    session: &CustomerSession,
    files: &[&StoredFile],
    now: jiff::Timestamp,
) -> Result<Vec<FileView>, ApiError> {
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.customer_sees(session.properties.as_deref())) {
        let mine = !f.by.staff && f.by.id == session.contact.as_str() && acts_on_visits(session);
        out.push(portal_app::files::view(state.blobs.as_ref(), f, mine, now).await?);
    }
    Ok(out)
}

/// One job as its page shows it: the job, and its photos and documents.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JobDetail {
    #[serde(flatten)]
    pub job: JobView,
    /// Photos and documents of the job and its visits that the customer sees, oldest first.
    pub files: Vec<FileView>,
    /// The job's thread with the office (empty before its first message).
    pub thread: portal_app::messages::ThreadPage,
}

#[utoipa::path(get, path = "/api/jobs/{job}", tag = "jobs", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id (job_...)")),
    responses((status = 200, body = JobDetail), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// One job with its visits, linked documents, equipment installed, photos and timeline (one
/// Query).
pub async fn one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    let b = load(state, &session, req).await?;
    let mut view = JobView::of(&b.job, &b.visits, &b.reschedules, &b.invoices, req.now);
    let shown: Vec<&StoredFile> = b.files.iter().filter(|f| f.customer_sees(session.properties.as_deref())).collect();
    portal_domain::job::view::add_files(&mut view.timeline, &shown);
    let files = customer_files(state, &session, &shown, req.now).await?;
    let reader = portal_app::messages::Reader::Customer { me: session.contact.as_str(), properties: session.properties.as_deref() };
    let th = b.thread.clone().unwrap_or_else(|| portal_app::messages::empty(&session.tenant, &session.account, "", Some(&b.job), req.now));
    let thread = portal_app::messages::page(state.blobs.as_ref(), &th, &b.messages, &b.files, reader, req.now).await?;
    let said: Vec<&portal_domain::message::Message> = b.messages.iter().filter(|m| m.hidden.is_none()).collect();
    portal_domain::job::view::add_messages(&mut view.timeline, &said);
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
    Ok(response::ok(&JobDetail { job: view, files, thread }))
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
    let tenant = portal_app::contractors::tenant(state.table.as_ref(), &session.tenant).await?;
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
    /// Documents of the property and of its jobs, estimates and invoices (permits,
    /// warranties, manuals, panel labels), newest first: downloads only.
    pub documents: Vec<FileView>,
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
        let mut docs: Vec<&StoredFile> = all_files(&work)
            .filter(|f| f.kind() == FileKind::Document && f.property.as_ref() == Some(&p.id))
            .filter(|f| attached_visible(&session, &work, f))
            .collect();
        docs.sort_by_key(|f| std::cmp::Reverse(f.created_at));
        let documents = customer_files(state, &session, &docs, now).await?;
        out.push(PropertyHistory { property: p.clone(), jobs, equipment, estimates, invoices, agreements, documents });
    }
    // Agreements of the whole account name no property: not for a contact limited to some.
    let agreements = work.agreements.iter().filter(|g| g.property.is_none() && session.at_property(None)).map(agreement_view).collect();
    Ok(response::ok(&PropertyList { properties: out, agreements }))
}

/// Every file of an account's work: its jobs' and the rest (properties, estimates, invoices).
fn all_files(work: &jobs::AccountWork) -> impl Iterator<Item = &StoredFile> {
    work.jobs.iter().flat_map(|b| b.files.iter()).chain(work.files.iter())
}

/// Whether what a file is attached to is one this customer sees (the job, estimate or invoice
/// itself; a property is checked by the file's own property).
fn attached_visible(session: &CustomerSession, work: &jobs::AccountWork, f: &StoredFile) -> bool {
    use portal_domain::file::Attached;
    match &f.attached {
        Attached::Job { job } | Attached::Visit { job, .. } => work.jobs.iter().any(|b| &b.job.id == job && visible(session, b)),
        Attached::Property { .. } | Attached::Messages => true,
        // Shown on the request's own page.
        Attached::Request { .. } => false,
        Attached::Estimate { estimate } => {
            session.shows(Section::Estimates).is_ok()
                && work.estimates.iter().any(|e| &e.id == estimate && e.status != EstimateStatus::Draft && session.can_see(e))
        }
        Attached::Invoice { invoice } => {
            session.shows(Section::Invoices).is_ok() && work.invoices.iter().any(|i| &i.id == invoice && session.can_see_invoice(i))
        }
    }
}

/// Photos of one job (or of a property, for those attached to none).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PhotoGroup {
    /// The job's id, number and title (none for photos of a property).
    pub job: Option<portal_domain::job::view::LinkedDoc>,
    pub title: String,
    /// The property's label and address.
    pub place: Option<String>,
    /// Oldest first; each says its visit and its before / during / after tag.
    pub photos: Vec<FileView>,
}

/// Every shared photo of the account, grouped by job, newest job first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Pictures {
    pub groups: Vec<PhotoGroup>,
}

#[utoipa::path(get, path = "/api/photos", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = Pictures), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The Pictures page: every photo of the account the customer sees, grouped by job (one
/// Query).
pub async fn photos(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.needs_account()?;
    let work = jobs::account_work(state.table.as_ref(), &session.tenant, &session.account, true).await?;
    let place = |p: Option<&portal_domain::ids::PropertyId>| {
        p.and_then(|p| work.properties.iter().find(|x| &x.id == p)).map(|x| format!("{} · {}", x.label, x.one_line()))
    };
    let photo = |f: &&StoredFile| f.kind() == FileKind::Photo && attached_visible(&session, &work, f);
    let mut groups = Vec::new();
    for b in work.jobs.iter().filter(|b| visible(&session, b)) {
        let shown: Vec<&StoredFile> = b.files.iter().filter(photo).collect();
        let photos = customer_files(state, &session, &shown, req.now).await?;
        if !photos.is_empty() {
            groups.push(PhotoGroup {
                job: Some(portal_domain::job::view::LinkedDoc { id: b.job.id.to_string(), number: b.job.number.clone() }),
                title: b.job.title.clone(),
                place: place(b.job.property.as_ref()),
                photos,
            });
        }
    }
    let mut others: Vec<&StoredFile> = work.files.iter().filter(photo).collect();
    others.sort_by_key(|f| f.created_at);
    let photos = customer_files(state, &session, &others, req.now).await?;
    if !photos.is_empty() {
        groups.push(PhotoGroup { job: None, title: "Other photos".into(), place: None, photos });
    }
    Ok(response::ok(&Pictures { groups }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(home, list, one, calendar, properties, photos))]
pub struct Api;
