//! Organizations, people, roles, systems and API tokens.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::access::Access;
use proofline_core::metrics::Goal;
use proofline_core::roles::PickRule;
use proofline_core::roster::Roster;
use proofline_core::{OrgId, PersonId, RoleId, SystemId, TokenId};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    /// The zone used for rules written without one.
    pub zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub access: Access,
    pub manager: Option<PersonId>,
    pub away_until: Option<Timestamp>,
    pub active: bool,
}

/// The fields a person is created or replaced with.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFields {
    pub name: String,
    pub email: String,
    pub access: Access,
    pub manager: Option<PersonId>,
    pub away_until: Option<Timestamp>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub pick: PickRule,
    pub members: Vec<PersonId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoleFields {
    pub name: String,
    pub pick: PickRule,
    pub members: Vec<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct System {
    pub id: SystemId,
    pub key: String,
    pub name: String,
    pub goal: String,
    pub owner: PersonId,
    pub parent: Option<SystemId>,
    pub software: Vec<String>,
    /// Measurable targets, checked by the engine before they are stored.
    pub goals: Vec<Goal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SystemFields {
    pub key: String,
    pub name: String,
    pub goal: String,
    pub owner: PersonId,
    pub parent: Option<SystemId>,
    pub software: Vec<String>,
    /// Measurable targets, checked by the engine before they are stored.
    pub goals: Vec<Goal>,
}

/// Who a bearer token speaks for.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenOwner {
    pub token: TokenId,
    pub org: OrgId,
    pub person: PersonId,
    pub access: Access,
}

#[async_trait]
pub trait DirectoryStore {
    async fn create_org(&self, name: &str, zone: &str) -> Result<OrgId>;
    async fn get_org(&self, org: OrgId) -> Result<Org>;
    async fn list_orgs(&self) -> Result<Vec<Org>>;

    /// Fails with `Conflict` when the email is taken in the organization.
    async fn create_person(&self, org: OrgId, fields: &PersonFields) -> Result<PersonId>;
    async fn update_person(&self, org: OrgId, id: PersonId, fields: &PersonFields) -> Result<()>;
    async fn get_person(&self, org: OrgId, id: PersonId) -> Result<Person>;
    async fn find_person_by_email(&self, org: OrgId, email: &str) -> Result<Option<Person>>;
    async fn list_people(&self, org: OrgId) -> Result<Vec<Person>>;

    async fn create_role(&self, org: OrgId, fields: &RoleFields) -> Result<RoleId>;
    async fn update_role(&self, org: OrgId, id: RoleId, fields: &RoleFields) -> Result<()>;
    async fn get_role(&self, org: OrgId, id: RoleId) -> Result<Role>;
    async fn list_roles(&self, org: OrgId) -> Result<Vec<Role>>;

    async fn create_system(&self, org: OrgId, fields: &SystemFields) -> Result<SystemId>;
    async fn update_system(&self, org: OrgId, id: SystemId, fields: &SystemFields) -> Result<()>;
    async fn get_system(&self, org: OrgId, id: SystemId) -> Result<System>;
    async fn list_systems(&self, org: OrgId) -> Result<Vec<System>>;

    /// Availability, managers and rotations of one organization, with the open-task load
    /// of every member of a least-loaded role (the only rule that needs it; counting
    /// everyone's would scan every open task on each engine pass).
    async fn load_roster(&self, org: OrgId) -> Result<Roster>;

    /// Stores only the SHA-256 of the secret.
    async fn create_token(
        &self,
        org: OrgId,
        person: PersonId,
        name: &str,
        secret_sha256: &str,
        now: Timestamp,
    ) -> Result<TokenId>;
    async fn token_owner(&self, secret_sha256: &str) -> Result<Option<TokenOwner>>;
}
