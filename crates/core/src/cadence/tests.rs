use super::*;
use jiff::{SignedDuration, Timestamp};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/rrule")
}

fn load(name: &str) -> Vec<serde_json::Value> {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn wall(o: &Occurrence) -> String {
    o.wall.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

#[test]
fn every_floating_vector_from_the_rfc_examples_reproduces_exactly() {
    let cases = load("floating.json");
    assert!(cases.len() > 100);
    let mut failures = Vec::new();
    for case in &cases {
        let rule = case["rule"].as_str().unwrap();
        let expected: Vec<String> =
            case["expected"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        let schedule = match Schedule::parse(rule, Some("UTC")) {
            Ok(schedule) => schedule,
            Err(e) => {
                failures.push(format!("{rule}: {e}"));
                continue;
            }
        };
        let got: Vec<String> = schedule.occurrences().take(expected.len() + 1).map(|z| wall(&z)).collect();
        if got != expected {
            failures.push(format!("{rule}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn every_zoned_vector_across_dst_month_ends_and_leap_days_reproduces_exactly() {
    let mut failures = Vec::new();
    for case in &load("zoned.json") {
        let text = format!(
            "DTSTART;TZID={}:{}\nRRULE:{}",
            case["tzid"].as_str().unwrap(),
            case["dtstart"].as_str().unwrap(),
            case["rrule"].as_str().unwrap()
        );
        let expected: Vec<(String, String)> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["local_wall"].as_str().unwrap().to_string(), o["utc"].as_str().unwrap().to_string()))
            .collect();
        let schedule = Schedule::parse(&text, None).unwrap();
        let got: Vec<(String, String)> = schedule
            .occurrences()
            .take(expected.len() + 1)
            .map(|o| (wall(&o), o.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()))
            .collect();
        if got != expected {
            failures.push(format!("{} ({})\n  expected {expected:?}\n  got      {got:?}", text, case["about"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn next_after_agrees_with_walking_every_occurrence_from_the_start() {
    let rules = [
        "DTSTART;TZID=Europe/Berlin:20200106T070000\nRRULE:FREQ=DAILY",
        "DTSTART;TZID=America/New_York:20190301T013000\nRRULE:FREQ=DAILY;INTERVAL=3",
        "DTSTART;TZID=Australia/Sydney:20200101T023000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "DTSTART;TZID=Europe/London:20200131T090000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=31",
        "DTSTART;TZID=Europe/London:20200115T090000\nRRULE:FREQ=MONTHLY;INTERVAL=2",
        "DTSTART;TZID=Europe/Berlin:20200101T170000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "DTSTART;TZID=America/Chicago:20200229T080000\nRRULE:FREQ=YEARLY",
        "DTSTART;TZID=Europe/Berlin:20240101T000000\nRRULE:FREQ=HOURLY;INTERVAL=5;BYMINUTE=15",
        "DTSTART;TZID=Asia/Kolkata:20230101T073000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    ];
    for text in rules {
        let schedule = Schedule::parse(text, None).unwrap();
        let all: Vec<Timestamp> = schedule
            .occurrences()
            .take_while(|o| o.timestamp() < ts("2027-06-01T00:00:00Z"))
            .map(|o| o.timestamp())
            .collect();
        // Probe instants spread over the years, including exact occurrence instants.
        let mut probes: Vec<Timestamp> = (0..97)
            .map(|i| ts("2024-01-01T00:00:00Z") + SignedDuration::from_secs(i * 7 * 86_400 + i * 3_607))
            .collect();
        probes.extend(all.iter().rev().take(5).copied());
        for probe in probes {
            let walked = all.iter().copied().find(|t| *t > probe);
            let jumped = schedule.next_after(probe).map(|o| o.timestamp());
            if walked.is_some() {
                assert_eq!(jumped, walked, "{text} after {probe}");
            }
        }
    }
}

#[test]
fn hourly_rules_follow_real_time_through_both_dst_changes() {
    for zone in ["Europe/Berlin", "America/New_York", "Australia/Sydney"] {
        let text = format!("DTSTART;TZID={zone}:20260101T000000\nRRULE:FREQ=HOURLY");
        let schedule = Schedule::parse(&text, None).unwrap();
        let first = schedule.occurrences().next().unwrap().timestamp();
        for (i, o) in schedule.occurrences().take(24 * 366).enumerate() {
            assert_eq!(o.timestamp(), first + SignedDuration::from_hours(i as i64), "{zone} occurrence {i}");
        }
    }
}

#[test]
fn minutely_rules_do_not_repeat_or_reorder_around_the_autumn_change() {
    let text = "DTSTART;TZID=Europe/Berlin:20261025T013000\nRRULE:FREQ=MINUTELY;INTERVAL=10";
    let schedule = Schedule::parse(text, None).unwrap();
    let times: Vec<Timestamp> = schedule.occurrences().take(30).map(|o| o.timestamp()).collect();
    for pair in times.windows(2) {
        assert_eq!(pair[1].duration_since(pair[0]), SignedDuration::from_mins(10));
    }
}

#[test]
fn a_daily_check_at_a_time_that_does_not_exist_still_happens_that_day() {
    // America/Santiago skips local midnight on 2026-09-06.
    let text = "DTSTART;TZID=America/Santiago:20260901T000000\nRRULE:FREQ=DAILY;COUNT=10";
    let schedule = Schedule::parse(text, None).unwrap();
    let days: Vec<String> = schedule.occurrences().map(|o| o.at.date().to_string()).collect();
    assert_eq!(days.len(), 10);
    assert!(days.contains(&"2026-09-06".to_string()), "{days:?}");
}

#[test]
fn until_in_utc_and_excluded_dates_are_honoured() {
    let text = "DTSTART;TZID=Europe/Berlin:20260105T090000 RRULE:FREQ=DAILY;UNTIL=20260109T080000Z EXDATE;TZID=Europe/Berlin:20260107T090000";
    let schedule = Schedule::parse(text, None).unwrap();
    let days: Vec<String> = schedule.occurrences().map(|o| o.at.date().to_string()).collect();
    assert_eq!(days, ["2026-01-05", "2026-01-06", "2026-01-08", "2026-01-09"]);
}

#[test]
fn cron_is_converted_and_evaluated_in_the_zone() {
    let schedule = Schedule::from_cron("30 6 * * 1-5", "Europe/Berlin").unwrap();
    let after: Timestamp = "2026-03-27T04:00:00Z".parse().unwrap();
    let got: Vec<String> = schedule.upcoming(after, 3).into_iter().map(|o| o.at.to_string()).collect();
    assert_eq!(
        got,
        [
            "2026-03-27T06:30:00+01:00[Europe/Berlin]",
            "2026-03-30T06:30:00+02:00[Europe/Berlin]",
            "2026-03-31T06:30:00+02:00[Europe/Berlin]",
        ]
    );
    assert_eq!(schedule.cron(), Some("30 6 * * 1-5"));
    assert_eq!(
        Schedule::from_cron("30 6 * * 1-5", "Europe/Berlin").unwrap(),
        schedule,
        "the same expression converts the same way"
    );
}

#[test]
fn bad_rules_are_refused_with_a_reason() {
    let cases = [
        ("RRULE:FREQ=DAILY", "DTSTART"),
        ("DTSTART;TZID=Europe/Berlin:20260101T090000", "RRULE"),
        ("DTSTART;TZID=Mars/Olympus:20260101T090000\nRRULE:FREQ=DAILY", "time zone"),
        ("DTSTART;TZID=Europe/Berlin:2026-01-01\nRRULE:FREQ=DAILY", "date-time"),
        ("DTSTART;TZID=Europe/Berlin:20260101T090000\nRRULE:FREQ=SOMETIMES", "RRULE"),
        ("DTSTART;TZID=Europe/Berlin:20260101T090000\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never"),
        ("DTSTART:20260101T090000\nRRULE:FREQ=DAILY", "zone"),
    ];
    for (text, needle) in cases {
        let err = Schedule::parse(text, None).unwrap_err().to_string();
        assert!(err.contains(needle), "{text:?} gave {err:?}, expected mention of {needle:?}");
    }
}

#[test]
fn a_cadence_round_trips_through_json() {
    let schedule =
        Schedule::parse("DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=WEEKLY;BYDAY=MO", None).unwrap();
    for cadence in [Cadence::Schedule(Box::new(schedule)), Cadence::Event { name: "delivery".into() }, Cadence::Manual]
    {
        let json = serde_json::to_string(&cadence).unwrap();
        let back: Cadence = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cadence, "{json}");
    }
}
