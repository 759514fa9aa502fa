//! Where evidence files are kept: in the data directory (one instance), or in an object
//! store that several instances share (`[blobs] url`, `PROOFLINE_BLOBS_URL`).

use crate::config::Config;
use crate::user_error;
use proofline_blobs_object::ObjectBlobs;
use proofline_engine::{BlobStore, LocalBlobs};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// How long startup waits for the object store to take and give back a small file.
const CHECK_WITHIN: Duration = Duration::from_secs(15);

/// The `[blobs]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobsConfig {
    /// `s3://BUCKET/PREFIX` or `file:///PATH`; none means the data directory.
    pub url: Option<String>,
}

impl BlobsConfig {
    /// `PROOFLINE_BLOBS_URL` over the file's setting.
    pub fn with_env(self) -> BlobsConfig {
        match std::env::var("PROOFLINE_BLOBS_URL").ok().filter(|url| !url.is_empty()) {
            Some(url) => BlobsConfig { url: Some(url) },
            None => self,
        }
    }
}

/// The configured blob store, checked to answer before anything is stored in it.
pub async fn open(config: &Config) -> anyhow::Result<Arc<dyn BlobStore>> {
    let Some(url) = &config.blobs.url else {
        if config.database_url.starts_with("postgres") {
            tracing::warn!(
                "evidence files are kept in {}: other instances on this database cannot show them; \
                 give every instance one [blobs] url (see docs/postgres.md)",
                config.data_dir.join("blobs").display()
            );
        }
        return Ok(Arc::new(LocalBlobs::new(config.data_dir.join("blobs"))));
    };
    // S3's credentials, region and endpoint come as the AWS tools take them. A variable
    // that is not Unicode is none of those, and must not stop the start.
    let environment = std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
    let blobs = ObjectBlobs::from_url(url, environment).map_err(user_error)?;
    blobs.check(CHECK_WITHIN).await.map_err(user_error)?;
    tracing::info!(%blobs, "evidence files in a shared store");
    Ok(Arc::new(blobs))
}
