-- Finished work packed a process-day to a row, for pattern detection and the figures.
--
-- Reading ten million finished tasks a row at a time cost close to a microsecond of CPU
-- per task in SQLite's stepping and column calls, most of the detection budget. Here each
-- process's tasks scheduled on one UTC day are one row: `entries` holds one entry per
-- task, each ';' followed by comma-separated integers:
--   id, run_id, step_index, scheduled_for minus the day's start, opens_at minus
--   scheduled_for, first deadline minus scheduled_for, assignee_id, level, state
--   (0 done, 1 unresolved, 2 cancelled, 3 skipped), completed_at minus scheduled_for
--   (empty when not completed), returns, exceptions.
-- The triggers below keep it in step with `tasks`. The update trigger finds a task's old
-- entry by printing it again from the old row, so every copy of the entry expression
-- here must print the same text.
CREATE TABLE outcome_days (
    process_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    entries TEXT NOT NULL,
    PRIMARY KEY (process_id, day)
);

INSERT INTO outcome_days (process_id, day, org_id, entries)
SELECT process_id, scheduled_for / 86400000, org_id,
       group_concat(printf(';%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d', id, run_id, step_index,
                           scheduled_for - scheduled_for / 86400000 * 86400000, opens_at - scheduled_for,
                           COALESCE(first_due_at, opens_at + window_ms) - scheduled_for, assignee_id, level,
                           CASE state WHEN 'done' THEN 0 WHEN 'unresolved' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END,
                           COALESCE(completed_at - scheduled_for, ''), returns, exceptions), '')
FROM tasks
WHERE state IN ('done', 'unresolved', 'cancelled', 'skipped')
GROUP BY process_id, scheduled_for / 86400000;

CREATE TRIGGER outcome_days_insert AFTER INSERT ON tasks
WHEN new.state IN ('done', 'unresolved', 'cancelled', 'skipped')
BEGIN
    INSERT INTO outcome_days (process_id, day, org_id, entries)
    VALUES (new.process_id, new.scheduled_for / 86400000, new.org_id,
            printf(';%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d', new.id, new.run_id, new.step_index,
                   new.scheduled_for - new.scheduled_for / 86400000 * 86400000, new.opens_at - new.scheduled_for,
                   COALESCE(new.first_due_at, new.opens_at + new.window_ms) - new.scheduled_for, new.assignee_id,
                   new.level,
                   CASE new.state WHEN 'done' THEN 0 WHEN 'unresolved' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END,
                   COALESCE(new.completed_at - new.scheduled_for, ''), new.returns, new.exceptions))
    ON CONFLICT (process_id, day) DO UPDATE SET entries = entries || excluded.entries;
END;

-- Work leaves history when it is sent back, and changes in it when unresolved work is
-- finished late: the old entry goes, the new one (if any) is appended. Every column an
-- entry prints, or its row is keyed by, is listed, so no change can leave a stale entry.
CREATE TRIGGER outcome_days_update
AFTER UPDATE OF state, level, assignee_id, opens_at, first_due_at, window_ms, completed_at, returns, exceptions,
                process_id, scheduled_for, run_id, step_index, org_id ON tasks
WHEN old.state IN ('done', 'unresolved', 'cancelled', 'skipped') OR new.state IN ('done', 'unresolved', 'cancelled', 'skipped')
BEGIN
    UPDATE outcome_days
    SET entries = replace(entries,
            printf(';%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d', old.id, old.run_id, old.step_index,
                   old.scheduled_for - old.scheduled_for / 86400000 * 86400000, old.opens_at - old.scheduled_for,
                   COALESCE(old.first_due_at, old.opens_at + old.window_ms) - old.scheduled_for, old.assignee_id,
                   old.level,
                   CASE old.state WHEN 'done' THEN 0 WHEN 'unresolved' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END,
                   COALESCE(old.completed_at - old.scheduled_for, ''), old.returns, old.exceptions), '')
    WHERE old.state IN ('done', 'unresolved', 'cancelled', 'skipped')
      AND process_id = old.process_id AND day = old.scheduled_for / 86400000;
    INSERT INTO outcome_days (process_id, day, org_id, entries)
    SELECT new.process_id, new.scheduled_for / 86400000, new.org_id,
           printf(';%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d', new.id, new.run_id, new.step_index,
                  new.scheduled_for - new.scheduled_for / 86400000 * 86400000, new.opens_at - new.scheduled_for,
                  COALESCE(new.first_due_at, new.opens_at + new.window_ms) - new.scheduled_for, new.assignee_id,
                  new.level,
                  CASE new.state WHEN 'done' THEN 0 WHEN 'unresolved' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END,
                  COALESCE(new.completed_at - new.scheduled_for, ''), new.returns, new.exceptions)
    WHERE new.state IN ('done', 'unresolved', 'cancelled', 'skipped')
    ON CONFLICT (process_id, day) DO UPDATE SET entries = entries || excluded.entries;
END;

CREATE TRIGGER outcome_days_delete AFTER DELETE ON tasks
WHEN old.state IN ('done', 'unresolved', 'cancelled', 'skipped')
BEGIN
    UPDATE outcome_days
    SET entries = replace(entries,
            printf(';%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d', old.id, old.run_id, old.step_index,
                   old.scheduled_for - old.scheduled_for / 86400000 * 86400000, old.opens_at - old.scheduled_for,
                   COALESCE(old.first_due_at, old.opens_at + old.window_ms) - old.scheduled_for, old.assignee_id,
                   old.level,
                   CASE old.state WHEN 'done' THEN 0 WHEN 'unresolved' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END,
                   COALESCE(old.completed_at - old.scheduled_for, ''), old.returns, old.exceptions), '')
    WHERE process_id = old.process_id AND day = old.scheduled_for / 86400000;
END;

-- The packed days replace the covering index that history was read through.
DROP INDEX tasks_history;
