//! Use cases around notifications: preferences and settings, connected endpoints, the
//! deliveries to retry, and sending work back to its holder.

use crate::{Actor, Engine, EngineError};
use base64::Engine as _;
use proofline_core::cadence::lookup_zone;
use proofline_core::notice::{Channel, NotifySettings, Preferences};
use proofline_core::task::TaskState;
use proofline_core::{PersonId, TaskId};
use proofline_store::{EndpointFields, StoreError, TaskRecord, TaskReturn};

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], EngineError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| EngineError::Store(StoreError::Other(format!("no randomness: {e}"))))?;
    Ok(bytes)
}

/// A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64.
pub fn new_webhook_secret() -> Result<String, EngineError> {
    Ok(format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(random_bytes::<24>()?)))
}

fn require_manager(actor: Actor, what: &str) -> Result<(), EngineError> {
    if actor.access.can_manage() {
        Ok(())
    } else {
        Err(EngineError::Forbidden(format!("only managers and owners can {what}")))
    }
}

/// What an endpoint is made of, before it gets a secret.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointInput {
    pub channel: Channel,
    pub name: String,
    pub url: String,
    pub events: Vec<proofline_core::notice::NoticeKind>,
    pub active: bool,
}

impl EndpointInput {
    fn with_secret(self, secret: String) -> EndpointFields {
        EndpointFields {
            channel: self.channel,
            name: self.name,
            url: self.url,
            secret,
            events: self.events,
            active: self.active,
        }
    }
}

impl Engine {
    pub async fn set_preferences(
        &self,
        actor: Actor,
        person: PersonId,
        preferences: &Preferences,
    ) -> Result<(), EngineError> {
        if person != actor.person {
            require_manager(actor, "change someone else's notification preferences")?;
        }
        if let Some(zone) = &preferences.zone {
            lookup_zone(zone).map_err(|e| EngineError::invalid("zone", e.to_string()))?;
        }
        self.store.set_preferences(actor.org, person, preferences).await?;
        Ok(())
    }

    pub async fn set_notify_settings(&self, actor: Actor, settings: &NotifySettings) -> Result<(), EngineError> {
        require_manager(actor, "change notification settings")?;
        if settings.due_soon.as_duration() > jiff::SignedDuration::from_hours(7 * 24) {
            return Err(EngineError::invalid("due_soon", "must be at most 7 days"));
        }
        self.store.set_notify_settings(actor.org, settings).await?;
        Ok(())
    }

    /// Connects a webhook or chat endpoint; returns its id and, for webhooks, the signing
    /// secret the receiver verifies with.
    pub async fn create_endpoint(&self, actor: Actor, input: EndpointInput) -> Result<(i64, String), EngineError> {
        require_manager(actor, "connect endpoints")?;
        let input = check_endpoint(input)?;
        let secret = if input.channel == Channel::Webhook { new_webhook_secret()? } else { String::new() };
        let id = self.store.create_endpoint(actor.org, &input.with_secret(secret.clone()), self.now()).await?;
        Ok((id, secret))
    }

    /// Replaces an endpoint's settings, keeping its secret unless `rotate_secret`; returns
    /// the new secret when one was issued.
    pub async fn update_endpoint(
        &self,
        actor: Actor,
        id: i64,
        input: EndpointInput,
        rotate_secret: bool,
    ) -> Result<Option<String>, EngineError> {
        require_manager(actor, "change endpoints")?;
        let current = self.store.get_endpoint(actor.org, id).await?;
        let input = check_endpoint(input)?;
        let (secret, issued) = match (input.channel, rotate_secret || current.secret.is_empty()) {
            (Channel::Webhook, true) => {
                let secret = new_webhook_secret()?;
                (secret.clone(), Some(secret))
            }
            (Channel::Webhook, false) => (current.secret, None),
            _ => (String::new(), None),
        };
        self.store.update_endpoint(actor.org, id, &input.with_secret(secret)).await?;
        Ok(issued)
    }

    /// Puts a delivery that failed for good back in the queue with a fresh set of attempts,
    /// once whatever made it fail (a wrong address, a dead endpoint) has been mended.
    pub async fn retry_delivery(&self, actor: Actor, id: i64) -> Result<(), EngineError> {
        require_manager(actor, "retry deliveries")?;
        self.store.retry_delivery(actor.org, id, self.now()).await?;
        self.deliveries_waiting.notify_one();
        Ok(())
    }

    /// Sends done or submitted work back to its holder with a reason; it opens again with
    /// the step's full window.
    pub async fn return_task(&self, actor: Actor, id: TaskId, reason: &str) -> Result<TaskRecord, EngineError> {
        require_manager(actor, "send work back")?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2_000 {
            return Err(EngineError::invalid("reason", "say in 1 to 2000 characters what must be redone"));
        }
        let task = self.store.get_task(actor.org, id).await?;
        // Evidence waiting for approval is held by its approver: sending it back is a
        // rejection, which returns it to whoever submitted it.
        if task.state == TaskState::Submitted {
            return self.reject(actor, id, reason).await;
        }
        if task.state != TaskState::Done {
            return Err(EngineError::Conflict(format!(
                "the task is {}; only done or submitted work can be sent back",
                task.state
            )));
        }
        let definition = self.definitions.get(task.process, task.version).await?;
        let now = self.now();
        let window = crate::decide::step_window(&definition, task.step_index);
        let change = TaskReturn {
            org: actor.org,
            task: id,
            rev: task.rev,
            by: actor.person,
            reason: reason.to_string(),
            due_at: now + window,
            now,
        };
        self.store.return_task(&change).await?;
        Ok(self.store.get_task(actor.org, id).await?)
    }
}

fn check_endpoint(mut input: EndpointInput) -> Result<EndpointInput, EngineError> {
    input.name = input.name.trim().to_string();
    input.url = input.url.trim().to_string();
    if input.channel == Channel::Email {
        return Err(EngineError::invalid("channel", "endpoints are webhook, slack or teams; email goes to people"));
    }
    if input.name.is_empty() || input.name.chars().count() > 100 {
        return Err(EngineError::invalid("name", "give the endpoint a name of 1 to 100 characters"));
    }
    let scheme_ok = input.url.starts_with("https://") || input.url.starts_with("http://");
    if !scheme_ok || input.url.len() > 2_000 || input.url.contains(char::is_whitespace) {
        return Err(EngineError::invalid("url", "must be an http:// or https:// address"));
    }
    if let Some(kind) = input.events.iter().find(|k| !k.reaches_endpoints()) {
        return Err(EngineError::invalid("events", format!("{kind} goes to people, not to endpoints")));
    }
    input.events.sort();
    input.events.dedup();
    Ok(input)
}
