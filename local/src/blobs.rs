//! Local mode's S3 front door: `PUT /dev/blobs/{key}?expires=&length=&sig=` takes a browser
//! upload to the address a function signed, then (for `uploads/`) runs process-upload on the
//! same S3 event the bucket sends in AWS; `GET /dev/blobs/{key}?expires=&sig=` serves a
//! private file at a signed read address; `GET /media/...` serves checked media (never
//! uploads) with their stored type and cache headers, as CloudFront does in AWS.
use std::path::{Path, PathBuf};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use portal_embedded::files::{MAX_UPLOAD, Refused};
use portal_http::ApiError;

use crate::App;
use crate::app::{bytes_response, from_lambda};

type Resp = hyper::Response<Full<Bytes>>;

fn error(e: ApiError) -> Resp {
    from_lambda(e.into_response())
}

fn query(req: &hyper::Request<Incoming>) -> std::collections::HashMap<String, String> {
    let q = req.uri().query().unwrap_or_default();
    q.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// `PUT /dev/blobs/{key}`: a signed upload.
pub async fn receive(app: &App, method: &http::Method, key: &str, req: hyper::Request<Incoming>) -> Resp {
    if method == http::Method::GET || method == http::Method::HEAD {
        return read(app, key, &query(&req)).await;
    }
    if method == http::Method::OPTIONS {
        // Same origin locally: nothing to allow beyond what the browser already may.
        return bytes_response(204, "text/plain", Bytes::new());
    }
    if method != http::Method::PUT {
        return error(ApiError::NotFound("route"));
    }
    let q = query(&req);
    let (Some(expires), Some(length), Some(sig)) =
        (q.get("expires").and_then(|v| v.parse::<i64>().ok()), q.get("length").and_then(|v| v.parse::<u64>().ok()), q.get("sig"))
    else {
        return error(ApiError::Forbidden("This upload address is not valid."));
    };
    let sig = sig.clone();
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let limit = usize::try_from(length.min(MAX_UPLOAD)).unwrap_or(0);
    let body = match Limited::new(req.into_body(), limit).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return error(ApiError::PayloadTooLarge),
    };
    match app.blobs.receive(key, expires, length, &sig, &content_type, &body).await {
        Ok(Ok(())) => {
            if key.starts_with("uploads/") {
                app.process_upload(key, body.len()).await;
            }
            bytes_response(200, "application/json", Bytes::from_static(b"{}"))
        }
        Ok(Err(r @ (Refused::BadSignature | Refused::Expired))) => error(ApiError::Forbidden(match r {
            Refused::Expired => "This upload address has expired. Start the upload again.",
            _ => "This upload address is not valid.",
        })),
        Ok(Err(r)) => error(ApiError::BadRequest("upload_mismatch", r.to_string())),
        Err(e) => error(ApiError::internal(e)),
    }
}

/// `GET /dev/blobs/{key}`: a private file at a signed read address (as a presigned S3 GET).
async fn read(app: &App, key: &str, q: &std::collections::HashMap<String, String>) -> Resp {
    let expires = q.get("expires").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let sig = q.get("sig").cloned().unwrap_or_default();
    match app.blobs.serve(key, expires, &sig).await {
        Ok(Ok((blob, disposition))) => {
            let mut r = bytes_response(200, &blob.content_type, blob.bytes.into());
            let h = r.headers_mut();
            h.insert("cache-control", http::HeaderValue::from_static("private, max-age=86400, immutable"));
            if let Some(v) = disposition.and_then(|d| http::HeaderValue::from_str(&d).ok()) {
                h.insert("content-disposition", v);
            }
            r
        }
        Ok(Err(Refused::Gone)) => error(ApiError::NotFound("file")),
        Ok(Err(Refused::Expired)) => error(ApiError::Forbidden("This address has expired. Reload the page.")),
        Ok(Err(_)) => error(ApiError::Forbidden("This address is not valid.")),
        Err(e) => error(ApiError::internal(e)),
    }
}

/// `GET /media/...`: checked media only.
pub async fn media(app: &App, key: &str) -> Resp {
    match app.blobs.public(key).await {
        Ok(Some((blob, cache))) => {
            let mut r = bytes_response(200, &blob.content_type, blob.bytes.into());
            if let Ok(v) = http::HeaderValue::from_str(&cache) {
                r.headers_mut().insert("cache-control", v);
            }
            r
        }
        Ok(None) => error(ApiError::NotFound("file")),
        Err(e) => error(ApiError::internal(e)),
    }
}

/// A folder removed when dropped: the blob store of an in-memory app (tests, benchmarks).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Result<Self, String> {
        let path = std::env::temp_dir().join(format!("switchboard-{name}"));
        std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self(path))
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
