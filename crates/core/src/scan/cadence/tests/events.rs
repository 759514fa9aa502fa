//! Events: shifts, deliveries and the conditions an SOP runs on, read into triggers.

use super::{assert_nothing, assert_reads, event};

#[test]
fn events() {
    assert_reads(&[
        ("Count the till at close.", "at close", event("close")),
        ("Mop at closing", "at closing", event("close")),
        ("Check the fridge at opening", "at opening", event("opening")),
        ("Before opening, check the fridge", "Before opening", event("opening")),
        ("Fill the ice bin before opening time.", "before opening time", event("opening")),
        ("Mop the floor after closing", "after closing", event("close")),
        ("Cash up after close.", "after close", event("close")),
        ("Do not skip pest checks at end of shift.", "end of shift", event("end of shift")),
        ("at the end of each shift", "end of each shift", event("end of shift")),
        ("at the start of each shift", "start of each shift", event("start of shift")),
        ("Sign in at the start of every shift", "start of every shift", event("start of shift")),
        ("at the beginning of AM and PM shifts", "beginning of AM and PM shifts", event("start of shift")),
        ("Cleaning is done after each shift, AM and PM.", "after each shift", event("end of shift")),
        ("After your shift:", "After your shift", event("end of shift")),
        ("when starting an on-call shift", "when starting an on-call shift", event("start of shift")),
        ("Inspect after each delivery.", "after each delivery", event("delivery")),
        ("after every delivery", "after every delivery", event("delivery")),
        ("| Rods | Before every print | Wipe |", "Before every print", event("print")),
        ("the first step before each print is to wipe", "before each print", event("print")),
        ("Check the harness before each use", "before each use", event("use")),
        ("when a new team member joins", "when a new team member joins", event("new team member joins")),
        ("When a chemical gets \"empty\", dispose of it", "When a chemical gets \"empty", event("chemical gets empty")),
        ("Date the box upon receipt of goods", "upon receipt", event("receipt")),
        ("Check the seals on delivery.", "on delivery", event("delivery")),
        ("On delivery check the seals", "On delivery", event("delivery")),
        ("Probe chilled goods on receipt of delivery", "on receipt", event("receipt")),
        ("Sign upon the arrival of goods", "upon the arrival", event("arrival")),
        ("Label bottles upon opening.", "upon opening", event("opening")),
        ("whenever a delivery arrives", "whenever a delivery arrives", event("delivery arrives")),
        ("each time the door is opened, log it", "each time the door is opened", event("door is opened")),
    ]);
}

#[test]
fn conditions_an_sop_runs_on() {
    assert_reads(&[
        (
            "Checklist of actions for responding to a security incident at PagerDuty.",
            "responding to a security incident",
            event("security incident"),
        ),
        (
            "Steps to take in response to a security incident",
            "in response to a security incident",
            event("security incident"),
        ),
        ("When responding to a data breach, log the time", "When responding to a data breach", event("data breach")),
        (
            "In the event of a power failure, start the generator",
            "In the event of a power failure",
            event("power failure"),
        ),
        ("In case of fire, leave by the back stairs", "In case of fire", event("fire")),
        ("in case of fire call the fire brigade", "in case of fire", event("fire")),
        ("In case of loss of power, stop the line", "In case of loss of power", event("loss of power")),
        (
            "If you suspect a security incident, trigger the process",
            "If you suspect a security incident",
            event("security incident"),
        ),
        (
            "If you suspect a third-party provider is compromised, rotate your keys",
            "If you suspect a third-party provider is compromised",
            event("third-party provider is compromised"),
        ),
        ("If you suspect food poisoning, tell the manager", "If you suspect food poisoning", event("food poisoning")),
        ("When paged, acknowledge within 5 minutes", "When paged", event("page")),
        ("Acknowledge when you are paged", "when you are paged", event("page")),
        ("If you're phoned by somebody in government", "If you're phoned", event("phone call")),
        ("Answer any page or phone call within 15 minutes", "page or phone call", event("page")),
        ("Inform the manager when stock is running low.", "when stock is running low", event("stock running low")),
        ("Reorder whenever the milk runs out", "whenever the milk runs out", event("milk running out")),
        (
            "When the printer runs out of filament, replace the spool",
            "When the printer runs out of filament",
            event("filament running out"),
        ),
    ]);
}

#[test]
fn work_done_once_per_happening() {
    assert_reads(&[
        ("Take a sample from each production run", "each production run", event("production run")),
        ("Send a report for each production run.", "for each production run", event("production run")),
        ("Two samples per production run", "per production run", event("production run")),
        ("Check the scales every shift", "every shift", event("shift")),
        ("Each shift, count the till", "Each shift", event("shift")),
        ("Clean the probe for every batch", "for every batch", event("batch")),
    ]);
}

#[test]
fn everyday_advice_in_the_same_words_is_not_an_event() {
    assert_nothing(&[
        "In case of doubt, ask the supervisor.",
        "in case of any questions, email us",
        "In case of confusion, see the manual",
        "In case of emergency call 999",
        "in the event of a problem",
        "in response to this, we changed the form",
        "in response to your request",
        "If you suspect anything, tell us",
        "if you suspect that a colleague is unwell",
        "If you suspect a service application was an attack vector, disable it",
        "or if you suspect the error happens outside of the VM",
        "Set a hard limit in case of infinitely recurring rules.",
        "each becomes one delivery per channel",
        "## Responding to being contacted",
        "responding to customers is part of the job",
        "Page an Incident Commander if not already done so.",
        "Separate utensils must be used for each dietary pot.",
        "Record requested portions per customer, date and dietary category.",
        "Print the label for each batch number",
        "Details for each of these items are in the next section.",
        "check that the version in use for each deployment is current",
        "when the stock count is done",
        "you don't need to fix every issue on your own",
    ]);
}

#[test]
fn where_to_write_and_what_to_open_are_not_events() {
    assert_nothing(&[
        "Record the temperature on the delivery note.",
        "write it on the delivery sheet",
        "Staple it on delivery sheet 2",
        "Upon the delivery note, write the batch",
        "Wear gloves before opening the bottle",
        "Wipe the rim after closing the lid",
    ]);
}
