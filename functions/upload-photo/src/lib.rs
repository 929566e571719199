//! upload-photo: upload slots for photos and documents, for customers and staff, and what
//! the office does with files afterwards (labels, visibility, deletion).
//!
//! A slot is a presigned S3 PUT whose Content-Length is signed (as the logo's): S3 refuses a
//! body of any other length, so the 25 MB limit is S3's, not the browser's. A PUT rather than
//! a POST policy with `content-length-range`: the browser knows the file's exact size before
//! asking, an exact length is a tighter limit than a range, the SDK presigns it (no policy
//! document signed by hand), and a PUT of the raw file reports upload progress without a
//! multipart form. A slot works for 15 minutes and costs one read (the target with the
//! tenant's limits, one BatchGetItem) and one transaction (the slot, the quota's bytes, the
//! uploader's count for the day).
//!
//! Processing is `process-upload`'s, started by the bucket's event; the uploader's page asks
//! `GET .../uploads/{file}` how it went.
use std::sync::Arc;

use lambda_http::{Body, Response};
use portal_app::files::{self, Asker, FileView, NewFile, Slot, UploadStatus};
use portal_domain::file::{LabelChange, StoredFile};
use portal_domain::ids::{AccountId, FileId};
use portal_domain::party::StaffRole;
use portal_domain::ports::Blobs;
use portal_http::request::{MAX_BODY, json, path};
use portal_http::session::{CustomerSession, Scope, StaffSession};
use portal_http::{ApiError, Call, response};
use portal_store::repo::parties;

portal_http::base_state!("upload-photo", blobs: Arc<dyn Blobs> = blobs, "the Blobs port (BLOB_BUCKET)");

portal_http::http_function! {
    name: "upload-photo",
    routes: {
        "POST /api/uploads" => customer_slot,
        "GET /api/uploads/{file}" => customer_status,
        "DELETE /api/files/{file}" => customer_delete,
        "POST /api/admin/customers/{account}/uploads" => staff_slot,
        "GET /api/admin/customers/{account}/uploads/{file}" => staff_status,
        "GET /api/admin/customers/{account}/files" => staff_list,
        "PATCH /api/admin/customers/{account}/files/{file}" => staff_change,
        "DELETE /api/admin/customers/{account}/files/{file}" => staff_delete,
    },
}

/// A customer who may add files: signed in to the whole account, not a view-as.
fn adding_customer(state: &State, req: &Call) -> Result<CustomerSession, ApiError> {
    let s = req.customer(&state.verifier)?;
    if s.scope == Scope::ReadOnly {
        return Err(ApiError::Forbidden("This is a read-only view of the customer's portal."));
    }
    s.needs_account()?;
    Ok(s)
}

#[utoipa::path(post, path = "/api/uploads", tag = "files", security(("bearer" = [])), request_body = NewFile,
    responses((status = 200, body = Slot, description = "Send the file with `method` to `url` with `headers`, within `expires_in` seconds"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "the contractor's storage is full"),
              (status = 429, body = portal_http::error::ErrorBody, description = "the day's uploads are used up")))]
/// A customer's upload slot for a photo or PDF attached to one of their jobs, visits,
/// properties, estimates or invoices (within the properties they may see).
pub async fn customer_slot(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = adding_customer(state, req)?;
    let body: NewFile = json(req, MAX_BODY)?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let slot = files::start(&act, state.blobs.as_ref(), &s.account, Asker::Customer { properties: s.properties.as_deref() }, &body).await?;
    Ok(response::ok(&slot))
}

#[utoipa::path(get, path = "/api/uploads/{file}", tag = "files", security(("bearer" = [])),
    params(("file" = String, Path, description = "File id (fil_...)")),
    responses((status = 200, body = UploadStatus), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// How the customer's own upload went: pending, ready (with the file) or failed (with why).
pub async fn customer_status(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.customer(&state.verifier)?;
    s.needs_account()?;
    let id: FileId = path(req, "file", "upload")?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let status = files::status(&act, state.blobs.as_ref(), &s.account, &id, Some(s.contact.as_str())).await?;
    Ok(response::ok(&status))
}

#[utoipa::path(delete, path = "/api/files/{file}", tag = "files", security(("bearer" = [])),
    params(("file" = String, Path, description = "File id (fil_...)")),
    responses((status = 204, description = "Deleted, with its renditions"), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// A customer deletes a photo or document they added themselves; audited.
pub async fn customer_delete(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = adding_customer(state, req)?;
    let id: FileId = path(req, "file", "file")?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let f = files::find(&act, &s.account, &id).await?;
    if !f.customer_sees(s.properties.as_deref()) {
        return Err(ApiError::NotFound("file"));
    }
    if f.by.staff || f.by.id != s.contact.as_str() {
        return Err(ApiError::Forbidden("Only the person who added a file can delete it. Ask the office to remove this one."));
    }
    files::remove(&act, state.blobs.as_ref(), &f).await?;
    Ok(response::no_content())
}

/// The staff session and the path's account, which must be one of the tenant's.
async fn staff_account(state: &State, req: &Call) -> Result<(StaffSession, AccountId), ApiError> {
    let s = req.staff(&state.verifier)?;
    let account: AccountId = path(req, "account", "customer")?;
    parties::get_account(state.table.as_ref(), &s.tenant, &account).await?.ok_or(ApiError::NotFound("customer"))?;
    Ok((s, account))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/uploads", tag = "admin", security(("bearer" = [])), request_body = NewFile,
    params(("account" = String, Path, description = "Account id (acc_...)")),
    responses((status = 200, body = Slot), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "the storage is full"),
              (status = 429, body = portal_http::error::ErrorBody, description = "the day's uploads are used up")))]
/// A staff upload slot: the office to anything of the customer's, a technician to a visit
/// they are on. `shared: false` keeps it internal.
pub async fn staff_slot(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    let account: AccountId = path(req, "account", "customer")?;
    let body: NewFile = json(req, MAX_BODY)?;
    let asker = match s.role {
        StaffRole::Technician => Asker::Technician { staff: &s.staff },
        _ => Asker::Office,
    };
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    // The target is read in the account's partition: another tenant's or account's is 404.
    let slot = files::start(&act, state.blobs.as_ref(), &account, asker, &body).await?;
    Ok(response::ok(&slot))
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/uploads/{file}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("file" = String, Path, description = "File id (fil_...)")),
    responses((status = 200, body = UploadStatus), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// How an upload went (a technician sees only their own).
pub async fn staff_status(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    let account: AccountId = path(req, "account", "customer")?;
    let id: FileId = path(req, "file", "upload")?;
    let by = (s.role == StaffRole::Technician).then(|| s.staff.to_string());
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    Ok(response::ok(&files::status(&act, state.blobs.as_ref(), &account, &id, by.as_deref()).await?))
}

/// Every file of a customer, for staff.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StaffFiles {
    /// Newest first, internal ones included.
    pub files: Vec<FileView>,
}

/// Whether this staff member may change or delete the file: the office any, a technician
/// what they added.
fn may_change(s: &StaffSession, f: &StoredFile) -> bool {
    s.role != StaffRole::Technician || (f.by.staff && f.by.id == s.staff.as_str())
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/files", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)")),
    responses((status = 200, body = StaffFiles), (status = 401, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// Every photo and document of a customer (one Query of the account's file index), with
/// signed addresses.
pub async fn staff_list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, account) = staff_account(state, req).await?;
    let all = portal_store::repo::files::of_account(state.table.as_ref(), &s.tenant, &account).await?;
    let files = files::views(state.blobs.as_ref(), &all, |f| may_change(&s, f), req.now).await?;
    Ok(response::ok(&StaffFiles { files }))
}

async fn staff_file(state: &State, req: &Call) -> Result<(StaffSession, StoredFile), ApiError> {
    let s = req.staff(&state.verifier)?;
    let account: AccountId = path(req, "account", "customer")?;
    let id: FileId = path(req, "file", "file")?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let f = files::find(&act, &account, &id).await?;
    if !may_change(&s, &f) {
        return Err(ApiError::Forbidden("Technicians can change only the files they added."));
    }
    Ok((s, f))
}

#[utoipa::path(patch, path = "/api/admin/customers/{account}/files/{file}", tag = "admin", security(("bearer" = [])), request_body = LabelChange,
    params(("account" = String, Path, description = "Account id (acc_...)"), ("file" = String, Path, description = "File id (fil_...)")),
    responses((status = 200, body = FileView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "changed by someone else meanwhile")))]
/// Changes a file's caption, before/during/after tag, document kind, or whether the customer
/// sees it; audited.
pub async fn staff_change(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, f) = staff_file(state, req).await?;
    let change: LabelChange = json(req, MAX_BODY)?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let next = files::relabel(&act, &f, &change).await?;
    Ok(response::ok(&files::view(state.blobs.as_ref(), &next, true, req.now).await?))
}

#[utoipa::path(delete, path = "/api/admin/customers/{account}/files/{file}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("file" = String, Path, description = "File id (fil_...)")),
    responses((status = 204, description = "Deleted, with its renditions"), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// Deletes a file and its renditions; audited.
pub async fn staff_delete(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, f) = staff_file(state, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    files::remove(&act, state.blobs.as_ref(), &f).await?;
    Ok(response::no_content())
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(customer_slot, customer_status, customer_delete, staff_slot, staff_status, staff_list, staff_change, staff_delete))]
pub struct Api;
