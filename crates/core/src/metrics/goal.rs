//! Goals an owner sets on a system ("on-time rate at least 95 %", "fridge mean at most
//! 5 °C"), where each period's value comes from, and whether it was met.

use super::system::SystemPeriod;
use super::tally::Figures;
use super::week::ProcessPeriod;
use crate::ids::ProcessId;
use serde::{Deserialize, Serialize};

/// Stored as JSON on the system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Goal {
    pub name: String,
    #[serde(default)]
    pub unit: Option<String>,
    pub target: f64,
    pub direction: Direction,
    pub source: GoalSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Met when the value reaches the target or goes above it.
    AtLeast,
    /// Met when the value stays at the target or below it.
    AtMost,
}

/// Where a period's value comes from: a figure of the system's roll-up, the mean of a
/// numeric proof field, or a number the owner enters each period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GoalSource {
    /// A fraction from 0 to 1.
    OnTimeRate,
    RunsDue,
    RunsOnTime,
    RunsLate,
    RunsUnresolved,
    /// Tasks that moved at least once.
    Escalations,
    Exceptions,
    Rejections,
    LeadTimeMedianSecs,
    LeadTimeP90Secs,
    KpiMean {
        process: ProcessId,
        step: u16,
        field: u16,
    },
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GoalStatus {
    pub met: bool,
    /// How far the value falls short of the target, in the goal's unit: positive when
    /// missed, zero or negative (the margin) when met. Not a number when the value is not.
    pub gap: f64,
}

/// Compares one period's value with the goal's target.
pub fn evaluate_goal(goal: &Goal, value: f64) -> GoalStatus {
    let gap = match goal.direction {
        Direction::AtLeast => goal.target - value,
        Direction::AtMost => value - goal.target,
    };
    // Written so that a NaN gap is never met.
    GoalStatus { met: gap <= 0.0, gap }
}

/// The goal source's value for one period of a system, or `None` when the period has no
/// such value (no runs due, no readings, nothing entered).
///
/// `processes` are process periods of the same kind and zone (see
/// [`process_periods`](super::process_periods)); only the one matching the system
/// period's start is read. `manual` is what the owner entered for this period.
pub fn goal_value(
    source: &GoalSource,
    system: &SystemPeriod,
    processes: &[ProcessPeriod],
    manual: Option<f64>,
) -> Option<f64> {
    match source {
        GoalSource::KpiMean { process, step, field } => processes
            .iter()
            .filter(|p| p.process == *process && p.period == system.period && p.start == system.start)
            .flat_map(|p| &p.kpis)
            .find(|k| k.step == *step && k.field == *field)
            .map(|k| k.mean),
        GoalSource::Manual => manual,
        figure => figure_value(figure, &system.figures),
    }
}

/// A built-in figure's value; `None` for the sources that are not figures.
pub fn figure_value(source: &GoalSource, f: &Figures) -> Option<f64> {
    let count = |n: u32| Some(f64::from(n));
    let big = |n: u64| Some(n as f64);
    match source {
        GoalSource::OnTimeRate => f.on_time_rate,
        GoalSource::RunsDue => count(f.runs_due),
        GoalSource::RunsOnTime => count(f.runs_on_time),
        GoalSource::RunsLate => count(f.runs_late),
        GoalSource::RunsUnresolved => count(f.runs_unresolved),
        GoalSource::Escalations => count(f.escalations.first().copied().unwrap_or(0)),
        GoalSource::Exceptions => big(f.exceptions),
        GoalSource::Rejections => big(f.rejections),
        GoalSource::LeadTimeMedianSecs => f.lead_time_median_secs.map(|s| s as f64),
        GoalSource::LeadTimeP90Secs => f.lead_time_p90_secs.map(|s| s as f64),
        GoalSource::KpiMean { .. } | GoalSource::Manual => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(direction: Direction, target: f64, source: GoalSource) -> Goal {
        Goal { name: "test".into(), unit: None, target, direction, source }
    }

    #[test]
    fn at_least_goal_is_met_at_or_above_the_target() {
        let on_time = goal(Direction::AtLeast, 0.95, GoalSource::OnTimeRate);
        assert_eq!(evaluate_goal(&on_time, 0.97), GoalStatus { met: true, gap: 0.95 - 0.97 });
        assert!(evaluate_goal(&on_time, 0.95).met);
        let short = evaluate_goal(&on_time, 0.90);
        assert!(!short.met);
        assert!((short.gap - 0.05).abs() < 1e-12);
    }

    #[test]
    fn at_most_goal_is_met_at_or_below_the_target() {
        let unresolved = goal(Direction::AtMost, 2.0, GoalSource::RunsUnresolved);
        assert_eq!(evaluate_goal(&unresolved, 1.0), GoalStatus { met: true, gap: -1.0 });
        assert_eq!(evaluate_goal(&unresolved, 2.0), GoalStatus { met: true, gap: 0.0 });
        assert_eq!(evaluate_goal(&unresolved, 5.0), GoalStatus { met: false, gap: 3.0 });
    }

    #[test]
    fn a_value_that_is_not_a_number_never_meets_a_goal() {
        assert!(!evaluate_goal(&goal(Direction::AtLeast, 1.0, GoalSource::Manual), f64::NAN).met);
        assert!(!evaluate_goal(&goal(Direction::AtMost, 1.0, GoalSource::Manual), f64::NAN).met);
    }

    #[test]
    fn goal_is_stored_as_snake_case_tagged_json_and_read_back() {
        let fridge = Goal {
            name: "Fridge mean".into(),
            unit: Some("°C".into()),
            target: 5.0,
            direction: Direction::AtMost,
            source: GoalSource::KpiMean { process: ProcessId(7), step: 0, field: 1 },
        };
        let json = serde_json::to_value(&fridge).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "Fridge mean", "unit": "°C", "target": 5.0, "direction": "at_most",
                "source": {"kind": "kpi_mean", "process": 7, "step": 0, "field": 1}
            })
        );
        assert_eq!(serde_json::from_value::<Goal>(json).unwrap(), fridge);
        let manual: Goal = serde_json::from_str(
            r#"{"name":"Revenue","target":10000,"direction":"at_least","source":{"kind":"manual"}}"#,
        )
        .unwrap();
        assert_eq!(manual.source, GoalSource::Manual);
        assert_eq!(manual.unit, None);
    }

    #[test]
    fn built_in_figures_feed_goals() {
        let f = Figures { runs_due: 4, runs_unresolved: 1, escalations: vec![3, 1], ..Figures::default() };
        assert_eq!(figure_value(&GoalSource::RunsUnresolved, &f), Some(1.0));
        assert_eq!(figure_value(&GoalSource::Escalations, &f), Some(3.0));
        assert_eq!(figure_value(&GoalSource::OnTimeRate, &f), None);
        assert_eq!(figure_value(&GoalSource::Manual, &f), None);
    }
}
