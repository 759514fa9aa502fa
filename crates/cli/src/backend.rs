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
    if is_sqlite(url) {
        if let Some(path) = url.strip_prefix("sqlite://").map(std::path::Path::new)
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| user_error(format!("cannot create {}: {e}", dir.display())))?;
        }
        Ok(Arc::new(proofline_store_sqlite::SqliteStore::connect(url).await?))
    } else if is_postgres(url) {
        let settings = proofline_store_postgres::PgSettings {
            max_connections: database.max_connections,
            acquire_timeout: Duration::from_secs(database.acquire_timeout_secs),
            statement_timeout: Duration::from_secs(database.statement_timeout_secs),
            lock_timeout: Duration::from_secs(database.lock_timeout_secs),
            idle_in_transaction_timeout: Duration::from_secs(database.idle_in_transaction_timeout_secs),
        };
        Ok(Arc::new(proofline_store_postgres::PostgresStore::connect_with(url, &settings).await?))
    } else {
        Err(unsupported(url))
    }
}

fn unsupported(url: &str) -> anyhow::Error {
    user_error(format!("unsupported database URL {:?}: use sqlite://FILE or postgres://…", redacted(url)))
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

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// The URL fit to print: a PostgreSQL URL may carry a password.
pub fn redacted(url: &str) -> String {
    // The host never holds an '@'; a careless password might.
    match url.rsplit_once('@') {
        Some((scheme_and_user, host)) if is_postgres(url) => {
            let (scheme, user) = scheme_and_user.split_once("://").unwrap_or(("postgres", ""));
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{scheme}://{user}@{host}")
        }
        _ => url.to_string(),
    }
}

/// Which migrations the database at `url` has applied, read before anything opens it.
pub async fn schema_status(url: &str) -> anyhow::Result<proofline_store::SchemaStatus> {
    let status = if is_sqlite(url) {
        proofline_store_sqlite::SqliteStore::schema_status(url).await
    } else if is_postgres(url) {
        proofline_store_postgres::PostgresStore::schema_status(url).await
    } else {
        return Err(unsupported(url));
    };
    status.map_err(|e| user_error(format!("cannot read {}: {e}", redacted(url))))
}

/// An existing SQLite file to copy out of (opening it brings its schema up to date).
pub async fn open_copy_source(url: &str) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn proofline_store::CopySource>)> {
    let Some(path) = url.strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap_or(p)) else {
        return Err(user_error(format!("copy reads a SQLite file: --from sqlite://FILE, not {:?}", redacted(url))));
    };
    if !std::path::Path::new(path).is_file() {
        return Err(user_error(format!("there is no SQLite file at {path}")));
    }
    let store = proofline_store_sqlite::SqliteStore::connect(url).await?;
    Ok((Arc::new(store.clone()), Arc::new(store)))
}

/// The PostgreSQL database to copy into (opening it brings its schema up to date).
pub async fn open_copy_target(url: &str) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn proofline_store::CopyTarget>)> {
    if !is_postgres(url) {
        return Err(user_error(format!("copy writes to PostgreSQL: --to postgres://…, not {:?}", redacted(url))));
    }
    let store = proofline_store_postgres::PostgresStore::connect(url)
        .await
        .map_err(|e| user_error(format!("cannot open {}: {e}", redacted(url))))?;
    Ok((Arc::new(store.clone()), Arc::new(store)))
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn a_password_in_a_database_url_is_never_printed() {
        assert_eq!(
            redacted("postgres://app:s3cr@t@db:5432/p?sslmode=require"),
            "postgres://app@db:5432/p?sslmode=require"
        );
        assert_eq!(redacted("postgresql://app@db/p"), "postgresql://app@db/p");
        assert_eq!(redacted("sqlite://data/proofline.db"), "sqlite://data/proofline.db");
    }
}
