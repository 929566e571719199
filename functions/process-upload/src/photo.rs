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

/// Whether a JPEG reaches its end-of-image marker (FF D9), walking its segments from the
/// start: a file cut off mid-scan never does. Walking (rather than looking for the last
/// FF D9) accepts what phones append after the image, such as a Motion Photo's video, whose
/// bytes may hold anything. The image decoders give no such answer, so it is written here.
fn jpeg_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        // A marker: FF (fill bytes FF allowed), then its code.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&code)) = (bytes.get(i), bytes.get(i + 1)) else { return false };
        i += 2;
        match code {
            0xD9 => return true,
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes.get(i..i + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))) else { return false };
        if len < 2 {
            return false;
        }
        i += len;
        if code == 0xDA {
            // Entropy-coded data: FF is followed by 00 (a stuffed byte) or a restart marker;
            // anything else is the next marker.
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(&0xFF), Some(&(0x00 | 0xD0..=0xD7))) => i += 2,
                    (Some(&0xFF), Some(_)) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return false,
                }
            }
        }
    }
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
    resize_in_bands(&from, &mut to, BAND_ROWS).map_err(|_| Refused::Unreadable)?;
    image::RgbImage::from_raw(dw, dh, to.into_vec()).ok_or(Refused::Unreadable)
}

/// Rows of the rendition made per pass of the scaler.
const BAND_ROWS: u32 = 128;

/// Lanczos3 from `from` into `to`, `band` rows of `to` at a time. The scaler filters columns
/// first and keeps the result (source width x destination height) in a buffer of its own: for
/// a 12 MP photo that is 18 MB next to the 36 MB decoded photo, the largest part of the peak
/// after the photo itself. Band by band, the buffer is the source width x `band` rows (1.5 MB).
/// Each band is the source's rows that map onto it (a crop at a fractional row); the filter's
/// weights are taken over the whole source whatever the crop, so the bands join without a
/// seam and the result is the same, byte for byte, as one pass (a test checks it).
fn resize_in_bands(from: &fr::images::ImageRef<'_>, to: &mut fr::images::Image<'_>, band: u32) -> Result<(), fr::ResizeError> {
    let (w, h, dw, dh) = (from.width(), from.height(), to.width(), to.height());
    let source_rows_per_row = f64::from(h) / f64::from(dh);
    let algorithm = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    let mut resizer = fr::Resizer::new();
    let mut top = 0;
    while top < dh {
        let rows = band.min(dh - top);
        let mut part = fr::images::CroppedImageMut::new(to, 0, top, dw, rows)?;
        let crop = algorithm.crop(0.0, f64::from(top) * source_rows_per_row, f64::from(w), f64::from(rows) * source_rows_per_row);
        resizer.resize(from, &mut part, &crop)?;
        top += rows;
    }
    Ok(())
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

#[cfg(test)]
mod band_tests {
    use super::{fr, resize_in_bands};

    #[test]
    fn bands_give_the_same_bytes_as_one_pass() {
        // Odd sizes and a shrink that is no whole number, so band edges fall between rows.
        let (w, h, dw, dh) = (1001, 757, 397, 300);
        let mut seed = 7u32;
        let pixels: Vec<u8> = (0..w * h * 3)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 24) as u8
            })
            .collect();
        let from = fr::images::ImageRef::new(w, h, &pixels, fr::PixelType::U8x3).unwrap();
        let mut whole = fr::images::Image::new(dw, dh, fr::PixelType::U8x3);
        let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
        fr::Resizer::new().resize(&from, &mut whole, &options).unwrap();
        for band in [1, 7, 64, 300] {
            let mut banded = fr::images::Image::new(dw, dh, fr::PixelType::U8x3);
            resize_in_bands(&from, &mut banded, band).unwrap();
            assert!(banded.buffer() == whole.buffer(), "{band} rows a band");
        }
    }
}

#[cfg(test)]
mod jpeg_end_tests {
    use super::jpeg_complete;

    fn jpeg() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 40, 40]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img).write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
        out
    }

    #[test]
    fn a_whole_jpeg_is_complete_and_a_cut_one_is_not() {
        let whole = jpeg();
        assert!(jpeg_complete(&whole));
        for cut in [whole.len() - 2, whole.len() / 2, 20, 2] {
            assert!(!jpeg_complete(&whole[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn what_a_phone_appends_after_the_image_is_left_alone() {
        // A Motion Photo: the image, then a video whose bytes hold a scan marker.
        let mut motion = jpeg();
        motion.extend_from_slice(b"\x00\x00\x00\x18ftypmp42\xFF\xDA\x00\x08 video");
        assert!(jpeg_complete(&motion));
    }
}
