//! Moving an installation from one backend to another, table by table and id for id, and
//! reading which schema migrations a database has applied. Only `proofline copy` and
//! `proofline migrate` use these ports; the engine and the API never do.

use crate::Result;
use async_trait::async_trait;
use serde_json::Value;

/// A table as the target holds it: the columns to fill, in the order rows carry them.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyTable {
    pub name: String,
    pub columns: Vec<String>,
    /// A foreign key of the table points into the table itself (a person's manager). The
    /// target checks such a key at the end of each statement, so the whole table must
    /// arrive in one batch unless its rows happen to be in order.
    pub self_referencing: bool,
}

/// Rows in storage order, each an array of values in the columns' order: integers, reals,
/// text (a JSON document as its text), booleans (or 0 and 1) and null.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowBatch {
    pub rows: Vec<Vec<Value>>,
    /// Where the next batch starts: pass it back as `after`. `None` when the batch is empty.
    pub last: Option<i64>,
}

/// A database rows are copied out of.
#[async_trait]
pub trait CopySource: Send + Sync {
    /// Every table this database holds, with its columns (migration bookkeeping excluded).
    async fn copy_tables(&self) -> Result<Vec<(String, Vec<String>)>>;
    /// Tables this backend alone keeps, rebuilt from the others' rows, so a target
    /// without them loses nothing.
    fn derived_tables(&self) -> &'static [&'static str];
    /// A consistent view: everything read through it comes from one moment, even while
    /// something else writes.
    async fn snapshot(&self) -> Result<Box<dyn Snapshot>>;
}

/// One moment of a source database.
#[async_trait]
pub trait Snapshot: Send {
    async fn count(&mut self, table: &str) -> Result<u64>;
    /// Up to `limit` rows of `table` stored after position `after` (from the start when
    /// `None`), with the given columns.
    async fn read(&mut self, table: &str, columns: &[String], after: Option<i64>, limit: u32) -> Result<RowBatch>;
}

/// A database rows are copied into.
#[async_trait]
pub trait CopyTarget: Send + Sync {
    /// The tables to fill, ordered so each comes after the tables its foreign keys name.
    async fn copy_plan(&self) -> Result<Vec<CopyTable>>;
    async fn count(&self, table: &str) -> Result<u64>;
    /// Starts one transaction for the whole copy. Refuses with `Conflict`, naming the
    /// tables, when the database already holds rows of its own (beyond what its
    /// migrations put there), so nothing is ever mixed into or over an installation.
    async fn begin_load(&self) -> Result<Box<dyn Loader>>;
}

/// The copy's transaction: nothing written through it is seen until `commit`, and
/// dropping it without committing leaves the target as it was.
#[async_trait]
pub trait Loader: Send {
    async fn write(&mut self, table: &CopyTable, rows: &[Vec<Value>]) -> Result<()>;
    /// Moves every id generator past the ids copied, so new rows never clash with them,
    /// and commits.
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// One schema migration a build carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    pub version: i64,
    pub description: String,
}

/// Which migrations a database has applied, against those this build knows.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaStatus {
    /// Versions the database records as applied, ascending.
    pub applied: Vec<i64>,
    /// The migrations this build carries, ascending.
    pub known: Vec<Migration>,
}

impl SchemaStatus {
    /// What this build would apply.
    pub fn pending(&self) -> Vec<&Migration> {
        self.known.iter().filter(|m| !self.applied.contains(&m.version)).collect()
    }

    /// Versions applied by a newer build: this one cannot run on such a database.
    pub fn unknown(&self) -> Vec<i64> {
        self.applied.iter().copied().filter(|v| !self.known.iter().any(|m| m.version == *v)).collect()
    }

    /// The newest applied version.
    pub fn current(&self) -> Option<i64> {
        self.applied.iter().copied().max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(applied: &[i64], known: &[i64]) -> SchemaStatus {
        SchemaStatus {
            applied: applied.to_vec(),
            known: known.iter().map(|&version| Migration { version, description: format!("m{version}") }).collect(),
        }
    }

    #[test]
    fn a_gap_in_the_applied_versions_is_pending_and_a_newer_builds_version_is_unknown() {
        let s = status(&[1, 2, 4, 11], &[1, 2, 3, 4, 5]);
        assert_eq!(s.pending().iter().map(|m| m.version).collect::<Vec<_>>(), vec![3, 5]);
        assert_eq!(s.unknown(), vec![11]);
        assert_eq!(s.current(), Some(11));
        assert_eq!(status(&[], &[1]).current(), None);
    }
}
