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
use proofline_store::{AttemptOutcome, AttemptResult, Claim, DeliveryRecord};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Attempts this process has made since it started, by channel and how they ended, for
/// the operator's metrics.
#[derive(Debug, Default)]
pub struct DeliveryCounters {
    /// Indexed by channel, then sent / retry / failed.
    counts: [[AtomicU64; 3]; 4],
}

const CHANNELS: [Channel; 4] = [Channel::Email, Channel::Webhook, Channel::Slack, Channel::Teams];
const RESULTS: [&str; 3] = ["sent", "retry", "failed"];

impl DeliveryCounters {
    fn record(&self, channel: Channel, result: &AttemptResult) {
        let row = CHANNELS.iter().position(|c| *c == channel).unwrap_or(0);
        let column = match result {
            AttemptResult::Sent => 0,
            AttemptResult::Retry { .. } => 1,
            AttemptResult::Failed { .. } => 2,
        };
        self.counts[row][column].fetch_add(1, Ordering::Relaxed);
    }

    /// Every (channel, result, count), zeros included, so each series exists from the start.
    pub fn snapshot(&self) -> Vec<(Channel, &'static str, u64)> {
        let mut out = Vec::with_capacity(12);
        for (row, channel) in CHANNELS.iter().enumerate() {
            for (column, result) in RESULTS.iter().enumerate() {
                out.push((*channel, *result, self.counts[row][column].load(Ordering::Relaxed)));
            }
        }
        out
    }
}

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

/// Results are written in batches of up to this many, or when sends go quiet for
/// [`FLUSH_AFTER`]: one store round trip per send would cap throughput at the store's
/// commit rate.
const FLUSH_BATCH: usize = 64;
const FLUSH_AFTER: Duration = Duration::from_millis(5);

/// Sends' worth of deliveries claimed at once for a destination that ran low.
const QUEUE_DEPTH: usize = 4;
/// How often a busy worker claims anyway, for destinations it holds nothing for.
const CLAIM_EVERY: Duration = Duration::from_millis(50);

/// Routing batches between two looks at the sends, so a burst of notices is sent while
/// it is still being routed.
const ROUTE_BATCHES_PER_ROUND: usize = 8;

/// Claimed deliveries waiting for a free slot at their destination, sends in flight, and
/// results not yet written.
#[derive(Default)]
struct Dispatch {
    queued: HashMap<String, VecDeque<DeliveryRecord>>,
    in_flight: HashMap<String, usize>,
    sends: JoinSet<(String, AttemptOutcome)>,
    finished: Vec<AttemptOutcome>,
    /// Sends at once per destination.
    per_destination: usize,
    /// A destination ran low since the last claim: claim again at once.
    hungry: bool,
    last_claim: Option<std::time::Instant>,
}

impl Dispatch {
    fn new(per_destination: usize) -> Dispatch {
        Dispatch { per_destination: per_destination.max(1), ..Dispatch::default() }
    }

    fn queued_len(&self) -> usize {
        self.queued.values().map(VecDeque::len).sum()
    }

    /// What this worker holds for `destination`: in flight and waiting.
    fn held(&self, destination: &str) -> usize {
        self.in_flight.get(destination).copied().unwrap_or(0) + self.queued.get(destination).map_or(0, VecDeque::len)
    }

    /// Claiming is worth a store round trip when nothing is going on, when a destination
    /// ran low, or now and then to find destinations this worker holds nothing for (and
    /// retries that came due). Not after every send: a slow destination would make the
    /// fast ones wait for its turn, and each claim is a write.
    fn should_claim(&self) -> bool {
        self.is_idle() || self.hungry || self.last_claim.is_none_or(|at| at.elapsed() >= CLAIM_EVERY)
    }

    fn is_idle(&self) -> bool {
        self.sends.is_empty() && self.queued_len() == 0
    }

    /// Takes in one finished send.
    fn absorb(&mut self, joined: Result<(String, AttemptOutcome), tokio::task::JoinError>, pass: &mut DeliveryPass) {
        match joined {
            Ok((destination, outcome)) => {
                if let Some(n) = self.in_flight.get_mut(&destination) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        self.in_flight.remove(&destination);
                    }
                }
                if self.held(&destination) < self.per_destination {
                    self.hungry = true;
                }
                pass.count(&outcome.result);
                self.finished.push(outcome);
            }
            // A send that panicked keeps its claim; the lease expiry retries it.
            Err(e) => tracing::error!(error = %e, "a delivery task failed"),
        }
    }
}

impl Engine {
    /// Routes every notice, sends everything due at `now` and waits for every result.
    /// Tests drive delivery with this; the server runs [`Engine::run_deliveries`].
    pub async fn deliver_once(&self, now: Timestamp) -> Result<DeliveryPass, EngineError> {
        self.route_once(now).await?;
        let mut dispatch = Dispatch::new(self.config.per_destination);
        let mut pass = DeliveryPass::default();
        loop {
            let claimed = self.fill(&mut dispatch, now).await?;
            if dispatch.is_idle() && claimed == 0 {
                self.flush(&mut dispatch).await?;
                return Ok(pass);
            }
            if let Some(joined) = dispatch.sends.join_next().await {
                dispatch.absorb(joined, &mut pass);
            }
            self.flush(&mut dispatch).await?;
        }
    }

    /// Delivers continuously until `shutdown` turns true, waking when routing creates
    /// deliveries, when a send finishes, or when the next retry is due.
    pub async fn run_deliveries(&self, mut shutdown: watch::Receiver<bool>) {
        let mut dispatch = Dispatch::new(self.config.per_destination);
        let mut pass = DeliveryPass::default();
        // Routing is looked at when woken (a pass wrote notices, a nap ended), not after
        // every send.
        let mut route_due = true;
        while !*shutdown.borrow() {
            let now = self.now();
            if route_due {
                route_due = match self.route_some(now, ROUTE_BATCHES_PER_ROUND).await {
                    Ok(routed) => routed.more,
                    Err(e) => {
                        tracing::error!(error = %e, "routing notices failed; retrying");
                        false
                    }
                };
            }
            if let Err(e) = self.fill(&mut dispatch, now).await {
                tracing::error!(error = %e, "claiming deliveries failed; retrying");
            }
            // With sends in flight, their ends wake the loop; asking the store when the
            // next row is due is only worth it when there is nothing else to wait for.
            let nap = if route_due {
                Duration::ZERO
            } else if dispatch.is_idle() {
                self.delivery_nap().await
            } else {
                self.config_sleep()
            };
            let flush_soon = !dispatch.finished.is_empty();
            tokio::select! {
                Some(joined) = dispatch.sends.join_next(), if !dispatch.sends.is_empty() => {
                    dispatch.absorb(joined, &mut pass);
                    while let Some(more) = dispatch.sends.try_join_next() {
                        dispatch.absorb(more, &mut pass);
                    }
                    if dispatch.finished.len() < FLUSH_BATCH {
                        continue;
                    }
                }
                _ = tokio::time::sleep(FLUSH_AFTER), if flush_soon => {}
                _ = tokio::time::sleep(nap) => route_due = true,
                _ = self.deliveries_waiting.notified() => route_due = true,
                _ = shutdown.changed() => {}
            }
            if let Err(e) = self.flush(&mut dispatch).await {
                tracing::error!(error = %e, "recording delivery results failed; retrying");
            }
        }
        // Sends in flight finish (each is bounded by the send timeout) so their results count.
        while let Some(joined) = dispatch.sends.join_next().await {
            dispatch.absorb(joined, &mut pass);
        }
        if let Err(e) = self.flush(&mut dispatch).await {
            tracing::error!(error = %e, "recording the last delivery results failed; their leases will expire");
        }
    }

    fn config_sleep(&self) -> Duration {
        Duration::try_from(self.config.max_sleep).unwrap_or(Duration::from_secs(1))
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
    /// many deliveries were claimed. Claims are made in batches, when at least half the
    /// slots are free or nothing is going on, not one row per finished send.
    async fn fill(&self, dispatch: &mut Dispatch, now: Timestamp) -> Result<usize, EngineError> {
        let per_destination = dispatch.per_destination;
        // A destination that runs low gets a few sends' worth at once, so a steady stream
        // needs a claim every few sends, not every one; a dead endpoint's waiting rows stay
        // few, well within their lease.
        let depth = per_destination * QUEUE_DEPTH;
        let max_in_flight = self.config.max_in_flight.max(1);
        let room = max_in_flight.saturating_sub(dispatch.sends.len() + dispatch.queued_len());
        let mut claimed = 0;
        if room > 0 && dispatch.should_claim() {
            let busy: Vec<String> = dispatch
                .in_flight
                .keys()
                .chain(dispatch.queued.keys())
                .filter(|dest| dispatch.held(dest) >= per_destination)
                .cloned()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            dispatch.hungry = false;
            dispatch.last_claim = Some(std::time::Instant::now());
            let lease_until = now + self.config.delivery_lease;
            let claim = Claim { now, lease_until, limit: room as u32, per_destination: depth as u32, busy: &busy };
            let rows = self.store.claim_deliveries(&claim).await?;
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
        dispatch.in_flight.retain(|_, n| *n > 0);
        Ok(claimed)
    }

    /// Writes the results gathered so far. On failure they are kept for the next try.
    async fn flush(&self, dispatch: &mut Dispatch) -> Result<(), EngineError> {
        if dispatch.finished.is_empty() {
            return Ok(());
        }
        self.store.finish_deliveries(&dispatch.finished, self.now()).await?;
        dispatch.finished.clear();
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
        self.delivery_counters.record(delivery.channel, &result);
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
