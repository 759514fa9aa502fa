//! A process's weeks and KPI series, on the café's fridge check.

use super::*;
use crate::metrics::{Figures, KpiStats, Period, kpi_series, process_periods, process_weeks};
use jiff::civil::date;

fn fridge_stats(count: u32, min: f64, max: f64, mean: f64, last: f64, out_of_range: u32) -> Vec<KpiStats> {
    vec![KpiStats { step: 0, field: 0, count, min, max, mean, last, out_of_range }]
}

#[test]
fn cafe_fridge_check_weeks_show_late_unresolved_and_skipped_runs() {
    let (outcomes, readings) = cafe_history();
    let weeks = process_weeks(&cafe_facts(), FRIDGE, &outcomes, &readings);

    let starts: Vec<_> = weeks.iter().map(|w| (w.start, w.starts_at, w.ends_at)).collect();
    assert_eq!(
        starts,
        [
            (date(2024, 1, 8), local("2024-01-08T00:00"), local("2024-01-15T00:00")),
            (date(2024, 1, 15), local("2024-01-15T00:00"), local("2024-01-22T00:00")),
            (date(2024, 1, 22), local("2024-01-22T00:00"), local("2024-01-29T00:00")),
            (date(2024, 1, 29), local("2024-01-29T00:00"), local("2024-02-05T00:00")),
        ]
    );

    let first = Figures {
        runs_due: 2,
        runs_on_time: 1,
        runs_late: 1,
        runs_unresolved: 0,
        runs_skipped: 1,
        on_time_rate: Some(0.5),
        escalations: vec![1, 0],
        exceptions: 0,
        rejections: 0,
        lead_time_median_secs: Some(30 * 60),
        lead_time_p90_secs: Some(120 * 60),
    };
    assert_eq!(weeks[0].figures, first);
    assert_eq!(weeks[0].kpis, fridge_stats(2, 3.0, 4.0, 3.5, 4.0, 0));

    let second = Figures {
        runs_due: 3,
        runs_on_time: 2,
        runs_late: 0,
        runs_unresolved: 1,
        runs_skipped: 0,
        on_time_rate: Some(2.0 / 3.0),
        escalations: vec![1, 1],
        exceptions: 1,
        rejections: 0,
        lead_time_median_secs: Some(20 * 60),
        lead_time_p90_secs: Some(45 * 60),
    };
    assert_eq!(weeks[1].figures, second);
    assert_eq!(weeks[1].kpis, fridge_stats(2, -1.0, 7.5, 3.25, -1.0, 2));

    // The Sunday 23:30 run counts in its week; its reading, taken after midnight, in the next.
    let third = Figures {
        runs_due: 2,
        runs_on_time: 2,
        on_time_rate: Some(1.0),
        escalations: vec![0, 0],
        rejections: 1,
        lead_time_median_secs: Some(10 * 60),
        lead_time_p90_secs: Some(40 * 60),
        ..Figures::default()
    };
    assert_eq!(weeks[2].figures, third);
    assert_eq!(weeks[2].kpis, fridge_stats(1, 2.0, 2.0, 2.0, 2.0, 0));
    assert_eq!(weeks[3].figures, Figures { escalations: vec![0, 0], ..Figures::default() });
    assert_eq!(weeks[3].kpis, fridge_stats(1, 4.5, 4.5, 4.5, 4.5, 0));
}

#[test]
fn weeks_do_not_depend_on_the_order_history_arrives_in() {
    let (mut outcomes, mut readings) = cafe_history();
    let sorted = process_weeks(&cafe_facts(), FRIDGE, &outcomes, &readings);
    outcomes.reverse();
    readings.reverse();
    // Tasks of one run far apart: the run is still judged as a whole.
    outcomes.swap(0, 7);
    assert_eq!(process_weeks(&cafe_facts(), FRIDGE, &outcomes, &readings), sorted);
}

#[test]
fn other_processes_and_a_week_of_only_skipped_runs() {
    let (mut outcomes, _) = cafe_history();
    outcomes.push(done(ProcessId(99), 50, 0, "2024-01-08T09:00", 5));
    outcomes.push(task(FRIDGE, 60, 0, "2024-02-05T07:00", TaskState::Skipped, None, 0));
    let weeks = process_weeks(&cafe_facts(), FRIDGE, &outcomes, &[]);
    assert_eq!(weeks.len(), 4);
    assert_eq!(weeks[0].figures.runs_due, 2);
    let outage = &weeks[3];
    assert_eq!(outage.start, date(2024, 2, 5));
    assert_eq!((outage.figures.runs_due, outage.figures.runs_skipped), (0, 1));
    assert_eq!(outage.figures.on_time_rate, None);
    assert_eq!(outage.figures.lead_time_median_secs, None);
    assert!(outage.kpis.is_empty());
}

#[test]
fn weeks_across_spring_dst_start_on_local_monday_midnight() {
    let outcomes = [
        done(FRIDGE, 1, 0, "2024-03-31T23:30", 10),
        done(FRIDGE, 2, 0, "2024-04-01T00:15", 10),
        done(FRIDGE, 3, 0, "2024-03-25T00:00", 10),
    ];
    let weeks = process_weeks(&cafe_facts(), FRIDGE, &outcomes, &[]);
    assert_eq!(weeks.iter().map(|w| w.start).collect::<Vec<_>>(), [date(2024, 3, 25), date(2024, 4, 1)]);
    assert_eq!(weeks[0].figures.runs_due, 2);
    assert_eq!(weeks[0].starts_at, "2024-03-24T23:00Z".parse().unwrap());
    assert_eq!(weeks[0].ends_at, "2024-03-31T22:00Z".parse().unwrap());
    assert_eq!(weeks[0].ends_at.duration_since(weeks[0].starts_at), SignedDuration::from_hours(167));
    assert_eq!(weeks[1].starts_at, weeks[0].ends_at);
    assert_eq!(weeks[1].figures.runs_due, 1);
}

#[test]
fn weeks_across_autumn_dst_are_169_hours_long() {
    let outcomes = [done(FRIDGE, 1, 0, "2024-10-27T23:59", 10), done(FRIDGE, 2, 0, "2024-10-28T00:30", 10)];
    let weeks = process_weeks(&cafe_facts(), FRIDGE, &outcomes, &[]);
    assert_eq!(weeks.iter().map(|w| w.start).collect::<Vec<_>>(), [date(2024, 10, 21), date(2024, 10, 28)]);
    assert_eq!(weeks[0].ends_at.duration_since(weeks[0].starts_at), SignedDuration::from_hours(169));
    assert_eq!(weeks[1].starts_at, "2024-10-27T23:00Z".parse().unwrap());
}

#[test]
fn monthly_periods_use_the_zone_given() {
    let (outcomes, readings) = cafe_history();
    let months = process_periods(&cafe_facts(), FRIDGE, &outcomes, &readings, Period::Month, &berlin());
    assert_eq!(months.len(), 1);
    assert_eq!(months[0].start, date(2024, 1, 1));
    assert_eq!((months[0].figures.runs_due, months[0].figures.runs_skipped), (7, 1));
    assert_eq!(months[0].kpis[0].count, 6);
}

#[test]
fn kpi_series_lists_every_reading_oldest_first_with_its_range() {
    let (_, mut readings) = cafe_history();
    readings.reverse();
    let series = kpi_series(&cafe_facts(), FRIDGE, &readings);
    assert_eq!(series.len(), 1);
    let fridge = &series[0];
    assert_eq!((fridge.step, fridge.field, fridge.label.as_str()), (0, 0, "Fridge"));
    assert_eq!((fridge.unit.as_deref(), fridge.range_min, fridge.range_max), (Some("°C"), Some(0.0), Some(5.0)));
    let points: Vec<_> = fridge.points.iter().map(|p| (p.value, p.in_range)).collect();
    assert_eq!(points, [(3.0, true), (4.0, true), (7.5, false), (-1.0, false), (2.0, true), (4.5, true)]);
    assert_eq!(fridge.points[0].at, local("2024-01-08T07:10"));
    assert_eq!(fridge.points[5].run, RunId(8));
}

#[test]
fn kpi_series_of_a_field_no_longer_defined_has_no_range() {
    let mut gone = reading(1, "2024-01-08T07:10", 99.0);
    gone.field = 3;
    let series = kpi_series(&cafe_facts(), FRIDGE, &[gone]);
    assert_eq!((series[0].label.as_str(), series[0].range_min, series[0].range_max), ("", None, None));
    assert!(series[0].points[0].in_range);
}
