//! Signing in: argon2id password hashes, browser sessions and one-time links to choose a
//! password (invitations and resets). Every secret handed out is random and only its
//! SHA-256 is stored, so a copy of the database signs nobody in.

use crate::blobs::sha256_hex;
use crate::notices::random_bytes;
use crate::{Actor, Engine, EngineError, Mail};
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId};
use proofline_store::{LinkHolder, LinkPurpose, NewLink, NewSession, StoreError};

/// Shortest password accepted; long passphrases beat composition rules.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted, so hashing cannot be used to burn CPU.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// argon2id's cost. The default follows OWASP's minimum (19 MiB, two passes); tests
/// lower it so a sign-in does not dominate their run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Default for PasswordCost {
    fn default() -> Self {
        PasswordCost { memory_kib: 19 * 1024, iterations: 2 }
    }
}

impl PasswordCost {
    /// For tests only: fast, and far too weak for real passwords.
    pub const TESTING: PasswordCost = PasswordCost { memory_kib: 64, iterations: 1 };

    fn hasher(self) -> Result<Argon2<'static>, EngineError> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)
            .map_err(|e| EngineError::Store(StoreError::Other(format!("argon2 parameters: {e}"))))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// A signed-in browser: the cookie's secret (shown once), whom it speaks for and until when.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub secret: String,
    pub actor: Actor,
    pub expires_at: Timestamp,
}

/// Who a session cookie speaks for, and the token its forms carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub expires_at: Timestamp,
    /// The person's name, their organization's, and the zone their times are shown in.
    pub name: String,
    pub org_name: String,
    pub zone: String,
}

/// A one-time link's secret and when it stops working.
#[derive(Debug, Clone)]
pub struct LinkSecret {
    pub secret: String,
    pub expires_at: Timestamp,
}

/// How long a link to choose a password works.
pub fn link_lifetime(purpose: LinkPurpose) -> SignedDuration {
    match purpose {
        LinkPurpose::Invite => SignedDuration::from_hours(7 * 24),
        LinkPurpose::Reset => SignedDuration::from_hours(1),
    }
}

pub(crate) fn random_secret(prefix: &str) -> Result<String, EngineError> {
    Ok(format!("{prefix}{}", hex::encode(random_bytes::<32>()?)))
}

/// What is wrong with `password` as a new password, if anything.
pub(crate) fn password_problem(password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Some(format!("use at least {MIN_PASSWORD_CHARS} characters"))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some(format!("use at most {MAX_PASSWORD_BYTES} bytes"))
    } else {
        None
    }
}

/// Whether `password` matches one PHC hash; the hash carries its own cost parameters.
fn matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

impl Engine {
    /// Hashes a new password after checking it is acceptable.
    pub async fn hash_password(&self, password: &str) -> Result<String, EngineError> {
        if let Some(problem) = password_problem(password) {
            return Err(EngineError::invalid("password", problem));
        }
        let hasher = self.config.password_cost.hasher()?;
        let password = password.to_string();
        tokio::task::spawn_blocking(move || hasher.hash_password(password.as_bytes()).map(|h| h.to_string()))
            .await
            .map_err(|e| EngineError::Store(StoreError::Other(format!("hashing stopped: {e}"))))?
            .map_err(|e| EngineError::Store(StoreError::Other(format!("hashing failed: {e}"))))
    }

    /// Signs in with email and password. A person in several organizations enters the
    /// first one their password opens. `None` for any mismatch, with the same work done
    /// whether or not the email is known, so timing does not tell which.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Option<SignedIn>, EngineError> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Ok(None);
        }
        let logins = self.store.logins_by_email(email.trim()).await?;
        let hashes: Vec<String> = if logins.is_empty() {
            vec![self.decoy_hash().await?]
        } else {
            logins.iter().map(|l| l.password_hash.clone()).collect()
        };
        let password = password.to_string();
        let matched = tokio::task::spawn_blocking(move || hashes.iter().position(|hash| matches(hash, &password)))
            .await
            .map_err(|e| EngineError::Store(StoreError::Other(format!("verifying stopped: {e}"))))?;
        let Some(login) = matched.and_then(|i| logins.get(i)) else { return Ok(None) };
        self.start_session(login.org, login.person, login.access).await.map(Some)
    }

    /// A hash of nothing anyone can type, computed once, to verify against when an email
    /// is unknown.
    async fn decoy_hash(&self) -> Result<String, EngineError> {
        if let Some(hash) = self.decoy.get() {
            return Ok(hash.clone());
        }
        let hash = self.hash_password(&random_secret("decoy-")?).await?;
        Ok(self.decoy.get_or_init(|| hash).clone())
    }

    pub(crate) async fn start_session(
        &self,
        org: OrgId,
        person: PersonId,
        access: Access,
    ) -> Result<SignedIn, EngineError> {
        let secret = random_secret("")?;
        let now = self.now();
        let session = NewSession {
            id_sha256: sha256_hex(secret.as_bytes()),
            org,
            person,
            csrf: random_secret("")?,
            created_at: now,
            expires_at: now + self.config.session_lifetime,
        };
        self.store.create_session(&session).await?;
        Ok(SignedIn { secret, actor: Actor { org, person, access }, expires_at: session.expires_at })
    }

    /// The live session behind a cookie's secret.
    pub async fn session(&self, secret: &str) -> Result<Option<Session>, EngineError> {
        let record = self.store.session(&sha256_hex(secret.as_bytes()), self.now()).await?;
        Ok(record.map(|r| Session {
            actor: Actor { org: r.org, person: r.person, access: r.access },
            csrf: r.csrf,
            expires_at: r.expires_at,
            name: r.name,
            org_name: r.org_name,
            zone: r.zone,
        }))
    }

    pub async fn sign_out(&self, secret: &str) -> Result<(), EngineError> {
        Ok(self.store.end_session(&sha256_hex(secret.as_bytes())).await?)
    }

    /// Ends every session of the actor, on every device.
    pub async fn sign_out_everywhere(&self, actor: Actor) -> Result<u64, EngineError> {
        Ok(self.store.end_sessions(actor.org, actor.person).await?)
    }

    /// Changes the actor's own password after checking the current one. Every session
    /// ends; the one returned replaces the caller's.
    pub async fn change_password(&self, actor: Actor, current: &str, new: &str) -> Result<SignedIn, EngineError> {
        let person = self.store.get_person(actor.org, actor.person).await?;
        let logins = self.store.logins_by_email(&person.email).await?;
        let hash =
            logins.iter().find(|l| l.org == actor.org && l.person == actor.person).map(|l| l.password_hash.clone());
        let current = current.to_string();
        let ok = match hash {
            Some(hash) => tokio::task::spawn_blocking(move || matches(&hash, &current)).await.unwrap_or(false),
            None => false,
        };
        if !ok {
            return Err(EngineError::invalid("current_password", "that is not your current password"));
        }
        let hash = self.hash_password(new).await?;
        self.store.set_password(actor.org, actor.person, &hash).await?;
        self.store.end_sessions(actor.org, actor.person).await?;
        self.start_session(actor.org, actor.person, actor.access).await
    }

    /// A link that lets `person` choose a password: managers invite, anyone may ask for a
    /// reset of their own (see [`Engine::reset_links`]).
    pub async fn invite(&self, actor: Actor, person: PersonId) -> Result<LinkSecret, EngineError> {
        if !actor.access.can_manage() {
            return Err(EngineError::Forbidden("only managers and owners invite people".into()));
        }
        let invitee = self.store.get_person(actor.org, person).await?;
        if !invitee.active {
            return Err(EngineError::Conflict(format!("{} is inactive; make them active first", invitee.name)));
        }
        self.issue_link(actor.org, person, LinkPurpose::Invite).await
    }

    /// Emails a password-reset link to everyone with this email who may sign in (one per
    /// organization). The caller learns nothing of whether the email is known; a failed
    /// send is logged for the operator.
    pub async fn request_password_reset(&self, email: &str) -> Result<(), EngineError> {
        for (holder, link) in self.reset_links(email).await? {
            let org = self.store.get_org(holder.org).await?;
            let url = format!("{}/reset/{}", self.config.public_url.trim_end_matches('/'), link.secret);
            let body = format!(
                "Someone (hopefully you) asked to reset the password of your Proofline account at {}.\n\n\
                 Choose a new password here; the link works once, for one hour:\n{url}\n\n\
                 If you did not ask, ignore this email: your password stays as it is.\n",
                org.name
            );
            let mail = Mail {
                to: holder.email,
                subject: "Reset your Proofline password".into(),
                body,
                key: format!("reset:{}", sha256_hex(link.secret.as_bytes())),
            };
            self.send_mail(&mail).await;
        }
        Ok(())
    }

    /// Emails `person` their invitation link; false when email is not set up or the send
    /// failed (the manager then passes the link on).
    pub async fn email_invitation(
        &self,
        actor: Actor,
        person: PersonId,
        link: &LinkSecret,
    ) -> Result<bool, EngineError> {
        let invitee = self.store.get_person(actor.org, person).await?;
        let inviter = self.store.get_person(actor.org, actor.person).await?;
        let org = self.store.get_org(actor.org).await?;
        let url = format!("{}/join/{}", self.config.public_url.trim_end_matches('/'), link.secret);
        let body = format!(
            "{} invited you to {} on Proofline, where your work, how to do it and the proof each step needs are \
             in one place.\n\nChoose your password here; the link works once, for 7 days:\n{url}\n\n\
             You will sign in as {}.\n",
            inviter.name, org.name, invitee.email
        );
        let mail = Mail {
            to: invitee.email,
            subject: format!("{} invited you to Proofline", inviter.name),
            body,
            key: format!("invite:{}", sha256_hex(link.secret.as_bytes())),
        };
        Ok(self.send_mail(&mail).await)
    }

    async fn send_mail(&self, mail: &Mail) -> bool {
        let Some(notifier) = self.notifier.as_ref().filter(|_| self.config.email) else {
            tracing::warn!(to = %mail.to, subject = %mail.subject, "account email not sent: email is not set up");
            return false;
        };
        match notifier.send_mail(mail).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(to = %mail.to, subject = %mail.subject, error = %e, "account email not sent");
                false
            }
        }
    }

    /// Reset links for everyone with this email who may sign in, one per organization,
    /// for the caller to send by email; never says whether the email is known.
    pub async fn reset_links(&self, email: &str) -> Result<Vec<(LinkHolder, LinkSecret)>, EngineError> {
        let mut links = Vec::new();
        for login in self.store.logins_by_email(email.trim()).await? {
            let person = self.store.get_person(login.org, login.person).await?;
            let secret = self.issue_link(login.org, login.person, LinkPurpose::Reset).await?;
            let holder = LinkHolder { org: login.org, person: login.person, name: person.name, email: person.email };
            links.push((holder, secret));
        }
        Ok(links)
    }

    async fn issue_link(&self, org: OrgId, person: PersonId, purpose: LinkPurpose) -> Result<LinkSecret, EngineError> {
        let secret = random_secret("")?;
        let now = self.now();
        let expires_at = now + link_lifetime(purpose);
        let link = NewLink { sha256: sha256_hex(secret.as_bytes()), org, person, purpose, created_at: now, expires_at };
        self.store.create_link(&link).await?;
        Ok(LinkSecret { secret, expires_at })
    }

    /// Whom a link is for, if it still works.
    pub async fn peek_link(&self, secret: &str, purpose: LinkPurpose) -> Result<Option<LinkHolder>, EngineError> {
        Ok(self.store.peek_link(&sha256_hex(secret.as_bytes()), purpose, self.now()).await?)
    }

    /// Uses a link to set a password and signs its holder in.
    pub async fn redeem_link(
        &self,
        secret: &str,
        purpose: LinkPurpose,
        password: &str,
    ) -> Result<Option<SignedIn>, EngineError> {
        let hash = self.hash_password(password).await?;
        let holder = self.store.redeem_link(&sha256_hex(secret.as_bytes()), purpose, &hash, self.now()).await?;
        let Some(holder) = holder else { return Ok(None) };
        let person = self.store.get_person(holder.org, holder.person).await?;
        self.start_session(holder.org, holder.person, person.access).await.map(Some)
    }
}
