//! The first run: a new installation has no organization, and whoever opens it first
//! names one and becomes its owner. Once an organization exists this door stays shut;
//! everyone else comes in by invitation.

use crate::accounts::{SignedIn, password_problem};
use crate::directory::name_and_email_problems;
use crate::{Engine, EngineError};
use jiff::tz::TimeZone;
use proofline_core::access::Access;
use proofline_core::process::FieldError;
use proofline_store::PersonFields;

/// What the first-run form asks for.
#[derive(Debug, Clone, Default)]
pub struct FirstOwner {
    pub organization: String,
    /// An IANA zone name; the organization's days and weeks follow it.
    pub zone: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

impl Engine {
    /// Whether the installation still waits for its first organization.
    pub async fn needs_setup(&self) -> Result<bool, EngineError> {
        Ok(self.store.list_orgs().await?.is_empty())
    }

    /// Creates the first organization with `first` as its owner and signs them in.
    /// Every field is checked before anything is written, so a mistake leaves the
    /// installation as new as it was.
    pub async fn set_up(&self, first: FirstOwner) -> Result<SignedIn, EngineError> {
        // Two people opening a new installation at once must not make two organizations.
        let _one_at_a_time = self.setup_lock.lock().await;
        if !self.needs_setup().await? {
            return Err(EngineError::Conflict("Proofline is already set up here: sign in instead".into()));
        }
        let organization = first.organization.trim();
        let zone = first.zone.trim();
        let mut person = PersonFields {
            name: first.name,
            email: first.email,
            access: Access::Owner,
            manager: None,
            away_until: None,
            active: true,
        };
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| problems.push(FieldError { field: field.into(), message });
        if organization.is_empty() {
            problem("organization", "must not be blank".into());
        } else if organization.chars().count() > 200 {
            problem("organization", "at most 200 characters".into());
        }
        if TimeZone::get(zone).is_err() {
            problem(
                "zone",
                "not a time zone name Proofline knows (for example Europe/Berlin or America/Chicago)".into(),
            );
        }
        if let Some(message) = password_problem(&first.password) {
            problem("password", message);
        }
        problems.extend(name_and_email_problems(&mut person));
        if !problems.is_empty() {
            return Err(EngineError::Invalid(problems));
        }
        let hash = self.hash_password(&first.password).await?;
        let org = self.store.create_org(organization, zone).await?;
        let owner = self.store.create_person(org, &person).await?;
        self.store.set_password(org, owner, &hash).await?;
        self.start_session(org, owner, Access::Owner).await
    }
}
