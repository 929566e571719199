//! Estimates: built, edited as drafts, sent, sent again, revised, voided, and the estimates
//! of every customer by status.
use lambda_http::{Body, Response};
use portal_domain::estimate::view::{EstimateSummary, EstimateView, Evidence};
use portal_domain::estimate::{Estimate, EstimateStatus, Totals, VersionContent, totals};
use portal_domain::ids::{EstimateId, PropertyId};
use portal_http::request::{MAX_BODY, json, json_or_default, path, query_as};
use portal_http::session::StaffSession;
use portal_http::{ApiError, Call, response};
use portal_store::repo::estimates::{self, EstimateBundle};

use crate::State;
use crate::common::{Paged, account, act, customer_names, paging, session, tenant};

/// Estimate bodies carry every line and option.
pub(crate) const MAX_ESTIMATE_BODY: usize = 256 * 1024;

/// An estimate as the office sees it: what the customer sees (sent versions), and the draft
/// being built, if any.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AdminEstimate {
    pub summary: EstimateSummary,
    /// The unsent version's content, while the estimate is a draft.
    pub draft: Option<VersionContent>,
    /// The draft's totals with its recommended options.
    pub draft_totals: Option<Totals>,
    /// Sent versions and decisions with all their evidence (signer's address and browser
    /// included), with the deposit paid.
    pub sent: EstimateView,
    /// Contacts emailed a link by the last send.
    pub recipients: usize,
}

pub(crate) fn view(now: jiff::Timestamp, b: &EstimateBundle, recipients: usize) -> Result<AdminEstimate, ApiError> {
    let draft = (b.estimate.status == EstimateStatus::Draft).then(|| b.current()).flatten().map(|v| v.content.clone());
    let mut sent = EstimateView::of(&b.estimate, &b.versions, &b.decisions, now, false, Evidence::Full).map_err(ApiError::internal)?;
    sent.deposit_paid = b.deposit_covered();
    Ok(AdminEstimate {
        summary: EstimateSummary::of(&b.estimate, now),
        draft_totals: draft.as_ref().map(|c| totals(c, &c.default_selection())).transpose().map_err(ApiError::internal)?,
        draft,
        sent,
        recipients,
    })
}

/// A draft to create.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEstimate {
    pub content: VersionContent,
    #[serde(default)]
    pub property: Option<PropertyId>,
}

/// The draft's new content.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftContent {
    pub content: VersionContent,
}

/// A note for the customer (what changed, or a greeting).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    #[serde(default)]
    pub note: Option<String>,
}

pub(crate) async fn load(state: &State, s: &StaffSession, req: &Call) -> Result<EstimateBundle, ApiError> {
    let a: portal_domain::ids::AccountId = path(req, "account", "customer")?;
    let id: EstimateId = path(req, "estimate", "estimate")?;
    estimates::load(state.table.as_ref(), &s.tenant, &a, &id).await?.ok_or(ApiError::NotFound("estimate"))
}

pub(crate) async fn reload(
    state: &State,
    s: &StaffSession,
    req: &Call,
    e: &Estimate,
    recipients: usize,
) -> Result<Response<Body>, ApiError> {
    let b = estimates::load(state.table.as_ref(), &s.tenant, &e.account, &e.id).await?.ok_or(ApiError::NotFound("estimate"))?;
    Ok(response::ok(&view(req.now, &b, recipients)?))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")), request_body = NewEstimate,
    responses((status = 201, body = AdminEstimate), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn create(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let account = account(state, &s, req).await?;
    let body: NewEstimate = json(req, MAX_ESTIMATE_BODY)?;
    let tenant = tenant(state, &s).await?;
    let draft = portal_app::estimates::Draft {
        id: EstimateId::generate(state.ids.as_ref()),
        account: account.id.clone(),
        property: body.property,
        content: body.content,
        number: portal_app::estimates::Number::Next,
    };
    let header = portal_app::estimates::create(&act(state, &s, req), &tenant, draft).await?;
    let b = estimates::load(state.table.as_ref(), &s.tenant, &account.id, &header.id).await?.ok_or(ApiError::NotFound("estimate"))?;
    Ok(response::json(201, &view(req.now, &b, 0)?))
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/estimates/{estimate}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = AdminEstimate), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn get(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let b = load(state, &s, req).await?;
    Ok(response::ok(&view(req.now, &b, 0)?))
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/estimates/{estimate}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    request_body = DraftContent,
    responses((status = 200, body = AdminEstimate), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "sent versions cannot change; revise instead")))]
pub async fn edit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: DraftContent = json(req, MAX_ESTIMATE_BODY)?;
    let b = load(state, &s, req).await?;
    let tenant = tenant(state, &s).await?;
    let header = portal_app::estimates::edit(&act(state, &s, req), &tenant, &b, body.content).await?;
    reload(state, &s, req, &header, 0).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/send", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    request_body = Note,
    responses((status = 200, body = AdminEstimate), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn send(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let body: Note = json_or_default(req, MAX_BODY)?;
    let b = load(state, &s, req).await?;
    let tenant = tenant(state, &s).await?;
    let (header, recipients) = portal_app::estimates::send(&act(state, &s, req), &tenant, &b, body.note).await?;
    reload(state, &s, req, &header, recipients).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/revise", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = AdminEstimate), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn revise(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let b = load(state, &s, req).await?;
    let header = portal_app::estimates::revise(&act(state, &s, req), &b).await?;
    reload(state, &s, req, &header, 0).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/void", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = AdminEstimate), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn void(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let b = load(state, &s, req).await?;
    let header = portal_app::estimates::void(&act(state, &s, req), &b).await?;
    reload(state, &s, req, &header, 0).await
}

/// An estimate in staff lists, with its customer.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateRow {
    pub account: String,
    /// The customer's name.
    pub customer: Option<String>,
    #[serde(flatten)]
    pub summary: EstimateSummary,
}

#[utoipa::path(get, path = "/api/admin/estimates", tag = "admin", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(draft|sent|viewed|approved|declined|changes_requested|expired|void)$", description = "sent (the default), draft, viewed, approved, declined, changes_requested, expired or void"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"), ("cursor" = Option<String>, Query, description = "from the previous page")),
    responses((status = 200, body = Paged<EstimateRow>), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody)))]
/// Estimates across customers by stored status, newest first (GSI1). An estimate whose
/// validity passed while `sent` is listed under `sent` and shown expired.
pub async fn list_estimates(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let status: EstimateStatus = query_as(req, "status")?.unwrap_or(EstimateStatus::Sent);
    let (limit, after) = paging(req)?;
    let (estimates, next) = estimates::by_status(state.table.as_ref(), &s.tenant, status, limit, after).await?;
    let now = req.now;
    let names = customer_names(state, &s, estimates.iter().map(|e| &e.account)).await?;
    let rows: Vec<EstimateRow> = estimates
        .iter()
        .map(|e| EstimateRow {
            account: e.account.to_string(),
            customer: names.get(&e.account).cloned(),
            summary: EstimateSummary::of(e, now),
        })
        .collect();
    Ok(response::ok(&Paged { items: rows, next: next.map(|c| c.0) }))
}
