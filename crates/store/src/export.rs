//! What the evidence export reads beyond the working set: the runs of one process
//! scheduled in a period, found by the `(process_id, scheduled_for)` index.

use crate::{Result, RunRecord};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::{OrgId, ProcessId};

#[async_trait]
pub trait ExportStore {
    /// Runs of `process` scheduled at or after `from` and before `to`, earliest first,
    /// at most `limit` of them (the caller asks for one more than it accepts to notice
    /// a period that holds too many).
    async fn runs_between(
        &self,
        org: OrgId,
        process: ProcessId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<RunRecord>>;
}
