//! Photos as a phone writes them: a JPEG whose EXIF says when it was taken (with the UTC
//! offset) and, optionally, where. Built by hand so tests choose the capture time.

use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;

/// One little-endian TIFF field: tag, type, count, value bytes.
type Field = (u16, u16, u32, Vec<u8>);

fn ascii(tag: u16, text: &str) -> Field {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    (tag, 2, bytes.len() as u32, bytes)
}

fn long(tag: u16, value: u32) -> Field {
    (tag, 4, 1, value.to_le_bytes().to_vec())
}

fn rationals(tag: u16, values: &[(u32, u32)]) -> Field {
    let bytes = values.iter().flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()]).flatten().collect();
    (tag, 5, values.len() as u32, bytes)
}

/// Writes one directory at the end of `out` (offsets count from the TIFF header at 0),
/// values longer than four bytes after it; returns where the next-directory link sits.
fn directory(out: &mut Vec<u8>, fields: &[Field]) {
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
            let padded = value.len().next_multiple_of(2);
            data.extend_from_slice(value);
            data.resize(data.len() + padded - value.len(), 0);
            data_at += padded;
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&data);
}

fn size(fields: &[Field]) -> usize {
    6 + 12 * fields.len()
        + fields.iter().filter(|f| f.3.len() > 4).map(|f| f.3.len().next_multiple_of(2)).sum::<usize>()
}

/// A 64 × 48 JPEG of a scene drawn from `seed`, taken at `local` ("2026:01:05 08:30:00")
/// with UTC offset `offset` ("+01:00"), with a GPS position when `gps`.
pub fn camera_jpeg(seed: u8, local: &str, offset: &str, gps: bool) -> Vec<u8> {
    let picture = RgbImage::from_fn(64, 48, |x, y| {
        let v = (x as u8).wrapping_mul(seed.wrapping_add(3)) ^ (y as u8).wrapping_mul(seed.wrapping_add(7));
        image::Rgb([v, v.wrapping_add(seed.wrapping_mul(40)), 255 - v])
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&picture).unwrap();

    let exif_fields = vec![ascii(0x9003, local), ascii(0x9011, offset)];
    let gps_fields = vec![
        ascii(0x0001, "N"),
        rationals(0x0002, &[(51, 1), (30, 1), (442_817, 10_007)]),
        ascii(0x0003, "W"),
        rationals(0x0004, &[(0, 1), (7, 1), (3_947, 100)]),
    ];
    let ifd0_len = 6 + 12 * (1 + usize::from(gps));
    let exif_at = 8 + ifd0_len;
    let gps_at = exif_at + size(&exif_fields);
    let mut ifd0 = vec![long(0x8769, exif_at as u32)];
    if gps {
        ifd0.push(long(0x8825, gps_at as u32));
    }
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    directory(&mut tiff, &ifd0);
    directory(&mut tiff, &exif_fields);
    if gps {
        directory(&mut tiff, &gps_fields);
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The latitude's last rational as stored: it must not survive in a stripped copy.
pub fn latitude_seconds() -> Vec<u8> {
    [442_817u32.to_le_bytes(), 10_007u32.to_le_bytes()].concat()
}
