//! Images checked by content and re-encoded. Nothing of the uploaded file reaches a visitor
//! but its pixels: the format is read from the bytes (not the name or declared type), the
//! size and allocation are limited before decoding (no decompression bombs), and the result
//! is a fresh PNG, so EXIF, GPS, comments and anything appended are gone.
use std::io::Cursor;

use image::{ExtendedColorType, ImageEncoder, ImageError, ImageFormat, ImageReader, Limits};
use portal_http::ApiError;
use sha2::{Digest, Sha256};

/// Declared types an upload may have (the content is checked again on use).
pub const ACCEPTED: &[&str] = &["image/png", "image/jpeg"];
/// Sides longer than this are refused before decoding.
const MAX_SIDE: u32 = 10_000;
/// Memory the decoder may use.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// A logo is scaled down to fit this box (twice the largest size a page shows it at).
const LOGO_BOX: (u32, u32) = (800, 400);

/// A checked image, re-encoded.
#[derive(Debug)]
pub struct Checked {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The first 16 hex digits of the PNG's SHA-256: its file name, so a new logo is a new
    /// address and caches never show an old one.
    pub fingerprint: String,
}

fn not_an_image() -> ApiError {
    ApiError::BadRequest("not_an_image", "This file is not a PNG or JPEG image we can read.".into())
}

/// A scan or photo of a signed paper is kept at most this large (legible, a few MB).
const SCAN_BOX: (u32, u32) = (2400, 2400);

/// Checks and re-encodes a logo as a PNG.
pub fn logo(bytes: &[u8]) -> Result<Checked, ApiError> {
    let rgba = decode_fit(bytes, LOGO_BOX)?;
    let (w, h) = rgba.dimensions();
    let opaque = rgba.pixels().all(|p| p.0[3] == u8::MAX);
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut png);
    let written = if opaque {
        let rgb: Vec<u8> = rgba.as_raw().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        encoder.write_image(&rgb, w, h, ExtendedColorType::Rgb8)
    } else {
        encoder.write_image(rgba.as_raw(), w, h, ExtendedColorType::Rgba8)
    };
    written.map_err(ApiError::internal)?;
    let digest = Sha256::digest(&png);
    let fingerprint = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(Checked { width: w, height: h, png, fingerprint })
}

/// Checks and re-encodes a photo or scan of a paper (an approval signed on paper) as a JPEG
/// (quality 85, transparency on white): its pixels only, so a phone's GPS and EXIF never
/// reach the file kept, and a photo stays a few hundred KB rather than a lossless PNG's MBs.
pub fn scan(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let rgba = decode_fit(bytes, SCAN_BOX)?;
    let (w, h) = rgba.dimensions();
    let rgb: Vec<u8> = rgba
        .as_raw()
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            // Over white: c * a + 255 * (1 - a), in 0..=255.
            let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .write_image(&rgb, w, h, ExtendedColorType::Rgb8)
        .map_err(ApiError::internal)?;
    Ok(jpeg)
}

/// Decodes within limits and scales down to fit `bounds` (never up), as 8-bit RGBA.
fn decode_fit(bytes: &[u8], bounds: (u32, u32)) -> Result<image::RgbaImage, ApiError> {
    let format = image::guess_format(bytes).ok().filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg)).ok_or_else(not_an_image)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        ImageError::Limits(_) => ApiError::BadRequest("image_too_big", "This image has too many pixels (at most 10,000 on a side).".into()),
        _ => not_an_image(),
    })?;
    // Everything is worked on as 8-bit RGBA: one pixel type keeps the scaler and encoder
    // instantiated once (the media binary has an 8 MB budget; DynamicImage's methods are
    // generic over ten pixel types).
    let rgba = img.into_rgba8();
    let (w, h) = fit(rgba.width(), rgba.height(), bounds);
    Ok(if (w, h) == rgba.dimensions() { rgba } else { image::imageops::resize(&rgba, w, h, image::imageops::FilterType::Lanczos3) })
}

/// The size that fits `(w, h)` inside the box keeping its shape (never larger, never 0).
fn fit(w: u32, h: u32, (bw, bh): (u32, u32)) -> (u32, u32) {
    if w <= bw && h <= bh {
        return (w, h);
    }
    let scale = f64::min(f64::from(bw) / f64::from(w), f64::from(bh) / f64::from(h));
    // Pixel counts, not money: rounding to the nearest pixel is all that matters here.
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
    (side(w), side(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    #[test]
    fn sizes_fit_the_box_keeping_their_shape() {
        assert_eq!(fit(2000, 500, (800, 400)), (800, 200));
        assert_eq!(fit(500, 2000, (800, 400)), (100, 400));
        assert_eq!(fit(300, 100, (800, 400)), (300, 100));
        assert_eq!(fit(10_000, 1, (800, 400)), (800, 1));
    }

    fn has(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// The JPEG with an APP1 Exif segment holding a GPS tag name, right after the
    /// start-of-image marker (as a phone writes it).
    fn with_gps(jpeg: &[u8]) -> Vec<u8> {
        let exif = b"Exif\0\0MM\0*GPSInfo 30.2672N 97.7431W";
        let mut tagged = jpeg[..2].to_vec();
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        tagged.extend_from_slice(exif);
        tagged.extend_from_slice(&jpeg[2..]);
        tagged
    }

    #[test]
    fn a_jpeg_becomes_a_png_without_its_exif_and_gps() {
        let tagged = with_gps(&encoded(64, 32, ImageFormat::Jpeg));
        let checked = logo(&tagged).unwrap();
        assert!(checked.png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(!has(&checked.png, b"Exif") && !has(&checked.png, b"GPSInfo"));
        assert_eq!((checked.width, checked.height), (64, 32));
        assert_eq!(checked.fingerprint.len(), 16);
    }

    #[test]
    fn a_photo_of_a_paper_becomes_a_jpeg_without_its_exif_and_gps_at_most_2400_px() {
        let kept = scan(&with_gps(&encoded(3000, 1500, ImageFormat::Jpeg))).unwrap();
        assert!(kept.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        assert!(!has(&kept, b"Exif") && !has(&kept, b"GPSInfo"));
        let back = image::load_from_memory(&kept).unwrap();
        assert_eq!((back.width(), back.height()), (2400, 1200));
        assert!(scan(b"%PDF-1.4 not an image").is_err());
    }

    #[test]
    fn a_large_logo_is_scaled_to_fit_keeping_its_shape() {
        let checked = logo(&encoded(2000, 500, ImageFormat::Png)).unwrap();
        assert_eq!((checked.width, checked.height), (800, 200));
    }

    #[test]
    fn anything_else_is_refused_by_content() {
        for bad in [&b"GIF89a........"[..], b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\n\x1a\ntruncated", b""] {
            let e = logo(bad).unwrap_err();
            assert_eq!(e.status(), 400, "{bad:?}");
        }
        // A PNG whose header claims 20,000 pixels a side is refused (by its size, or by the
        // header checksum the edit broke): never decoded.
        let mut bomb = encoded(8, 8, ImageFormat::Png);
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        assert!(matches!(logo(&bomb).unwrap_err(), ApiError::BadRequest("image_too_big", _) | ApiError::BadRequest("not_an_image", _)));
    }
}
