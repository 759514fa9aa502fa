//! The one place that names concrete storage backends: picked by the URL's scheme.

use crate::user_error;
use proofline_store::{Org, Store};
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

/// The organization a command acts on: the one given by `--org`, or the only one there is.
pub async fn pick_org(store: &dyn Store, org: Option<i64>) -> anyhow::Result<Org> {
    let mut orgs = store.list_orgs().await?;
    match org {
        Some(id) => orgs.into_iter().find(|o| o.id.0 == id).ok_or_else(|| user_error(format!("no organization {id}"))),
        None if orgs.len() == 1 => Ok(orgs.remove(0)),
        None if orgs.is_empty() => {
            Err(user_error("there is no organization yet: run `proofline demo` or `proofline apply FILE`"))
        }
        None => Err(user_error("there are several organizations: say which with --org ID")),
    }
}
