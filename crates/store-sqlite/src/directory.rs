//! Organizations, people, roles, systems and tokens on SQLite.

use crate::rows::{get, get_opt_ts, json, ms, parse};
use crate::{SqliteStore, db, other};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::access::Access;
use proofline_core::roles::{PickRule, Rotation};
use proofline_core::roster::{Member, Roster};
use proofline_core::{OrgId, PersonId, RoleId, SystemId, TokenId};
use proofline_store::*;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;

fn person(row: &SqliteRow) -> Result<Person> {
    let access: String = get(row, "access")?;
    Ok(Person {
        id: PersonId(get(row, "id")?),
        name: get(row, "name")?,
        email: get(row, "email")?,
        access: parse(Access::parse(&access), "access", &access)?,
        manager: get::<Option<i64>>(row, "manager_id")?.map(PersonId),
        away_until: get_opt_ts(row, "away_until")?,
        active: get(row, "active")?,
    })
}

fn system(row: &SqliteRow) -> Result<System> {
    Ok(System {
        id: SystemId(get(row, "id")?),
        key: get(row, "key")?,
        name: get(row, "name")?,
        goal: get(row, "goal")?,
        owner: PersonId(get(row, "owner_id")?),
        parent: get::<Option<i64>>(row, "parent_id")?.map(SystemId),
        software: json(&get::<String>(row, "software")?, "software")?,
        goals: json(&get::<String>(row, "goals")?, "goals")?,
    })
}

fn foreign_manager() -> StoreError {
    StoreError::Conflict("the manager is not a person of this organization".into())
}

fn foreign_member() -> StoreError {
    StoreError::Conflict("every member of a role must be a person of this organization".into())
}

fn foreign_system_link() -> StoreError {
    StoreError::Conflict("a system's owner and parent must belong to its organization".into())
}

const PERSON_COLUMNS: &str = "id, name, email, access, manager_id, away_until, active";

impl SqliteStore {
    async fn role_rows(&self, org: OrgId, only: Option<RoleId>) -> Result<Vec<(Role, u32)>> {
        let rows = sqlx::query(
            "SELECT id, name, pick, cursor FROM roles WHERE org_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY name",
        )
        .bind(org.0)
        .bind(only.map(|r| r.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        let members = sqlx::query(
            "SELECT m.role_id, m.person_id FROM role_members m JOIN roles r ON r.id = m.role_id
             WHERE r.org_id = ?1 ORDER BY m.role_id, m.position",
        )
        .bind(org.0)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        let mut by_role: HashMap<i64, Vec<PersonId>> = HashMap::new();
        for m in &members {
            by_role.entry(get(m, "role_id")?).or_default().push(PersonId(get(m, "person_id")?));
        }
        rows.iter()
            .map(|row| {
                let id: i64 = get(row, "id")?;
                let pick: String = get(row, "pick")?;
                let role = Role {
                    id: RoleId(id),
                    name: get(row, "name")?,
                    pick: parse(PickRule::parse(&pick), "pick", &pick)?,
                    members: by_role.remove(&id).unwrap_or_default(),
                };
                Ok((role, get::<i64>(row, "cursor")? as u32))
            })
            .collect()
    }

    /// Replaces a role's members, keeping their order; only people of `org` may join.
    async fn write_members(
        tx: &mut sqlx::SqliteConnection,
        org: OrgId,
        role: RoleId,
        members: &[PersonId],
    ) -> Result<()> {
        sqlx::query("DELETE FROM role_members WHERE role_id = ?1").bind(role.0).execute(&mut *tx).await.map_err(db)?;
        let ids: Vec<i64> = members.iter().map(|p| p.0).collect();
        let written = sqlx::query(
            "INSERT INTO role_members (role_id, position, person_id)
             SELECT ?1, j.key, p.id FROM json_each(?2) j JOIN people p ON p.id = j.value AND p.org_id = ?3",
        )
        .bind(role.0)
        .bind(serde_json::to_string(&ids).map_err(other)?)
        .bind(org.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if written.rows_affected() != members.len() as u64 {
            return Err(foreign_member());
        }
        Ok(())
    }

    async fn person_exists(&self, org: OrgId, id: PersonId) -> Result<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM people WHERE org_id = ?1 AND id = ?2)")
            .bind(org.0)
            .bind(id.0)
            .fetch_one(&self.reader)
            .await
            .map_err(db)
    }

    async fn system_exists(&self, org: OrgId, id: SystemId) -> Result<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM systems WHERE org_id = ?1 AND id = ?2)")
            .bind(org.0)
            .bind(id.0)
            .fetch_one(&self.reader)
            .await
            .map_err(db)
    }
}

#[async_trait]
impl DirectoryStore for SqliteStore {
    async fn create_org(&self, name: &str, zone: &str) -> Result<OrgId> {
        let id: i64 = sqlx::query_scalar("INSERT INTO orgs (name, zone, created_at) VALUES (?1, ?2, ?3) RETURNING id")
            .bind(name)
            .bind(zone)
            .bind(ms(Timestamp::now()))
            .fetch_one(&self.writer)
            .await
            .map_err(db)?;
        Ok(OrgId(id))
    }

    async fn get_org(&self, org: OrgId) -> Result<Org> {
        let row = sqlx::query("SELECT id, name, zone FROM orgs WHERE id = ?1")
            .bind(org.0)
            .fetch_one(&self.reader)
            .await
            .map_err(db)?;
        Ok(Org { id: OrgId(get(&row, "id")?), name: get(&row, "name")?, zone: get(&row, "zone")? })
    }

    async fn list_orgs(&self) -> Result<Vec<Org>> {
        let rows =
            sqlx::query("SELECT id, name, zone FROM orgs ORDER BY id").fetch_all(&self.reader).await.map_err(db)?;
        rows.iter()
            .map(|row| Ok(Org { id: OrgId(get(row, "id")?), name: get(row, "name")?, zone: get(row, "zone")? }))
            .collect()
    }

    async fn create_person(&self, org: OrgId, f: &PersonFields) -> Result<PersonId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (org_id, name, email, access, manager_id, away_until, active)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
             WHERE ?5 IS NULL OR EXISTS (SELECT 1 FROM people WHERE id = ?5 AND org_id = ?1)
             RETURNING id",
        )
        .bind(org.0)
        .bind(&f.name)
        .bind(&f.email)
        .bind(f.access.as_str())
        .bind(f.manager.map(|m| m.0))
        .bind(f.away_until.map(ms))
        .bind(f.active)
        .fetch_optional(&self.writer)
        .await
        .map_err(db)?
        .ok_or_else(foreign_manager)?;
        Ok(PersonId(id))
    }

    async fn update_person(&self, org: OrgId, id: PersonId, f: &PersonFields) -> Result<()> {
        let done = sqlx::query(
            "UPDATE people SET name = ?3, email = ?4, access = ?5, manager_id = ?6, away_until = ?7, active = ?8
             WHERE org_id = ?1 AND id = ?2
               AND (?6 IS NULL OR ?6 = ?2 OR EXISTS (SELECT 1 FROM people WHERE id = ?6 AND org_id = ?1))",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(&f.name)
        .bind(&f.email)
        .bind(f.access.as_str())
        .bind(f.manager.map(|m| m.0))
        .bind(f.away_until.map(ms))
        .bind(f.active)
        .execute(&self.writer)
        .await
        .map_err(db)?;
        if done.rows_affected() > 0 {
            Ok(())
        } else if self.person_exists(org, id).await? {
            Err(foreign_manager())
        } else {
            Err(StoreError::NotFound)
        }
    }

    async fn get_person(&self, org: OrgId, id: PersonId) -> Result<Person> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE org_id = ?1 AND id = ?2"
        )))
        .bind(org.0)
        .bind(id.0)
        .fetch_one(&self.reader)
        .await
        .map_err(db)?;
        person(&row)
    }

    async fn find_person_by_email(&self, org: OrgId, email: &str) -> Result<Option<Person>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE org_id = ?1 AND email = ?2 COLLATE NOCASE"
        )))
        .bind(org.0)
        .bind(email)
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?;
        row.as_ref().map(person).transpose()
    }

    async fn list_people(&self, org: OrgId) -> Result<Vec<Person>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE org_id = ?1 ORDER BY name, id"
        )))
        .bind(org.0)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter().map(person).collect()
    }

    async fn create_role(&self, org: OrgId, f: &RoleFields) -> Result<RoleId> {
        let mut tx = self.writer.begin().await.map_err(db)?;
        let id: i64 = sqlx::query_scalar("INSERT INTO roles (org_id, name, pick) VALUES (?1, ?2, ?3) RETURNING id")
            .bind(org.0)
            .bind(&f.name)
            .bind(f.pick.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        Self::write_members(&mut tx, org, RoleId(id), &f.members).await?;
        tx.commit().await.map_err(db)?;
        Ok(RoleId(id))
    }

    async fn update_role(&self, org: OrgId, id: RoleId, f: &RoleFields) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(db)?;
        let done = sqlx::query("UPDATE roles SET name = ?3, pick = ?4 WHERE org_id = ?1 AND id = ?2")
            .bind(org.0)
            .bind(id.0)
            .bind(&f.name)
            .bind(f.pick.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::write_members(&mut tx, org, id, &f.members).await?;
        tx.commit().await.map_err(db)
    }

    async fn get_role(&self, org: OrgId, id: RoleId) -> Result<Role> {
        self.role_rows(org, Some(id)).await?.into_iter().next().map(|(r, _)| r).ok_or(StoreError::NotFound)
    }

    async fn list_roles(&self, org: OrgId) -> Result<Vec<Role>> {
        Ok(self.role_rows(org, None).await?.into_iter().map(|(r, _)| r).collect())
    }

    async fn create_system(&self, org: OrgId, f: &SystemFields) -> Result<SystemId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO systems (org_id, key, name, goal, owner_id, parent_id, software, goals)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
             WHERE EXISTS (SELECT 1 FROM people WHERE id = ?5 AND org_id = ?1)
               AND (?6 IS NULL OR EXISTS (SELECT 1 FROM systems WHERE id = ?6 AND org_id = ?1))
             RETURNING id",
        )
        .bind(org.0)
        .bind(&f.key)
        .bind(&f.name)
        .bind(&f.goal)
        .bind(f.owner.0)
        .bind(f.parent.map(|p| p.0))
        .bind(serde_json::to_string(&f.software).map_err(other)?)
        .bind(serde_json::to_string(&f.goals).map_err(other)?)
        .fetch_optional(&self.writer)
        .await
        .map_err(db)?
        .ok_or_else(foreign_system_link)?;
        Ok(SystemId(id))
    }

    async fn update_system(&self, org: OrgId, id: SystemId, f: &SystemFields) -> Result<()> {
        let done = sqlx::query(
            "UPDATE systems SET key = ?3, name = ?4, goal = ?5, owner_id = ?6, parent_id = ?7, software = ?8,
                 goals = ?9
             WHERE org_id = ?1 AND id = ?2
               AND EXISTS (SELECT 1 FROM people WHERE id = ?6 AND org_id = ?1)
               AND (?7 IS NULL OR EXISTS (SELECT 1 FROM systems WHERE id = ?7 AND org_id = ?1))",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(&f.key)
        .bind(&f.name)
        .bind(&f.goal)
        .bind(f.owner.0)
        .bind(f.parent.map(|p| p.0))
        .bind(serde_json::to_string(&f.software).map_err(other)?)
        .bind(serde_json::to_string(&f.goals).map_err(other)?)
        .execute(&self.writer)
        .await
        .map_err(db)?;
        if done.rows_affected() > 0 {
            Ok(())
        } else if self.system_exists(org, id).await? {
            Err(foreign_system_link())
        } else {
            Err(StoreError::NotFound)
        }
    }

    async fn get_system(&self, org: OrgId, id: SystemId) -> Result<System> {
        let row = sqlx::query("SELECT * FROM systems WHERE org_id = ?1 AND id = ?2")
            .bind(org.0)
            .bind(id.0)
            .fetch_one(&self.reader)
            .await
            .map_err(db)?;
        system(&row)
    }

    async fn list_systems(&self, org: OrgId) -> Result<Vec<System>> {
        let rows = sqlx::query("SELECT * FROM systems WHERE org_id = ?1 ORDER BY name, id")
            .bind(org.0)
            .fetch_all(&self.reader)
            .await
            .map_err(db)?;
        rows.iter().map(system).collect()
    }

    async fn load_roster(&self, org: OrgId) -> Result<Roster> {
        let mut roster = Roster::default();
        for p in self.list_people(org).await? {
            roster.people.insert(p.id, Member { away_until: p.away_until, manager: p.manager, active: p.active });
        }
        for (role, cursor) in self.role_rows(org, None).await? {
            roster.roles.insert(role.id, Rotation { members: role.members, rule: role.pick, cursor });
        }
        let load = sqlx::query(
            "SELECT holder_id, COUNT(*) AS n FROM tasks
             WHERE org_id = ?1 AND state = 'open' AND holder_id IN (
                 SELECT m.person_id FROM role_members m JOIN roles r ON r.id = m.role_id
                 WHERE r.org_id = ?1 AND r.pick = 'least_loaded')
             GROUP BY holder_id",
        )
        .bind(org.0)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        for row in &load {
            roster.load.insert(PersonId(get(row, "holder_id")?), get::<i64>(row, "n")? as u64);
        }
        Ok(roster)
    }

    async fn create_token(
        &self,
        org: OrgId,
        person: PersonId,
        name: &str,
        secret_sha256: &str,
        now: Timestamp,
    ) -> Result<TokenId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tokens (org_id, person_id, name, secret_sha256, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM people WHERE id = ?2 AND org_id = ?1) RETURNING id",
        )
        .bind(org.0)
        .bind(person.0)
        .bind(name)
        .bind(secret_sha256)
        .bind(ms(now))
        .fetch_optional(&self.writer)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        Ok(TokenId(id))
    }

    async fn token_owner(&self, secret_sha256: &str) -> Result<Option<TokenOwner>> {
        self.direct.token_owner(secret_sha256)
    }
}
