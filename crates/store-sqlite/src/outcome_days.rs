//! Reading the packed process-days of finished work (migration 0007) back into outcomes.

use crate::rows::ts;
use proofline_core::history::Outcome;
use proofline_core::task::TaskState;
use proofline_core::{PersonId, ProcessId, RunId, TaskId};
use proofline_store::StoreError;

pub const DAY_MS: i64 = 86_400_000;

/// The `day` a scheduled instant is packed under; SQLite's integer division truncates
/// toward zero, as Rust's does.
pub fn day_of(ms: i64) -> i64 {
    ms / DAY_MS
}

/// Ending states in the order the migration numbers them.
const STATES: [TaskState; 4] = [TaskState::Done, TaskState::Unresolved, TaskState::Cancelled, TaskState::Skipped];
const FIELDS: usize = 12;
/// The one field that may be empty: work that ended without being completed.
const COMPLETED: usize = 9;

/// Appends the entries of one day's row scheduled in `[from_ms, to_ms)`, in schedule
/// order, to `out`.
pub fn unpack_day(
    process: ProcessId,
    day: i64,
    entries: &[u8],
    (from_ms, to_ms): (i64, i64),
    out: &mut Vec<Outcome>,
) -> Result<(), StoreError> {
    let first = out.len();
    let day_start = day.saturating_mul(DAY_MS);
    let mut text = Entries { bytes: entries, at: 0 };
    while text.at < entries.len() {
        let entry_start = text.at;
        let (fields, completed) = text.entry().ok_or_else(|| malformed(day, &entries[entry_start..]))?;
        let [task, run, step, offset, opens, due, assignee, level, state, completed_after, returns, exceptions] =
            fields;
        let scheduled = day_start.saturating_add(offset);
        if scheduled < from_ms || scheduled >= to_ms {
            continue;
        }
        let at = |offset: i64| ts(scheduled.saturating_add(offset));
        out.push(Outcome {
            task: TaskId(task),
            run: RunId(run),
            process,
            step: small(step),
            scheduled_for: ts(scheduled),
            opens_at: at(opens),
            due_at: at(due),
            assignee: PersonId(assignee),
            moves: u8::try_from(level).unwrap_or(u8::MAX),
            state: STATES[state.clamp(0, 3) as usize],
            completed_at: completed.then(|| at(completed_after)),
            rejections: small(returns),
            exceptions: small(exceptions),
        });
    }
    // Entries are appended as work ends; readers get them in schedule order.
    out[first..].sort_by_key(|o| (o.scheduled_for, o.task));
    Ok(())
}

/// A cursor over a day's entries, read in one pass: this loop is most of what reading
/// ten million finished tasks costs.
struct Entries<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Entries<'_> {
    /// The next entry's fields and whether it was completed (only the completion may be
    /// empty, and reads as 0); `None` when the entry is malformed.
    fn entry(&mut self) -> Option<([i64; FIELDS], bool)> {
        if self.bytes.get(self.at) != Some(&b';') {
            return None;
        }
        self.at += 1;
        let mut fields = [0; FIELDS];
        let mut completed = false;
        for (index, field) in fields.iter_mut().enumerate() {
            if index > 0 {
                if self.bytes.get(self.at) != Some(&b',') {
                    return None;
                }
                self.at += 1;
            }
            match (self.integer()?, index) {
                (Some(value), COMPLETED) => (*field, completed) = (value, true),
                (Some(value), _) => *field = value,
                (None, COMPLETED) => {}
                (None, _) => return None,
            }
        }
        matches!(self.bytes.get(self.at), None | Some(b';')).then_some((fields, completed))
    }

    /// A signed decimal integer, `Some(None)` when the field is empty.
    fn integer(&mut self) -> Option<Option<i64>> {
        let negative = self.bytes.get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        let start = self.at;
        let mut value: i64 = 0;
        while let Some(&b) = self.bytes.get(self.at).filter(|b| b.is_ascii_digit()) {
            // 18 digits always fit; refuse more rather than overflow.
            if self.at - start == 18 {
                return None;
            }
            value = value * 10 + i64::from(b - b'0');
            self.at += 1;
        }
        match (self.at == start, negative) {
            (true, true) => None,
            (true, false) => Some(None),
            (false, _) => Some(Some(if negative { -value } else { value })),
        }
    }
}

pub fn small(value: i64) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

fn malformed(day: i64, entry: &[u8]) -> StoreError {
    let shown = &entry[..entry.len().min(80)];
    StoreError::Other(format!("outcome_days day {day}: malformed entry at {:?}", String::from_utf8_lossy(shown)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_in_schedule_order_within_the_window() {
        let day = 20_500;
        let text = b";9,4,1,7200000,0,3600000,3,2,1,,0,0;8,4,0,3600000,-60000,1800000,3,0,0,900000,1,2";
        let mut out = Vec::new();
        unpack_day(ProcessId(5), day, text, (0, i64::MAX), &mut out).unwrap();
        assert_eq!(out.iter().map(|o| o.task).collect::<Vec<_>>(), [TaskId(8), TaskId(9)]);
        let first = &out[0];
        let scheduled = day * DAY_MS + 3_600_000;
        assert_eq!(first.scheduled_for, ts(scheduled));
        assert_eq!(first.opens_at, ts(scheduled - 60_000));
        assert_eq!(first.completed_at, Some(ts(scheduled + 900_000)));
        assert_eq!((first.state, first.rejections, first.exceptions), (TaskState::Done, 1, 2));
        assert_eq!((out[1].state, out[1].moves, out[1].completed_at), (TaskState::Unresolved, 2, None));

        let mut late = Vec::new();
        unpack_day(ProcessId(5), day, text, (scheduled + 1, i64::MAX), &mut late).unwrap();
        assert_eq!(late.iter().map(|o| o.task).collect::<Vec<_>>(), [TaskId(9)], "the window is half-open");
    }

    #[test]
    fn a_damaged_row_is_an_error_not_a_panic() {
        for text in [
            &b";1,2,3"[..],
            b";1,2,3,4,5,6,7,8,9,10,11,12,13",
            b";1,x,3,4,5,6,7,8,9,,11,12",
            b";-,1,1,1,1,1,1,1,1,,1,1",
        ] {
            assert!(unpack_day(ProcessId(1), 0, text, (i64::MIN, i64::MAX), &mut Vec::new()).is_err());
        }
        let huge = b";99999999999999999999,1,1,1,1,1,1,1,1,,1,1";
        assert!(unpack_day(ProcessId(1), 0, huge, (i64::MIN, i64::MAX), &mut Vec::new()).is_err());
    }

    /// A task as a SQL row: id, state, first_due_at, completed_at, returns.
    type Task = (i64, &'static str, Option<i64>, Option<i64>, i64);

    const TASKS: [Task; 5] = [
        (1, "done", Some(1_800_000), Some(900_000), 1),
        (2, "unresolved", None, None, 0),
        (3, "open", Some(1_800_000), None, 0),
        (4, "cancelled", Some(1_800_000), Some(60_000), 0),
        (5, "skipped", None, None, 0),
    ];

    fn database(up_to: i64) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        // The tasks here stand alone, without the runs and processes they would name.
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        for migration in sqlx::migrate!("./migrations").iter().filter(|m| m.version <= up_to) {
            conn.execute_batch(migration.sql.as_str()).unwrap();
        }
        conn
    }

    fn insert(
        conn: &rusqlite::Connection,
        (id, state, first_due, completed, returns): (i64, &str, Option<i64>, Option<i64>, i64),
    ) {
        let scheduled = 20_500 * DAY_MS + id * 3_600_000;
        conn.execute(
            "INSERT INTO tasks (id, org_id, run_id, process_id, version, step_index, title, state, holder_id,
                                assignee_id, level, scheduled_for, opens_at, due_at, window_ms, first_due_at,
                                completed_at, returns)
             VALUES (?1, 1, ?1, 7, 1, 0, 'Check', ?2, 3, 3, 1, ?3, ?3 + 60000, ?3 + 3600000, 1800000, ?3 + ?4, ?3 + ?5, ?6)",
            rusqlite::params![id, state, scheduled, first_due, completed, returns],
        )
        .unwrap();
    }

    /// Every entry of the process's days, in a stable order.
    fn entries(conn: &rusqlite::Connection) -> Vec<String> {
        let mut statement = conn.prepare("SELECT entries FROM outcome_days WHERE process_id = 7").unwrap();
        let mut all: Vec<String> = statement
            .query_map([], |row| row.get::<_, String>(0))
            .unwrap()
            .flat_map(|text| text.unwrap().split(';').filter(|e| !e.is_empty()).map(String::from).collect::<Vec<_>>())
            .collect();
        all.sort();
        all
    }

    #[test]
    fn the_migration_packs_existing_history_as_the_triggers_do() {
        let migrated = database(6);
        TASKS.into_iter().for_each(|task| insert(&migrated, task));
        for migration in sqlx::migrate!("./migrations").iter().filter(|m| m.version == 7) {
            migrated.execute_batch(migration.sql.as_str()).unwrap();
        }
        let live = database(i64::MAX);
        TASKS.into_iter().for_each(|task| insert(&live, task));
        assert_eq!(entries(&migrated).len(), 4, "open work is not history");
        assert_eq!(entries(&migrated), entries(&live));

        // Unresolved work finished late, and done work sent back: each changes in place.
        live.execute("UPDATE tasks SET state = 'done', completed_at = scheduled_for + 7200000 WHERE id = 2", [])
            .unwrap();
        live.execute("UPDATE tasks SET state = 'open', completed_at = NULL, returns = 2 WHERE id = 1", []).unwrap();
        let expected = database(i64::MAX);
        let mut changed = TASKS;
        changed[0] = (1, "open", Some(1_800_000), None, 2);
        changed[1] = (2, "done", None, Some(7_200_000), 0);
        changed.into_iter().for_each(|task| insert(&expected, task));
        assert_eq!(entries(&live), entries(&expected));
        assert_eq!(entries(&live).len(), 3);

        // Rescheduled to the next day: the entry moves rows, none is left behind.
        live.execute("UPDATE tasks SET scheduled_for = scheduled_for + 86400000 WHERE id = 4", []).unwrap();
        assert_eq!(entries(&live).len(), 3);
        let days: Vec<(i64, usize)> = live
            .prepare("SELECT day, length(entries) - length(replace(entries, ';', '')) FROM outcome_days ORDER BY day")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as usize)))
            .unwrap()
            .map(Result::unwrap)
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(days, [(20_500, 2), (20_501, 1)]);
    }
}
