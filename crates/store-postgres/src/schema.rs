//! Which schema migrations a PostgreSQL database has applied, read without changing it,
//! for `proofline migrate` to say what opening the store did.

use crate::{PostgresStore, db};
use proofline_store::{Migration, Result, SchemaStatus, StoreError};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The migrations this build carries; `connect` runs them.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl PostgresStore {
    /// The migrations the database at `url` has applied and those this build carries.
    pub async fn schema_status(url: &str) -> Result<SchemaStatus> {
        let known = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| Migration { version: m.version, description: m.description.to_string() })
            .collect();
        let mut conn = PgConnection::connect(url)
            .await
            .map_err(|e| StoreError::Other(format!("connecting to PostgreSQL: {e}")))?;
        let (exists,): (bool,) = sqlx::query_as("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(&mut conn)
            .await
            .map_err(db)?;
        let applied: Vec<(i64,)> = if exists {
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .map_err(db)?
        } else {
            Vec::new()
        };
        conn.close().await.ok();
        Ok(SchemaStatus { applied: applied.into_iter().map(|(v,)| v).collect(), known })
    }
}
