//! A customer's decision on one version (approval with its evidence, decline, changes asked
//! for), approvals the office records, and the checks on a signer's name and drawn signature.
use jiff::Timestamp;

use super::{Selection, Totals};
use crate::DomainError;
use crate::ids::{ContactId, LineItemId};

/// The customer's decision on one version, with the evidence of §6.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    Approved(Box<Approval>),
    Declined {
        reason: String,
        by: ContactId,
        #[schema(value_type = String, format = DateTime)]
        at: Timestamp,
    },
    ChangesRequested {
        comment: String,
        line_comments: Vec<LineComment>,
        by: ContactId,
        #[schema(value_type = String, format = DateTime)]
        at: Timestamp,
    },
}

/// A customer's comment on one line item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LineComment {
    pub item: LineItemId,
    pub comment: String,
}

/// Signature evidence: who signed exactly what, when and from where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Approval {
    pub version: u32,
    pub selection: Selection,
    pub totals: Totals,
    pub signer_name: String,
    /// `data:image/png;base64,...` of the drawn signature. Left out for a document link's
    /// reader (a forwarded email), see [`view::Evidence`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub signature_png: String,
    pub by: ContactId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Where the signature came from: evidence for the contractor, never shown to customers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ip: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_agent: String,
    /// SHA-256 of the signed version's content.
    pub version_fingerprint: String,
    /// Set when the customer approved outside the portal (by phone, on paper) and the office
    /// recorded it: there is no drawn signature, and this says how and who recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<OfflineApproval>,
}

/// How a customer approved outside the portal, as the office recorded it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OfflineApproval {
    pub how: ApprovedHow,
    /// The staff member who recorded it.
    pub recorded_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// What the office noted (a reference to the paper copy, say); at most 500 characters.
    #[serde(default)]
    pub note: String,
    /// The signed paper, scanned or photographed, when the office added one (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<Scan>,
}

/// A file kept privately with an approval (never served to customers).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Scan {
    /// Where it is kept in the private part of the blob store.
    pub key: String,
    /// `application/pdf` or `image/jpeg`.
    pub content_type: String,
    pub size: u64,
    #[schema(value_type = String, format = DateTime)]
    pub added_at: Timestamp,
}

/// The ways a customer approves outside the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovedHow {
    Phone,
    Paper,
    InPerson,
    Email,
}

impl ApprovedHow {
    /// As a sentence says it: "approved by phone".
    pub fn words(self) -> &'static str {
        match self {
            Self::Phone => "by phone",
            Self::Paper => "on paper",
            Self::InPerson => "in person",
            Self::Email => "by email",
        }
    }
}

/// A typed name: 2 to 120 characters, not only punctuation.
pub fn check_signer_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.chars().count() < 2 || name.chars().count() > 120 || !name.chars().any(char::is_alphabetic) {
        return Err(DomainError::invalid("signer_name", "type your full name"));
    }
    Ok(name.to_string())
}

/// Limits of a drawn signature: the data URL's length, and the picture's size in pixels.
pub const MAX_SIGNATURE_URL: usize = 200_000;
const SIGNATURE_WIDTH: std::ops::RangeInclusive<u32> = 80..=4000;
const SIGNATURE_HEIGHT: std::ops::RangeInclusive<u32> = 30..=2000;
/// Fewest dark pixels that count as a signature: a tap leaves about 20, a short stroke 100.
const MIN_INK_PIXELS: usize = 60;

/// A drawn signature as a PNG data URL: at most 200 KB, a picture from 80 x 30 to 4000 x 2000
/// pixels that really decodes, with some ink on it (dark, opaque pixels: at least
/// [`MIN_INK_PIXELS`], and not the whole picture). A blank or 1 x 1 image is no signature. The
/// typed-name alternative draws the name onto the same pad, so it passes the same check.
pub fn check_signature_png(data_url: &str) -> Result<(), DomainError> {
    use base64::Engine;
    let bad = |m: &str| Err(DomainError::invalid("signature_png", m));
    let Some(b64) = data_url.strip_prefix("data:image/png;base64,") else {
        return bad("must be a PNG image as a data: URL");
    };
    if data_url.len() > MAX_SIGNATURE_URL {
        return bad("must be a drawn signature under 200 KB");
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else {
        return bad("is not valid base64");
    };
    match signature_ink(&bytes) {
        Err(InkError::NotPng) => bad("is not a PNG image"),
        Err(InkError::Size) => bad("must be a signature pad's picture, from 80 x 30 to 4000 x 2000 pixels"),
        Ok((ink, total)) if ink < MIN_INK_PIXELS || ink * 10 > total * 9 => {
            bad("has no signature on it: sign in the box, or use “Sign with my typed name”")
        }
        Ok(_) => Ok(()),
    }
}

enum InkError {
    NotPng,
    Size,
}

/// Dark, mostly opaque pixels of a PNG, and all its pixels. The size is checked from the header
/// before anything is decoded, and the decoder may not allocate more than the largest picture.
fn signature_ink(bytes: &[u8]) -> Result<(usize, usize), InkError> {
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), png::Limits { bytes: 4000 * 2000 * 4 * 2 });
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|_| InkError::NotPng)?;
    let (w, h) = (reader.info().width, reader.info().height);
    if !SIGNATURE_WIDTH.contains(&w) || !SIGNATURE_HEIGHT.contains(&h) {
        return Err(InkError::Size);
    }
    let mut buf = vec![0; reader.output_buffer_size().ok_or(InkError::Size)?];
    let frame = reader.next_frame(&mut buf).map_err(|_| InkError::NotPng)?;
    let channels = frame.color_type.samples();
    let (width, lines) = (frame.width as usize, frame.height as usize);
    let mut ink = 0;
    for row in buf.chunks(frame.line_size).take(lines) {
        for px in row.chunks(channels).take(width) {
            let (luma, alpha) = match px {
                [g] => (u32::from(*g), 255),
                [g, a] => (u32::from(*g), u32::from(*a)),
                [r, g, b] => ((u32::from(*r) * 3 + u32::from(*g) * 6 + u32::from(*b)) / 10, 255),
                [r, g, b, a, ..] => ((u32::from(*r) * 3 + u32::from(*g) * 6 + u32::from(*b)) / 10, u32::from(*a)),
                [] => (255, 0),
            };
            if alpha >= 128 && luma < 160 {
                ink += 1;
            }
        }
    }
    Ok((ink, width * lines))
}
