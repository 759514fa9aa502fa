//! The outbox and what hangs off it: notices (also each person's in-app list), their
//! deliveries per channel, shared endpoints, preferences, calendar feeds and digests.
//!
//! Notices about task changes are written by the [`WorkStore`](crate::WorkStore) methods
//! that make the change, in the same transaction. Several engines may share a database:
//! deliveries are claimed with a lease, so one that crashes mid-send is sent again (with
//! the same dedupe key) once its lease runs out.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::notice::{Channel, NoticeKind, NotifySettings, Preferences};
use proofline_core::{OrgId, PersonId, ProcessId, RunId, TaskId};
use serde::Serialize;
use serde_json::Value;

/// A notice to write outside a task transition (reminders, digests, failure reports).
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotice {
    pub org: OrgId,
    pub person: Option<PersonId>,
    pub kind: NoticeKind,
    /// Unique in the organization: writing the same key twice keeps the first.
    pub key: String,
    pub task: Option<TaskId>,
    pub run: Option<RunId>,
    pub process: Option<ProcessId>,
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeRecord {
    pub id: i64,
    pub org: OrgId,
    pub person: Option<PersonId>,
    pub kind: NoticeKind,
    pub key: String,
    pub task: Option<TaskId>,
    pub run: Option<RunId>,
    pub process: Option<ProcessId>,
    pub data: Value,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

/// A rendered message bound for one channel, created when its notice is routed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    pub org: OrgId,
    pub notice: i64,
    pub channel: Channel,
    pub endpoint: Option<i64>,
    /// Deliveries to one destination share a concurrency limit: `smtp` or `endpoint:ID`.
    pub destination: String,
    pub address: String,
    pub dedupe_key: String,
    pub subject: String,
    /// Plain text for email, the JSON document for webhooks and chat.
    pub body: String,
    pub html: Option<String>,
    pub not_before: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sent,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        [DeliveryState::Pending, DeliveryState::Sent, DeliveryState::Failed].into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryRecord {
    pub id: i64,
    pub org: OrgId,
    pub notice: i64,
    pub kind: NoticeKind,
    pub channel: Channel,
    pub endpoint: Option<i64>,
    pub destination: String,
    pub address: String,
    pub dedupe_key: String,
    pub subject: String,
    pub body: String,
    pub html: Option<String>,
    pub state: DeliveryState,
    /// Attempts started, including one in flight.
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptResult {
    Sent,
    /// Try again at `at`.
    Retry {
        at: Timestamp,
        error: String,
    },
    /// Give up: a permanent error, or the last attempt failed. Records a
    /// `delivery_failed` event and tells the organization's admins in-app.
    Failed {
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttemptOutcome {
    pub delivery: i64,
    /// The attempt number the claim handed out; a stale report is ignored.
    pub attempt: u32,
    pub result: AttemptResult,
}

/// What a delivery worker asks for.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub now: Timestamp,
    pub lease_until: Timestamp,
    pub limit: u32,
    /// At most this many rows for any one destination (0: no cap), so a backlog for one
    /// endpoint cannot fill a worker's queue while others wait.
    pub per_destination: u32,
    /// Destinations the worker has no room for right now.
    pub busy: &'a [String],
}

impl Claim<'_> {
    /// How many due rows a claim looks at before capping per destination: enough to find
    /// other destinations behind one with a backlog, bounded so a claim stays cheap.
    pub fn scan(&self) -> u32 {
        if self.per_destination == 0 { self.limit } else { self.limit.saturating_mul(4).max(100) }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub state: Option<DeliveryState>,
    /// Only this delivery.
    pub id: Option<i64>,
    pub limit: u32,
}

/// A connected webhook or chat channel; `secret` signs webhook bodies (`whsec_…`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointRecord {
    pub id: i64,
    pub org: OrgId,
    pub channel: Channel,
    pub name: String,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub events: Vec<NoticeKind>,
    pub active: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointFields {
    pub channel: Channel,
    pub name: String,
    pub url: String,
    pub secret: String,
    pub events: Vec<NoticeKind>,
    pub active: bool,
}

/// A person's day for their digest, counted from the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PersonActivity {
    pub completed: u64,
    /// Tasks that moved away from them because their window closed.
    pub missed: u64,
    /// Tasks that moved to them because someone else missed.
    pub moved_to: u64,
}

/// One process's week for its owner's digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessActivity {
    pub process: ProcessId,
    pub completed: u64,
    pub moved: u64,
    pub unresolved: u64,
}

#[async_trait]
pub trait NoticeStore {
    /// Writes notices, skipping keys that exist; returns how many were new.
    async fn add_notices(&self, notices: &[NewNotice], now: Timestamp) -> Result<u64>;
    /// Open tasks whose reminder instant has come.
    async fn due_reminders(&self, now: Timestamp, limit: u32) -> Result<Vec<crate::TaskRecord>>;
    /// Writes `task.due_soon` notices for tasks still as read (same `rev`, still open) and
    /// clears their reminder, in one transaction; returns how many were reminded.
    async fn remind(&self, tasks: &[(TaskId, i64)], now: Timestamp) -> Result<u64>;

    /// Notices not yet turned into deliveries, oldest first.
    async fn unrouted_notices(&self, limit: u32) -> Result<Vec<NoticeRecord>>;
    /// Creates deliveries (skipping dedupe keys that exist) and marks the notices routed,
    /// in one transaction.
    async fn route_notices(&self, notices: &[i64], deliveries: &[NewDelivery], now: Timestamp) -> Result<u64>;
    /// Takes pending deliveries due at `claim.now`, oldest due first, as `claim` bounds
    /// them: each gets its attempt count bumped and is hidden from other claimers until
    /// `claim.lease_until`.
    async fn claim_deliveries(&self, claim: &Claim<'_>) -> Result<Vec<DeliveryRecord>>;
    /// Records how attempts ended; returns how many still matched their claim.
    async fn finish_deliveries(&self, outcomes: &[AttemptOutcome], now: Timestamp) -> Result<u64>;
    async fn list_deliveries(&self, org: OrgId, query: &DeliveryQuery) -> Result<Vec<DeliveryRecord>>;
    /// Puts a failed delivery back in the queue with a fresh set of attempts.
    async fn retry_delivery(&self, org: OrgId, id: i64, now: Timestamp) -> Result<()>;
    /// The earliest pending delivery or unrouted notice, for the loop's sleep.
    async fn next_delivery_at(&self) -> Result<Option<Timestamp>>;

    /// A person's in-app list, newest first, below `before` when given.
    async fn list_notices(
        &self,
        org: OrgId,
        person: PersonId,
        unread_only: bool,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<NoticeRecord>>;
    async fn unread_count(&self, org: OrgId, person: PersonId) -> Result<u64>;
    /// Marks the given notices (all of the person's when `ids` is empty) read.
    async fn mark_read(&self, org: OrgId, person: PersonId, ids: &[i64], now: Timestamp) -> Result<u64>;

    async fn create_endpoint(&self, org: OrgId, fields: &EndpointFields, now: Timestamp) -> Result<i64>;
    async fn update_endpoint(&self, org: OrgId, id: i64, fields: &EndpointFields) -> Result<()>;
    async fn delete_endpoint(&self, org: OrgId, id: i64) -> Result<()>;
    async fn get_endpoint(&self, org: OrgId, id: i64) -> Result<EndpointRecord>;
    async fn list_endpoints(&self, org: OrgId) -> Result<Vec<EndpointRecord>>;

    async fn notify_settings(&self, org: OrgId) -> Result<NotifySettings>;
    async fn set_notify_settings(&self, org: OrgId, settings: &NotifySettings) -> Result<()>;
    async fn preferences(&self, org: OrgId, person: PersonId) -> Result<Preferences>;
    async fn set_preferences(&self, org: OrgId, person: PersonId, preferences: &Preferences) -> Result<()>;

    /// Stores the SHA-256 of a person's calendar secret, replacing any earlier one.
    async fn set_calendar_secret(&self, org: OrgId, person: PersonId, sha256: &str) -> Result<()>;
    async fn find_calendar(&self, sha256: &str) -> Result<Option<(OrgId, PersonId)>>;

    async fn person_activity(
        &self,
        org: OrgId,
        person: PersonId,
        since: Timestamp,
        until: Timestamp,
    ) -> Result<PersonActivity>;
    async fn process_activity(&self, org: OrgId, since: Timestamp, until: Timestamp) -> Result<Vec<ProcessActivity>>;
}
