//! Turning a document's names into ids and definitions, collecting every problem with the
//! line it comes from.

use super::format::*;
use proofline_core::access::Access;
use proofline_core::escalation::{EscalationChain, Level, Target};
use proofline_core::process::{Assignee, ProcessDefinition, ProcessStatus, Step};
use proofline_core::roles::PickRule;
use proofline_core::{Cadence, PersonId, RoleId, Schedule, SystemId};
use std::collections::HashMap;

/// One thing wrong with the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// Names known to the document: ids for what exists already; `None` for what the file
/// will create (validation only needs to know the name is declared).
#[derive(Default)]
pub struct Names {
    pub people: HashMap<String, Option<PersonId>>,
    pub roles: HashMap<String, Option<RoleId>>,
    pub systems: HashMap<String, Option<SystemId>>,
}

/// A stand-in id for something the file declares but the database does not hold yet.
const PLANNED: i64 = -1;

pub struct Resolver<'a> {
    pub text: &'a str,
    pub names: &'a Names,
    pub zone: &'a str,
    pub problems: Vec<Problem>,
}

impl Resolver<'_> {
    pub fn problem(&mut self, offset: usize, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { line: line_of(self.text, offset), field: field.into(), message: message.into() });
    }

    pub fn person(&mut self, offset: usize, field: &str, email: &str) -> PersonId {
        match self.names.people.get(&email.to_ascii_lowercase()) {
            Some(id) => id.unwrap_or(PersonId(PLANNED)),
            None => {
                self.problem(offset, field, format!("no person with email {email:?} (declare them under [[people]])"));
                PersonId(PLANNED)
            }
        }
    }

    fn role(&mut self, offset: usize, field: &str, name: &str) -> RoleId {
        match self.names.roles.get(name) {
            Some(id) => id.unwrap_or(RoleId(PLANNED)),
            None => {
                self.problem(offset, field, format!("no role named {name:?} (declare it under [[roles]])"));
                RoleId(PLANNED)
            }
        }
    }

    pub fn system(&mut self, offset: usize, field: &str, key: &str) -> SystemId {
        match self.names.systems.get(key) {
            Some(id) => id.unwrap_or(SystemId(PLANNED)),
            None => {
                self.problem(offset, field, format!("no system with key {key:?} (declare it under [[systems]])"));
                SystemId(PLANNED)
            }
        }
    }

    pub fn access(&mut self, offset: usize, field: &str, text: &str) -> Access {
        Access::parse(text).unwrap_or_else(|| {
            self.problem(offset, field, format!("{text:?} is not one of owner, manager, member, auditor"));
            Access::Member
        })
    }

    pub fn pick(&mut self, offset: usize, field: &str, text: &str) -> PickRule {
        PickRule::parse(text).unwrap_or_else(|| {
            self.problem(offset, field, format!("{text:?} is not one of round_robin, least_loaded, first_available"));
            PickRule::RoundRobin
        })
    }

    fn assignee(&mut self, offset: usize, field: &str, text: &str) -> Assignee {
        match text.strip_prefix("role:") {
            Some(role) => Assignee::Role(self.role(offset, field, role.trim())),
            None => Assignee::Person(self.person(offset, field, text)),
        }
    }

    fn target(&mut self, offset: usize, field: &str, text: &str) -> Target {
        match text {
            "manager" => Target::Manager,
            "owner" => Target::Owner,
            _ => match self.assignee(offset, field, text) {
                Assignee::Person(p) => Target::Person(p),
                Assignee::Role(r) => Target::Role(r),
            },
        }
    }

    fn cadence(&mut self, offset: usize, field: &str, doc: &CadenceDoc) -> Cadence {
        let parsed = match doc {
            CadenceDoc::Text(text) if text.trim() == "manual" => Ok(Cadence::Manual),
            CadenceDoc::Text(text) => Schedule::parse(text, Some(self.zone)).map(|s| Cadence::Schedule(Box::new(s))),
            CadenceDoc::Cron { cron, tz } => {
                Schedule::from_cron(cron, tz.as_deref().unwrap_or(self.zone)).map(|s| Cadence::Schedule(Box::new(s)))
            }
            CadenceDoc::Event { event } if event.trim().is_empty() => {
                Err(proofline_core::CadenceError::Rule("an event name cannot be blank".into()))
            }
            CadenceDoc::Event { event } => Ok(Cadence::Event { name: event.trim().to_string() }),
        };
        parsed.unwrap_or_else(|e| {
            self.problem(offset, field, e.to_string());
            Cadence::Manual
        })
    }

    /// The definition a process document describes; problems are collected, not returned.
    pub fn process(&mut self, offset: usize, doc: &ProcessDoc) -> (ProcessStatus, ProcessDefinition) {
        let at = |field: &str| format!("processes[{}].{field}", doc.key);
        let status = ProcessStatus::parse(&doc.status).unwrap_or_else(|| {
            self.problem(offset, at("status"), format!("{:?} is not one of draft, active, paused", doc.status));
            ProcessStatus::Draft
        });
        let owner = self.person(offset, &at("owner"), &doc.owner);
        let system = doc.system.as_deref().map(|key| self.system(offset, &at("system"), key));
        let cadence = self.cadence(offset, &at("cadence"), &doc.cadence);
        let levels: Vec<Level> = doc
            .escalation
            .iter()
            .enumerate()
            .map(|(i, level)| Level {
                to: self.target(offset, &at(&format!("escalation[{i}].to")), &level.to),
                window: level.window,
            })
            .collect();
        let escalation = EscalationChain::new(levels).unwrap_or_else(|e| {
            self.problem(offset, at("escalation"), e.to_string());
            EscalationChain::new(vec![Level { to: Target::Owner, window: proofline_core::span::Span::from_secs(3600) }])
                .expect("one level")
        });
        let mut steps = Vec::new();
        for (i, step) in doc.steps.iter().enumerate() {
            let assignee = self.assignee(offset, &at(&format!("steps[{i}].assignee")), &step.assignee);
            let mut depends_on = Vec::new();
            for title in &step.after {
                match doc.steps[..i].iter().position(|s| &s.title == title) {
                    Some(index) => depends_on.push(index),
                    None => self.problem(
                        offset,
                        at(&format!("steps[{i}].after")),
                        format!("no earlier step titled {title:?}"),
                    ),
                }
            }
            steps.push(Step {
                title: step.title.clone(),
                sop: step.sop.clone(),
                sop_url: step.sop_url.clone(),
                assignee,
                opens_after: step.opens,
                due_after: step.due,
                depends_on,
                proof: step.proof.clone(),
                corrective: step.corrective.clone(),
            });
        }
        let mut definition = ProcessDefinition {
            name: doc.name.clone(),
            description: doc.description.clone(),
            owner,
            system,
            cadence,
            steps,
            escalation,
        };
        for error in definition.normalize() {
            self.problem(offset, at(&error.field), error.message);
        }
        (status, definition)
    }
}
