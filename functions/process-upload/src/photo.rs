//! Reading an upload by its content and turning a photo into what is served. Nothing of the
//! uploaded file reaches a browser but its pixels: the format comes from the bytes (never
//! the name or declared type), the pixel count is checked from the header before anything is
//! decoded (no decompression bombs), the decoder's memory is bounded, and the renditions are
//! fresh JPEGs, so EXIF (GPS included), XMP, comments and anything appended are gone.
//!
//! The renditions are baseline JPEGs (4:2:0, `jpeg-encoder`): every browser the portal
//! supports shows them and they are a fraction of a PNG's size for photos; WebP would be
//! smaller still, but no maintained Rust crate encodes lossy WebP without linking libwebp (the
//! `image` crate writes WebP only losslessly, which makes photos larger, not smaller).
use std::io::Cursor;

use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, metadata::Orientation};
use portal_domain::file::{DISPLAY_EDGE, MAX_PIXELS, THUMB_EDGE};

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identified {
    Jpeg,
    Png,
    WebP,
    Pdf,
    /// An iPhone's HEIC/HEIF photo (refused with how to send a JPEG instead).
    Heic,
    /// SVG or other markup (refused: it can carry scripts).
    Markup,
    Unknown,
}

/// Reads the first bytes of a file.
pub fn identify(bytes: &[u8]) -> Identified {
    let head = &bytes[..bytes.len().min(64)];
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Identified::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Identified::Png
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Identified::WebP
    } else if head.starts_with(b"%PDF-") {
        Identified::Pdf
    } else if head.len() >= 12
        && &head[4..8] == b"ftyp"
        && [&b"heic"[..], b"heix", b"hevc", b"heif", b"mif1", b"msf1", b"avif"].contains(&&head[8..12])
    {
        Identified::Heic
    } else {
        let text = String::from_utf8_lossy(head).trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
        if text.starts_with('<') { Identified::Markup } else { Identified::Unknown }
    }
}

/// Why a photo was refused, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("This photo has too many pixels (at most 50 megapixels). Send a smaller copy.")]
    TooManyPixels,
    #[error("This photo could not be read: it may be damaged or only partly uploaded. Try sending it again.")]
    Unreadable,
}

/// The two renditions of a photo and what its EXIF said.
#[derive(Debug)]
pub struct Renditions {
    pub display: Encoded,
    pub thumb: Encoded,
    /// DateTimeOriginal (or DateTime) of the camera, if it had one.
    pub taken_at: Option<jiff::civil::DateTime>,
}

#[derive(Debug)]
pub struct Encoded {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Memory the decoder may take: three bytes a pixel at the pixel limit, and a margin.
const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4 + 16 * 1024 * 1024;
/// Longest side accepted, whatever the pixel count (a 50,000 x 1 strip is no photo).
const MAX_SIDE: u32 = 16_384;

/// Makes the display rendition (at most 2048 px on the long edge) and the thumbnail (at most
/// 400 px) of a JPEG, PNG or WebP, upright (EXIF orientation applied), without metadata.
pub fn render(bytes: &[u8], format: Identified) -> Result<Renditions, Refused> {
    if format == Identified::Jpeg && !jpeg_complete(bytes) {
        // The decoder would fill a cut-off photo with grey rather than fail.
        return Err(Refused::Unreadable);
    }
    let format = match format {
        Identified::Jpeg => ImageFormat::Jpeg,
        Identified::Png => ImageFormat::Png,
        Identified::WebP => ImageFormat::WebP,
        _ => return Err(Refused::Unreadable),
    };
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format).into_decoder().map_err(|_| Refused::Unreadable)?;
    // The header's size, before a pixel is decoded.
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(Refused::Unreadable);
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
        return Err(Refused::TooManyPixels);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    decoder.set_limits(limits).map_err(|_| Refused::TooManyPixels)?;
    let exif = decoder.exif_metadata().ok().flatten();
    let orientation = exif.as_deref().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    let taken_at = exif.and_then(taken_at);
    let img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => Refused::TooManyPixels,
        _ => Refused::Unreadable,
    })?;
    // One pixel type from here on (8-bit RGB, transparency over white): one instantiation
    // of the scaler and the encoder.
    let rgb = to_rgb(img);
    // Scaled first, turned upright after: rotating the small rendition, not the full photo,
    // keeps one full-size buffer in memory.
    let display = fit(&rgb, DISPLAY_EDGE)?;
    drop(rgb);
    let thumb = fit(&display, THUMB_EDGE)?;
    Ok(Renditions { display: encode(display, orientation, 82)?, thumb: encode(thumb, orientation, 78)?, taken_at })
}

/// Whether a JPEG's last scan is followed by its end-of-image marker (FF D9): a file cut off
/// mid-scan has none after it. (A marker's two bytes cannot occur inside scan data, where
/// every FF is followed by 00 or a restart marker; an EXIF thumbnail's own markers come
/// before the main image's scans.)
fn jpeg_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    let last_end = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]);
    matches!((last_scan, last_end), (Some(s), Some(e)) if e > s)
}

fn to_rgb(img: DynamicImage) -> image::RgbImage {
    match img {
        DynamicImage::ImageRgb8(rgb) => rgb,
        img if img.color().has_alpha() => {
            let rgba = img.into_rgba8();
            let (w, h) = rgba.dimensions();
            let raw: Vec<u8> = rgba
                .as_raw()
                .chunks_exact(4)
                .flat_map(|p| {
                    let a = u16::from(p[3]);
                    // Over white: c * a + 255 * (1 - a), in 0..=255.
                    let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
                    [over(p[0]), over(p[1]), over(p[2])]
                })
                .collect();
            image::RgbImage::from_raw(w, h, raw).unwrap_or_default()
        }
        img => img.into_rgb8(),
    }
}

/// Scales down (never up) so the long edge is at most `edge`.
fn fit(src: &image::RgbImage, edge: u32) -> Result<image::RgbImage, Refused> {
    let (w, h) = src.dimensions();
    if w.max(h) <= edge {
        return Ok(src.clone());
    }
    let scale = f64::from(edge) / f64::from(w.max(h));
    // Pixel counts: rounding to the nearest pixel is all that matters.
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, edge);
    let (dw, dh) = (side(w), side(h));
    let from = fr::images::ImageRef::new(w, h, src.as_raw(), fr::PixelType::U8x3).map_err(|_| Refused::Unreadable)?;
    let mut to = fr::images::Image::new(dw, dh, fr::PixelType::U8x3);
    let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new().resize(&from, &mut to, &options).map_err(|_| Refused::Unreadable)?;
    image::RgbImage::from_raw(dw, dh, to.into_vec()).ok_or(Refused::Unreadable)
}

fn encode(img: image::RgbImage, orientation: Orientation, quality: u8) -> Result<Encoded, Refused> {
    let mut img = DynamicImage::ImageRgb8(img);
    img.apply_orientation(orientation);
    let rgb = img.into_rgb8();
    let (width, height) = rgb.dimensions();
    let mut jpeg = Vec::with_capacity(rgb.as_raw().len() / 8);
    // 4:2:0 chroma below quality 90 (what cameras write); a JFIF header and nothing else.
    let (w, h) = (u16::try_from(width).map_err(|_| Refused::TooManyPixels)?, u16::try_from(height).map_err(|_| Refused::TooManyPixels)?);
    jpeg_encoder::Encoder::new(&mut jpeg, quality)
        .encode(rgb.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|_| Refused::Unreadable)?;
    Ok(Encoded { jpeg, width, height })
}

/// The camera's capture time from an EXIF chunk (`2026:11:30 14:05:09`, no zone).
fn taken_at(chunk: Vec<u8>) -> Option<jiff::civil::DateTime> {
    let exif = exif::Reader::new().read_raw(chunk).ok()?;
    let field = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .or_else(|| exif.get_field(exif::Tag::DateTime, exif::In::PRIMARY))?;
    let exif::Value::Ascii(ref parts) = field.value else { return None };
    let dt = exif::DateTime::from_ascii(parts.first()?).ok()?;
    jiff::civil::DateTime::new(
        i16::try_from(dt.year).ok()?,
        i8::try_from(dt.month).ok()?,
        i8::try_from(dt.day).ok()?,
        i8::try_from(dt.hour).ok()?,
        i8::try_from(dt.minute).ok()?,
        i8::try_from(dt.second).ok()?,
        0,
    )
    .ok()
}
