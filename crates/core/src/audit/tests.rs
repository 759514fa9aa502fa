use super::*;
use serde_json::json;

fn chain(n: i64) -> Vec<StoredEvent> {
    let mut head = ChainHead::start(1);
    (0..n)
        .map(|i| {
            let raw = json!({"org": 1, "at": 1_000 + i, "kind": "opened", "task": i, "to_holder": 7,
                             "data": {"due_at": 5_000 + i, "note": "ünïcode"}});
            let mut event = ChainEvent::from_json(0, &raw).unwrap();
            let linked = head.append(&mut event);
            StoredEvent { id: 100 + i, event, prev_hash: linked.prev_hash, hash: linked.hash }
        })
        .collect()
}

fn verify(events: &[StoredEvent], head: Option<&ChainHead>) -> Result<ChainHead, Break> {
    let mut v = Verifier::default();
    for e in events {
        if !v.push(e) {
            break;
        }
    }
    v.finish(head)
}

fn head_of(events: &[StoredEvent]) -> ChainHead {
    let last = events.last().unwrap();
    ChainHead { org: 1, seq: last.event.seq, hash: last.hash.clone() }
}

#[test]
fn an_untouched_chain_verifies_to_its_head() {
    let events = chain(5);
    let head = head_of(&events);
    assert_eq!(events[0].prev_hash, GENESIS);
    assert_eq!(verify(&events, Some(&head)).unwrap(), head);
}

#[test]
fn an_edited_field_is_named_at_its_event() {
    let mut events = chain(5);
    let head = head_of(&events);
    events[2].event.to_holder = Some(8);
    assert_eq!(verify(&events, Some(&head)), Err(Break::Altered { id: 102, seq: 3 }));
    let mut events = chain(5);
    events[3].event.data["due_at"] = json!(9);
    assert_eq!(verify(&events, Some(&head)), Err(Break::Altered { id: 103, seq: 4 }));
}

#[test]
fn a_rehashed_edit_still_breaks_the_next_link() {
    let mut events = chain(5);
    let head = head_of(&events);
    events[1].event.kind = "completed".into();
    events[1].hash = events[1].event.hash(&events[1].prev_hash);
    assert_eq!(verify(&events, Some(&head)), Err(Break::Unlinked { id: 102, seq: 3 }));
}

#[test]
fn deleted_events_are_missing_positions_or_a_short_chain() {
    let mut events = chain(5);
    let head = head_of(&events);
    events.remove(2);
    assert_eq!(verify(&events, Some(&head)), Err(Break::Missing { from: 3, to: 3 }));
    let mut events = chain(5);
    events.pop();
    assert_eq!(verify(&events, Some(&head)), Err(Break::Truncated { last_seq: 4, head_seq: 5 }));
}

#[test]
fn swapped_positions_break_the_chain() {
    let mut events = chain(5);
    let head = head_of(&events);
    let (a, b) = (events[1].event.seq, events[2].event.seq);
    events[1].event.seq = b;
    events[2].event.seq = a;
    events.swap(1, 2);
    assert!(matches!(verify(&events, Some(&head)), Err(Break::Altered { .. })));
}

#[test]
fn key_order_and_number_spelling_do_not_change_a_hash() {
    let a = json!({"b": 1, "a": [1.5, {"y": null, "x": "s"}]});
    let b: Value = serde_json::from_str(r#"{ "a": [1.50, {"x": "s", "y": null}], "b": 1 }"#).unwrap();
    assert_eq!(canonical_json(&a), canonical_json(&b));
    assert_eq!(canonical_json(&a), r#"{"a":[1.5,{"x":"s","y":null}],"b":1}"#);
    assert_eq!(evidence_hash(&a), evidence_hash(&b));
}

#[test]
fn null_and_absent_fields_differ_from_empty_ones() {
    let mut a = ChainEvent::from_json(1, &json!({"org": 1, "at": 1, "kind": "x"})).unwrap();
    let plain = a.hash(GENESIS);
    a.from_state = Some(String::new());
    assert_ne!(a.hash(GENESIS), plain);
}

#[test]
fn a_row_outside_the_chain_is_reported() {
    let events = chain(3);
    let mut v = Verifier::default();
    for e in &events {
        v.push(e);
    }
    v.unchained(999);
    assert_eq!(v.finish(None), Err(Break::Unchained { id: 999 }));
}
