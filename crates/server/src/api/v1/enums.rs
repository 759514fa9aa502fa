//! How the domain's enums look on the wire, for the OpenAPI document only: the handlers
//! (de)serialize the core types themselves, which keep their snake_case names.

use utoipa::ToSchema;

/// What a person may do in their organization.
#[derive(ToSchema)]
#[schema(as = Access, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum AccessDoc {
    Auditor,
    Member,
    Manager,
    Owner,
}

/// How a role picks the person for work addressed to it.
#[derive(ToSchema)]
#[schema(as = PickRule, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PickRuleDoc {
    RoundRobin,
    LeastLoaded,
    FirstAvailable,
}

/// Where a task stands.
#[derive(ToSchema)]
#[schema(as = TaskState, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum TaskStateDoc {
    Waiting,
    Open,
    Submitted,
    Done,
    Unresolved,
    Cancelled,
    Skipped,
}

/// Whether a process runs.
#[derive(ToSchema)]
#[schema(as = ProcessStatus, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ProcessStatusDoc {
    Draft,
    Active,
    Paused,
}

/// Where a run stands.
#[derive(ToSchema)]
#[schema(as = RunState, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RunStateDoc {
    Active,
    Done,
    Skipped,
}
