//! Converting between rows and records: instants as milliseconds, enums as text, JSONB
//! documents through serde.

use jiff::Timestamp;
use proofline_store::StoreError;
use serde_json::Value;
use sqlx::Row;
use sqlx::postgres::PgRow;

pub fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn get<'r, T>(row: &'r PgRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column).map_err(|e| StoreError::Other(format!("column {column}: {e}")))
}

pub fn get_ts(row: &PgRow, column: &str) -> Result<Timestamp, StoreError> {
    get::<i64>(row, column).map(ts)
}

pub fn get_opt_ts(row: &PgRow, column: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(get::<Option<i64>>(row, column)?.map(ts))
}

pub fn parse<T>(value: Option<T>, column: &str, text: &str) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Other(format!("column {column} holds unknown value {text:?}")))
}

/// Reads a JSONB column into a typed value.
pub fn get_json<T: serde::de::DeserializeOwned>(row: &PgRow, column: &str) -> Result<T, StoreError> {
    serde_json::from_value(get::<Value>(row, column)?).map_err(|e| StoreError::Other(format!("column {column}: {e}")))
}

/// A value as JSONB for binding.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Other(format!("encoding JSON: {e}")))
}
