-- The core loop: directory, processes with versions, runs, tasks, submissions, events.
-- Instants are integer milliseconds since the Unix epoch, UTC.

CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    zone TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    access TEXT NOT NULL,
    manager_id INTEGER REFERENCES people(id),
    away_until INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, email)
);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    pick TEXT NOT NULL,
    cursor INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, name)
);

CREATE TABLE role_members (
    role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (role_id, position)
);

CREATE TABLE systems (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    goal TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES people(id),
    parent_id INTEGER REFERENCES systems(id),
    software TEXT NOT NULL DEFAULT '[]',
    UNIQUE (org_id, key)
);

CREATE TABLE processes (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    next_run_at INTEGER,
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, key)
);
CREATE INDEX processes_due ON processes (next_run_at) WHERE status = 'active' AND next_run_at IS NOT NULL;

CREATE TABLE process_versions (
    process_id INTEGER NOT NULL REFERENCES processes(id),
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (process_id, version)
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    process_id INTEGER NOT NULL REFERENCES processes(id),
    version INTEGER NOT NULL,
    scheduled_for INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    started_by INTEGER REFERENCES people(id),
    state TEXT NOT NULL,
    reason TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (process_id, scheduled_for)
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    process_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    step_index INTEGER NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    holder_id INTEGER NOT NULL,
    assignee_id INTEGER NOT NULL,
    level INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    scheduled_for INTEGER NOT NULL,
    opens_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    window_ms INTEGER NOT NULL,
    completed_at INTEGER,
    rev INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_id, step_index)
);
CREATE INDEX tasks_due ON tasks (due_at) WHERE state = 'open';
CREATE INDEX tasks_opening ON tasks (opens_at) WHERE state = 'waiting' AND blocked = 0;
CREATE INDEX tasks_holder ON tasks (org_id, holder_id, state, due_at);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    person_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    exceptions TEXT NOT NULL
);
CREATE INDEX submissions_task ON submissions (task_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    task_id INTEGER,
    run_id INTEGER,
    process_id INTEGER,
    actor_id INTEGER,
    from_state TEXT,
    to_state TEXT,
    from_holder INTEGER,
    to_holder INTEGER,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_task ON events (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
