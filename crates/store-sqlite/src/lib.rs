//! Proofline's embedded store: one SQLite file in WAL mode with foreign keys on.
//!
//! Writes go through a single-connection pool so they never fight over SQLite's one
//! write lock; reads use a separate pool and see committed data (WAL).
//!
//! A `LIMIT` is written into the statement text, never bound: SQLite (3.51) lets a
//! bound limit steer its plan, so every execution with a new binding parses and plans
//! the statement again. Limits are our own integers, so this opens nothing to injection.

mod accounts;
mod audit;
mod completion;
mod copy;
mod deliveries;
mod direct;
mod directory;
mod export;
mod history;
mod notices;
mod outcome_days;
mod processes;
mod records;
mod retention;
mod rows;
mod schema;
mod settings;
mod synthetic;
mod verdict;
mod work;
mod writes;

pub use synthetic::SyntheticHistory;

use proofline_store::{Store, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    direct: Arc<direct::DirectReader>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path/file.db`) and
    /// brings its schema up to date.
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(format!("bad SQLite URL {url:?}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-16000");
        let path = options.get_filename().to_path_buf();
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Err(StoreError::Other(format!(
                "{url:?} is an in-memory database, which each connection would see empty: give a file"
            )));
        }
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await.map_err(other)?;
        schema::MIGRATOR.run(&writer).await.map_err(|e| StoreError::Other(format!("migrating: {e}")))?;
        // A SQLite file is never lost from under an open connection, so checking one before
        // each use (a round trip to its worker thread) buys nothing.
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(other)?;
        let store = SqliteStore { reader, writer, direct: Arc::new(direct::DirectReader::new(path)) };
        store.chain_legacy_events().await?;
        Ok(store)
    }
}

impl SqliteStore {
    /// Copies the write-ahead log into the database file and empties it. SQLite does this
    /// by itself as it goes; after a bulk load, doing it at once keeps the first ordinary
    /// write from paying for the whole load.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.writer).await.map_err(db)?;
        Ok(())
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

pub(crate) fn other(e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(e.to_string())
}

/// Maps sqlx errors: a missing row is NotFound, a uniqueness clash is a Conflict.
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
