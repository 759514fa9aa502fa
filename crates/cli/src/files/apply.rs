//! `proofline apply FILE`: make the organization match the file. Everything is checked
//! first and nothing is written if anything is wrong; applying the same file twice
//! changes nothing the second time.

use super::format::*;
use super::resolve::{Names, Problem, Resolver};
use crate::user_error;
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId};
use proofline_engine::{Actor, Engine};
use proofline_store::{PersonFields, RoleFields, SystemFields};
use std::fmt::Write as _;
use std::path::Path;

/// What applying changed, counted for the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub versions: Vec<(String, u32)>,
}

impl Summary {
    fn count(&mut self, created: bool, changed: bool) {
        match (created, changed) {
            (true, _) => self.created += 1,
            (false, true) => self.updated += 1,
            (false, false) => self.unchanged += 1,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} created, {} updated, {} unchanged", self.created, self.updated, self.unchanged)?;
        for (key, version) in &self.versions {
            write!(f, "\n  process {key}: now version {version}")?;
        }
        Ok(())
    }
}

fn report(path: &Path, problems: &[Problem]) -> anyhow::Error {
    let mut text = format!("{} has {} problem(s); nothing was changed:", path.display(), problems.len());
    for p in problems {
        let _ = write!(text, "\n  {}:{}: {}: {}", path.display(), p.line, p.field, p.message);
    }
    user_error(text)
}

async fn choose_org(engine: &Engine, doc: &Document, org: Option<i64>) -> anyhow::Result<Option<OrgId>> {
    let orgs = engine.store.list_orgs().await?;
    Ok(match org {
        Some(id) => {
            Some(orgs.iter().find(|o| o.id.0 == id).ok_or_else(|| user_error(format!("no organization {id}")))?.id)
        }
        None if orgs.is_empty() => None,
        None if orgs.len() == 1 => Some(orgs[0].id),
        None => Some(
            orgs.iter()
                .find(|o| o.name == doc.organization.name)
                .ok_or_else(|| {
                    user_error("there are several organizations and none has this file's name: say which with --org ID")
                })?
                .id,
        ),
    })
}

pub async fn apply(engine: &Engine, path: &Path, org: Option<i64>) -> anyhow::Result<Summary> {
    let text = std::fs::read_to_string(path).map_err(|e| user_error(format!("cannot read {}: {e}", path.display())))?;
    let doc: Document = toml::from_str(&text).map_err(|e| user_error(format!("{}: {e}", path.display())))?;
    if proofline_core::cadence::lookup_zone(&doc.organization.zone).is_err() {
        return Err(user_error(format!(
            "{}: organization.zone {:?} is not an IANA time zone",
            path.display(),
            doc.organization.zone
        )));
    }
    let org = choose_org(engine, &doc, org).await?;
    let store = &engine.store;

    // What exists, by the names the file uses.
    let mut names = Names::default();
    let (people, roles, systems) = match org {
        Some(org) => (store.list_people(org).await?, store.list_roles(org).await?, store.list_systems(org).await?),
        None => Default::default(),
    };
    for p in &people {
        names.people.insert(p.email.to_ascii_lowercase(), Some(p.id));
    }
    for r in &roles {
        names.roles.insert(r.name.clone(), Some(r.id));
    }
    for s in &systems {
        names.systems.insert(s.key.clone(), Some(s.id));
    }
    let mut problems = Vec::new();
    let mut declare = |kind: &str, name: String, offset: usize, seen: &mut std::collections::HashSet<String>| {
        if !seen.insert(name.clone()) {
            problems.push(Problem {
                line: line_of(&text, offset),
                field: kind.into(),
                message: format!("{name:?} is declared twice"),
            });
        }
    };
    let (mut seen_people, mut seen_roles, mut seen_systems, mut seen_processes) = Default::default();
    for p in &doc.people {
        declare("people.email", p.get_ref().email.to_ascii_lowercase(), p.span().start, &mut seen_people);
        names.people.entry(p.get_ref().email.to_ascii_lowercase()).or_insert(None);
    }
    for r in &doc.roles {
        declare("roles.name", r.get_ref().name.clone(), r.span().start, &mut seen_roles);
        names.roles.entry(r.get_ref().name.clone()).or_insert(None);
    }
    for s in &doc.systems {
        declare("systems.key", s.get_ref().key.clone(), s.span().start, &mut seen_systems);
        names.systems.entry(s.get_ref().key.clone()).or_insert(None);
    }
    for p in &doc.processes {
        declare("processes.key", p.get_ref().key.clone(), p.span().start, &mut seen_processes);
    }

    // Check everything before writing anything.
    let mut resolver = Resolver { text: &text, names: &names, zone: &doc.organization.zone, problems };
    for p in &doc.people {
        let (at, person) = (p.span().start, p.get_ref());
        if !person.email.contains('@') || person.email.trim() != person.email {
            resolver.problem(at, format!("people[{}].email", person.email), "not an email address");
        }
        if person.name.trim().is_empty() {
            resolver.problem(at, format!("people[{}].name", person.email), "a person needs a name");
        }
        resolver.access(at, &format!("people[{}].access", person.email), &person.access);
        if let Some(manager) = &person.manager {
            resolver.person(at, &format!("people[{}].manager", person.email), manager);
        }
        if let Some(until) = &person.away_until
            && until.parse::<jiff::Timestamp>().is_err()
        {
            resolver.problem(
                at,
                format!("people[{}].away_until", person.email),
                "write an instant like 2026-12-24T00:00:00Z",
            );
        }
    }
    for r in &doc.roles {
        let (at, role) = (r.span().start, r.get_ref());
        resolver.pick(at, &format!("roles[{}].pick", role.name), &role.pick);
        for member in &role.members {
            resolver.person(at, &format!("roles[{}].members", role.name), member);
        }
    }
    for s in &doc.systems {
        let (at, system) = (s.span().start, s.get_ref());
        if !proofline_engine::valid_key(&system.key) {
            resolver.problem(at, format!("systems[{}].key", system.key), "use lowercase letters, digits and dashes");
        }
        resolver.person(at, &format!("systems[{}].owner", system.key), &system.owner);
        if let Some(parent) = &system.parent {
            resolver.system(at, &format!("systems[{}].parent", system.key), parent);
        }
    }
    for p in &doc.processes {
        if !proofline_engine::valid_key(&p.get_ref().key) {
            resolver.problem(
                p.span().start,
                format!("processes[{}].key", p.get_ref().key),
                "use lowercase letters, digits and dashes",
            );
        }
        resolver.process(p.span().start, p.get_ref());
    }
    if !resolver.problems.is_empty() {
        return Err(report(path, &resolver.problems));
    }
    write(engine, &doc, &text, org, names).await.map_err(|e| user_error(format!("{}: {e}", path.display())))
}

/// Writes a document that passed every check.
async fn write(
    engine: &Engine,
    doc: &Document,
    text: &str,
    org: Option<OrgId>,
    mut names: Names,
) -> anyhow::Result<Summary> {
    let store = &engine.store;
    let mut summary = Summary::default();
    let org = match org {
        Some(org) => org,
        None => {
            summary.created += 1;
            store.create_org(&doc.organization.name, &doc.organization.zone).await?
        }
    };
    // People first without managers, so managers may be declared in any order.
    let mut created_people = Vec::new();
    for p in &doc.people {
        let person = p.get_ref();
        let key = person.email.to_ascii_lowercase();
        if names.people.get(&key).copied().flatten().is_none() {
            let fields = PersonFields {
                name: person.name.clone(),
                email: person.email.clone(),
                access: Access::Member,
                manager: None,
                away_until: None,
                active: true,
            };
            let id = store.create_person(org, &fields).await?;
            names.people.insert(key.clone(), Some(id));
            created_people.push(key);
        }
    }
    let person_id = |names: &Names, email: &str| {
        names.people.get(&email.to_ascii_lowercase()).copied().flatten().unwrap_or(PersonId(0))
    };
    for p in &doc.people {
        let person = p.get_ref();
        let id = person_id(&names, &person.email);
        let fields = PersonFields {
            name: person.name.clone(),
            email: person.email.clone(),
            access: Access::parse(&person.access).unwrap_or_default(),
            manager: person.manager.as_deref().map(|m| person_id(&names, m)),
            away_until: person.away_until.as_deref().and_then(|u| u.parse().ok()),
            active: person.active,
        };
        let before = store.get_person(org, id).await?;
        let changed = (
            before.name.as_str(),
            before.email.as_str(),
            before.access,
            before.manager,
            before.away_until,
            before.active,
        ) != (
            fields.name.as_str(),
            fields.email.as_str(),
            fields.access,
            fields.manager,
            fields.away_until,
            fields.active,
        );
        if changed {
            store.update_person(org, id, &fields).await?;
        }
        summary.count(created_people.contains(&person.email.to_ascii_lowercase()), changed);
    }
    for r in &doc.roles {
        let role = r.get_ref();
        let fields = RoleFields {
            name: role.name.clone(),
            pick: proofline_core::roles::PickRule::parse(&role.pick).unwrap_or_default(),
            members: role.members.iter().map(|m| person_id(&names, m)).collect(),
        };
        match names.roles.get(&role.name).copied().flatten() {
            Some(id) => {
                let before = store.get_role(org, id).await?;
                let changed = (before.pick, &before.members) != (fields.pick, &fields.members);
                if changed {
                    store.update_role(org, id, &fields).await?;
                }
                summary.count(false, changed);
            }
            None => {
                let id = store.create_role(org, &fields).await?;
                names.roles.insert(role.name.clone(), Some(id));
                summary.count(true, true);
            }
        }
    }
    let system_fields = |names: &Names, system: &SystemDoc, with_parent: bool| SystemFields {
        key: system.key.clone(),
        name: system.name.clone(),
        goal: system.goal.clone(),
        owner: person_id(names, &system.owner),
        parent: if with_parent {
            system.parent.as_ref().and_then(|p| names.systems.get(p).copied().flatten())
        } else {
            None
        },
        software: system.software.clone(),
        // Files carry no goals: a goal on a proof field names a process by id, which a file
        // does not know yet. Goals are set in the app and kept below when a file is applied.
        goals: Vec::new(),
    };
    let mut created_systems = Vec::new();
    for s in &doc.systems {
        let system = s.get_ref();
        if names.systems.get(&system.key).copied().flatten().is_none() {
            let id = store.create_system(org, &system_fields(&names, system, false)).await?;
            names.systems.insert(system.key.clone(), Some(id));
            created_systems.push(system.key.clone());
        }
    }
    for s in &doc.systems {
        let system = s.get_ref();
        let id = names.systems.get(&system.key).copied().flatten().unwrap_or(proofline_core::SystemId(0));
        let before = store.get_system(org, id).await?;
        let fields = SystemFields { goals: before.goals.clone(), ..system_fields(&names, system, true) };
        let changed = (before.name.as_str(), before.goal.as_str(), before.owner, before.parent, &before.software)
            != (fields.name.as_str(), fields.goal.as_str(), fields.owner, fields.parent, &fields.software);
        if changed {
            store.update_system(org, id, &fields).await?;
        }
        summary.count(created_systems.contains(&system.key), changed);
    }
    for p in &doc.processes {
        let process = p.get_ref();
        let mut resolver = Resolver { text, names: &names, zone: &doc.organization.zone, problems: Vec::new() };
        let (status, definition) = resolver.process(p.span().start, process);
        let actor = Actor { org, person: definition.owner, access: Access::Owner };
        match store.find_process_by_key(org, &process.key).await? {
            None => {
                let created = engine.create_process(actor, &process.key, status, definition).await?;
                summary.count(true, true);
                summary.versions.push((process.key.clone(), created.version));
            }
            Some(existing) => {
                let change = engine.update_process(actor, existing.id, definition).await?;
                let status_changed = existing.status != status;
                if status_changed {
                    engine.set_process_status(actor, existing.id, status).await?;
                }
                summary.count(false, change.changed || status_changed);
                if change.changed {
                    summary.versions.push((process.key.clone(), change.version));
                }
            }
        }
    }
    Ok(summary)
}
