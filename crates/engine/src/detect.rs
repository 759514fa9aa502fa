//! Detect: find repeated failures in the history of every process whose finished work
//! changed since the last look, and keep the patterns with what people decided.
//!
//! Each look reads the event log from where the last one stopped, so when nothing ended,
//! moved or was sent back the whole pass is one indexed read of no rows.

use crate::metrics::schedule_zone;
use crate::{Engine, EngineError};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proofline_core::history::{Facts, FieldFacts, ProcessFacts, StepFacts, default_shifts};
use proofline_core::pattern::{Settings, detect_process};
use proofline_core::process::ProcessDefinition;
use proofline_core::proof::ProofRule;
use proofline_core::{OrgId, ProcessId};
use proofline_store::{PatternChanges, StoreError};
use std::collections::HashMap;
use std::future::Future;

/// Events read per look; more are left for the next look.
const EVENTS_PER_LOOK: u32 = 200_000;
/// At most this many threads read history at once.
const MAX_WORKERS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DetectOutcome {
    /// Processes whose history was read again.
    pub processes: u32,
    pub changes: PatternChanges,
}

impl DetectOutcome {
    fn add(&mut self, changes: PatternChanges) {
        self.processes += 1;
        self.add_changes(changes);
    }

    fn add_changes(&mut self, changes: PatternChanges) {
        self.changes.opened += changes.opened;
        self.changes.reopened += changes.reopened;
        self.changes.updated += changes.updated;
        self.changes.faded += changes.faded;
    }
}

impl Engine {
    /// Re-detects the processes whose finished work changed since the last look.
    pub async fn detect_once(&self, now: Timestamp) -> Result<DetectOutcome, EngineError> {
        let mut outcome = DetectOutcome::default();
        let mut mark = self.store.detection_mark().await?;
        loop {
            let changes = self.store.history_changes(mark, EVENTS_PER_LOOK).await?;
            let Some(through) = changes.through else { return Ok(outcome) };
            self.detect_processes(&changes.processes, now, &mut outcome).await?;
            self.store.set_detection_mark(through).await?;
            mark = through;
        }
    }

    /// Re-detects every process, whatever changed, and moves the mark past every event
    /// logged before it began.
    pub async fn detect_all(&self, now: Timestamp) -> Result<DetectOutcome, EngineError> {
        let mut outcome = DetectOutcome::default();
        let latest = self.store.latest_event().await?;
        let processes = self.store.all_processes().await?;
        self.detect_processes(&processes, now, &mut outcome).await?;
        self.store.set_detection_mark(latest).await?;
        Ok(outcome)
    }

    /// Detects `processes` on a few threads side by side (see [`history_threads`]).
    async fn detect_processes(
        &self,
        processes: &[(OrgId, ProcessId)],
        now: Timestamp,
        outcome: &mut DetectOutcome,
    ) -> Result<(), EngineError> {
        let workers = history_threads();
        if processes.len() < 2 * workers {
            return self.detect_in_turn(processes, now, outcome).await;
        }
        // Contiguous shares keep each organization's processes together, so each thread
        // reads an organization's names and zones once.
        let parts = self
            .on_history_threads(processes, move |engine, share| async move {
                let mut outcome = DetectOutcome::default();
                engine.detect_in_turn(&share, now, &mut outcome).await.map(|()| outcome)
            })
            .await?;
        for part in parts {
            outcome.processes += part.processes;
            outcome.add_changes(part.changes);
        }
        Ok(())
    }

    /// Runs `work` on contiguous shares of `items`, each on a blocking thread of its own
    /// (see [`history_threads`]), and returns each share's result in order.
    pub(crate) async fn on_history_threads<T, R, W, F>(&self, items: &[T], work: W) -> Result<Vec<R>, EngineError>
    where
        T: Clone + Send + 'static,
        R: Send + 'static,
        W: Fn(Engine, Vec<T>) -> F + Clone + Send + 'static,
        F: Future<Output = Result<R, EngineError>>,
    {
        let runtime = tokio::runtime::Handle::current();
        let mut threads = Vec::new();
        for share in items.chunks(items.len().div_ceil(history_threads()).max(1)) {
            let (engine, share, runtime, work) = (self.clone(), share.to_vec(), runtime.clone(), work.clone());
            threads.push(tokio::task::spawn_blocking(move || runtime.block_on(work(engine, share))));
        }
        let mut results = Vec::with_capacity(threads.len());
        for thread in threads {
            results.push(thread.await.map_err(|e| EngineError::Store(StoreError::Other(format!("history: {e}"))))??);
        }
        Ok(results)
    }

    async fn detect_in_turn(
        &self,
        processes: &[(OrgId, ProcessId)],
        now: Timestamp,
        outcome: &mut DetectOutcome,
    ) -> Result<(), EngineError> {
        let settings = Settings::default();
        let from = now - self.config.history_window;
        let mut facts: Option<(OrgId, Facts)> = None;
        for &(org, process) in processes {
            if facts.as_ref().is_none_or(|(seen, _)| *seen != org) {
                facts = Some((org, self.org_facts(org).await?));
            }
            let Some((_, facts)) = facts.as_ref() else { continue };
            if !facts.processes.contains_key(&process) {
                continue;
            }
            let outcomes = self.store.outcomes(org, process, from, now).await?;
            let readings = self.store.readings(org, process, from, now).await?;
            let findings = detect_process(facts, process, &outcomes, &readings, now, &settings);
            outcome.add(self.store.save_patterns(org, process, &findings, now).await?);
        }
        Ok(())
    }

    /// Names, zones and reading ranges of everything an organization's history mentions.
    pub async fn org_facts(&self, org: OrgId) -> Result<Facts, EngineError> {
        let zone_name = match self.store.get_org(org).await {
            Ok(o) => o.zone,
            Err(StoreError::NotFound) => return Ok(Facts::default()),
            Err(e) => return Err(e.into()),
        };
        let org_zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
        let people = self.store.list_people(org).await?.into_iter().map(|p| (p.id, p.name)).collect();
        let processes = self
            .store
            .list_processes(org)
            .await?
            .into_iter()
            .map(|p| (p.id, process_facts(&p.definition, &org_zone)))
            .collect::<HashMap<_, _>>();
        Ok(Facts { processes, people, shifts: default_shifts() })
    }
}

/// How many threads read history side by side: one per core, a few at most.
///
/// Reading a process's history is CPU work on the calling thread (see the SQLite
/// store's direct reads), so long reads run on blocking threads: on the runtime's
/// workers they would hold up every request behind them, and a task they woke would
/// wait in that worker's queue until they yielded, which ran the shares one after
/// another.
pub(crate) fn history_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_WORKERS)
}

/// A process as detection and metrics name it; the zone is its schedule's, or else the
/// organization's.
pub fn process_facts(definition: &ProcessDefinition, org_zone: &TimeZone) -> ProcessFacts {
    let zone = schedule_zone(definition).unwrap_or_else(|| org_zone.clone());
    let steps = definition
        .steps
        .iter()
        .map(|step| StepFacts {
            title: step.title.clone(),
            fields: step
                .proof
                .iter()
                .enumerate()
                .filter_map(|(position, req)| match &req.rule {
                    ProofRule::Number { unit, min, max } => Some((
                        u16::try_from(position).ok()?,
                        FieldFacts {
                            label: req.label.clone().unwrap_or_else(|| req.key.clone()),
                            unit: unit.clone(),
                            min: *min,
                            max: *max,
                        },
                    )),
                    _ => None,
                })
                .collect(),
        })
        .collect();
    ProcessFacts {
        name: definition.name.clone(),
        zone,
        system: definition.system,
        steps,
        chain_levels: u8::try_from(definition.escalation.levels().len()).unwrap_or(u8::MAX),
    }
}

/// How far back detection and the process pages look by default: half a year.
pub const HISTORY_WINDOW: SignedDuration = SignedDuration::from_hours(24 * 7 * 26);
