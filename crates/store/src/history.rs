//! Finished work read back for pattern detection and metrics, and the patterns found,
//! with the state an owner gives them (open, acknowledged with a note, resolved).

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::history::{Moved, Outcome, Reading};
use proofline_core::pattern::{Finding, PatternKind, Point, Severity};
use proofline_core::{EventId, OrgId, PersonId, ProcessId, RunId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

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

/// The parts of a finding each backend keeps as one JSON column: read back whole, never
/// queried.
#[derive(Debug, Serialize, Deserialize)]
pub struct PatternEvidence {
    pub runs: Vec<RunId>,
    pub p_value: f64,
    pub series: Vec<Point>,
    pub range: Option<(Option<f64>, Option<f64>)>,
}

impl PatternEvidence {
    pub fn of(finding: &Finding) -> PatternEvidence {
        PatternEvidence {
            runs: finding.runs.clone(),
            p_value: finding.p_value,
            series: finding.series.clone(),
            range: finding.range,
        }
    }
}

/// A pattern already stored for a process, as much as saving new findings needs.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownPattern {
    pub id: i64,
    pub key: String,
    pub resolved: bool,
    pub decided_at: Option<Timestamp>,
}

/// One write of [`HistoryStore::save_patterns`], decided by [`plan_pattern_save`].
#[derive(Debug, Clone, PartialEq)]
pub enum PatternWrite<'f> {
    /// A key not seen before: a new open pattern.
    Open(&'f Finding),
    /// A known key found again; `reopen` when it was resolved before this evidence.
    Update { id: i64, finding: &'f Finding, reopen: bool },
    /// Open or acknowledged, and no longer found: resolved with [`FADED_NOTE`].
    Fade(i64),
}

/// What saving `findings` over the process's `known` patterns writes, and what that
/// changes. A resolved pattern reopens only when its evidence is newer than the
/// resolution: the owner's word stands until something new happens.
pub fn plan_pattern_save<'f>(
    known: &[KnownPattern],
    findings: &'f [Finding],
) -> (Vec<PatternWrite<'f>>, PatternChanges) {
    let by_key: HashMap<&str, &KnownPattern> = known.iter().map(|k| (k.key.as_str(), k)).collect();
    let mut changes = PatternChanges::default();
    let mut writes = Vec::with_capacity(findings.len());
    for finding in findings {
        let Some(known) = by_key.get(finding.key.as_str()) else {
            changes.opened += 1;
            writes.push(PatternWrite::Open(finding));
            continue;
        };
        let reopen = known.resolved
            && known.decided_at.is_none_or(|at| finding.last_seen.as_millisecond() > at.as_millisecond());
        if reopen {
            changes.reopened += 1;
        } else {
            changes.updated += 1;
        }
        writes.push(PatternWrite::Update { id: known.id, finding, reopen });
    }
    let found: HashSet<&str> = findings.iter().map(|f| f.key.as_str()).collect();
    for known in known.iter().filter(|k| !k.resolved && !found.contains(k.key.as_str())) {
        changes.faded += 1;
        writes.push(PatternWrite::Fade(known.id));
    }
    (writes, changes)
}

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
