//! What the PDF reader needs of a font: how its bytes become characters (lopdf reads the
//! encoding and any ToUnicode map) and how wide each glyph is, so the reader knows where
//! a run of text ends and whether the next one follows after a space.

use lopdf::{DecompressError, Dictionary, Document, Encoding, Error as PdfError, Object};

pub(super) struct Font<'a> {
    /// From the font's name: producers name the bold cut of a face "…-Bold" or "…,Bold".
    pub(super) bold: bool,
    encoding: Option<Encoding<'a>>,
    /// Composite (Type0) fonts take two bytes per glyph in the usual Identity encodings.
    two_byte: bool,
    first_char: u32,
    widths: Vec<f32>,
    /// A composite font's widths: (first code, last code, width), sorted.
    ranges: Vec<(u32, u32, f32)>,
    default_width: f32,
}

/// Width ranges kept from one font's /W array; real fonts list a few hundred.
const MAX_RANGES: usize = 65_536;

impl<'a> Font<'a> {
    /// Only a decompression limit is an error; a font that cannot be understood reads as
    /// Latin-1, which is right for the plain fonts old tools write.
    pub(super) fn read(document: &'a Document, font: &'a Dictionary, limit: usize) -> Result<Font<'a>, PdfError> {
        let encoding = match font.get_font_encoding_with_limit(document, limit) {
            Ok(encoding) => Some(encoding),
            Err(error @ PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. })) => return Err(error),
            Err(_) => None,
        };
        let deref = |object: &'a Object| document.dereference(object).map(|(_, o)| o).ok();
        let get = |dictionary: &'a Dictionary, key: &[u8]| dictionary.get(key).ok().and_then(deref);
        let number = |object: Option<&Object>| object.and_then(|o| o.as_float().ok()).filter(|v| v.is_finite());
        let two_byte = font.has(b"Subtype") && get(font, b"Subtype").and_then(|o| o.as_name().ok()) == Some(b"Type0");
        let name = get(font, b"BaseFont").and_then(|o| o.as_name().ok()).unwrap_or_default();
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let bold = ["bold", "black", "heavy", "semibold", "demi"].iter().any(|w| name.contains(w));
        let mut result = Font {
            bold,
            encoding,
            two_byte,
            first_char: 0,
            widths: Vec::new(),
            ranges: Vec::new(),
            default_width: 500.0,
        };
        if two_byte {
            let descendant = get(font, b"DescendantFonts")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(deref)
                .and_then(|o| o.as_dict().ok());
            if let Some(descendant) = descendant {
                result.default_width = number(get(descendant, b"DW")).unwrap_or(1000.0);
                if let Some(Ok(w)) = get(descendant, b"W").map(Object::as_array) {
                    result.ranges = cid_widths(w, deref);
                }
            } else {
                result.default_width = 1000.0;
            }
        } else {
            result.first_char = number(get(font, b"FirstChar")).map_or(0, |v| v.clamp(0.0, 255.0) as u32);
            if let Some(Ok(widths)) = get(font, b"Widths").map(Object::as_array) {
                result.widths = widths.iter().take(256).map(|w| number(deref(w)).unwrap_or(0.0)).collect();
            }
            let missing = get(font, b"FontDescriptor")
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| number(get(d, b"MissingWidth")))
                .filter(|&w| w > 0.0);
            result.default_width = missing.unwrap_or(500.0);
        }
        Ok(result)
    }

    /// The glyph codes in a shown string, each with whether it is the single-byte space
    /// that word spacing applies to.
    pub(super) fn codes<'b>(&self, bytes: &'b [u8]) -> impl Iterator<Item = (u32, bool)> + 'b {
        let step = if self.two_byte { 2 } else { 1 };
        let two_byte = self.two_byte;
        bytes.chunks(step).map(move |chunk| match chunk {
            [high, low] => (u32::from(*high) << 8 | u32::from(*low), false),
            [byte] => (u32::from(*byte), !two_byte && *byte == b' '),
            _ => (0, false),
        })
    }

    pub(super) fn width(&self, code: u32) -> f32 {
        if self.two_byte {
            let at = self.ranges.partition_point(|&(_, last, _)| last < code);
            return match self.ranges.get(at) {
                Some(&(first, _, width)) if first <= code => width,
                _ => self.default_width,
            };
        }
        match code.checked_sub(self.first_char).and_then(|i| self.widths.get(i as usize)) {
            Some(&width) if width > 0.0 => width,
            _ => self.default_width,
        }
    }

    pub(super) fn decode(&self, bytes: &[u8]) -> String {
        let mut text = String::new();
        match &self.encoding {
            Some(encoding) if encoding.write_to_string(bytes, &mut text).is_ok() => text,
            // A composite font without a map to Unicode gives glyph numbers, not letters.
            _ if self.two_byte => String::new(),
            _ => bytes.iter().map(|&b| char::from(b)).collect(),
        }
    }
}

/// A /W array: `c [w1 w2 …]` gives widths from code c on; `first last w` gives one width to
/// a range.
fn cid_widths<'a>(w: &'a [Object], deref: impl Fn(&'a Object) -> Option<&'a Object>) -> Vec<(u32, u32, f32)> {
    let code = |o: Option<&Object>| o.and_then(|o| o.as_i64().ok()).and_then(|v| u32::try_from(v).ok());
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < w.len() && ranges.len() < MAX_RANGES {
        let Some(first) = code(w.get(i)) else { break };
        match w.get(i + 1).and_then(&deref) {
            Some(Object::Array(widths)) => {
                for (offset, width) in widths.iter().take(MAX_RANGES).enumerate() {
                    let width = width.as_float().unwrap_or(0.0);
                    let at = first.saturating_add(offset as u32);
                    ranges.push((at, at, width));
                }
                i += 2;
            }
            _ => {
                let (Some(last), Some(width)) = (code(w.get(i + 1)), w.get(i + 2).and_then(|o| o.as_float().ok()))
                else {
                    break;
                };
                ranges.push((first, last.max(first), width));
                i += 3;
            }
        }
    }
    ranges.retain(|&(_, _, width)| width.is_finite() && width >= 0.0);
    ranges.sort_by_key(|&(first, last, _)| (first, last));
    ranges
}
