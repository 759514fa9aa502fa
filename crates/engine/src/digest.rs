//! Digests: each person's day at their local digest time, and each process owner's week.
//! A digest is a notice with a dated key, so however many engines look, each is written
//! once; one with nothing in it is not written at all.

use crate::{Engine, EngineError};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proofline_core::cadence::lookup_zone;
use proofline_core::notice::{EmailMode, NoticeKind, NotifySettings};
use proofline_core::task::TaskState;
use proofline_core::{OrgId, PersonId};
use proofline_store::{NewNotice, TaskQuery};
use serde_json::json;
use std::collections::HashSet;

/// How often the engine looks for digests that have come due.
const CHECK_EVERY: SignedDuration = SignedDuration::from_secs(60);

fn slot(date: Date, time: Time, zone: &TimeZone) -> Option<Timestamp> {
    date.to_datetime(time).to_zoned(zone.clone()).ok().map(|z| z.timestamp())
}

impl Engine {
    /// Writes the digests whose local time has come today; returns how many.
    pub async fn digest_once(&self, now: Timestamp) -> Result<u64, EngineError> {
        {
            let mut next = self.digest_check.lock().unwrap_or_else(|e| e.into_inner());
            if next.is_some_and(|at| now < at) {
                return Ok(0);
            }
            *next = Some(now + CHECK_EVERY);
        }
        let mut written = 0;
        for org in self.store.list_orgs().await? {
            let settings = self.store.notify_settings(org.id).await?;
            let zone = lookup_zone(&org.zone).unwrap_or(TimeZone::UTC);
            written += self.digests_for_org(org.id, &settings, &zone, now).await?;
        }
        Ok(written)
    }

    async fn digests_for_org(
        &self,
        org: OrgId,
        settings: &NotifySettings,
        org_zone: &TimeZone,
        now: Timestamp,
    ) -> Result<u64, EngineError> {
        let owners: HashSet<PersonId> =
            self.store.list_processes(org).await?.into_iter().map(|p| p.definition.owner).collect();
        let mut notices = Vec::new();
        for person in self.store.list_people(org).await?.into_iter().filter(|p| p.active) {
            let preferences = self.preferences_of(org, person.id).await?;
            if preferences.email == EmailMode::Off {
                continue;
            }
            let zone =
                preferences.zone.as_deref().and_then(|z| lookup_zone(z).ok()).unwrap_or_else(|| org_zone.clone());
            let today = now.to_zoned(zone.clone()).date();
            if let Some(until) = slot(today, settings.daily_digest_at, &zone).filter(|at| *at <= now) {
                let key = format!("{}:{}:{today}", NoticeKind::DailyDigest, person.id);
                let since = until - SignedDuration::from_hours(24);
                if self.first_look(&key) && self.has_news(org, person.id, since, until).await? {
                    let period = today.strftime("%a %-d %b %Y").to_string();
                    notices.push(digest_notice(org, person.id, NoticeKind::DailyDigest, key, since, until, period));
                }
            }
            let weekly_slot = slot(today, settings.weekly_digest_at, &zone).filter(|at| *at <= now);
            if let Some(until) = weekly_slot
                && today.weekday() == settings.weekly_digest_on
                && owners.contains(&person.id)
            {
                let key = format!("{}:{}:{today}", NoticeKind::WeeklyDigest, person.id);
                if self.first_look(&key) {
                    let since = until - SignedDuration::from_hours(24 * 7);
                    let start = today.checked_sub(jiff::Span::new().days(7)).unwrap_or(today);
                    let period = format!("week of {}", start.strftime("%-d %b %Y"));
                    notices.push(digest_notice(org, person.id, NoticeKind::WeeklyDigest, key, since, until, period));
                }
            }
        }
        Ok(self.store.add_notices(&notices, now).await?)
    }

    /// True the first time this engine considers a digest key; a key already written
    /// (or found empty) is not looked at again.
    fn first_look(&self, key: &str) -> bool {
        let mut seen = self.digest_seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 100_000 {
            seen.clear();
        }
        seen.insert(key.to_string())
    }

    async fn has_news(
        &self,
        org: OrgId,
        person: PersonId,
        since: Timestamp,
        until: Timestamp,
    ) -> Result<bool, EngineError> {
        let held = TaskQuery {
            holder: Some(person),
            states: vec![TaskState::Open, TaskState::Unresolved],
            run: None,
            limit: 1,
        };
        if !self.store.list_tasks(org, &held).await?.is_empty() {
            return Ok(true);
        }
        let activity = self.store.person_activity(org, person, since, until).await?;
        Ok(activity.completed + activity.missed + activity.moved_to > 0)
    }
}

fn digest_notice(
    org: OrgId,
    person: PersonId,
    kind: NoticeKind,
    key: String,
    since: Timestamp,
    until: Timestamp,
    period: String,
) -> NewNotice {
    NewNotice {
        org,
        person: Some(person),
        kind,
        key,
        task: None,
        run: None,
        process: None,
        data: json!({"since": since.as_millisecond(), "until": until.as_millisecond(), "period": period}),
    }
}
