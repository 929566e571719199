//! What the office records about a decided estimate: an approval given on paper or by phone
//! (with its scan), and moving a paid deposit to the account.
use lambda_http::{Body, Response};
use portal_domain::FieldErrors;
use portal_http::request::{MAX_BODY, json};
use portal_http::{ApiError, Call, response};

use crate::State;
use crate::common::{act, session};
use crate::estimates::{AdminEstimate, load, reload};

/// What was moved.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DepositMoved {
    /// Minor units moved from the estimate's deposit to the account's general credit.
    pub moved: i64,
    /// The account's general credit now.
    pub credit_available: i64,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/move-deposit", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = DepositMoved), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "nothing of the deposit is left to move")))]
/// A deposit belongs to its estimate and is credited to invoices made from it. The office can
/// move what is left of it to the account's general credit on purpose (the job was cancelled,
/// the customer asked to use it elsewhere); audited as `credit.moved`.
pub async fn move_deposit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let b = load(state, &s, req).await?;
    let e = &b.estimate;
    let now = req.now;
    let moved = portal_app::payments::move_deposit(
        state.table.as_ref(),
        state.ids.as_ref(),
        &s.tenant,
        &e.account,
        &e.id,
        s.actor(),
        &req.origin.clone(),
        now,
    )
    .await?;
    if moved == 0 {
        return Err(ApiError::Conflict("nothing_to_move", "Nothing of this estimate's deposit is left to move.".into()));
    }
    let money = portal_store::repo::payments::all(state.table.as_ref(), &s.tenant, &e.account).await?;
    Ok(response::ok(&DepositMoved { moved, credit_available: money.credit().available }))
}

/// An approval the customer gave outside the portal, as the office records it.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineApprovalIn {
    /// The version approved: the current one.
    #[schema(minimum = 1)]
    pub version: u32,
    /// The options the customer chose (leave out for the recommended ones).
    #[serde(default)]
    pub selection: Option<portal_domain::estimate::Selection>,
    /// The account's contact who approved.
    pub contact: portal_domain::ids::ContactId,
    /// Their name as they gave it (2 to 120 characters).
    #[schema(min_length = 2, max_length = 120)]
    pub signer_name: String,
    /// When they approved: not in the future, not before the estimate was sent.
    #[schema(value_type = String, format = DateTime)]
    pub approved_at: jiff::Timestamp,
    pub how: portal_domain::estimate::ApprovedHow,
    /// At most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Longest note on an offline approval.
pub(crate) const MAX_APPROVAL_NOTE: usize = 500;

#[utoipa::path(post, path = "/api/admin/customers/{account}/estimates/{estimate}/record-approval", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    request_body = OfflineApprovalIn,
    responses((status = 200, body = AdminEstimate), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "not waiting for a decision, expired when approved, or another version is current")))]
/// The customer approved by phone, on paper, in person or by email: the office records who,
/// when and how. It is the same approval as one signed in the portal (the estimate is
/// approved, its deposit can be paid, its totals are fixed), marked as recorded by the office
/// and audited as `estimate.approved_offline`, so the adoption figures tell the two apart.
pub async fn record_approval(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    s.may_manage()?;
    let b = load(state, &s, req).await?;
    let body: OfflineApprovalIn = json(req, MAX_BODY)?;
    // The document's limits first (400), then the rules (422).
    let mut f = FieldErrors::new();
    if !(2..=120).contains(&body.signer_name.chars().count()) {
        f.add("signer_name", "2 to 120 characters");
    }
    if body.note.chars().count() > MAX_APPROVAL_NOTE {
        f.add("note", format!("at most {MAX_APPROVAL_NOTE} characters"));
    }
    f.into_result()?;
    let offline = portal_app::estimates::Offline {
        version: body.version,
        selection: body.selection,
        contact: body.contact,
        signer_name: body.signer_name,
        approved_at: body.approved_at,
        how: body.how,
        note: body.note,
    };
    let header = portal_app::estimates::record_offline(&act(state, &s, req), &b, offline).await?;
    reload(state, &s, req, &header, 0).await
}
