-- A person's work still to be done, in deadline order: My work and /me/tasks read it
-- straight off this index, without collecting each state separately and sorting.
-- A query uses it only when it names these states as literals, in this order.
CREATE INDEX tasks_live ON tasks (org_id, holder_id, due_at, id)
    WHERE state IN ('open', 'unresolved', 'submitted', 'waiting');
