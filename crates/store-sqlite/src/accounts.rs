//! Signing in on SQLite: passwords, sessions, one-time links and the tokens a person manages.

use crate::rows::{get, get_ts, ms, parse};
use crate::{SqliteStore, db};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId, TokenId};
use proofline_store::*;
use sqlx::sqlite::SqliteRow;

fn access(row: &SqliteRow) -> Result<Access> {
    let text: String = get(row, "access")?;
    parse(Access::parse(&text), "access", &text)
}

fn holder(row: &SqliteRow) -> Result<LinkHolder> {
    Ok(LinkHolder {
        org: OrgId(get(row, "org_id")?),
        person: PersonId(get(row, "person_id")?),
        name: get(row, "name")?,
        email: get(row, "email")?,
    })
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn logins_by_email(&self, email: &str) -> Result<Vec<Login>> {
        let rows = sqlx::query(
            "SELECT p.org_id, o.name AS org_name, p.id, p.access, p.password_hash
             FROM people p JOIN orgs o ON o.id = p.org_id
             WHERE p.email = ?1 COLLATE NOCASE AND p.active = 1 AND p.password_hash IS NOT NULL
             ORDER BY p.org_id",
        )
        .bind(email)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(Login {
                    org: OrgId(get(row, "org_id")?),
                    org_name: get(row, "org_name")?,
                    person: PersonId(get(row, "id")?),
                    access: access(row)?,
                    password_hash: get(row, "password_hash")?,
                })
            })
            .collect()
    }

    async fn set_password(&self, org: OrgId, person: PersonId, hash: &str) -> Result<()> {
        let done = sqlx::query("UPDATE people SET password_hash = ?3 WHERE org_id = ?1 AND id = ?2")
            .bind(org.0)
            .bind(person.0)
            .bind(hash)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn create_session(&self, s: &NewSession) -> Result<()> {
        let done = sqlx::query(
            "INSERT INTO sessions (id_sha256, org_id, person_id, csrf, created_at, expires_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM people WHERE id = ?3 AND org_id = ?2)",
        )
        .bind(&s.id_sha256)
        .bind(s.org.0)
        .bind(s.person.0)
        .bind(&s.csrf)
        .bind(ms(s.created_at))
        .bind(ms(s.expires_at))
        .execute(&self.writer)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn session(&self, id_sha256: &str, now: Timestamp) -> Result<Option<SessionRecord>> {
        self.direct.session(id_sha256, ms(now))
    }

    async fn end_session(&self, id_sha256: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_sha256 = ?1")
            .bind(id_sha256)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn end_sessions(&self, org: OrgId, person: PersonId) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE org_id = ?1 AND person_id = ?2")
            .bind(org.0)
            .bind(person.0)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(done.rows_affected())
    }

    async fn create_link(&self, link: &NewLink) -> Result<()> {
        let done = sqlx::query(
            "INSERT INTO account_links (sha256, org_id, person_id, purpose, created_at, expires_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM people WHERE id = ?3 AND org_id = ?2)",
        )
        .bind(&link.sha256)
        .bind(link.org.0)
        .bind(link.person.0)
        .bind(link.purpose.as_str())
        .bind(ms(link.created_at))
        .bind(ms(link.expires_at))
        .execute(&self.writer)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn peek_link(&self, sha256: &str, purpose: LinkPurpose, now: Timestamp) -> Result<Option<LinkHolder>> {
        let row = sqlx::query(
            "SELECT l.org_id, l.person_id, p.name, p.email
             FROM account_links l JOIN people p ON p.id = l.person_id AND p.org_id = l.org_id
             WHERE l.sha256 = ?1 AND l.purpose = ?2 AND l.used_at IS NULL AND l.expires_at > ?3 AND p.active = 1",
        )
        .bind(sha256)
        .bind(purpose.as_str())
        .bind(ms(now))
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?;
        row.as_ref().map(holder).transpose()
    }

    async fn redeem_link(
        &self,
        sha256: &str,
        purpose: LinkPurpose,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Option<LinkHolder>> {
        let mut tx = self.writer.begin().await.map_err(db)?;
        // Spending the link is the compare-and-set: of two redeems of one link, the second
        // finds it used and changes nothing.
        let spent = sqlx::query(
            "UPDATE account_links SET used_at = ?3
             WHERE sha256 = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3
             RETURNING org_id, person_id",
        )
        .bind(sha256)
        .bind(purpose.as_str())
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(spent) = spent else { return Ok(None) };
        let (org, person): (i64, i64) = (get(&spent, "org_id")?, get(&spent, "person_id")?);
        // A person deactivated since the link was sent cannot use it; dropping the
        // transaction leaves the link unspent.
        let row = sqlx::query(
            "UPDATE people SET password_hash = ?3 WHERE org_id = ?1 AND id = ?2 AND active = 1
             RETURNING org_id, id AS person_id, name, email",
        )
        .bind(org)
        .bind(person)
        .bind(password_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        // Older links of the same purpose would otherwise still set a password.
        sqlx::query(
            "UPDATE account_links SET used_at = ?4 WHERE org_id = ?1 AND person_id = ?2 AND purpose = ?3 AND used_at IS NULL",
        )
        .bind(org)
        .bind(person)
        .bind(purpose.as_str())
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if purpose == LinkPurpose::Reset {
            // Whoever knew the old password may hold a session: a reset signs out everywhere.
            sqlx::query("DELETE FROM sessions WHERE org_id = ?1 AND person_id = ?2")
                .bind(org)
                .bind(person)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        holder(&row).map(Some)
    }

    async fn list_tokens(&self, org: OrgId, person: PersonId) -> Result<Vec<TokenRecord>> {
        let rows = sqlx::query(
            "SELECT id, name, created_at FROM tokens
             WHERE org_id = ?1 AND person_id = ?2 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
        )
        .bind(org.0)
        .bind(person.0)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(TokenRecord {
                    id: TokenId(get(row, "id")?),
                    name: get(row, "name")?,
                    created_at: get_ts(row, "created_at")?,
                })
            })
            .collect()
    }

    async fn revoke_token(&self, org: OrgId, person: PersonId, token: TokenId) -> Result<()> {
        // The port passes no instant; the revocation time is only ever read by people.
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = ?4 WHERE org_id = ?1 AND person_id = ?2 AND id = ?3 AND revoked_at IS NULL",
        )
        .bind(org.0)
        .bind(person.0)
        .bind(token.0)
        .bind(ms(Timestamp::now()))
        .execute(&self.writer)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }
}
