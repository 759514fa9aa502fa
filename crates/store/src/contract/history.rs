//! The story's history chapter: a week of Acme's cold-room checks as pattern detection and
//! metrics read them back (how each task ended, the readings taken, who missed what), the
//! event log mark detection reads from, and the patterns an owner keeps track of: found,
//! acknowledged with a note, faded away when no longer seen and reopened when they recur.

use super::{Cast, at, definition, mins, not_found};
use crate::*;
use jiff::{SignedDuration, Timestamp};
use proofline_core::escalation::Move;
use proofline_core::history::{Moved, Outcome, Reading};
use proofline_core::pattern::{Finding, PatternKind, Point, Severity};
use proofline_core::process::ProcessStatus;
use proofline_core::proof::Exception;
use proofline_core::task::TaskState;
use proofline_core::{EventId, PersonId, ProcessId, RunId, TaskId};
use serde_json::json;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// The cold-room checks and the runs of the week, one a day from `start`.
struct Week {
    cold: ProcessId,
    start: Timestamp,
    runs: Vec<RunId>,
}

pub(super) async fn chapter(store: &dyn Store, cast: &Cast) {
    let week = outcomes(store, cast).await;
    changes(store, cast, &week).await;
    patterns(store, cast, &week).await;
}

/// Starts the day's run by hand with one fridge reading for Cleo, waiting or open.
async fn start_run(
    store: &dyn Store,
    cast: &Cast,
    cold: ProcessId,
    start: Timestamp,
    state: TaskState,
) -> (RunId, TaskId) {
    let run = NewRun {
        org: cast.acme,
        process: cold,
        version: 1,
        scheduled_for: start,
        trigger: "manual".into(),
        started_by: Some(cast.ben),
        state: RunState::Active,
        reason: None,
        idempotency_key: None,
        tasks: vec![NewTask {
            step_index: 0,
            title: "Fridge temperature".into(),
            state,
            blocked: false,
            holder: cast.cleo,
            opens_at: start,
            due_at: start + mins(60),
            window_ms: 60 * 60_000,
        }],
    };
    assert_eq!(store.materialize(&[run], &[], &[], start).await.unwrap().tasks, 1);
    let run = store.find_run(cast.acme, cold, start).await.unwrap().expect("the day's run exists").id;
    let tasks = store.list_tasks(cast.acme, &TaskQuery { run: Some(run), ..TaskQuery::default() }).await.unwrap();
    (run, tasks[0].id)
}

fn reading(cast: &Cast, task: TaskId, rev: i64, value: f64, now: Timestamp) -> Completion {
    Completion {
        org: cast.acme,
        task,
        rev,
        from_state: TaskState::Open,
        to_state: TaskState::Done,
        by: cast.cleo,
        holder: cast.cleo,
        handoff: None,
        evidence: json!({"temperature": value}),
        exceptions: vec![],
        readings: vec![(0, value)],
        unblock: vec![],
        follow_up: None,
        now,
    }
}

/// Monday's reading is late and out of range, Tuesday's is sent back once, Wednesday's is
/// missed by Cleo and then by Ben, Thursday's is called off and Friday's is still open.
async fn outcomes(store: &dyn Store, cast: &Cast) -> Week {
    let Cast { acme, globex, ana, ben, cleo, shift, .. } = *cast;
    let t = at("2026-02-02T06:00:00Z");
    let cold = store
        .create_process(acme, "cold-room", ProcessStatus::Active, &definition("Cold room", ana, shift, cleo), None, t)
        .await
        .unwrap();

    // Opened half an hour late, so the first deadline is an hour after opening.
    let (monday, fridge) = start_run(store, cast, cold, t, TaskState::Waiting).await;
    store.open_ready(t + mins(30), 100).await.unwrap();
    let too_warm = Exception { key: "temperature".into(), message: "6.5 °C is above the maximum of 5 °C".into() };
    store
        .complete_task(&Completion { exceptions: vec![too_warm], ..reading(cast, fridge, 1, 6.5, t + mins(45)) })
        .await
        .unwrap();

    let (tuesday, returned) = start_run(store, cast, cold, t + days(1), TaskState::Open).await;
    let text = |rev, now| Completion {
        evidence: json!({"text": "fine"}),
        readings: vec![],
        ..reading(cast, returned, rev, 0.0, now)
    };
    store.complete_task(&text(0, t + days(1) + mins(20))).await.unwrap();
    let back = TaskReturn {
        org: acme,
        task: returned,
        rev: 1,
        by: ben,
        reason: "Write the temperature down".into(),
        due_at: t + days(1) + mins(90),
        now: t + days(1) + mins(30),
    };
    store.return_task(&back).await.unwrap();
    store.complete_task(&reading(cast, returned, 2, 3.5, t + days(1) + mins(40))).await.unwrap();

    let (wednesday, missed) = start_run(store, cast, cold, t + days(2), TaskState::Open).await;
    let w = t + days(2);
    let to_ben = TaskMove {
        task: missed,
        org: acme,
        rev: 0,
        missed_by: cleo,
        from_level: 0,
        missed_due_at: w + mins(60),
        outcome: Move::To { level: 1, holder: ben, due_at: w + mins(90) },
        from_state: TaskState::Open,
        submitter: None,
    };
    let to_ana = TaskMove {
        rev: 1,
        missed_by: ben,
        from_level: 1,
        missed_due_at: w + mins(90),
        outcome: Move::Unresolved { holder: ana },
        ..to_ben
    };
    assert_eq!(store.apply_moves(&[to_ben], &[], w + mins(61)).await.unwrap(), 1);
    assert_eq!(store.apply_moves(&[to_ana], &[], w + mins(91)).await.unwrap(), 1);

    let (thursday, called_off) = start_run(store, cast, cold, t + days(3), TaskState::Open).await;
    let close = TaskDecision {
        org: acme,
        task: called_off,
        rev: 0,
        by: ana,
        decision: Decision::Close,
        reason: "The cold room is being defrosted".into(),
        now: t + days(3) + mins(10),
    };
    store.decide_task(&close).await.unwrap();
    let (friday, _open) = start_run(store, cast, cold, t + days(4), TaskState::Open).await;

    let outcome = |task, run, day: i64, due: i64, state, completed: Option<i64>| Outcome {
        task,
        run,
        process: cold,
        step: 0,
        scheduled_for: t + days(day),
        opens_at: t + days(day),
        due_at: t + days(day) + mins(due),
        assignee: cleo,
        moves: 0,
        state,
        completed_at: completed.map(|m| t + days(day) + mins(m)),
        rejections: 0,
        exceptions: 0,
    };
    let mut read = store.outcomes(acme, cold, t, t + days(7)).await.unwrap();
    read.sort_by_key(|o| o.task);
    assert_eq!(
        read,
        [
            Outcome { exceptions: 1, ..outcome(fridge, monday, 0, 90, TaskState::Done, Some(45)) },
            Outcome { rejections: 1, ..outcome(returned, tuesday, 1, 60, TaskState::Done, Some(40)) },
            Outcome { moves: 2, ..outcome(missed, wednesday, 2, 60, TaskState::Unresolved, None) },
            outcome(called_off, thursday, 3, 60, TaskState::Cancelled, Some(10)),
        ],
        "each ended task once, with its first deadline and first holder; open work is not history yet"
    );
    // Ana finishes Wednesday's unresolved reading herself, late.
    let late =
        Completion { from_state: TaskState::Unresolved, by: ana, ..reading(cast, missed, 2, 4.5, w + mins(150)) };
    store.complete_task(&late).await.unwrap();
    let wednesday_only = store.outcomes(acme, cold, t + days(2), t + days(3)).await.unwrap();
    assert_eq!(
        wednesday_only,
        [Outcome { moves: 2, ..outcome(missed, wednesday, 2, 60, TaskState::Done, Some(150)) }],
        "work finished after it went unresolved is read once, as it ended"
    );
    let tuesday_only = store.outcomes(acme, cold, t + days(1), t + days(2)).await.unwrap();
    assert_eq!(tuesday_only.iter().map(|o| o.task).collect::<Vec<_>>(), [returned], "runs scheduled in the window");
    assert_eq!(store.outcomes(globex, cold, t, t + days(7)).await.unwrap(), [], "another organization reads nothing");

    let value = |task, run, day: i64, minute: i64, value| Reading {
        process: cold,
        step: 0,
        field: 0,
        task,
        run,
        at: t + days(day) + mins(minute),
        value,
    };
    assert_eq!(
        store.readings(acme, cold, t, t + days(7)).await.unwrap(),
        [
            value(fridge, monday, 0, 45, 6.5),
            value(returned, tuesday, 1, 40, 3.5),
            value(missed, wednesday, 2, 150, 4.5)
        ],
        "oldest first"
    );
    assert_eq!(store.readings(acme, cold, t + mins(46), t + days(7)).await.unwrap().len(), 2, "taken in the window");
    assert_eq!(store.readings(globex, cold, t, t + days(7)).await.unwrap(), []);

    assert_eq!(
        store.moves(acme, t, t + days(7)).await.unwrap(),
        [
            Moved { task: missed, process: cold, at: w + mins(61), from: cleo, to: ben, level: 1 },
            Moved { task: missed, process: cold, at: w + mins(91), from: ben, to: ana, level: 2 },
        ],
        "who let the window pass, and to whom the work went"
    );
    assert_eq!(store.moves(globex, t, t + days(7)).await.unwrap(), []);

    let all = store.all_processes().await.unwrap();
    assert!(all.contains(&(acme, cold)), "a full pass reads every process");
    assert!(all.is_sorted(), "by organization and process");
    Week { cold, start: t, runs: vec![monday, tuesday, wednesday, thursday, friday] }
}

/// Detection reads the event log from its mark, so it looks again only at processes whose
/// finished work changed.
async fn changes(store: &dyn Store, cast: &Cast, week: &Week) {
    let acme = cast.acme;
    assert_eq!(store.detection_mark().await.unwrap(), EventId(0), "nothing was read yet");
    let everything = store.history_changes(EventId(0), 0).await.unwrap();
    assert_eq!(everything.processes.iter().filter(|p| **p == (acme, week.cold)).count(), 1, "each process once");
    assert!(everything.processes.is_sorted(), "by organization and process");
    let through = everything.through.expect("the story logged events");
    let first = store.history_changes(EventId(0), 1).await.unwrap().through.expect("one event read");
    assert!(first < through, "at most `limit` events are read");

    store.set_detection_mark(through).await.unwrap();
    assert_eq!(store.detection_mark().await.unwrap(), through);
    assert_eq!(store.history_changes(through, 0).await.unwrap(), HistoryChanges::default(), "nothing new");
    store.set_detection_mark(first).await.unwrap();
    assert_eq!(store.detection_mark().await.unwrap(), through, "the mark never moves back");

    // Friday's reading is done: only the cold room reads differently now.
    let friday =
        store.list_tasks(acme, &TaskQuery { run: Some(week.runs[4]), ..TaskQuery::default() }).await.unwrap().remove(0);
    store.complete_task(&reading(cast, friday.id, 0, 4.0, week.start + days(4) + mins(5))).await.unwrap();
    let after = store.history_changes(through, 0).await.unwrap();
    assert_eq!(after.processes, [(acme, week.cold)]);
    store.set_detection_mark(after.through.expect("the completion was logged")).await.unwrap();
}

/// A finding of the cold room with every field set.
fn finding(
    week: &Week,
    key: &str,
    kind: PatternKind,
    severity: Severity,
    person: Option<PersonId>,
    last: i64,
) -> Finding {
    let t = week.start;
    Finding {
        key: format!("{}:{}:0", key, week.cold),
        kind,
        process: week.cold,
        step: Some(0),
        person,
        severity,
        sentence: format!("Cold room, step 1 'Fridge temperature': {key}"),
        first_seen: t,
        last_seen: t + days(last),
        runs: vec![week.runs[0], week.runs[2]],
        p_value: 0.003,
        series: vec![Point { at: t, value: 6.5 }, Point { at: t + days(1), value: 3.5 }],
        range: Some((Some(0.0), Some(5.0))),
    }
}

async fn patterns(store: &dyn Store, cast: &Cast, week: &Week) {
    let Cast { acme, globex, ana, cleo, .. } = *cast;
    let now = week.start + days(7);
    let misses = finding(week, "step_misses", PatternKind::StepMisses, Severity::High, Some(cleo), 2);
    let others = [
        finding(week, "drift", PatternKind::Drift, Severity::Low, None, 1),
        Finding {
            range: None,
            ..finding(week, "person_misses", PatternKind::PersonMisses, Severity::Medium, Some(cleo), 2)
        },
        Finding { series: vec![], ..finding(week, "lead_time", PatternKind::LeadTime, Severity::Low, None, 3) },
    ];
    let with = |misses: Option<&Finding>| misses.into_iter().chain(&others).cloned().collect::<Vec<_>>();
    let list = |states: Vec<PatternState>| async move {
        let query = PatternQuery { states, process: Some(week.cold), limit: 0 };
        store.list_patterns(acme, &query).await.unwrap()
    };

    let saved = store.save_patterns(acme, week.cold, &with(Some(&misses)), now).await.unwrap();
    assert_eq!(saved, PatternChanges { opened: 4, ..Default::default() });
    let listed = list(vec![]).await;
    assert_eq!(
        listed.iter().map(|p| p.key.split(':').next().unwrap()).collect::<Vec<_>>(),
        ["step_misses", "person_misses", "lead_time", "drift"],
        "most severe first, then most recently seen"
    );
    let id = listed[0].id;
    assert_eq!(
        listed[0],
        PatternRecord {
            id,
            org: acme,
            key: misses.key.clone(),
            kind: PatternKind::StepMisses,
            process: week.cold,
            step: Some(0),
            person: Some(cleo),
            severity: Severity::High,
            sentence: misses.sentence.clone(),
            first_seen: misses.first_seen,
            last_seen: misses.last_seen,
            runs: misses.runs.clone(),
            p_value: 0.003,
            series: misses.series.clone(),
            range: misses.range,
            state: PatternState::Open,
            note: None,
            decided_by: None,
            decided_at: None,
            opened_at: now,
            detected_at: now,
        },
        "a new finding is open, with its evidence whole"
    );
    assert_eq!(listed[2].series, [], "an empty chart reads back empty");
    assert_eq!(listed[1].range, None);
    assert_eq!(store.get_pattern(acme, id).await.unwrap(), listed[0]);
    let limited = store.list_patterns(acme, &PatternQuery { limit: 2, ..PatternQuery::default() }).await.unwrap();
    assert_eq!(limited, listed[..2]);
    let counts = store.pattern_counts().await.unwrap();
    let open: u64 = counts.iter().filter(|(state, _, _)| *state == PatternState::Open).map(|(_, _, n)| n).sum();
    assert_eq!(open, listed.len() as u64, "the /metrics gauge counts what the list shows: {counts:?}");

    // The next pass finds it again, seen once more.
    let again =
        Finding { sentence: "Missed 3 of the last 5".into(), last_seen: week.start + days(4), ..misses.clone() };
    let later = now + days(1);
    let saved = store.save_patterns(acme, week.cold, &with(Some(&again)), later).await.unwrap();
    assert_eq!(saved, PatternChanges { updated: 4, ..Default::default() });
    let updated = store.get_pattern(acme, id).await.unwrap();
    assert_eq!(
        (updated.state, updated.sentence.as_str(), updated.last_seen, updated.opened_at, updated.detected_at),
        (PatternState::Open, "Missed 3 of the last 5", week.start + days(4), now, later),
        "the same key updates one pattern, which stays open"
    );

    let note = "Cleo starts a quarter of an hour earlier";
    let decision = PatternDecision {
        org: acme,
        pattern: id,
        state: PatternState::Acknowledged,
        note: note.into(),
        by: ana,
        now: later,
    };
    not_found(
        store.decide_pattern(&PatternDecision { org: globex, ..decision.clone() }).await,
        "another organization's",
    );
    not_found(store.get_pattern(globex, id).await, "reading another organization's pattern");
    not_found(store.get_pattern(acme, i64::MAX).await, "a pattern that does not exist");
    assert_eq!(store.list_patterns(globex, &PatternQuery::default()).await.unwrap(), []);
    assert_eq!(store.get_pattern(acme, id).await.unwrap(), updated, "a refused decision changes nothing");
    let acknowledged = store.decide_pattern(&decision).await.unwrap();
    assert_eq!(
        (acknowledged.state, acknowledged.note.as_deref(), acknowledged.decided_by, acknowledged.decided_at),
        (PatternState::Acknowledged, Some(note), Some(ana), Some(later))
    );
    assert_eq!(list(vec![PatternState::Acknowledged]).await, [acknowledged]);
    assert_eq!(list(vec![PatternState::Open]).await.len(), 3);

    // Cleo's earlier start worked: the next pass no longer finds the misses.
    let faded_at = later + days(1);
    let saved = store.save_patterns(acme, week.cold, &with(None), faded_at).await.unwrap();
    assert_eq!(saved, PatternChanges { updated: 3, faded: 1, ..Default::default() });
    let faded = store.get_pattern(acme, id).await.unwrap();
    let faded_note = format!("{FADED_NOTE}{EARLIER_NOTE}{note}");
    assert_eq!(
        (faded.state, faded.note.as_deref(), faded.decided_by, faded.decided_at),
        (PatternState::Resolved, Some(faded_note.as_str()), None, Some(faded_at)),
        "a pattern no longer found fades to resolved, saying why and keeping the owner's note"
    );
    assert_eq!(list(vec![PatternState::Resolved]).await, [faded]);

    // Old evidence found again does not overrule the resolution.
    let stale = faded_at + days(1);
    let saved = store.save_patterns(acme, week.cold, &with(Some(&again)), stale).await.unwrap();
    assert_eq!(saved, PatternChanges { updated: 4, ..Default::default() });
    let kept = store.get_pattern(acme, id).await.unwrap();
    assert_eq!(
        (kept.state, kept.note.as_deref(), kept.detected_at),
        (PatternState::Resolved, Some(faded_note.as_str()), stale)
    );

    // The misses are back, seen after the resolution: the pattern reopens.
    let recurred = stale + days(1);
    let back = Finding { last_seen: recurred - mins(60), ..again };
    let saved = store.save_patterns(acme, week.cold, &with(Some(&back)), recurred).await.unwrap();
    assert_eq!(saved, PatternChanges { reopened: 1, updated: 3, ..Default::default() });
    let reopened = store.get_pattern(acme, id).await.unwrap();
    assert_eq!(
        (
            reopened.state,
            reopened.note,
            reopened.decided_by,
            reopened.decided_at,
            reopened.opened_at,
            reopened.last_seen
        ),
        (PatternState::Open, None, None, None, recurred, recurred - mins(60)),
        "a recurring pattern opens again, its old note cleared"
    );
    not_found(
        store.decide_pattern(&PatternDecision { org: globex, now: recurred, ..decision }).await,
        "deciding another organization's pattern",
    );
    assert_eq!(store.get_pattern(acme, id).await.unwrap().state, PatternState::Open);
}
