//! Tests of photo checks, on pictures drawn here with EXIF built by hand, and on fixtures
//! written by ExifTool (`testdata/make-fixtures.sh`) so that our reader is not only
//! checked against our own writer.

use super::*;
use image::{GenericImageView, RgbImage, Rgba, RgbaImage};
use std::f32::consts::PI;
use std::time::Instant;

const CAMERA_JPEG: &[u8] = include_bytes!("../../testdata/camera-gps.jpg");
const CAMERA_PNG: &[u8] = include_bytes!("../../testdata/camera-gps.png");
const BOMB_65MP: &[u8] = include_bytes!("../../testdata/bomb-65mp.png");

fn zone(hours: i8) -> TimeZone {
    TimeZone::fixed(jiff::tz::offset(hours))
}

fn facts(bytes: &[u8]) -> PhotoFacts {
    inspect(bytes, &Limits::default(), zone(0)).unwrap()
}

/// A picture with broad shapes and gradients under grain, like a photo taken in poor
/// light; each seed draws a different one.
fn scene(width: u32, height: u32, seed: u32) -> RgbImage {
    let s = seed as f32;
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        // Grain of ±24 levels from a cheap integer hash of the position.
        let grain = ((x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663) ^ seed.wrapping_mul(83_492_791)) % 49)
            as f32
            - 24.0;
        let wave = |a: f32| (127.0 + 100.0 * a + grain).clamp(0.0, 255.0) as u8;
        let (cx, cy) = ((0.25 + 0.17 * s) % 1.0, (0.7 - 0.13 * s).rem_euclid(1.0));
        let inside = (fx - cx).powi(2) + (fy - cy).powi(2) < 0.04;
        image::Rgb([
            wave((fx * (2.0 + s) * PI + s).sin() * (fy * (1.0 + s / 2.0) * PI).cos()),
            wave(((fx + fy) * (1.5 + s) * PI).sin()),
            if inside { 240 } else { wave(fy * 2.0 - 1.0) / 2 },
        ])
    })
}

fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(image).unwrap();
    out
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

fn png(image: &RgbImage) -> Vec<u8> {
    encode(&DynamicImage::ImageRgb8(image.clone()), ImageFormat::Png)
}

/// Lossless, as image 0.25 writes WebP.
fn webp(image: &RgbImage) -> Vec<u8> {
    encode(&DynamicImage::ImageRgb8(image.clone()), ImageFormat::WebP)
}

fn pixels(bytes: &[u8]) -> Vec<u8> {
    image::load_from_memory(bytes).unwrap().to_rgba8().into_raw()
}

/// Latitude 51° 30′ 44.2817″ as three rationals with an unusual last one, so its bytes
/// cannot turn up by chance.
const LATITUDE: [(u32, u32); 3] = [(51, 1), (30, 1), (442_817, 10_007)];

fn latitude_bytes(little_endian: bool) -> Vec<u8> {
    let word = |n: u32| if little_endian { n.to_le_bytes() } else { n.to_be_bytes() };
    LATITUDE.iter().flat_map(|&(num, den)| [word(num), word(den)]).flatten().collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// The EXIF fields a test photo carries.
#[derive(Default, Clone)]
struct Tags {
    orientation: Option<u16>,
    original: Option<&'static str>,
    offset: Option<&'static str>,
    digitized: Option<&'static str>,
    datetime: Option<&'static str>,
    gps: bool,
}

/// One TIFF field: tag, type, count and value bytes (little-endian).
type Field = (u16, u16, u32, Vec<u8>);

fn ascii(tag: u16, text: &str) -> Field {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    (tag, 2, bytes.len() as u32, bytes)
}

fn ifd_len(fields: &[Field]) -> usize {
    6 + 12 * fields.len()
        + fields.iter().filter(|f| f.3.len() > 4).map(|f| f.3.len().next_multiple_of(2)).sum::<usize>()
}

fn write_ifd(out: &mut Vec<u8>, fields: &[Field]) {
    let mut data_at = out.len() + 2 + 12 * fields.len() + 4;
    let mut data = Vec::new();
    out.extend_from_slice(&(fields.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in fields {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            out.extend_from_slice(&inline);
        } else {
            out.extend_from_slice(&(data_at as u32).to_le_bytes());
            data.extend_from_slice(value);
            if value.len() % 2 == 1 {
                data.push(0);
            }
            data_at += value.len().next_multiple_of(2);
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&data);
}

/// A little-endian TIFF block: IFD0, then the EXIF directory, then the GPS directory.
fn tiff(tags: &Tags) -> Vec<u8> {
    let mut ifd0: Vec<Field> = Vec::new();
    if let Some(orientation) = tags.orientation {
        ifd0.push((0x0112, 3, 1, orientation.to_le_bytes().to_vec()));
    }
    if let Some(text) = tags.datetime {
        ifd0.push(ascii(0x0132, text));
    }
    let mut exif: Vec<Field> = Vec::new();
    for (tag, text) in [(0x9003, tags.original), (0x9004, tags.digitized), (0x9011, tags.offset)] {
        if let Some(text) = text {
            exif.push(ascii(tag, text));
        }
    }
    let rationals = |parts: &[(u32, u32)]| -> Vec<u8> {
        parts.iter().flat_map(|&(n, d)| [n.to_le_bytes(), d.to_le_bytes()]).flatten().collect()
    };
    let gps: Vec<Field> = if tags.gps {
        vec![
            (0x0000, 1, 4, vec![2, 3, 0, 0]),
            ascii(0x0001, "N"),
            (0x0002, 5, 3, rationals(&LATITUDE)),
            ascii(0x0003, "W"),
            (0x0004, 5, 3, rationals(&[(0, 1), (7, 1), (4008, 100)])),
        ]
    } else {
        Vec::new()
    };
    let pointers = usize::from(!exif.is_empty()) + usize::from(!gps.is_empty());
    let ifd0_len = ifd_len(&ifd0) + 12 * pointers;
    let exif_at = 8 + ifd0_len;
    let gps_at = exif_at + if exif.is_empty() { 0 } else { ifd_len(&exif) };
    if !exif.is_empty() {
        ifd0.push((0x8769, 4, 1, (exif_at as u32).to_le_bytes().to_vec()));
    }
    if !gps.is_empty() {
        ifd0.push((0x8825, 4, 1, (gps_at as u32).to_le_bytes().to_vec()));
    }
    let mut out = b"II*\0\x08\0\0\0".to_vec();
    write_ifd(&mut out, &ifd0);
    for ifd in [&exif, &gps] {
        if !ifd.is_empty() {
            write_ifd(&mut out, ifd);
        }
    }
    out
}

const XMP: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.738N" exif:GPSLongitude="0,7.668W"/></rdf:RDF></x:xmpmeta>"#;

fn app1(payload: &[u8]) -> Vec<u8> {
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    segment.extend_from_slice(payload);
    segment
}

/// The JPEG with an EXIF segment (and an XMP one) right after its start marker.
fn jpeg_with(jpeg: &[u8], tags: &Tags, xmp: bool) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend(app1(&[b"Exif\0\0".as_slice(), &tiff(tags)].concat()));
    if xmp {
        out.extend(app1(&[b"http://ns.adobe.com/xap/1.0/\0".as_slice(), XMP.as_bytes()].concat()));
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    [&(data.len() as u32).to_be_bytes()[..], kind, data, &crc.finalize().to_be_bytes()].concat()
}

/// The PNG with eXIf (and an XMP iTXt chunk) after its header chunk.
fn png_with(png: &[u8], tags: &Tags, xmp: bool) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    out.extend(png_chunk(b"eXIf", &tiff(tags)));
    if xmp {
        out.extend(png_chunk(b"iTXt", &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), XMP.as_bytes()].concat()));
    }
    out.extend_from_slice(&png[33..]);
    out
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = [&kind[..], &(data.len() as u32).to_le_bytes(), data].concat();
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// The simple (VP8L) WebP made extended: VP8X, the picture, EXIF and XMP chunks.
fn webp_with(webp: &[u8], width: u32, height: u32, tags: &Tags, xmp: bool) -> Vec<u8> {
    assert_eq!(&webp[12..16], b"VP8L", "image 0.25 writes lossless WebP");
    let mut vp8x = vec![VP8X_EXIF_FLAG | if xmp { VP8X_XMP_FLAG } else { 0 }, 0, 0, 0];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(b"VP8X", &vp8x));
    body.extend_from_slice(&webp[12..]);
    body.extend(riff_chunk(b"EXIF", &tiff(tags)));
    if xmp {
        body.extend(riff_chunk(b"XMP ", XMP.as_bytes()));
    }
    [b"RIFF".as_slice(), &(body.len() as u32).to_le_bytes(), &body].concat()
}

const VP8X_EXIF_FLAG: u8 = 0x08;
const VP8X_XMP_FLAG: u8 = 0x04;

fn geotagged() -> Tags {
    Tags {
        original: Some("2024:03:05 18:30:15"),
        offset: Some("+01:00"),
        orientation: Some(1),
        gps: true,
        ..Tags::default()
    }
}

/// The same geotagged photo as JPEG, PNG and WebP, with XMP.
fn geotagged_photos() -> Vec<(&'static str, Vec<u8>)> {
    let picture = scene(120, 80, 1);
    vec![
        ("jpeg", jpeg_with(&jpeg(&picture, 90), &geotagged(), true)),
        ("png", png_with(&png(&picture), &geotagged(), true)),
        ("webp", webp_with(&webp(&picture), 120, 80, &geotagged(), true)),
    ]
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn plain_photos_report_type_size_and_no_metadata() {
    let picture = scene(120, 80, 1);
    for (bytes, content_type) in
        [(jpeg(&picture, 90), "image/jpeg"), (png(&picture), "image/png"), (webp(&picture), "image/webp")]
    {
        let facts = facts(&bytes);
        assert_eq!(facts.content_type, content_type);
        assert_eq!((facts.width, facts.height), (120, 80));
        assert_eq!((facts.captured_at, facts.capture_source, facts.has_location), (None, CaptureSource::None, false));
    }
}

#[test]
fn capture_time_with_an_offset_is_exact_in_every_format() {
    for (kind, bytes) in geotagged_photos() {
        let facts = inspect(&bytes, &Limits::default(), zone(-5)).unwrap();
        assert_eq!(facts.captured_at, Some(at("2024-03-05T17:30:15Z")), "{kind}");
        assert_eq!(facts.capture_source, CaptureSource::ExifWithOffset, "{kind}");
        assert!(facts.has_location, "{kind}");
    }
}

#[test]
fn capture_time_without_an_offset_is_read_in_the_sites_zone() {
    let tags = Tags { original: Some("2024:03:05 18:30:15"), ..Tags::default() };
    let bytes = jpeg_with(&jpeg(&scene(64, 48, 1), 90), &tags, false);
    let facts = inspect(&bytes, &Limits::default(), zone(-5)).unwrap();
    assert_eq!(facts.captured_at, Some(at("2024-03-05T23:30:15Z")));
    assert_eq!(facts.capture_source, CaptureSource::ExifLocal);
    assert!(!facts.has_location);
}

#[test]
fn a_missing_or_implausible_original_time_falls_back_to_digitized_then_file_time() {
    let base = jpeg(&scene(64, 48, 1), 90);
    let digitized =
        Tags { digitized: Some("2023:07:01 08:00:00"), datetime: Some("2022:01:01 00:00:00"), ..Tags::default() };
    assert_eq!(facts(&jpeg_with(&base, &digitized, false)).captured_at, Some(at("2023-07-01T08:00:00Z")));
    let zeros =
        Tags { original: Some("0000:00:00 00:00:00"), datetime: Some("2022:01:01 00:00:00"), ..Tags::default() };
    assert_eq!(facts(&jpeg_with(&base, &zeros, false)).captured_at, Some(at("2022-01-01T00:00:00Z")));
}

#[test]
fn implausible_capture_times_are_none_never_an_error() {
    let base = jpeg(&scene(64, 48, 1), 90);
    for text in [
        "0000:00:00 00:00:00",
        "1980:01:01 00:00:00",
        "2024:13:45 99:00:00",
        "2024:02:30 10:00:00",
        "garbage",
        "    :  :     :  :  ",
        "",
    ] {
        let tags = Tags { original: Some(text), offset: Some("+99:99"), ..Tags::default() };
        let facts = facts(&jpeg_with(&base, &tags, false));
        assert_eq!((facts.captured_at, facts.capture_source), (None, CaptureSource::None), "{text:?}");
    }
    // A bad offset alone falls back to the site's zone rather than losing the time.
    let tags = Tags { original: Some("2024:03:05 18:30:15"), offset: Some("+99:99"), ..Tags::default() };
    assert_eq!(facts(&jpeg_with(&base, &tags, false)).capture_source, CaptureSource::ExifLocal);
}

#[test]
fn exiftool_fixtures_give_capture_time_and_location() {
    for (kind, bytes) in [("jpeg", CAMERA_JPEG), ("png", CAMERA_PNG)] {
        let facts = facts(bytes);
        assert_eq!(facts.captured_at, Some(at("2024-03-05T17:30:15Z")), "{kind}");
        assert_eq!(facts.capture_source, CaptureSource::ExifWithOffset, "{kind}");
        assert!(facts.has_location, "{kind}");
        assert_eq!((facts.width, facts.height), (96, 64));
    }
}

/// The latitude rationals exactly as the file stores them, read through kamadak-exif.
fn stored_latitude(bytes: &[u8]) -> Vec<u8> {
    let exif = metadata::read(container::exif_block(bytes).unwrap()).unwrap();
    let field = exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).unwrap();
    let exif::Value::Rational(parts) = &field.value else { panic!("latitude is not rational") };
    let word = |n: u32| if exif.little_endian() { n.to_le_bytes() } else { n.to_be_bytes() };
    parts.iter().flat_map(|r| [word(r.num), word(r.denom)]).flatten().collect()
}

#[test]
fn stripping_location_keeps_pixels_and_capture_time_and_leaves_no_gps_byte() {
    let mut photos = geotagged_photos();
    photos.push(("exiftool jpeg", CAMERA_JPEG.to_vec()));
    photos.push(("exiftool png", CAMERA_PNG.to_vec()));
    for (kind, bytes) in photos {
        let latitude = stored_latitude(&bytes);
        assert!(contains(&bytes, &latitude) && contains(&bytes, b"GPSLatitude"), "{kind}: the test needs them");
        let stripped = strip_location(&bytes).unwrap().expect("there was a location to remove");
        assert_eq!(pixels(&stripped), pixels(&bytes), "{kind}: pixels changed");
        let (before, after) = (facts(&bytes), facts(&stripped));
        assert!(!after.has_location, "{kind}");
        assert_eq!((after.captured_at, after.capture_source), (before.captured_at, before.capture_source), "{kind}");
        assert!(!contains(&stripped, &latitude), "{kind}: latitude bytes remain");
        assert!(!contains(&stripped, b"GPSLatitude"), "{kind}: XMP remains");
        assert_eq!(strip_location(&stripped).unwrap(), None, "{kind}: stripping twice changes nothing");
    }
    assert!(contains(&geotagged_photos()[0].1, &latitude_bytes(true)));
}

#[test]
fn stripping_keeps_the_orientation_so_the_photo_stays_upright() {
    let tags = Tags { orientation: Some(6), ..geotagged() };
    let bytes = jpeg_with(&jpeg(&scene(64, 48, 1), 90), &tags, false);
    let stripped = strip_location(&bytes).unwrap().unwrap();
    let exif = metadata::read(container::exif_block(&stripped).unwrap()).unwrap();
    let orientation = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY).unwrap();
    assert_eq!(orientation.value.get_uint(0), Some(6));
    assert_eq!(facts(&stripped).dhash, facts(&bytes).dhash);
}

#[test]
fn stripped_webp_has_its_riff_size_and_flags_fixed() {
    let (_, bytes) = geotagged_photos().pop().unwrap();
    let stripped = strip_location(&bytes).unwrap().unwrap();
    let riff_size = u32::from_le_bytes(stripped[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff_size, stripped.len() - 8);
    assert_eq!(&stripped[12..16], b"VP8X");
    let flags = stripped[20];
    assert_eq!(flags & VP8X_XMP_FLAG, 0, "no XMP chunk is left");
    assert_eq!(flags & VP8X_EXIF_FLAG, VP8X_EXIF_FLAG, "the EXIF chunk stays, without GPS");
}

#[test]
fn nothing_to_remove_gives_none() {
    let picture = scene(64, 48, 2);
    let no_gps = Tags { original: Some("2024:03:05 18:30:15"), ..Tags::default() };
    for bytes in [
        jpeg(&picture, 90),
        png(&picture),
        webp(&picture),
        jpeg_with(&jpeg(&picture, 90), &no_gps, false),
        png_with(&png(&picture), &no_gps, false),
        webp_with(&webp(&picture), 64, 48, &no_gps, false),
    ] {
        assert_eq!(strip_location(&bytes).unwrap(), None);
    }
}

#[test]
fn an_exif_block_whose_gps_offsets_are_broken_is_dropped_whole() {
    let mut block = tiff(&geotagged());
    // Point the latitude's values past the end of the block.
    let at = block.windows(4).position(|w| w == [0x02, 0x00, 0x05, 0x00]).unwrap();
    block[at + 8..at + 12].copy_from_slice(&60_000u32.to_le_bytes());
    let base = jpeg(&scene(64, 48, 1), 90);
    let bytes = [&base[..2], &app1(&[b"Exif\0\0".as_slice(), &block].concat()), &base[2..]].concat();
    let stripped = strip_location(&bytes).unwrap().unwrap();
    assert!(container::exif_block(&stripped).is_none());
    assert!(!contains(&stripped, &latitude_bytes(true)));
    assert_eq!(pixels(&stripped), pixels(&bytes));
}

#[test]
fn pictures_appended_after_a_jpeg_are_dropped_with_their_own_gps() {
    let picture = scene(64, 48, 1);
    let main = jpeg(&picture, 90);
    let appended = jpeg_with(&jpeg(&scene(32, 24, 3), 90), &geotagged(), false);
    let bytes = [main.as_slice(), &appended].concat();
    let stripped = strip_location(&bytes).unwrap().unwrap();
    assert_eq!(stripped, main);
    assert!(!contains(&stripped, &latitude_bytes(true)));
}

#[test]
fn a_png_declaring_huge_dimensions_is_refused_from_its_header() {
    for (width, height) in [(100_000u32, 100_000u32), (20_000, 20_000)] {
        let header = [&width.to_be_bytes()[..], &height.to_be_bytes(), &[8, 0, 0, 0, 0]].concat();
        let bytes = [
            PNG_SIGNATURE_FOR_TESTS,
            &png_chunk(b"IHDR", &header),
            &png_chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00]),
            &png_chunk(b"IEND", &[]),
        ]
        .concat();
        let started = Instant::now();
        let err = inspect(&bytes, &Limits::default(), zone(0)).unwrap_err();
        assert!(err.contains(&format!("{width} × {height} pixels")) && err.contains("larger than the"), "{err}");
        assert!(thumbnail(&bytes, &Limits::default(), THUMBNAIL_SIDE).is_err());
        assert!(started.elapsed().as_secs() < 2);
    }
}

const PNG_SIGNATURE_FOR_TESTS: &[u8] = b"\x89PNG\r\n\x1a\n";

#[test]
fn a_decompression_bomb_is_refused_before_it_is_inflated() {
    assert!(BOMB_65MP.len() < 10_000);
    let started = Instant::now();
    let err = inspect(BOMB_65MP, &Limits::default(), zone(0)).unwrap_err();
    assert_eq!(
        err,
        "this photo is 10000 × 6500 pixels (65 megapixels), which is larger than the 64 megapixels allowed"
    );
    // With room for the pixels but not the memory, the allocation limit refuses it.
    let tight = Limits { max_pixels: u64::MAX, max_alloc: 16 << 20, ..Limits::default() };
    let err = inspect(BOMB_65MP, &tight, zone(0)).unwrap_err();
    assert!(err.contains("MiB of memory to open, more than the 16 MiB allowed"), "{err}");
    assert!(started.elapsed().as_secs() < 2);
}

#[test]
fn other_files_are_refused_with_a_reason_a_person_can_act_on() {
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    assert!(inspect(heic, &Limits::default(), zone(0)).unwrap_err().contains("HEIC photos are not supported"));
    let gif = encode(&DynamicImage::ImageRgb8(scene(8, 8, 1)), ImageFormat::Gif);
    assert!(inspect(&gif, &Limits::default(), zone(0)).unwrap_err().contains("GIF files are not accepted"));
    for junk in [&b""[..], b"hello", b"%PDF-1.7"] {
        let err = inspect(junk, &Limits::default(), zone(0)).unwrap_err();
        assert!(err.starts_with("this photo could not be read: "), "{err}");
        assert!(strip_location(junk).unwrap_err().starts_with("this photo could not be read: "));
    }
}

/// Hamming distance between two hashes.
fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[test]
fn the_same_picture_recompressed_or_halved_is_similar_and_different_ones_are_not() {
    let original = scene(640, 480, 1);
    let reference = facts(&png(&original)).dhash;
    let recompressed = facts(&jpeg(&original, 60)).dhash;
    let halved =
        facts(&jpeg(&image::imageops::resize(&original, 320, 240, image::imageops::FilterType::Triangle), 85)).dhash;
    let brighter = DynamicImage::ImageRgb8(original.clone()).brighten(30).to_rgb8();
    let brighter =
        facts(&jpeg(&image::imageops::resize(&brighter, 320, 240, image::imageops::FilterType::Triangle), 60)).dhash;
    let (d_jpeg, d_half, d_bright) =
        (distance(reference, recompressed), distance(reference, halved), distance(reference, brighter));
    assert!(similar(reference, recompressed), "quality 60 moved the hash {d_jpeg} bits");
    assert!(similar(reference, halved), "half size moved the hash {d_half} bits");
    assert!(similar(reference, brighter), "brighter, halved and at quality 60 moved the hash {d_bright} bits");
    // The margin the threshold claims: well inside it.
    assert!(d_jpeg <= 4 && d_half <= 4 && d_bright <= 4, "{d_jpeg} {d_half} {d_bright}");
    for seed in 2..6 {
        let other = facts(&jpeg(&scene(640, 480, seed), 90)).dhash;
        let d = distance(reference, other);
        assert!(!similar(reference, other), "scene {seed} is only {d} bits from scene 1");
        assert!(d > 2 * SIMILAR_MAX_DISTANCE, "scene {seed}: {d}");
    }
}

#[test]
fn a_photo_stored_sideways_with_an_orientation_tag_hashes_like_the_upright_one() {
    let upright = scene(320, 240, 1);
    let sideways = image::imageops::rotate270(&upright);
    let tags = Tags { orientation: Some(6), ..Tags::default() };
    let bytes = jpeg_with(&jpeg(&sideways, 90), &tags, false);
    let facts_sideways = facts(&bytes);
    assert_eq!((facts_sideways.width, facts_sideways.height), (240, 320), "stored dimensions");
    let d = distance(facts(&png(&upright)).dhash, facts_sideways.dhash);
    assert!(d <= 4, "{d}");
    // Without the tag the same pixels do not match: the tag is what was applied.
    assert!(!similar(facts(&png(&upright)).dhash, facts(&jpeg(&sideways, 90)).dhash));
}

#[test]
fn thumbnails_fit_the_box_upright_without_metadata_and_never_grow() {
    let limits = Limits::default();
    let size = |bytes: &[u8]| image::load_from_memory(bytes).unwrap().dimensions();
    let big = jpeg_with(&jpeg(&scene(1000, 600, 1), 90), &geotagged(), true);
    let small = thumbnail(&big, &limits, THUMBNAIL_SIDE).unwrap();
    assert_eq!(size(&small), (320, 192));
    assert_eq!(image::guess_format(&small).unwrap(), ImageFormat::Jpeg);
    assert!(container::exif_block(&small).is_none());
    assert!(!contains(&small, b"GPSLatitude") && !contains(&small, &latitude_bytes(true)));

    assert_eq!(size(&thumbnail(&png(&scene(200, 100, 1)), &limits, THUMBNAIL_SIDE).unwrap()), (200, 100));
    let sideways = jpeg_with(&jpeg(&scene(400, 200, 1), 90), &Tags { orientation: Some(6), ..Tags::default() }, false);
    assert_eq!(size(&thumbnail(&sideways, &limits, THUMBNAIL_SIDE).unwrap()), (160, 320));
    assert_eq!(size(&thumbnail(&png(&scene(5000, 1, 1)), &limits, THUMBNAIL_SIDE).unwrap()), (320, 1));
    assert!(thumbnail(&big, &limits, 0).is_err());
}

#[test]
fn transparent_areas_of_a_thumbnail_are_white() {
    let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(10, 10, Rgba([0, 0, 0, 0])));
    let small = thumbnail(&encode(&clear, ImageFormat::Png), &Limits::default(), 320).unwrap();
    let pixel = image::load_from_memory(&small).unwrap().to_rgb8().get_pixel(5, 5).0;
    assert!(pixel.iter().all(|&c| c > 245), "{pixel:?}");
}

#[test]
fn a_one_pixel_photo_is_fine() {
    let dot = RgbImage::from_pixel(1, 1, image::Rgb([200, 10, 10]));
    assert_eq!(facts(&png(&dot)).width, 1);
    assert!(thumbnail(&jpeg(&dot, 90), &Limits::default(), 320).is_ok());
}

/// Cut and damaged copies of every kind of file must give Ok or Err, never a panic.
#[test]
fn truncated_or_corrupted_files_never_panic() {
    let mut inputs: Vec<Vec<u8>> = geotagged_photos().into_iter().map(|(_, bytes)| bytes).collect();
    inputs.extend([CAMERA_JPEG.to_vec(), CAMERA_PNG.to_vec()]);
    let limits = Limits::default();
    let mut random = fastrand::Rng::with_seed(7);
    for bytes in &inputs {
        let step = (bytes.len() / 150).max(1);
        let cuts = (0..bytes.len()).step_by(step).chain(0..64.min(bytes.len()));
        for cut in cuts {
            let _ = inspect(&bytes[..cut], &limits, zone(0));
            let _ = strip_location(&bytes[..cut]);
        }
        for round in 0..150 {
            let mut damaged = bytes.clone();
            // Damage the metadata and headers (the first kilobytes) more often than pixels.
            let span = if round % 2 == 0 { damaged.len().min(2048) } else { damaged.len() };
            for _ in 0..random.usize(1..8) {
                let at = random.usize(..span);
                damaged[at] = random.u8(..);
            }
            let _ = inspect(&damaged, &limits, zone(0));
            if let Ok(Some(stripped)) = strip_location(&damaged) {
                let _ = inspect(&stripped, &limits, zone(0));
            }
            if round % 10 == 0 {
                let _ = thumbnail(&damaged, &limits, 64);
            }
        }
    }
}
