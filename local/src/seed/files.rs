//! The demo's photos and documents: before and after photos of the kitchen lighting (one
//! kept internal), the permit for it, and Erik's photo of his old water heater at Northside.
//! The records are written with the rest of the seed; the files themselves ([`write_blobs`])
//! are pictures drawn here and put through process-upload's own renditions.
use image::{Rgb, RgbImage};
use jiff::{SignedDuration, Timestamp};
use portal_domain::file::{Attached, DocKind, DocumentFile, Kept, Labels, PhotoFile, PhotoTag, Rendition, StoredFile, Uploader};
use portal_domain::ports::{Blob, Blobs, Download, Fetched, PortError};
use portal_store::Table;
use portal_store::repo::files;

use super::id;

/// The size the demo photos are drawn at (their display rendition), and their thumbnail's.
const DRAWN: (u32, u32) = (1600, 1200);
const THUMB: (u32, u32) = (400, 300);

#[derive(Clone, Copy)]
enum Picture {
    /// A kitchen ceiling with old fluorescent tubes.
    CeilingBefore,
    /// The same ceiling with six round downlights on.
    CeilingAfter,
    /// The inside of a panel door with its circuit list.
    PanelLabel,
    /// A tank water heater with rust at its base.
    WaterHeater,
    /// A permit (PDF).
    Permit,
}

struct Demo {
    id: &'static str,
    tenant: &'static str,
    account: &'static str,
    property: &'static str,
    attached: Attached,
    by: (&'static str, &'static str, bool),
    caption: &'static str,
    tag: Option<PhotoTag>,
    shared: bool,
    hours_ago: i64,
    picture: Picture,
}

fn demos() -> Vec<Demo> {
    let kitchen = || Attached::Visit { job: id("job_kitchen"), visit: id("vis_kitchen") };
    let casey = ("stf_casey", "Casey Nguyen", true);
    vec![
        Demo {
            id: "fil_kitchen_before",
            tenant: "ten_brightspark",
            account: "acc_whitfield",
            property: "prp_maple",
            attached: kitchen(),
            by: casey,
            caption: "The old fluorescent fixtures, before we started.",
            tag: Some(PhotoTag::Before),
            shared: true,
            hours_ago: 52,
            picture: Picture::CeilingBefore,
        },
        Demo {
            id: "fil_kitchen_after",
            tenant: "ten_brightspark",
            account: "acc_whitfield",
            property: "prp_maple",
            attached: kitchen(),
            by: casey,
            caption: "Six LED downlights on the new dimmer.",
            tag: Some(PhotoTag::After),
            shared: true,
            hours_ago: 49,
            picture: Picture::CeilingAfter,
        },
        Demo {
            id: "fil_kitchen_panel",
            tenant: "ten_brightspark",
            account: "acc_whitfield",
            property: "prp_maple",
            attached: kitchen(),
            by: casey,
            caption: "Panel label: breaker 14 is now the kitchen lights.",
            tag: Some(PhotoTag::During),
            shared: false,
            hours_ago: 50,
            picture: Picture::PanelLabel,
        },
        Demo {
            id: "fil_kitchen_permit",
            tenant: "ten_brightspark",
            account: "acc_whitfield",
            property: "prp_maple",
            attached: Attached::Property { property: id("prp_maple") },
            by: ("stf_morgan", "Morgan Reyes", true),
            caption: "City of Austin electrical permit",
            tag: None,
            shared: true,
            hours_ago: 80,
            picture: Picture::Permit,
        },
        Demo {
            id: "fil_waterheater_old",
            tenant: "ten_northside",
            account: "acc_lindqvist",
            property: "prp_birch",
            attached: Attached::Job { job: id("job_waterheater") },
            by: ("con_erik", "Erik Lindqvist", false),
            caption: "The old heater: rust at the bottom.",
            tag: Some(PhotoTag::Before),
            shared: true,
            hours_ago: 20,
            picture: Picture::WaterHeater,
        },
    ]
}

fn key(d: &Demo, name: &str) -> String {
    format!("files/{}/{}/{}-{name}", d.tenant, d.account, d.id)
}

fn record(d: &Demo, now: Timestamp) -> StoredFile {
    let kept = match d.picture {
        Picture::Permit => Kept::Document(DocumentFile {
            key: key(d, "document.pdf"),
            bytes: permit().len() as u64,
            content_type: "application/pdf".into(),
        }),
        _ => Kept::Photo(PhotoFile {
            display: Rendition { key: key(d, "display.jpg"), width: DRAWN.0, height: DRAWN.1, bytes: 180_000 },
            thumb: Rendition { key: key(d, "thumb.jpg"), width: THUMB.0, height: THUMB.1, bytes: 18_000 },
            taken_at: None,
        }),
    };
    let created_at = now.checked_sub(SignedDuration::from_hours(d.hours_ago)).unwrap_or(now);
    StoredFile {
        id: id(d.id),
        tenant: id(d.tenant),
        account: id(d.account),
        property: Some(id(d.property)),
        attached: d.attached.clone(),
        labels: Labels {
            caption: Some(d.caption.into()),
            tag: d.tag,
            doc_kind: matches!(d.picture, Picture::Permit).then_some(DocKind::Permit),
            shared: d.shared,
            name: if matches!(d.picture, Picture::Permit) { "Electrical permit 2026-0418.pdf".into() } else { format!("{}.jpg", d.id) },
        },
        by: Uploader { id: d.by.0.into(), name: d.by.1.into(), staff: d.by.2 },
        created_at,
        kept,
        rev: 0,
    }
}

/// Writes the demo's file records of `tenant` (once, with the rest of its seed).
pub(super) async fn records(table: &dyn Table, tenant: &str, now: Timestamp) -> Result<(), portal_app::Error> {
    // One transaction per file: each counts its bytes on the tenant's one usage item.
    for d in demos().iter().filter(|d| d.tenant == tenant) {
        table.transact(files::create(&record(d, now))?).await?;
    }
    Ok(())
}

/// Writes the demo's files to the blob store where they are missing: drawn, then made into
/// renditions by process-upload's own code (so they are what an upload would have made).
pub async fn write_blobs(blobs: &dyn Blobs) -> Result<(), PortError> {
    for d in demos() {
        let first = match d.picture {
            Picture::Permit => key(&d, "document.pdf"),
            _ => key(&d, "display.jpg"),
        };
        if !matches!(blobs.get(&first, 16 * 1024 * 1024).await?, Fetched::Missing) {
            continue;
        }
        if matches!(d.picture, Picture::Permit) {
            let download = Download { name: record(&d, Timestamp::now()).labels.name, content_type: "application/pdf".into() };
            blobs
                .put_download(&first, &Blob { bytes: permit(), content_type: "application/pdf".into() }, "private, max-age=3600", &download)
                .await?;
            continue;
        }
        let drawn = draw(d.picture);
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(drawn)
            .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .map_err(|e| PortError::new("drawing a demo photo", e))?;
        let r = process_upload::photo::render(&jpeg, process_upload::photo::Identified::Jpeg)
            .map_err(|e| PortError::new("rendering a demo photo", e))?;
        for (name, e) in [("display.jpg", r.display), ("thumb.jpg", r.thumb)] {
            blobs
                .put(&key(&d, name), &Blob { bytes: e.jpeg, content_type: "image/jpeg".into() }, "private, max-age=86400, immutable")
                .await?;
        }
    }
    Ok(())
}

/// A one-page PDF saying what the permit is.
fn permit() -> Vec<u8> {
    let text = "BT /F1 18 Tf 72 700 Td (City of Austin - Electrical permit 2026-0418) Tj 0 -28 Td (1842 Maple Street: kitchen lighting, 6 fixtures, 1 dimmer) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    pdf
}

/// Draws a demo picture: flat shapes, enough to tell one photo from another.
fn draw(p: Picture) -> RgbImage {
    let (w, h) = DRAWN;
    let in_rect = |x: u32, y: u32, (x0, y0, x1, y1): (u32, u32, u32, u32)| x >= x0 && x < x1 && y >= y0 && y < y1;
    let in_circle = |x: u32, y: u32, (cx, cy, r): (u32, u32, u32)| {
        let (dx, dy) = (i64::from(x) - i64::from(cx), i64::from(y) - i64::from(cy));
        dx * dx + dy * dy <= i64::from(r) * i64::from(r)
    };
    RgbImage::from_fn(w, h, |x, y| {
        // A little light falloff so the pictures are not flat.
        let shade = |c: [u8; 3]| {
            let d = (i64::from(x) - i64::from(w / 2)).abs() + (i64::from(y) - i64::from(h / 2)).abs();
            let k = 255 - (d * 60 / i64::from(w + h)).clamp(0, 60);
            Rgb(c.map(|v| (i64::from(v) * k / 255) as u8))
        };
        match p {
            Picture::CeilingBefore => {
                let tubes = [(300, 400, 700, 460), (900, 400, 1300, 460), (300, 740, 700, 800), (900, 740, 1300, 800)];
                if tubes.iter().any(|r| in_rect(x, y, *r)) {
                    shade([235, 240, 225])
                } else if tubes.iter().any(|&(x0, y0, x1, y1)| in_rect(x, y, (x0 - 20, y0 - 20, x1 + 20, y1 + 20))) {
                    shade([150, 150, 140])
                } else {
                    shade([196, 190, 172])
                }
            }
            Picture::CeilingAfter => {
                let lights = [(400, 400), (800, 400), (1200, 400), (400, 800), (800, 800), (1200, 800)];
                if lights.iter().any(|&(cx, cy)| in_circle(x, y, (cx, cy, 60))) {
                    shade([255, 246, 214])
                } else if lights.iter().any(|&(cx, cy)| in_circle(x, y, (cx, cy, 150))) {
                    shade([238, 230, 205])
                } else {
                    shade([224, 220, 210])
                }
            }
            Picture::PanelLabel => {
                if in_rect(x, y, (450, 100, 1150, 1100)) {
                    let row = (y.saturating_sub(160)) / 45;
                    if in_rect(x, y, (500, 160, 1100, 1060)) && (y - 160) % 45 < 4 {
                        shade([70, 80, 90])
                    } else if in_rect(x, y, (520, 160, 620, 1060)) && row % 2 == 0 && (y - 160) % 45 > 12 && (y - 160) % 45 < 30 {
                        shade([30, 60, 160])
                    } else {
                        shade([246, 244, 236])
                    }
                } else {
                    shade([120, 125, 130])
                }
            }
            Picture::WaterHeater => {
                if in_rect(x, y, (560, 150, 1040, 1100)) {
                    if y > 1000 && (x * 7 + y * 3) % 11 < 5 { shade([140, 70, 30]) } else { shade([210, 212, 215]) }
                } else if in_rect(x, y, (0, 1100, w, h)) {
                    shade([110, 100, 90])
                } else {
                    shade([180, 176, 160])
                }
            }
            Picture::Permit => Rgb([255, 255, 255]),
        }
    })
}
