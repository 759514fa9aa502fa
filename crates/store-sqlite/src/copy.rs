//! A SQLite file read out for `proofline copy`: its tables and columns, and rows in rowid
//! order, all from one read transaction so the copy is of one moment.

use crate::{SqliteStore, db, other};
use async_trait::async_trait;
use proofline_store::{CopySource, Result, RowBatch, Snapshot};
use serde_json::Value;
use sqlx::sqlite::{Sqlite, SqliteRow};
use sqlx::{Row, Transaction, TypeInfo, ValueRef};

/// Double quotes make any name an identifier; a quote inside one is doubled.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[async_trait]
impl CopySource for SqliteStore {
    async fn copy_tables(&self) -> Result<Vec<(String, Vec<String>)>> {
        let names: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_schema
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'
             ORDER BY name",
        )
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        let mut tables = Vec::with_capacity(names.len());
        for (name,) in names {
            let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&self.reader)
                .await
                .map_err(db)?;
            tables.push((name, columns.into_iter().map(|(c,)| c).collect()));
        }
        Ok(tables)
    }

    fn derived_tables(&self) -> &'static [&'static str] {
        // Finished work packed a process-day to a row; its triggers fill it from `tasks`.
        &["outcome_days"]
    }

    async fn snapshot(&self) -> Result<Box<dyn Snapshot>> {
        let mut tx = self.reader.begin().await.map_err(db)?;
        // SQLite takes its read snapshot at the first read, not at BEGIN: read now, so the
        // counts taken later describe the same moment as the rows.
        sqlx::query("SELECT count(*) FROM sqlite_schema").execute(&mut *tx).await.map_err(db)?;
        Ok(Box::new(SqliteSnapshot { tx }))
    }
}

struct SqliteSnapshot {
    tx: Transaction<'static, Sqlite>,
}

#[async_trait]
impl Snapshot for SqliteSnapshot {
    async fn count(&mut self, table: &str) -> Result<u64> {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {}", quoted(table))))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db)?;
        Ok(n as u64)
    }

    async fn read(&mut self, table: &str, columns: &[String], after: Option<i64>, limit: u32) -> Result<RowBatch> {
        // Every table here has a rowid (none is WITHOUT ROWID), so one cursor fits all,
        // and for tables with an integer key it is that key: rows come in id order.
        let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let sql = format!(
            "SELECT rowid, {} FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT {limit}",
            list.join(", "),
            quoted(table)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.unwrap_or(i64::MIN))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db)?;
        let mut batch = RowBatch { rows: Vec::with_capacity(rows.len()), last: None };
        for row in &rows {
            batch.last = Some(row.try_get::<i64, _>(0).map_err(db)?);
            let values = (1..=columns.len()).map(|i| value(row, i)).collect::<Result<Vec<Value>>>()?;
            batch.rows.push(values);
        }
        Ok(batch)
    }
}

/// A stored value as it is, whatever the column's declared type says: SQLite keeps each
/// value's own type, and the target converts to its column types.
fn value(row: &SqliteRow, i: usize) -> Result<Value> {
    let raw = row.try_get_raw(i).map_err(db)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().name().to_string();
    match kind.as_str() {
        "INTEGER" | "BOOLEAN" => Ok(Value::from(row.try_get_unchecked::<i64, _>(i).map_err(db)?)),
        "REAL" => {
            let x = row.try_get_unchecked::<f64, _>(i).map_err(db)?;
            serde_json::Number::from_f64(x)
                .map(Value::Number)
                .ok_or_else(|| other(format!("column {i} holds {x}, which has no JSON form")))
        }
        "TEXT" => Ok(Value::String(row.try_get_unchecked::<String, _>(i).map_err(db)?)),
        kind => Err(other(format!("column {i} holds a value of type {kind}, which Proofline never writes"))),
    }
}
