//! A task's history told as sentences: who had it, when it moved and why. The same
//! lines appear on the task page, in the owner's inbox and on a run's timeline.

use super::page::When;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proofline_core::PersonId;
use proofline_store::EventRecord;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Names of the organization's people, for telling stories.
pub struct Names(HashMap<PersonId, String>);

impl Names {
    pub fn new(people: impl IntoIterator<Item = (PersonId, String)>) -> Names {
        Names(people.into_iter().collect())
    }

    pub fn of(&self, id: PersonId) -> String {
        self.0.get(&id).cloned().unwrap_or_else(|| format!("person {id}"))
    }

    fn of_opt(&self, id: Option<PersonId>) -> String {
        id.map_or_else(|| "Proofline".to_string(), |id| self.of(id))
    }
}

/// One line of a story.
#[derive(Debug, Serialize)]
pub struct Line {
    pub when: When,
    pub kind: String,
    pub text: String,
    /// A person's own words (a reason), shown apart from the sentence.
    pub quote: Option<String>,
    /// The line marks a miss or a failure, for emphasis.
    pub bad: bool,
}

pub fn lines(events: &[EventRecord], names: &Names, zone: &TimeZone, now: Timestamp) -> Vec<Line> {
    events.iter().map(|event| line(event, names, zone, now)).collect()
}

fn line(e: &EventRecord, names: &Names, zone: &TimeZone, now: Timestamp) -> Line {
    let to = names.of_opt(e.to_holder);
    let from = names.of_opt(e.from_holder);
    let by = names.of_opt(e.actor);
    let due = || {
        e.data
            .get("due_at")
            .and_then(Value::as_i64)
            .and_then(|ms| Timestamp::from_millisecond(ms).ok())
            .map(|at| When::new(at, zone, now).text)
            .unwrap_or_default()
    };
    let level = e.data.get("level").and_then(Value::as_u64).unwrap_or(0);
    let (text, bad) = match e.kind.as_str() {
        "created" => (format!("Scheduled for {to}."), false),
        "skipped" => ("Skipped: its whole window passed while Proofline was not running.".to_string(), false),
        "opened" => (format!("Opened for {to}, due {}.", due()), false),
        "escalated" if e.from_state.as_deref() == Some("submitted") => {
            (format!("{from} did not approve it in time. Moved to {to} to approve (escalation level {level})."), true)
        }
        "escalated" => (format!("{from} missed the deadline. Moved to {to} (escalation level {level})."), true),
        "unresolved" => {
            (format!("{from} missed the deadline and the chain is exhausted. Now with {to} to settle."), true)
        }
        "submitted" => (format!("{by} submitted proof; it waits for {to} to approve it."), false),
        "approved" => (format!("{by} approved the proof."), false),
        "rejected" => (format!("{by} sent the proof back to {to}."), true),
        "corrective" => (format!("Opened for {to} to put right, due {}.", due()), true),
        "evidence_purged" => {
            ("Its evidence files were deleted under the retention policy; the record stays.".to_string(), false)
        }
        "completed" => (format!("{by} completed it with proof."), false),
        "returned" => (format!("{by} sent it back to {to}."), true),
        "reassigned" => (format!("{by} reassigned it from {from} to {to}, due {}.", due()), false),
        "extended" => (format!("{by} gave {to} until {}.", due()), false),
        "closed" => (format!("{by} closed it without proof."), false),
        other => (format!("{other} ({by})."), false),
    };
    let reasons = || {
        let listed = e.data.get("reasons").and_then(Value::as_array)?;
        Some(listed.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")).filter(|r| !r.is_empty())
    };
    let quote =
        e.data.get("reason").and_then(Value::as_str).filter(|r| !r.is_empty()).map(str::to_string).or_else(reasons);
    Line { when: When::new(e.at, zone, now), kind: e.kind.clone(), text, quote, bad }
}
