//! What each task transition writes beside the task itself: its entry in the event log
//! and the notice that tells whoever must act (the outbox), as the JSON objects both
//! backends insert from. Kept in one place so the two stores cannot drift apart in what
//! they record or in the notice keys that make writes idempotent.

use crate::{Completion, Decision, FollowUp, TaskDecision, TaskMove, TaskReturn, Verdict, VerdictOutcome};
use jiff::Timestamp;
use proofline_core::audit::evidence_hash;
use proofline_core::escalation::Move;
use proofline_core::notice::NoticeKind;
use proofline_core::task::TaskState;
use serde_json::{Value, json};

/// A task as a transition's `RETURNING` clause hands it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touched {
    pub org: i64,
    pub task: i64,
    pub run: i64,
    pub process: i64,
    pub holder: i64,
    /// The revision after the change.
    pub rev: i64,
    /// Milliseconds, UTC.
    pub due_at: i64,
}

impl Touched {
    /// A waiting task opened for its holder.
    pub fn opened(&self, now: Timestamp) -> (Value, Value) {
        let event = json!({
            "org": self.org, "at": now.as_millisecond(), "kind": "opened", "task": self.task, "run": self.run,
            "process": self.process, "from_state": "waiting", "to_state": "open", "to_holder": self.holder,
            "data": {"due_at": self.due_at},
        });
        let key = format!("task.opened:{}:{}", self.task, self.rev);
        (event, self.notice(NoticeKind::TaskOpened, key, json!({"due_at": self.due_at})))
    }

    /// The holder's reminder; the task itself does not change, so there is no event.
    pub fn due_soon(&self) -> Value {
        let key = format!("task.due_soon:{}:{}", self.task, self.rev);
        self.notice(NoticeKind::TaskDueSoon, key, json!({"due_at": self.due_at}))
    }

    fn notice(&self, kind: NoticeKind, key: String, data: Value) -> Value {
        json!({
            "org": self.org, "person": self.holder, "kind": kind, "key": key, "task": self.task, "run": self.run,
            "process": self.process, "data": data,
        })
    }
}

impl Completion {
    /// Proof accepted as `submission`; done work also tells connected systems (a notice
    /// with no person: nobody has to act on it), and work awaiting approval tells its
    /// approver.
    pub fn records(&self, run: i64, process: i64, submission: i64) -> (Value, Option<Value>) {
        let done = self.to_state == TaskState::Done;
        let (task, now) = (self.task.0, self.now.as_millisecond());
        let to_holder = self.handoff.as_ref().map_or(self.holder, |h| h.approver).0;
        let event = json!({
            "org": self.org.0, "at": now, "kind": if done { "completed" } else { "submitted" }, "task": task, "run": run,
            "process": process, "actor": self.by.0, "from_state": self.from_state.as_str(), "to_state": self.to_state.as_str(),
            "from_holder": self.holder.0, "to_holder": to_holder,
            "data": {"submission": submission, "exceptions": self.exceptions, "evidence_sha256": evidence_hash(&self.evidence)},
        });
        let notice = if let Some(handoff) = &self.handoff {
            Some(json!({
                "org": self.org.0, "person": handoff.approver.0, "kind": NoticeKind::TaskApproval,
                "key": format!("task.approval:{task}:{submission}:0"), "task": task, "run": run, "process": process,
                "data": {"by": self.by.0, "submission": submission, "due_at": handoff.due_at.as_millisecond()},
            }))
        } else {
            done.then(|| completed_notice(self.org.0, task, run, process, self.by.0, submission))
        };
        (event, notice)
    }
}

/// Done work, for connected systems.
fn completed_notice(org: i64, task: i64, run: i64, process: i64, by: i64, submission: i64) -> Value {
    json!({
        "org": org, "person": null, "kind": NoticeKind::TaskCompleted,
        "key": format!("task.completed:{task}:{submission}"), "task": task, "run": run, "process": process,
        "data": {"by": by, "submission": submission},
    })
}

impl Verdict {
    /// The event of a verdict on work that was `from_state`, held by the approver, and
    /// its notice: approved work tells connected systems, rejected work its submitter.
    pub fn records(&self, after: &Touched, from_state: &str, from_holder: i64) -> (Value, Value) {
        let submission = self.submission.0;
        let (kind, to_state) = match self.outcome {
            VerdictOutcome::Approved => ("approved", "done"),
            VerdictOutcome::Rejected { .. } => ("rejected", "open"),
        };
        let reason = (!self.reason.is_empty()).then_some(self.reason.as_str());
        let event = json!({
            "org": self.org.0, "at": self.now.as_millisecond(), "kind": kind, "task": after.task, "run": after.run,
            "process": after.process, "actor": self.by.0, "from_state": from_state, "to_state": to_state,
            "from_holder": from_holder, "to_holder": after.holder,
            "data": {"submission": submission, "submitted_by": self.submitter.0, "reason": reason},
        });
        let notice = match self.outcome {
            VerdictOutcome::Approved => {
                completed_notice(self.org.0, after.task, after.run, after.process, self.by.0, submission)
            }
            VerdictOutcome::Rejected { due_at, .. } => {
                let key = format!("task.returned:{}:{}", after.task, after.rev);
                let data = json!({"by": self.by.0, "reason": self.reason, "due_at": due_at.as_millisecond()});
                after.notice(NoticeKind::TaskReturned, key, data)
            }
        };
        (event, notice)
    }
}

impl FollowUp {
    /// The corrective action's event and the notice that tells its holder.
    pub fn records(&self, opened: &Touched, now: Timestamp) -> (Value, Value) {
        let event = json!({
            "org": opened.org, "at": now.as_millisecond(), "kind": "corrective", "task": opened.task, "run": opened.run,
            "process": opened.process, "to_state": "open", "to_holder": opened.holder,
            "data": {"corrective_of": self.source.0, "reasons": self.reasons, "due_at": opened.due_at},
        });
        let key = format!("task.opened:{}:{}", opened.task, opened.rev);
        let data = json!({"due_at": opened.due_at, "corrective_of": self.source.0, "reasons": self.reasons});
        (event, opened.notice(NoticeKind::TaskOpened, key, data))
    }
}

impl TaskReturn {
    /// Work sent back from `from_state`; the holder hears why and the new deadline.
    pub fn records(&self, reopened: &Touched, from_state: &str) -> (Value, Value) {
        let by = self.by.0;
        let event = json!({
            "org": self.org.0, "at": self.now.as_millisecond(), "kind": "returned", "task": reopened.task,
            "run": reopened.run, "process": reopened.process, "actor": by, "from_state": from_state, "to_state": "open",
            "from_holder": reopened.holder, "to_holder": reopened.holder, "data": {"reason": self.reason},
        });
        let key = format!("task.returned:{}:{}", reopened.task, reopened.rev);
        let data = json!({"by": by, "reason": self.reason, "due_at": self.due_at.as_millisecond()});
        (event, reopened.notice(NoticeKind::TaskReturned, key, data))
    }
}

impl TaskMove {
    /// The event and the notice an applied move writes, as the JSON objects both stores
    /// insert from: the next holder hears who missed it and their new deadline;
    /// unresolved work goes to the owner.
    pub fn records(&self, run: i64, process: i64, now: Timestamp) -> (Value, Value) {
        let (task, missed_by, missed_due_at) = (self.task.0, self.missed_by.0, self.missed_due_at.as_millisecond());
        let from_state = self.from_state.as_str();
        let (kind, to_state, holder, level) = match self.outcome {
            Move::To { level, holder, .. } => ("escalated", from_state, holder, level),
            Move::Unresolved { holder } => ("unresolved", "unresolved", holder, self.from_level + 1),
        };
        let event = json!({
            "org": self.org.0, "at": now.as_millisecond(), "kind": kind, "task": task, "run": run, "process": process,
            "from_state": from_state, "to_state": to_state, "from_holder": missed_by, "to_holder": holder.0,
            "data": {"missed_by": missed_by, "missed_due_at": missed_due_at, "from_level": self.from_level, "level": level},
        });
        let (notice_kind, key, data) = match self.outcome {
            Move::To { due_at, .. } if self.from_state == TaskState::Submitted => (
                NoticeKind::TaskApproval,
                format!("task.approval:{task}:moved:{level}:{}", self.rev + 1),
                json!({"missed_by": missed_by, "missed_due_at": missed_due_at, "due_at": due_at.as_millisecond(), "level": level, "by": self.submitter.map(|p| p.0)}),
            ),
            Move::To { due_at, .. } => (
                NoticeKind::TaskMoved,
                format!("task.moved:{task}:{level}"),
                json!({"missed_by": missed_by, "missed_due_at": missed_due_at, "due_at": due_at.as_millisecond(), "level": level}),
            ),
            Move::Unresolved { .. } => (
                NoticeKind::TaskUnresolved,
                format!("task.unresolved:{task}:{}", self.rev + 1),
                json!({"missed_by": missed_by, "missed_due_at": missed_due_at, "level": level}),
            ),
        };
        let notice = json!({
            "org": self.org.0, "person": holder.0, "kind": notice_kind, "key": key, "task": task, "run": run, "process": process,
            "data": data,
        });
        (event, notice)
    }
}

impl TaskDecision {
    /// The state the task is left in.
    pub fn to_state(&self) -> TaskState {
        match self.decision {
            Decision::Close => TaskState::Cancelled,
            Decision::Reassign { .. } | Decision::Extend { .. } => TaskState::Open,
        }
    }

    /// The event of a decision applied to a task that was `from_state` and held by
    /// `from_holder`; work that stays open tells its (new) holder, like a task opening.
    pub fn records(&self, after: &Touched, from_state: &str, from_holder: i64) -> (Value, Option<Value>) {
        let (kind, due_at) = match self.decision {
            Decision::Reassign { due_at, .. } => ("reassigned", Some(due_at.as_millisecond())),
            Decision::Extend { due_at } => ("extended", Some(due_at.as_millisecond())),
            Decision::Close => ("closed", None),
        };
        let event = json!({
            "org": self.org.0, "at": self.now.as_millisecond(), "kind": kind, "task": after.task, "run": after.run,
            "process": after.process, "actor": self.by.0, "from_state": from_state, "to_state": self.to_state().as_str(),
            "from_holder": from_holder, "to_holder": after.holder, "data": {"reason": self.reason, "due_at": due_at},
        });
        let notice = due_at.map(|due_at| {
            let key = format!("task.opened:{}:{}", after.task, after.rev);
            after.notice(NoticeKind::TaskOpened, key, json!({"due_at": due_at, "by": self.by.0, "reason": self.reason}))
        });
        (event, notice)
    }
}
