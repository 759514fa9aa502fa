//! A person's agenda ahead of time: the steps that will fall to them in scheduled runs not
//! yet created, so a calendar shows next week's work before it opens. Only steps assigned
//! to the person by name can be foreseen; a role's pick is made when the run is created.

use crate::cadence::Cadence;
use crate::process::{Assignee, ProcessDefinition};
use crate::{PersonId, Timestamp};

/// Occurrences looked at per process at most, so a minutely rule cannot flood a feed.
const MAX_OCCURRENCES: usize = 500;

/// One step of a future run, as its assignee will get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreseen {
    pub scheduled_for: Timestamp,
    pub step_index: u32,
    pub title: String,
    pub opens_at: Timestamp,
    pub due_at: Timestamp,
}

/// The steps `person` is named for in runs of `definition` scheduled from `first`
/// (inclusive: the process's next run not yet created) to `until` (exclusive).
pub fn foreseen_for(
    definition: &ProcessDefinition,
    person: PersonId,
    first: Timestamp,
    until: Timestamp,
) -> Vec<Foreseen> {
    let Cadence::Schedule(schedule) = &definition.cadence else {
        return Vec::new();
    };
    let steps: Vec<(u32, &crate::process::Step)> = definition
        .steps
        .iter()
        .enumerate()
        .filter(|(_, step)| step.assignee == Assignee::Person(person))
        .map(|(index, step)| (index as u32, step))
        .collect();
    if steps.is_empty() || first >= until {
        return Vec::new();
    }
    let just_before = first - jiff::SignedDuration::from_millis(1);
    let mut out = Vec::new();
    for occurrence in schedule.after(just_before).take(MAX_OCCURRENCES) {
        let at = occurrence.timestamp();
        if at >= until {
            break;
        }
        for (step_index, step) in &steps {
            out.push(Foreseen {
                scheduled_for: at,
                step_index: *step_index,
                title: step.title.clone(),
                opens_at: at + step.opens_after.as_duration(),
                due_at: at + step.due_after.as_duration(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::Step;
    use crate::span::Span;

    fn step(title: &str, assignee: Assignee, opens: i64, due: i64) -> Step {
        Step {
            title: title.into(),
            sop: String::new(),
            sop_url: None,
            assignee,
            opens_after: Span::from_secs(opens * 60),
            due_after: Span::from_secs(due * 60),
            depends_on: Vec::new(),
            proof: Vec::new(),
            corrective: None,
        }
    }

    fn definition(cadence: &str, steps: Vec<Step>) -> ProcessDefinition {
        let mut definition: ProcessDefinition = serde_json::from_value(serde_json::json!({
            "name": "Opening checklist",
            "owner": 1,
            "cadence": {"kind": "schedule", "rule": cadence},
            "steps": [],
            "escalation": [{"to": "owner", "window": "1h"}]
        }))
        .expect("a definition");
        definition.steps = steps;
        definition
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn only_steps_named_for_the_person_are_foreseen_in_local_time_across_a_dst_change() {
        let dan = PersonId(4);
        let def = definition(
            "DTSTART;TZID=Europe/Berlin:20260326T070000\nRRULE:FREQ=DAILY",
            vec![
                step("Fridge temperature", Assignee::Person(dan), 0, 60),
                step("Sign off", Assignee::Role(crate::RoleId(1)), 0, 120),
                step("Close the till", Assignee::Person(dan), 600, 660),
            ],
        );
        // From the run of the 28th (not yet created) up to, not including, the 30th's: Berlin
        // springs forward on the 29th.
        let seen = foreseen_for(&def, dan, at("2026-03-28T06:00:00Z"), at("2026-03-30T05:00:00Z"));
        let summary: Vec<(u32, Timestamp, Timestamp)> =
            seen.iter().map(|f| (f.step_index, f.opens_at, f.due_at)).collect();
        assert_eq!(
            summary,
            [
                (0, at("2026-03-28T06:00:00Z"), at("2026-03-28T07:00:00Z")),
                (2, at("2026-03-28T16:00:00Z"), at("2026-03-28T17:00:00Z")),
                (0, at("2026-03-29T05:00:00Z"), at("2026-03-29T06:00:00Z")),
                (2, at("2026-03-29T15:00:00Z"), at("2026-03-29T16:00:00Z")),
            ],
            "07:00 Berlin is 06:00 UTC before the change and 05:00 UTC after; the role's step is nobody's yet"
        );
        assert_eq!(seen[0].title, "Fridge temperature");
        assert!(foreseen_for(&def, PersonId(99), at("2026-03-28T06:00:00Z"), at("2026-04-30T06:00:00Z")).is_empty());
    }

    #[test]
    fn manual_and_event_processes_foresee_nothing() {
        let dan = PersonId(4);
        let mut def =
            definition("DTSTART:20260326T070000Z\nRRULE:FREQ=DAILY", vec![step("Count", Assignee::Person(dan), 0, 60)]);
        def.cadence = Cadence::Manual;
        assert!(foreseen_for(&def, dan, at("2026-03-28T00:00:00Z"), at("2026-04-28T00:00:00Z")).is_empty());
        def.cadence = Cadence::Event { name: "delivery".into() };
        assert!(foreseen_for(&def, dan, at("2026-03-28T00:00:00Z"), at("2026-04-28T00:00:00Z")).is_empty());
    }
}
