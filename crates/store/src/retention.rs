//! Evidence retention: an organization keeps evidence files for a set number of days;
//! past that their bytes go, while the record of the evidence and the event chain stay.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::{OrgId, SubmissionId, TaskId};
use serde_json::{Value, json};

/// The longest retention an organization may set: fifty years.
pub const MAX_RETENTION_DAYS: u32 = 50 * 366;

/// A submission whose files are past their organization's retention.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpiredEvidence {
    pub org: OrgId,
    pub submission: SubmissionId,
    pub task: TaskId,
    pub at: Timestamp,
    pub retention_days: u32,
}

impl ExpiredEvidence {
    /// The chain's record that the files of this submission were deleted.
    pub fn event(&self, run: i64, process: i64, files: &[String], now: Timestamp) -> Value {
        json!({
            "org": self.org.0, "at": now.as_millisecond(), "kind": "evidence_purged", "task": self.task.0, "run": run,
            "process": process,
            "data": {"submission": self.submission.0, "files": files, "retention_days": self.retention_days},
        })
    }
}

#[async_trait]
pub trait RetentionStore {
    async fn retention_days(&self, org: OrgId) -> Result<Option<u32>>;
    /// `None` keeps evidence for good.
    async fn set_retention_days(&self, org: OrgId, days: Option<u32>) -> Result<()>;
    /// Submissions past their organization's retention at `now`, not purged yet, oldest
    /// first.
    async fn expired_evidence(&self, now: Timestamp, limit: u32) -> Result<Vec<ExpiredEvidence>>;
    /// Marks the submission's files deleted and records it in the event chain, in one
    /// transaction. Returns the files no other kept submission names, whose bytes may now
    /// be deleted; `None` when it was purged already.
    async fn purge_evidence(&self, expired: &ExpiredEvidence, now: Timestamp) -> Result<Option<Vec<String>>>;
}
