//! The export's read: runs of one process in a period, earliest first, within the
//! organization only.

use super::{Cast, Processes, mins};
use crate::*;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, p: &Processes) {
    let r = p.first_run;
    let runs = store.runs_between(cast.acme, p.opening, r - mins(60), r + mins(60), 10).await.unwrap();
    assert_eq!(runs.iter().map(|run| run.scheduled_for).collect::<Vec<_>>(), [r], "the first run, once");
    assert!(
        store.runs_between(cast.acme, p.opening, r - mins(60), r, 10).await.unwrap().is_empty(),
        "`to` is excluded"
    );
    assert!(store.runs_between(cast.globex, p.opening, r - mins(60), r + mins(60), 10).await.unwrap().is_empty());
    let wide = store.runs_between(cast.acme, p.opening, r - mins(60), r + mins(60 * 24 * 400), 1).await.unwrap();
    assert_eq!(wide.len(), 1, "the limit holds");
}
