//! An SOP that states several cadences: one schedule said twice is kept once, in its fullest
//! words; different schedules stay apart, and the draft runs on the one the SOP is named for.

use super::{event, rule};
use crate::cadence::Cadence;
use crate::scan::apply::{DraftFor, definition};
use crate::scan::cadence::{GuessedCadence, gather, preferred, refines};
use crate::scan::findings::FindingKind;
use crate::scan::{Format, Scan, scan};
use crate::{PersonId, process::Assignee};

fn read(sop: &str) -> Scan {
    scan(sop, Format::Markdown).unwrap()
}

fn rules(s: &Scan) -> Vec<(&str, &GuessedCadence)> {
    s.draft.cadences.iter().map(|c| (c.phrase.as_str(), &c.cadence)).collect()
}

/// The RRULE (or trigger) the draft process runs on.
fn runs_on(s: &Scan) -> String {
    let target = DraftFor {
        owner: PersonId(1),
        assignee: Assignee::Person(PersonId(1)),
        zone: "Europe/London".into(),
        starts: jiff::civil::date(2026, 3, 2),
    };
    match definition(s, &target).cadence {
        Cadence::Schedule(s) => s.to_ical().lines().find_map(|l| l.strip_prefix("RRULE:")).unwrap_or("").to_string(),
        Cadence::Event { name } => format!("event: {name}"),
        other => format!("{other:?}"),
    }
}

fn scope_too_big(s: &Scan) -> Vec<&str> {
    s.findings.iter().filter(|f| f.kind == FindingKind::ScopeTooBig).map(|f| f.message.as_str()).collect()
}

#[test]
fn a_phrase_that_pins_down_a_general_one_refines_it() {
    let weekly = rule("FREQ=WEEKLY");
    let friday = rule("FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0");
    assert!(refines(&friday, &weekly) && !refines(&weekly, &friday));
    assert!(refines(&weekly, &weekly));
    for (specific, general) in [
        ("FREQ=MONTHLY;BYMONTHDAY=1", "FREQ=MONTHLY"),
        ("FREQ=DAILY;BYHOUR=7;BYMINUTE=0", "FREQ=DAILY"),
        ("FREQ=YEARLY;BYMONTH=3", "FREQ=YEARLY"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", "FREQ=MONTHLY;INTERVAL=3"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0", "FREQ=WEEKLY;BYDAY=MO"),
    ] {
        assert!(refines(&rule(specific), &rule(general)), "{specific} refines {general}");
    }
    // Another period, another day or another time is another schedule.
    for (other, general) in [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "FREQ=WEEKLY"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=DAILY"),
        ("FREQ=MONTHLY;INTERVAL=3", "FREQ=MONTHLY"),
        ("FREQ=WEEKLY;BYDAY=TH", "FREQ=WEEKLY;BYDAY=MO"),
        ("FREQ=DAILY;BYHOUR=17;BYMINUTE=0", "FREQ=DAILY;BYHOUR=7;BYMINUTE=0"),
    ] {
        assert!(!refines(&rule(other), &rule(general)), "{other} is not {general}");
    }
    assert!(refines(&event("delivery"), &event("delivery")) && !refines(&event("delivery"), &weekly));
}

#[test]
fn gathering_keeps_each_schedule_once_where_it_was_first_said() {
    let mut all = Vec::new();
    for (phrase, cadence) in [
        ("Weekly", rule("FREQ=WEEKLY")),
        ("after each delivery", event("delivery")),
        ("every Friday", rule("FREQ=WEEKLY;BYDAY=FR")),
        ("every Friday at 4pm", rule("FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0")),
        ("weekly", rule("FREQ=WEEKLY")),
        ("every Monday", rule("FREQ=WEEKLY;BYDAY=MO")),
        ("after every delivery", event("delivery")),
    ] {
        gather(&mut all, (phrase, cadence), |(_, c)| c);
    }
    let phrases: Vec<&str> = all.iter().map(|(p, _)| *p).collect();
    assert_eq!(phrases, ["every Friday at 4pm", "after each delivery", "every Monday"]);
}

#[test]
fn a_title_and_the_body_that_pins_it_down_are_one_cadence() {
    let s = read(
        "# Weekly cleaning\n\nOwner: Site lead\n\nEvery Friday at 4pm:\n\n1. Mop the floor.\n2. Empty the bins.\n",
    );
    let friday = rule("FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0");
    assert_eq!(rules(&s), [("Every Friday at 4pm", &friday)]);
    assert_eq!(s.draft.cadences[0].line, 5, "the line of the words the rule was read from");
    assert_eq!(runs_on(&s), "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0");
    assert_eq!(scope_too_big(&s), Vec::<&str>::new(), "one schedule, said twice");

    let s = read("# Monthly stock take\n\nCount the stock monthly on the 1st.\n\n1. Count the freezer.\n");
    assert_eq!(runs_on(&s), "FREQ=MONTHLY;BYMONTHDAY=1");
    let s = read("# Daily checks\n\nDone every day at 7am.\n\n1. Read the fridge thermometer.\n");
    assert_eq!(runs_on(&s), "FREQ=DAILY;BYHOUR=7;BYMINUTE=0");
}

#[test]
fn the_draft_runs_on_the_schedule_the_sop_is_named_for_and_names_the_others() {
    let s = read("# Daily opening checklist\n\nOn Mondays, also descale the coffee machine.\n\n1. Unlock the door.\n");
    assert_eq!(s.draft.cadences.len(), 2);
    assert_eq!(runs_on(&s), "FREQ=DAILY", "the title names the main schedule, however specific the others");
    let found = scope_too_big(&s);
    assert!(found.iter().any(|m| m.contains("2 different cadences")), "{found:?}");

    // Named by no title, the schedule that says more wins over the one said first.
    let s = read("# Kitchen\n\nClean the hood daily.\n\nEvery weekday at 7am:\n\n1. Wipe the hood.\n");
    assert_eq!(runs_on(&s), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0");
    // Saying as much, the one said first.
    let s = read("# Kitchen\n\nAfter each delivery, check the seals. Clean the hood weekly.\n\n1. Wipe the hood.\n");
    assert_eq!(runs_on(&s), "event: delivery");
}

#[test]
fn preference_orders_every_cadence_it_is_given() {
    let found = [rule("FREQ=DAILY"), rule("FREQ=WEEKLY;BYDAY=MO"), event("delivery"), rule("FREQ=MONTHLY")];
    assert_eq!(preferred("Lab tasks", &found), [1, 0, 2, 3]);
    assert_eq!(preferred("Monthly lab tasks", &found), [3, 1, 0, 2]);
    assert_eq!(preferred("", []), Vec::<usize>::new());
}

#[test]
fn the_sops_own_review_cycle_is_not_what_it_runs_on() {
    let s = read("# Fridge checks\n\nThis SOP is reviewed annually.\n\n1. Read the thermometer.\n");
    assert_eq!(rules(&s), []);
    assert!(s.findings.iter().any(|f| f.kind == FindingKind::NoCadence));
    let s = read("# Fridge checks\n\nReview date: annually\n\nEvery morning:\n\n1. Read the thermometer.\n");
    assert_eq!(rules(&s), [("Every morning", &rule("FREQ=DAILY"))]);
    assert_eq!(scope_too_big(&s), Vec::<&str>::new());
}

#[test]
fn a_text_of_nothing_but_cadences_keeps_a_few_and_reads_quickly() {
    use crate::scan::cadence::choose::MAX_CADENCES;
    let phrases: String = (1..4000).map(|n| format!("Every {} days at {}:00. ", n % 900 + 1, n % 24)).collect();
    let started = std::time::Instant::now();
    let s = read(&format!("# Many\n\n{phrases}\n\n1. Mop.\n"));
    assert_eq!(s.draft.cadences.len(), MAX_CADENCES);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}
