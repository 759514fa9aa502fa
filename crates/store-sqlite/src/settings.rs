//! What organizations and people configure about notifications, on SQLite: endpoints,
//! the organization's settings, each person's preferences and calendar secret.

use crate::rows::{get, get_ts, json, ms, parse};
use crate::{SqliteStore, db, other};
use jiff::Timestamp;
use proofline_core::notice::{Channel, NotifySettings, Preferences};
use proofline_core::{OrgId, PersonId};
use proofline_store::*;
use sqlx::sqlite::SqliteRow;

fn endpoint(row: &SqliteRow) -> Result<EndpointRecord> {
    let channel: String = get(row, "channel")?;
    Ok(EndpointRecord {
        id: get(row, "id")?,
        org: OrgId(get(row, "org_id")?),
        channel: parse(Channel::parse(&channel), "channel", &channel)?,
        name: get(row, "name")?,
        url: get(row, "url")?,
        secret: get(row, "secret")?,
        events: json(&get::<String>(row, "events")?, "events")?,
        active: get(row, "active")?,
        created_at: get_ts(row, "created_at")?,
    })
}

/// `NotFound` when an update matched no row of the organization.
fn found(rows: u64) -> Result<()> {
    if rows == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

impl SqliteStore {
    pub(crate) async fn insert_endpoint(&self, org: OrgId, f: &EndpointFields, now: Timestamp) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO endpoints (org_id, channel, name, url, secret, events, active, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        )
        .bind(org.0)
        .bind(f.channel.as_str())
        .bind(&f.name)
        .bind(&f.url)
        .bind(&f.secret)
        .bind(serde_json::to_string(&f.events).map_err(other)?)
        .bind(f.active)
        .bind(ms(now))
        .fetch_one(&self.writer)
        .await
        .map_err(db)
    }

    pub(crate) async fn replace_endpoint(&self, org: OrgId, id: i64, f: &EndpointFields) -> Result<()> {
        let done = sqlx::query(
            "UPDATE endpoints SET channel = ?3, name = ?4, url = ?5, secret = ?6, events = ?7, active = ?8
             WHERE org_id = ?1 AND id = ?2",
        )
        .bind(org.0)
        .bind(id)
        .bind(f.channel.as_str())
        .bind(&f.name)
        .bind(&f.url)
        .bind(&f.secret)
        .bind(serde_json::to_string(&f.events).map_err(other)?)
        .bind(f.active)
        .execute(&self.writer)
        .await
        .map_err(db)?;
        found(done.rows_affected())
    }

    /// Deliveries made for it keep their history; they lose the reference (and a pending
    /// one then fails permanently when it is next tried).
    pub(crate) async fn remove_endpoint(&self, org: OrgId, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM endpoints WHERE org_id = ?1 AND id = ?2")
            .bind(org.0)
            .bind(id)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        found(done.rows_affected())
    }

    pub(crate) async fn endpoints(&self, org: OrgId, only: Option<i64>) -> Result<Vec<EndpointRecord>> {
        let rows = sqlx::query(
            "SELECT id, org_id, channel, name, url, secret, events, active, created_at FROM endpoints
             WHERE org_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY id",
        )
        .bind(org.0)
        .bind(only)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter().map(endpoint).collect()
    }

    pub(crate) async fn org_settings(&self, org: OrgId) -> Result<NotifySettings> {
        let text: String = sqlx::query_scalar("SELECT notify FROM orgs WHERE id = ?1")
            .bind(org.0)
            .fetch_one(&self.reader)
            .await
            .map_err(db)?;
        json(&text, "notify")
    }

    /// The lead time is also kept as a number, so task updates compute reminders in SQL.
    pub(crate) async fn save_org_settings(&self, org: OrgId, settings: &NotifySettings) -> Result<()> {
        let done = sqlx::query("UPDATE orgs SET notify = ?2, due_soon_ms = ?3 WHERE id = ?1")
            .bind(org.0)
            .bind(serde_json::to_string(settings).map_err(other)?)
            .bind(settings.due_soon.as_millis())
            .execute(&self.writer)
            .await
            .map_err(db)?;
        found(done.rows_affected())
    }

    pub(crate) async fn person_preferences(&self, org: OrgId, person: PersonId) -> Result<Preferences> {
        let text: String = sqlx::query_scalar("SELECT preferences FROM people WHERE org_id = ?1 AND id = ?2")
            .bind(org.0)
            .bind(person.0)
            .fetch_one(&self.reader)
            .await
            .map_err(db)?;
        json(&text, "preferences")
    }

    pub(crate) async fn save_person_preferences(&self, org: OrgId, person: PersonId, p: &Preferences) -> Result<()> {
        let done = sqlx::query("UPDATE people SET preferences = ?3 WHERE org_id = ?1 AND id = ?2")
            .bind(org.0)
            .bind(person.0)
            .bind(serde_json::to_string(p).map_err(other)?)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        found(done.rows_affected())
    }

    pub(crate) async fn save_calendar_secret(&self, org: OrgId, person: PersonId, sha256: &str) -> Result<()> {
        let done = sqlx::query("UPDATE people SET calendar_sha256 = ?3 WHERE org_id = ?1 AND id = ?2")
            .bind(org.0)
            .bind(person.0)
            .bind(sha256)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        found(done.rows_affected())
    }

    pub(crate) async fn calendar_owner(&self, sha256: &str) -> Result<Option<(OrgId, PersonId)>> {
        let row: Option<(i64, i64)> = sqlx::query_as("SELECT org_id, id FROM people WHERE calendar_sha256 = ?1")
            .bind(sha256)
            .fetch_optional(&self.reader)
            .await
            .map_err(db)?;
        Ok(row.map(|(org, person)| (OrgId(org), PersonId(person))))
    }
}
