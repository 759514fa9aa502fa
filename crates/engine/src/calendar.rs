//! Each person's calendar feed: a secret address any calendar app subscribes to, listing
//! the work they hold and the steps named for them in runs not yet created. Entries keep
//! one identity from foreseen to done, so a calendar updates an entry instead of adding one.

use crate::blobs::sha256_hex;
use crate::notices::random_bytes;
use crate::{Actor, Engine, EngineError};
use jiff::{SignedDuration, Timestamp};
use proofline_core::agenda::foreseen_for;
use proofline_core::process::ProcessStatus;
use proofline_core::task::TaskState;
use proofline_core::{ProcessId, TaskId};
use proofline_store::TaskQuery;
use std::collections::HashSet;

/// Tasks a feed lists at most.
const HELD_LIMIT: u32 = 500;
/// Entries foreseen at most, and how far ahead.
const FORESEEN_LIMIT: usize = 500;
const FORESEEN_DAYS: i64 = 14;

/// One feed, ready to be written as iCalendar.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarFeed {
    /// "Proofline: Dan (Corner Café)".
    pub name: String,
    pub entries: Vec<CalendarEntry>,
}

/// One piece of work in a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEntry {
    /// The same for a foreseen step and the task it becomes.
    pub uid: String,
    /// Grows whenever the entry changes: 0 while foreseen, then the task's revision + 1.
    pub sequence: u32,
    pub title: String,
    pub process: String,
    /// `None` while the run is not created yet.
    pub task: Option<TaskId>,
    pub state: Option<TaskState>,
    pub opens_at: Timestamp,
    pub due_at: Timestamp,
    /// What proof the step asks for, in words.
    pub proof: Vec<String>,
    pub url: String,
}

/// The identity of step `step_index` of the run of `process` scheduled for `at`.
fn uid(process: ProcessId, at: Timestamp, step_index: u32) -> String {
    format!("p{}-{}-s{step_index}@proofline", process.0, at.as_millisecond())
}

impl Engine {
    /// A new secret address for the actor's calendar feed; any earlier one stops working.
    /// Returns the address.
    pub async fn reset_calendar(&self, actor: Actor) -> Result<String, EngineError> {
        let secret = format!("cal_{}", hex::encode(random_bytes::<20>()?));
        self.store.set_calendar_secret(actor.org, actor.person, &sha256_hex(secret.as_bytes())).await?;
        Ok(self.link(&format!("/api/v1/calendar/{secret}.ics")))
    }

    /// The feed `secret` opens; `NotFound` for an unknown secret or a person who left.
    pub async fn calendar(&self, secret: &str) -> Result<CalendarFeed, EngineError> {
        let (org, person) =
            self.store.find_calendar(&sha256_hex(secret.as_bytes())).await?.ok_or(EngineError::NotFound)?;
        let who = self.store.get_person(org, person).await?;
        if !who.active {
            return Err(EngineError::NotFound);
        }
        let org_name = self.store.get_org(org).await?.name;
        let query = TaskQuery {
            holder: Some(person),
            states: vec![TaskState::Waiting, TaskState::Open, TaskState::Submitted, TaskState::Unresolved],
            run: None,
            limit: HELD_LIMIT,
        };
        let mut entries = Vec::new();
        for task in self.store.list_tasks(org, &query).await? {
            let definition = self.definitions.get(task.process, task.version).await?;
            let proof = definition.proof_words(task.step_index as usize);
            entries.push(CalendarEntry {
                uid: uid(task.process, task.scheduled_for, task.step_index),
                sequence: u32::try_from(task.rev.saturating_add(1)).unwrap_or(u32::MAX),
                title: task.title,
                process: definition.name.clone(),
                task: Some(task.id),
                state: Some(task.state),
                opens_at: task.opens_at,
                due_at: task.due_at,
                proof,
                url: self.link(&format!("/tasks/{}", task.id)),
            });
        }
        let held: HashSet<String> = entries.iter().map(|e| e.uid.clone()).collect();
        let now = self.now();
        let until = now + SignedDuration::from_hours(24 * FORESEEN_DAYS);
        let mut foreseen = Vec::new();
        for process in self.store.list_processes(org).await? {
            let Some(first) = process.next_run_at.filter(|_| process.status == ProcessStatus::Active) else {
                continue;
            };
            for step in foreseen_for(&process.definition, person, first, until) {
                let uid = uid(process.id, step.scheduled_for, step.step_index);
                if held.contains(&uid) {
                    continue;
                }
                let proof = process.definition.proof_words(step.step_index as usize);
                foreseen.push(CalendarEntry {
                    uid,
                    sequence: 0,
                    title: step.title,
                    process: process.definition.name.clone(),
                    task: None,
                    state: None,
                    opens_at: step.opens_at,
                    due_at: step.due_at,
                    proof,
                    url: self.link("/"),
                });
            }
        }
        foreseen.sort_by_key(|e| e.opens_at);
        foreseen.truncate(FORESEEN_LIMIT);
        entries.extend(foreseen);
        Ok(CalendarFeed { name: format!("Proofline: {} ({org_name})", who.name), entries })
    }
}
