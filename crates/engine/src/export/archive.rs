//! The zip an export is written into, remembering each entry's hash and size for the
//! manifest and `SHA256SUMS`.

use crate::EngineError;
use crate::blobs::sha256_hex;
use jiff::Timestamp;
use proofline_store::StoreError;
use serde_json::{Value, json};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A file written into the archive.
pub(crate) struct Entry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

impl Entry {
    pub fn to_json(&self) -> Value {
        json!({"path": self.path, "sha256": self.sha256, "size": self.size})
    }
}

pub(crate) struct Archive {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    time: zip::DateTime,
    entries: Vec<Entry>,
}

fn failed(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(StoreError::Other(format!("writing the export archive: {e}")))
}

impl Archive {
    /// Every entry carries the export's time (UTC), so two exports of the same data
    /// differ only where the data or that time does.
    pub fn new(generated_at: Timestamp) -> Archive {
        let at = generated_at.to_zoned(jiff::tz::TimeZone::UTC);
        let time = zip::DateTime::from_date_and_time(
            at.year() as u16,
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
            at.second() as u8,
        )
        .unwrap_or_default();
        Archive { zip: ZipWriter::new(Cursor::new(Vec::new())), time, entries: Vec::new() }
    }

    /// Adds a file listed in the manifest and `SHA256SUMS`; `deflate` is for text, not
    /// for formats compressed already.
    pub fn add(&mut self, path: &str, bytes: &[u8], deflate: bool) -> Result<(), EngineError> {
        self.write(path, bytes, deflate)?;
        self.entries.push(Entry { path: path.to_string(), sha256: sha256_hex(bytes), size: bytes.len() as u64 });
        Ok(())
    }

    /// Adds a file that is not listed (`SHA256SUMS` cannot hold its own hash).
    pub fn add_unlisted(&mut self, path: &str, bytes: &[u8]) -> Result<(), EngineError> {
        self.write(path, bytes, true)
    }

    fn write(&mut self, path: &str, bytes: &[u8], deflate: bool) -> Result<(), EngineError> {
        let method = if deflate { CompressionMethod::Deflated } else { CompressionMethod::Stored };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(self.time)
            .unix_permissions(0o644);
        self.zip.start_file(path, options).map_err(failed)?;
        self.zip.write_all(bytes).map_err(failed)
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// What `sha256sum -c` reads: the hash, two spaces (text mode), the path.
    pub fn sha256sums(&self) -> String {
        self.entries.iter().map(|e| format!("{}  {}\n", e.sha256, e.path)).collect()
    }

    pub fn finish(self) -> Result<Vec<u8>, EngineError> {
        Ok(self.zip.finish().map_err(failed)?.into_inner())
    }
}
