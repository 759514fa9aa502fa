//! The story's second chapter: processes, their immutable versions and status.

use super::{Cast, Processes, at, conflict, definition, not_found};
use crate::{ProcessRecord, Store, VersionRecord};
use jiff::SignedDuration;
use proofline_core::ProcessId;
use proofline_core::process::ProcessStatus;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast) -> Processes {
    let Cast { acme, globex, ana, cleo, gus, shift, .. } = *cast;
    let t0 = at("2026-01-05T06:00:00Z");
    let t1 = at("2026-01-05T07:00:00Z");
    let t2 = at("2026-01-05T08:00:00Z");
    // 07:00 in Berlin, the first occurrence the engine would schedule after activation.
    let first_run = at("2026-01-06T06:00:00Z");

    let mut v1 = definition("Opening checklist", ana, shift, cleo);
    v1.system = Some(cast.kitchen);
    let opening = store.create_process(acme, "opening", ProcessStatus::Draft, &v1, None, t0).await.unwrap();
    conflict(
        store.create_process(acme, "opening", ProcessStatus::Draft, &v1, None, t0).await,
        "a process key already taken",
    );
    // Globex's paused process is long overdue: it must never be due, nor wake the engine.
    let theirs_definition = definition("Globex opening", gus, shift, gus);
    let theirs = store
        .create_process(
            globex,
            "opening",
            ProcessStatus::Paused,
            &theirs_definition,
            Some(at("2026-01-01T00:00:00Z")),
            t0,
        )
        .await
        .expect("a key is unique per organization only");

    assert_eq!(
        store.get_process(acme, opening).await.unwrap(),
        ProcessRecord {
            id: opening,
            org: acme,
            key: "opening".into(),
            status: ProcessStatus::Draft,
            version: 1,
            definition: v1.clone(),
            next_run_at: None,
            updated_at: t0,
        },
        "a new process is version 1 and its definition round-trips"
    );
    not_found(store.get_process(globex, opening).await, "a process of another organization");
    let by_key =
        |org, key: &'static str| async move { store.find_process_by_key(org, key).await.unwrap().map(|p| p.id) };
    assert_eq!(by_key(acme, "opening").await, Some(opening));
    assert_eq!(by_key(globex, "opening").await, Some(theirs));
    assert_eq!(by_key(acme, "closing").await, None);

    // A new version becomes current; the first stays readable for runs that used it.
    let mut v2 = v1.clone();
    v2.name = "Opening checklist (winter)".into();
    v2.steps[0].sop = "Check both fridges.".into();
    let version = store.save_version(acme, opening, &v2, Some(first_run), t1).await.unwrap();
    assert_eq!(version, 2);
    let current = store.get_process(acme, opening).await.unwrap();
    assert_eq!(
        (current.version, &current.definition, current.next_run_at, current.updated_at, current.status),
        (2, &v2, Some(first_run), t1, ProcessStatus::Draft),
        "saving a version keeps the status"
    );
    assert_eq!(
        store.list_versions(acme, opening).await.unwrap(),
        [
            VersionRecord { version: 1, definition: v1.clone(), created_at: t0 },
            VersionRecord { version: 2, definition: v2.clone(), created_at: t1 },
        ]
    );
    not_found(
        store.save_version(globex, opening, &v2, None, t1).await,
        "saving a version of another organization's process",
    );
    not_found(store.list_versions(globex, opening).await, "versions of another organization's process");
    let definitions = store.get_definitions(&[(opening, 1), (opening, 2), (theirs, 1), (opening, 3)]).await.unwrap();
    assert_eq!(definitions.len(), 3, "definitions are read across organizations; unknown versions are left out");
    assert_eq!(definitions[&(opening, 1)], v1);
    assert_eq!(definitions[&(opening, 2)], v2);
    assert_eq!(definitions[&(theirs, 1)], theirs_definition);
    assert!(store.get_definitions(&[]).await.unwrap().is_empty());

    store.set_status(acme, opening, ProcessStatus::Active, Some(first_run), t2).await.unwrap();
    let active = store.get_process(acme, opening).await.unwrap();
    assert_eq!(
        (active.status, active.next_run_at, active.updated_at, active.version),
        (ProcessStatus::Active, Some(first_run), t2, 2)
    );
    not_found(
        store.set_status(globex, opening, ProcessStatus::Paused, None, t2).await,
        "pausing another organization's process",
    );

    let closing_definition = definition("Closing checklist", ana, shift, cleo);
    let closing = store
        .create_process(
            acme,
            "closing",
            ProcessStatus::Active,
            &closing_definition,
            Some(first_run + SignedDuration::from_hours(12)),
            t0,
        )
        .await
        .unwrap();
    let keys = |org| async move {
        store
            .list_processes(org)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.key, p.id))
            .collect::<Vec<(String, ProcessId)>>()
    };
    assert_eq!(
        keys(acme).await,
        [("closing".to_string(), closing), ("opening".to_string(), opening)],
        "processes are listed by key"
    );
    assert_eq!(keys(globex).await, [("opening".to_string(), theirs)]);

    Processes { opening, closing, first_run }
}
