-- What pattern detection and metrics read. Each task keeps the few facts about its past
-- that would otherwise take a walk through the event log: the deadline its first holder
-- had, how often its proof was sent back and how many exceptions the proof raised.
ALTER TABLE tasks ADD COLUMN first_due_at INTEGER;
ALTER TABLE tasks ADD COLUMN returns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN exceptions INTEGER NOT NULL DEFAULT 0;

UPDATE tasks SET first_due_at = COALESCE(
    (SELECT json_extract(e.data, '$.due_at') FROM events e
     WHERE e.task_id = tasks.id AND e.kind = 'opened' ORDER BY e.id LIMIT 1),
    CASE WHEN state <> 'waiting' THEN opens_at + window_ms END);
UPDATE tasks SET returns = (SELECT count(*) FROM events e WHERE e.task_id = tasks.id AND e.kind = 'returned')
WHERE id IN (SELECT task_id FROM events WHERE kind = 'returned');
UPDATE tasks SET exceptions = (SELECT sum(json_array_length(s.exceptions)) FROM submissions s WHERE s.task_id = tasks.id)
WHERE id IN (SELECT task_id FROM submissions WHERE exceptions <> '[]');

-- A process's finished work in schedule order, carrying every column history reads, so
-- pattern detection and the figures read one process as one range of this index. Rows
-- of the table itself lie in the order work was created, every process interleaved with
-- every other; reading one process through them touched a page per row. A query uses it
-- only when it names these states as literals, in this order.
CREATE INDEX tasks_history ON tasks (process_id, scheduled_for, id, run_id, step_index, opens_at, first_due_at,
                                     window_ms, assignee_id, level, state, completed_at, returns, exceptions, org_id)
    WHERE state IN ('done', 'unresolved', 'cancelled', 'skipped');

-- Numeric proof values, one row each, so a KPI series is a range scan.
CREATE TABLE readings (
    org_id INTEGER NOT NULL,
    process_id INTEGER NOT NULL,
    step_index INTEGER NOT NULL,
    field INTEGER NOT NULL,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    run_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    value REAL NOT NULL
);
CREATE INDEX readings_process ON readings (process_id, at);

-- Repeated failures found in history. `key` names a pattern across detection passes.
CREATE TABLE patterns (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    process_id INTEGER NOT NULL REFERENCES processes(id),
    step_index INTEGER,
    person_id INTEGER,
    severity TEXT NOT NULL,
    sentence TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT,
    decided_by INTEGER REFERENCES people(id),
    decided_at INTEGER,
    opened_at INTEGER NOT NULL,
    detected_at INTEGER NOT NULL,
    UNIQUE (org_id, key)
);
CREATE INDEX patterns_process ON patterns (process_id, state);
CREATE INDEX patterns_state ON patterns (org_id, state);

-- How far detection has read the event log.
CREATE TABLE detection_mark (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL
);
INSERT INTO detection_mark (id, event_id) VALUES (1, 0);

-- Goals the owner sets on a system, each with its target and where its value comes from:
-- a JSON array of `proofline_core::metrics::Goal`, read back whole like `software`.
ALTER TABLE systems ADD COLUMN goals TEXT NOT NULL DEFAULT '[]';
