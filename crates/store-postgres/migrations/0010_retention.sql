-- Evidence retention: an organization may keep evidence files for a number of days.
-- Past that, the files' bytes are deleted and the submission records when; the record
-- of the evidence (its hashes, values and verdict) stays, and so does the event chain.
ALTER TABLE orgs ADD COLUMN retention_days INTEGER;
ALTER TABLE submissions ADD COLUMN purged_at BIGINT;
CREATE INDEX submissions_unpurged ON submissions (org_id, at) WHERE purged_at IS NULL;

-- Which stored files each submission names, so a file shared by several submissions
-- (the same photo sent twice) is deleted only when none still keeps it.
CREATE TABLE submission_files (
    submission_id BIGINT NOT NULL REFERENCES submissions(id),
    org_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (submission_id, sha256)
);
CREATE INDEX submission_files_sha ON submission_files (sha256);
INSERT INTO submission_files (submission_id, org_id, sha256)
SELECT DISTINCT s.id, s.org_id, f.sha #>> '{}'
FROM submissions s,
     LATERAL (SELECT jsonb_path_query(s.evidence, 'strict $.**.sha256') AS sha
              UNION SELECT jsonb_path_query(s.evidence, 'strict $.**.thumbnail')) f
WHERE jsonb_typeof(f.sha) = 'string'
ON CONFLICT DO NOTHING;
