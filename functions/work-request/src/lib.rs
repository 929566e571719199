//! work-request: customers ask for work and follow their requests; the office reads its
//! inbox and turns a request into an estimate or a job with a visit, or declines it.
//!
//! Asking is one read (the tenant, the contact and what the request names, in one batch) and
//! one transaction (the request, its audit entry and the office's notice); photos follow
//! through `upload-photo` slots on the request (`{"to": "request", "request": "req_..."}`).
use std::sync::Arc;

use lambda_http::{Body, Response};
use portal_app::files::FileView;
use portal_app::requests::{
    self, Asker, MergeLead, NewRequest, PhotoKey, PublicPhoto, PublicPhotoStatus, PublicReceipt, PublicRequest, RequestForm, ToEstimate,
    ToJob, WorkRequestView,
};
use portal_domain::ids::{AccountId, RequestId};
use portal_domain::party::ContactRole;
use portal_domain::ports::Blobs;
use portal_domain::request::{RequestDecline, RequestStatus, WorkRequest};
use portal_http::Call;
use portal_http::request::{MAX_BODY, json, path, query};
use portal_http::session::{CustomerSession, Scope, StaffSession};
use portal_http::{ApiError, response};
use portal_store::repo::requests::RequestBundle;
use portal_store::repo::{jobs, parties, requests as repo};

portal_http::base_state!("work-request", blobs: Arc<dyn Blobs> = blobs, "the Blobs port (BLOB_BUCKET)");

portal_http::http_function! {
    name: "work-request",
    routes: {
        "GET /api/public/{tenant}/request-form" => public_form,
        "POST /api/public/{tenant}/requests" => public_create,
        "POST /api/public/{tenant}/request-photos" => public_photo,
        "POST /api/public/{tenant}/request-photos/status" => public_photo_status,
        "GET /api/request-form" => form,
        "GET /api/requests" => list,
        "POST /api/requests" => create,
        "GET /api/requests/{request}" => one,
        "GET /api/admin/requests" => inbox,
        "GET /api/admin/customers/{account}/requests/{request}" => staff_one,
        "POST /api/admin/customers/{account}/requests/{request}/review" => review,
        "POST /api/admin/customers/{account}/requests/{request}/decline" => decline,
        "POST /api/admin/customers/{account}/requests/{request}/job" => to_job,
        "POST /api/admin/customers/{account}/requests/{request}/estimate" => to_estimate,
        "POST /api/admin/customers/{account}/requests/{request}/merge" => merge,
    },
}

/// The account's requests this contact sees, newest first.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestList {
    pub requests: Vec<WorkRequestView>,
}

/// A request as the office sees it: everything asked, the warranty check, every photo.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StaffRequestView {
    pub request: WorkRequest,
    /// The customer's account name.
    pub customer: String,
    /// The account is a lead from the public form, not a customer yet.
    pub lead: bool,
    pub photos: Vec<FileView>,
    /// Messages from the customer in its thread not read by the office.
    pub unread: u32,
}

/// A page of the office's inbox.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestInbox {
    pub requests: Vec<WorkRequest>,
    /// Pass as `cursor` for the next page.
    pub next: Option<String>,
}

/// What a request became.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestConverted {
    pub request: WorkRequest,
    #[schema(value_type = Option<String>)]
    pub job: Option<portal_domain::ids::JobId>,
    #[schema(value_type = Option<String>)]
    pub visit: Option<portal_domain::ids::VisitId>,
    #[schema(value_type = Option<String>)]
    pub estimate: Option<portal_domain::ids::EstimateId>,
}

/// What the public request form offers (no session: the business's public choices only).
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PublicForm {
    pub business: String,
    pub categories: Vec<String>,
    pub emergency_text: String,
    pub phone: Option<String>,
    pub working_hours: portal_domain::job::WorkingHours,
    pub time_zone: String,
}

async fn public_tenant(state: &State, req: &Call) -> Result<portal_domain::party::Tenant, ApiError> {
    let slug = lambda_http::RequestExt::path_parameters_ref(&**req).and_then(|p| p.first("tenant").map(str::to_string)).unwrap_or_default();
    if slug.is_empty() || slug.len() > 63 || !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(ApiError::NotFound("business"));
    }
    parties::find_tenant_by_slug(state.table.as_ref(), &slug).await?.ok_or(ApiError::NotFound("business"))
}

#[utoipa::path(get, path = "/api/public/{tenant}/request-form", tag = "requests",
    params(("tenant" = String, Path, description = "The business's short name (`bright-spark`)")),
    responses((status = 200, body = PublicForm), (status = 404, body = portal_http::error::ErrorBody)))]
/// The public request form's choices: categories, emergency text and phone, working hours.
pub async fn public_form(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let t = public_tenant(state, req).await?;
    Ok(response::ok(&PublicForm {
        business: t.name.clone(),
        categories: t.requests.categories.clone(),
        emergency_text: t.requests.emergency_text.clone(),
        phone: t.support_phone.as_ref().map(portal_domain::party::Phone::display),
        working_hours: t.working_hours.clone(),
        time_zone: t.time_zone.clone(),
    }))
}

#[utoipa::path(post, path = "/api/public/{tenant}/requests", tag = "requests", request_body = PublicRequest,
    params(("tenant" = String, Path, description = "The business's short name (`bright-spark`)")),
    responses((status = 202, body = PublicReceipt, description = "The same answer for everyone: known customer or not"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody),
              (status = 429, body = portal_http::error::ErrorBody, description = "Too many requests from this address (5 an hour) or for this street address (3 a day)")))]
/// Someone without an account asks for work: a new lead for the office, one read (the
/// business) and one transaction. It never says whether they are already a customer.
pub async fn public_create(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: PublicRequest = json(req, REQUEST_BODY)?;
    let t = public_tenant(state, req).await?;
    if requests::robot(&body) {
        tracing::info!(tenant = %t.id, "public request form turned away (hidden field or too fast)");
        return Ok(response::json(202, &requests::receipt(&t, &PhotoKey::unused(state.ids.as_ref()))));
    }
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &t.id, portal_domain::audit::Actor::System);
    let key = requests::submit_public(&act, &t, &body, &req.origin.ip).await?;
    Ok(response::json(202, &requests::receipt(&t, &key)))
}

#[utoipa::path(post, path = "/api/public/{tenant}/request-photos", tag = "requests", request_body = PublicPhoto,
    params(("tenant" = String, Path, description = "The business's short name (`bright-spark`)")),
    responses((status = 200, body = portal_app::files::Slot, description = "Send the photo with `method` to `url` with `headers`"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "the key's hour is over, or the contractor's storage is full"),
              (status = 422, body = portal_http::error::ErrorBody),
              (status = 429, body = portal_http::error::ErrorBody, description = "the form's six photos are added")))]
/// The page of the public form adds a photo to the request it just made, with the key the
/// form answered, for an hour: the business by its name, then the one read and one
/// transaction of any slot.
pub async fn public_photo(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: PublicPhoto = json(req, MAX_BODY)?;
    let t = public_tenant(state, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &t.id, portal_domain::audit::Actor::System);
    Ok(response::ok(&requests::lead_slot(&act, state.blobs.as_ref(), &body).await?))
}

#[utoipa::path(post, path = "/api/public/{tenant}/request-photos/status", tag = "requests", request_body = PublicPhotoStatus,
    params(("tenant" = String, Path, description = "The business's short name (`bright-spark`)")),
    responses((status = 200, body = portal_app::files::UploadStatus), (status = 400, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// How a photo the public form's page sent is going (the key in the body, not the address,
/// so no log holds it).
pub async fn public_photo_status(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: PublicPhotoStatus = json(req, MAX_BODY)?;
    let t = public_tenant(state, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &t.id, portal_domain::audit::Actor::System);
    Ok(response::ok(&requests::lead_upload(&act, state.blobs.as_ref(), &body).await?))
}

/// A request's body: a 4,000-character description of 4-byte characters alone is 16 KB.
const REQUEST_BODY: usize = 64 * 1024;

fn customer(state: &State, req: &Call) -> Result<CustomerSession, ApiError> {
    let s = req.customer(&state.verifier)?;
    s.needs_account()?;
    Ok(s)
}

/// The request the path names, as this session may see it (404 otherwise).
async fn load(state: &State, s: &CustomerSession, req: &Call) -> Result<RequestBundle, ApiError> {
    let id: RequestId = path(req, "request", "request")?;
    repo::load(state.table.as_ref(), &s.tenant, &s.account, &id)
        .await?
        .filter(|b| requests::customer_sees(&b.request, s.properties.as_deref(), &s.contact))
        .ok_or(ApiError::NotFound("request"))
}

#[utoipa::path(get, path = "/api/request-form", tag = "requests", security(("bearer" = [])),
    responses((status = 200, body = RequestForm), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// What the Request work page offers: the contractor's categories, emergency text and
/// phone, working hours, and this contact's properties, completed jobs and equipment.
pub async fn form(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = customer(state, req)?;
    let t = portal_app::contractors::tenant(state.table.as_ref(), &s.tenant).await?;
    let work = jobs::account_work(state.table.as_ref(), &s.tenant, &s.account, true).await?;
    let me = parties::get_contact(state.table.as_ref(), &s.tenant, &s.account, &s.contact).await?;
    Ok(response::ok(&requests::form(&t, &work, s.properties.as_deref(), me.as_ref())))
}

#[utoipa::path(get, path = "/api/requests", tag = "requests", security(("bearer" = [])),
    responses((status = 200, body = RequestList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// The account's requests, newest first (one Query of the customer's partition).
pub async fn list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = customer(state, req)?;
    let work = jobs::account_work(state.table.as_ref(), &s.tenant, &s.account, false).await?;
    let mut out = Vec::new();
    for b in work.requests.iter().rev().filter(|b| requests::customer_sees(&b.request, s.properties.as_deref(), &s.contact)) {
        out.push(requests::view(state.blobs.as_ref(), b, s.contact.as_str(), req.now).await?);
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    Ok(response::ok(&RequestList { requests: out }))
}

#[utoipa::path(get, path = "/api/requests/{request}", tag = "requests", security(("bearer" = [])),
    params(("request" = String, Path, description = "Request id (req_...)")),
    responses((status = 200, body = WorkRequestView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// One request with its status, history and photos (one Query).
pub async fn one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = customer(state, req)?;
    let b = load(state, &s, req).await?;
    let mut view = requests::view(state.blobs.as_ref(), &b, s.contact.as_str(), req.now).await?;
    if s.shows(portal_domain::party::Section::Estimates).is_ok() {
        let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
        view.estimate = requests::estimate_of(&act, &b.request, |e| s.can_see(e)).await?;
    }
    Ok(response::ok(&view))
}

#[utoipa::path(post, path = "/api/requests", tag = "requests", security(("bearer" = [])), request_body = NewRequest,
    responses((status = 201, body = WorkRequestView, description = "Asked: add its photos with upload slots on the request"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// Asks for work: one read and one transaction.
pub async fn create(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: NewRequest = json(req, REQUEST_BODY)?;
    let s = customer(state, req)?;
    if s.scope == Scope::ReadOnly {
        return Err(ApiError::Forbidden("This is a read-only view of the customer's portal."));
    }
    if s.role == ContactRole::Viewer {
        return Err(ApiError::Forbidden("Viewers on this account can look but not ask for work. Ask an approver, or call the office."));
    }
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let asker = Asker { contact: &s.contact, name: &s.name, properties: s.properties.as_deref() };
    let id = requests::request_id(state.ids.as_ref(), &s.tenant, &s.contact, body.key.as_deref())?;
    let r = requests::submit(&act, &s.account, &asker, &body, id).await?;
    let b = RequestBundle { request: r, files: Vec::new(), thread: None };
    Ok(response::json(201, &requests::view(state.blobs.as_ref(), &b, s.contact.as_str(), req.now).await?))
}

fn office(state: &State, req: &Call) -> Result<StaffSession, ApiError> {
    let s = req.staff(&state.verifier)?;
    s.may_manage()?;
    Ok(s)
}

async fn staff_load(state: &State, s: &StaffSession, req: &Call) -> Result<RequestBundle, ApiError> {
    let account: AccountId = path(req, "account", "customer")?;
    let id: RequestId = path(req, "request", "request")?;
    repo::load(state.table.as_ref(), &s.tenant, &account, &id).await?.ok_or(ApiError::NotFound("request"))
}

#[utoipa::path(get, path = "/api/admin/requests", tag = "admin", security(("bearer" = [])),
    params(("status" = Option<String>, Query, description = "Only requests in this status; left out: the open ones (received or in review), urgent first",
              pattern = "^(received|in_review|estimate|scheduled|declined)$"),
           ("urgent" = Option<bool>, Query, description = "Only the urgent ones"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = RequestInbox), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody)))]
/// The office's requests inbox (one Query of an index per page).
pub async fn inbox(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = office(state, req)?;
    let (limit, cursor) = portal_http::request::paging(req)?;
    let status = query(req, "status").map(|v| v.parse::<RequestStatus>()).transpose()?;
    let urgent = match query(req, "urgent").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(portal_domain::DomainError::invalid("urgent", "true or false").into()),
    };
    let (requests, next) = repo::inbox(state.table.as_ref(), &s.tenant, status, urgent, limit, cursor).await?;
    Ok(response::ok(&RequestInbox { requests, next: next.map(|c| c.0) }))
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/requests/{request}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("request" = String, Path, description = "Request id (req_...)")),
    responses((status = 200, body = StaffRequestView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// One request with every photo (internal ones too) and the warranty check.
pub async fn staff_one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = office(state, req)?;
    let b = staff_load(state, &s, req).await?;
    let account = parties::get_account(state.table.as_ref(), &s.tenant, &b.request.account).await?;
    let (customer, lead) = account.map_or((String::new(), false), |a| (a.name, a.lead));
    let photos = portal_app::files::views(state.blobs.as_ref(), &b.files, |_| true, req.now).await?;
    let unread = b.thread.as_ref().map_or(0, |t| t.unread(portal_domain::message::Side::Staff));
    Ok(response::ok(&StaffRequestView { request: b.request, customer, lead, photos, unread }))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/requests/{request}/review", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("request" = String, Path, description = "Request id (req_...)")),
    responses((status = 200, body = WorkRequest, description = "In review (the customer sees it); already so: unchanged"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody)))]
/// The office starts on a request: the customer sees "In review" and is told.
pub async fn review(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = office(state, req)?;
    let b = staff_load(state, &s, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    Ok(response::ok(&requests::review(&act, &b.request).await?))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/requests/{request}/decline", tag = "admin", security(("bearer" = [])), request_body = RequestDecline,
    params(("account" = String, Path, description = "Account id (acc_...)"), ("request" = String, Path, description = "Request id (req_...)")),
    responses((status = 200, body = WorkRequest), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// Declines a request with a message the customer reads (and is sent).
pub async fn decline(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: RequestDecline = json(req, MAX_BODY)?;
    let s = office(state, req)?;
    let b = staff_load(state, &s, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    Ok(response::ok(&requests::decline(&act, &b.request, &body.message).await?))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/requests/{request}/job", tag = "admin", security(("bearer" = [])), request_body = ToJob,
    params(("account" = String, Path, description = "Account id (acc_...)"), ("request" = String, Path, description = "Request id (req_...)")),
    responses((status = 201, body = RequestConverted, description = "A job with its first visit; the customer is sent the booking"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Makes a job with a visit from the request (the property made from its address when the
/// office had it to confirm), in one transaction.
pub async fn to_job(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: ToJob = json(req, MAX_BODY)?;
    let s = office(state, req)?;
    let b = staff_load(state, &s, req).await?;
    let t = portal_app::contractors::tenant(state.table.as_ref(), &s.tenant).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let (request, job, visit) = requests::to_job(&act, &t, &b.request, &body).await?;
    Ok(response::json(201, &RequestConverted { request, job: Some(job.id), visit: Some(visit.id), estimate: None }))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/requests/{request}/estimate", tag = "admin", security(("bearer" = [])), request_body = ToEstimate,
    params(("account" = String, Path, description = "Account id (acc_...)"), ("request" = String, Path, description = "Request id (req_...)")),
    responses((status = 201, body = RequestConverted, description = "A draft estimate with the request's description as its scope"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Makes a draft estimate from the request (its description as the scope, its photos copied
/// to the estimate, at its property); the customer sees "Estimate on its way".
pub async fn to_estimate(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: ToEstimate = json(req, MAX_BODY)?;
    let s = office(state, req)?;
    let b = staff_load(state, &s, req).await?;
    let t = portal_app::contractors::tenant(state.table.as_ref(), &s.tenant).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let (request, e) = requests::to_estimate(&act, state.blobs.as_ref(), &t, &b, &body).await?;
    Ok(response::json(201, &RequestConverted { request, job: None, visit: None, estimate: Some(e.id) }))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/requests/{request}/merge", tag = "admin", security(("bearer" = [])), request_body = MergeLead,
    params(("account" = String, Path, description = "The lead's account id (acc_...)"), ("request" = String, Path, description = "Request id (req_...)")),
    responses((status = 200, body = WorkRequest, description = "The request, now the customer's; the lead is gone"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody), (status = 422, body = portal_http::error::ErrorBody)))]
/// Merges a lead (a request from the public form) into an existing customer.
pub async fn merge(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: MergeLead = json(req, MAX_BODY)?;
    let s = office(state, req)?;
    let b = staff_load(state, &s, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    Ok(response::ok(&requests::merge(&act, &b, &body.into).await?))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    public_form,
    public_create,
    public_photo,
    public_photo_status,
    form,
    list,
    one,
    create,
    inbox,
    staff_one,
    review,
    decline,
    to_job,
    to_estimate,
    merge
))]
pub struct Api;
