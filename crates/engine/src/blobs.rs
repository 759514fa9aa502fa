//! Evidence files: stored content-addressed by SHA-256, their type read from the bytes.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::path::PathBuf;

/// A file as it arrived with a submission.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The proof requirement it answers.
    pub key: String,
    /// The client's name for it; shown to people, never used as a path.
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` under `sha256` unless already there.
    async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()>;
    async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>>;
    /// Removes the bytes stored under `sha256`; removing what is not there is no error.
    async fn delete(&self, sha256: &str) -> std::io::Result<()>;
}

/// Blobs under a directory, fanned out by hash prefix: `ab/cd/abcd…`.
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    pub fn new(root: impl Into<PathBuf>) -> LocalBlobs {
        LocalBlobs { root: root.into() }
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        blob_key(sha256).map(|key| self.root.join(key))
    }
}

/// Where the bytes of `sha256` live relative to a store's root: `ab/cd/abcd…`, the same
/// for every backend so that a folder of blobs copies into a bucket as it is. `None`
/// unless `sha256` is a lowercase hex digest, so that no caller can name a path.
pub fn blob_key(sha256: &str) -> Option<String> {
    let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    valid.then(|| format!("{}/{}/{sha256}", &sha256[..2], &sha256[2..4]))
}

/// The error every backend gives for a `sha256` that [`blob_key`] refuses.
pub fn bad_hash() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a SHA-256 hex digest")
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(sha256).ok_or_else(bad_hash)?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        let dir = path.parent().ok_or_else(bad_hash)?;
        tokio::fs::create_dir_all(dir).await?;
        // Write then rename, so a crash never leaves a half file under a valid hash.
        let temp = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
        tokio::fs::write(&temp, bytes).await?;
        tokio::fs::rename(&temp, &path).await
    }

    async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path(sha256).ok_or_else(bad_hash)?).await
    }

    async fn delete(&self, sha256: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(sha256).ok_or_else(bad_hash)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The media type the bytes really are. Images must also parse as images: a file that
/// starts like a JPEG but is not one is refused.
pub fn sniff(bytes: &[u8]) -> Result<String, String> {
    let Some(kind) = infer::get(bytes) else {
        return Ok(
            if std::str::from_utf8(bytes).is_ok() { "text/plain" } else { "application/octet-stream" }.to_string()
        );
    };
    let mime = kind.mime_type();
    if matches!(mime, "image/jpeg" | "image/png" | "image/gif" | "image/webp") {
        image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| e.to_string())?
            .into_dimensions()
            .map_err(|e| format!("it looks like {mime} but is not a readable image ({})", e.to_string().trim()))?;
    }
    Ok(mime.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::new(2, 2).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(sniff(&png()).unwrap(), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n...").unwrap(), "application/pdf");
        assert_eq!(sniff(b"just words").unwrap(), "text/plain");
        assert_eq!(sniff(&[0, 159, 146, 150]).unwrap(), "application/octet-stream");
    }

    #[test]
    fn a_jpeg_header_followed_by_junk_is_not_an_image() {
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
        fake.extend_from_slice(&[0x13; 200]);
        assert!(sniff(&fake).unwrap_err().contains("not a readable image"));
    }

    #[tokio::test]
    async fn blobs_are_stored_once_by_hash_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::new(dir.path());
        let bytes = png();
        let hash = sha256_hex(&bytes);
        blobs.put(&hash, &bytes).await.unwrap();
        blobs.put(&hash, &bytes).await.unwrap();
        assert_eq!(blobs.get(&hash).await.unwrap(), bytes);
        assert!(blobs.put("../../etc/passwd", b"x").await.is_err());
    }
}
