//! Evidence files in an object store: an S3 bucket (or an S3-compatible server such as
//! MinIO) or a folder on a shared mount, so that every instance over one database reads
//! what any of them stored. Keys are those of the local store (`ab/cd/abcd…`) under a
//! prefix, so a data directory's `blobs/` folder copies into a bucket as it is.

use async_trait::async_trait;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ClientConfigKey, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use proofline_engine::{BlobStore, bad_hash, blob_key};
use std::sync::Arc;
use std::time::Duration;

/// What [`ObjectBlobs::check`] writes and reads back, under the prefix. Its name cannot
/// be taken by a blob, whose first folder is two hex digits.
const PROBE: &str = "proofline-check";
const PROBE_BODY: &[u8] = b"Proofline writes and reads this file at startup to check it can reach its evidence.\n";

/// Evidence files under a prefix of an object store.
pub struct ObjectBlobs {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    /// Where the files are, for people: the URL it was opened from.
    shown: String,
}

impl ObjectBlobs {
    pub fn new(store: Arc<dyn ObjectStore>, prefix: Path) -> ObjectBlobs {
        let shown = format!("{store}/{prefix}");
        ObjectBlobs { store, prefix, shown }
    }

    /// Opens `s3://BUCKET/PREFIX` or `file:///PATH` (a folder, created if missing). S3's
    /// credentials, region and endpoint come from `settings` named as the AWS tools name
    /// them (`AWS_ACCESS_KEY_ID`, `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP` …):
    /// pass the environment. Nothing is contacted yet; see [`ObjectBlobs::check`].
    pub fn from_url(url: &str, settings: impl IntoIterator<Item = (String, String)>) -> Result<ObjectBlobs, String> {
        let (store, prefix): (Arc<dyn ObjectStore>, Path) = if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(format!("blobs URL {url:?} names no bucket"));
            }
            let prefix = Path::parse(prefix).map_err(|e| format!("blobs URL {url:?}: {e}"))?;
            (Arc::new(s3(bucket, settings)?), prefix)
        } else if let Some(folder) = url.strip_prefix("file://") {
            if !folder.starts_with('/') {
                return Err(format!("blobs URL {url:?} must name an absolute folder: file:///PATH"));
            }
            std::fs::create_dir_all(folder).map_err(|e| format!("cannot create {folder}: {e}"))?;
            let local = LocalFileSystem::new_with_prefix(folder).map_err(|e| format!("blobs URL {url:?}: {e}"))?;
            (Arc::new(local), Path::default())
        } else {
            return Err(format!("unsupported blobs URL {url:?}: use s3://BUCKET/PREFIX or file:///PATH"));
        };
        Ok(ObjectBlobs { store, prefix, shown: url.to_string() })
    }

    /// Writes a small file under the prefix and reads it back, so a wrong bucket, key or
    /// endpoint is reported at startup rather than at the first upload. Gives up after
    /// `within`. The file stays: every instance writes the same bytes.
    pub async fn check(&self, within: Duration) -> Result<(), String> {
        let probe = self.prefix.clone().join(PROBE);
        let round_trip = async {
            self.store.put(&probe, PutPayload::from_static(PROBE_BODY)).await.map_err(|e| match e {
                // S3 answers a write to a missing bucket with 404, which object_store
                // calls a missing object.
                object_store::Error::NotFound { .. } => format!("there is no such bucket ({e})"),
                e => format!("cannot write there ({e})"),
            })?;
            let back = async { self.store.get(&probe).await?.bytes().await };
            match back.await {
                Ok(back) if back == PROBE_BODY => Ok(()),
                Ok(_) => Err(format!("{probe} read back changed")),
                Err(e) => Err(format!("cannot read back what was written ({e})")),
            }
        };
        match tokio::time::timeout(within, round_trip).await {
            Err(_) => Err(format!("evidence store {self}: no answer within {} s", within.as_secs())),
            Ok(Err(why)) => Err(format!("evidence store {self}: {why}")),
            Ok(Ok(())) => Ok(()),
        }
    }

    fn location(&self, sha256: &str) -> std::io::Result<Path> {
        let key = blob_key(sha256).ok_or_else(bad_hash)?;
        Ok(key.split('/').fold(self.prefix.clone(), |path, part| path.join(part)))
    }
}

/// An S3 client for `bucket`, from settings named as the AWS tools name them.
fn s3(bucket: &str, settings: impl IntoIterator<Item = (String, String)>) -> Result<AmazonS3, String> {
    let builder = settings.into_iter().fold(AmazonS3Builder::new(), |builder, (name, value)| {
        let name = name.to_ascii_lowercase();
        match name.parse::<AmazonS3ConfigKey>() {
            // An empty variable is unset, as for Proofline's own.
            Ok(key) if name.starts_with("aws_") && !value.is_empty() => builder.with_config(key, value),
            // Other variables, and AWS ones meant for other tools (AWS_PROFILE …).
            _ => builder,
        }
    });
    // object_store would fail on these at the first request, one with a panic.
    if let Some(endpoint) = builder.get_config_value(&AmazonS3ConfigKey::Endpoint) {
        let plain = endpoint.starts_with("http://");
        if !plain && !endpoint.starts_with("https://") {
            return Err(format!("AWS_ENDPOINT_URL {endpoint:?} must start with https:// or http://"));
        }
        let allow_http = AmazonS3ConfigKey::Client(ClientConfigKey::AllowHttp);
        if plain && builder.get_config_value(&allow_http).as_deref() != Some("true") {
            return Err(format!("AWS_ENDPOINT_URL {endpoint:?} is plain HTTP: set AWS_ALLOW_HTTP=true to use it"));
        }
    }
    // object_store's HTTP client brings no TLS provider of its own: it takes the
    // process's, which is *ring*, as for email and webhooks. Err means one is set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    builder.with_bucket_name(bucket).with_retry(patient_enough()).build().map_err(|e| format!("S3 settings: {e}"))
}

/// A person waits on every upload and every photo shown: a few quick retries ride out a
/// hiccup, where object_store's default (ten, over up to three minutes) would hang a page.
fn patient_enough() -> RetryConfig {
    RetryConfig { max_retries: 3, retry_timeout: Duration::from_secs(20), ..RetryConfig::default() }
}

impl std::fmt::Display for ObjectBlobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

#[async_trait]
impl BlobStore for ObjectBlobs {
    /// Writes without asking first: the key is the content's hash, so writing it again
    /// writes the same bytes, and one request beats a look-up and then a write. Objects
    /// appear whole or not at all, so a crash leaves no half file under a valid hash.
    async fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let location = self.location(sha256)?;
        self.store.put(&location, PutPayload::from(bytes.to_vec())).await?;
        Ok(())
    }

    /// A missing file is `NotFound`, as from the local store: the web app shows a purged
    /// file as gone, and the export lists it as missing.
    async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        let location = self.location(sha256)?;
        Ok(self.store.get(&location).await?.bytes().await?.to_vec())
    }

    async fn delete(&self, sha256: &str) -> std::io::Result<()> {
        let location = self.location(sha256)?;
        // S3 answers a deletion of nothing with success; a folder says NotFound.
        match self.store.delete(&location).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            other => Ok(other?),
        }
    }
}
