//! Photos and documents: an upload slot checked against its target, the quota and the
//! uploader's daily count (one read, one transaction); the files as pages show them, with
//! short-lived signed addresses; the office's label changes and deletions, audited.
use jiff::Timestamp;
use portal_domain::FieldErrors;
use portal_domain::file::{self, Attached, FileKind, Kept, Labels, StoredFile, Upload, UploadState, Uploader};
use portal_domain::ids::{AccountId, FileId, PropertyId, StaffId};
use portal_domain::ports::{Blobs, PortError, SignedRequest};
use portal_store::keys;
use portal_store::repo::files;
use portal_store::table::{Item, Key};

use crate::{Act, Error};

/// What the browser asks a slot for.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFile {
    /// What the file is attached to.
    pub to: Attached,
    pub kind: FileKind,
    /// As the device declares it (the content is what is checked): `image/jpeg`,
    /// `image/png`, `image/webp` for a photo, `application/pdf` for a document.
    #[schema(pattern = "^(image/(jpeg|png|webp)|application/pdf)$")]
    pub content_type: String,
    /// Bytes, exactly: the upload address accepts only this length.
    #[schema(minimum = 1, maximum = 26214400)]
    pub size: u64,
    /// What the device called it (a document's download name).
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    #[schema(max_length = 200)]
    pub caption: Option<String>,
    /// A photo's place in the job.
    pub tag: Option<file::PhotoTag>,
    /// A document's kind.
    pub doc_kind: Option<file::DocKind>,
    /// Office only: shown to the customer (the default) or internal. A customer's uploads are
    /// always shared with the office and the account.
    pub shared: Option<bool>,
}

/// Who asks for a slot, as their verified session says.
pub enum Asker<'a> {
    /// A contact, limited to these properties (none: the whole account).
    Customer { properties: Option<&'a [PropertyId]> },
    /// The owner or office.
    Office,
    /// A technician: only to visits they are on.
    Technician { staff: &'a StaffId },
    /// The page of the public form that made the request, with the hash of the key it was
    /// given: photos of that request only, while the key works, as the lead who asked.
    Lead { key_hash: &'a str },
}

/// Where the browser sends the file.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Slot {
    /// The file's id: ask `GET .../uploads/{file}` how processing went.
    #[schema(value_type = String)]
    pub file: FileId,
    pub method: String,
    pub url: String,
    /// Headers to send unchanged with the file.
    pub headers: Vec<(String, String)>,
    /// Seconds the address works.
    pub expires_in: i64,
}

/// Declared types a photo and a document may have.
const PHOTO_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];
const DOCUMENT_TYPES: &[&str] = &["application/pdf"];
/// What an iPhone declares for a photo its browser could not convert: refused with advice.
const HEIC_TYPES: &[&str] = &["image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"];

/// The keys the slot's one read takes, in this order: what the file is attached to, the
/// visit's job (its property is the job's), the visit's technician line (for a technician),
/// the tenant (quota and daily limit).
struct TargetRead {
    keys: Vec<Key>,
    job: Option<usize>,
    technician: Option<usize>,
}

fn target_keys(act: &Act<'_>, account: &AccountId, to: &Attached, asker: &Asker<'_>) -> TargetRead {
    let (t, a) = (&act.tenant, account);
    let mut keys = vec![match to {
        Attached::Job { job } => keys::job(t, a, job),
        Attached::Visit { job, visit } => keys::visit(t, a, job, visit),
        Attached::Property { property } => keys::property(t, a, property),
        Attached::Estimate { estimate } => keys::estimate(t, a, estimate),
        Attached::Invoice { invoice } => keys::invoice(t, a, invoice),
        Attached::Messages => keys::account(t, a),
        Attached::Request { request } => keys::work_request(t, a, request),
    }];
    let (mut job_at, mut technician) = (None, None);
    if let Attached::Visit { job, visit } = to {
        job_at = Some(keys.len());
        keys.push(keys::job(t, a, job));
        if let Asker::Technician { staff } = asker {
            technician = Some(keys.len());
            keys.push(keys::visit_technician(t, a, job, visit, staff));
        }
    }
    keys.push(keys::tenant(t));
    TargetRead { keys, job: job_at, technician }
}

/// The property of the target (a visit's is its job's), and whether it is one a customer
/// sees (an estimate or invoice the office has sent; a job is the customer's).
fn target_property(to: &Attached, item: &Item, job: Option<&Item>) -> Result<(Option<PropertyId>, bool), Error> {
    let property = |item: &Item| -> Option<PropertyId> { item.get("property").and_then(|v| v.as_str()).and_then(|s| s.parse().ok()) };
    Ok(match to {
        Attached::Job { .. } => (property(item), true),
        Attached::Visit { .. } => (job.and_then(property), true),
        Attached::Property { property: p } => (Some(p.clone()), true),
        Attached::Estimate { .. } => {
            let e: portal_domain::estimate::Estimate = portal_store::record::from_item(item.clone())?;
            (e.property.clone(), e.status != portal_domain::estimate::EstimateStatus::Draft)
        }
        Attached::Invoice { .. } => {
            let i: portal_domain::invoice::Invoice = portal_store::record::from_item(item.clone())?;
            (i.property.clone(), i.status != portal_domain::invoice::InvoiceStatus::Draft)
        }
        // The general thread: every contact of the account sees it, at no property.
        Attached::Messages => (None, true),
        // A request at an address still to confirm has no property yet.
        Attached::Request { .. } => (property(item), true),
    })
}

/// Gives an upload slot: checks the request, the target (in the account, seen by the asker),
/// then reserves the bytes against the contractor's quota and counts one of the uploader's
/// uploads for today, with the slot, in one transaction.
pub async fn start(act: &Act<'_>, blobs: &dyn Blobs, account: &AccountId, asker: Asker<'_>, body: &NewFile) -> Result<Slot, Error> {
    // Outside what any file may be (the limits the API document states): 400.
    let mut e = FieldErrors::new();
    if HEIC_TYPES.contains(&body.content_type.as_str()) {
        e.add("content_type", file::HEIC_ADVICE);
    } else if !PHOTO_TYPES.contains(&body.content_type.as_str()) && !DOCUMENT_TYPES.contains(&body.content_type.as_str()) {
        e.add("content_type", "a JPEG, PNG or WebP photo, or a PDF");
    }
    if body.size == 0 || body.size > file::MAX_FILE_BYTES {
        e.add("size", "at most 25 MB");
    }
    if body.name.is_empty() || body.name.chars().count() > 255 {
        e.add("name", "1 to 255 characters");
    }
    let caption = file::caption(body.caption.as_deref(), &mut e);
    e.into_result()?;
    // Fields that must agree with each other, or with who asks: 422.
    let mut e = FieldErrors::new();
    let types = match body.kind {
        FileKind::Photo => PHOTO_TYPES,
        FileKind::Document => DOCUMENT_TYPES,
    };
    if !types.contains(&body.content_type.as_str()) {
        e.add(
            "content_type",
            match body.kind {
                FileKind::Photo => "a JPEG, PNG or WebP photo",
                FileKind::Document => "a PDF",
            },
        );
    }
    let name = body.name.trim();
    if name.is_empty() {
        e.add("name", "the file's name");
    }
    if body.tag.is_some() && body.kind == FileKind::Document {
        e.add("tag", "only photos have a before, during or after tag");
    }
    if body.doc_kind.is_some() && body.kind == FileKind::Photo {
        e.add("doc_kind", "only documents have a kind");
    }
    if body.shared == Some(false) && matches!(asker, Asker::Customer { .. } | Asker::Lead { .. }) {
        e.add("shared", "what a customer adds is always shared with the office");
    }
    if matches!(asker, Asker::Technician { .. }) && !matches!(body.to, Attached::Visit { .. }) {
        e.add("to", "a technician adds files to one of their visits");
    }
    if matches!(asker, Asker::Lead { .. }) && body.kind != FileKind::Photo {
        e.add("kind", "the request form takes photos");
    }
    Error::fields(e)?;
    // The one read: the target, (the technician's place on the visit,) the tenant.
    let read = target_keys(act, account, &body.to, &asker);
    let found = act.table.get_many(&read.keys).await?;
    let at = |i: Option<usize>| i.and_then(|i| found.get(i).cloned().flatten());
    let target = at(Some(0)).ok_or(Error::NotFound("what the file is for"))?;
    let tenant: portal_domain::party::Tenant =
        portal_store::record::from_item(found.last().cloned().flatten().ok_or(Error::NotFound("tenant"))?)?;
    let job = at(read.job);
    if read.job.is_some() && job.is_none() {
        return Err(Error::NotFound("visit"));
    }
    let (property, customer_sees) = target_property(&body.to, &target, job.as_ref())?;
    match &asker {
        Asker::Customer { properties } => {
            // A request at an address still to confirm is at no property: a contact who sees
            // the whole account may add to it.
            let anywhere = body.to == Attached::Messages || (matches!(body.to, Attached::Request { .. }) && properties.is_none());
            if !customer_sees || !(anywhere || portal_domain::party::within(*properties, property.as_ref())) {
                return Err(Error::NotFound("what the file is for"));
            }
        }
        Asker::Technician { .. } => {
            if at(read.technician).is_none() {
                return Err(Error::NotFound("visit"));
            }
        }
        Asker::Office => {}
        Asker::Lead { key_hash } => match portal_store::repo::requests::photo_key_works(&target, key_hash, act.now) {
            None => return Err(Error::NotFound("request")),
            Some(false) => {
                return Err(Error::conflict(
                    "photos_closed",
                    "The time to add photos to this request has passed. Send them when we contact you.",
                ));
            }
            Some(true) => {}
        },
    }
    let by = match &asker {
        // The lead who asked, as the request names them.
        Asker::Lead { .. } => {
            let text = |k: &str| target.get(k).and_then(|v| v.as_str()).map(str::to_string);
            Uploader { id: text("contact").ok_or(Error::NotFound("request"))?, name: text("name").unwrap_or_default(), staff: false }
        }
        _ => Uploader::of(&act.actor).ok_or(Error::NotFound("uploader"))?,
    };
    if let Attached::Visit { job, .. } = &body.to {
        // A visit's key names its job; the stored visit must agree.
        let of_job = target.get("job").and_then(|v| v.as_str());
        if of_job != Some(job.as_str()) {
            return Err(Error::NotFound("visit"));
        }
    }
    let upload = Upload {
        id: FileId::generate(act.ids),
        tenant: act.tenant.clone(),
        account: account.clone(),
        property,
        attached: body.to.clone(),
        kind: body.kind,
        size: body.size,
        labels: Labels {
            caption,
            tag: body.tag,
            doc_kind: match body.kind {
                FileKind::Document => Some(body.doc_kind.unwrap_or_default()),
                FileKind::Photo => None,
            },
            shared: body.shared.unwrap_or(true),
            name: file::safe_name(name, body.kind),
        },
        by,
        created_at: act.now,
        state: UploadState::Pending,
    };
    // The daily count is a contact's: staff add what their work needs.
    let daily = match asker {
        Asker::Customer { .. } => Some(tenant.files.daily_per_contact),
        Asker::Lead { .. } => Some(crate::requests::PUBLIC_PHOTOS),
        Asker::Office | Asker::Technician { .. } => None,
    };
    let writes = files::start(&upload, tenant.files.quota_bytes, daily)?;
    // The tenant's bytes are one item every upload adds to: a slot that lost a race for it
    // is tried again rather than refused.
    if let Err(err) = portal_store::table::transact_retrying(act.table, writes, 3).await {
        return Err(match files::refusal(&err) {
            Some(files::Refusal::Quota) => Error::conflict(
                "storage_full",
                "The contractor's storage for photos and documents is full. Please tell the office; nothing was uploaded.",
            ),
            Some(files::Refusal::Daily) if matches!(asker, Asker::Lead { .. }) => {
                Error::Limited("That is as many photos as the form takes. Send any others when we contact you.")
            }
            Some(files::Refusal::Daily) => {
                Error::Limited("You have added as many files as a day allows. Try again tomorrow, or send them to the office by email.")
            }
            None => err.into(),
        });
    }
    let key = file::upload_key(&upload.tenant, &upload.account, &upload.id);
    let expires = std::time::Duration::from_secs(file::SLOT_SECONDS.unsigned_abs());
    let SignedRequest { method, url, headers } = match blobs.upload_request(&key, &body.content_type, body.size, expires).await {
        Ok(signed) => signed,
        Err(e) => {
            // No address, no upload: the bytes reserved are given back at once.
            if let Err(undo) = act.table.transact(files::fail(&upload, "The upload could not start. Try again.")?).await {
                tracing::error!(error = %undo, "giving back an unsigned slot's bytes failed; the sweep will");
            }
            return Err(port(e));
        }
    };
    Ok(Slot { file: upload.id, method, url, headers, expires_in: file::SLOT_SECONDS })
}

fn port(e: PortError) -> Error {
    Error::Inconsistent(format!("blob store: {e}"))
}

/// A photo's two renditions, by signed address.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PhotoView {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub thumb_url: String,
    pub thumb_width: u32,
    pub thumb_height: u32,
    /// The camera's own clock (no zone), when it said.
    #[schema(value_type = Option<String>, example = "2026-11-30T14:05:09")]
    pub taken_at: Option<jiff::civil::DateTime>,
}

/// A document, by signed address: always a download.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub url: String,
    pub name: String,
    pub bytes: u64,
    pub kind: file::DocKind,
    pub kind_label: String,
}

/// A file as pages show it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FileView {
    #[schema(value_type = String)]
    pub id: FileId,
    pub kind: FileKind,
    pub to: Attached,
    #[schema(value_type = Option<String>)]
    pub property: Option<PropertyId>,
    pub caption: Option<String>,
    pub tag: Option<file::PhotoTag>,
    pub shared: bool,
    /// Who added it (a name; "the office" is a staff member's name).
    pub by: String,
    pub by_staff: bool,
    #[schema(value_type = String, format = DateTime)]
    pub added_at: Timestamp,
    /// Whether this session may delete it.
    pub removable: bool,
    pub photo: Option<PhotoView>,
    pub document: Option<DocumentView>,
}

/// The view of a file with addresses signed for the hour `now` falls in.
pub async fn view(blobs: &dyn Blobs, f: &StoredFile, removable: bool, now: Timestamp) -> Result<FileView, Error> {
    let (photo, document) = match &f.kept {
        Kept::Photo(p) => (
            Some(PhotoView {
                url: blobs.read_url(&p.display.key, now).await.map_err(port)?,
                width: p.display.width,
                height: p.display.height,
                thumb_url: blobs.read_url(&p.thumb.key, now).await.map_err(port)?,
                thumb_width: p.thumb.width,
                thumb_height: p.thumb.height,
                taken_at: p.taken_at,
            }),
            None,
        ),
        Kept::Document(d) => {
            let kind = f.labels.doc_kind.unwrap_or_default();
            (
                None,
                Some(DocumentView {
                    url: blobs.read_url(&d.key, now).await.map_err(port)?,
                    name: f.labels.name.clone(),
                    bytes: d.bytes,
                    kind,
                    kind_label: kind.label().into(),
                }),
            )
        }
    };
    Ok(FileView {
        id: f.id.clone(),
        kind: f.kind(),
        to: f.attached.clone(),
        property: f.property.clone(),
        caption: f.labels.caption.clone(),
        tag: f.labels.tag,
        shared: f.labels.shared,
        by: f.by.name.clone(),
        by_staff: f.by.staff,
        added_at: f.created_at,
        removable,
        photo,
        document,
    })
}

/// Views of several files; `removable` says which this session may delete.
pub async fn views(
    blobs: &dyn Blobs,
    files: &[StoredFile],
    removable: impl Fn(&StoredFile) -> bool,
    now: Timestamp,
) -> Result<Vec<FileView>, Error> {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        out.push(view(blobs, f, removable(f), now).await?);
    }
    Ok(out)
}

/// How an upload went, for the uploader's page.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UploadStatus {
    #[schema(value_type = String)]
    pub file: FileId,
    pub state: UploadPhase,
    /// For a failed upload: what happened and what to do, in plain words.
    pub reason: Option<String>,
    /// The file, once ready.
    pub view: Option<FileView>,
}

/// Where an upload is, as its uploader's page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadPhase {
    Pending,
    Ready,
    Failed,
}

/// The status of an upload the uploader `by` made (none for anyone else's). A contact (`by`
/// given) sees the file only while it is shared: the office may have made it internal since.
pub async fn status(act: &Act<'_>, blobs: &dyn Blobs, account: &AccountId, id: &FileId, by: Option<&str>) -> Result<UploadStatus, Error> {
    let upload = files::get_upload(act.table, &act.tenant, account, id).await?.ok_or(Error::NotFound("upload"))?;
    if by.is_some_and(|who| who != upload.by.id) {
        return Err(Error::NotFound("upload"));
    }
    let (state, reason) = match upload.state_at(act.now) {
        UploadState::Pending => (UploadPhase::Pending, None),
        UploadState::Ready => (UploadPhase::Ready, None),
        UploadState::Failed { reason } => (UploadPhase::Failed, Some(reason)),
    };
    let view = if state == UploadPhase::Ready {
        let key = keys::file(&act.tenant, account, &upload.attached, id);
        match act.table.get(&key).await?.map(files::take).transpose()? {
            Some(f) if f.labels.shared || by.is_none() => Some(view(blobs, &f, true, act.now).await?),
            // Deleted since, or made internal.
            _ => None,
        }
    } else {
        None
    };
    Ok(UploadStatus { file: id.clone(), state, reason, view })
}

/// A file of the account by id (`NotFound` for another account's or tenant's).
pub async fn find(act: &Act<'_>, account: &AccountId, id: &FileId) -> Result<StoredFile, Error> {
    files::by_id(act.table, &act.tenant, id).await?.filter(|f| &f.account == account).ok_or(Error::NotFound("file"))
}

/// The office changes a file's caption, tag, kind or visibility; audited.
pub async fn relabel(act: &Act<'_>, f: &StoredFile, change: &file::LabelChange) -> Result<StoredFile, Error> {
    let labels = change.apply(f).map_err(|e| match e {
        // The tag and the kind must fit the file: a rule of the record, not of the request.
        portal_domain::DomainError::Invalid(f) => Error::Unprocessable(f),
        other => Error::Rule(other),
    })?;
    let detail = serde_json::json!({ "before": { "caption": f.labels.caption, "tag": f.labels.tag, "doc_kind": f.labels.doc_kind, "shared": f.labels.shared },
        "after": { "caption": labels.caption, "tag": labels.tag, "doc_kind": labels.doc_kind, "shared": labels.shared } });
    let mut next = f.clone();
    next.labels = labels.clone();
    next.rev += 1;
    act.table.transact(vec![files::save_labels(f, labels)?, act.audit("file.changed", &f.id, Some(&f.account), detail)?]).await?;
    Ok(next)
}

/// Deletes a file and its renditions; audited.
pub async fn remove(act: &Act<'_>, blobs: &dyn Blobs, f: &StoredFile) -> Result<(), Error> {
    let detail =
        serde_json::json!({ "kind": f.kind(), "to": f.attached, "caption": f.labels.caption, "by": f.by.name, "bytes": f.stored_bytes() });
    let mut writes = files::delete(f)?;
    writes.push(act.audit("file.deleted", &f.id, Some(&f.account), detail)?);
    act.table.transact(writes).await?;
    // The record is gone first, never a record pointing at nothing; its blobs go next. When
    // that fails the file is still deleted for everyone: the leftover written with the delete
    // makes the upload sweep remove them within 15 minutes.
    let leftover = files::Leftover { tenant: f.tenant.clone(), file: f.id.clone(), blobs: f.blob_keys() };
    if let Err(e) = remove_leftover(act.table, blobs, &leftover).await {
        tracing::warn!(error = %e, "a deleted file's blobs are left for the sweep");
    }
    Ok(())
}

/// Removes a deleted file's blobs, then forgets the leftover (the upload sweep's work too).
pub async fn remove_leftover(table: &dyn portal_store::Table, blobs: &dyn Blobs, l: &files::Leftover) -> Result<(), Error> {
    for key in &l.blobs {
        blobs.delete(key).await.map_err(port)?;
    }
    table.delete(files::leftover_done(l)).await?;
    Ok(())
}
