//! The metadata blocks inside JPEG, PNG and WebP files: finding the EXIF block, and
//! copying a file without its location by moving whole segments, never its pixels.

use super::metadata::erase_gps;
use super::unreadable;
use std::ops::Range;

/// A copy of a photo with its location removed, or None when it held none. The pixels
/// are not re-encoded: the copy decodes to exactly the same image.
///
/// - EXIF (JPEG APP1, PNG eXIf, WebP EXIF): the GPS directory is zeroed in place, so the
///   capture time and orientation survive. A block whose offsets do not add up is dropped
///   whole, since we could not be sure to have found its GPS fields.
/// - XMP (JPEG APP1, PNG text chunks, WebP `XMP `) is dropped whole: it can repeat the
///   location in any of its many namespaces.
/// - Bytes after the end of the image are dropped (phones append depth maps, second
///   pictures or motion clips there, each with metadata of its own), and with them JPEG's
///   APP2 multi-picture index that points at them.
///
/// Not covered: a JPEG thumbnail inside the EXIF block is copied as it is (cameras do not
/// put EXIF in those), and IPTC place names (city, street) are text, not coordinates.
pub fn strip_location(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let stripped = if bytes.starts_with(JPEG_START) {
        strip_jpeg(bytes)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        strip_png(bytes)
    } else if is_webp(bytes) {
        strip_webp(bytes)
    } else {
        return Err(unreadable("it is not a JPEG, PNG or WebP image"));
    };
    stripped.map_err(|why| unreadable(&why))
}

/// The TIFF structure of the file's first EXIF block, the one readers (and kamadak-exif's
/// own container parsers) use.
pub(super) fn exif_block(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.starts_with(JPEG_START) {
        jpeg_parts(bytes).ok()?.into_iter().find_map(|part| match part {
            Part::Segment { code: APP1, payload, .. } => bytes[payload].strip_prefix(EXIF_PREFIX),
            _ => None,
        })
    } else if bytes.starts_with(PNG_SIGNATURE) {
        let chunk = png_chunks(bytes).ok()?.0.into_iter().find(|chunk| &chunk.kind == b"eXIf")?;
        Some(tiff_of(&bytes[chunk.data]))
    } else if is_webp(bytes) {
        let chunk = webp_chunks(bytes).ok()?.0.into_iter().find(|chunk| &chunk.kind == b"EXIF")?;
        Some(tiff_of(&bytes[chunk.data]))
    } else {
        None
    }
}

const EXIF_PREFIX: &[u8] = b"Exif\0\0";

/// PNG and WebP EXIF should be bare TIFF, but some writers keep JPEG's prefix.
fn tiff_of(payload: &[u8]) -> &[u8] {
    payload.strip_prefix(EXIF_PREFIX).unwrap_or(payload)
}

/// Erases GPS inside an EXIF payload: Some(changed) or None when the block must go whole.
fn erase_in_payload(payload: &mut [u8]) -> Option<bool> {
    let skip = if payload.starts_with(EXIF_PREFIX) { EXIF_PREFIX.len() } else { 0 };
    erase_gps(&mut payload[skip..]).ok()
}

// JPEG: markers and length-prefixed segments up to each scan's entropy-coded data.

const JPEG_START: &[u8] = &[0xFF, 0xD8];
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const START_OF_SCAN: u8 = 0xDA;
const END_OF_IMAGE: u8 = 0xD9;
const XMP_PREFIXES: [&[u8]; 2] = [b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0"];

enum Part {
    /// A marker without a length (SOI, EOI, RSTn), or the scan data that follows SOS.
    Plain(Range<usize>),
    Segment {
        code: u8,
        whole: Range<usize>,
        payload: Range<usize>,
    },
    /// Something follows the end-of-image marker.
    Trailing,
}

fn jpeg_parts(b: &[u8]) -> Result<Vec<Part>, String> {
    let mut parts = vec![Part::Plain(0..2)];
    let mut i = 2;
    loop {
        if i >= b.len() {
            return Err("the file ends before its picture".into());
        }
        if b[i] != 0xFF {
            return Err("its structure is damaged".into());
        }
        let start = i;
        while b.get(i) == Some(&0xFF) {
            i += 1;
        }
        let code = *b.get(i).ok_or("the file ends before its picture")?;
        i += 1;
        match code {
            END_OF_IMAGE => {
                parts.push(Part::Plain(start..i));
                if i < b.len() {
                    parts.push(Part::Trailing);
                }
                return Ok(parts);
            }
            0x01 | 0xD0..=0xD7 => parts.push(Part::Plain(start..i)),
            0x00 | 0xD8 => return Err("its structure is damaged".into()),
            _ => {
                let length = b.get(i..i + 2).map(|n| u16::from_be_bytes([n[0], n[1]]) as usize);
                let end = length.filter(|&n| n >= 2).map(|n| i + n).filter(|&end| end <= b.len());
                let end = end.ok_or("the file is cut short")?;
                parts.push(Part::Segment { code, whole: start..end, payload: i + 2..end });
                i = end;
                if code == START_OF_SCAN {
                    let Some(end) = scan_end(b, i) else {
                        // Cut short inside the picture: keep what there is, as decoders do.
                        parts.push(Part::Plain(i..b.len()));
                        return Ok(parts);
                    };
                    parts.push(Part::Plain(i..end));
                    i = end;
                }
            }
        }
    }
}

/// Where a scan's entropy-coded data ends: at the first marker, an 0xFF followed by
/// neither a stuffed zero, a restart marker nor another fill byte. None if the file ends first.
fn scan_end(b: &[u8], from: usize) -> Option<usize> {
    let is_marker = |pair: &[u8]| pair[0] == 0xFF && !matches!(pair[1], 0x00 | 0xD0..=0xD7 | 0xFF);
    b[from..].windows(2).position(is_marker).map(|at| from + at)
}

fn strip_jpeg(b: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::with_capacity(b.len());
    let mut changed = false;
    for part in jpeg_parts(b)? {
        match part {
            Part::Segment { code: APP1, whole, payload } if b[payload.clone()].starts_with(EXIF_PREFIX) => {
                let mut segment = b[whole.clone()].to_vec();
                match erase_in_payload(&mut segment[payload.start - whole.start..]) {
                    Some(erased) => {
                        changed |= erased;
                        out.extend_from_slice(&segment);
                    }
                    None => changed = true,
                }
            }
            Part::Segment { code: APP1, payload, .. }
                if XMP_PREFIXES.iter().any(|p| b[payload.clone()].starts_with(p)) =>
            {
                changed = true
            }
            Part::Segment { code: APP2, payload, .. } if b[payload.clone()].starts_with(b"MPF\0") => changed = true,
            Part::Trailing => changed = true,
            Part::Plain(range) | Part::Segment { whole: range, .. } => out.extend_from_slice(&b[range]),
        }
    }
    Ok(changed.then_some(out))
}

// PNG: a signature, then length, type, data and CRC for each chunk until IEND.

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

struct Chunk {
    kind: [u8; 4],
    whole: Range<usize>,
    data: Range<usize>,
}

/// The chunks, and the offset where the file should end (after IEND).
fn png_chunks(b: &[u8]) -> Result<(Vec<Chunk>, usize), String> {
    let mut chunks = Vec::new();
    let mut i = PNG_SIGNATURE.len();
    loop {
        let header = b.get(i..i + 8).ok_or("the file ends before its picture")?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let end = (i + 12).checked_add(length).filter(|&end| end <= b.len()).ok_or("the file is cut short")?;
        chunks.push(Chunk { kind, whole: i..end, data: i + 8..end - 4 });
        i = end;
        if &kind == b"IEND" {
            return Ok((chunks, i));
        }
    }
}

/// Text chunk keywords that carry XMP, or EXIF as hex text (ImageMagick's raw profiles).
const PNG_METADATA_KEYWORDS: [&[u8]; 4] =
    [b"XML:com.adobe.xmp", b"Raw profile type exif", b"Raw profile type xmp", b"Raw profile type APP1"];

fn strip_png(b: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let (chunks, end) = png_chunks(b)?;
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut changed = end < b.len();
    for chunk in chunks {
        match &chunk.kind {
            b"eXIf" => {
                let mut data = b[chunk.data.clone()].to_vec();
                match erase_in_payload(&mut data) {
                    Some(false) => out.extend_from_slice(&b[chunk.whole]),
                    Some(true) => {
                        changed = true;
                        out.extend_from_slice(&b[chunk.whole.start..chunk.data.start]);
                        out.extend_from_slice(&data);
                        let mut crc = crc32fast::Hasher::new();
                        crc.update(b"eXIf");
                        crc.update(&data);
                        out.extend_from_slice(&crc.finalize().to_be_bytes());
                    }
                    None => changed = true,
                }
            }
            b"tEXt" | b"zTXt" | b"iTXt" if is_metadata_text(&b[chunk.data.clone()]) => changed = true,
            _ => out.extend_from_slice(&b[chunk.whole]),
        }
    }
    Ok(changed.then_some(out))
}

fn is_metadata_text(data: &[u8]) -> bool {
    let keyword = data.split(|&byte| byte == 0).next().unwrap_or_default();
    PNG_METADATA_KEYWORDS.iter().any(|known| keyword.eq_ignore_ascii_case(known))
}

// WebP: a RIFF container of chunks, each padded to an even length.

fn is_webp(b: &[u8]) -> bool {
    b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP"
}

/// VP8X flag bits saying an EXIF or an XMP chunk follows.
const VP8X_EXIF: u8 = 0x08;
const VP8X_XMP: u8 = 0x04;

/// The chunks, and the offset where the RIFF container ends.
fn webp_chunks(b: &[u8]) -> Result<(Vec<Chunk>, usize), String> {
    let declared = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    let riff_end = declared.checked_add(8).filter(|&end| end <= b.len()).ok_or("the file is cut short")?;
    let mut chunks = Vec::new();
    let mut i = 12;
    while i < riff_end {
        let header = b.get(i..i + 8).filter(|_| i + 8 <= riff_end).ok_or("the file is cut short")?;
        let length = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let kind = [header[0], header[1], header[2], header[3]];
        let data_end = (i + 8).checked_add(length).filter(|&end| end <= riff_end).ok_or("the file is cut short")?;
        // The padding byte is sometimes missing from the last chunk.
        let end = (data_end + length % 2).min(riff_end);
        chunks.push(Chunk { kind, whole: i..end, data: i + 8..data_end });
        i = end;
    }
    Ok((chunks, riff_end))
}

fn strip_webp(b: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let (chunks, riff_end) = webp_chunks(b)?;
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..12]);
    let mut changed = riff_end < b.len();
    let (mut flags_at, mut kept_exif) = (None, false);
    for chunk in chunks {
        match &chunk.kind {
            b"EXIF" => {
                let mut whole = b[chunk.whole.clone()].to_vec();
                match erase_in_payload(&mut whole[8..8 + chunk.data.len()]) {
                    Some(erased) => {
                        changed |= erased;
                        kept_exif = true;
                        out.extend_from_slice(&whole);
                    }
                    None => changed = true,
                }
            }
            b"XMP " => changed = true,
            kind => {
                if kind == b"VP8X" && !chunk.data.is_empty() {
                    flags_at = Some(out.len() + 8);
                }
                out.extend_from_slice(&b[chunk.whole]);
            }
        }
    }
    if !changed {
        return Ok(None);
    }
    if let Some(at) = flags_at {
        out[at] &= !VP8X_XMP;
        if !kept_exif {
            out[at] &= !VP8X_EXIF;
        }
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| "it is too large")?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(Some(out))
}
