//! Phrases as SOPs write them, and what `find_cadences` must read (or refuse to read) in them:
//! the helpers and what holds for schedules and events alike; each kind has its own file.

use super::{CadenceGuess, GuessedCadence, find_cadences};

mod events;
mod schedules;
mod several;

fn rule(rule: &str) -> GuessedCadence {
    GuessedCadence::Schedule { rule: rule.to_string() }
}

fn event(trigger: &str) -> GuessedCadence {
    GuessedCadence::Event { trigger: trigger.to_string() }
}

/// Each text holds exactly one cadence, read from exactly `phrase`.
fn assert_reads(cases: &[(&str, &str, GuessedCadence)]) {
    for (text, phrase, cadence) in cases {
        assert!(text.contains(phrase), "{phrase:?} is not in {text:?}");
        let expected = CadenceGuess { phrase: phrase.to_string(), cadence: cadence.clone() };
        assert_eq!(find_cadences(text), vec![expected], "{text:?}");
    }
}

fn assert_nothing(texts: &[&str]) {
    for text in texts {
        assert_eq!(find_cadences(text), vec![], "{text:?}");
    }
}

#[test]
fn several_in_one_text_come_in_order() {
    let text = "Daily, weekly and monthly cleaning must be recorded. Daily cleaning is done after each shift.";
    let found = find_cadences(text);
    let found: Vec<(&str, &GuessedCadence)> = found.iter().map(|g| (g.phrase.as_str(), &g.cadence)).collect();
    assert_eq!(
        found,
        vec![
            ("Daily", &rule("FREQ=DAILY")),
            ("weekly", &rule("FREQ=WEEKLY")),
            ("monthly", &rule("FREQ=MONTHLY")),
            ("Daily", &rule("FREQ=DAILY")),
            ("after each shift", &event("end of shift")),
        ]
    );
}

#[test]
fn vague_words_dates_and_durations_are_not_cadences() {
    assert_nothing(&[
        "as needed",
        "Calibrate on request.",
        "whenever possible",
        "upon completion of the audit",
        "Send it today.",
        "Monday 5 January",
        "Meet on Monday to agree the plan",
        "Give a week's notice.",
        "within 60 days of joining the team",
        "3 days after the release",
        "within 5 working days",
        "at 10:00 UTC",
        "be online at 9am",
        "a 5-day week",
        "Every so often the calibration drifts",
        "Examine the weld minutely",
        "Once you are confident, continue.",
        "rotate keys on every other system",
        "the first 10 calendar days after a release",
        "inform the next shift",
        "Wash hands before & after cleaning.",
        "before the shift manager arrives, wait",
        "Alerts should only be raised when they're needed",
        "every 0 days",
        "See https://example.org/docs/daily-maintenance for more",
    ]);
}

#[test]
fn when_the_document_itself_is_reviewed_is_not_a_cadence() {
    assert_nothing(&[
        "This SOP is reviewed annually.",
        "review this document every year",
        "Last updated monthly",
        "This procedure will be reviewed by the quality manager every two years.",
        "Our policies are reviewed and updated annually",
        "Review date: annually",
        "Last reviewed: yearly",
        "SOP review: every 2 years",
        "| Review this checklist | Every 6 months |",
    ]);
    assert_reads(&[
        // Work that is itself a review, or the document's upkeep beside the work.
        ("Review the temperature logs weekly.", "weekly", rule("FREQ=WEEKLY")),
        ("Weekly review: check the alerts", "Weekly", rule("FREQ=WEEKLY")),
        ("The stock list is updated daily", "daily", rule("FREQ=DAILY")),
        ("Clean the fridge weekly and review this SOP annually.", "weekly", rule("FREQ=WEEKLY")),
        ("Review this SOP annually, then clean the fridge weekly.", "weekly", rule("FREQ=WEEKLY")),
        ("Review frequency: weekly", "weekly", rule("FREQ=WEEKLY")),
        ("Chair the weekly SOP review meeting", "weekly", rule("FREQ=WEEKLY")),
    ]);
}

#[test]
fn markup_does_not_hide_or_invent_a_cadence() {
    assert_reads(&[
        ("**Weekly** tasks", "Weekly", rule("FREQ=WEEKLY")),
        ("<li>Clean the hood <b>monthly</b></li>", "monthly", rule("FREQ=MONTHLY")),
        ("<style>.daily { color: red }</style><p>every week</p>", "every week", rule("FREQ=WEEKLY")),
    ]);
    assert_reads(&[("Keep it <5 C <b>daily</b>", "daily", rule("FREQ=DAILY"))]);
    assert_reads(&[("<style> unclosed, then weekly", "weekly", rule("FREQ=WEEKLY"))]);
    // A phrase does not run across a list item or a sentence.
    assert_nothing(&["- every\n- week", "Do it every. Day two"]);
}

#[test]
fn text_full_of_script_tags_reads_in_linear_time() {
    // Each "<script" searched a lowercased copy of the rest of the text for its end: 1 MB
    // took 77 s in release.
    let unclosed = format!("{}weekly", "<script ".repeat(20_000));
    let closed = format!("{}weekly", "<SCRIPT>x</script>".repeat(8_000));
    let unfinished = format!("{}</script x weekly", "<style <script ".repeat(8_000));
    let started = std::time::Instant::now();
    for text in [&unclosed, &closed, &unfinished] {
        let found = find_cadences(text);
        assert_eq!(found.iter().map(|g| g.phrase.as_str()).collect::<Vec<_>>(), ["weekly"]);
    }
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
    assert_reads(&[("<script>daily</script> <style>x</style><b>weekly</b>", "weekly", rule("FREQ=WEEKLY"))]);
}

#[test]
fn guesses_serialize_with_a_kind_tag() {
    let json = serde_json::to_value(find_cadences("after each delivery")).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!([{"phrase": "after each delivery", "cadence": {"kind": "event", "trigger": "delivery"}}])
    );
}
