//! When misses happen: a count per local weekday and hour of the first deadline, for the
//! heatmap that shows "Friday evenings" at a glance.

use crate::history::{Facts, Outcome};
use crate::ids::ProcessId;
use jiff::tz::TimeZone;

/// Misses of `process` by local weekday (Monday first) and hour of their first deadline.
pub fn miss_heatmap(facts: &Facts, process: ProcessId, outcomes: &[Outcome]) -> [[u32; 24]; 7] {
    let zone = facts.processes.get(&process).map_or(TimeZone::UTC, |p| p.zone.clone());
    let mut cells = [[0u32; 24]; 7];
    for outcome in outcomes.iter().filter(|o| o.process == process && o.counts() && o.missed()) {
        let local = zone.to_datetime(outcome.due_at);
        let day = local.weekday().to_monday_zero_offset() as usize;
        cells[day][local.hour() as usize] += 1;
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ProcessFacts;
    use crate::ids::{PersonId, RunId, TaskId};
    use crate::task::TaskState;
    use jiff::Timestamp;

    fn outcome(due: &str, moves: u8, state: TaskState) -> Outcome {
        let due: Timestamp = due.parse().unwrap();
        Outcome {
            task: TaskId(1),
            run: RunId(1),
            process: ProcessId(7),
            step: 0,
            scheduled_for: due,
            opens_at: due,
            due_at: due,
            assignee: PersonId(1),
            moves,
            state,
            completed_at: None,
            rejections: 0,
            exceptions: 0,
        }
    }

    #[test]
    fn misses_land_on_the_local_weekday_and_hour() {
        let mut facts = Facts::default();
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        facts.processes.insert(
            ProcessId(7),
            ProcessFacts { name: "Close".into(), zone, system: None, steps: vec![], chain_levels: 1 },
        );
        let history = [
            // Friday 20:30 in Berlin (winter, UTC+1).
            outcome("2026-11-27T19:30:00Z", 1, TaskState::Done),
            outcome("2026-11-27T19:45:00Z", 2, TaskState::Unresolved),
            // On time: not a miss.
            outcome("2026-11-27T19:50:00Z", 0, TaskState::Done),
            // Cancelled work was never owed.
            outcome("2026-11-27T19:55:00Z", 1, TaskState::Cancelled),
            // Monday 00:10 in Berlin is still Sunday in UTC.
            outcome("2026-11-29T23:10:00Z", 1, TaskState::Done),
        ];
        let cells = miss_heatmap(&facts, ProcessId(7), &history);
        assert_eq!(cells[4][20], 2, "two misses on Friday 20:00–21:00");
        assert_eq!(cells[0][0], 1, "Monday just after midnight, local time");
        assert_eq!(cells.iter().flatten().sum::<u32>(), 3);
    }
}
