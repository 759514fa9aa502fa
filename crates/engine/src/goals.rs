//! A system's goals judged period by period: the value each goal's source had and
//! whether it met the target. The web's numbers page and the metrics API both read this.

use crate::{Engine, EngineError};
use proofline_core::metrics::{Goal, GoalSource, GoalStatus, ProcessPeriod, SystemPeriod, evaluate_goal, goal_value};
use proofline_core::{OrgId, ProcessId};
use proofline_store::System;
use serde::Serialize;
use std::collections::BTreeSet;

/// One goal in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalCheck {
    pub goal: Goal,
    /// `None` when the period has no such value (no runs due, no readings).
    pub value: Option<f64>,
    /// `None` exactly when `value` is: a goal with nothing to measure is neither met nor missed.
    pub status: Option<GoalStatus>,
}

/// Each goal judged against one period of its system. `processes` are the process periods
/// the `kpi_mean` goals read (see [`Engine::goal_checks`]).
pub fn check_goals(goals: &[Goal], period: &SystemPeriod, processes: &[ProcessPeriod]) -> Vec<GoalCheck> {
    goals
        .iter()
        .map(|goal| {
            // Manual values cannot be entered yet, so a manual goal (refused when saved,
            // but perhaps stored by hand) reads as unmeasured.
            let value = goal_value(&goal.source, period, processes, None);
            GoalCheck { goal: goal.clone(), value, status: value.map(|v| evaluate_goal(goal, v)) }
        })
        .collect()
}

impl Engine {
    /// The goals of each system judged for each of `periods` (as [`Engine::system_numbers`]
    /// returns them): one list per period, in the same order.
    ///
    /// Processes are read again only for goals on a proof field's mean, and then in the
    /// organization's zone, so that their periods start where the systems' do.
    pub async fn goal_checks(
        &self,
        org: OrgId,
        systems: &[System],
        periods: &[SystemPeriod],
    ) -> Result<Vec<Vec<GoalCheck>>, EngineError> {
        let read: BTreeSet<ProcessId> = systems
            .iter()
            .flat_map(|s| &s.goals)
            .filter_map(|g| match g.source {
                GoalSource::KpiMean { process, .. } => Some(process),
                _ => None,
            })
            .collect();
        let span = periods.iter().map(|p| p.starts_at).min().zip(periods.iter().map(|p| p.ends_at).max());
        let mut processes = Vec::new();
        if let (Some((from, to)), Some(first)) = (span, periods.first())
            && !read.is_empty()
        {
            let zone = self.org_zone(org).await?;
            let facts = self.org_facts(org).await?;
            for process in read {
                // A process deleted since the goal was set simply has no value.
                if !facts.processes.contains_key(&process) {
                    continue;
                }
                let outcomes = self.store.outcomes(org, process, from, to).await?;
                let readings = self.store.readings(org, process, from, to).await?;
                processes.extend(proofline_core::metrics::process_periods(
                    &facts,
                    process,
                    &outcomes,
                    &readings,
                    first.period,
                    &zone,
                ));
            }
        }
        Ok(periods
            .iter()
            .map(|period| {
                let goals = systems.iter().find(|s| s.id == period.system).map_or(&[][..], |s| &s.goals[..]);
                check_goals(goals, period, &processes)
            })
            .collect())
    }
}
