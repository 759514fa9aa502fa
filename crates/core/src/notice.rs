//! Notices: what a person (or a connected system) must hear about, how each person wants
//! to hear it, and when a delivery may go out. Pure rules; the outbox lives in the store.

use crate::span::Span;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

#[cfg(test)]
mod tests;

/// What happened, from the recipient's side. The names are the webhook event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NoticeKind {
    /// A task opened and the recipient holds it.
    #[serde(rename = "task.opened")]
    TaskOpened,
    /// The recipient's open task is due within the organization's lead time.
    #[serde(rename = "task.due_soon")]
    TaskDueSoon,
    /// Someone missed a task and it moved to the recipient.
    #[serde(rename = "task.moved")]
    TaskMoved,
    /// A reviewer sent the recipient's work back with a reason.
    #[serde(rename = "task.returned")]
    TaskReturned,
    /// Evidence waits for the recipient's approval (first asked, or moved to them when
    /// the approver before let the window close).
    #[serde(rename = "task.approval")]
    TaskApproval,
    /// Every level missed a task; it is the owner's (the recipient's) to settle.
    #[serde(rename = "task.unresolved")]
    TaskUnresolved,
    /// A task was done. For connected systems only; nobody has to act on it.
    #[serde(rename = "task.completed")]
    TaskCompleted,
    /// A notification could not be delivered after its last attempt (to admins, in-app).
    #[serde(rename = "delivery.failed")]
    DeliveryFailed,
    /// One person's day: what is theirs, what they did, what moved.
    #[serde(rename = "digest.daily")]
    DailyDigest,
    /// One owner's week over the processes they own.
    #[serde(rename = "digest.weekly")]
    WeeklyDigest,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 10] = [
        NoticeKind::TaskOpened,
        NoticeKind::TaskDueSoon,
        NoticeKind::TaskMoved,
        NoticeKind::TaskReturned,
        NoticeKind::TaskApproval,
        NoticeKind::TaskUnresolved,
        NoticeKind::TaskCompleted,
        NoticeKind::DeliveryFailed,
        NoticeKind::DailyDigest,
        NoticeKind::WeeklyDigest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::TaskOpened => "task.opened",
            NoticeKind::TaskDueSoon => "task.due_soon",
            NoticeKind::TaskMoved => "task.moved",
            NoticeKind::TaskReturned => "task.returned",
            NoticeKind::TaskApproval => "task.approval",
            NoticeKind::TaskUnresolved => "task.unresolved",
            NoticeKind::TaskCompleted => "task.completed",
            NoticeKind::DeliveryFailed => "delivery.failed",
            NoticeKind::DailyDigest => "digest.daily",
            NoticeKind::WeeklyDigest => "digest.weekly",
        }
    }

    pub fn parse(text: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The template file that words this notice.
    pub fn template(self) -> &'static str {
        match self {
            NoticeKind::TaskOpened => "task_opened",
            NoticeKind::TaskDueSoon => "task_due_soon",
            NoticeKind::TaskMoved => "task_moved",
            NoticeKind::TaskReturned => "task_returned",
            NoticeKind::TaskApproval => "task_approval",
            NoticeKind::TaskUnresolved => "task_unresolved",
            NoticeKind::TaskCompleted => "task_completed",
            NoticeKind::DeliveryFailed => "delivery_failed",
            NoticeKind::DailyDigest => "digest_daily",
            NoticeKind::WeeklyDigest => "digest_weekly",
        }
    }

    /// Digests summarize; they go to a person's mailbox only, never to a shared channel.
    pub fn is_digest(self) -> bool {
        matches!(self, NoticeKind::DailyDigest | NoticeKind::WeeklyDigest)
    }

    /// Kinds a webhook or chat endpoint may subscribe to.
    pub fn reaches_endpoints(self) -> bool {
        !self.is_digest() && self != NoticeKind::DeliveryFailed
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a person wants email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailMode {
    /// Each notice as it happens, plus the daily digest.
    #[default]
    Instant,
    /// Only the daily (and, for owners, weekly) digest.
    Digest,
    /// No email at all; the in-app list still has everything.
    Off,
}

/// A daily stretch, in the person's zone, when no email is sent; what falls in it waits
/// for its end. `from` after `to` spans midnight ("22:00" to "07:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub from: Time,
    pub to: Time,
}

impl QuietHours {
    fn contains(&self, time: Time) -> bool {
        if self.from <= self.to { self.from <= time && time < self.to } else { time >= self.from || time < self.to }
    }

    /// The earliest instant at or after `at` outside quiet hours.
    pub fn next_allowed(&self, at: Timestamp, zone: &TimeZone) -> Timestamp {
        let local = at.to_zoned(zone.clone());
        if self.from == self.to || !self.contains(local.time()) {
            return at;
        }
        let mut date = local.date();
        if self.from > self.to && local.time() >= self.from {
            date = date.tomorrow().unwrap_or(date);
        }
        // A quiet end that falls in a DST gap resolves to the instant after the gap.
        date.to_datetime(self.to).to_zoned(zone.clone()).map(|z| z.timestamp()).unwrap_or(at)
    }
}

/// One person's choices. Everything defaults to "tell me by email as it happens".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    #[serde(default)]
    pub email: EmailMode,
    /// Kinds never emailed (they still appear in the in-app list).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub muted: BTreeSet<NoticeKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
    /// The person's IANA zone for quiet hours, digests and times in messages; the
    /// organization's zone when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

/// An organization's notification settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySettings {
    /// How long before its deadline the holder of an open task hears "due soon";
    /// zero turns the reminder off.
    #[serde(default = "default_due_soon")]
    pub due_soon: Span,
    /// Local time of each person's daily digest.
    #[serde(default = "default_daily_at")]
    pub daily_digest_at: Time,
    /// Day and local time of each owner's weekly digest.
    #[serde(default = "default_weekly_on", with = "weekday_name")]
    pub weekly_digest_on: Weekday,
    #[serde(default = "default_weekly_at")]
    pub weekly_digest_at: Time,
}

fn default_due_soon() -> Span {
    Span::from_secs(30 * 60)
}
fn default_daily_at() -> Time {
    Time::constant(7, 0, 0, 0)
}
fn default_weekly_on() -> Weekday {
    Weekday::Monday
}
fn default_weekly_at() -> Time {
    Time::constant(8, 0, 0, 0)
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            due_soon: default_due_soon(),
            daily_digest_at: default_daily_at(),
            weekly_digest_on: default_weekly_on(),
            weekly_digest_at: default_weekly_at(),
        }
    }
}

/// Weekdays as lower-case English names ("monday"), the way people write them.
mod weekday_name {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    const NAMES: [(&str, Weekday); 7] = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];

    pub fn serialize<S: Serializer>(day: &Weekday, serializer: S) -> Result<S::Ok, S::Error> {
        let name = NAMES.iter().find(|(_, d)| d == day).map_or("monday", |(n, _)| n);
        serializer.serialize_str(name)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Weekday, D::Error> {
        let text = String::deserialize(deserializer)?;
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(text.trim()))
            .map(|(_, d)| *d)
            .ok_or_else(|| D::Error::custom(format!("{text:?} is not a weekday; write it like \"monday\"")))
    }
}

/// Where a delivery goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Webhook,
    Slack,
    Teams,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
            Channel::Slack => "slack",
            Channel::Teams => "teams",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        [Channel::Email, Channel::Webhook, Channel::Slack, Channel::Teams].into_iter().find(|c| c.as_str() == text)
    }
}

/// A shared destination an organization connects: a signed webhook or a chat channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRoute {
    pub id: i64,
    pub channel: Channel,
    pub url: String,
    /// Kinds it receives; empty means every kind an endpoint can receive.
    pub events: BTreeSet<NoticeKind>,
    pub active: bool,
}

impl EndpointRoute {
    pub fn wants(&self, kind: NoticeKind) -> bool {
        self.active && kind.reaches_endpoints() && (self.events.is_empty() || self.events.contains(&kind))
    }
}

/// The person a notice is for, as routing needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient<'a> {
    pub email: &'a str,
    pub active: bool,
    pub preferences: &'a Preferences,
    pub zone: &'a TimeZone,
}

/// One delivery to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDelivery {
    pub channel: Channel,
    pub endpoint: Option<i64>,
    pub address: String,
    /// Quiet hours push email to their end.
    pub not_before: Timestamp,
}

/// Decides which channels carry one notice. The in-app list always has it; this plans
/// everything else.
pub fn route(
    kind: NoticeKind,
    recipient: Option<&Recipient<'_>>,
    endpoints: &[EndpointRoute],
    now: Timestamp,
) -> Vec<PlannedDelivery> {
    let mut planned = Vec::new();
    if let Some(person) = recipient.filter(|p| p.active && wants_email(p.preferences, kind)) {
        let not_before = match person.preferences.quiet_hours {
            Some(quiet) => quiet.next_allowed(now, person.zone),
            None => now,
        };
        planned.push(PlannedDelivery {
            channel: Channel::Email,
            endpoint: None,
            address: person.email.to_string(),
            not_before,
        });
    }
    for endpoint in endpoints.iter().filter(|e| e.wants(kind)) {
        planned.push(PlannedDelivery {
            channel: endpoint.channel,
            endpoint: Some(endpoint.id),
            address: endpoint.url.clone(),
            not_before: now,
        });
    }
    planned
}

fn wants_email(preferences: &Preferences, kind: NoticeKind) -> bool {
    if kind == NoticeKind::DeliveryFailed || kind == NoticeKind::TaskCompleted || preferences.muted.contains(&kind) {
        return false;
    }
    match preferences.email {
        EmailMode::Instant => true,
        EmailMode::Digest => kind.is_digest(),
        EmailMode::Off => false,
    }
}

/// Attempts a delivery gets before it is declared failed.
pub const MAX_ATTEMPTS: u32 = 8;

/// How long to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed
/// for a retryable reason, or `None` when attempts are used up. Exponential from 30 s,
/// capped at 2 h, spread by `jitter` in `[0, 1)` over the upper half of the delay so
/// endpoints that failed together do not retry together.
pub fn retry_delay(attempt: u32, jitter: f64) -> Option<SignedDuration> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let base_secs = (30u64 << attempt.saturating_sub(1).min(16)).min(2 * 3_600);
    let spread = 0.5 + 0.5 * jitter.clamp(0.0, 1.0);
    Some(SignedDuration::from_millis((base_secs as f64 * 1_000.0 * spread) as i64))
}
