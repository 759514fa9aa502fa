//! Proofline's server store: PostgreSQL through one connection pool.
//!
//! Semantics mirror the SQLite store exactly; where PostgreSQL lets several engines write
//! at once, the compare-and-set guards (on `rev`, on a process's expected `next_run_at`)
//! and row locks keep every transition single-winner.

mod accounts;
mod audit;
mod claims;
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
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

/// How one Proofline instance uses its PostgreSQL. Every instance keeps its own pool, so
/// the server needs `instances × max_connections` connections plus room for maintenance.
#[derive(Debug, Clone, PartialEq)]
pub struct PgSettings {
    /// Connections this instance may hold: the engine's claims and writes take two or
    /// three at once, the rest serve requests.
    pub max_connections: u32,
    /// How long a request waits for a free connection (or for an unreachable server to
    /// come back) before it is answered 503.
    pub acquire_timeout: Duration,
    /// The longest one statement may run; longer ones are cancelled and retried later.
    pub statement_timeout: Duration,
    /// The longest a statement waits for a row lock another session holds.
    pub lock_timeout: Duration,
    /// A transaction left idle this long (an instance that hangs while holding a claim)
    /// is ended by the server, which frees its rows for the other instances.
    pub idle_in_transaction_timeout: Duration,
}

impl Default for PgSettings {
    fn default() -> Self {
        PgSettings {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(60),
            lock_timeout: Duration::from_secs(10),
            idle_in_transaction_timeout: Duration::from_secs(60),
        }
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host/db`) with the default settings and brings
    /// its schema up to date.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        PostgresStore::connect_with(url, &PgSettings::default()).await
    }

    /// Connects with `settings`; the timeouts travel as session parameters, so they hold
    /// for every connection the pool opens, including those opened after a restart.
    pub async fn connect_with(url: &str, settings: &PgSettings) -> Result<PostgresStore, StoreError> {
        let millis = |d: Duration| d.as_millis().to_string();
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(format!("reading the database URL: {e}")))?
            .options([
                ("statement_timeout", millis(settings.statement_timeout)),
                ("lock_timeout", millis(settings.lock_timeout)),
                ("idle_in_transaction_session_timeout", millis(settings.idle_in_transaction_timeout)),
            ])
            .application_name("proofline");
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections.max(2))
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Other(format!("connecting to PostgreSQL: {e}")))?;
        // Instances starting together take turns here: sqlx holds an advisory lock while
        // it migrates.
        schema::MIGRATOR.run(&pool).await.map_err(|e| StoreError::Other(format!("migrating: {e}")))?;
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

/// Maps sqlx errors: a missing row is NotFound, a uniqueness or reference clash a
/// Conflict, and whatever may pass if tried again (a lost connection, an exhausted pool, a
/// deadlock, a serialization failure, a lock or statement timeout) Busy.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(d.message().to_string()),
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Conflict(format!("refers to something that does not exist: {}", d.message()))
        }
        sqlx::Error::Database(d) if d.code().is_some_and(|c| transient(&c)) => {
            StoreError::Busy(d.message().to_string())
        }
        e @ (sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed) => {
            StoreError::Busy(e.to_string())
        }
        e => StoreError::Other(e.to_string()),
    }
}

/// SQLSTATEs worth another try: serialization failure, deadlock, lock not available,
/// statement cancelled (a timeout), and the server shutting down or restarting.
fn transient(code: &str) -> bool {
    matches!(code, "40001" | "40P01" | "55P03" | "57014" | "57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006")
}

/// Runs a write again when it failed in a way that may pass (see [`db`]): up to three
/// tries, a short random pause between them so two colliding writers do not collide again.
pub(crate) async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    const TRIES: u32 = 3;
    let mut tried = 1;
    loop {
        match attempt().await {
            Err(StoreError::Busy(why)) if tried < TRIES => {
                tracing::debug!(why, tried, "retrying a write the database could not finish");
                let pause = 20 * u64::from(tried) + fastrand::u64(0..30);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                tried += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Creates an empty database `name` (letters, digits and `_`) on the server `server_url`
/// points at, and returns the URL of the new database: for tools and benchmarks that
/// need a scratch database.
pub async fn create_database(server_url: &str, name: &str) -> Result<String, StoreError> {
    admin(server_url, name, "CREATE DATABASE").await?;
    Ok(with_database(server_url, name))
}

/// Drops the database `name`, ending its sessions.
pub async fn drop_database(server_url: &str, name: &str) -> Result<(), StoreError> {
    admin(server_url, name, "DROP DATABASE IF EXISTS").await
}

async fn admin(server_url: &str, name: &str, verb: &str) -> Result<(), StoreError> {
    use sqlx::Connection;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(StoreError::Other(format!("{name:?} is not a plain database name")));
    }
    let mut conn = sqlx::PgConnection::connect(server_url).await.map_err(db)?;
    let tail = if verb.starts_with("DROP") { " WITH (FORCE)" } else { "" };
    sqlx::query(sqlx::AssertSqlSafe(format!("{verb} {name}{tail}"))).execute(&mut conn).await.map_err(db)?;
    conn.close().await.map_err(db)
}

/// `url` with its database (the path) replaced by `name`, the query string kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_of_a_server_url_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@db/main?sslmode=disable", "t2"),
            "postgres://u:p@db/t2?sslmode=disable"
        );
        assert_eq!(with_database("postgres://db", "t3"), "postgres://db/t3");
    }
}
