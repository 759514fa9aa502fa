-- Evidence retention: an organization may keep evidence files for a number of days.
-- Past that, the files' bytes are deleted and the submission records when; the record
-- of the evidence (its hashes, values and verdict) stays, and so does the event chain.
ALTER TABLE orgs ADD COLUMN retention_days INTEGER;
ALTER TABLE submissions ADD COLUMN purged_at INTEGER;
CREATE INDEX submissions_unpurged ON submissions (org_id, at) WHERE purged_at IS NULL;

-- Which stored files each submission names, so a file shared by several submissions
-- (the same photo sent twice) is deleted only when none still keeps it.
CREATE TABLE submission_files (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    org_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (submission_id, sha256)
);
CREATE INDEX submission_files_sha ON submission_files (sha256);
INSERT OR IGNORE INTO submission_files (submission_id, org_id, sha256)
SELECT s.id, s.org_id, j.value FROM submissions s, json_tree(s.evidence) j
WHERE j.key IN ('sha256', 'thumbnail') AND j.type = 'text';
