//! Deliver: hands due deliveries to their channels. Each destination (the SMTP relay, one
//! webhook or chat endpoint) gets at most `per_destination` sends at a time, and each send
//! is bounded by a timeout, so a slow or dead endpoint only ever delays its own messages.
//!
//! Delivery is at-least-once: a claim hides a row for a lease; if this process dies before
//! recording the result, the row is claimed again when the lease runs out and re-sent
//! under the same dedupe key.

use crate::notifier::SendError;
use crate::{Engine, EngineError};
use jiff::{SignedDuration, Timestamp};
use proofline_core::notice::{Channel, retry_delay};
use proofline_store::{AttemptOutcome, AttemptResult, DeliveryRecord};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryPass {
    pub sent: u64,
    pub retried: u64,
    pub failed: u64,
}

impl DeliveryPass {
    fn count(&mut self, result: &AttemptResult) {
        match result {
            AttemptResult::Sent => self.sent += 1,
            AttemptResult::Retry { .. } => self.retried += 1,
            AttemptResult::Failed { .. } => self.failed += 1,
        }
    }
}

/// Claimed deliveries waiting for a free slot at their destination, and sends in flight.
#[derive(Default)]
struct Dispatch {
    queued: HashMap<String, VecDeque<DeliveryRecord>>,
    in_flight: HashMap<String, usize>,
    sends: JoinSet<(String, AttemptOutcome)>,
}

impl Dispatch {
    fn queued_len(&self) -> usize {
        self.queued.values().map(VecDeque::len).sum()
    }

    fn is_idle(&self) -> bool {
        self.sends.is_empty() && self.queued_len() == 0
    }
}

impl Engine {
    /// Sends everything due at `now` and waits for every result. Tests drive delivery
    /// with this; the server runs [`Engine::run_deliveries`].
    pub async fn deliver_once(&self, now: Timestamp) -> Result<DeliveryPass, EngineError> {
        let mut dispatch = Dispatch::default();
        let mut pass = DeliveryPass::default();
        loop {
            let claimed = self.fill(&mut dispatch, now).await?;
            if dispatch.is_idle() && claimed == 0 {
                return Ok(pass);
            }
            self.finish_some(&mut dispatch, &mut pass).await?;
        }
    }

    /// Delivers continuously until `shutdown` turns true, waking when routing creates
    /// deliveries, when a send finishes, or when the next retry is due.
    pub async fn run_deliveries(&self, mut shutdown: watch::Receiver<bool>) {
        let mut dispatch = Dispatch::default();
        let mut pass = DeliveryPass::default();
        while !*shutdown.borrow() {
            if let Err(e) = self.fill(&mut dispatch, self.now()).await {
                tracing::error!(error = %e, "claiming deliveries failed; retrying");
            }
            let nap = self.delivery_nap().await;
            tokio::select! {
                result = self.finish_some(&mut dispatch, &mut pass), if !dispatch.sends.is_empty() => {
                    if let Err(e) = result {
                        tracing::error!(error = %e, "recording delivery results failed");
                    }
                }
                _ = tokio::time::sleep(nap) => {}
                _ = self.deliveries_waiting.notified() => {}
                _ = shutdown.changed() => {}
            }
        }
        // Sends in flight finish (each is bounded by the send timeout) so their results count.
        while !dispatch.sends.is_empty() {
            if self.finish_some(&mut dispatch, &mut pass).await.is_err() {
                break;
            }
        }
    }

    async fn delivery_nap(&self) -> Duration {
        let max = self.config.max_sleep;
        let nap = match self.store.next_delivery_at().await {
            Ok(Some(at)) => at.duration_since(self.now()).clamp(SignedDuration::from_millis(5), max),
            _ => max,
        };
        Duration::try_from(nap).unwrap_or(Duration::from_secs(1))
    }

    /// Claims what fits and starts every send a destination has room for; returns how
    /// many deliveries were claimed.
    async fn fill(&self, dispatch: &mut Dispatch, now: Timestamp) -> Result<usize, EngineError> {
        let per_destination = self.config.per_destination.max(1);
        let room = self.config.max_in_flight.saturating_sub(dispatch.sends.len() + dispatch.queued_len());
        let mut claimed = 0;
        if room > 0 {
            let busy: Vec<String> = dispatch
                .in_flight
                .iter()
                .filter(|(dest, n)| **n + dispatch.queued.get(*dest).map_or(0, VecDeque::len) >= per_destination)
                .map(|(dest, _)| dest.clone())
                .collect();
            let lease_until = now + self.config.delivery_lease;
            let rows = self.store.claim_deliveries(now, lease_until, room as u32, &busy).await?;
            claimed = rows.len();
            for row in rows {
                dispatch.queued.entry(row.destination.clone()).or_default().push_back(row);
            }
        }
        for (destination, queue) in dispatch.queued.iter_mut() {
            let running = dispatch.in_flight.entry(destination.clone()).or_default();
            while *running < per_destination {
                let Some(delivery) = queue.pop_front() else { break };
                *running += 1;
                let engine = self.clone();
                let destination = destination.clone();
                dispatch.sends.spawn(async move {
                    let outcome = engine.attempt(delivery).await;
                    (destination, outcome)
                });
            }
        }
        dispatch.queued.retain(|_, queue| !queue.is_empty());
        Ok(claimed)
    }

    /// Waits for at least one send to finish and records every finished one.
    async fn finish_some(&self, dispatch: &mut Dispatch, pass: &mut DeliveryPass) -> Result<(), EngineError> {
        let mut outcomes = Vec::new();
        let Some(first) = dispatch.sends.join_next().await else {
            return Ok(());
        };
        let mut finished = vec![first];
        while let Some(more) = dispatch.sends.try_join_next() {
            finished.push(more);
        }
        for joined in finished {
            match joined {
                Ok((destination, outcome)) => {
                    if let Some(n) = dispatch.in_flight.get_mut(&destination) {
                        *n = n.saturating_sub(1);
                    }
                    pass.count(&outcome.result);
                    outcomes.push(outcome);
                }
                // A send that panicked keeps its claim; the lease expiry retries it.
                Err(e) => tracing::error!(error = %e, "a delivery task failed"),
            }
        }
        dispatch.in_flight.retain(|_, n| *n > 0);
        self.store.finish_deliveries(&outcomes, self.now()).await?;
        Ok(())
    }

    async fn attempt(&self, delivery: DeliveryRecord) -> AttemptOutcome {
        let attempt = delivery.attempts;
        let result = match self.send_one(&delivery).await {
            Ok(()) => AttemptResult::Sent,
            Err(SendError::Permanent(error)) => AttemptResult::Failed { error },
            Err(SendError::Retryable(error)) => match retry_delay(attempt, fastrand::f64()) {
                Some(delay) => AttemptResult::Retry { at: self.now() + delay, error },
                None => AttemptResult::Failed { error: format!("gave up after {attempt} attempts: {error}") },
            },
        };
        if let AttemptResult::Failed { error } | AttemptResult::Retry { error, .. } = &result {
            tracing::warn!(delivery = delivery.id, channel = delivery.channel.as_str(), attempt, %error, "delivery failed");
        }
        AttemptOutcome { delivery: delivery.id, attempt, result }
    }

    async fn send_one(&self, delivery: &DeliveryRecord) -> Result<(), SendError> {
        let Some(notifier) = &self.notifier else {
            return Err(SendError::Retryable("no notifier is configured on this instance".into()));
        };
        let secret = match (delivery.channel, delivery.endpoint) {
            (Channel::Email, _) => None,
            (_, None) => return Err(SendError::Permanent("the endpoint was removed".into())),
            (channel, Some(id)) => match self.store.get_endpoint(delivery.org, id).await {
                Ok(endpoint) if !endpoint.active => {
                    return Err(SendError::Permanent("the endpoint was paused".into()));
                }
                Ok(endpoint) => (channel == Channel::Webhook).then_some(endpoint.secret),
                Err(proofline_store::StoreError::NotFound) => {
                    return Err(SendError::Permanent("the endpoint was removed".into()));
                }
                Err(e) => return Err(SendError::Retryable(format!("could not read the endpoint: {e}"))),
            },
        };
        let timeout = Duration::try_from(self.config.send_timeout).unwrap_or(Duration::from_secs(30));
        match tokio::time::timeout(timeout, notifier.send(delivery, secret.as_deref())).await {
            Ok(result) => result,
            Err(_) => Err(SendError::Retryable(format!("no answer within {timeout:?}"))),
        }
    }
}
