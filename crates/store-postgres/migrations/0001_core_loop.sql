-- The core loop: directory, processes with versions, runs, tasks, submissions, events.
-- Mirrors the SQLite migration of the same number. Instants are BIGINT milliseconds since
-- the Unix epoch, UTC; JSON documents are JSONB.

CREATE TABLE orgs (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    zone TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE people (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    access TEXT NOT NULL,
    manager_id BIGINT REFERENCES people(id),
    away_until BIGINT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (org_id, email)
);

CREATE TABLE roles (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    pick TEXT NOT NULL,
    cursor BIGINT NOT NULL DEFAULT 0,
    UNIQUE (org_id, name)
);

CREATE TABLE role_members (
    role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (role_id, position)
);

CREATE TABLE systems (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    goal TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES people(id),
    parent_id BIGINT REFERENCES systems(id),
    software JSONB NOT NULL DEFAULT '[]',
    UNIQUE (org_id, key)
);

CREATE TABLE processes (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    next_run_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, key)
);
CREATE INDEX processes_due ON processes (next_run_at) WHERE status = 'active' AND next_run_at IS NOT NULL;

CREATE TABLE process_versions (
    process_id BIGINT NOT NULL REFERENCES processes(id),
    version BIGINT NOT NULL,
    definition JSONB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (process_id, version)
);

CREATE TABLE runs (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    process_id BIGINT NOT NULL REFERENCES processes(id),
    version BIGINT NOT NULL,
    scheduled_for BIGINT NOT NULL,
    trigger TEXT NOT NULL,
    started_by BIGINT REFERENCES people(id),
    state TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (process_id, scheduled_for)
);

CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL,
    run_id BIGINT NOT NULL REFERENCES runs(id),
    process_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    step_index BIGINT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    holder_id BIGINT NOT NULL,
    assignee_id BIGINT NOT NULL,
    level BIGINT NOT NULL DEFAULT 0,
    blocked BOOLEAN NOT NULL DEFAULT FALSE,
    scheduled_for BIGINT NOT NULL,
    opens_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    window_ms BIGINT NOT NULL,
    completed_at BIGINT,
    rev BIGINT NOT NULL DEFAULT 0,
    UNIQUE (run_id, step_index)
);
CREATE INDEX tasks_due ON tasks (due_at) WHERE state = 'open';
CREATE INDEX tasks_opening ON tasks (opens_at) WHERE state = 'waiting' AND NOT blocked;
CREATE INDEX tasks_holder ON tasks (org_id, holder_id, state, due_at);

CREATE TABLE submissions (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    person_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    evidence JSONB NOT NULL,
    exceptions JSONB NOT NULL
);
CREATE INDEX submissions_task ON submissions (task_id);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    task_id BIGINT,
    run_id BIGINT,
    process_id BIGINT,
    actor_id BIGINT,
    from_state TEXT,
    to_state TEXT,
    from_holder BIGINT,
    to_holder BIGINT,
    data JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX events_task ON events (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
