//! Converting between rows and records: instants as milliseconds, enums as text.

use jiff::Timestamp;
use proofline_store::StoreError;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

pub fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn get<'r, T>(row: &'r SqliteRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column).map_err(|e| StoreError::Other(format!("column {column}: {e}")))
}

pub fn get_ts(row: &SqliteRow, column: &str) -> Result<Timestamp, StoreError> {
    get::<i64>(row, column).map(ts)
}

pub fn get_opt_ts(row: &SqliteRow, column: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(get::<Option<i64>>(row, column)?.map(ts))
}

/// A row from sqlx or from a [`crate::direct`] read, so one mapping serves both.
/// Columns are read by position: looking each up by name cost more than the query.
pub trait Columns {
    fn int_at(&self, index: usize) -> Result<Option<i64>, StoreError>;
    fn text_at(&self, index: usize) -> Result<Option<String>, StoreError>;
}

fn column_error(index: usize, e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("column {index}: {e}"))
}

impl Columns for SqliteRow {
    fn int_at(&self, index: usize) -> Result<Option<i64>, StoreError> {
        self.try_get(index).map_err(|e| column_error(index, e))
    }
    fn text_at(&self, index: usize) -> Result<Option<String>, StoreError> {
        self.try_get(index).map_err(|e| column_error(index, e))
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int_at(&self, index: usize) -> Result<Option<i64>, StoreError> {
        self.get(index).map_err(|e| column_error(index, e))
    }
    fn text_at(&self, index: usize) -> Result<Option<String>, StoreError> {
        self.get(index).map_err(|e| column_error(index, e))
    }
}

/// Reads a row's columns one after another, in the order the query selected them.
pub struct InOrder<'r, R> {
    row: &'r R,
    next: usize,
}

impl<'r, R: Columns> InOrder<'r, R> {
    pub fn new(row: &'r R) -> Self {
        InOrder { row, next: 0 }
    }

    fn advance(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    pub fn opt_i64(&mut self) -> Result<Option<i64>, StoreError> {
        let index = self.advance();
        self.row.int_at(index)
    }

    pub fn i64(&mut self) -> Result<i64, StoreError> {
        let index = self.next;
        self.opt_i64()?.ok_or_else(|| column_error(index, "unexpectedly NULL"))
    }

    pub fn u32(&mut self) -> Result<u32, StoreError> {
        let index = self.next;
        let value = self.i64()?;
        u32::try_from(value).map_err(|_| column_error(index, format!("{value} is not a count")))
    }

    pub fn bool(&mut self) -> Result<bool, StoreError> {
        Ok(self.i64()? != 0)
    }

    pub fn string(&mut self) -> Result<String, StoreError> {
        let index = self.advance();
        self.row.text_at(index)?.ok_or_else(|| column_error(index, "unexpectedly NULL"))
    }

    pub fn opt_string(&mut self) -> Result<Option<String>, StoreError> {
        let index = self.advance();
        self.row.text_at(index)
    }

    pub fn instant(&mut self) -> Result<Timestamp, StoreError> {
        self.i64().map(ts)
    }

    pub fn opt_instant(&mut self) -> Result<Option<Timestamp>, StoreError> {
        Ok(self.opt_i64()?.map(ts))
    }
}

/// A caller's limit, or `default` when they gave none (0). Limits go into the statement
/// text (see the crate's documentation), so this is the one place they are decided.
pub fn limit_or(limit: u32, default: u32) -> u32 {
    if limit == 0 { default } else { limit }
}

pub fn parse<T>(value: Option<T>, column: &str, text: &str) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Other(format!("column {column} holds unknown value {text:?}")))
}

pub fn json<T: serde::de::DeserializeOwned>(text: &str, column: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Other(format!("column {column}: {e}")))
}
