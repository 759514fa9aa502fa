//! Changing who is in the organization: the checks every door (API, web, CLI) shares.

use crate::valid_key;
use crate::{Actor, Engine, EngineError};
use proofline_core::access::Access;
use proofline_core::process::FieldError;
use proofline_core::{PersonId, SystemId};
use proofline_store::{PersonFields, StoreError, System, SystemFields};

impl Engine {
    /// Adds a person (`id` None) or replaces one. Managers only; only owners make or
    /// change owners. Returns the person's id.
    pub async fn save_person(
        &self,
        actor: Actor,
        id: Option<PersonId>,
        mut fields: PersonFields,
    ) -> Result<PersonId, EngineError> {
        if !actor.access.can_manage() {
            return Err(EngineError::Forbidden("only managers and owners can change people".into()));
        }
        if fields.access == Access::Owner && actor.access != Access::Owner {
            return Err(EngineError::Forbidden("only owners can make someone an owner".into()));
        }
        if let Some(id) = id {
            let current = self.store.get_person(actor.org, id).await?;
            if current.access == Access::Owner && actor.access != Access::Owner {
                return Err(EngineError::Forbidden("only owners can change an owner's details".into()));
            }
        }
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| problems.push(FieldError { field: field.into(), message });
        fields.name = fields.name.trim().to_string();
        fields.email = fields.email.trim().to_string();
        for (field, value, max) in [("name", &fields.name, 200), ("email", &fields.email, 254)] {
            if value.is_empty() {
                problem(field, "must not be blank".into());
            } else if value.chars().count() > max {
                problem(field, format!("at most {max} characters"));
            }
        }
        let looks_like_email = fields
            .email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.contains('@'))
            && !fields.email.contains(char::is_whitespace);
        if !fields.email.is_empty() && !looks_like_email {
            problem("email", "not an email address (name@example.com)".into());
        }
        if let Some(manager) = fields.manager {
            if Some(manager) == id {
                problem("manager", "a person cannot be their own manager".into());
            } else if self.store.get_person(actor.org, manager).await.is_err() {
                problem("manager", format!("no person {manager} in this organization"));
            }
        }
        if !problems.is_empty() {
            return Err(EngineError::Invalid(problems));
        }
        let saved = match id {
            None => self.store.create_person(actor.org, &fields).await,
            Some(id) => self.store.update_person(actor.org, id, &fields).await.map(|()| id),
        };
        saved.map_err(|e| match e {
            StoreError::Conflict(_) => {
                EngineError::Conflict("someone in this organization already has that email address".into())
            }
            other => other.into(),
        })
    }
}

impl Engine {
    /// Adds a system (`id` None) or replaces one (managers only): a unique key, an owner
    /// of this organization, a parent that exists and is not the system itself or below it.
    pub async fn save_system(
        &self,
        actor: Actor,
        id: Option<SystemId>,
        mut fields: SystemFields,
    ) -> Result<SystemId, EngineError> {
        if !actor.access.can_manage() {
            return Err(EngineError::Forbidden("only managers and owners can change systems".into()));
        }
        let systems = self.store.list_systems(actor.org).await?;
        if let Some(id) = id
            && !systems.iter().any(|s| s.id == id)
        {
            return Err(EngineError::NotFound);
        }
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| problems.push(FieldError { field: field.into(), message });
        fields.key = fields.key.trim().to_string();
        fields.name = fields.name.trim().to_string();
        fields.goal = fields.goal.trim().to_string();
        fields.software = fields.software.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if !valid_key(&fields.key) {
            problem("key", "use 1–64 lowercase letters, digits and dashes, e.g. \"kitchen\"".into());
        }
        if fields.name.is_empty() {
            problem("name", "must not be blank".into());
        } else if fields.name.chars().count() > 200 {
            problem("name", "at most 200 characters".into());
        }
        if self.store.get_person(actor.org, fields.owner).await.is_err() {
            problem("owner", format!("no person {} in this organization", fields.owner));
        }
        if let Some(parent) = fields.parent {
            if !systems.iter().any(|s| s.id == parent) {
                problem("parent", format!("no system {parent} in this organization"));
            } else if id.is_some_and(|me| ancestors(&systems, parent).contains(&me)) {
                problem("parent", "a system cannot sit inside itself".into());
            }
        }
        if !problems.is_empty() {
            return Err(EngineError::Invalid(problems));
        }
        let saved = match id {
            None => self.store.create_system(actor.org, &fields).await,
            Some(id) => self.store.update_system(actor.org, id, &fields).await.map(|()| id),
        };
        saved.map_err(|e| match e {
            StoreError::Conflict(_) => EngineError::Conflict("a system with that key already exists".into()),
            other => other.into(),
        })
    }
}

/// `start` and every system above it, stopping at a loop.
fn ancestors(systems: &[System], start: SystemId) -> Vec<SystemId> {
    let mut chain = vec![start];
    let mut at = start;
    while let Some(parent) = systems.iter().find(|s| s.id == at).and_then(|s| s.parent) {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain
}
