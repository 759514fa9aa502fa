//! Photo evidence checks: reading a photo safely (size limits before any pixel is
//! decoded), when it was taken, whether it holds a location, a perceptual hash to spot the
//! same picture sent twice, a small thumbnail, and removing the location losslessly.
//!
//! Everything here is a pure function of the bytes, so callers decide what to refuse.

mod container;
mod metadata;
#[cfg(test)]
mod tests;

pub use container::strip_location;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::io::Cursor;

/// How large a photo may be before it is refused unread. The side and pixel limits are
/// checked from the header, before decoding; `max_alloc` caps what the decoder may
/// allocate, so a small file that inflates to gigabytes (a "decompression bomb") is
/// refused instead of exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_width: u32,
    pub max_height: u32,
    pub max_pixels: u64,
    pub max_alloc: u64,
}

impl Default for Limits {
    /// Room for any phone camera today (a 200-megapixel sensor saves 12.5 MP by default;
    /// 64 MP fits a full-resolution 48 MP shot), while one decode stays under 512 MiB.
    fn default() -> Limits {
        Limits { max_width: 12_000, max_height: 12_000, max_pixels: 64_000_000, max_alloc: 512 * 1024 * 1024 }
    }
}

impl Limits {
    fn for_decoder(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.max_width);
        limits.max_image_height = Some(self.max_height);
        limits.max_alloc = Some(self.max_alloc);
        limits
    }
}

/// Where [`PhotoFacts::captured_at`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureSource {
    /// An EXIF time with its UTC offset: the instant is exact.
    ExifWithOffset,
    /// An EXIF wall-clock time read in the zone the caller gave (the site's): off by the
    /// difference if the photo was taken elsewhere or the camera clock was wrong.
    ExifLocal,
    /// No plausible capture time in the file.
    None,
}

/// What a photo says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoFacts {
    /// `image/jpeg`, `image/png` or `image/webp`, from the bytes.
    pub content_type: String,
    /// Stored dimensions, before EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
    /// When it was taken, per its EXIF; None when absent or implausible (before 1990,
    /// zeros, garbage). A time in the future is returned as is: only the caller knows now.
    pub captured_at: Option<Timestamp>,
    pub capture_source: CaptureSource,
    /// EXIF holds a GPS latitude and longitude.
    pub has_location: bool,
    /// Difference hash of the upright picture; compare two with [`similar`].
    pub dhash: u64,
}

/// Decodes the whole photo (so a damaged one is caught now, not when a reviewer opens it)
/// and reads its facts. `zone` interprets EXIF times that lack an offset.
pub fn inspect(bytes: &[u8], limits: &Limits, zone: TimeZone) -> Result<PhotoFacts, String> {
    let decoded = decode(bytes, limits)?;
    Ok(facts(bytes, &decoded, zone))
}

/// [`inspect`] and [`thumbnail`] from one decode, as a submission needs both.
pub fn prepare(bytes: &[u8], limits: &Limits, zone: TimeZone, max_side: u32) -> Result<(PhotoFacts, Vec<u8>), String> {
    let decoded = decode(bytes, limits)?;
    let facts = facts(bytes, &decoded, zone);
    Ok((facts, shrink(decoded, max_side)?))
}

fn facts(bytes: &[u8], decoded: &Decoded, zone: TimeZone) -> PhotoFacts {
    let exif = container::exif_block(bytes).and_then(metadata::read);
    let (captured_at, capture_source) =
        exif.as_ref().map_or((None, CaptureSource::None), |exif| metadata::capture_time(exif, &zone));
    PhotoFacts {
        content_type: decoded.format.to_mime_type().to_string(),
        width: decoded.image.width(),
        height: decoded.image.height(),
        captured_at,
        capture_source,
        has_location: exif.as_ref().is_some_and(metadata::has_location),
        dhash: dhash(&decoded.image, decoded.orientation),
    }
}

/// Hashes at most this many bits apart (of 64) show the same picture. In the tests a
/// re-encode at JPEG quality 60, a half-size copy, a brightened one and a copy stored
/// sideways with an EXIF orientation all stay within 4 bits (0 on those scenes), while
/// unrelated pictures land 26–44 bits away (about 32, half the bits, is chance). 10, the
/// usual choice for a 64-bit difference hash, leaves room for the bits that flip on real
/// photos where neighbouring cells are almost equally bright. Crops, heavy edits and
/// rotations other than EXIF's are not caught.
///
/// Two photos of the same unchanged scene (the same locked door, every evening, from the
/// same spot) can be similar too: treat a match as "looks reused, have a person look",
/// not as proof of reuse.
pub const SIMILAR_MAX_DISTANCE: u32 = 10;

/// Whether two [`PhotoFacts::dhash`] values show the same picture (see
/// [`SIMILAR_MAX_DISTANCE`]).
pub fn similar(a: u64, b: u64) -> bool {
    (a ^ b).count_ones() <= SIMILAR_MAX_DISTANCE
}

/// The longest side of the thumbnails shown in lists and reviews.
pub const THUMBNAIL_SIDE: u32 = 320;

/// A small JPEG (quality 80) of the upright photo whose longest side is at most
/// `max_side`, never enlarged, without any metadata: thumbnails are shown to people who
/// should not learn where the photo was taken. Transparent areas become white.
pub fn thumbnail(bytes: &[u8], limits: &Limits, max_side: u32) -> Result<Vec<u8>, String> {
    if max_side == 0 {
        return Err("a thumbnail must be at least one pixel wide".into());
    }
    shrink(decode(bytes, limits)?, max_side)
}

fn shrink(decoded: Decoded, max_side: u32) -> Result<Vec<u8>, String> {
    if max_side == 0 {
        return Err("a thumbnail must be at least one pixel wide".into());
    }
    let Decoded { image, orientation, .. } = decoded;
    let (width, height) = (image.width(), image.height());
    let longest = width.max(height);
    let mut small = if longest > max_side {
        // Rounded, and at least one pixel: a 5000 × 1 strip stays visible.
        let scale = |side: u32| (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        let fit = |side| u32::try_from(scale(side)).unwrap_or(max_side).clamp(1, max_side);
        image.thumbnail_exact(fit(width), fit(height))
    } else {
        image
    };
    small.apply_orientation(orientation);
    let rgb = on_white(small);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| format!("the thumbnail could not be made: {e}"))?;
    Ok(out)
}

/// "this photo could not be read: …": the start of every refusal a person sees.
fn unreadable(why: &str) -> String {
    format!("this photo could not be read: {}", why.trim())
}

struct Decoded {
    image: DynamicImage,
    orientation: Orientation,
    format: ImageFormat,
}

fn decode(bytes: &[u8], limits: &Limits) -> Result<Decoded, String> {
    let format = photo_format(bytes)?;
    // The header alone first, with no size limits, so that an oversized photo gets our
    // explanation rather than the decoder's; reading it allocates nothing large.
    let mut header_limits = image::Limits::no_limits();
    header_limits.max_alloc = Some(limits.max_alloc);
    let mut header = ImageReader::with_format(Cursor::new(bytes), format);
    header.limits(header_limits);
    let (width, height) = header.into_dimensions().map_err(|e| unreadable(&e.to_string()))?;
    check_size(width, height, limits)?;

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.for_decoder());
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(&e.to_string()))?;
    // A damaged orientation tag is not worth refusing the photo over.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let needed = decoder.total_bytes();
    if needed > limits.max_alloc {
        return Err(format!(
            "this photo would need {} MiB of memory to open, more than the {} MiB allowed",
            needed.div_ceil(1 << 20),
            limits.max_alloc >> 20
        ));
    }
    let image = DynamicImage::from_decoder(decoder).map_err(|e| unreadable(&e.to_string()))?;
    Ok(Decoded { image, orientation, format })
}

fn check_size(width: u32, height: u32, limits: &Limits) -> Result<(), String> {
    if width > limits.max_width || height > limits.max_height {
        return Err(format!(
            "this photo is {width} × {height} pixels, which is larger than the {} × {} allowed",
            limits.max_width, limits.max_height
        ));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(format!(
            "this photo is {width} × {height} pixels ({} megapixels), which is larger than the {} megapixels allowed",
            pixels.div_ceil(1_000_000),
            limits.max_pixels / 1_000_000
        ));
    }
    Ok(())
}

/// The photo formats accepted, from the bytes. HEIC gets its own advice since it is what
/// iPhones save by default.
fn photo_format(bytes: &[u8]) -> Result<ImageFormat, String> {
    if bytes.get(4..8) == Some(b"ftyp")
        && matches!(bytes.get(8..12), Some(b"heic" | b"heix" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif"))
    {
        return Err(unreadable(
            "HEIC photos are not supported; send it as JPEG (on an iPhone: Settings, Camera, Formats, Most Compatible)",
        ));
    }
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(format),
        Ok(other) => {
            let name = other.extensions_str().first().map_or("such".to_string(), |ext| ext.to_uppercase());
            Err(unreadable(&format!("{name} files are not accepted as photos; send a JPEG, PNG or WebP")))
        }
        Err(_) => Err(unreadable("it is not a JPEG, PNG or WebP image")),
    }
}

/// Whether an EXIF orientation turns the picture on its side.
fn turns_sideways(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    )
}

/// The difference hash: the upright picture shrunk to 9 × 8 grey cells by averaging,
/// one bit per horizontal neighbour pair saying whether brightness rises to the right
/// (row by row, first row in the highest bits). It survives rescaling and
/// recompression because only the coarse gradients count. The orientation is applied to
/// the 9 × 8 grid rather than to the photo, which costs nothing.
fn dhash(image: &DynamicImage, orientation: Orientation) -> u64 {
    let (width, height) = if turns_sideways(orientation) { (8, 9) } else { (9, 8) };
    let mut small = image.thumbnail_exact(width, height);
    small.apply_orientation(orientation);
    let grey = small.to_luma8();
    let mut hash = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let rises = grey.get_pixel(x, y).0[0] < grey.get_pixel(x + 1, y).0[0];
            hash = (hash << 1) | u64::from(rises);
        }
    }
    hash
}

/// JPEG has no transparency: blend any alpha over white rather than let it turn black.
fn on_white(image: DynamicImage) -> image::RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a)) + 127) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}
