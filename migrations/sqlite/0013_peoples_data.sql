-- People's data (issue 15): what each person consented to, when their
-- data was erased, each event's own retention period, and one timed job
-- for retention across the service.

-- The version of the privacy notice shown at sign-up (NULL: before
-- notices had versions; consent_at has always been recorded).
ALTER TABLE registrations ADD COLUMN consent_version TEXT;
-- Set when the person's name, email, institution and answers were removed
-- (retention, or at their request); the row stays for the counts.
ALTER TABLE registrations ADD COLUMN anonymised_at TEXT;
-- Days personal data is kept after the event's last session; NULL: the
-- service's RETENTION_DAYS.
ALTER TABLE events ADD COLUMN retention_days INTEGER;
-- When retention anonymised the event's registrations.
ALTER TABLE events ADD COLUMN personal_data_erased_at TEXT;

-- Retention is not about one event: event_id may be NULL, and the kind is
-- new. SQLite cannot change a CHECK or a NOT NULL, so the table is built again.
CREATE TABLE scheduled_jobs_new (
    id              BLOB PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('reminder', 'offer_expiry', 'certificates', 'retention')),
    event_id        BLOB REFERENCES events (id) ON DELETE CASCADE,
    registration_id BLOB REFERENCES registrations (id) ON DELETE CASCADE,
    offset_minutes  INTEGER,
    due_at          TEXT NOT NULL,
    locked_until    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    done_at         TEXT,
    resume_from     TEXT,
    CHECK ((kind = 'retention') = (event_id IS NULL))
);
INSERT INTO scheduled_jobs_new SELECT id, kind, event_id, registration_id, offset_minutes, due_at, locked_until,
    attempts, last_error, done_at, resume_from FROM scheduled_jobs;
DROP TABLE scheduled_jobs;
ALTER TABLE scheduled_jobs_new RENAME TO scheduled_jobs;
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_at) WHERE done_at IS NULL;
CREATE UNIQUE INDEX scheduled_jobs_one_reminder
    ON scheduled_jobs (event_id, offset_minutes) WHERE kind = 'reminder' AND done_at IS NULL;
CREATE UNIQUE INDEX scheduled_jobs_one_certificates
    ON scheduled_jobs (event_id) WHERE kind = 'certificates' AND done_at IS NULL;
-- One retention job, ever: it puts itself back after each run.
CREATE UNIQUE INDEX scheduled_jobs_one_retention ON scheduled_jobs (kind) WHERE kind = 'retention';
INSERT INTO scheduled_jobs (id, kind, due_at)
VALUES (randomblob(16), 'retention', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
