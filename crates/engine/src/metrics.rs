//! The numbers of the three levels, read from finished history: a process by week (or
//! month, year), each system rolled up with its nested systems, and each person.

use crate::detect::history_threads;
use crate::{Engine, EngineError};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proofline_core::history::Outcome;
use proofline_core::metrics::{
    KpiSeries, Period, PersonFigures, ProcessPeriod, SystemNode, SystemPeriod, SystemRollup, kpi_series,
    merge_person_figures, miss_heatmap, person_figures, process_periods,
};
use proofline_core::process::ProcessDefinition;
use proofline_core::{Cadence, OrgId, ProcessId};
use std::collections::HashMap;

/// The longest span one request may read: enough for two annual reports side by side.
pub const LONGEST_SPAN_DAYS: i64 = 5 * 366;

/// The zone of a scheduled process's rule; `None` for event and manual processes.
pub fn schedule_zone(definition: &ProcessDefinition) -> Option<TimeZone> {
    match &definition.cadence {
        Cadence::Schedule(schedule) => Some(schedule.zone().clone()),
        _ => None,
    }
}

/// A process's figures over a span.
#[derive(Debug, Clone)]
pub struct ProcessNumbers {
    pub periods: Vec<ProcessPeriod>,
    pub kpis: Vec<KpiSeries>,
    /// Misses by local weekday (Monday first) and hour.
    pub misses: [[u32; 24]; 7],
    /// The process's zone, which its periods follow.
    pub zone: TimeZone,
}

impl Engine {
    /// The organization's zone; UTC when its name is not one jiff knows.
    pub async fn org_zone(&self, org: OrgId) -> Result<TimeZone, EngineError> {
        Ok(TimeZone::get(&self.store.get_org(org).await?.zone).unwrap_or(TimeZone::UTC))
    }

    /// The zone a process's periods follow: its schedule's, else its organization's.
    pub async fn process_zone(&self, org: OrgId, definition: &ProcessDefinition) -> Result<TimeZone, EngineError> {
        match schedule_zone(definition) {
            Some(zone) => Ok(zone),
            None => self.org_zone(org).await,
        }
    }

    fn check_span(from: Timestamp, to: Timestamp) -> Result<(), EngineError> {
        if from >= to {
            return Err(EngineError::invalid("from", "must be before `to`"));
        }
        if to.duration_since(from).as_hours() > LONGEST_SPAN_DAYS * 24 {
            return Err(EngineError::invalid("to", "ask for at most five years at a time"));
        }
        Ok(())
    }

    /// A process's periods, reading series and miss heatmap for runs scheduled in `[from, to)`.
    pub async fn process_numbers(
        &self,
        org: OrgId,
        process: ProcessId,
        period: Period,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<ProcessNumbers, EngineError> {
        Self::check_span(from, to)?;
        // Another organization's process is not among this one's facts: simply not found.
        let facts = self.org_facts(org).await?;
        let zone = facts.processes.get(&process).ok_or(EngineError::NotFound)?.zone.clone();
        let outcomes = self.store.outcomes(org, process, from, to).await?;
        let readings = self.store.readings(org, process, from, to).await?;
        Ok(ProcessNumbers {
            periods: process_periods(&facts, process, &outcomes, &readings, period, &zone),
            kpis: kpi_series(&facts, process, &readings),
            misses: miss_heatmap(&facts, process, &outcomes),
            zone,
        })
    }

    /// Every system's periods, each including its nested systems, in the organization's zone.
    pub async fn system_numbers(
        &self,
        org: OrgId,
        period: Period,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<SystemPeriod>, EngineError> {
        Self::check_span(from, to)?;
        let zone = self.org_zone(org).await?;
        let processes = self.store.list_processes(org).await?;
        let mut members: HashMap<_, Vec<ProcessId>> = HashMap::new();
        for process in &processes {
            if let Some(system) = process.definition.system {
                members.entry(system).or_default().push(process.id);
            }
        }
        let nodes: Vec<SystemNode> = self
            .store
            .list_systems(org)
            .await?
            .into_iter()
            .map(|s| SystemNode { id: s.id, parent: s.parent, processes: members.remove(&s.id).unwrap_or_default() })
            .collect();
        let mut rollup = SystemRollup::new(&nodes, period, &zone);
        let counted = processes.iter().map(|p| p.id).filter(|p| rollup.counts(*p)).collect();
        self.each_process_outcomes(org, counted, from, to, |outcomes| rollup.add(&outcomes)).await?;
        Ok(rollup.finish())
    }

    /// Each person's figures for work scheduled in `[from, to)`.
    pub async fn people_numbers(
        &self,
        org: OrgId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<PersonFigures>, EngineError> {
        Self::check_span(from, to)?;
        let mut figures = person_figures(&[], &self.store.moves(org, from, to).await?, from, to);
        let processes = self.store.list_processes(org).await?.into_iter().map(|p| p.id).collect();
        self.each_process_outcomes(org, processes, from, to, |outcomes| {
            merge_person_figures(&mut figures, person_figures(&outcomes, &[], from, to));
        })
        .await?;
        Ok(figures)
    }

    /// Reads each of `processes`' outcomes in `[from, to)` on a few blocking threads, as
    /// detection does, and hands them to `take` a process at a time as they arrive. A
    /// large organization's half year does not fit in memory as one list of outcomes,
    /// so only a few processes' are held at once.
    async fn each_process_outcomes(
        &self,
        org: OrgId,
        processes: Vec<ProcessId>,
        from: Timestamp,
        to: Timestamp,
        mut take: impl FnMut(Vec<Outcome>),
    ) -> Result<(), EngineError> {
        if processes.is_empty() {
            return Ok(());
        }
        let (sender, mut receiver) = tokio::sync::mpsc::channel(2 * history_threads());
        let reading = self.on_history_threads(&processes, move |engine, share| {
            let sender = sender.clone();
            async move {
                for process in share {
                    let outcomes = engine.store.outcomes(org, process, from, to).await?;
                    if sender.send(outcomes).await.is_err() {
                        break;
                    }
                }
                Ok(())
            }
        });
        // The readers are spawned when `reading` is first polled, and finish only when
        // the channel has room, so both are driven together.
        let taking = async {
            while let Some(outcomes) = receiver.recv().await {
                take(outcomes);
            }
        };
        let (read, ()) = tokio::join!(reading, taking);
        read?;
        Ok(())
    }
}
