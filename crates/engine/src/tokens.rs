//! API tokens: a random secret shown once; only its SHA-256 is stored.

use crate::blobs::sha256_hex;
use crate::notices::random_bytes;
use crate::{Actor, Engine, EngineError};
use proofline_core::{OrgId, PersonId};

impl Engine {
    /// Creates a token for `person` and returns the secret, which is not stored anywhere.
    pub async fn issue_token(&self, org: OrgId, person: PersonId, name: &str) -> Result<String, EngineError> {
        let secret = format!("pl_{}", hex::encode(random_bytes::<24>()?));
        self.store.create_token(org, person, name, &sha256_hex(secret.as_bytes()), self.now()).await?;
        Ok(secret)
    }

    /// The person a bearer secret speaks for, if any.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<Actor>, EngineError> {
        let owner = self.store.token_owner(&sha256_hex(secret.trim().as_bytes())).await?;
        Ok(owner.map(|o| Actor { org: o.org, person: o.person, access: o.access }))
    }
}
