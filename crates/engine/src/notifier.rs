//! The port to the notification channels, and the message every channel words: one
//! serializable document per notice, which is also the `data` of a webhook event.

use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_core::{OrgId, PersonId, ProcessId, RunId, TaskId};
use proofline_store::DeliveryRecord;
use serde::Serialize;

/// Why a send failed, and whether trying again could help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// A timeout, a refused connection, a 5xx or 429, a temporary SMTP reply.
    #[error("{0}")]
    Retryable(String),
    /// A 4xx, a bad address, a rejected message: the same request will fail again.
    #[error("{0}")]
    Permanent(String),
}

/// A message worded for one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// Plain text for email; the JSON request body for webhooks and chat.
    pub body: String,
    pub html: Option<String>,
}

/// An email about a person's account (an invitation, a password reset) that carries a
/// secret link: sent at once and never stored in the outbox, unlike notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Identifies this message for the Message-ID, so a resend is recognizable.
    pub key: String,
}

/// Renders and sends messages. Implemented by `proofline-notify`; tests record instead.
#[async_trait]
pub trait Notifier: Send + Sync + 'static {
    /// Words `message` for `channel` from the message templates.
    fn render(&self, channel: Channel, message: &Message) -> Result<Rendered, String>;
    /// Hands one delivery to its channel. `secret` signs webhook bodies.
    async fn send(&self, delivery: &DeliveryRecord, secret: Option<&str>) -> Result<(), SendError>;
    /// Sends an account email straight away.
    async fn send_mail(&self, mail: &Mail) -> Result<(), SendError>;
}

/// Everything a template or a webhook consumer needs about one notice. Times are UTC
/// instants plus the same instant written in the recipient's (or organization's) zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// The webhook event type, e.g. `task.moved`.
    #[serde(rename = "type")]
    pub kind: NoticeKind,
    pub occurred_at: Timestamp,
    pub org: OrgRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<PersonRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskRef>,
    /// Who missed the task before it moved (task.moved, task.unresolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missed_by: Option<PersonRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missed_due: Option<When>,
    /// Who acted: the reviewer who returned work, the person who completed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<PersonRef>,
    /// A reviewer's reason, or why a delivery failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureRef>,
    /// Where to act: the task, the inbox, or the delivery log.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgRef {
    pub id: OrgId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonRef {
    pub id: PersonId,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// An instant, and how the reader should see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct When {
    pub at: Timestamp,
    /// E.g. "Tue 3 Mar, 14:30 (Europe/Berlin)".
    pub local: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRef {
    pub id: TaskId,
    pub run: RunId,
    pub title: String,
    pub state: String,
    pub process: ProcessRef,
    pub holder: PersonRef,
    pub due: When,
    /// 0 for the first holder, then the escalation level.
    pub level: u32,
    /// What proof the step asks for, in words ("Photo: Locked back door").
    pub proof: Vec<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessRef {
    pub id: ProcessId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureRef {
    pub channel: Channel,
    pub address: String,
    pub attempts: u32,
    pub notice: NoticeKind,
}

/// A digest's content. Daily: the recipient's own work; weekly: the processes they own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    /// "Tue 3 Mar" or "week of 2 Mar".
    pub period: String,
    /// Open or unresolved work the recipient holds, soonest due first.
    pub open: Vec<TaskRef>,
    pub completed: u64,
    pub missed: u64,
    pub moved_to: u64,
    /// Weekly only: each owned process's week.
    pub processes: Vec<ProcessWeek>,
    /// Weekly only: unresolved tasks of owned processes.
    pub unresolved: Vec<TaskRef>,
    /// Weekly only: open repeated failures in owned processes, in plain words.
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessWeek {
    pub process: ProcessRef,
    pub completed: u64,
    pub moved: u64,
    pub unresolved: u64,
    /// Runs finished by their deadlines, as "92%"; empty when no run was due.
    pub on_time: String,
    /// The median run's time from its start to its last step done, as "1 h 20 min".
    pub lead_time: String,
}
