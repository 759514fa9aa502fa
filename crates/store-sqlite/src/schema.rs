//! Which schema migrations a SQLite file has applied, read without changing it, for
//! `proofline migrate` to say what opening the store did.

use crate::{SqliteStore, db, other};
use proofline_store::{Migration, Result, SchemaStatus};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;

/// The migrations this build carries; `connect` runs them.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl SqliteStore {
    /// The migrations the file at `url` has applied (none when there is no file yet) and
    /// those this build carries.
    pub async fn schema_status(url: &str) -> Result<SchemaStatus> {
        let options = SqliteConnectOptions::from_str(url).map_err(|e| other(format!("bad SQLite URL {url:?}: {e}")))?;
        let known = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| Migration { version: m.version, description: m.description.to_string() })
            .collect();
        if !options.get_filename().exists() {
            return Ok(SchemaStatus { applied: Vec::new(), known });
        }
        let mut conn = options.read_only(true).connect().await.map_err(db)?;
        let (tables,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_one(&mut conn)
                .await
                .map_err(db)?;
        let applied: Vec<(i64,)> = if tables == 0 {
            Vec::new()
        } else {
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .map_err(db)?
        };
        conn.close().await.ok();
        Ok(SchemaStatus { applied: applied.into_iter().map(|(v,)| v).collect(), known })
    }
}
