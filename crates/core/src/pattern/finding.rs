//! What detection reports: a repeated failure, how sure we are, the runs that show it and
//! the sentence an owner reads.

use crate::ids::{PersonId, ProcessId, RunId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// A step missed in k of its last n runs, or several runs in a row.
    StepMisses,
    /// A person misses comparable work far more often than their peers.
    PersonMisses,
    /// Misses of a step bunch on one weekday.
    Weekday,
    /// Misses of a step bunch at one hour of the day.
    HourOfDay,
    /// Misses of a step bunch on one shift.
    Shift,
    /// Proof for a step is sent back again and again.
    Rejections,
    /// A numeric reading trends toward or out of its allowed range.
    Drift,
    /// A process finishes later and later.
    LeadTime,
    /// The escalation chain of a step keeps ending unresolved.
    BrokenChain,
}

impl PatternKind {
    pub const ALL: [PatternKind; 9] = [
        PatternKind::StepMisses,
        PatternKind::PersonMisses,
        PatternKind::Weekday,
        PatternKind::HourOfDay,
        PatternKind::Shift,
        PatternKind::Rejections,
        PatternKind::Drift,
        PatternKind::LeadTime,
        PatternKind::BrokenChain,
    ];

    pub fn parse(text: &str) -> Option<PatternKind> {
        PatternKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PatternKind::StepMisses => "step_misses",
            PatternKind::PersonMisses => "person_misses",
            PatternKind::Weekday => "weekday",
            PatternKind::HourOfDay => "hour_of_day",
            PatternKind::Shift => "shift",
            PatternKind::Rejections => "rejections",
            PatternKind::Drift => "drift",
            PatternKind::LeadTime => "lead_time",
            PatternKind::BrokenChain => "broken_chain",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn parse(text: &str) -> Option<Severity> {
        [Severity::Low, Severity::Medium, Severity::High].into_iter().find(|s| s.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// One point of a pattern's small chart: a run (or a week) and its value, e.g. 1 for a
/// miss and 0 for on time, a reading, a lead time in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub at: Timestamp,
    pub value: f64,
}

/// A repeated failure found in history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable identity across passes, e.g. `step_misses:12:3` or `weekday:12:3:fri`, so
    /// the same pattern found again updates one record (and reopens it if resolved).
    pub key: String,
    pub kind: PatternKind,
    pub process: ProcessId,
    pub step: Option<u16>,
    pub person: Option<PersonId>,
    pub severity: Severity,
    /// What an owner reads, e.g. "Closing checklist, step 4 'Photo of locked back door'
    /// was missed on 5 of the last 6 Fridays — usually by Dana (evening shift)".
    pub sentence: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// The runs that show it, oldest first.
    pub runs: Vec<RunId>,
    /// The chance of seeing this much by luck alone under the baseline.
    pub p_value: f64,
    /// A small chart of the evidence, oldest first.
    pub series: Vec<Point>,
    /// What the series is allowed to be, when that means something (a reading's range).
    pub range: Option<(Option<f64>, Option<f64>)>,
}
