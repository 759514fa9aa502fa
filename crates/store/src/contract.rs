//! The contract every backend must pass: [`story`] walks through every method of the
//! storage ports in one long scenario and asserts what a Proofline user would notice;
//! the `concurrent_*` cases race two writers on the same rows. Each expects a fresh, empty
//! database and fixed instants, never the wall clock.
//!
//! A backend runs them from its own tests, e.g.
//! `proofline_store::contract::story(&store).await`.

mod accounts;
mod activity;
mod audit;
mod claims;
mod completion;
mod decisions;
mod deliveries;
mod directory;
mod export;
mod fairness;
mod history;
mod notices;
mod processes;
mod races;
mod reminders;
mod reopen;
mod retention;
mod settings;
mod work;

pub use claims::{concurrent_claims_move_each_task_once, held_claims_are_disjoint};
pub use fairness::a_backlog_for_one_destination_leaves_room_for_the_others;
pub use races::{
    concurrent_claims_never_share_a_delivery, concurrent_completion_and_escalation,
    concurrent_completions_close_the_run, concurrent_redeems_use_a_link_once,
};

use crate::{EventRecord, Result, Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use proofline_core::process::ProcessDefinition;
use proofline_core::{OrgId, PersonId, ProcessId, RoleId, SystemId};
use serde_json::json;
use std::fmt::Debug;

/// One long scenario through every trait method: directory and sign-in, processes, the
/// work loop (materialize, open, escalate, complete) of a bakery's opening checklist, then
/// what people hear of it: notices, reminders, work sent back, settings and deliveries;
/// then managers' decisions on open work; last, a week of history as pattern detection
/// reads it, and the patterns it keeps.
pub async fn story(store: &dyn Store) {
    assert!(!store.backend().is_empty(), "a backend names itself for logs and /readyz");
    let cast = directory::chapter(store).await;
    accounts::chapter(store, &cast).await;
    let processes = processes::chapter(store, &cast).await;
    let work = work::chapter(store, &cast, &processes).await;
    notices::chapter(store, &cast, &processes, &work).await;
    activity::chapter(store, &cast, &processes).await;
    let endpoint = settings::chapter(store, &cast).await;
    let closing = reminders::chapter(store, &cast, &processes).await;
    reopen::chapter(store, &cast, &processes, &work, &closing).await;
    deliveries::chapter(store, &cast, &work, endpoint).await;
    // After deliveries, which expects to route every notice written before it.
    decisions::chapter(store, &cast, &processes).await;
    // Last: it moves the detection mark past everything the story logged.
    history::chapter(store, &cast).await;
    export::chapter(store, &cast, &processes).await;
    retention::chapter(store, &cast).await;
    audit::chapter(store).await;
}

/// The organizations and people the story is about.
struct Cast {
    acme: OrgId,
    globex: OrgId,
    /// Acme's owner.
    ana: PersonId,
    /// Manager of Cleo and Dan.
    ben: PersonId,
    cleo: PersonId,
    /// Globex's owner: everything of Acme is out of his reach.
    gus: PersonId,
    /// Acme's "Shift lead" role: Cleo, Dan, Ben in turn.
    shift: RoleId,
    /// The system the opening checklist belongs to.
    kitchen: SystemId,
}

/// The processes the work chapter runs.
struct Processes {
    /// Acme's daily opening checklist, at version 2, first due at [`Processes::first_run`].
    opening: ProcessId,
    /// Acme's closing checklist, only ever started by hand.
    closing: ProcessId,
    first_run: Timestamp,
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("the story's instants are valid")
}

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// A two-step opening checklist: a fridge reading by the shift lead, then the front door
/// by one person once the reading is done; missed work climbs manager, role, owner.
fn definition(name: &str, owner: PersonId, role: RoleId, person: PersonId) -> ProcessDefinition {
    let mut definition: ProcessDefinition = serde_json::from_value(json!({
        "name": name,
        "description": "Before the doors open.",
        "owner": owner,
        "cadence": {"kind": "schedule", "rule": "DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=DAILY"},
        "steps": [
            {"title": "Fridge temperature", "assignee": {"role": role}, "due_after": "1h",
             "proof": [{"kind": "number", "unit": "°C", "min": 0, "max": 5}, {"kind": "photo", "max_age": "15m"}]},
            {"title": "Unlock front door", "assignee": {"person": person}, "due_after": "90m", "depends_on": [0],
             "sop": "Use the **blue** key.", "proof": [{"kind": "signature", "attestation": "The alarm is off"}]}
        ],
        "escalation": [
            {"to": "manager", "window": "30m"},
            {"to": {"role": role}, "window": "30m"},
            {"to": "owner", "window": "1h"}
        ]
    }))
    .expect("the story's definition parses");
    assert_eq!(definition.normalize(), vec![], "the story's definition is valid");
    definition
}

#[track_caller]
fn not_found<T: Debug>(result: Result<T>, what: &str) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

#[track_caller]
fn conflict<T: Debug>(result: Result<T>, what: &str) {
    match result {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("{what}: expected Conflict, got {other:?}"),
    }
}

fn kinds(events: &[EventRecord]) -> Vec<&str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}
