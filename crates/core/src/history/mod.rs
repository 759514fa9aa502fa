//! Finished work as pattern detection and metrics read it: one compact row per task
//! that reached an end, one row per numeric reading, and the names and zones needed to
//! say what was found in plain words. The store produces these; `core` only reads them.

use crate::ids::{PersonId, ProcessId, RunId, SystemId, TaskId};
use crate::task::TaskState;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::collections::HashMap;

/// One task that reached an end (done, unresolved, cancelled or skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub task: TaskId,
    pub run: RunId,
    pub process: ProcessId,
    /// The step's position in the process (0-based).
    pub step: u16,
    /// The run's scheduled instant: runs of one step are ordered by it.
    pub scheduled_for: Timestamp,
    pub opens_at: Timestamp,
    /// The first deadline, before any move.
    pub due_at: Timestamp,
    /// Who held the task first (level 0).
    pub assignee: PersonId,
    /// How many times the task moved on because its holder missed the window.
    pub moves: u8,
    /// Done, Unresolved, Cancelled or Skipped.
    pub state: TaskState,
    pub completed_at: Option<Timestamp>,
    /// How many times submitted proof was sent back.
    pub rejections: u16,
    /// How many proof exceptions (e.g. a number out of range) its submissions raised,
    /// counting proof that was later sent back: the reading was still taken.
    pub exceptions: u16,
}

impl Outcome {
    /// The first holder let the window pass: the task moved on or ended unresolved.
    pub fn missed(&self) -> bool {
        self.moves > 0 || self.state == TaskState::Unresolved
    }

    /// Done after the first deadline (whoever finished it). Work that moved on was
    /// finished after that deadline passed, even when the completion carries the very
    /// instant of the move.
    pub fn late(&self) -> bool {
        self.completed_at.is_some_and(|at| at > self.due_at || self.moves > 0)
    }

    /// Counts toward rates: cancelled and skipped work was never owed.
    pub fn counts(&self) -> bool {
        matches!(self.state, TaskState::Done | TaskState::Unresolved)
    }
}

/// One numeric proof value, e.g. a fridge temperature.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub process: ProcessId,
    pub step: u16,
    /// The proof requirement's position in the step.
    pub field: u16,
    pub task: TaskId,
    pub run: RunId,
    pub at: Timestamp,
    pub value: f64,
}

/// A numeric proof field as the step defines it today.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldFacts {
    pub label: String,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepFacts {
    pub title: String,
    /// Numeric proof fields by requirement position.
    pub fields: HashMap<u16, FieldFacts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProcessFacts {
    pub name: String,
    pub zone: TimeZone,
    pub system: Option<SystemId>,
    pub steps: Vec<StepFacts>,
    /// Levels in the escalation chain (0 when there is none).
    pub chain_levels: u8,
}

/// A named block of the local day, for "misses cluster on the evening shift".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub name: String,
    /// Local hour the shift starts (0–23); it runs until the next shift starts.
    pub starts_at_hour: u8,
}

/// The organization's default day split when it defines no shifts of its own.
pub fn default_shifts() -> Vec<Shift> {
    [("night", 0), ("morning", 6), ("afternoon", 12), ("evening", 18)]
        .into_iter()
        .map(|(name, hour)| Shift { name: name.to_string(), starts_at_hour: hour })
        .collect()
}

/// Names and zones for everything the outcomes mention.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub processes: HashMap<ProcessId, ProcessFacts>,
    pub people: HashMap<PersonId, String>,
    pub shifts: Vec<Shift>,
}

/// A task moved from one holder to the next because the first let its window pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub task: TaskId,
    pub process: ProcessId,
    pub at: Timestamp,
    pub from: PersonId,
    pub to: PersonId,
    /// The level the task moved to (1 for the first move).
    pub level: u8,
}
