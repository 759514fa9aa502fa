//! Evidence retention: files past the organization's retention are deleted, the deletion
//! is recorded in the event chain, and the record of the evidence (hashes, values,
//! verdicts) stays, so an audit still shows what was proven and when.

use crate::{Actor, Engine, EngineError};
use jiff::Timestamp;
use proofline_store::MAX_RETENTION_DAYS;

/// Submissions purged per batch.
const BATCH: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PurgeOutcome {
    pub submissions: u64,
    /// Files whose bytes were deleted (a file another kept submission names stays).
    pub files: u64,
}

impl Engine {
    /// Sets how many days evidence files are kept (`None`: for good). Owners only.
    pub async fn set_retention(&self, actor: Actor, days: Option<u32>) -> Result<(), EngineError> {
        if actor.access != proofline_core::access::Access::Owner {
            return Err(EngineError::Forbidden("only an owner can change how long evidence is kept".into()));
        }
        if let Some(days) = days
            && !(1..=MAX_RETENTION_DAYS).contains(&days)
        {
            return Err(EngineError::invalid(
                "days",
                format!("keep evidence 1 to {MAX_RETENTION_DAYS} days, or for good"),
            ));
        }
        self.store.set_retention_days(actor.org, days).await?;
        Ok(())
    }

    /// Deletes the files of every submission past its organization's retention at `now`.
    pub async fn purge_expired(&self, now: Timestamp) -> Result<PurgeOutcome, EngineError> {
        let mut outcome = PurgeOutcome::default();
        loop {
            let expired = self.store.expired_evidence(now, BATCH).await?;
            for e in &expired {
                // The chain records the deletion first: bytes left behind by a crash are
                // harmless, a deletion nobody recorded is not.
                let Some(unneeded) = self.store.purge_evidence(e, now).await? else { continue };
                outcome.submissions += 1;
                for sha in unneeded {
                    match self.blobs.delete(&sha).await {
                        Ok(()) => outcome.files += 1,
                        Err(err) => tracing::warn!(%sha, error = %err, "an expired evidence file could not be deleted"),
                    }
                }
            }
            if (expired.len() as u32) < BATCH {
                return Ok(outcome);
            }
        }
    }
}
