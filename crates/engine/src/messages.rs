//! Builds the [`Message`] a notice is worded from: the task and its process, the people
//! involved, and every time written in the reader's zone.

use crate::notifier::*;
use crate::{Engine, EngineError};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proofline_core::cadence::lookup_zone;
use proofline_core::metrics::{duration_words, figures_of, rate_words};
use proofline_core::notice::{Channel, EndpointRoute, NoticeKind, Preferences};
use proofline_core::task::TaskState;
use proofline_core::{OrgId, PersonId, ProcessId};
use proofline_store::{NoticeRecord, Org, PatternQuery, PatternState, Person, TaskQuery, TaskRecord};
use serde_json::Value;
use std::collections::HashMap;

/// Open tasks a digest lists at most.
const DIGEST_TASKS: u32 = 50;

/// One organization as routing sees it, loaded once per pass.
pub(crate) struct OrgView {
    pub org: Org,
    pub zone: TimeZone,
    pub people: HashMap<PersonId, Person>,
    pub preferences: HashMap<PersonId, Preferences>,
    pub routes: Vec<EndpointRoute>,
}

impl OrgView {
    pub fn zone_of(&self, person: Option<PersonId>) -> TimeZone {
        person
            .and_then(|p| self.preferences.get(&p))
            .and_then(|p| p.zone.as_deref())
            .and_then(|z| lookup_zone(z).ok())
            .unwrap_or_else(|| self.zone.clone())
    }

    fn person(&self, id: PersonId, with_email: bool) -> PersonRef {
        match self.people.get(&id) {
            Some(p) => PersonRef { id, name: p.name.clone(), email: with_email.then(|| p.email.clone()) },
            None => PersonRef { id, name: format!("person {id}"), email: None },
        }
    }
}

pub(crate) fn when(at: Timestamp, zone: &TimeZone) -> When {
    let local = at.to_zoned(zone.clone()).strftime("%a %-d %b %Y, %H:%M %Z").to_string();
    When { at, local }
}

fn data_ms(data: &Value, field: &str) -> Option<Timestamp> {
    data.get(field).and_then(Value::as_i64).and_then(|ms| Timestamp::from_millisecond(ms).ok())
}

fn data_person(data: &Value, field: &str) -> Option<PersonId> {
    data.get(field).and_then(Value::as_i64).map(PersonId)
}

impl Engine {
    pub(crate) async fn org_view(&self, org: OrgId) -> Result<OrgView, EngineError> {
        let record = self.store.get_org(org).await?;
        let zone = lookup_zone(&record.zone).unwrap_or(TimeZone::UTC);
        let people = self.store.list_people(org).await?.into_iter().map(|p| (p.id, p)).collect();
        let routes = self
            .store
            .list_endpoints(org)
            .await?
            .into_iter()
            .map(|e| EndpointRoute {
                id: e.id,
                channel: e.channel,
                url: e.url,
                events: e.events.into_iter().collect(),
                active: e.active,
            })
            .collect();
        Ok(OrgView { org: record, zone, people, preferences: HashMap::new(), routes })
    }

    pub(crate) async fn load_preferences(&self, view: &mut OrgView, person: PersonId) -> Result<(), EngineError> {
        if !view.preferences.contains_key(&person) {
            let preferences = self.preferences_of(view.org.id, person).await?;
            view.preferences.insert(person, preferences);
        }
        Ok(())
    }

    /// A person's preferences; the defaults for someone no longer there. A store that
    /// cannot answer is an error, not the defaults: those could email someone who said
    /// not to.
    pub(crate) async fn preferences_of(&self, org: OrgId, person: PersonId) -> Result<Preferences, EngineError> {
        match self.store.preferences(org, person).await {
            Ok(preferences) => Ok(preferences),
            Err(proofline_store::StoreError::NotFound) => Ok(Preferences::default()),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.config.public_url.trim_end_matches('/'))
    }

    async fn task_ref(&self, view: &OrgView, task: &TaskRecord, zone: &TimeZone) -> Result<TaskRef, EngineError> {
        let definition = self.definitions.get(task.process, task.version).await?;
        let proof = definition.proof_words(task.step_index as usize);
        Ok(TaskRef {
            id: task.id,
            run: task.run,
            title: task.title.clone(),
            state: task.state.as_str().to_string(),
            process: ProcessRef { id: task.process, name: definition.name.clone() },
            holder: view.person(task.holder, false),
            due: when(task.due_at, zone),
            level: task.level,
            proof,
            url: self.link(&format!("/tasks/{}", task.id)),
        })
    }

    /// The message for one notice, as its recipient will read it.
    pub(crate) async fn message(&self, view: &OrgView, notice: &NoticeRecord) -> Result<Message, EngineError> {
        let zone = view.zone_of(notice.person);
        let data = &notice.data;
        let mut task = match notice.task {
            Some(id) => Some(self.task_ref(view, &self.store.get_task(view.org.id, id).await?, &zone).await?),
            None => None,
        };
        // A move says the deadline it gave, even when read after the task moved on again.
        if let (Some(task), Some(due)) = (task.as_mut(), data_ms(data, "due_at")) {
            task.due = when(due, &zone);
        }
        let failure = (notice.kind == NoticeKind::DeliveryFailed).then(|| FailureRef {
            channel: data.get("channel").and_then(Value::as_str).and_then(Channel::parse).unwrap_or(Channel::Email),
            address: data.get("address").and_then(Value::as_str).unwrap_or_default().to_string(),
            attempts: data.get("attempts").and_then(Value::as_u64).unwrap_or_default() as u32,
            notice: data
                .get("notice_kind")
                .and_then(Value::as_str)
                .and_then(NoticeKind::parse)
                .unwrap_or(NoticeKind::TaskOpened),
        });
        let digest = match notice.kind {
            NoticeKind::DailyDigest | NoticeKind::WeeklyDigest => Some(self.digest(view, notice, &zone).await?),
            _ => None,
        };
        let url = match (&task, notice.kind) {
            (_, NoticeKind::DeliveryFailed) => self.link("/settings/deliveries"),
            (Some(task), _) => task.url.clone(),
            (None, NoticeKind::WeeklyDigest) => self.link("/inbox"),
            (None, _) => self.link("/"),
        };
        Ok(Message {
            kind: notice.kind,
            occurred_at: notice.created_at,
            org: OrgRef { id: view.org.id, name: view.org.name.clone() },
            recipient: notice.person.map(|p| view.person(p, true)),
            task,
            missed_by: data_person(data, "missed_by").map(|p| view.person(p, false)),
            missed_due: data_ms(data, "missed_due_at").map(|at| when(at, &zone)),
            by: data_person(data, "by").map(|p| view.person(p, false)),
            reason: data.get("reason").or_else(|| data.get("error")).and_then(Value::as_str).map(str::to_string),
            digest,
            failure,
            url,
        })
    }

    async fn digest(&self, view: &OrgView, notice: &NoticeRecord, zone: &TimeZone) -> Result<Digest, EngineError> {
        let org = view.org.id;
        let person = notice.person.ok_or(EngineError::NotFound)?;
        let data = &notice.data;
        let until = data_ms(data, "until").unwrap_or(notice.created_at);
        let since = data_ms(data, "since").unwrap_or(until - jiff::SignedDuration::from_hours(24));
        let period = data.get("period").and_then(Value::as_str).unwrap_or_default().to_string();
        let held = TaskQuery {
            holder: Some(person),
            states: vec![TaskState::Open, TaskState::Unresolved],
            run: None,
            limit: DIGEST_TASKS,
        };
        let mut open = Vec::new();
        for task in self.store.list_tasks(org, &held).await? {
            open.push(self.task_ref(view, &task, zone).await?);
        }
        let activity = self.store.person_activity(org, person, since, until).await?;
        let mut digest = Digest {
            period,
            open,
            completed: activity.completed,
            missed: activity.missed,
            moved_to: activity.moved_to,
            processes: Vec::new(),
            unresolved: Vec::new(),
            patterns: Vec::new(),
        };
        if notice.kind == NoticeKind::WeeklyDigest {
            let owned: HashMap<ProcessId, String> = self
                .store
                .list_processes(org)
                .await?
                .into_iter()
                .filter(|p| p.definition.owner == person)
                .map(|p| (p.id, p.definition.name))
                .collect();
            for week in self.store.process_activity(org, since, until).await? {
                if let Some(name) = owned.get(&week.process) {
                    let outcomes = self.store.outcomes(org, week.process, since, until).await?;
                    let figures = figures_of(&outcomes);
                    digest.processes.push(ProcessWeek {
                        process: ProcessRef { id: week.process, name: name.clone() },
                        completed: week.completed,
                        moved: week.moved,
                        unresolved: week.unresolved,
                        on_time: figures.on_time_rate.map(|r| rate_words(Some(r))).unwrap_or_default(),
                        lead_time: figures.lead_time_median_secs.map(duration_words).unwrap_or_default(),
                    });
                }
            }
            // Read process by process: the organization's newest patterns, cut to a
            // limit, could leave this owner's out.
            let mut patterns = Vec::new();
            for &process in owned.keys() {
                let open =
                    PatternQuery { states: vec![PatternState::Open], process: Some(process), limit: DIGEST_TASKS };
                patterns.extend(self.store.list_patterns(org, &open).await?);
            }
            patterns
                .sort_by(|a, b| b.severity.cmp(&a.severity).then(b.last_seen.cmp(&a.last_seen)).then(a.id.cmp(&b.id)));
            digest.patterns = patterns.into_iter().take(DIGEST_TASKS as usize).map(|p| p.sentence).collect();
            // Unresolved work is held by its owner: the same list as their inbox, read by
            // holder rather than filtered from the whole organization's (which a limit
            // would cut short in a large one).
            let unresolved =
                TaskQuery { holder: Some(person), states: vec![TaskState::Unresolved], run: None, limit: DIGEST_TASKS };
            for task in self.store.list_tasks(org, &unresolved).await? {
                digest.unresolved.push(self.task_ref(view, &task, zone).await?);
            }
        }
        Ok(digest)
    }
}

/// A notice as a person's in-app list shows it: one line saying what to do, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeLine {
    pub title: String,
    pub url: String,
}

impl Engine {
    /// Words notices for the in-app list with the same templates as their email
    /// subjects, so a person reads the same sentence in both places.
    pub async fn notice_lines(&self, org: OrgId, notices: &[NoticeRecord]) -> Result<Vec<NoticeLine>, EngineError> {
        let mut view = self.org_view(org).await?;
        let mut lines = Vec::with_capacity(notices.len());
        for notice in notices {
            if let Some(person) = notice.person {
                self.load_preferences(&mut view, person).await?;
            }
            let message = match self.message(&view, notice).await {
                Ok(message) => message,
                // The task was deleted with its process since: say what kind of notice it was.
                Err(EngineError::NotFound) => {
                    lines.push(NoticeLine { title: notice.kind.as_str().to_string(), url: self.link("/") });
                    continue;
                }
                Err(e) => return Err(e),
            };
            let title = match &self.notifier {
                Some(notifier) => notifier.render(Channel::Email, &message).map(|r| r.subject).ok(),
                None => None,
            };
            let title = title.unwrap_or_else(|| match &message.task {
                Some(task) => format!("{}: {}", notice.kind, task.title),
                None => notice.kind.as_str().to_string(),
            });
            lines.push(NoticeLine { title, url: message.url });
        }
        Ok(lines)
    }
}
