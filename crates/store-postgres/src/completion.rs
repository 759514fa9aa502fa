//! The transitions people make on PostgreSQL: proof completes (or submits) a task, a
//! reviewer sends finished work back, a manager reassigns, extends or closes open work.
//! Each compares-and-sets on `rev` and writes its event and notice in the same transaction.

use crate::records::touched;
use crate::rows::{get, ms, to_json};
use crate::writes::{insert_events, insert_follow_up, insert_notices, save_rotations};
use crate::{PostgresStore, db};
use proofline_core::{OrgId, SubmissionId, TaskId};
use proofline_store::{Completion, Decision, Result, StoreError, TaskDecision, TaskReturn, VerdictState};

impl PostgresStore {
    pub(crate) async fn complete(&self, c: &Completion) -> Result<SubmissionId> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Submitted work is no longer the holder's to do: no reminder either way. Work that
        // needs approval goes to its approver, from the first level of the chain.
        let moved = sqlx::query(
            "UPDATE tasks SET state = $4, completed_at = $5, rev = rev + 1, remind_at = NULL, exceptions = exceptions + $7,
                              holder_id = COALESCE($8, holder_id), due_at = COALESCE($9, due_at),
                              level = CASE WHEN $8::bigint IS NULL THEN level ELSE 0 END,
                              submitted_by = CASE WHEN $8::bigint IS NULL THEN NULL ELSE $10 END
             WHERE org_id = $1 AND id = $2 AND rev = $3 AND state = $6
             RETURNING run_id, process_id, step_index",
        )
        .bind(c.org.0)
        .bind(c.task.0)
        .bind(c.rev)
        .bind(c.to_state.as_str())
        .bind(c.to_state.is_final().then_some(ms(c.now)))
        .bind(c.from_state.as_str())
        .bind(c.exceptions.len() as i64)
        .bind(c.handoff.as_ref().map(|h| h.approver.0))
        .bind(c.handoff.as_ref().map(|h| ms(h.due_at)))
        .bind(c.by.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(moved) = moved else {
            drop(tx);
            return Err(self.missed_transition(c.org, c.task).await);
        };
        let run: i64 = get(&moved, "run_id")?;
        let process: i64 = get(&moved, "process_id")?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO submissions (org_id, task_id, person_id, at, evidence, exceptions, verdict)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(c.org.0)
        .bind(c.task.0)
        .bind(c.by.0)
        .bind(ms(c.now))
        .bind(&c.evidence)
        .bind(to_json(&c.exceptions)?)
        .bind(c.handoff.as_ref().map(|_| VerdictState::Pending.as_str()))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let files = proofline_core::proof::file_hashes(&c.evidence);
        if !files.is_empty() {
            sqlx::query(
                "INSERT INTO submission_files (submission_id, org_id, sha256) SELECT $1, $2, f FROM UNNEST($3::text[]) AS f
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(c.org.0)
            .bind(&files)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        if !c.readings.is_empty() {
            let step: i64 = get(&moved, "step_index")?;
            // Two arrays rather than JSON: the values arrive as binary doubles, exactly.
            let (fields, values): (Vec<i64>, Vec<f64>) = c.readings.iter().map(|&(f, v)| (i64::from(f), v)).unzip();
            sqlx::query(
                "INSERT INTO readings (org_id, process_id, step_index, field, task_id, run_id, at, value)
                 SELECT $1, $2, $3, r.field, $4, $5, $6, r.value FROM UNNEST($7::bigint[], $8::float8[]) AS r(field, value)",
            )
            .bind(c.org.0)
            .bind(process)
            .bind(step)
            .bind(c.task.0)
            .bind(run)
            .bind(ms(c.now))
            .bind(&fields)
            .bind(&values)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        if let Some(handoff) = &c.handoff {
            save_rotations(&mut tx, &handoff.rotations).await?;
        }
        let (event, notice) = c.records(run, process, id);
        insert_events(&mut tx, vec![event]).await?;
        if let Some(notice) = notice {
            insert_notices(&mut tx, vec![notice], c.now).await?;
        }
        unblock(&mut tx, run, &c.unblock).await?;
        if let Some(follow_up) = &c.follow_up {
            insert_follow_up(&mut tx, follow_up, c.now).await?;
        }
        finish_run(&mut tx, run).await?;
        tx.commit().await.map_err(db)?;
        Ok(SubmissionId(id))
    }

    /// Reopens done or submitted work for its holder with a fresh deadline and reminder.
    pub(crate) async fn send_back(&self, change: &TaskReturn) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The row lock holds the task as read until the update: a concurrent change either
        // committed first (the re-checked rev no longer matches) or waits for this one.
        let from_state: Option<String> = sqlx::query_scalar(
            "SELECT state FROM tasks WHERE org_id = $1 AND id = $2 AND rev = $3 AND state IN ('done', 'submitted')
             FOR NO KEY UPDATE",
        )
        .bind(change.org.0)
        .bind(change.task.0)
        .bind(change.rev)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(from_state) = from_state else {
            drop(tx);
            return Err(self.missed_transition(change.org, change.task).await);
        };
        let reopened = sqlx::query(
            "UPDATE tasks SET state = 'open', completed_at = NULL, due_at = $3, rev = tasks.rev + 1, returns = tasks.returns + 1,
                              remind_at = CASE WHEN o.due_soon_ms > 0 AND $3 - o.due_soon_ms > $4 THEN $3 - o.due_soon_ms END
             FROM orgs o
             WHERE o.id = tasks.org_id AND tasks.org_id = $1 AND tasks.id = $2
             RETURNING tasks.id, tasks.org_id, tasks.run_id, tasks.process_id, tasks.holder_id, tasks.rev, tasks.due_at",
        )
        .bind(change.org.0)
        .bind(change.task.0)
        .bind(ms(change.due_at))
        .bind(ms(change.now))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let reopened = touched(&reopened)?;
        let (event, notice) = change.records(&reopened, &from_state);
        insert_events(&mut tx, vec![event]).await?;
        insert_notices(&mut tx, vec![notice], change.now).await?;
        // The run's lock comes last, as in a completion.
        sqlx::query("UPDATE runs SET state = 'active' WHERE id = $1 AND state = 'done'")
            .bind(reopened.run)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// Applies a manager's decision on open or unresolved work: it goes to someone else or
    /// gets a later deadline (and a fresh reminder), or it is closed without proof.
    pub(crate) async fn decide(&self, d: &TaskDecision) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // As in `send_back`, the row lock holds the task as read until the update.
        let before = sqlx::query(
            "SELECT state, holder_id FROM tasks WHERE org_id = $1 AND id = $2 AND rev = $3 AND state IN ('open', 'unresolved')
             FOR NO KEY UPDATE",
        )
        .bind(d.org.0)
        .bind(d.task.0)
        .bind(d.rev)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(before) = before else {
            drop(tx);
            return Err(self.missed_transition(d.org, d.task).await);
        };
        let from_state: String = get(&before, "state")?;
        let from_holder: i64 = get(&before, "holder_id")?;
        let (to, due_at) = match d.decision {
            Decision::Reassign { to, due_at } => (Some(to.0), Some(ms(due_at))),
            Decision::Extend { due_at } => (None, Some(ms(due_at))),
            Decision::Close => (None, None),
        };
        if let Some(to) = to {
            // The share lock keeps the new holder from being deactivated before this commits.
            let active: Option<i64> =
                sqlx::query_scalar("SELECT id FROM people WHERE org_id = $1 AND id = $2 AND active FOR SHARE")
                    .bind(d.org.0)
                    .bind(to)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
            if active.is_none() {
                return Err(not_a_holder());
            }
        }
        let to_state = d.to_state();
        let after = sqlx::query(
            "UPDATE tasks SET state = $3, holder_id = COALESCE($4, tasks.holder_id), due_at = COALESCE($5, tasks.due_at),
                              completed_at = $6, rev = tasks.rev + 1,
                              remind_at = CASE WHEN $5::bigint IS NOT NULL AND o.due_soon_ms > 0 AND $5 - o.due_soon_ms > $7
                                               THEN $5 - o.due_soon_ms END
             FROM orgs o
             WHERE o.id = tasks.org_id AND tasks.org_id = $1 AND tasks.id = $2
             RETURNING tasks.id, tasks.org_id, tasks.run_id, tasks.process_id, tasks.holder_id, tasks.rev, tasks.due_at",
        )
        .bind(d.org.0)
        .bind(d.task.0)
        .bind(to_state.as_str())
        .bind(to)
        .bind(due_at)
        .bind(to_state.is_final().then_some(ms(d.now)))
        .bind(ms(d.now))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let after = touched(&after)?;
        let (event, notice) = d.records(&after, &from_state, from_holder);
        insert_events(&mut tx, vec![event]).await?;
        if let Some(notice) = notice {
            insert_notices(&mut tx, vec![notice], d.now).await?;
        }
        if to_state.is_final() {
            finish_run(&mut tx, after.run).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// Why a transition's compare-and-set matched nothing: the task is not in this
    /// organization at all, or it moved since it was read.
    pub(crate) async fn missed_transition(&self, org: OrgId, task: TaskId) -> StoreError {
        let exists = sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM tasks WHERE org_id = $1 AND id = $2)")
            .bind(org.0)
            .bind(task.0)
            .fetch_one(&self.pool)
            .await;
        match exists {
            Ok(true) => StoreError::Conflict("the task changed since it was read".into()),
            Ok(false) => StoreError::NotFound,
            Err(e) => db(e),
        }
    }
}

fn not_a_holder() -> StoreError {
    StoreError::Conflict("work can only be handed to an active person of this organization".into())
}

/// Marks a run done once none of its tasks is left to finish.
/// Lets waiting tasks of `run` whose dependencies are now done start.
pub(crate) async fn unblock(conn: &mut sqlx::PgConnection, run: i64, tasks: &[TaskId]) -> Result<()> {
    if tasks.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = tasks.iter().map(|t| t.0).collect();
    sqlx::query(
        "UPDATE tasks SET blocked = FALSE, rev = rev + 1 WHERE run_id = $1 AND state = 'waiting' AND id = ANY($2)",
    )
    .bind(run)
    .bind(&ids)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn finish_run(conn: &mut sqlx::PgConnection, run: i64) -> Result<()> {
    // Two people finishing the last two tasks of a run at once would each still see the
    // other's task unfinished and neither would close the run. Taking the run's lock
    // (always the last lock the transaction takes) makes the second wait, and its next
    // statement then sees the first one's committed task.
    sqlx::query("SELECT id FROM runs WHERE id = $1 FOR NO KEY UPDATE")
        .bind(run)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    sqlx::query(
        "UPDATE runs SET state = 'done' WHERE id = $1 AND state = 'active'
         AND NOT EXISTS (SELECT 1 FROM tasks WHERE run_id = $1 AND state NOT IN ('done', 'cancelled', 'skipped'))",
    )
    .bind(run)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}
