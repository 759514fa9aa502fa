//! PostgreSQL as the target of `proofline copy`: the order its tables fill in, and one
//! transaction that takes rows a batch per `COPY` (the bulk path, several times faster
//! than inserting) and finally moves the id sequences past the copied ids.

use crate::{PostgresStore, db};
use async_trait::async_trait;
use proofline_store::{CopyTable, CopyTarget, Loader, Result, StoreError};
use serde_json::Value;
use sqlx::postgres::{PgConnection, Postgres};
use sqlx::{AssertSqlSafe, Transaction};
use std::collections::{BTreeMap, BTreeSet};

/// Tables whose only rows come from a migration (detection's starting mark): they count
/// as empty, and the copy replaces their rows with the source's.
const SEEDED_BY_MIGRATIONS: &[&str] = &["detection_mark"];

/// Double quotes make any name an identifier; a quote inside one is doubled.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Each table's columns with their types, in column order (migration bookkeeping excluded).
async fn columns(conn: &mut PgConnection) -> Result<BTreeMap<String, Vec<(String, String)>>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> '_sqlx_migrations'
           AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY c.relname, a.attnum",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (table, column, kind) in rows {
        tables.entry(table).or_default().push((column, kind));
    }
    Ok(tables)
}

/// The tables in an order that puts each after every table its foreign keys name
/// (`keys` as referencing → referenced), ties alphabetical so the order is stable.
pub(crate) fn fill_order(tables: &[String], keys: &[(String, String)]) -> std::result::Result<Vec<String>, String> {
    let mut waits_on: BTreeMap<&str, BTreeSet<&str>> = tables.iter().map(|t| (t.as_str(), BTreeSet::new())).collect();
    for (from, to) in keys {
        if from != to
            && let Some(set) = waits_on.get_mut(from.as_str())
        {
            set.insert(to.as_str());
        }
    }
    let mut order = Vec::with_capacity(tables.len());
    while !waits_on.is_empty() {
        let ready: Vec<&str> = waits_on.iter().filter(|(_, deps)| deps.is_empty()).map(|(t, _)| *t).collect();
        if ready.is_empty() {
            let stuck: Vec<&str> = waits_on.keys().copied().collect();
            return Err(format!("the foreign keys of these tables form a cycle: {}", stuck.join(", ")));
        }
        for table in ready {
            waits_on.remove(table);
            for deps in waits_on.values_mut() {
                deps.remove(table);
            }
            order.push(table.to_string());
        }
    }
    Ok(order)
}

#[async_trait]
impl CopyTarget for PostgresStore {
    async fn copy_plan(&self) -> Result<Vec<CopyTable>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let columns = columns(&mut conn).await?;
        let keys: Vec<(String, String)> = sqlx::query_as(
            "SELECT src.relname::text, dst.relname::text
             FROM pg_constraint k
             JOIN pg_class src ON src.oid = k.conrelid
             JOIN pg_class dst ON dst.oid = k.confrelid
             JOIN pg_namespace n ON n.oid = src.relnamespace
             WHERE k.contype = 'f' AND n.nspname = current_schema()",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        let names: Vec<String> = columns.keys().cloned().collect();
        let order = fill_order(&names, &keys).map_err(StoreError::Other)?;
        Ok(order
            .into_iter()
            .map(|name| CopyTable {
                columns: columns[&name].iter().map(|(c, _)| c.clone()).collect(),
                self_referencing: keys.iter().any(|(from, to)| from == &name && to == &name),
                name,
            })
            .collect())
    }

    async fn count(&self, table: &str) -> Result<u64> {
        let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(format!("SELECT count(*) FROM {}", quoted(table))))
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(n as u64)
    }

    async fn begin_load(&self) -> Result<Box<dyn Loader>> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let tables = columns(&mut tx).await?;
        let mut taken = Vec::new();
        for table in tables.keys().filter(|t| !SEEDED_BY_MIGRATIONS.contains(&t.as_str())) {
            let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 1000) t", quoted(table));
            let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut *tx).await.map_err(db)?;
            if n > 0 {
                taken.push(format!("{table} ({}{n} rows)", if n == 1000 { "at least " } else { "" }));
            }
        }
        if !taken.is_empty() {
            return Err(StoreError::Conflict(format!(
                "the target database already holds data: {}; copy only into a new, empty database",
                taken.join(", ")
            )));
        }
        Ok(Box::new(PgLoader { tx, cleared: BTreeSet::new(), text: Vec::new() }))
    }
}

struct PgLoader {
    tx: Transaction<'static, Postgres>,
    /// Seeded tables already emptied of their migration rows.
    cleared: BTreeSet<String>,
    /// One batch in COPY's text form, reused from batch to batch.
    text: Vec<u8>,
}

/// Appends one row in COPY's text form: tab between values, `\N` for null, a backslash
/// before each backslash and as the escape of tab, newline and carriage return, so no
/// value can end a row or the data early. Each value is read by its column type's own
/// input: '1' makes a boolean true, a JSON document's text makes jsonb.
fn copy_row(out: &mut Vec<u8>, row: &[Value]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match value {
            Value::Null => out.extend_from_slice(b"\\N"),
            Value::Bool(b) => out.push(if *b { b't' } else { b'f' }),
            Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
            Value::String(s) => escaped(out, s),
            document => escaped(out, &document.to_string()),
        }
    }
    out.push(b'\n');
}

fn escaped(out: &mut Vec<u8>, text: &str) {
    if !text.bytes().any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r')) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    for b in text.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b => out.push(b),
        }
    }
}

#[async_trait]
impl Loader for PgLoader {
    async fn write(&mut self, table: &CopyTable, rows: &[Vec<Value>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if SEEDED_BY_MIGRATIONS.contains(&table.name.as_str()) && self.cleared.insert(table.name.clone()) {
            let sql = format!("DELETE FROM {}", quoted(&table.name));
            sqlx::query(AssertSqlSafe(sql)).execute(&mut *self.tx).await.map_err(db)?;
        }
        self.text.clear();
        for row in rows {
            copy_row(&mut self.text, row);
        }
        let names: Vec<String> = table.columns.iter().map(|c| quoted(c)).collect();
        let statement = format!("COPY {} ({}) FROM STDIN", quoted(&table.name), names.join(", "));
        let failed = |e: sqlx::Error| StoreError::Other(format!("writing {}: {e}", table.name));
        let mut copy = self.tx.copy_in_raw(&statement).await.map_err(failed)?;
        copy.send(self.text.as_slice()).await.map_err(failed)?;
        copy.finish().await.map_err(failed)?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        let serials: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'",
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db)?;
        for (table, column) in serials {
            // `false`: the next id handed out is the value itself, one past the largest.
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max({c}), 0) + 1, false) FROM {t}",
                c = quoted(&column),
                t = quoted(&table)
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(quoted(&table))
                .bind(&column)
                .execute(&mut *self.tx)
                .await
                .map_err(db)?;
        }
        self.tx.commit().await.map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::{copy_row, fill_order};
    use serde_json::json;

    #[test]
    fn a_row_in_copy_text_keeps_nulls_empty_texts_and_every_special_character_apart() {
        let mut out = Vec::new();
        let row =
            [json!(null), json!(""), json!("a\\.\n\\.\tb\r"), json!(1), json!(2.5), json!(true), json!({"k": [1]})];
        copy_row(&mut out, &row);
        assert_eq!(String::from_utf8(out).unwrap(), "\\N\t\ta\\\\.\\n\\\\.\\tb\\r\t1\t2.5\tt\t{\"k\":[1]}\n");
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn keys(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn referenced_tables_fill_first_and_a_key_into_its_own_table_does_not_block_it() {
        let tables = names(&["tasks", "runs", "people", "orgs", "blobs"]);
        let order = fill_order(
            &tables,
            &keys(&[("tasks", "runs"), ("runs", "orgs"), ("runs", "people"), ("people", "orgs"), ("people", "people")]),
        )
        .unwrap();
        assert_eq!(order, names(&["blobs", "orgs", "people", "runs", "tasks"]));
    }

    #[test]
    fn a_cycle_between_tables_is_named() {
        let error = fill_order(&names(&["a", "b", "c"]), &keys(&[("a", "b"), ("b", "a")])).unwrap_err();
        assert!(error.contains("a, b"), "{error}");
    }
}
