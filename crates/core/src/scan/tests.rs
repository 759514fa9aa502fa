//! The scan measured on the real SOPs in the shared fixtures, against their hand labels.

use super::evaluate::{Label, evaluate};
use super::{Format, Scan, ScanError, scan};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/sops")
}

#[test]
fn the_labelled_sops_read_back_their_steps_cadence_and_owner() {
    let labels: Vec<Label> =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("labels.json")).unwrap()).unwrap();
    let mut scans: Vec<(Scan, &Label)> = Vec::new();
    for label in &labels {
        let text = std::fs::read_to_string(fixtures().join(&label.file)).unwrap();
        scans.push((scan(&text, Format::from_name(&label.file)).unwrap(), label));
    }
    let cases: Vec<(&Scan, &Label)> = scans.iter().map(|(s, l)| (s, *l)).collect();
    let e = evaluate(&cases);
    for (d, (scanned, _)) in e.per_document.iter().zip(&scans) {
        println!(
            "{}: steps {}/{} found {} cadence {} owner {}",
            d.file, d.steps_matched, d.steps_labelled, d.steps_found, d.cadence_ok, d.owner_ok
        );
        if !d.owner_ok {
            println!("    owner read: {:?}", scanned.draft.owner.as_ref().map(|o| &o.text));
        }
        d.missed.iter().for_each(|s| println!("    missed: {s}"));
        d.extra.iter().for_each(|s| println!("    extra:  {s}"));
    }
    println!(
        "steps precision {:.2} recall {:.2} F1 {:.2}; cadence {:.2}; owner {:.2}; weaknesses {:.2}",
        e.step_precision, e.step_recall, e.step_f1, e.cadence_accuracy, e.owner_accuracy, e.weakness_agreement
    );
    assert_eq!(e.documents, labels.len());
    // Floors a little under what the scan reaches today (step F1 0.91, cadence 0.92, owner
    // 1.00), so a change that makes it read worse fails here.
    assert!(e.step_f1 >= 0.89, "step F1 {:.2}", e.step_f1);
    assert!(e.cadence_accuracy >= 0.8, "cadence accuracy {:.2}", e.cadence_accuracy);
    assert!(e.owner_accuracy >= 0.9, "owner accuracy {:.2}", e.owner_accuracy);
}

#[test]
fn hostile_text_is_refused_plainly() {
    assert_eq!(scan("   \n", Format::Text), Err(ScanError::Empty));
    let junk: String = (0..2000u32).map(|i| char::from_u32(i % 32).unwrap_or('x')).collect();
    assert_eq!(scan(&junk, Format::Text), Err(ScanError::Binary));
    let huge = "- step\n".repeat(super::MAX_TEXT_BYTES / 7 + 1);
    assert!(matches!(scan(&huge, Format::Markdown), Err(ScanError::TooLarge { .. })));
    let deep = format!("{}x", "> - ".repeat(5000));
    assert!(scan(&deep, Format::Markdown).is_ok(), "deep nesting reads without overflowing the stack");
    // html5ever's time grows with the square of the nesting: 40,000 deep took 10 s.
    let nested = format!("{}<li>deep</li>", "<div><ul>".repeat(20_000));
    let started = std::time::Instant::now();
    assert!(matches!(scan(&nested, Format::Html), Err(ScanError::Unreadable(m)) if m.contains("nest more than")));
    assert!(started.elapsed().as_secs() < 2, "refused before parsing: {:?}", started.elapsed());
}

const CLOSING: &str = "# Closing checklist

Owner: Shift lead

Every weekday at 9pm, before leaving:

1. Record the fridge temperature (must be below 5 °C).
2. Take a photo of the locked back door.
3. Wipe the counters:
   - front counter
   - coffee station
4. Make sure everything is fine.
";

#[test]
fn a_pasted_sop_becomes_a_draft_that_validates_with_its_gaps_named() {
    use super::apply::{DraftFor, definition};
    use super::findings::FindingKind;
    use crate::process::Assignee;
    use crate::{Cadence, PersonId};

    let scanned = scan(CLOSING, Format::Markdown).unwrap();
    let d = &scanned.draft;
    assert_eq!(d.title, "Closing checklist");
    assert_eq!(d.owner.as_ref().map(|o| (o.text.as_str(), o.line)), Some(("Shift lead", 3)));
    let titles: Vec<&str> = d.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert_eq!(d.steps[2].items, ["front counter", "coffee station"]);
    let kinds: Vec<FindingKind> = scanned.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::VagueStep), "{kinds:?}");
    assert!(kinds.contains(&FindingKind::NoEscalation), "{kinds:?}");
    assert!(!kinds.contains(&FindingKind::NoOwner) && !kinds.contains(&FindingKind::NoCadence), "{kinds:?}");
    let vague = scanned.findings.iter().find(|f| f.kind == FindingKind::VagueStep).unwrap();
    assert_eq!(vague.line, Some(12), "findings point at the text");
    assert!(scanned.score < 100 && scanned.score >= 50, "{}", scanned.score);
    assert_eq!(scanned.score, scanned.score_parts.iter().map(|p| p.earned).sum::<u32>());

    let target = DraftFor {
        owner: PersonId(7),
        assignee: Assignee::Person(PersonId(8)),
        zone: "Europe/Berlin".into(),
        starts: jiff::civil::date(2026, 12, 1),
    };
    let mut def = definition(&scanned, &target);
    assert_eq!(def.normalize(), vec![], "the draft is a valid process the editor can open");
    match &def.cadence {
        Cadence::Schedule(s) => {
            let text = s.to_ical();
            assert!(text.contains("TZID=Europe/Berlin:20261201T210000"), "{text}");
            assert!(text.contains("BYDAY=MO,TU,WE,TH,FR"), "{text}");
        }
        other => panic!("expected a schedule, got {other:?}"),
    }
    let kinds: Vec<Vec<&str>> = def.steps.iter().map(|s| s.proof.iter().map(|p| p.rule.kind()).collect()).collect();
    assert_eq!(kinds[0], ["number"]);
    assert_eq!(kinds[1], ["photo"]);
    assert_eq!(kinds[2], ["checklist"], "sub-steps are ticked until a person picks better proof");
    assert_eq!(kinds[3], ["text"]);
}

/// A .docx holding `body` as its document.xml, as Word would zip it.
fn docx(body: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    out.start_file("word/document.xml", options).unwrap();
    out.write_all(body.as_bytes()).unwrap();
    out.finish().unwrap().into_inner()
}

fn paragraph(style: Option<&str>, level: Option<u8>, text: &str) -> String {
    let style = style.map(|s| format!("<w:pStyle w:val=\"{s}\"/>")).unwrap_or_default();
    let list =
        level.map(|l| format!("<w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"1\"/></w:numPr>")).unwrap_or_default();
    format!("<w:p><w:pPr>{style}{list}</w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

#[test]
fn a_word_document_reads_like_its_markdown() {
    use super::scan_bytes;
    let body = [
        paragraph(Some("Title"), None, "Closing checklist"),
        paragraph(None, None, "Owner: Shift lead"),
        paragraph(None, None, "Every weekday at 9pm:"),
        paragraph(Some("ListParagraph"), Some(0), "Record the fridge temperature (must be below 5 &#176;C)."),
        paragraph(Some("ListParagraph"), Some(0), "Take a photo of the locked back door &amp; the gate."),
        paragraph(Some("ListParagraph"), Some(0), "Wipe the counters:"),
        paragraph(Some("ListParagraph"), Some(1), "front counter"),
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Who</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>".to_string(),
    ]
    .concat();
    let xml = format!("<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"><w:body>{body}</w:body></w:document>");
    let bytes = docx(&xml);
    let from_word = scan_bytes(&bytes, Format::Docx).unwrap();
    // The web app shows a Word file as Markdown to correct and save: it reads the same.
    let shown = super::docx::read_docx(&bytes).unwrap().to_markdown();
    assert!(shown.starts_with("# Closing checklist\n\nOwner: Shift lead\n"), "{shown}");
    let again = scan(&shown, Format::Markdown).unwrap();
    let outline = |s: &Scan| s.draft.steps.iter().map(|s| (s.title.clone(), s.items.clone())).collect::<Vec<_>>();
    assert_eq!(outline(&again), outline(&from_word));
    let from_text = scan(CLOSING, Format::Markdown).unwrap();
    assert_eq!(from_word.draft.title, "Closing checklist");
    assert_eq!(from_word.draft.owner.as_ref().map(|o| o.text.as_str()), Some("Shift lead"));
    let titles: Vec<&str> = from_word.draft.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles[1], "Take a photo of the locked back door & the gate.");
    assert_eq!(from_word.draft.steps[2].items, ["front counter"]);
    assert_eq!(from_word.draft.cadences[0].cadence, from_text.draft.cadences[0].cadence);
    let proofs = |s: &Scan| s.draft.steps.iter().map(|s| s.proofs.first().map(|p| p.kind)).collect::<Vec<_>>();
    assert_eq!(proofs(&from_word)[..3], proofs(&from_text)[..3]);
}

#[test]
fn hostile_word_files_end_in_a_plain_error() {
    use super::scan_bytes;
    // 17 MB of one repeated character compresses to a few kilobytes: a zip bomb in small.
    let bomb = docx(&format!(
        "<w:document><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>",
        "a".repeat(17 << 20)
    ));
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let refused = scan_bytes(&bomb, Format::Docx).unwrap_err();
    assert!(refused.to_string().contains("more than 16 MB"), "{refused}");
    for junk in [&b"not a zip at all"[..], b"PK\x03\x04garbage", b""] {
        assert!(matches!(scan_bytes(junk, Format::Docx), Err(ScanError::Unreadable(_))));
    }
    let unclosed = docx("<w:document><w:body><w:p><w:r><w:t>Check the door");
    // Cut off mid-paragraph: read as far as it goes or refused, but never a panic.
    let _ = scan_bytes(&unclosed, Format::Docx);
    assert_eq!(scan_bytes(&docx("<w:document/>"), Format::Docx), Err(ScanError::Empty));
    assert!(matches!(scan_bytes(&bomb, Format::Markdown), Err(ScanError::Unreadable(_))), "a zip is not text");
}

#[test]
fn a_word_file_holding_more_text_than_may_be_pasted_is_refused() {
    use super::docx::read_docx;
    use super::{MAX_TEXT_BYTES, scan_bytes};
    // Its body may unpack to 16 MB, and its words were read whatever their length: 15 MB
    // of text in small paragraphs went on to the scan, which pasted text may not do.
    let words = |bytes: usize| {
        let para = paragraph(None, None, &"Wipe the counter. ".repeat(50));
        let body = para.repeat(bytes / 900 + 1);
        docx(&format!("<w:document><w:body>{body}</w:body></w:document>"))
    };
    match scan_bytes(&words(MAX_TEXT_BYTES + 10_000), Format::Docx) {
        Err(ScanError::TooLarge { bytes, limit }) => assert!(bytes > limit && limit == MAX_TEXT_BYTES, "{bytes}"),
        other => panic!("expected TooLarge, got {:?}", other.map(|s| s.draft.steps.len())),
    }
    assert!(read_docx(&words(MAX_TEXT_BYTES - 10_000)).is_ok());
}

#[test]
fn what_an_sop_implies_when_it_does_not_say_it() {
    use super::cadence::GuessedCadence;
    let onboarding = "# Onboarding checklist\n\nThe checklist is led by the office manager.\n\n1. Create the email account.\n2. Hand over the keys.\n";
    let s = scan(onboarding, Format::Markdown).unwrap();
    assert_eq!(s.draft.cadences[0].cadence, GuessedCadence::Event { trigger: "new team member joins".into() });
    assert_eq!(s.draft.cadences[0].line, 1, "read from the title");
    assert_eq!(s.draft.owner.as_ref().map(|o| o.text.as_str()), Some("the office manager"));

    let incident = "# Incident response\n\nWe involve an Incident Commander who will delegate the tasks.\n\n1. Stop the attack.\n2. Assemble the team.\n";
    let s = scan(incident, Format::Markdown).unwrap();
    assert_eq!(s.draft.owner.as_ref().map(|o| o.text.as_str()), Some("Incident Commander"));
    assert_eq!(s.draft.cadences[0].cadence, GuessedCadence::Event { trigger: "incident".into() });

    let stated = "# Onboarding checklist\n\nOwner: HR\n\nEvery Monday:\n\n1. Create the email account.\n";
    let s = scan(stated, Format::Markdown).unwrap();
    let rules: Vec<&GuessedCadence> = s.draft.cadences.iter().map(|c| &c.cadence).collect();
    assert_eq!(rules, [&GuessedCadence::Schedule { rule: "FREQ=WEEKLY;BYDAY=MO".into() }], "what the text says wins");
}

#[test]
fn letters_that_change_length_in_lower_case_do_not_break_owner_reading() {
    // 'İ' lowercases to three bytes and the Kelvin sign to one: offsets found in a
    // lowercased copy must not be used on the original.
    for text in [
        format!("{} is responsible.", "İ".repeat(20)),
        "KK é is responsible.".to_string(),
        format!("{} led by é", "İ".repeat(10)),
        format!("{} who leads", "İ".repeat(30)),
        format!("{} done by é", "İ".repeat(12)),
    ] {
        let sop = format!("{text}\n\n1. Check the door.\n");
        assert!(scan(&sop, Format::Markdown).is_ok(), "{text}");
    }
    let turkish = scan("İŞLER tarafından, led by Ayşe Yılmaz.\n\n1. Check the door.\n", Format::Markdown).unwrap();
    assert_eq!(turkish.draft.owner.map(|o| o.text), Some("Ayşe Yılmaz".to_string()));
}

fn titles(s: &Scan) -> Vec<&str> {
    s.draft.steps.iter().map(|s| s.title.as_str()).collect()
}

#[test]
fn numbered_steps_count_whatever_verb_opens_them() {
    let runbook = "# Failover\n\n1. Failover DB cluster\n2. Repoint the app servers\n3. Snapshot volumes\n";
    let s = scan(runbook, Format::Markdown).unwrap();
    assert_eq!(titles(&s), ["Failover DB cluster", "Repoint the app servers", "Snapshot volumes"]);
    // Bullets of nouns list criteria; but a list is never read as nothing at all.
    let packing = "# Packing\n\n- Passport\n- Charger\n";
    assert_eq!(titles(&scan(packing, Format::Markdown).unwrap()), ["Passport", "Charger"]);
    let labels = "# Purpose\n\n- Safety:\n- Hygiene:\n";
    assert_eq!(titles(&scan(labels, Format::Markdown).unwrap()), ["Safety", "Hygiene"]);
}

#[test]
fn an_instruction_ending_in_a_colon_is_a_step_with_its_checklist() {
    let nested = "# Failover\n\n- Promote the replica:\n  - run pg_ctl promote\n  - check the lag\n- Update DNS\n";
    let s = scan(nested, Format::Markdown).unwrap();
    assert_eq!(titles(&s), ["Promote the replica", "Update DNS"]);
    assert_eq!(s.draft.steps[0].items, ["run pg_ctl promote", "check the lag"]);
    let lead_in = "# Opening\n\nCheck the following:\n\n- fridge\n- freezer\n";
    let s = scan(lead_in, Format::Markdown).unwrap();
    assert_eq!(titles(&s), ["Check the following"]);
    assert_eq!(s.draft.steps[0].items, ["fridge", "freezer"]);
    // A lead-in before items that are steps themselves only introduces them.
    let intro = "# Opening\n\nDo the following:\n\n- Unlock the door\n- Check the fridge\n";
    assert_eq!(titles(&scan(intro, Format::Markdown).unwrap()), ["Unlock the door", "Check the fridge"]);
}

#[test]
fn paragraphs_in_one_table_cell_stay_apart() {
    let html = "<table><tr><th>Step</th><th>How</th></tr>\
                <tr><td><p>Wipe the rods</p><p>Dry them</p></td><td>Paper towel<br>No cleaner</td></tr></table>";
    let doc = super::html::read_html(html);
    assert_eq!(doc.blocks[1].cells, ["Wipe the rods Dry them", "Paper towel No cleaner"]);
    let cell = "<w:tc><w:p><w:r><w:t>Wipe the rods</w:t></w:r></w:p><w:p><w:r><w:t>Dry them</w:t></w:r></w:p></w:tc>";
    let xml = format!("<w:document><w:body><w:tbl><w:tr>{cell}</w:tr></w:tbl></w:body></w:document>");
    let doc = super::docx::read_docx(&docx(&xml)).unwrap();
    assert_eq!(doc.blocks[0].cells, ["Wipe the rods Dry them"]);
}

#[test]
fn a_list_pasted_from_word_or_a_pdf_drafts_its_steps() {
    let pasted = "Closing checklist\n\nOwner: Shift lead\n\n\u{f0b7}\tRecord the fridge temperature\n\
                  \u{f0b7}\tWipe the counters:\no\tfront counter\no\tcoffee station\n\
                  \u{f0b7}\tLock the back door and take a photo of it\n";
    let s = scan(pasted, Format::Text).unwrap();
    assert_eq!(
        titles(&s),
        ["Record the fridge temperature", "Wipe the counters", "Lock the back door and take a photo of it"]
    );
    assert_eq!(s.draft.steps[1].items, ["front counter", "coffee station"]);
}

#[test]
fn the_format_of_pasted_words_is_guessed_from_their_markup() {
    assert_eq!(Format::guess("<!DOCTYPE html><html><body><p>Hi</p></body></html>"), Format::Html);
    assert_eq!(Format::guess("<p>Owner: Ana</p>\n<ol><li>Mop</li></ol>"), Format::Html);
    for markdown in ["# Closing\n\nMop.", "- Mop\n- Dry", "1. Mop", "**Owner:** Ana", "| a | b |\n|---|---|\n"] {
        assert_eq!(Format::guess(markdown), Format::Markdown, "{markdown}");
    }
    for text in ["Closing\n\n1) Mop\n2) Dry", "Step 1: Mop\nStep 2: Dry", "• Mop\n• Dry", "Signed: ______ Date: ______"]
    {
        assert_eq!(Format::guess(text), Format::Text, "{text}");
    }
}

#[test]
fn text_pasted_as_markdown_reads_as_plain_text_would() {
    let pasted = "CLOSING CHECKLIST\n\nOwner: Shift lead\n\n1) Record the fridge temperature\nStep 2: Wipe the counters\n\
                  • Take a photo of the locked back door\n";
    let as_markdown = scan(pasted, Format::Markdown).unwrap();
    let as_text = scan(pasted, Format::Text).unwrap();
    assert_eq!(as_markdown.draft, as_text.draft);
    assert_eq!(titles(&as_markdown).len(), 3, "{:?}", titles(&as_markdown));
    // In a document that does use Markdown, such lines are still a list.
    let mixed = "# Closing\n\nSteps:\n• Wipe the counters\n• Mop the floor\nStep 3: Lock the door\n";
    assert_eq!(
        titles(&scan(mixed, Format::Markdown).unwrap()),
        ["Wipe the counters", "Mop the floor", "Lock the door"]
    );
}

#[test]
fn tables_of_facts_and_raci_tables_are_no_steps_and_steps_keep_their_order() {
    let sop = "# Closing\n\n| Owner | Shift lead |\n|---|---|\n| Frequency | Daily |\n\n\
               | Task | Cook | Manager |\n|---|---|---|\n| Count the till | A | R |\n\n\
               | Step | Check |\n|---|---|\n| Wipe the counters | clean and dry |\n\n1. Lock the door\n";
    let s = scan(sop, Format::Markdown).unwrap();
    assert_eq!(titles(&s), ["Wipe the counters", "Lock the door"]);
    assert_eq!(s.draft.owner.map(|o| o.text).as_deref(), Some("Shift lead"));
}

#[test]
fn a_step_only_signed_off_counts_as_unchecked_as_it_is_drafted() {
    use super::apply::{DraftFor, definition};
    use super::findings::FindingKind;
    use super::proof_hint::HintKind;
    use crate::PersonId;
    use crate::process::Assignee;

    let s = scan("# Count\n\n1. Manager signs off the count\n", Format::Markdown).unwrap();
    assert_eq!(s.draft.steps[0].proofs.first().map(|p| p.kind), Some(HintKind::Approval));
    let target = DraftFor {
        owner: PersonId(1),
        assignee: Assignee::Person(PersonId(1)),
        zone: "UTC".into(),
        starts: jiff::civil::date(2026, 1, 1),
    };
    let drafted = definition(&s, &target);
    assert_eq!(drafted.steps[0].proof.iter().map(|p| p.rule.kind()).collect::<Vec<_>>(), ["text"]);
    let unchecked = s.findings.iter().find(|f| f.kind == FindingKind::UnverifiableStep);
    assert!(unchecked.is_some_and(|f| f.message.contains("sign-off")), "{:?}", s.findings);
    let proof = s.score_parts.iter().find(|p| p.part == "proof").unwrap();
    assert_eq!(proof.earned, 0, "{proof:?}");
}

#[test]
fn headings_that_only_name_the_steps_optional_lists_and_page_details_are_no_steps() {
    let runbook = "# Maintenance\n\n## Daily maintenance checklist\n\nThese run every day.\n\n## Review the alerts\n\nIn Grafana.\n\n\
                   ## Renew expiring certificates\n\nSee the dashboard.\n\n## Patch the servers\n\nOne at a time.\n\n\
                   ## Page information\n\n- Last modified on 2024-01-02\n";
    let s = scan(runbook, Format::Markdown).unwrap();
    assert_eq!(titles(&s), ["Review the alerts", "Renew expiring certificates", "Patch the servers"]);
    let shift = "# Shift\n\n- Check the pager works\n- Read the handover notes\n\nOptional:\n\n- Add the rota to your calendar\n";
    assert_eq!(titles(&scan(shift, Format::Markdown).unwrap()), ["Check the pager works", "Read the handover notes"]);
}

#[test]
fn step_numbers_written_into_titles_or_tables_are_left_to_the_order() {
    let headed = "# New supplier\n\n## Step 1: Collect the supplier details\n\nTax form.\n\n\
                  ## Step 2: Enter the supplier in the ERP\n\nVendors screen.\n\n## Step 3: Pay the first invoice\n\nBy transfer.\n";
    let s = scan(headed, Format::Markdown).unwrap();
    assert_eq!(titles(&s), ["Collect the supplier details", "Enter the supplier in the ERP", "Pay the first invoice"]);
    let table = "<h1>Deploy</h1><table><tr><th>Step</th><th>Action</th><th>Expected result</th></tr>\
                 <tr><td>1</td><td>Merge the release branch</td><td>CI is green</td></tr>\
                 <tr><td>2</td><td>Smoke test the site</td><td>Home page loads</td></tr></table>";
    assert_eq!(titles(&scan(table, Format::Html).unwrap()), ["Merge the release branch", "Smoke test the site"]);
    let lettered = "Bar closing\n\nA. Clean the taps\nB. Restock the fridges\n\nTask 3 - Count the till\n";
    assert_eq!(
        titles(&scan(lettered, Format::Text).unwrap()),
        ["Clean the taps", "Restock the fridges", "Count the till"]
    );
}

#[test]
fn a_document_without_headings_is_titled_by_its_first_line() {
    let s = scan("Close the bar, every night\nOwner: Bar manager\n\n- Clean the taps\n", Format::Markdown).unwrap();
    assert_eq!(s.draft.title, "Close the bar, every night");
}

#[test]
fn steps_are_found_in_numbered_headings_and_in_text_with_no_list_at_all() {
    let exported = "<h1>Open the store</h1><h3>Step 1</h3><p>Turn on the lights. Then the music.</p>\
                    <h3>Step 2</h3><p>Count the float in the till.</p>";
    assert_eq!(titles(&scan(exported, Format::Html).unwrap()), ["Turn on the lights.", "Count the float in the till."]);
    let email = "Cleaning rota\n\nMonday: mop the floors\nTuesday: clean the windows\nThe kettle is new.\n";
    let s = scan(email, Format::Text).unwrap();
    assert_eq!(titles(&s), ["Monday: mop the floors", "Tuesday: clean the windows"]);
    assert_eq!(s.draft.steps[1].line, 4);
}

#[test]
fn a_long_heading_is_read_once_not_copied_into_every_step() {
    // The headings above each block were copied for every block, lowercased again for every
    // list, and given whole to every step as its section: this SOP took 32 s in a debug
    // build, and memory square in the heading's length.
    let heading = format!("## Daily {}\n\n", "wipe down ".repeat(6_000));
    let sop = format!("# Closing\n\n{heading}{}", "- Check the door\n\nNote.\n\n".repeat(3_000));
    let started = std::time::Instant::now();
    let scanned = scan(&sop, Format::Markdown).unwrap();
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
    assert_eq!(scanned.draft.steps.len(), 3_000);
    let section = scanned.draft.steps[0].section.as_deref().unwrap_or_default();
    assert!(section.starts_with("Daily wipe down wipe down") && section.ends_with('…'), "{section}");
    assert!(section.chars().count() <= 120, "{}", section.chars().count());
    let short = scan("# Closing\n\n## Daily tasks\n\n- Check the door\n", Format::Markdown).unwrap();
    assert_eq!(short.draft.steps[0].section.as_deref(), Some("Daily tasks"));
}
