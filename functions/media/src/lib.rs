//! media: files staff upload (today the contractor's logo; job photos next). The browser asks
//! for an upload address, sends the file straight to the blob store (S3; files locally), then
//! asks for it to be used. Only then is it read, by content: decoded as PNG or JPEG whatever
//! its name or declared type says, limited in size and pixels, scaled down, and re-encoded as
//! a PNG (which drops EXIF, GPS and any other metadata). The original is deleted and never
//! served; the result is stored under `media/`, which CloudFront (and the local server)
//! serve at `/media/...`.
//!
//! A function of its own rather than more admin-api routes: the S3 client and the image
//! codecs are the heaviest code in the project, and only these requests need them; admin-api
//! stays small and quick to start.
use std::sync::Arc;

use lambda_http::{Body, Response};
use portal_domain::FieldErrors;
use portal_domain::audit::AuditEntry;
use portal_domain::ids::UploadId;
use portal_domain::ports::{Blob, Blobs, Fetched, SignedRequest};
use portal_http::Call;
use portal_http::request::{MAX_BODY, json, path};
use portal_http::session::StaffSession;
use portal_http::{ApiError, response};
use portal_store::repo::{audit, estimates, parties};
use sha2::Digest;

pub mod image_check;

/// The largest logo accepted (bytes as uploaded).
pub const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;
/// The largest scan or photo of a paper approval accepted (bytes as uploaded; a Lambda
/// answer carries at most 6 MB, and the file is served back through this function).
pub const MAX_SCAN_BYTES: u64 = 4 * 1024 * 1024;
/// How long an upload address works.
const UPLOAD_SECONDS: u64 = 300;
/// Stored logos never change (their name is their content's hash).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

portal_http::base_state!("media", blobs: Arc<dyn Blobs> = blobs, "the Blobs port (BLOB_BUCKET)");

portal_http::http_function! {
    name: "media",
    routes: {
        "POST /api/admin/uploads" => start_upload,
        "PUT /api/admin/settings/logo" => use_logo,
        "PUT /api/admin/staff/{staff}/photo" => use_staff_photo,
        "PUT /api/admin/customers/{account}/estimates/{estimate}/approval-scan" => attach_scan,
        "GET /api/admin/customers/{account}/estimates/{estimate}/approval-scan" => get_scan,
    },
}

/// What a file is for; each purpose has its own limits and its own role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = UploadPurpose)]
pub enum Purpose {
    /// The contractor's logo (owner): PNG or JPEG, at most 2 MB.
    Logo,
    /// A scan or photo of an estimate approved on paper (office): PDF, PNG or JPEG, at most
    /// 4 MB.
    ApprovalScan,
    /// A staff member's photo, shown to customers on visits (the owner, or the staff member
    /// themself): PNG or JPEG, at most 2 MB.
    StaffPhoto,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    pub purpose: Purpose,
    /// `image/png` or `image/jpeg` (and `application/pdf` for a scan).
    #[schema(pattern = "^(image/(png|jpeg)|application/pdf)$")]
    pub content_type: String,
    /// Bytes: a logo at most 2 MB, a scan at most 4 MB.
    #[schema(minimum = 1, maximum = 4194304)]
    pub size: u64,
}

/// Where to send the file, and the upload's id to use it by.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UploadTicket {
    pub upload: String,
    pub method: String,
    pub url: String,
    /// Headers to send unchanged with the file.
    pub headers: Vec<(String, String)>,
    pub expires_in: u64,
}

fn upload_key(tenant: &portal_domain::ids::TenantId, upload: &UploadId) -> String {
    format!("uploads/{}/{}", tenant.as_str().to_ascii_lowercase(), upload.as_str().to_ascii_lowercase())
}

#[utoipa::path(post, path = "/api/admin/uploads", tag = "admin", security(("bearer" = [])), request_body = NewUpload,
    responses((status = 200, body = UploadTicket), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody)))]
pub async fn start_upload(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    let body: NewUpload = json(req, MAX_BODY)?;
    let (types, max, limit): (&[&str], u64, &str) = match body.purpose {
        Purpose::Logo => {
            s.must_own()?;
            (image_check::ACCEPTED, MAX_LOGO_BYTES, "at most 2 MB")
        }
        Purpose::ApprovalScan => {
            s.may_manage()?;
            (SCAN_TYPES, MAX_SCAN_BYTES, "at most 4 MB")
        }
        Purpose::StaffPhoto => (image_check::ACCEPTED, MAX_LOGO_BYTES, "at most 2 MB"),
    };
    // Outside what any upload may be (the document's limits): 400.
    let mut e = FieldErrors::new();
    if !SCAN_TYPES.contains(&body.content_type.as_str()) {
        e.add("content_type", "a PDF, PNG or JPEG file");
    }
    if body.size == 0 || body.size > MAX_SCAN_BYTES {
        e.add("size", "at most 4 MB");
    }
    e.into_result()?;
    // Within them, but not what this purpose takes: 422.
    let mut e = FieldErrors::new();
    if !types.contains(&body.content_type.as_str()) {
        e.add("content_type", "a PNG or JPEG image");
    }
    if body.size > max {
        e.add("size", limit);
    }
    e.into_result().map_err(portal_http::error::unprocessable)?;
    let upload = UploadId::generate(state.ids.as_ref());
    let expires = std::time::Duration::from_secs(UPLOAD_SECONDS);
    let SignedRequest { method, url, headers } = state
        .blobs
        .upload_request(&upload_key(&s.tenant, &upload), &body.content_type, body.size, expires)
        .await
        .map_err(ApiError::internal)?;
    Ok(response::ok(&UploadTicket { upload: upload.to_string(), method, url, headers, expires_in: UPLOAD_SECONDS }))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UseUpload {
    /// The id from `POST /api/admin/uploads`, once the file is sent.
    pub upload: UploadId,
}

/// The logo in use.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Logo {
    pub logo_url: String,
    pub width: u32,
    pub height: u32,
}

#[utoipa::path(put, path = "/api/admin/settings/logo", tag = "admin", security(("bearer" = [])), request_body = UseUpload,
    responses((status = 200, body = Logo), (status = 400, body = portal_http::error::ErrorBody, description = "not a PNG or JPEG image, or too many pixels"),
              (status = 403, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody, description = "the file never arrived"),
              (status = 413, body = portal_http::error::ErrorBody)))]
pub async fn use_logo(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    s.must_own()?;
    let body: UseUpload = json(req, MAX_BODY)?;
    let key = upload_key(&s.tenant, &body.upload);
    let original = match state.blobs.get(&key, MAX_LOGO_BYTES).await.map_err(ApiError::internal)? {
        Fetched::Found(blob) => blob,
        Fetched::Missing => {
            return Err(ApiError::Conflict("upload_missing", "The file did not arrive (or was already used). Upload it again.".into()));
        }
        Fetched::TooLarge => {
            state.blobs.delete(&key).await.map_err(ApiError::internal)?;
            return Err(ApiError::PayloadTooLarge);
        }
    };
    let checked = image_check::logo(&original.bytes);
    // The original is never kept, whatever it turned out to be.
    state.blobs.delete(&key).await.map_err(ApiError::internal)?;
    let logo = checked?;
    let mut t = parties::get_tenant(state.table.as_ref(), &s.tenant).await?.ok_or(ApiError::NotFound("tenant"))?;
    let name = format!("media/{}/logo-{}.png", s.tenant.as_str().to_ascii_lowercase(), logo.fingerprint);
    state.blobs.put(&name, &Blob { bytes: logo.png, content_type: "image/png".into() }, IMMUTABLE).await.map_err(ApiError::internal)?;
    let url = format!("{}/{name}", t.portal_url.trim_end_matches('/'));
    let before = t.branding.logo_url.replace(url.clone());
    let entry = AuditEntry::record(
        state.ids.as_ref(),
        req.now,
        s.actor(),
        "settings.logo_changed",
        Some("settings".into()),
        None,
        &req.origin,
        serde_json::json!({ "before": before, "after": url, "width": logo.width, "height": logo.height }),
    );
    state.table.transact(vec![parties::save_tenant(&t)?, audit::append(&s.tenant, &entry)?]).await?;
    Ok(response::ok(&Logo { logo_url: url, width: logo.width, height: logo.height }))
}

/// A staff member's photo in use.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StaffPhoto {
    pub photo: String,
    pub width: u32,
    pub height: u32,
}

#[utoipa::path(put, path = "/api/admin/staff/{staff}/photo", tag = "admin", security(("bearer" = [])), request_body = UseUpload,
    params(("staff" = String, Path, description = "Staff id (stf_...)")),
    responses((status = 200, body = StaffPhoto), (status = 400, body = portal_http::error::ErrorBody, description = "not a PNG or JPEG image, or too many pixels"),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "the file never arrived"),
              (status = 413, body = portal_http::error::ErrorBody)))]
/// A staff member's photo, shown to customers on their visits: read by content, scaled down
/// and re-encoded as a PNG (no EXIF, no GPS), stored under `media/` (public, like the logo;
/// the name is the content's hash). The owner sets anyone's; others only their own.
pub async fn use_staff_photo(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    let staff: portal_domain::ids::StaffId = path(req, "staff", "staff member")?;
    if staff != s.staff {
        s.must_own()?;
    }
    let body: UseUpload = json(req, MAX_BODY)?;
    let mut member = parties::get_staff(state.table.as_ref(), &s.tenant, &staff)
        .await?
        .filter(|x| x.active)
        .ok_or(ApiError::NotFound("staff member"))?;
    let original = take_upload(state, &upload_key(&s.tenant, &body.upload), MAX_LOGO_BYTES).await?;
    let photo = image_check::logo(&original.bytes)?;
    let t = parties::get_tenant(state.table.as_ref(), &s.tenant).await?.ok_or(ApiError::NotFound("tenant"))?;
    let name =
        format!("media/{}/staff-{}-{}.png", s.tenant.as_str().to_ascii_lowercase(), staff.as_str().to_ascii_lowercase(), photo.fingerprint);
    state.blobs.put(&name, &Blob { bytes: photo.png, content_type: "image/png".into() }, IMMUTABLE).await.map_err(ApiError::internal)?;
    let url = format!("{}/{name}", t.portal_url.trim_end_matches('/'));
    let before = member.photo.replace(url.clone());
    let entry = AuditEntry::record(
        state.ids.as_ref(),
        req.now,
        s.actor(),
        "staff.profile_changed",
        Some(staff.to_string()),
        None,
        &req.origin,
        serde_json::json!({ "before": before, "photo": url, "width": photo.width, "height": photo.height }),
    );
    state.table.transact(vec![parties::save_active_staff(&member)?, audit::append(&s.tenant, &entry)?]).await?;
    Ok(response::ok(&StaffPhoto { photo: url, width: photo.width, height: photo.height }))
}

/// What a scan of a paper approval may be, as declared (the content is checked on use).
const SCAN_TYPES: &[&str] = &["application/pdf", "image/png", "image/jpeg"];

/// Reads an upload (at most `max` bytes) and deletes it whatever it turns out to be.
async fn take_upload(state: &State, key: &str, max: u64) -> Result<Blob, ApiError> {
    let fetched = state.blobs.get(key, max).await.map_err(ApiError::internal)?;
    state.blobs.delete(key).await.map_err(ApiError::internal)?;
    match fetched {
        Fetched::Found(blob) => Ok(blob),
        Fetched::Missing => {
            Err(ApiError::Conflict("upload_missing", "The file did not arrive (or was already used). Upload it again.".into()))
        }
        Fetched::TooLarge => Err(ApiError::PayloadTooLarge),
    }
}

/// The estimate (by the path's account and estimate) and its current version's approval,
/// which must be one the office recorded.
async fn offline_approval(
    state: &State,
    s: &StaffSession,
    req: &Call,
) -> Result<(portal_store::repo::estimates::EstimateBundle, u32, portal_domain::estimate::Approval), ApiError> {
    use portal_domain::estimate::Decision;
    let account: portal_domain::ids::AccountId = path(req, "account", "customer")?;
    let id: portal_domain::ids::EstimateId = path(req, "estimate", "estimate")?;
    let bundle = estimates::load(state.table.as_ref(), &s.tenant, &account, &id).await?.ok_or(ApiError::NotFound("estimate"))?;
    let version = bundle.estimate.current_version;
    match bundle.decisions.get(&version) {
        Some(Decision::Approved(a)) if a.offline.is_some() => {
            let a = (**a).clone();
            Ok((bundle, version, a))
        }
        _ => Err(ApiError::Conflict("not_offline", "A scan goes with an approval the office recorded. Record the approval first.".into())),
    }
}

/// The file of the approval's scan.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ScanAdded {
    pub content_type: String,
    pub size: u64,
}

#[utoipa::path(put, path = "/api/admin/customers/{account}/estimates/{estimate}/approval-scan", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    request_body = UseUpload,
    responses((status = 200, body = ScanAdded), (status = 400, body = portal_http::error::ErrorBody, description = "not a PDF, PNG or JPEG file, or too many pixels"),
              (status = 403, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "no approval recorded by the office, or the file never arrived")))]
/// Keeps a scan or photo of the paper an offline approval was signed on, with that approval.
/// Read by content: a PDF is kept as sent; a photo is re-encoded as a JPEG of at most 2400
/// px (its GPS and EXIF never kept). Stored privately, served only to staff; audited.
pub async fn attach_scan(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    use portal_domain::estimate::Decision;
    let s = req.staff(&state.verifier)?;
    s.may_manage()?;
    let (bundle, version, mut approval) = offline_approval(state, &s, req).await?;
    let body: UseUpload = json(req, MAX_BODY)?;
    let original = take_upload(state, &upload_key(&s.tenant, &body.upload), MAX_SCAN_BYTES).await?;
    let kept = if original.bytes.starts_with(b"%PDF-") {
        Blob { bytes: original.bytes, content_type: "application/pdf".into() }
    } else {
        let jpeg = image_check::scan(&original.bytes)
            .map_err(|_| ApiError::BadRequest("not_a_scan", "This file is not a PDF, PNG or JPEG we can read.".into()))?;
        Blob { bytes: jpeg, content_type: "image/jpeg".into() }
    };
    // What is kept must come back through this function (a Lambda answer carries 6 MB).
    if kept.bytes.len() as u64 > MAX_SCAN_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let e = &bundle.estimate;
    let digest = sha2::Sha256::digest(&kept.bytes);
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let ext = if kept.content_type == "application/pdf" { "pdf" } else { "jpg" };
    let key = format!("private/{}/approvals/{}-{hash}.{ext}", s.tenant.as_str().to_ascii_lowercase(), e.id.as_str().to_ascii_lowercase());
    let size = kept.bytes.len() as u64;
    state.blobs.put(&key, &kept, "private, no-store").await.map_err(ApiError::internal)?;
    let now = req.now;
    let content_type = kept.content_type.clone();
    let before = approval.offline.as_ref().and_then(|o| o.scan.as_ref()).map(|x| x.key.clone());
    if let Some(o) = approval.offline.as_mut() {
        o.scan = Some(portal_domain::estimate::Scan { key: key.clone(), content_type: content_type.clone(), size, added_at: now });
    }
    let mut header = e.clone();
    header.rev += 1;
    let entry = AuditEntry::record(
        state.ids.as_ref(),
        now,
        s.actor(),
        "estimate.approval_scan_added",
        Some(e.id.to_string()),
        Some(e.account.clone()),
        &req.origin,
        serde_json::json!({ "number": e.number, "version": version, "content_type": content_type, "size": size, "replaced": before.is_some() }),
    );
    state
        .table
        .transact(vec![
            estimates::save_header(&header, e.rev)?,
            estimates::replace_decision(e, version, &Decision::Approved(Box::new(approval)))?,
            audit::append(&s.tenant, &entry)?,
        ])
        .await?;
    // The file it replaced is no longer anyone's.
    if let Some(old) = before.filter(|old| old != &key) {
        state.blobs.delete(&old).await.map_err(ApiError::internal)?;
    }
    Ok(response::ok(&ScanAdded { content_type, size }))
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/estimates/{estimate}/approval-scan", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("estimate" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, description = "The file (PDF or JPEG), to download", content_type = "application/octet-stream"),
              (status = 409, body = portal_http::error::ErrorBody, description = "no approval recorded by the office"),
              (status = 404, body = portal_http::error::ErrorBody, description = "no scan kept with it")))]
/// The scan kept with an offline approval, for staff: private, never cached.
pub async fn get_scan(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    let (bundle, _, approval) = offline_approval(state, &s, req).await?;
    let scan = approval.offline.and_then(|o| o.scan).ok_or(ApiError::NotFound("scan"))?;
    let blob = match state.blobs.get(&scan.key, MAX_SCAN_BYTES).await.map_err(ApiError::internal)? {
        Fetched::Found(blob) => blob,
        _ => return Err(ApiError::NotFound("scan")),
    };
    let ext = if scan.content_type == "application/pdf" { "pdf" } else { "jpg" };
    let name = format!("{}-approval.{ext}", bundle.estimate.number);
    Response::builder()
        .status(200)
        .header("content-type", scan.content_type)
        .header("content-disposition", format!("attachment; filename=\"{name}\""))
        .header("cache-control", "private, no-store")
        .header("x-content-type-options", "nosniff")
        .body(Body::Binary(blob.bytes))
        .map_err(ApiError::internal)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(start_upload, use_logo, use_staff_photo, attach_scan, get_scan))]
pub struct Api;
