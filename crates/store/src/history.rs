//! Finished work read back for pattern detection and metrics, and the patterns found,
//! with the state an owner gives them (open, acknowledged with a note, resolved).

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::history::{Moved, Outcome, Reading};
use proofline_core::pattern::{Finding, PatternKind, Point, Severity};
use proofline_core::{EventId, OrgId, PersonId, ProcessId, RunId};
use serde::{Deserialize, Serialize};

/// Where an owner has put a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternState {
    Open,
    /// Seen, with a note of what is being done; stays out of the way until resolved.
    Acknowledged,
    /// Fixed, or no longer seen; it opens again if it recurs.
    Resolved,
}

impl PatternState {
    pub const ALL: [PatternState; 3] = [PatternState::Open, PatternState::Acknowledged, PatternState::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            PatternState::Open => "open",
            PatternState::Acknowledged => "acknowledged",
            PatternState::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<PatternState> {
        PatternState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A stored pattern: the latest finding under its key and what people decided about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternRecord {
    pub id: i64,
    pub org: OrgId,
    pub key: String,
    pub kind: PatternKind,
    pub process: ProcessId,
    pub step: Option<u16>,
    pub person: Option<PersonId>,
    pub severity: Severity,
    pub sentence: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub runs: Vec<RunId>,
    pub p_value: f64,
    pub series: Vec<Point>,
    pub range: Option<(Option<f64>, Option<f64>)>,
    pub state: PatternState,
    /// The acknowledging or resolving note; detection writes one when a pattern fades.
    pub note: Option<String>,
    /// Who set the state last; `None` when detection did.
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<Timestamp>,
    /// When the pattern last (re)opened.
    pub opened_at: Timestamp,
    /// The last detection pass that still found it.
    pub detected_at: Timestamp,
}

/// The note a pattern gets when detection no longer finds it; the owner's own note, if
/// any, follows it after [`EARLIER_NOTE`].
pub const FADED_NOTE: &str = "No longer seen in recent runs.";
pub const EARLIER_NOTE: &str = " Earlier note: ";

/// What saving one process's findings changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PatternChanges {
    pub opened: u32,
    pub reopened: u32,
    pub updated: u32,
    /// Open or acknowledged patterns detection no longer finds.
    pub faded: u32,
}

/// Filters for listing patterns.
#[derive(Debug, Clone, Default)]
pub struct PatternQuery {
    pub states: Vec<PatternState>,
    pub process: Option<ProcessId>,
    pub limit: u32,
}

/// A person's decision on a pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternDecision {
    pub org: OrgId,
    pub pattern: i64,
    pub state: PatternState,
    pub note: String,
    pub by: PersonId,
    pub now: Timestamp,
}

/// The processes whose finished work changed after an event, and the last event read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryChanges {
    pub processes: Vec<(OrgId, ProcessId)>,
    /// Read up to here; `None` when there was nothing new.
    pub through: Option<EventId>,
}

#[async_trait]
pub trait HistoryStore {
    /// Processes with work that ended, moved or was sent back in events after `after`
    /// (at most `limit` events read), ordered by organization and process.
    async fn history_changes(&self, after: EventId, limit: u32) -> Result<HistoryChanges>;
    /// Every process of every organization, for a full detection pass.
    async fn all_processes(&self) -> Result<Vec<(OrgId, ProcessId)>>;
    /// Tasks of `process` that reached an end, of runs scheduled in `[from, to)`.
    async fn outcomes(&self, org: OrgId, process: ProcessId, from: Timestamp, to: Timestamp) -> Result<Vec<Outcome>>;
    /// Numeric proof readings of `process` taken in `[from, to)`.
    async fn readings(&self, org: OrgId, process: ProcessId, from: Timestamp, to: Timestamp) -> Result<Vec<Reading>>;
    /// Moves of the organization's work in `[from, to)`.
    async fn moves(&self, org: OrgId, from: Timestamp, to: Timestamp) -> Result<Vec<Moved>>;

    /// The newest event's id (0 when there is none).
    async fn latest_event(&self) -> Result<EventId>;
    /// Where detection stopped reading the event log.
    async fn detection_mark(&self) -> Result<EventId>;
    async fn set_detection_mark(&self, mark: EventId) -> Result<()>;
    /// Stores what detection found for one process: new keys open, known keys update,
    /// resolved ones reopen when their evidence is newer than the resolution, and open or
    /// acknowledged ones missing from `findings` fade to resolved.
    async fn save_patterns(
        &self,
        org: OrgId,
        process: ProcessId,
        findings: &[Finding],
        now: Timestamp,
    ) -> Result<PatternChanges>;
    /// How many patterns there are in every organization, by state and severity, for
    /// `/metrics`.
    async fn pattern_counts(&self) -> Result<Vec<(PatternState, Severity, u64)>>;
    /// Most severe first, then most recent.
    async fn list_patterns(&self, org: OrgId, query: &PatternQuery) -> Result<Vec<PatternRecord>>;
    async fn get_pattern(&self, org: OrgId, id: i64) -> Result<PatternRecord>;
    /// `NotFound` outside the organization.
    async fn decide_pattern(&self, decision: &PatternDecision) -> Result<PatternRecord>;
}
