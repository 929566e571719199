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

use lambda_http::{Body, Request, Response};
use portal_domain::FieldErrors;
use portal_domain::audit::AuditEntry;
use portal_domain::ids::UploadId;
use portal_domain::ports::{Blob, Blobs, Clock, Fetched, Ids, SignedRequest};
use portal_http::request::{MAX_BODY, json, origin, route_key};
use portal_http::session::StaffSession;
use portal_http::token::Verifier;
use portal_http::{ApiError, response};
use portal_store::Table;
use portal_store::repo::{audit, parties};

pub mod image_check;

pub const ROUTES: &[&str] = &["POST /api/admin/uploads", "PUT /api/admin/settings/logo"];

/// The largest logo accepted (bytes as uploaded).
pub const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;
/// How long an upload address works.
const UPLOAD_SECONDS: u64 = 300;
/// Stored logos never change (their name is their content's hash).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub struct State {
    pub table: Arc<dyn Table>,
    pub blobs: Arc<dyn Blobs>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub verifier: Verifier,
}

pub async fn handle(state: &State, req: Request) -> Response<Body> {
    let result = match route_key(&req).as_deref() {
        Some("POST /api/admin/uploads") => start_upload(state, &req).await,
        Some("PUT /api/admin/settings/logo") => use_logo(state, &req).await,
        _ => Err(ApiError::NotFound("route")),
    };
    result.unwrap_or_else(ApiError::into_response)
}

/// What a file is for; each purpose has its own limits and its own role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = UploadPurpose)]
pub enum Purpose {
    Logo,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    pub purpose: Purpose,
    /// `image/png` or `image/jpeg`.
    #[schema(pattern = "^image/(png|jpeg)$")]
    pub content_type: String,
    /// Bytes (a logo: at most 2 MB).
    #[schema(minimum = 1, maximum = 2097152)]
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
pub async fn start_upload(state: &State, req: &Request) -> Result<Response<Body>, ApiError> {
    let s = StaffSession::from_request(req, &state.verifier, state.clock.now())?;
    let body: NewUpload = json(req, MAX_BODY)?;
    match body.purpose {
        Purpose::Logo => s.must_own()?,
    }
    let mut e = FieldErrors::new();
    if !image_check::ACCEPTED.contains(&body.content_type.as_str()) {
        e.add("content_type", "a PNG or JPEG image");
    }
    if body.size == 0 || body.size > MAX_LOGO_BYTES {
        e.add("size", "at most 2 MB");
    }
    e.into_result()?;
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
pub async fn use_logo(state: &State, req: &Request) -> Result<Response<Body>, ApiError> {
    let s = StaffSession::from_request(req, &state.verifier, state.clock.now())?;
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
        state.clock.now(),
        s.actor(),
        "settings.logo_changed",
        Some("settings".into()),
        None,
        &origin(req),
        serde_json::json!({ "before": before, "after": url, "width": logo.width, "height": logo.height }),
    );
    state.table.transact(vec![parties::save_tenant(&t)?, audit::append(&s.tenant, &entry)?]).await?;
    Ok(response::ok(&Logo { logo_url: url, width: logo.width, height: logo.height }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(start_upload, use_logo))]
pub struct Api;
