//! Systems roll up their own and their nested systems' processes by month and year.

use super::*;
use crate::ids::SystemId;
use crate::metrics::{
    Direction, Goal, GoalSource, Period, SystemNode, SystemRollup, evaluate_goal, goal_value, process_periods,
    system_periods,
};
use jiff::civil::date;

const REVENUE: SystemId = SystemId(1);
const LEADS: SystemId = SystemId(2);
const INVOICES: ProcessId = ProcessId(20);
const CALLS: ProcessId = ProcessId(21);

fn node(id: i64, parent: Option<i64>, processes: &[ProcessId]) -> SystemNode {
    SystemNode { id: SystemId(id), parent: parent.map(SystemId), processes: processes.to_vec() }
}

fn sales_history() -> Vec<Outcome> {
    vec![
        // January: invoices on time in 1 h; a call late in 3 h on the last evening of the
        // month in Berlin (already February in UTC+2 and later zones, not in Berlin).
        done(INVOICES, 1, 0, "2024-01-10T09:00", 60),
        task(CALLS, 2, 0, "2024-01-31T23:30", TaskState::Done, Some(180), 1),
        task(CALLS, 3, 0, "2024-01-15T09:00", TaskState::Unresolved, None, 2),
        // February: a call on time in 45 min.
        done(CALLS, 4, 0, "2024-02-05T09:00", 45),
        // A process in no system.
        done(ProcessId(99), 5, 0, "2024-01-10T09:00", 5),
    ]
}

#[test]
fn revenue_rolls_up_lead_generation_by_month() {
    let systems = [node(1, None, &[INVOICES]), node(2, Some(1), &[CALLS])];
    let months = system_periods(&systems, &sales_history(), Period::Month, &berlin());
    let rows: Vec<_> = months
        .iter()
        .map(|m| {
            let f = &m.figures;
            (m.system, m.start, f.runs_due, f.runs_on_time, f.runs_late, f.runs_unresolved, f.lead_time_median_secs)
        })
        .collect();
    assert_eq!(
        rows,
        [
            (REVENUE, date(2024, 1, 1), 3, 1, 1, 1, Some(3600)),
            (REVENUE, date(2024, 2, 1), 1, 1, 0, 0, Some(2700)),
            (LEADS, date(2024, 1, 1), 2, 0, 1, 1, Some(10800)),
            (LEADS, date(2024, 2, 1), 1, 1, 0, 0, Some(2700)),
        ]
    );
    assert_eq!(months[0].figures.lead_time_p90_secs, Some(10800));
    assert_eq!(months[0].figures.escalations, [2, 1]);
    assert_eq!(months[0].figures.on_time_rate, Some(1.0 / 3.0));
    assert_eq!(months[0].starts_at, local("2024-01-01T00:00"));
    assert_eq!(months[0].ends_at, local("2024-02-01T00:00"));

    let athens = TimeZone::get("Europe/Athens").unwrap();
    let months = system_periods(&systems, &sales_history(), Period::Month, &athens);
    let leads: Vec<_> = months.iter().filter(|m| m.system == LEADS).map(|m| (m.start, m.figures.runs_due)).collect();
    assert_eq!(leads, [(date(2024, 1, 1), 1), (date(2024, 2, 1), 2)]);
}

#[test]
fn a_rollup_fed_a_process_at_a_time_in_any_order_matches_the_whole() {
    let systems = [node(1, None, &[INVOICES]), node(2, Some(1), &[CALLS])];
    let history = sales_history();
    let whole = system_periods(&systems, &history, Period::Month, &berlin());
    let berlin = berlin();
    let mut rollup = SystemRollup::new(&systems, Period::Month, &berlin);
    assert!(rollup.counts(CALLS) && !rollup.counts(ProcessId(99)), "a process in no system need not be read");
    for process in [CALLS, ProcessId(99), INVOICES] {
        let own: Vec<Outcome> = history.iter().filter(|o| o.process == process).cloned().collect();
        rollup.add(&own);
    }
    assert_eq!(rollup.finish(), whole);
}

#[test]
fn revenue_rolls_up_by_year() {
    let systems = [node(2, Some(1), &[CALLS]), node(1, None, &[INVOICES])];
    let years = system_periods(&systems, &sales_history(), Period::Year, &berlin());
    let rows: Vec<_> = years.iter().map(|y| (y.system, y.start, y.figures.runs_due)).collect();
    assert_eq!(rows, [(LEADS, date(2024, 1, 1), 3), (REVENUE, date(2024, 1, 1), 4)]);
}

#[test]
fn cyclic_parent_links_do_not_hang_and_count_each_process_once() {
    // A → C → B → A, D is its own parent, and E lists A's process again under A.
    let systems = [
        node(1, Some(3), &[ProcessId(1)]),
        node(2, Some(1), &[ProcessId(2)]),
        node(3, Some(2), &[ProcessId(3)]),
        node(4, Some(4), &[ProcessId(4)]),
        node(5, Some(1), &[ProcessId(1)]),
    ];
    let outcomes: Vec<_> = (1..=4).map(|p| done(ProcessId(p), p, 0, "2024-01-10T09:00", 5)).collect();
    let years = system_periods(&systems, &outcomes, Period::Year, &berlin());
    let due: Vec<_> = years.iter().map(|y| (y.system.0, y.figures.runs_due)).collect();
    assert_eq!(due, [(1, 3), (2, 3), (3, 3), (4, 1), (5, 1)]);
}

#[test]
fn a_system_goal_reads_a_fridge_mean_from_the_same_month() {
    let (outcomes, readings) = cafe_history();
    let systems = [node(7, None, &[FRIDGE])];
    let months = system_periods(&systems, &outcomes, Period::Month, &berlin());
    let fridge_months = process_periods(&cafe_facts(), FRIDGE, &outcomes, &readings, Period::Month, &berlin());
    let goal = Goal {
        name: "Fridge stays cold".into(),
        unit: Some("°C".into()),
        target: 3.0,
        direction: Direction::AtMost,
        source: GoalSource::KpiMean { process: FRIDGE, step: 0, field: 0 },
    };
    let mean = goal_value(&goal.source, &months[0], &fridge_months, None).unwrap();
    assert!((mean - 20.0 / 6.0).abs() < 1e-12);
    let status = evaluate_goal(&goal, mean);
    assert!(!status.met);
    assert!((status.gap - 1.0 / 3.0).abs() < 1e-12);

    let on_time = Goal { target: 0.8, direction: Direction::AtLeast, source: GoalSource::OnTimeRate, ..goal };
    let rate = goal_value(&on_time.source, &months[0], &fridge_months, None).unwrap();
    assert_eq!(rate, 5.0 / 7.0);
    assert!(!evaluate_goal(&on_time, rate).met);
    assert_eq!(goal_value(&GoalSource::Manual, &months[0], &[], Some(12.5)), Some(12.5));
}
