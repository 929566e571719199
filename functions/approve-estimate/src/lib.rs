//! approve-estimate: the customer approves (with options and a signature), declines, or asks
//! for changes.
//!
//! Each action is one read (the whole estimate, one Query) and one conditional transaction:
//! the header moves on only if nobody changed it since it was read, the decision for that
//! version is written only if there is none yet, and the audit entry goes in with them. So
//! approving twice, or racing two approvals, changes nothing the second time (409).

use lambda_http::{Body, Response};
use portal_domain::estimate::view::EstimateView;
use portal_domain::estimate::{Decision, EstimateEvent, EstimateStatus, LineComment, Selection};
use portal_domain::ids::{EstimateId, LineItemId};
use portal_domain::party::Section;
use portal_domain::{DomainError, FieldErrors};
use portal_http::Call;
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, path};
use portal_http::session::CustomerSession;
use portal_http::{ApiError, response};
use portal_store::repo::estimates;
use portal_store::repo::estimates::EstimateBundle;

/// Approval bodies carry a signature image.
const MAX_APPROVAL_BODY: usize = 256 * 1024;

portal_http::base_state!("approve-estimate");

portal_http::http_function! {
    name: "approve-estimate",
    routes: {
        "POST /api/estimates/{id}/approve" => approve,
        "POST /api/estimates/{id}/decline" => decline,
        "POST /api/estimates/{id}/request-changes" => request_changes,
        "POST /api/estimates/{id}/request-update" => request_update,
    },
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// The version the customer read and is signing.
    pub version: u32,
    /// Chosen options per group.
    #[serde(default)]
    pub selection: Selection,
    /// The customer's typed full name.
    #[schema(min_length = 2, max_length = 120)]
    pub signer_name: String,
    /// The drawn signature, `data:image/png;base64,...` (a signature pad's picture, with ink on it).
    #[schema(pattern = "^data:image/png;base64,[A-Za-z0-9+/]+={0,2}$", max_length = 200000)]
    pub signature_png: String,
    /// The customer agreed to the terms.
    pub consent: bool,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    pub version: u32,
    /// Why, in the customer's words (1 to 2000 characters).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangesRequest {
    pub version: u32,
    /// Overall comment (may be empty when there are line comments).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub comment: String,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub line_comments: Vec<LineCommentIn>,
}

/// Asking for an updated estimate once this one has expired.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// Anything the office should know (at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub message: String,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineCommentIn {
    pub item: LineItemId,
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: String,
}

/// Everything a decision needs, loaded and checked: the session may decide, the estimate is
/// visible and open, and `version` is the current one.
struct Decidable {
    session: CustomerSession,
    bundle: EstimateBundle,
}

async fn load(state: &State, req: &Call, version: u32, event: EstimateEvent) -> Result<Decidable, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Estimates)?;
    let id: EstimateId = path(req, "id", "estimate")?;
    let bundle = estimates::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| b.estimate.status != EstimateStatus::Draft && session.can_see(&b.estimate))
        .ok_or(ApiError::NotFound("estimate"))?;
    session.may_decide(&bundle.estimate)?;
    portal_app::estimates::decidable(&bundle, version, event, req.now)?;
    Ok(Decidable { session, bundle })
}

fn act<'a>(state: &'a State, req: &Call, session: &CustomerSession) -> portal_app::Act<'a> {
    req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor())
}

/// The estimate as the customer sees it after their decision.
fn decided(d: &Decidable, now: jiff::Timestamp) -> Result<Response<Body>, ApiError> {
    let b = &d.bundle;
    let view = EstimateView::of(&b.estimate, &b.versions, &b.decisions, now, false, d.session.evidence()).map_err(ApiError::internal)?;
    Ok(response::ok(&view))
}

/// Records the decision (see [`portal_app::estimates::decide`]) and answers with the estimate.
async fn decide(
    state: &State,
    req: &Call,
    mut d: Decidable,
    event: EstimateEvent,
    decision: Decision,
    action: &str,
    detail: serde_json::Value,
) -> Result<Response<Body>, ApiError> {
    portal_app::estimates::decide(&act(state, req, &d.session), &mut d.bundle, event, decision, action, detail).await?;
    decided(&d, req.now)
}

#[utoipa::path(post, path = "/api/estimates/{id}/approve", tag = "estimates", security(("bearer" = [])),
    params(("id" = String, Path, description = "Estimate id (est_...)")), request_body = ApproveRequest,
    responses((status = 200, body = EstimateView, description = "Approved; the signature evidence is stored"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "already approved, superseded, expired, void or changed meanwhile")))]
pub async fn approve(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: ApproveRequest = json(req, MAX_APPROVAL_BODY)?;
    let mut d = load(state, req, body.version, EstimateEvent::Approve).await?;
    let signed = portal_app::estimates::Signed {
        selection: body.selection,
        signer_name: body.signer_name,
        signature_png: body.signature_png,
        consent: body.consent,
        by: d.session.contact.clone(),
    };
    portal_app::estimates::approve(&act(state, req, &d.session), &mut d.bundle, signed).await?;
    decided(&d, req.now)
}

#[utoipa::path(post, path = "/api/estimates/{id}/decline", tag = "estimates", security(("bearer" = [])),
    params(("id" = String, Path, description = "Estimate id (est_...)")), request_body = DeclineRequest,
    responses((status = 200, body = EstimateView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn decline(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: DeclineRequest = json(req, MAX_BODY)?;
    if body.reason.chars().count() > 2000 {
        return Err(DomainError::invalid("reason", "at most 2000 characters").into());
    }
    let reason = body.reason.trim().to_string();
    if reason.is_empty() {
        return Err(unprocessable(DomainError::invalid("reason", "tell us why, in up to 2000 characters")));
    }
    let d = load(state, req, body.version, EstimateEvent::Decline).await?;
    let decision = Decision::Declined { reason: reason.clone(), by: d.session.contact.clone(), at: req.now };
    let detail = serde_json::json!({ "version": body.version, "reason": reason });
    decide(state, req, d, EstimateEvent::Decline, decision, "estimate.declined", detail).await
}

#[utoipa::path(post, path = "/api/estimates/{id}/request-changes", tag = "estimates", security(("bearer" = [])),
    params(("id" = String, Path, description = "Estimate id (est_...)")), request_body = ChangesRequest,
    responses((status = 200, body = EstimateView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
pub async fn request_changes(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    // 100 comments of 2000 characters and the overall one fit (up to 4 bytes a character).
    let body: ChangesRequest = json(req, 1024 * 1024)?;
    // The document's limits (400) before the rules (422).
    let mut f = FieldErrors::new();
    if body.comment.chars().count() > 4000 {
        f.add("comment", "must be at most 4000 characters");
    }
    if body.line_comments.len() > 100 {
        f.add("line_comments", "at most 100 line comments");
    }
    for (i, lc) in body.line_comments.iter().enumerate() {
        if !(1..=2000).contains(&lc.comment.chars().count()) {
            f.add(format!("line_comments[{i}].comment"), "must be 1 to 2000 characters");
        }
    }
    f.into_result()?;
    let comment = body.comment.trim().to_string();
    let mut f = FieldErrors::new();
    if comment.is_empty() && body.line_comments.is_empty() {
        f.add("comment", "tell us what to change, overall or on a line");
    }
    for (i, lc) in body.line_comments.iter().enumerate() {
        if lc.comment.trim().is_empty() {
            f.add(format!("line_comments[{i}].comment"), "must not be only spaces");
        }
    }
    // What is left once the schema's limits hold: a comment somewhere, not only spaces.
    f.into_result().map_err(unprocessable)?;
    let d = load(state, req, body.version, EstimateEvent::RequestChanges).await?;
    let version = d.bundle.current().ok_or_else(|| ApiError::Internal("current version missing".into()))?;
    let mut f = FieldErrors::new();
    for (i, lc) in body.line_comments.iter().enumerate() {
        if !version.content.all_items().any(|(_, _, item)| item.id == lc.item) {
            f.add(format!("line_comments[{i}].item"), "is not a line of this estimate");
        }
    }
    f.into_result().map_err(unprocessable)?;
    let line_comments: Vec<LineComment> =
        body.line_comments.into_iter().map(|lc| LineComment { item: lc.item, comment: lc.comment.trim().to_string() }).collect();
    let detail = serde_json::json!({ "version": body.version, "comment": comment, "line_comments": line_comments.len() });
    let decision = Decision::ChangesRequested { comment, line_comments, by: d.session.contact.clone(), at: req.now };
    decide(state, req, d, EstimateEvent::RequestChanges, decision, "estimate.changes_requested", detail).await
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(approve, decline, request_changes, request_update))]
pub struct Api;

#[utoipa::path(post, path = "/api/estimates/{id}/request-update", tag = "estimates", security(("bearer" = [])),
    params(("id" = String, Path, description = "Estimate id (est_...)")), request_body(content = Option<UpdateRequest>),
    responses((status = 200, body = EstimateView, description = "The office was told"), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "not expired, or already asked")))]
/// An expired estimate is not a dead end: the customer asks for an updated one. The office is
/// told (through the outbox) and it is audited, in one transaction with the estimate's header.
pub async fn request_update(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: UpdateRequest = portal_http::request::json_or_default(req, MAX_BODY)?;
    let message = body.message.trim().to_string();
    if message.chars().count() > 2000 {
        return Err(DomainError::invalid("message", "at most 2000 characters").into());
    }
    let now = req.now;
    let session = CustomerSession::from_request(req, &state.verifier, now)?;
    session.shows(Section::Estimates)?;
    let id: EstimateId = path(req, "id", "estimate")?;
    let mut bundle = estimates::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| b.estimate.status != EstimateStatus::Draft && session.can_see(&b.estimate))
        .ok_or(ApiError::NotFound("estimate"))?;
    // Whoever could have decided on it may ask for a new one.
    session.may_decide(&bundle.estimate)?;
    portal_app::estimates::request_update(&act(state, req, &session), &mut bundle, &message).await?;
    let view = EstimateView::of(&bundle.estimate, &bundle.versions, &bundle.decisions, now, true, session.evidence())
        .map_err(ApiError::internal)?;
    Ok(response::ok(&view))
}
