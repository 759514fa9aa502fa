//! Proofline's server store: PostgreSQL through one connection pool.
//!
//! Semantics mirror the SQLite store exactly; where PostgreSQL lets several engines write
//! at once, the compare-and-set guards (on `rev`, on a process's expected `next_run_at`)
//! and row locks keep every transition single-winner.

mod accounts;
mod audit;
mod completion;
mod copy;
mod deliveries;
mod directory;
mod export;
mod history;
mod notices;
mod processes;
mod records;
mod retention;
mod rows;
mod schema;
mod settings;
mod verdict;
mod work;
mod writes;

use proofline_store::{Store, StoreError};
use sqlx::postgres::{PgPool, PgPoolOptions};

#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host/db`) and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .connect(url)
            .await
            .map_err(|e| StoreError::Other(format!("connecting to PostgreSQL: {e}")))?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(|e| StoreError::Other(format!("migrating: {e}")))?;
        let store = PostgresStore { pool };
        store.chain_legacy_events().await?;
        Ok(store)
    }
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
}

/// Maps sqlx errors: a missing row is NotFound, a uniqueness or reference clash a Conflict.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(d.message().to_string()),
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Conflict(format!("refers to something that does not exist: {}", d.message()))
        }
        e => StoreError::Other(e.to_string()),
    }
}
