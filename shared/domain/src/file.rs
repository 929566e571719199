//! Photos and documents kept for an account: job photos (before, during, after), permits,
//! warranties, manuals and panel labels. A browser asks for an upload slot ([`Upload`]),
//! sends the file straight to the blob store, and the processing function turns it into a
//! [`StoredFile`] (or marks the upload failed). Photos are taken inside people's homes: they
//! are private to the account, never served as uploaded, and internal ones never reach a
//! customer.
use jiff::Timestamp;

use crate::audit::Actor;
use crate::ids::{AccountId, EstimateId, FileId, InvoiceId, JobId, PropertyId, TenantId, VisitId};
use crate::{DomainError, FieldErrors};

/// The largest photo or document accepted, in bytes as uploaded.
pub const MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;
/// What a customer is told when a photo is an iPhone HEIC (no browser but Safari shows one,
/// and the portal converts only what the browser can draw).
pub const HEIC_ADVICE: &str = "This is an iPhone HEIC photo, which browsers cannot show. Choose it again from Photos (it is sent as a JPEG), or set Camera > Formats to Most Compatible.";
/// A caption's length limit (characters).
pub const MAX_CAPTION: usize = 200;
/// A file name's length limit (characters) as kept for a document's download.
pub const MAX_NAME: usize = 120;
/// A photo's display rendition fits in this square (long edge), its thumbnail in the second.
pub const DISPLAY_EDGE: u32 = 2048;
pub const THUMB_EDGE: u32 = 400;
/// Photos with more pixels than this are refused before decoding (a 48 MP phone photo fits).
pub const MAX_PIXELS: u64 = 50_000_000;
/// How long an upload slot works.
pub const SLOT_SECONDS: i64 = 15 * 60;
/// An upload still not processed this long after its slot was given is reported as failed
/// (its event went to the dead-letter queue, or the file never arrived).
pub const GIVE_UP_SECONDS: i64 = SLOT_SECONDS + 15 * 60;
/// What the uploader is told of an upload given up.
pub const NOT_FINISHED: &str = "This upload did not finish. Please try it again.";

/// Photo or document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// JPEG, PNG or WebP: re-encoded into a display rendition and a thumbnail.
    Photo,
    /// PDF: kept as uploaded, only ever served as a download.
    Document,
}

/// When in the job a photo was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhotoTag {
    Before,
    During,
    After,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Permit,
    Warranty,
    Manual,
    PanelLabel,
    #[default]
    Other,
}

impl DocKind {
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Permit => "Permit",
            DocKind::Warranty => "Warranty",
            DocKind::Manual => "Manual",
            DocKind::PanelLabel => "Panel label",
            DocKind::Other => "Document",
        }
    }
}

/// What a file is attached to, in one account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "to")]
pub enum Attached {
    Job {
        job: JobId,
    },
    Visit {
        job: JobId,
        visit: VisitId,
    },
    Property {
        property: PropertyId,
    },
    Estimate {
        estimate: EstimateId,
    },
    Invoice {
        invoice: InvoiceId,
    },
    /// Sent in the account's general thread ("Questions for the office"), which every contact
    /// of the account sees.
    Messages,
    /// A work request's photos (and what is sent in its thread).
    Request {
        request: crate::ids::RequestId,
    },
}

impl Attached {
    /// The job it belongs to, for a job or one of its visits.
    pub fn job(&self) -> Option<&JobId> {
        match self {
            Attached::Job { job } | Attached::Visit { job, .. } => Some(job),
            _ => None,
        }
    }
    pub fn visit(&self) -> Option<&VisitId> {
        match self {
            Attached::Visit { visit, .. } => Some(visit),
            _ => None,
        }
    }
}

/// Who uploaded a file: a contact of the account or a staff member (by name, as shown).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Uploader {
    /// `con_...` or `stf_...`.
    pub id: String,
    pub name: String,
    pub staff: bool,
}

impl Uploader {
    pub fn of(actor: &Actor) -> Option<Uploader> {
        match actor {
            Actor::Contact { id, name } => Some(Uploader { id: id.clone(), name: name.clone(), staff: false }),
            Actor::Staff { id, name } => Some(Uploader { id: id.clone(), name: name.clone(), staff: true }),
            _ => None,
        }
    }
}

/// What the uploader says of the file (checked on the slot, kept on the record).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Labels {
    pub caption: Option<String>,
    pub tag: Option<PhotoTag>,
    pub doc_kind: Option<DocKind>,
    /// Shown to the customer (always, for what a customer uploads), or internal to the office.
    pub shared: bool,
    /// The file's name as the uploader's device called it (a document's download name).
    pub name: String,
}

/// Cleans a caption: trimmed, control characters dropped, empty as none.
pub fn caption(raw: Option<&str>, e: &mut FieldErrors) -> Option<String> {
    let c: String = raw?.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string();
    if c.chars().count() > MAX_CAPTION {
        e.add("caption", "at most 200 characters");
        return None;
    }
    (!c.is_empty()).then_some(c)
}

/// A download name from what the device called the file: letters, digits, spaces and
/// `. _ -` kept, anything else (quotes, slashes, control characters) dropped, at most 120
/// characters, ending in `.pdf` for a document.
pub fn safe_name(raw: &str, kind: FileKind) -> String {
    let stem = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = stem.strip_suffix(".pdf").or_else(|| stem.strip_suffix(".PDF")).unwrap_or(stem);
    let kept: String =
        stem.chars().filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-')).take(MAX_NAME - 4).collect::<String>();
    let kept = kept.trim().trim_matches('.').to_string();
    let kept = if kept.is_empty() { "file".to_string() } else { kept };
    match kind {
        FileKind::Document => format!("{kept}.pdf"),
        FileKind::Photo => kept,
    }
}

/// Where an upload is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum UploadState {
    /// The slot is given; the file is on its way or being processed.
    Pending,
    /// Processed: the file is kept.
    Ready,
    /// Refused or not processed, with what to tell the uploader.
    Failed { reason: String },
}

/// An upload slot: given before the browser sends the file, read by the processing function
/// to know what the file is for. Kept a week after (the uploader's page asks how it went).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Upload {
    pub id: FileId,
    pub tenant: TenantId,
    pub account: AccountId,
    /// The property of what it is attached to (a contact limited to a property sees only it).
    pub property: Option<PropertyId>,
    pub attached: Attached,
    pub kind: FileKind,
    /// Exactly the bytes the slot accepts (S3 refuses any other length).
    pub size: u64,
    pub labels: Labels,
    pub by: Uploader,
    pub created_at: Timestamp,
    #[serde(flatten)]
    pub state: UploadState,
}

impl Upload {
    /// What the uploader is told: still pending within the processing time, else failed.
    pub fn state_at(&self, now: Timestamp) -> UploadState {
        match &self.state {
            UploadState::Pending if now.as_second() - self.created_at.as_second() > GIVE_UP_SECONDS => {
                UploadState::Failed { reason: NOT_FINISHED.into() }
            }
            s => s.clone(),
        }
    }
}

/// Where the bytes of an upload go before they are processed (`uploads/{tenant}/{account}/{file}`).
pub fn upload_key(t: &TenantId, a: &crate::ids::AccountId, f: &FileId) -> String {
    format!("uploads/{t}/{a}/{f}")
}

/// One rendition of a photo as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rendition {
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// A kept photo's renditions and what was read from it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PhotoFile {
    pub display: Rendition,
    pub thumb: Rendition,
    /// When the camera says it was taken (its own clock, no zone), if it says.
    pub taken_at: Option<jiff::civil::DateTime>,
}

/// A kept document: the bytes as uploaded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DocumentFile {
    pub key: String,
    pub bytes: u64,
    pub content_type: String,
}

/// What is kept of a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kept {
    Photo(PhotoFile),
    Document(DocumentFile),
}

/// A photo or document of an account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredFile {
    pub id: FileId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    pub attached: Attached,
    pub labels: Labels,
    pub by: Uploader,
    pub created_at: Timestamp,
    pub kept: Kept,
    #[serde(default)]
    pub rev: u64,
}

impl StoredFile {
    /// The file an upload became.
    pub fn of(upload: &Upload, kept: Kept) -> StoredFile {
        StoredFile {
            id: upload.id.clone(),
            tenant: upload.tenant.clone(),
            account: upload.account.clone(),
            property: upload.property.clone(),
            attached: upload.attached.clone(),
            labels: upload.labels.clone(),
            by: upload.by.clone(),
            created_at: upload.created_at,
            kept,
            rev: 0,
        }
    }
    pub fn kind(&self) -> FileKind {
        match self.kept {
            Kept::Photo(_) => FileKind::Photo,
            Kept::Document(_) => FileKind::Document,
        }
    }
    /// Every blob this file keeps (what deleting it removes).
    pub fn blob_keys(&self) -> Vec<String> {
        match &self.kept {
            Kept::Photo(p) => vec![p.display.key.clone(), p.thumb.key.clone()],
            Kept::Document(d) => vec![d.key.clone()],
        }
    }
    /// Bytes kept, counted against the contractor's quota.
    pub fn stored_bytes(&self) -> u64 {
        match &self.kept {
            Kept::Photo(p) => p.display.bytes + p.thumb.bytes,
            Kept::Document(d) => d.bytes,
        }
    }
    /// Whether a customer of the account may see it, where `allowed` are the properties the
    /// contact is limited to (none: the whole account): shared, and at one of those.
    pub fn customer_sees(&self, allowed: Option<&[PropertyId]>) -> bool {
        self.labels.shared && (self.attached == Attached::Messages || crate::party::within(allowed, self.property.as_ref()))
    }
}

/// The office's change to a file's labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelChange {
    /// Empty text removes the caption.
    #[schema(max_length = 200)]
    pub caption: Option<String>,
    pub tag: Option<PhotoTag>,
    pub doc_kind: Option<DocKind>,
    pub shared: Option<bool>,
}

impl LabelChange {
    /// Applies the change to a file's labels (a tag only on a photo, a kind only on a
    /// document).
    pub fn apply(&self, file: &StoredFile) -> Result<Labels, DomainError> {
        let mut e = FieldErrors::new();
        let mut l = file.labels.clone();
        if let Some(c) = &self.caption {
            l.caption = caption(Some(c), &mut e);
        }
        match (self.tag, file.kind()) {
            (Some(_), FileKind::Document) => e.add("tag", "only photos have a before, during or after tag"),
            (Some(t), FileKind::Photo) => l.tag = Some(t),
            (None, _) => {}
        }
        match (self.doc_kind, file.kind()) {
            (Some(_), FileKind::Photo) => e.add("doc_kind", "only documents have a kind"),
            (Some(k), FileKind::Document) => l.doc_kind = Some(k),
            (None, _) => {}
        }
        if let Some(s) = self.shared {
            l.shared = s;
        }
        e.into_result()?;
        Ok(l)
    }
}

/// The contractor's file settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FileSettings {
    /// Bytes of photos and documents the contractor keeps at most (default 20 GB).
    #[schema(minimum = 104857600.0, maximum = 1099511627776.0)]
    pub quota_bytes: u64,
    /// Files one contact may upload in a day (default 30).
    #[schema(minimum = 1, maximum = 500)]
    pub daily_per_contact: u32,
}

impl Default for FileSettings {
    fn default() -> Self {
        Self { quota_bytes: 20 * 1_000_000_000, daily_per_contact: 30 }
    }
}

impl FileSettings {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut e = FieldErrors::new();
        if !(100 * 1024 * 1024..=1024 * 1024 * 1024 * 1024).contains(&self.quota_bytes) {
            e.add("files.quota_bytes", "between 100 MB and 1 TB");
        }
        if !(1..=500).contains(&self.daily_per_contact) {
            e.add("files.daily_per_contact", "between 1 and 500");
        }
        e.into_result()
    }
}

/// Where a kept file's blobs go (private: served only through signed addresses): `name` is
/// `display.jpg`, `thumb.jpg` or `document.pdf`.
pub fn kept_key(tenant: &TenantId, account: &AccountId, file: &FileId, name: &str) -> String {
    format!("files/{tenant}/{account}/{file}-{name}")
}

/// Renditions never change (a new photo is a new file): cached by the browser for a day under
/// one signed address.
pub const RENDITION_CACHE: &str = "private, max-age=86400, immutable";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_keep_only_harmless_characters() {
        assert_eq!(safe_name("Permit 2026-11.pdf", FileKind::Document), "Permit 2026-11.pdf");
        assert_eq!(safe_name("../../etc/passwd", FileKind::Document), "passwd.pdf");
        assert_eq!(safe_name("a\"b;c\r\nd.PDF", FileKind::Document), "abcd.pdf");
        assert_eq!(safe_name("...", FileKind::Document), "file.pdf");
        assert_eq!(safe_name(&"x".repeat(500), FileKind::Document).chars().count(), MAX_NAME);
        assert_eq!(safe_name("IMG_0001.jpg", FileKind::Photo), "IMG_0001.jpg");
    }

    #[test]
    fn captions_are_trimmed_and_bounded() {
        let mut e = FieldErrors::new();
        assert_eq!(caption(Some("  Panel\u{7} before  "), &mut e), Some("Panel before".into()));
        assert_eq!(caption(Some("   "), &mut e), None);
        assert!(e.into_result().is_ok());
        let mut e = FieldErrors::new();
        assert_eq!(caption(Some(&"x".repeat(201)), &mut e), None);
        assert!(e.into_result().is_err());
    }

    #[test]
    fn an_upload_left_pending_is_reported_failed_after_the_processing_time() {
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        let u = Upload {
            id: "fil_1".parse().unwrap(),
            tenant: "ten_a".parse().unwrap(),
            account: "acc_a".parse().unwrap(),
            property: None,
            attached: Attached::Job { job: "job_1".parse().unwrap() },
            kind: FileKind::Photo,
            size: 10,
            labels: Labels { caption: None, tag: None, doc_kind: None, shared: true, name: "x.jpg".into() },
            by: Uploader { id: "con_1".into(), name: "Dana".into(), staff: false },
            created_at: at,
            state: UploadState::Pending,
        };
        assert_eq!(u.state_at(at), UploadState::Pending);
        let later = Timestamp::from_second(at.as_second() + GIVE_UP_SECONDS + 1).unwrap();
        assert!(matches!(u.state_at(later), UploadState::Failed { .. }));
    }
}
