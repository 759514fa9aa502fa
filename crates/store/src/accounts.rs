//! Signing in to the web app: passwords, browser sessions, invitation and reset links,
//! and the API tokens a person manages. Secrets are never stored, only their SHA-256.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId, TokenId};

/// A person who may sign in: active, with a password set.
#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    pub org: OrgId,
    pub org_name: String,
    pub person: PersonId,
    pub access: Access,
    /// The PHC string of the password's argon2id hash.
    pub password_hash: String,
}

/// A browser session as it is created at sign-in.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    /// SHA-256 of the cookie's secret.
    pub id_sha256: String,
    pub org: OrgId,
    pub person: PersonId,
    /// The token every form of this session must carry.
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A live session: unexpired, its person still active; with what every page shows of
/// them, read in the same query.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub org: OrgId,
    pub person: PersonId,
    /// The person's access now, not at sign-in: a demotion takes effect at once.
    pub access: Access,
    pub csrf: String,
    pub expires_at: Timestamp,
    pub name: String,
    pub org_name: String,
    /// The person's own zone if they set one, else the organization's.
    pub zone: String,
}

/// What a one-time link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Join an organization by choosing a password.
    Invite,
    /// Choose a new password.
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invite => "invite",
            LinkPurpose::Reset => "reset",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewLink {
    pub sha256: String,
    pub org: OrgId,
    pub person: PersonId,
    pub purpose: LinkPurpose,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Whom an unused, unexpired link is for.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkHolder {
    pub org: OrgId,
    pub person: PersonId,
    pub name: String,
    pub email: String,
}

/// An API token as its owner sees it in the list (never its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord {
    pub id: TokenId,
    pub name: String,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait AccountStore {
    /// Everyone with this email (case-insensitive) who may sign in, in every organization.
    async fn logins_by_email(&self, email: &str) -> Result<Vec<Login>>;
    /// Sets a person's password hash. `NotFound` outside the organization.
    async fn set_password(&self, org: OrgId, person: PersonId, hash: &str) -> Result<()>;

    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The session behind a cookie, if it is live at `now`.
    async fn session(&self, id_sha256: &str, now: Timestamp) -> Result<Option<SessionRecord>>;
    async fn end_session(&self, id_sha256: &str) -> Result<()>;
    /// Signs a person out everywhere; returns how many sessions ended.
    async fn end_sessions(&self, org: OrgId, person: PersonId) -> Result<u64>;

    async fn create_link(&self, link: &NewLink) -> Result<()>;
    /// Whom a link is for, without using it (to show the form it opens).
    async fn peek_link(&self, sha256: &str, purpose: LinkPurpose, now: Timestamp) -> Result<Option<LinkHolder>>;
    /// Uses a link once: sets the password and marks every open link of the same purpose
    /// for that person used, atomically. `None` when it is unknown, used or expired.
    async fn redeem_link(
        &self,
        sha256: &str,
        purpose: LinkPurpose,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Option<LinkHolder>>;

    async fn list_tokens(&self, org: OrgId, person: PersonId) -> Result<Vec<TokenRecord>>;
    /// Revokes one of the person's tokens. `NotFound` when it is not theirs.
    async fn revoke_token(&self, org: OrgId, person: PersonId, token: TokenId) -> Result<()>;
}
