//! Files the upload tests and the benchmark make: real encodings from the `image` crate, with
//! EXIF written by `kamadak-exif`, and the hostile ones built byte by byte.
use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

/// What the GPS tags of [`with_exif`] hold, to look for in the renditions' bytes.
pub const GPS_MARK: &[u8] = b"GPSMARK-30.2672N-97.7431W";

/// A photo `w` x `h`: red in its left half, blue in its right, with a gradient so it is not
/// trivially compressible.
pub fn picture(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| if x < w / 2 { Rgb([220, 30, (y % 64) as u8]) } else { Rgb([20, 40, 200 + (x % 50) as u8]) })
}

pub fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img.clone()).write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(&picture(w, h), ImageFormat::Jpeg)
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    encode(&picture(w, h), ImageFormat::Png)
}

/// The JPEG with an APP1 Exif segment as a phone writes one: the orientation, the capture
/// time, and GPS latitude and longitude (and a GPS processing method holding [`GPS_MARK`]).
pub fn with_exif(jpeg: &[u8], orientation: u16, taken: &str) -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value};
    let fields = [
        Field { tag: Tag::Orientation, ifd_num: In::PRIMARY, value: Value::Short(vec![orientation]) },
        Field { tag: Tag::DateTimeOriginal, ifd_num: In::PRIMARY, value: Value::Ascii(vec![taken.as_bytes().to_vec()]) },
        Field { tag: Tag::GPSLatitudeRef, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"N".to_vec()]) },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![Rational { num: 30, denom: 1 }, Rational { num: 16, denom: 1 }, Rational { num: 2, denom: 1 }]),
        },
        Field { tag: Tag::GPSLongitudeRef, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"W".to_vec()]) },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![Rational { num: 97, denom: 1 }, Rational { num: 44, denom: 1 }, Rational { num: 35, denom: 1 }]),
        },
        Field { tag: Tag::GPSProcessingMethod, ifd_num: In::PRIMARY, value: Value::Undefined(GPS_MARK.to_vec(), 0) },
    ];
    let mut w = exif::experimental::Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    w.write(&mut tiff, false).unwrap();
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff.into_inner());
    let mut tagged = jpeg[..2].to_vec();
    tagged.extend_from_slice(&[0xFF, 0xE1]);
    tagged.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    tagged.extend_from_slice(&app1);
    tagged.extend_from_slice(&jpeg[2..]);
    tagged
}

/// A small PNG whose header says `side` x `side` pixels (CRC fixed, so only the size is
/// wrong): a decompression bomb's header.
pub fn declared_png(side: u32) -> Vec<u8> {
    let mut png = png(8, 8);
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// An SVG that runs a script when opened.
pub fn svg_with_script() -> Vec<u8> {
    b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(document.cookie)</script></svg>".to_vec()
}

/// The HTML a polyglot carries after its JPEG.
pub const POLYGLOT_HTML: &[u8] = b"<html><script>alert('polyglot')</script></html>";

/// A JPEG followed by an HTML page.
pub fn jpeg_then_html() -> Vec<u8> {
    let mut b = jpeg(64, 48);
    b.extend_from_slice(POLYGLOT_HTML);
    b
}

/// A JPEG followed by a ZIP archive (a local file header and an end of central directory).
pub fn jpeg_then_zip() -> Vec<u8> {
    let mut b = jpeg(64, 48);
    b.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0evil.html");
    b.extend_from_slice(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    b
}

/// The first third of a JPEG.
pub fn truncated_jpeg() -> Vec<u8> {
    let j = jpeg(640, 480);
    j[..j.len() / 3].to_vec()
}

/// A one-page PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// The start of an iPhone HEIC photo (an ISO-BMFF `ftyp` box of brand `heic`).
pub fn heic() -> Vec<u8> {
    let mut b = vec![0, 0, 0, 24];
    b.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    b.extend_from_slice(&[0; 64]);
    b
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
