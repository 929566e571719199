//! Activity: the audit log of a customer and of one document.
use lambda_http::{Body, RequestExt, Response};
use portal_domain::audit::AuditEntry;
use portal_http::{ApiError, Call, response};
use portal_store::repo::audit;

use crate::State;
use crate::common::{Paged, account, paging, session};

#[utoipa::path(get, path = "/api/admin/customers/{account}/audit", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100"),
           ("cursor" = Option<String>, Query, description = "from the previous page")),
    responses((status = 200, body = Paged<AuditEntry>), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
pub async fn audit_log(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let account = account(state, &s, req).await?;
    let (limit, after) = paging(req)?;
    let (mut items, next) = audit::for_account(state.table.as_ref(), &s.tenant, &account.id, limit, after).await?;
    // Signature images are evidence, not log lines.
    for e in &mut items {
        if let Some(d) = e.detail.as_object_mut() {
            d.remove("signature_png");
        }
    }
    Ok(response::ok(&Paged { items, next: next.map(|c| c.0) }))
}

/// Prefixes of the records the audit log is kept per.
pub(crate) const AUDITED: &[&str] = &["est_", "inv_", "pay_", "con_", "acc_", "stf_"];

#[utoipa::path(get, path = "/api/admin/documents/{subject}/audit", tag = "admin", security(("bearer" = [])),
    params(("subject" = String, Path, description = "An estimate, invoice, payment, contact, customer or staff id")),
    responses((status = 200, body = Paged<AuditEntry>), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// Everything that happened to one document (or person), newest first, from GSI1.
pub async fn document_audit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = session(state, req)?;
    let subject = req
        .path_parameters_ref()
        .and_then(|p| p.first("subject"))
        .filter(|v| v.len() <= 64 && AUDITED.iter().any(|p| v.starts_with(p)) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .ok_or(ApiError::NotFound("document"))?
        .to_string();
    let mut items = audit::for_subject(state.table.as_ref(), &s.tenant, &subject, 100).await?;
    for e in &mut items {
        if let Some(d) = e.detail.as_object_mut() {
            d.remove("signature_png");
        }
    }
    Ok(response::ok(&Paged { items, next: None }))
}
