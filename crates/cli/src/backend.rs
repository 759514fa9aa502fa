//! The one place that names concrete storage backends: picked by the URL's scheme.

use crate::user_error;
use proofline_store::Store;
use std::sync::Arc;

pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        if let Some(path) = url.strip_prefix("sqlite://").map(std::path::Path::new)
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| user_error(format!("cannot create {}: {e}", dir.display())))?;
        }
        Ok(Arc::new(proofline_store_sqlite::SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(proofline_store_postgres::PostgresStore::connect(url).await?))
    } else {
        Err(user_error(format!("unsupported database URL {url:?}: use sqlite://FILE or postgres://…")))
    }
}
