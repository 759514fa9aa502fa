//! What a photo's EXIF says (when it was taken, whether it holds a location), and the
//! in-place erasure of its GPS block.
//!
//! Reading goes through kamadak-exif. Erasing is done here by hand on the raw TIFF
//! structure, because rewriting the block through a writer would move every offset and
//! break maker notes that point into it; zeroing in place moves nothing.

use super::CaptureSource;
use exif::{Exif, In, Reader, Tag, Value};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

/// The earliest capture year believed. Cameras with a flat clock battery reset to 1970 or
/// 1980 (and some write "0000:00:00"); no proof in this system predates digital phones.
const EARLIEST_YEAR: u16 = 1990;

/// The EXIF fields in a TIFF block, or None when the block is unreadable. A partly broken
/// block (say, a maker note pointing past the end) still gives the fields that did parse.
pub(super) fn read(tiff: &[u8]) -> Option<Exif> {
    match Reader::new().continue_on_error(true).read_raw(tiff.to_vec()) {
        Ok(exif) => Some(exif),
        Err(e) => e.distill_partial_result(|_errors| {}).ok(),
    }
}

/// The capture instant: DateTimeOriginal, else DateTimeDigitized, else DateTime, each with
/// its own offset field when present and otherwise read as wall-clock time in `zone`
/// (a phone writes the local time of where it was). Implausible values are skipped.
pub(super) fn capture_time(exif: &Exif, zone: &TimeZone) -> (Option<Timestamp>, CaptureSource) {
    const SOURCES: [(Tag, Tag, Tag); 3] = [
        (Tag::DateTimeOriginal, Tag::OffsetTimeOriginal, Tag::SubSecTimeOriginal),
        (Tag::DateTimeDigitized, Tag::OffsetTimeDigitized, Tag::SubSecTimeDigitized),
        (Tag::DateTime, Tag::OffsetTime, Tag::SubSecTime),
    ];
    for (time_tag, offset_tag, subsec_tag) in SOURCES {
        let Some(text) = ascii(exif, time_tag) else { continue };
        let Ok(mut parsed) = exif::DateTime::from_ascii(text) else { continue };
        if parsed.year < EARLIEST_YEAR {
            continue;
        }
        if let Some(subsec) = ascii(exif, subsec_tag) {
            // A garbled fraction is not worth losing the whole time over.
            if parsed.parse_subsec(subsec).is_err() {
                parsed.nanosecond = None;
            }
        }
        let Some(civil) = civil(&parsed) else { continue };
        let offset = ascii(exif, offset_tag).and_then(|text| {
            parsed.parse_offset(text).ok()?;
            Offset::from_seconds(i32::from(parsed.offset?) * 60).ok()
        });
        let found = match offset {
            Some(offset) => offset.to_timestamp(civil).ok().map(|at| (at, CaptureSource::ExifWithOffset)),
            None => zone.to_ambiguous_timestamp(civil).compatible().ok().map(|at| (at, CaptureSource::ExifLocal)),
        };
        if let Some((at, source)) = found {
            return (Some(at), source);
        }
    }
    (None, CaptureSource::None)
}

fn civil(parsed: &exif::DateTime) -> Option<DateTime> {
    let small = |n: u8| i8::try_from(n).ok();
    DateTime::new(
        i16::try_from(parsed.year).ok()?,
        small(parsed.month)?,
        small(parsed.day)?,
        small(parsed.hour)?,
        small(parsed.minute)?,
        small(parsed.second)?,
        i32::try_from(parsed.nanosecond.unwrap_or(0)).ok()?,
    )
    .ok()
}

fn ascii(exif: &Exif, tag: Tag) -> Option<&[u8]> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(values) => values.first().map(Vec::as_slice),
        _ => None,
    }
}

/// Whether the GPS block holds a usable latitude and longitude. A block with only a
/// version, a timestamp or zero denominators (written by cameras without a fix) does not count.
pub(super) fn has_location(exif: &Exif) -> bool {
    let usable = |tag| match exif.get_field(tag, In::PRIMARY).map(|f| &f.value) {
        Some(Value::Rational(parts)) => !parts.is_empty() && parts.iter().all(|r| r.denom != 0),
        _ => false,
    };
    usable(Tag::GPSLatitude) && usable(Tag::GPSLongitude)
}

/// The TIFF block is not laid out as its own offsets claim: the caller drops it whole.
#[derive(Debug)]
pub(super) struct Malformed;

const GPS_POINTER: u16 = 0x8825;

/// Erases every GPS field in a TIFF (EXIF) block in place: each GPS entry, the values
/// stored out of line, and the entry count, leaving an empty GPS directory that readers
/// accept. Everything else (capture time, orientation, maker notes) keeps its bytes and
/// offsets. Returns whether there was anything to erase.
pub(super) fn erase_gps(tiff: &mut [u8]) -> Result<bool, Malformed> {
    let layout = Layout::of(tiff)?;
    let mut spans = Vec::new();
    // The GPS pointer lives in IFD0; IFD1 (the thumbnail's) is searched as well since
    // some writers repeat it there.
    let mut ifd = layout.u32(4)? as usize;
    for _ in 0..2 {
        if ifd == 0 {
            break;
        }
        let count = layout.u16(ifd)? as usize;
        for entry in (0..count).map(|k| ifd + 2 + 12 * k) {
            if layout.u16(entry)? == GPS_POINTER {
                spans.extend(layout.gps_spans(layout.u32(entry + 8)? as usize)?);
            }
        }
        ifd = layout.u32(ifd + 2 + 12 * count)? as usize;
    }
    let found = !spans.is_empty();
    for span in spans {
        tiff[span].fill(0);
    }
    Ok(found)
}

/// Reads numbers from a TIFF block in its byte order.
struct Layout<'a> {
    data: &'a [u8],
    little: bool,
}

impl<'a> Layout<'a> {
    fn of(data: &'a [u8]) -> Result<Layout<'a>, Malformed> {
        match data.get(..4) {
            Some(b"II*\0") => Ok(Layout { data, little: true }),
            Some(b"MM\0*") => Ok(Layout { data, little: false }),
            _ => Err(Malformed),
        }
    }

    fn u16(&self, at: usize) -> Result<u16, Malformed> {
        let bytes: [u8; 2] = self.data.get(at..at + 2).ok_or(Malformed)?.try_into().map_err(|_| Malformed)?;
        Ok(if self.little { u16::from_le_bytes(bytes) } else { u16::from_be_bytes(bytes) })
    }

    fn u32(&self, at: usize) -> Result<u32, Malformed> {
        let bytes: [u8; 4] = self.data.get(at..at + 4).ok_or(Malformed)?.try_into().map_err(|_| Malformed)?;
        Ok(if self.little { u32::from_le_bytes(bytes) } else { u32::from_be_bytes(bytes) })
    }

    /// The byte ranges a GPS directory at `at` occupies: its entries with their count and
    /// next-directory link, and each value too long to sit inside its entry.
    fn gps_spans(&self, at: usize) -> Result<Vec<std::ops::Range<usize>>, Malformed> {
        let count = self.u16(at)? as usize;
        if count == 0 {
            return Ok(Vec::new());
        }
        let entries_end = at + 2 + 12 * count;
        if entries_end > self.data.len() {
            return Err(Malformed);
        }
        // The link to a next directory is required but sometimes missing at the very end.
        let mut spans = Vec::with_capacity(1 + count);
        spans.push(at..(entries_end + 4).min(self.data.len()));
        for entry in (0..count).map(|k| at + 2 + 12 * k) {
            let unit = type_size(self.u16(entry + 2)?).ok_or(Malformed)?;
            let size = unit.checked_mul(self.u32(entry + 4)? as usize).ok_or(Malformed)?;
            if size > 4 {
                let start = self.u32(entry + 8)? as usize;
                let end = start.checked_add(size).filter(|&end| end <= self.data.len()).ok_or(Malformed)?;
                spans.push(start..end);
            }
        }
        Ok(spans)
    }
}

/// Bytes per value of each TIFF field type; None for a type TIFF does not define.
fn type_size(kind: u16) -> Option<usize> {
    match kind {
        1 | 2 | 6 | 7 => Some(1),
        3 | 8 => Some(2),
        4 | 9 | 11 | 13 => Some(4),
        5 | 10 | 12 => Some(8),
        _ => None,
    }
}
