-- Mirrors the SQLite migration of the same number (SQLite's 0005 is an index of its own
-- direct reader; PostgreSQL has no 0005).
-- What pattern detection and metrics read. Each task keeps the few facts about its past
-- that would otherwise take a walk through the event log: the deadline its first holder
-- had, how often its proof was sent back and how many exceptions the proof raised.
ALTER TABLE tasks ADD COLUMN first_due_at BIGINT;
ALTER TABLE tasks ADD COLUMN returns BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN exceptions BIGINT NOT NULL DEFAULT 0;

UPDATE tasks SET first_due_at = COALESCE(
    (SELECT (e.data ->> 'due_at')::bigint FROM events e
     WHERE e.task_id = tasks.id AND e.kind = 'opened' ORDER BY e.id LIMIT 1),
    CASE WHEN state <> 'waiting' THEN opens_at + window_ms END);
UPDATE tasks SET returns = (SELECT count(*) FROM events e WHERE e.task_id = tasks.id AND e.kind = 'returned')
WHERE id IN (SELECT task_id FROM events WHERE kind = 'returned');
UPDATE tasks SET exceptions = (SELECT sum(jsonb_array_length(s.exceptions)) FROM submissions s WHERE s.task_id = tasks.id)
WHERE id IN (SELECT task_id FROM submissions WHERE exceptions <> '[]'::jsonb);

-- A process's finished work in schedule order, carrying every column history reads, so
-- one process reads as one range of this index (an index-only scan once vacuumed).
CREATE INDEX tasks_history ON tasks (process_id, scheduled_for)
    INCLUDE (id, run_id, step_index, opens_at, first_due_at, window_ms, assignee_id, level, state, completed_at,
             returns, exceptions, org_id)
    WHERE state IN ('done', 'unresolved', 'cancelled', 'skipped');

-- Numeric proof values, one row each, so a KPI series is a range scan.
CREATE TABLE readings (
    org_id BIGINT NOT NULL,
    process_id BIGINT NOT NULL,
    step_index BIGINT NOT NULL,
    field BIGINT NOT NULL,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    run_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL
);
CREATE INDEX readings_process ON readings (process_id, at);

-- Repeated failures found in history. `key` names a pattern across detection passes.
CREATE TABLE patterns (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    process_id BIGINT NOT NULL REFERENCES processes(id),
    step_index BIGINT,
    person_id BIGINT,
    severity TEXT NOT NULL,
    sentence TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    -- Runs, p-value, chart and range: read back whole, never queried.
    evidence JSONB NOT NULL,
    state TEXT NOT NULL,
    note TEXT,
    decided_by BIGINT REFERENCES people(id),
    decided_at BIGINT,
    opened_at BIGINT NOT NULL,
    detected_at BIGINT NOT NULL,
    UNIQUE (org_id, key)
);
CREATE INDEX patterns_process ON patterns (process_id, state);
CREATE INDEX patterns_state ON patterns (org_id, state);

-- How far detection has read the event log.
CREATE TABLE detection_mark (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    event_id BIGINT NOT NULL
);
INSERT INTO detection_mark (id, event_id) VALUES (1, 0);

-- Goals the owner sets on a system, each with its target and where its value comes from:
-- a JSON array of `proofline_core::metrics::Goal`, read back whole like `software`.
ALTER TABLE systems ADD COLUMN goals JSONB NOT NULL DEFAULT '[]';
