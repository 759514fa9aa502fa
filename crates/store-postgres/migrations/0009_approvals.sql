-- Evidence that needs a second person's approval. While it waits the task is
-- 'submitted', held by its approver, and `submitted_by` names who submitted it (never
-- its approver). Each such submission records its verdict.
ALTER TABLE tasks ADD COLUMN submitted_by BIGINT;
ALTER TABLE submissions ADD COLUMN verdict TEXT;
ALTER TABLE submissions ADD COLUMN verdict_by BIGINT;
ALTER TABLE submissions ADD COLUMN verdict_at BIGINT;
ALTER TABLE submissions ADD COLUMN verdict_reason TEXT;

-- An approval not given in time moves on like open work: both wait on one index.
DROP INDEX tasks_due;
CREATE INDEX tasks_due ON tasks (due_at) WHERE state IN ('open', 'submitted');
