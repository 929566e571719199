//! process-upload: started by the bucket's ObjectCreated event on `uploads/` (locally, the
//! local server runs it with the same event after each upload). For each file it reads the
//! upload slot the browser was given, identifies the file by its content, and keeps it: a
//! photo as two fresh JPEG renditions (upright, without EXIF or GPS), a document (PDF) as
//! uploaded, only ever served as a download. The original is deleted whatever happened.
//!
//! S3 delivers events at least once: a slot is processed only while it is pending, and every
//! write of its outcome is conditional on that, so a second delivery changes nothing. A
//! failure of storage is returned as an error (Lambda retries, then sends the event to the
//! dead-letter queue) and leaves the original for the retry; the uploader's page reports an
//! upload not processed in time as failed (`Upload::state_at`), and the bucket's lifecycle
//! rule removes originals left behind after a day.
use std::sync::Arc;

use jiff::Timestamp;
use portal_domain::file::{
    DocumentFile, FileKind, GIVE_UP_SECONDS, Kept, PhotoFile, RENDITION_CACHE, Rendition, StoredFile, Upload, UploadState,
};
use portal_domain::ids::{AccountId, FileId, TenantId};
use portal_domain::ports::{Blob, Blobs, Clock, Fetched, PortError};
use portal_http::function::{Deps, EventFunction, Missing};
use portal_store::repo::files;
use portal_store::{StoreError, Table};
use serde_json::Value;

pub mod photo;

pub struct State {
    pub table: Arc<dyn Table>,
    pub blobs: Arc<dyn Blobs>,
    pub clock: Arc<dyn Clock>,
}

impl EventFunction for State {
    const NAME: &'static str = "process-upload";
    fn build(deps: &Deps) -> Result<Self, Missing> {
        Ok(Self {
            table: deps.table.clone(),
            blobs: Deps::need("process-upload", "the Blobs port (BLOB_BUCKET)", &deps.blobs)?,
            clock: deps.clock.clone(),
        })
    }
    async fn event(&self, payload: Value, now: Timestamp) -> Result<Value, lambda_http::Error> {
        if payload.get("detail-type").and_then(Value::as_str) == Some("Scheduled Event") {
            let released = sweep(self, now).await.inspect_err(|e| {
                tracing::error!(error = %portal_http::error::error_chain(e), "the sweep of pending uploads failed; the next one retries");
            })?;
            return Ok(serde_json::json!({ "released": released }));
        }
        let mut outcomes = Vec::new();
        for key in portal_http::objects::object_keys(payload)? {
            match process(self, &key, now).await {
                Ok(o) => outcomes.push(o.as_str()),
                Err(e) => {
                    tracing::error!(error = %portal_http::error::error_chain(&e), "processing an upload failed; Lambda will retry");
                    return Err(e.into());
                }
            }
        }
        Ok(serde_json::json!({ "outcomes": outcomes }))
    }
}

/// What became of one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Kept: the file is recorded.
    Kept,
    /// Refused by its content (or its size); the upload is marked failed.
    Refused,
    /// Already processed (a second delivery), or no slot was given for it: removed.
    Duplicate,
    /// Not a file upload (the logo's uploads are used by the media function).
    Ignored,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Kept => "kept",
            Outcome::Refused => "refused",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored => "ignored",
        }
    }
}

/// Why processing must be tried again.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("storage")]
    Store(#[from] StoreError),
    #[error("blob store")]
    Blobs(#[from] PortError),
    #[error("the image worker stopped")]
    Worker(#[from] tokio::task::JoinError),
}

/// The upload's key: `uploads/{tenant}/{account}/{file}`, as `upload-photo` signs it.
pub fn upload_key(t: &TenantId, a: &AccountId, f: &FileId) -> String {
    portal_domain::file::upload_key(t, a, f)
}

fn parse_key(key: &str) -> Option<(TenantId, AccountId, FileId)> {
    let mut parts = key.strip_prefix("uploads/")?.split('/');
    let (t, a, f) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((t.parse().ok()?, a.parse().ok()?, f.parse().ok()?))
}

/// Where a kept file's blobs go (private: served only through signed addresses).
pub fn kept_key(u: &Upload, name: &str) -> String {
    portal_domain::file::kept_key(&u.tenant, &u.account, &u.id, name)
}

/// Processes one uploaded object.
pub async fn process(state: &State, key: &str, now: Timestamp) -> Result<Outcome, Failure> {
    let Some((tenant, account, file)) = parse_key(key) else {
        tracing::info!("an upload that is not a file's; left to its own function");
        return Ok(Outcome::Ignored);
    };
    let upload = match files::get_upload(state.table.as_ref(), &tenant, &account, &file).await? {
        Some(u) if u.state == UploadState::Pending => u,
        _ => {
            // Processed already, or never given: the object is nobody's.
            state.blobs.delete(key).await?;
            return Ok(Outcome::Duplicate);
        }
    };
    let blob = match state.blobs.get(key, upload.size).await? {
        Fetched::Found(b) => b,
        // Taken by a delivery running at the same time.
        Fetched::Missing => return Ok(Outcome::Duplicate),
        Fetched::TooLarge => {
            return refuse(state, key, &upload, "This file is larger than the upload allowed. Try again with the file you chose.").await;
        }
    };
    if blob.bytes.len() as u64 != upload.size {
        return refuse(state, key, &upload, "This file did not arrive whole. Try sending it again.").await;
    }
    let kept = match keep(state, &upload, blob.bytes, now).await? {
        Ok(kept) => kept,
        Err(reason) => return refuse(state, key, &upload, &reason).await,
    };
    let file = StoredFile::of(&upload, kept);
    match state.table.transact(files::finish(&upload, &file)?).await {
        Ok(()) => {}
        // Another delivery recorded it first (the renditions it wrote are these same bytes).
        Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => {}
        Err(e) => return Err(e.into()),
    }
    state.blobs.delete(key).await?;
    tracing::info!(kind = ?file.kind(), bytes = file.stored_bytes(), "upload kept");
    Ok(Outcome::Kept)
}

/// Slots handed out per tenant and sweep, at most (the next sweep takes the rest).
const SWEEP_PAGE: u32 = 200;

/// The scheduled sweep: upload slots still pending [`GIVE_UP_SECONDS`] after they were given
/// (the browser never sent the file, or processing gave up after Lambda's retries) are marked
/// failed, which gives their reserved bytes back to the quota and tells the uploader; an
/// original left behind is deleted. One Query per tenant finds them (none, on most runs).
/// Conditional like every outcome: an upload processed meanwhile is left as it is. A second
/// Query per tenant finds the blobs of deleted files that their delete could not remove.
pub async fn sweep(state: &State, now: Timestamp) -> Result<usize, Failure> {
    let given_by = Timestamp::from_second(now.as_second() - GIVE_UP_SECONDS).unwrap_or(now);
    let mut released = 0;
    for tenant in portal_store::repo::parties::list_tenants(state.table.as_ref()).await? {
        for upload in files::pending_before(state.table.as_ref(), &tenant, given_by, SWEEP_PAGE).await? {
            match state.table.transact(files::fail(&upload, portal_domain::file::NOT_FINISHED)?).await {
                Ok(()) => released += 1,
                Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => continue,
                Err(e) => return Err(e.into()),
            }
            state.blobs.delete(&upload_key(&upload.tenant, &upload.account, &upload.id)).await?;
        }
        // Blobs of deleted files that the delete could not remove at the time.
        for leftover in files::leftovers(state.table.as_ref(), &tenant, SWEEP_PAGE).await? {
            // One that fails again waits for the next sweep; the others, and the other
            // tenants, go on.
            if let Err(e) = remove_leftover(state, &leftover).await {
                tracing::warn!(error = %e, "a deleted file's blobs are left for the next sweep");
            }
        }
    }
    if released > 0 {
        tracing::info!(released, "pending uploads given up");
    }
    Ok(released)
}

async fn remove_leftover(state: &State, leftover: &files::Leftover) -> Result<(), Failure> {
    for key in &leftover.blobs {
        state.blobs.delete(key).await?;
    }
    state.table.delete(files::leftover_done(leftover)).await?;
    tracing::info!("a deleted file's blobs removed");
    Ok(())
}

async fn refuse(state: &State, key: &str, upload: &Upload, reason: &str) -> Result<Outcome, Failure> {
    match state.table.transact(files::fail(upload, reason)?).await {
        Ok(()) => {}
        Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => {}
        Err(e) => return Err(e.into()),
    }
    state.blobs.delete(key).await?;
    tracing::info!(reason, "upload refused");
    Ok(Outcome::Refused)
}

/// Reads the bytes by content and writes what is kept; `Ok(Err(reason))` when they are
/// refused.
async fn keep(state: &State, upload: &Upload, bytes: Vec<u8>, _now: Timestamp) -> Result<Result<Kept, String>, Failure> {
    use photo::Identified;
    let found = photo::identify(&bytes);
    let kind = match found {
        Identified::Jpeg | Identified::Png | Identified::WebP => FileKind::Photo,
        Identified::Pdf => FileKind::Document,
        Identified::Heic => {
            return Ok(Err(portal_domain::file::HEIC_ADVICE.into()));
        }
        Identified::Markup => return Ok(Err("SVG and web pages cannot be added. Send a JPEG, PNG or WebP photo, or a PDF.".into())),
        Identified::Unknown => return Ok(Err("This file is not a photo (JPEG, PNG or WebP) or a PDF. Send one of those.".into())),
    };
    match (upload.kind, kind) {
        (FileKind::Photo, FileKind::Document) => return Ok(Err("This is a PDF. Add it as a document, not a photo.".into())),
        (FileKind::Document, FileKind::Photo) => return Ok(Err("This is a photo. Add it as a photo; documents are PDF files.".into())),
        _ => {}
    }
    if kind == FileKind::Document {
        let key = kept_key(upload, "document.pdf");
        let bytes_len = bytes.len() as u64;
        // Served only as a download, whoever reads it and however.
        let download = portal_domain::ports::Download { name: upload.labels.name.clone(), content_type: "application/pdf".into() };
        state.blobs.put_download(&key, &Blob { bytes, content_type: "application/pdf".into() }, "private, max-age=3600", &download).await?;
        return Ok(Ok(Kept::Document(DocumentFile { key, bytes: bytes_len, content_type: "application/pdf".into() })));
    }
    // Decoding is CPU work: off the async threads (the local server serves others meanwhile).
    let rendered = tokio::task::spawn_blocking(move || photo::render(&bytes, found)).await?;
    let r = match rendered {
        Ok(r) => r,
        Err(refused) => return Ok(Err(refused.to_string())),
    };
    let mut out = Vec::new();
    for (name, e) in [("display.jpg", r.display), ("thumb.jpg", r.thumb)] {
        let key = kept_key(upload, name);
        let rendition = Rendition { key: key.clone(), width: e.width, height: e.height, bytes: e.jpeg.len() as u64 };
        state.blobs.put(&key, &Blob { bytes: e.jpeg, content_type: "image/jpeg".into() }, RENDITION_CACHE).await?;
        out.push(rendition);
    }
    let thumb = out.pop().ok_or_else(|| PortError::msg("no thumbnail"))?;
    let display = out.pop().ok_or_else(|| PortError::msg("no display rendition"))?;
    Ok(Ok(Kept::Photo(PhotoFile { display, thumb, taken_at: r.taken_at })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_file_upload_keys_are_taken() {
        assert!(parse_key("uploads/ten_a/acc_b/fil_c").is_some());
        assert!(parse_key("uploads/ten_a/upl_c").is_none(), "a logo's upload");
        assert!(parse_key("uploads/ten_a/acc_b/fil_c/x").is_none());
        assert!(parse_key("media/ten_a/acc_b/fil_c").is_none());
        assert!(parse_key("uploads/ten_a/acc_b/upl_c").is_none());
    }
}
