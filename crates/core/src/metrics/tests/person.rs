//! A person's figures: what they held, did on time and missed, and moves to and from them.

use super::*;
use crate::history::Moved;
use crate::metrics::{PersonFigures, person_figures};

fn moved(task: i64, at: &str, from: PersonId, to: PersonId, level: u8) -> Moved {
    Moved { task: TaskId(task), process: FRIDGE, at: local(at), from, to, level }
}

#[test]
fn person_figures_count_held_work_misses_and_moves() {
    let (outcomes, _) = cafe_history();
    let moves = [
        moved(20, "2024-01-10T08:00", MIA, BEN, 1),
        moved(40, "2024-01-15T08:00", MIA, BEN, 1),
        moved(40, "2024-01-15T08:30", BEN, SAM, 2),
        // Outside the range.
        moved(90, "2024-02-10T08:00", MIA, SAM, 1),
    ];
    let people = person_figures(&outcomes, &moves, local("2024-01-01T00:00"), local("2024-02-01T00:00"));
    let mia = PersonFigures {
        person: MIA,
        // Runs 1, 2, 4–8 (run 3 skipped): 7 readings to take, run 2 late, run 4 unresolved.
        held: 7,
        done_on_time: 5,
        missed: 2,
        on_time_rate: Some(5.0 / 7.0),
        moved_to: 0,
        moved_from: 2,
    };
    let ben = PersonFigures {
        person: BEN,
        // Sign-offs of runs 1, 2, 5–8: run 4's was cancelled.
        held: 6,
        done_on_time: 6,
        missed: 0,
        on_time_rate: Some(1.0),
        moved_to: 2,
        moved_from: 1,
    };
    let sam = PersonFigures {
        person: SAM,
        held: 0,
        done_on_time: 0,
        missed: 0,
        on_time_rate: None,
        moved_to: 1,
        moved_from: 0,
    };
    assert_eq!(people, [mia, ben, sam]);
}

#[test]
fn person_figures_respect_the_range() {
    let (outcomes, _) = cafe_history();
    let people = person_figures(&outcomes, &[], local("2024-01-22T00:00"), local("2024-01-28T23:30"));
    let held: Vec<_> = people.iter().map(|p| (p.person, p.held)).collect();
    assert_eq!(held, [(MIA, 1), (BEN, 1)]);
}

#[test]
fn work_that_moved_on_is_never_on_time_even_when_finished_at_the_deadline() {
    let (mut outcomes, _) = cafe_history();
    // Run 2's reading moved on at its deadline and the next holder finished it that instant.
    let late = outcomes.iter_mut().find(|o| o.assignee == MIA && o.moves > 0 && o.completed_at.is_some()).unwrap();
    late.completed_at = Some(late.due_at);
    let people = person_figures(&outcomes, &[], local("2024-01-01T00:00"), local("2024-02-01T00:00"));
    let mia = people.iter().find(|p| p.person == MIA).unwrap();
    assert_eq!((mia.held, mia.done_on_time, mia.missed), (7, 5, 2), "on time and missed never overlap");
}
