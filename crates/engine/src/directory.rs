//! Changing who is in the organization: the checks every door (API, web, CLI) shares.

use crate::{Actor, Engine, EngineError};
use proofline_core::PersonId;
use proofline_core::access::Access;
use proofline_core::process::FieldError;
use proofline_store::{PersonFields, StoreError};

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
