//! The one place that names concrete storage backends: picked by the URL's scheme.

use crate::config::Database;
use crate::user_error;
use proofline_store::{Org, Store};
use std::sync::Arc;
use std::time::Duration;

pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    open_with(url, &Database::default()).await
}

/// Opens the store at `url`; a PostgreSQL pool follows `database`.
pub async fn open_with(url: &str, database: &Database) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        if let Some(path) = url.strip_prefix("sqlite://").map(std::path::Path::new)
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| user_error(format!("cannot create {}: {e}", dir.display())))?;
        }
        Ok(Arc::new(proofline_store_sqlite::SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let settings = proofline_store_postgres::PgSettings {
            max_connections: database.max_connections,
            acquire_timeout: Duration::from_secs(database.acquire_timeout_secs),
            statement_timeout: Duration::from_secs(database.statement_timeout_secs),
            lock_timeout: Duration::from_secs(database.lock_timeout_secs),
            idle_in_transaction_timeout: Duration::from_secs(database.idle_in_transaction_timeout_secs),
        };
        Ok(Arc::new(proofline_store_postgres::PostgresStore::connect_with(url, &settings).await?))
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
