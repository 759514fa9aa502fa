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

/// What a notification is about; also the webhook event type.
#[derive(ToSchema)]
#[schema(as = NoticeKind)]
#[allow(dead_code)]
pub enum NoticeKindDoc {
    #[schema(rename = "task.opened")]
    TaskOpened,
    #[schema(rename = "task.due_soon")]
    TaskDueSoon,
    #[schema(rename = "task.moved")]
    TaskMoved,
    #[schema(rename = "task.returned")]
    TaskReturned,
    #[schema(rename = "task.approval")]
    TaskApproval,
    #[schema(rename = "task.unresolved")]
    TaskUnresolved,
    #[schema(rename = "task.completed")]
    TaskCompleted,
    #[schema(rename = "delivery.failed")]
    DeliveryFailed,
    #[schema(rename = "digest.daily")]
    DailyDigest,
    #[schema(rename = "digest.weekly")]
    WeeklyDigest,
}

/// How a message travels.
#[derive(ToSchema)]
#[schema(as = Channel, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ChannelDoc {
    Email,
    Webhook,
    Slack,
    Teams,
}

/// Where a delivery stands.
#[derive(ToSchema)]
#[schema(as = DeliveryState, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DeliveryStateDoc {
    Pending,
    Sent,
    Failed,
}

/// How a person wants email.
#[derive(ToSchema)]
#[schema(as = EmailMode, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum EmailModeDoc {
    Instant,
    Digest,
    Off,
}
