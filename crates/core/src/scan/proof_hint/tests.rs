//! Steps as SOPs write them, and the proofs `suggest_proofs` must read (or refuse to read)
//! in them, with the requirements those become.

use super::*;
use crate::proof::normalize;

fn kinds(step: &str) -> Vec<HintKind> {
    suggest_proofs(step).iter().map(|h| h.kind).collect()
}

fn assert_kinds(cases: &[(&str, &[HintKind])]) {
    for (step, expected) in cases {
        assert_eq!(kinds(step), *expected, "{step:?}: {:?}", suggest_proofs(step));
    }
}

/// The first reading a step suggests: (unit, min, max).
fn reading(step: &str) -> (Option<String>, Option<f64>, Option<f64>) {
    let hints = suggest_proofs(step);
    let hint = hints.iter().find(|h| h.kind == HintKind::Number);
    let hint = hint.unwrap_or_else(|| panic!("{step:?} suggests no reading: {hints:?}"));
    (hint.unit.clone(), hint.min, hint.max)
}

use HintKind::{Approval, File, Link, Number, Photo, Signature, Text};

#[test]
fn photo_cues() {
    assert_kinds(&[
        ("Take a photo of the fridge display", &[Photo]),
        ("Photograph the gauge before and after", &[Photo]),
        ("Take a picture of the label", &[Photo]),
        ("Snap the finished board", &[Photo]),
        ("Screenshot the dashboard", &[Photo]),
        ("Add a screen capture of the error", &[Photo]),
        ("Attach photos of the damage", &[Photo]),
    ]);
}

#[test]
fn file_cues() {
    assert_kinds(&[
        ("Attach the signed delivery note", &[File]),
        ("Upload the 8 resulting files", &[File]),
        ("Keep the receipt", &[File]),
        ("File the invoice", &[File]),
        ("Attach the calibration certificate", &[File]),
        ("Send production report with batch number", &[File]),
        ("Incident report attached to the record", &[File]),
        ("Export the audit trail", &[File]),
        ("Add the log file", &[File]),
        ("Save it as a PDF", &[File]),
        ("Keep a scan of the permit", &[File]),
        ("Use the Inventory.xlsx file", &[File]),
        ("GPG sign the 4 tarballs", &[File]),
    ]);
}

#[test]
fn file_phrases_say_which_type_to_accept() {
    let hints = suggest_proofs("Upload the certificate of analysis (PDF)");
    assert_eq!(hints[0].phrase, "Upload the certificate of analysis (PDF)");
    let rule = requirement(&hints[0], "coa").unwrap().rule;
    assert_eq!(rule, ProofRule::File { types: vec!["pdf".into()] });
    assert_eq!(suggest_proofs("Use the Inventory.xlsx file")[0].phrase, "Inventory.xlsx file");
}

#[test]
fn measuring_words_suggest_a_reading_with_what_is_measured() {
    let cases = [
        ("Record the temperature", Some("temperature")),
        ("Log the pH", Some("pH")),
        ("Check the pressure", Some("pressure")),
        ("Measure the offset", None),
        ("Take a meter reading", None),
        ("Read the thermometer", None),
        ("Weigh the flour", Some("weight")),
        ("Count the pallets", Some("count")),
        ("Record exact number of portions", Some("number of portions")),
        ("Check the chlorine level", Some("chlorine level")),
        ("Temperatures must be recorded twice a day", Some("temperature")),
        ("recorded core temperature prior to portioning,", Some("temperature")),
    ];
    for (step, label) in cases {
        let hints = suggest_proofs(step);
        assert_eq!(kinds(step), [Number], "{step:?}: {hints:?}");
        assert_eq!(hints[0].label.as_deref(), label, "{step:?}");
    }
}

#[test]
fn a_reading_and_its_range_are_one_hint_quoting_both() {
    let hints = suggest_proofs("Record the temperature (must be below 5 °C)");
    assert_eq!(hints.len(), 1, "{hints:?}");
    let hint = &hints[0];
    assert_eq!(hint.phrase, "Record the temperature (must be below 5 °C)");
    assert_eq!((hint.unit.as_deref(), hint.min, hint.max), (Some("°C"), None, Some(5.0)));
    assert_eq!(hint.label.as_deref(), Some("temperature"));
}

#[test]
fn upper_bounds() {
    for step in [
        "Fridge below 5 °C",
        "Fridge under 5°C",
        "Fridge less than 5 °C",
        "Fridge at most 5 °C",
        "Fridge no more than 5 °C",
        "Fridge max 5 °C",
        "Fridge max. 5 °C",
        "Fridge maximum of 5 °C",
        "Fridge ≤ 5 °C",
        "Fridge <= 5 °C",
        "Fridge < 5 °C",
        "Fridge 5 °C or below",
        "Fridge 5 °C max",
    ] {
        assert_eq!(reading(step), (Some("°C".into()), None, Some(5.0)), "{step:?}");
    }
}

#[test]
fn lower_bounds() {
    for step in [
        "Hot hold above 75 °C",
        "Hot hold over 75 °C",
        "Hot hold at least 75 °C",
        "Hot hold minimum 75 °C",
        "Hot hold ≥ 75 °C",
        "Hot hold >= 75 °C",
        "Hot hold 75 °C or above",
        "Hot hold not below 75 °C",
    ] {
        assert_eq!(reading(step), (Some("°C".into()), Some(75.0), None), "{step:?}");
    }
}

#[test]
fn two_sided_ranges() {
    for step in
        ["Fridge between 0 and 5 °C", "Fridge 0–5 °C", "Fridge 0-5°C", "Fridge 0 to 5 °C", "Fridge from 0 to 5 °C"]
    {
        assert_eq!(reading(step), (Some("°C".into()), Some(0.0), Some(5.0)), "{step:?}");
    }
    assert_eq!(reading("pH 6.5 to 8.5"), (Some("pH".into()), Some(6.5), Some(8.5)));
    assert_eq!(reading("Chlorine 5 ± 0.5 mg/L"), (Some("mg/L".into()), Some(4.5), Some(5.5)));
}

#[test]
fn fahrenheit_and_celsius_forms() {
    assert_eq!(reading("Cold hold at 41°F or below"), (Some("°F".into()), None, Some(41.0)));
    assert_eq!(reading("Hot hold at 63°C or above"), (Some("°C".into()), Some(63.0), None));
    assert_eq!(reading("Keep it under 40 degrees F"), (Some("°F".into()), None, Some(40.0)));
    assert_eq!(reading("Keep it under 4 degrees celsius"), (Some("°C".into()), None, Some(4.0)));
    assert_eq!(reading("Keep it under 4C"), (Some("°C".into()), None, Some(4.0)));
}

#[test]
fn negative_numbers_and_en_dashes() {
    // As written in a real kitchen SOP, with an en dash for the minus sign.
    assert_eq!(reading("Freezers: ≤ –12 °C"), (Some("°C".into()), None, Some(-12.0)));
    assert_eq!(reading("Freezer -22 to -18 °C"), (Some("°C".into()), Some(-22.0), Some(-18.0)));
    assert_eq!(reading("Fridges: 0–7 °C"), (Some("°C".into()), Some(0.0), Some(7.0)));
}

#[test]
fn units() {
    let cases = [
        ("Humidity at most 75%", "%"),
        ("Chlorine at least 50 ppm", "ppm"),
        ("Bag under 25 kg", "kg"),
        ("Portion at least 150 g", "g"),
        ("Fill to at least 2 l", "L"),
        ("Dose no more than 10 ml", "mL"),
        ("Tyres at least 2.2 bar", "bar"),
        ("Line under 30 psi", "psi"),
        ("Free chlorine below 4 mg/L", "mg/L"),
        ("Cool for at least 15 minutes", "minutes"),
        ("Hold under 4 °C", "°C"),
    ];
    for (step, unit) in cases {
        assert_eq!(reading(step).0.as_deref(), Some(unit), "{step:?}");
    }
}

#[test]
fn decimal_commas_and_thousands() {
    assert_eq!(reading("Dose at most 7,5 ml"), (Some("mL".into()), None, Some(7.5)));
    assert_eq!(reading("Tank under 1,000 l"), (Some("L".into()), None, Some(1000.0)));
    assert_eq!(reading("Gap at most .01 mm"), (Some("mm".into()), None, Some(0.01)));
}

#[test]
fn a_bound_without_a_unit_counts_only_where_something_is_measured() {
    assert_eq!(reading("Record the pressure; it must be above 2"), (None, Some(2.0), None));
    assert!(suggest_proofs("Triage no more than 3 alerts at once").is_empty());
}

#[test]
fn a_named_value_gives_the_reading_its_unit() {
    let hint = &suggest_proofs("Cook to a core temperature of 75 °C")[0];
    assert_eq!((hint.kind, hint.unit.as_deref(), hint.min), (Number, Some("°C"), None));
    assert_eq!(hint.phrase, "temperature of 75 °C");
}

#[test]
fn each_range_in_a_step_is_its_own_reading() {
    let hints = suggest_proofs("Check fridges (0–5 °C) and freezers (≤ -18 °C)");
    let ranges: Vec<_> = hints.iter().map(|h| (h.min, h.max)).collect();
    assert_eq!(ranges, [(Some(0.0), Some(5.0)), (None, Some(-18.0))]);
    let hints = suggest_proofs("Record the fridge temperature and humidity (below 60%)");
    let labels: Vec<_> = hints.iter().map(|h| (h.label.as_deref(), h.max)).collect();
    assert_eq!(labels, [(Some("temperature"), None), (Some("humidity"), Some(60.0))]);
}

#[test]
fn approval_cues() {
    assert_kinds(&[
        ("Manager signs off the checklist", &[Approval]),
        ("Sign-off by the shift lead", &[Approval]),
        ("Must be approved by QA", &[Approval]),
        ("Get approval from the site manager", &[Approval]),
        ("Supervisor verifies the labels", &[Approval]),
        ("Reviewed and approved by the head chef", &[Approval]),
        ("A second person checks the dose", &[Approval]),
        ("Countersign the log", &[Approval]),
        ("Checked by a colleague", &[Approval]),
        ("Any change must be requested and approved by the Kitchen Manager", &[Approval]),
    ]);
    assert_eq!(suggest_proofs("Sign-off by the shift lead")[0].phrase, "Sign-off by the shift lead");
}

#[test]
fn signature_cues() {
    assert_kinds(&[
        ("Sign the log", &[Signature]),
        ("Initial the log", &[Signature]),
        ("Write your initials on the label", &[Signature]),
        ("Confirm the door is locked", &[Signature]),
        ("Acknowledge the safety briefing", &[Signature]),
        ("Attest that the area is clear", &[Signature]),
        ("Verify and sign the checklist", &[Signature]),
        ("Sign off the checklist", &[Signature]),
        ("Don't forget to sign the sheet", &[Signature]),
    ]);
}

#[test]
fn recording_that_work_was_done_is_a_signature_and_what_was_found_a_note() {
    assert_kinds(&[
        ("Record cleaning checks.", &[Signature]),
        ("Daily cleaning activities must be recorded in the Checks app.", &[Signature]),
        ("Ensure cleaning is completed and recorded.", &[Signature]),
        ("Any issue → record in the app + inform the Kitchen Manager.", &[Text]),
        ("Any issue must be recorded in the Storage and Cleaning Checks app.", &[Text]),
        ("Record in the app", &[Text]),
    ]);
}

#[test]
fn text_cues() {
    assert_kinds(&[
        ("Record the delivery driver's name", &[Text]),
        ("Note any damage", &[Text]),
        ("Make note of any that are expiring", &[Text]),
        ("Write down the batch code", &[Text]),
        ("Document the findings", &[Text]),
        ("Describe what went wrong", &[Text]),
        ("Log the delivery in the sheet", &[Text]),
        ("Keep a record of deliveries", &[Text]),
        ("Complete the tech support feedback form", &[Text]),
        ("Propose substitutions if needed and record them.", &[Text]),
    ]);
}

#[test]
fn link_cues() {
    assert_kinds(&[
        ("Link to the ticket in the log", &[Link]),
        ("Paste the URL of the dashboard", &[Link]),
        ("Add the ticket number", &[Link]),
        ("Open a ticket with the service desk", &[Link]),
        ("Submit a pull request to improve the docs", &[Link]),
        ("File a PR for the fix", &[Link]),
        ("Add the issue link", &[Link]),
    ]);
}

#[test]
fn strongest_first() {
    let step = "Take a photo of the probe, record the temperature, sign the sheet and get the manager to sign off";
    assert_eq!(kinds(step), [Approval, Number, Photo, Signature]);
    assert_eq!(kinds("Record core temperature (photo) before portioning."), [Number, Photo]);
}

#[test]
fn words_that_contain_or_resemble_sign_are_not_signatures() {
    for step in [
        "Sign in to the console",
        "Sign up for the training",
        "Check the signal strength",
        "Review the design",
        "Assign the task to a cook",
        "Check for signs of pests (insects, rodents).",
        "Any sign → tell the manager",
        "Warning signs include poor bed adhesion",
        "The initial attack vector",
        "Log in to Zendesk",
        "If you happen to be logged into the box you can try to",
    ] {
        assert_eq!(suggest_proofs(step), [], "{step:?}");
    }
}

#[test]
fn look_alikes_that_ask_for_no_proof() {
    for step in [
        "You can count on the team",
        "This counts towards the total",
        "Show your photo ID at the gate",
        "In the report, find the totals",
        "Read the monthly report",
        "Tick the log",
        "Use only approved suppliers",
        "Only written and approved recipes recorded in the system may be used.",
        "Leave food at room temperature unnecessarily",
        "Refill 70% ethanol bottles on each bench",
        "Leftovers (sealed & dated), max 48 hours",
        "For chemicals in 4C and -20C storage, the QR stickers won't adhere",
        "Release on 2024-05-22",
        "run ./maketgz 7.34.0 to build the release tarballs",
        "Snap the lid shut",
        "Review expiring TLS certificates",
        "Take security measures to protect the site",
        "Weigh up the options",
        "See additional reading",
        "Acknowledge the alert in PagerDuty",
        "Make sure any assigned tickets have been unassigned",
        "In case of fire, call the manager",
        "Inform the manager and check the fridge",
        "Read the team onboarding document",
        "Follow the documented process on the wiki",
        "How to create GitHub issues in our board",
    ] {
        assert_eq!(suggest_proofs(step), [], "{step:?}");
    }
    // Receiving goods is not a receipt to keep, and disks fixed to a server are not attachments.
    assert_eq!(kinds("Check the temperature on receipt of goods"), [Number]);
    let image = suggest_proofs("Take a disk image of any disks attached to the instances");
    assert_eq!(image.iter().map(|h| h.phrase.as_str()).collect::<Vec<_>>(), ["disk image"]);
}

#[test]
fn refused_or_waived_proof_is_not_suggested() {
    for step in
        ["Do not take photos of patients", "Never photograph the screen", "Approval is not required for minor changes"]
    {
        assert_eq!(suggest_proofs(step), [], "{step:?}");
    }
}

#[test]
fn words_in_a_web_address_are_not_cues() {
    assert_eq!(suggest_proofs("See https://example.com/upload/photo/approval.pdf for details"), []);
}

#[test]
fn nothing_verifiable_suggests_nothing() {
    assert_eq!(suggest_proofs(""), []);
    assert_eq!(suggest_proofs("Sweep & mop floors."), []);
    assert_eq!(suggest_proofs("Check for pests."), []);
}

#[test]
fn hints_become_requirements_that_normalize_cleanly() {
    let hints = suggest_proofs("Take a photo of the probe and record the temperature (0–5 °C), then sign the sheet");
    let mut reqs: Vec<ProofRequirement> = hints.iter().filter_map(|h| requirement(h, "")).collect();
    assert_eq!(normalize(&mut reqs), vec![]);
    let rules: Vec<&ProofRule> = reqs.iter().map(|r| &r.rule).collect();
    assert_eq!(
        rules,
        [
            &ProofRule::Number { unit: Some("°C".into()), min: Some(0.0), max: Some(5.0) },
            &ProofRule::Photo { min: 1, max_age: None },
            &ProofRule::Signature { attestation: None },
        ]
    );
    assert_eq!(reqs[0].label.as_deref(), Some("temperature"));
    assert_eq!(reqs[0].describe(), "Number (0 to 5 °C): temperature");
}

#[test]
fn requirement_keeps_the_key_and_approval_has_no_rule_yet() {
    let text = &suggest_proofs("Write down the batch code")[0];
    let req = requirement(text, "batch").unwrap();
    assert_eq!((req.key.as_str(), req.rule.clone()), ("batch", ProofRule::Text { min_length: 1 }));
    assert_eq!(requirement(&suggest_proofs("Paste the URL")[0], "url").unwrap().rule, ProofRule::Link);
    assert_eq!(requirement(&suggest_proofs("Manager signs off")[0], "ok"), None);
}

#[test]
fn hints_serialize_with_snake_case_kinds() {
    let json = serde_json::to_value(suggest_proofs("Fridge below 5 °C")).unwrap();
    let expected = serde_json::json!([
        {"kind": "number", "phrase": "below 5 °C", "unit": "°C", "min": null, "max": 5.0, "label": null}
    ]);
    assert_eq!(json, expected);
}

#[test]
fn a_long_run_of_glued_file_names_reads_in_linear_time() {
    // Each extension walked its whole run back to find where the name starts: 100 KB of
    // "pdf.pdf.…" took 10 s in release.
    let glued = format!("Send {}", "pdf.".repeat(2_000));
    let words = Words::new(&glued);
    let found = Found::new(&words);
    for i in 0..words.len() {
        if let Some((name, _)) = evidence::file(&found, i) {
            assert!(i - name <= 64, "the name of the extension at {i} reaches back to {name}");
        }
    }
    assert_eq!(kinds(&glued), [File]);
    let named = suggest_proofs("Send Inventory_2024-05-01_final_v2.xlsx");
    assert_eq!(named[0].phrase, "Inventory_2024-05-01_final_v2.xlsx");
}

#[test]
fn thousands_of_hints_are_told_apart_in_linear_time() {
    // Asking whether a sentence held a photo went through every hit, and each reading kept
    // was compared with all those kept before: 25,000 of each took 45 s in a debug build.
    let n = 25_000;
    let text = "a. b. ".repeat(n);
    let words = Words::new(&text);
    let mut found = Found::new(&words);
    for k in 0..n {
        found.add(Photo, 2 * k, 2 * k + 1);
        found.add(Number, 2 * k + 1, 2 * k + 2).min = Some(k as f64);
    }
    let started = std::time::Instant::now();
    assert!((0..n).all(|k| found.in_clause(Photo, 2 * k) && !found.in_clause(Photo, 2 * k + 1)));
    let hints = found.into_hints();
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
    assert_eq!(hints.len(), n + 1, "one photo, and each different reading");
    assert_eq!(hints.iter().filter(|h| h.kind == Number && h.min == Some(7.0)).count(), 1);
}

#[test]
fn a_reading_quotes_only_a_cue_within_reach() {
    // A cue could take a range any distance away in its sentence, so a sentence of cues then
    // ranges quoted most of itself for each reading: 400 KB took 9.6 s and 4.7 GB in release.
    let n = 2_000;
    let step = format!("{}{}", "measure ".repeat(n), (0..n).map(|i| format!("<{i}C ")).collect::<String>());
    let hints = suggest_proofs(&step);
    assert_eq!(hints.len(), n);
    let longest = hints.iter().map(|h| h.phrase.split_whitespace().count()).max().unwrap_or(0);
    assert!(longest <= 42, "a reading quotes {longest} words");
    let near = format!("Measure it {}then check it is below 5 °C", "and wait ".repeat(17));
    assert!(suggest_proofs(&near)[0].phrase.starts_with("Measure it"));
    let far = format!("Measure it {}then check it is below 5 °C", "and wait ".repeat(18));
    assert_eq!(suggest_proofs(&far)[0].phrase, "below 5 °C");
}
