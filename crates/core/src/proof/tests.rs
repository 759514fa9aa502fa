use super::*;

fn reqs(json: Value) -> Vec<ProofRequirement> {
    let mut reqs: Vec<ProofRequirement> = serde_json::from_value(json).unwrap();
    assert_eq!(normalize(&mut reqs), vec![]);
    reqs
}

fn now() -> Timestamp {
    "2026-06-01T08:00:00Z".parse().unwrap()
}

fn photo(sha: &str, content_type: &str) -> StoredFile {
    StoredFile {
        sha256: sha.into(),
        content_type: content_type.into(),
        size: 10,
        name: Some("p.jpg".into()),
        ..StoredFile::default()
    }
}

fn evidence(values: Value) -> Evidence {
    Evidence { values: values.as_object().unwrap().clone(), files: BTreeMap::new() }
}

fn fridge() -> Vec<ProofRequirement> {
    reqs(json!([
        {"kind": "number", "label": "Fridge temperature", "unit": "°C", "min": 0, "max": 5},
        {"kind": "photo"},
    ]))
}

#[test]
fn keys_default_to_the_kind_and_count_up() {
    let r = reqs(json!([{"kind": "number"}, {"kind": "number"}, {"kind": "photo"}, {"kind": "text", "key": "note"}]));
    let keys: Vec<&str> = r.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["number", "number_2", "photo", "note"]);
}

#[test]
fn a_reading_in_range_with_a_photo_is_done_without_exceptions() {
    let mut ev = evidence(json!({"number": 3.5}));
    ev.files.insert("photo".into(), vec![photo("ab", "image/jpeg")]);
    let accepted = check(&fridge(), &ev, now()).unwrap();
    assert!(accepted.exceptions.is_empty());
    assert_eq!(accepted.record["number"], json!(3.5));
}

#[test]
fn a_reading_out_of_range_is_accepted_but_raises_an_exception() {
    let mut ev = evidence(json!({"number": "7,5"}));
    ev.files.insert("photo".into(), vec![photo("ab", "image/png")]);
    let accepted = check(&fridge(), &ev, now()).unwrap();
    assert_eq!(accepted.exceptions.len(), 1);
    assert!(accepted.exceptions[0].message.contains("7.5 °C is above the maximum 5 °C"), "{:?}", accepted.exceptions);
}

#[test]
fn missing_proof_names_every_requirement_that_failed() {
    let problems = check(&fridge(), &evidence(json!({})), now()).unwrap_err();
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["number", "photo"]);
    assert!(problems[0].message.contains("Fridge temperature"));
}

#[test]
fn a_file_that_is_not_an_image_does_not_count_as_a_photo() {
    let mut ev = evidence(json!({"number": 2}));
    ev.files.insert("photo".into(), vec![photo("ab", "application/pdf")]);
    let problems = check(&fridge(), &ev, now()).unwrap_err();
    assert!(problems[0].message.contains("not an image"), "{problems:?}");
}

#[test]
fn checklists_need_every_item_ticked_in_any_of_the_accepted_shapes() {
    let r = reqs(json!([{"kind": "checklist", "items": ["Lights on", "Till counted"]}]));
    assert!(check(&r, &evidence(json!({"checklist": ["Lights on", "Till counted"]})), now()).is_ok());
    assert!(check(&r, &evidence(json!({"checklist": [true, true]})), now()).is_ok());
    assert!(check(&r, &evidence(json!({"checklist": {"Lights on": true, "Till counted": true}})), now()).is_ok());
    let problems = check(&r, &evidence(json!({"checklist": [true, false]})), now()).unwrap_err();
    assert!(problems[0].message.contains("not ticked: Till counted"));
}

#[test]
fn text_signature_and_link_are_checked() {
    let r = reqs(json!([{"kind": "text", "min_length": 10}, {"kind": "signature"}, {"kind": "link"}]));
    let good = json!({"text": "All pallets wrapped", "signature": {"name": "Ana", "attest": true}, "link": "https://tickets.example/42"});
    assert!(check(&r, &evidence(good), now()).is_ok());
    let bad = json!({"text": "ok", "signature": {"name": "Ana"}, "link": "tickets/42"});
    assert_eq!(check(&r, &evidence(bad), now()).unwrap_err().len(), 3);
}

#[test]
fn unknown_keys_and_values_for_file_requirements_are_refused() {
    let problems =
        check(&fridge(), &evidence(json!({"number": 1, "photo": "me.jpg", "tempreature": 3})), now()).unwrap_err();
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["tempreature", "photo"]);
}

#[test]
fn file_types_accept_media_types_extensions_and_wildcards() {
    let r = reqs(json!([{"kind": "file", "types": ["pdf", "image/*"]}]));
    for (content_type, ok) in [("application/pdf", true), ("image/png", true), ("application/zip", false)] {
        let mut ev = Evidence::default();
        ev.files.insert("file".into(), vec![photo("cd", content_type)]);
        assert_eq!(check(&r, &ev, now()).is_ok(), ok, "{content_type}");
    }
}

#[test]
fn old_photos_are_refused_when_a_maximum_age_is_set() {
    let r = reqs(json!([{"kind": "photo", "max_age": "1h"}]));
    let mut old = photo("ab", "image/jpeg");
    old.captured_at = Some("2026-06-01T06:00:00Z".parse().unwrap());
    let mut ev = Evidence::default();
    ev.files.insert("photo".into(), vec![old]);
    assert!(check(&r, &ev, now()).is_err());
}

#[test]
fn requirements_that_cannot_be_met_are_refused_when_defined() {
    let mut r: Vec<ProofRequirement> =
        serde_json::from_value(json!([{"kind": "number", "min": 5, "max": 1}, {"kind": "checklist", "items": []}, {"kind": "photo", "key": "number"}])).unwrap();
    let problems = normalize(&mut r);
    assert_eq!(problems.len(), 3, "{problems:?}");
}

#[test]
fn a_failed_checklist_item_is_an_answer_that_raises_an_exception() {
    let mut reqs: Vec<ProofRequirement> =
        serde_json::from_value(json!([{"kind": "checklist", "items": ["Seal intact", "Labels on"]}])).unwrap();
    normalize(&mut reqs);
    let now: Timestamp = "2026-01-05T08:00:00Z".parse().unwrap();
    let answer = |v: Value| check(&reqs, &evidence(json!({ "checklist": v })), now);
    let accepted = answer(json!({"Seal intact": "failed", "Labels on": true})).unwrap();
    assert_eq!(accepted.record["checklist"], json!({"done": ["Labels on"], "failed": ["Seal intact"]}));
    assert_eq!(accepted.exceptions[0].message, "checklist: failed: Seal intact");
    let listed = answer(json!({"done": ["Labels on"], "failed": ["Seal intact"]})).unwrap();
    assert_eq!(listed.record, accepted.record);
    assert!(answer(json!({"Seal intact": "failed"})).unwrap_err()[0].message.contains("not ticked: Labels on"));
    assert_eq!(answer(json!(["Seal intact", "Labels on"])).unwrap().exceptions, vec![]);
}
