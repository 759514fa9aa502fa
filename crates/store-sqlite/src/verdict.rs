//! An approver's verdict on SQLite: approved evidence finishes the task, held again by
//! whoever did the work; rejected evidence sends it back to them. Both compare-and-set
//! on the task's `rev` and on the submission still pending, and write their event and
//! notice in the transaction.

use crate::completion::{finish_run, unblock};
use crate::records::touched;
use crate::rows::{get, ms};
use crate::writes::{insert_events, insert_follow_up, insert_notices};
use crate::{SqliteStore, db};
use proofline_store::{Result, StoreError, Verdict, VerdictOutcome, VerdictState};

impl SqliteStore {
    pub(crate) async fn verdict(&self, v: &Verdict) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(db)?;
        let before = sqlx::query(
            "SELECT state, holder_id FROM tasks
             WHERE org_id = ?1 AND id = ?2 AND rev = ?3 AND state IN ('submitted', 'unresolved')",
        )
        .bind(v.org.0)
        .bind(v.task.0)
        .bind(v.rev)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(before) = before else {
            drop(tx);
            return Err(self.missed_transition(v.org, v.task).await);
        };
        let from_state: String = get(&before, "state")?;
        let from_holder: i64 = get(&before, "holder_id")?;
        let verdict = match v.outcome {
            VerdictOutcome::Approved => VerdictState::Approved,
            VerdictOutcome::Rejected { .. } => VerdictState::Rejected,
        };
        let judged = sqlx::query(
            "UPDATE submissions SET verdict = ?4, verdict_by = ?5, verdict_at = ?6, verdict_reason = ?7
             WHERE org_id = ?1 AND task_id = ?2 AND id = ?3 AND verdict = 'pending'",
        )
        .bind(v.org.0)
        .bind(v.task.0)
        .bind(v.submission.0)
        .bind(verdict.as_str())
        .bind(v.by.0)
        .bind(ms(v.now))
        .bind((!v.reason.is_empty()).then_some(v.reason.as_str()))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if judged.rows_affected() != 1 {
            return Err(StoreError::Conflict("this proof has already been approved or sent back".into()));
        }
        let after = match v.outcome {
            VerdictOutcome::Approved => sqlx::query(
                "UPDATE tasks SET state = 'done', completed_at = ?4, rev = rev + 1, remind_at = NULL, submitted_by = NULL,
                                  holder_id = COALESCE(submitted_by, holder_id)
                 WHERE org_id = ?1 AND id = ?2 AND rev = ?3
                 RETURNING id, org_id, run_id, process_id, holder_id, rev, due_at",
            )
            .bind(v.org.0)
            .bind(v.task.0)
            .bind(v.rev)
            .bind(ms(v.now))
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?,
            VerdictOutcome::Rejected { to, due_at } => sqlx::query(
                "UPDATE tasks SET state = 'open', holder_id = ?4, due_at = ?5, level = 0, submitted_by = NULL,
                                  completed_at = NULL, rev = tasks.rev + 1, returns = tasks.returns + 1,
                                  remind_at = CASE WHEN o.due_soon_ms > 0 AND ?5 - o.due_soon_ms > ?6 THEN ?5 - o.due_soon_ms END
                 FROM orgs o
                 WHERE o.id = tasks.org_id AND tasks.org_id = ?1 AND tasks.id = ?2 AND tasks.rev = ?3
                 RETURNING tasks.id, tasks.org_id, tasks.run_id, tasks.process_id, tasks.holder_id, tasks.rev, tasks.due_at",
            )
            .bind(v.org.0)
            .bind(v.task.0)
            .bind(v.rev)
            .bind(to.0)
            .bind(ms(due_at))
            .bind(ms(v.now))
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?,
        };
        let after = touched(&after)?;
        let (event, notice) = v.records(&after, &from_state, from_holder);
        insert_events(&mut tx, vec![event]).await?;
        insert_notices(&mut tx, &[notice], v.now).await?;
        if let Some(follow_up) = &v.follow_up {
            insert_follow_up(&mut tx, follow_up, v.now).await?;
        }
        if v.outcome == VerdictOutcome::Approved {
            unblock(&mut tx, after.run, &v.unblock).await?;
            finish_run(&mut tx, after.run).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}
