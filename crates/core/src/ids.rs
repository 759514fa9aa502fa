//! Typed identifiers, so a person's id can never be passed where a task's is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(OrgId, PersonId, RoleId, SystemId, ProcessId, RunId, TaskId, EventId, SubmissionId, TokenId);
