//! The loop: one pass of every unit that changes work (materialize, open, escalate,
//! remind, digest), then sleep until something is due (at most a second). Delivery and
//! pattern detection run in loops of their own.

use crate::{Engine, EngineError};
use jiff::{SignedDuration, Timestamp};
use std::time::Duration;
use tokio::sync::watch;

/// How often the detection loop looks for finished work.
const DETECT_EVERY: Duration = Duration::from_secs(15);
/// How often files past their retention are looked for.
const PURGE_EVERY: SignedDuration = SignedDuration::from_hours(1);
/// How often it looks at every process again.
const FULL_DETECTION_EVERY: SignedDuration = SignedDuration::from_hours(24);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PassOutcome {
    pub runs: u64,
    pub tasks: u64,
    pub opened: u64,
    pub escalated: u64,
    pub reminded: u64,
    pub digests: u64,
}

impl Engine {
    /// One pass of the loop at `now`.
    pub async fn pass(&self, now: Timestamp) -> Result<PassOutcome, EngineError> {
        let materialized = self.materialize_once(now).await?;
        let opened = self.open_once(now).await?;
        let escalated = self.escalate_once(now).await?;
        let reminded = self.remind_once(now).await?;
        let digests = self.digest_once(now).await?;
        let outcome =
            PassOutcome { runs: materialized.runs, tasks: materialized.tasks, opened, escalated, reminded, digests };
        // Most changes write notices; the delivery loop routes and sends them.
        if outcome != PassOutcome::default() {
            self.deliveries_waiting.notify_one();
        }
        Ok(outcome)
    }

    /// Runs passes until `shutdown` turns true, with routing and delivery in a loop of
    /// their own, so neither a burst of notices nor a slow endpoint delays an escalation.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let deliverer = {
            let engine = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move { engine.run_deliveries(shutdown).await })
        };
        let detector = {
            let engine = self.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move { engine.run_detection(shutdown).await })
        };
        loop {
            let now = self.now();
            match self.pass(now).await {
                Ok(outcome) if outcome != PassOutcome::default() => {
                    tracing::info!(?outcome, "engine pass")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "engine pass failed; retrying"),
            }
            let sleep = self.sleep_after(now).await;
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
        if let Err(e) = deliverer.await {
            tracing::error!(error = %e, "the delivery loop stopped abnormally");
        }
        if let Err(e) = detector.await {
            tracing::error!(error = %e, "the detection loop stopped abnormally");
        }
    }

    /// Looks for patterns now and then, apart from the passes: a first look after an
    /// upgrade reads months of history, and no escalation should wait for that.
    async fn run_detection(&self, mut shutdown: watch::Receiver<bool>) {
        // A start reads from the stored mark (the whole log after an upgrade, little after
        // a restart), so the first full look can wait its day like every other.
        let mut next_full = self.now() + FULL_DETECTION_EVERY;
        let mut next_purge = self.now();
        loop {
            // Retention rides on this quiet loop: deleting old files is never urgent.
            if self.now() >= next_purge {
                next_purge = self.now() + PURGE_EVERY;
                match self.purge_expired(self.now()).await {
                    Ok(outcome) if outcome.submissions > 0 => tracing::info!(?outcome, "expired evidence deleted"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "deleting expired evidence failed; retrying later"),
                }
            }
            let started = std::time::Instant::now();
            let now = self.now();
            // Once a day every process is looked at again, whatever changed: windows slide
            // with time, so a pattern can fade with no new work, and on PostgreSQL an event
            // can commit behind the mark.
            let looked = if now >= next_full {
                next_full = now + FULL_DETECTION_EVERY;
                self.detect_all(now).await
            } else {
                self.detect_once(now).await
            };
            match looked {
                Ok(outcome) if outcome.processes > 0 => {
                    tracing::info!(?outcome, elapsed_ms = started.elapsed().as_millis() as u64, "pattern detection")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "pattern detection failed; retrying"),
            }
            tokio::select! {
                _ = tokio::time::sleep(DETECT_EVERY) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    async fn sleep_after(&self, now: Timestamp) -> Duration {
        let max = self.config.max_sleep;
        let until_due = match self.store.next_wakeup(self.config.horizon.as_millis() as i64).await {
            Ok(Some(at)) => at.duration_since(now).clamp(SignedDuration::from_millis(10), max),
            _ => max,
        };
        Duration::try_from(until_due).unwrap_or(Duration::from_secs(1))
    }
}
