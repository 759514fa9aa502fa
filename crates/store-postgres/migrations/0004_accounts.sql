-- Mirrors the SQLite migration of the same number.
-- Signing in: password hashes, browser sessions, one-time invitation and reset links,
-- and API tokens that can be revoked. Secrets are stored only as their SHA-256.

-- NULL until the person chooses a password: they cannot sign in before.
ALTER TABLE people ADD COLUMN password_hash TEXT;
-- Sign-in looks an email up in every organization at once.
CREATE INDEX people_login ON people (lower(email));

CREATE TABLE sessions (
    id_sha256 TEXT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
-- Signing a person out everywhere.
CREATE INDEX sessions_person ON sessions (org_id, person_id);

CREATE TABLE account_links (
    sha256 TEXT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    -- 'invite' or 'reset'.
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
-- Using one link spends every other open link of the person for the same purpose.
CREATE INDEX account_links_open ON account_links (org_id, person_id) WHERE used_at IS NULL;

-- Revoked tokens are kept, so the audit trail can still name them.
ALTER TABLE tokens ADD COLUMN revoked_at BIGINT;
CREATE INDEX tokens_person ON tokens (org_id, person_id);
