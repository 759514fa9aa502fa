-- Mirrors the SQLite migration of the same number.
-- Notifications: the outbox (notices, written in the same transaction as the state change
-- they tell of), their deliveries per channel, shared endpoints, preferences, calendar
-- feeds and idempotent event-triggered runs.

ALTER TABLE orgs ADD COLUMN notify JSONB NOT NULL DEFAULT '{}';
-- Copied out of `notify` so task updates can compute the reminder instant in SQL.
ALTER TABLE orgs ADD COLUMN due_soon_ms BIGINT NOT NULL DEFAULT 1800000;

ALTER TABLE people ADD COLUMN preferences JSONB NOT NULL DEFAULT '{}';
ALTER TABLE people ADD COLUMN calendar_sha256 TEXT;
CREATE UNIQUE INDEX people_calendar ON people (calendar_sha256) WHERE calendar_sha256 IS NOT NULL;

-- When the holder of an open task hears "due soon"; cleared once they have.
ALTER TABLE tasks ADD COLUMN remind_at BIGINT;
CREATE INDEX tasks_remind ON tasks (remind_at) WHERE state = 'open' AND remind_at IS NOT NULL;

ALTER TABLE runs ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX runs_idempotency ON runs (process_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE notices (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    -- NULL for notices meant only for connected systems (task.completed).
    person_id BIGINT REFERENCES people(id),
    kind TEXT NOT NULL,
    -- Names the event and recipient; a second write of the same notice is ignored.
    key TEXT NOT NULL,
    task_id BIGINT,
    run_id BIGINT,
    process_id BIGINT,
    data JSONB NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    routed_at BIGINT,
    read_at BIGINT,
    UNIQUE (org_id, key)
);
CREATE INDEX notices_unrouted ON notices (id) WHERE routed_at IS NULL;
CREATE INDEX notices_person ON notices (org_id, person_id, id);
-- The unread count and "unread only" list stay small reads however long the history.
CREATE INDEX notices_unread ON notices (org_id, person_id, id) WHERE read_at IS NULL;

CREATE TABLE endpoints (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events JSONB NOT NULL DEFAULT '[]',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX endpoints_org ON endpoints (org_id);

CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    channel TEXT NOT NULL,
    endpoint_id BIGINT REFERENCES endpoints(id) ON DELETE SET NULL,
    -- What shares a concurrency limit: 'smtp' or 'endpoint:ID'.
    destination TEXT NOT NULL,
    address TEXT NOT NULL,
    -- Stable across retries: the webhook-id and the email Message-ID derive from it.
    dedupe_key TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    html TEXT,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_org ON deliveries (org_id, state, id);

-- Digests count a person's or a process's activity over a day or a week of the log.
CREATE INDEX events_org_at ON events (org_id, at);
