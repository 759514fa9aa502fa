//! Run and task figures shared by a process's week and a system's month or year: how
//! runs ended, how often work escalated, how long runs took.

use super::percentile::median_p90;
use crate::history::Outcome;
use crate::ids::RunId;
use crate::task::TaskState;
use jiff::Timestamp;

/// How the runs of one period went.
///
/// A run is *on time* when every task that counts ([`Outcome::counts`]) was done by its
/// first deadline, *late* when all were done but one after its first deadline, and
/// *unresolved* when any task ended unresolved. A run with no counting task (all
/// cancelled or skipped) is *skipped*: it was never owed, so it stays out of `runs_due`
/// and the rate.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Figures {
    /// Runs owed: on time + late + unresolved.
    pub runs_due: u32,
    pub runs_on_time: u32,
    pub runs_late: u32,
    pub runs_unresolved: u32,
    pub runs_skipped: u32,
    /// On time / due; `None` when nothing was due.
    pub on_time_rate: Option<f64>,
    /// Entry `i` is the number of tasks that moved at least `i + 1` levels up their chain
    /// (cancelled tasks included: the move happened before the cancel).
    pub escalations: Vec<u32>,
    /// Proof exceptions raised by accepted proof, e.g. readings out of range.
    pub exceptions: u64,
    /// Submitted proof sent back by an approver.
    pub rejections: u64,
    /// Lead time of a finished run: its last counting task's `completed_at` minus the
    /// run's `scheduled_for`, over on-time and late runs. Nearest-rank, in seconds.
    pub lead_time_median_secs: Option<i64>,
    pub lead_time_p90_secs: Option<i64>,
}

/// The figures of one period as they accumulate; lead times are kept to take percentiles.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    figures: Figures,
    lead_times: Vec<i64>,
}

impl Tally {
    pub fn add_task(&mut self, outcome: &Outcome) {
        let f = &mut self.figures;
        let moves = usize::from(outcome.moves);
        if f.escalations.len() < moves {
            f.escalations.resize(moves, 0);
        }
        for level in &mut f.escalations[..moves] {
            *level += 1;
        }
        f.exceptions += u64::from(outcome.exceptions);
        f.rejections += u64::from(outcome.rejections);
    }

    pub fn add_run(&mut self, run: &RunAcc) {
        let f = &mut self.figures;
        if run.counted == 0 {
            f.runs_skipped += 1;
        } else if run.unresolved {
            f.runs_unresolved += 1;
        } else {
            if run.late {
                f.runs_late += 1;
            } else {
                f.runs_on_time += 1;
            }
            if let Some(secs) = run.lead_time_secs() {
                self.lead_times.push(secs);
            }
        }
    }

    /// Adds another tally's figures (another process, or a nested system's).
    pub fn merge(&mut self, other: &Tally) {
        let (f, o) = (&mut self.figures, &other.figures);
        f.runs_on_time += o.runs_on_time;
        f.runs_late += o.runs_late;
        f.runs_unresolved += o.runs_unresolved;
        f.runs_skipped += o.runs_skipped;
        if f.escalations.len() < o.escalations.len() {
            f.escalations.resize(o.escalations.len(), 0);
        }
        for (mine, theirs) in f.escalations.iter_mut().zip(&o.escalations) {
            *mine += theirs;
        }
        f.exceptions += o.exceptions;
        f.rejections += o.rejections;
        self.lead_times.extend_from_slice(&other.lead_times);
    }

    /// Pads escalations so every period of a process shows every level of its chain.
    pub fn pad_levels(&mut self, levels: usize) {
        if self.figures.escalations.len() < levels {
            self.figures.escalations.resize(levels, 0);
        }
    }

    pub fn finish(mut self) -> Figures {
        let mut f = self.figures;
        f.runs_due = f.runs_on_time + f.runs_late + f.runs_unresolved;
        f.on_time_rate = (f.runs_due > 0).then(|| f64::from(f.runs_on_time) / f64::from(f.runs_due));
        if let Some((median, p90)) = median_p90(&mut self.lead_times) {
            f.lead_time_median_secs = Some(median);
            f.lead_time_p90_secs = Some(p90);
        }
        f
    }
}

/// What the tasks of one run add up to, and the period (and group) it belongs to. Kept
/// small: there is one per run, and ten million tasks make millions of runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunAcc {
    pub run: RunId,
    /// Seconds from `scheduled_for` to the latest counting task done; `i64::MIN` if none.
    last_done_secs: i64,
    pub period: u32,
    /// Caller's grouping, e.g. the process's index in a system roll-up.
    pub group: u32,
    counted: u32,
    unresolved: bool,
    late: bool,
}

impl RunAcc {
    fn new(outcome: &Outcome, period: u32, group: u32) -> Self {
        let mut run = RunAcc {
            run: outcome.run,
            last_done_secs: i64::MIN,
            period,
            group,
            counted: 0,
            unresolved: false,
            late: false,
        };
        run.add(outcome);
        run
    }

    fn add(&mut self, outcome: &Outcome) {
        if !outcome.counts() {
            return;
        }
        self.counted += 1;
        self.unresolved |= outcome.state == TaskState::Unresolved;
        self.late |= outcome.late();
        if outcome.state == TaskState::Done
            && let Some(done) = outcome.completed_at
        {
            self.last_done_secs = self.last_done_secs.max(done.duration_since(outcome.scheduled_for).as_secs());
        }
    }

    fn merge(&mut self, other: &RunAcc) {
        self.counted += other.counted;
        self.unresolved |= other.unresolved;
        self.late |= other.late;
        self.last_done_secs = self.last_done_secs.max(other.last_done_secs);
    }

    fn lead_time_secs(&self) -> Option<i64> {
        (self.last_done_secs != i64::MIN).then_some(self.last_done_secs)
    }
}

/// Folds tasks into their runs without a hash map: tasks of one run arrive together (the
/// store reads them run by run), so each stretch of one run becomes one entry.
///
/// Whether a run came back in a second stretch is checked cheaply: within one group
/// (process) a run is identified by its `scheduled_for`, so stretches in strictly
/// increasing `scheduled_for` per group, or in strictly increasing run id overall, are
/// distinct runs. Only input in neither order pays for a sort to merge the stretches.
#[derive(Default)]
pub(crate) struct Runs {
    stretches: Vec<RunAcc>,
    /// The last stretch's `scheduled_for` per group.
    last_scheduled: Vec<Option<Timestamp>>,
    by_time: bool,
    by_id: bool,
}

impl Runs {
    pub fn new() -> Self {
        Runs { by_time: true, by_id: true, ..Runs::default() }
    }

    /// Adds a task; `start` gives (period, group) when the task opens a new stretch.
    pub fn add(&mut self, outcome: &Outcome, start: impl FnOnce() -> (u32, u32)) {
        if let Some(run) = self.stretches.last_mut()
            && run.run == outcome.run
        {
            run.add(outcome);
            return;
        }
        let (period, group) = start();
        if let Some(previous) = self.stretches.last() {
            self.by_id &= previous.run < outcome.run;
        }
        let group_index = group as usize;
        if self.last_scheduled.len() <= group_index {
            self.last_scheduled.resize(group_index + 1, None);
        }
        let last = &mut self.last_scheduled[group_index];
        self.by_time &= last.is_none_or(|at| at < outcome.scheduled_for);
        *last = Some(outcome.scheduled_for);
        self.stretches.push(RunAcc::new(outcome, period, group));
    }

    /// Every run once, after all tasks are in.
    pub fn finish(mut self) -> Vec<RunAcc> {
        if self.by_time || self.by_id {
            return self.stretches;
        }
        self.stretches.sort_unstable_by_key(|run| run.run);
        let mut runs: Vec<RunAcc> = Vec::with_capacity(self.stretches.len());
        for stretch in self.stretches {
            match runs.last_mut() {
                Some(run) if run.run == stretch.run => run.merge(&stretch),
                _ => runs.push(stretch),
            }
        }
        runs
    }
}

/// The figures of any slice of outcomes taken as one period: a digest's last seven days.
pub fn figures_of(outcomes: &[Outcome]) -> Figures {
    let mut tally = Tally::default();
    let mut runs = Runs::new();
    for outcome in outcomes {
        tally.add_task(outcome);
        runs.add(outcome, || (0, 0));
    }
    for run in runs.finish() {
        tally.add_run(&run);
    }
    tally.finish()
}
