//! The story's activity chapter: what digests count from the event log of the work loop.
//! Cleo missed the fridge reading (it moved to Ben, who did it and approved her door);
//! Ben missed the closing task (unresolved, Ana did it).

use super::{Cast, Processes, mins};
use crate::*;
use jiff::SignedDuration;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, p: &Processes) {
    let Cast { acme, globex, ana, ben, cleo, gus, .. } = *cast;
    let r = p.first_run;
    let day = r + SignedDuration::from_hours(24);
    let activity =
        |org, person, since, until| async move { store.person_activity(org, person, since, until).await.unwrap() };
    assert_eq!(
        activity(acme, cleo, r, day).await,
        PersonActivity { completed: 1, missed: 1, moved_to: 0 },
        "Cleo's approved signature is her completion; her missed reading is counted"
    );
    assert_eq!(
        activity(acme, ben, r, day).await,
        PersonActivity { completed: 1, missed: 1, moved_to: 1 },
        "approving someone's work is not doing it"
    );
    assert_eq!(
        activity(acme, ana, r, day).await,
        PersonActivity { completed: 1, missed: 0, moved_to: 0 },
        "unresolved work landing with the owner is not a move to her"
    );
    assert_eq!(
        activity(acme, ben, r, r + mins(70)).await,
        PersonActivity { completed: 0, missed: 0, moved_to: 1 },
        "the end of the window is excluded"
    );
    assert_eq!(
        activity(acme, ben, r + mins(70), r + mins(71)).await,
        PersonActivity { completed: 1, ..Default::default() }
    );
    assert_eq!(activity(globex, ben, r, day).await, PersonActivity::default(), "counted within the organization only");
    assert_eq!(activity(globex, gus, r, day).await, PersonActivity::default());

    let mut expected = vec![
        ProcessActivity { process: p.opening, completed: 2, moved: 1, unresolved: 0 },
        ProcessActivity { process: p.closing, completed: 1, moved: 0, unresolved: 1 },
    ];
    expected.sort_by_key(|a| a.process);
    assert_eq!(store.process_activity(acme, r, day).await.unwrap(), expected, "by process id");
    assert_eq!(
        store.process_activity(acme, r, r + mins(62)).await.unwrap(),
        [ProcessActivity { process: p.opening, completed: 0, moved: 1, unresolved: 0 }],
        "only processes with activity in the window"
    );
    assert_eq!(store.process_activity(acme, day, day + mins(60)).await.unwrap(), []);
    assert_eq!(store.process_activity(globex, r, day).await.unwrap(), []);
}
