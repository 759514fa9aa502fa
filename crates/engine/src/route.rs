//! Route: turns new notices into deliveries, one per channel the recipient's preferences
//! and the organization's endpoints ask for, each rendered once so that every retry sends
//! the same bytes under the same dedupe key. Runs in the delivery loop, not the pass.

use crate::messages::OrgView;
use crate::{Engine, EngineError};
use jiff::Timestamp;
use proofline_core::OrgId;
use proofline_core::notice::{Channel, Recipient, route};
use proofline_store::{NewDelivery, NoticeRecord};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Notices routed per store round trip.
const ROUTE_BATCH: u32 = 500;

/// What one round of routing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Routed {
    pub deliveries: u64,
    /// Notices are still waiting: the round stopped at its batch limit.
    pub more: bool,
}

impl Engine {
    /// Routes every notice written so far; returns how many deliveries were created. An
    /// engine without a notifier marks notices routed with no deliveries: they stay in
    /// each person's in-app list.
    pub async fn route_once(&self, now: Timestamp) -> Result<u64, EngineError> {
        let mut created = 0;
        loop {
            let round = self.route_some(now, usize::MAX).await?;
            created += round.deliveries;
            if !round.more {
                return Ok(created);
            }
        }
    }

    /// Routes up to `batches` batches of notices, so the delivery loop can send what is
    /// routed while a burst is still being routed.
    pub(crate) async fn route_some(&self, now: Timestamp, batches: usize) -> Result<Routed, EngineError> {
        let mut created = 0;
        let mut views: HashMap<OrgId, OrgView> = HashMap::new();
        for _ in 0..batches {
            let notices = self.store.unrouted_notices(ROUTE_BATCH).await?;
            if notices.is_empty() {
                return Ok(Routed { deliveries: created, more: false });
            }
            let mut deliveries = Vec::new();
            if self.notifier.is_some() {
                for notice in &notices {
                    let view = match views.entry(notice.org) {
                        Entry::Occupied(e) => e.into_mut(),
                        Entry::Vacant(e) => e.insert(self.org_view(notice.org).await?),
                    };
                    deliveries.extend(self.deliveries_for(view, notice, now).await?);
                }
            }
            let ids: Vec<i64> = notices.iter().map(|n| n.id).collect();
            created += self.store.route_notices(&ids, &deliveries, now).await?;
            if (notices.len() as u32) < ROUTE_BATCH {
                return Ok(Routed { deliveries: created, more: false });
            }
        }
        Ok(Routed { deliveries: created, more: true })
    }

    async fn deliveries_for(
        &self,
        view: &mut OrgView,
        notice: &NoticeRecord,
        now: Timestamp,
    ) -> Result<Vec<NewDelivery>, EngineError> {
        let Some(notifier) = &self.notifier else {
            return Ok(Vec::new());
        };
        if let Some(person) = notice.person {
            self.load_preferences(view, person).await?;
        }
        let zone = view.zone_of(notice.person);
        let recipient = notice.person.and_then(|p| {
            let person = view.people.get(&p)?;
            Some(Recipient {
                email: &person.email,
                active: person.active,
                preferences: view.preferences.get(&p)?,
                zone: &zone,
            })
        });
        let mut planned = route(notice.kind, recipient.as_ref(), &view.routes, now);
        planned.retain(|p| p.channel != Channel::Email || self.config.email);
        if planned.is_empty() {
            return Ok(Vec::new());
        }
        let message = match self.message(view, notice).await {
            Ok(message) => message,
            Err(EngineError::NotFound) => {
                tracing::warn!(notice = notice.id, "a notice refers to something that no longer exists; not sent");
                return Ok(Vec::new());
            }
            Err(e) => return Err(e),
        };
        let mut deliveries = Vec::with_capacity(planned.len());
        for plan in planned {
            let rendered = match notifier.render(plan.channel, &message) {
                Ok(rendered) => rendered,
                Err(error) => {
                    tracing::error!(notice = notice.id, channel = plan.channel.as_str(), %error, "a message template failed");
                    continue;
                }
            };
            let (destination, dedupe_key) = match plan.endpoint {
                Some(endpoint) => (
                    format!("endpoint:{endpoint}"),
                    format!("{}/{}/{}/{endpoint}", notice.org, notice.key, plan.channel.as_str()),
                ),
                None => ("smtp".to_string(), format!("{}/{}/{}", notice.org, notice.key, Channel::Email.as_str())),
            };
            deliveries.push(NewDelivery {
                org: notice.org,
                notice: notice.id,
                channel: plan.channel,
                endpoint: plan.endpoint,
                destination,
                address: plan.address,
                dedupe_key,
                subject: rendered.subject,
                body: rendered.body,
                html: rendered.html,
                not_before: plan.not_before,
            });
        }
        Ok(deliveries)
    }
}
