-- The trainer's signature for each slot (issue 14): the name typed, when,
-- and which organizer account was signed in.
CREATE TABLE trainer_signatures (
    event_id     BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    slot         TEXT NOT NULL,
    name         TEXT NOT NULL,
    signed_at    TEXT NOT NULL,
    organizer_id BLOB REFERENCES organizers (id) ON DELETE SET NULL,
    PRIMARY KEY (event_id, slot)
);

-- A certificate of attendance: the public id on it (random, for /verify),
-- given with a person's first attended slot, and when it was emailed after
-- the event (once; organizers can send it again).
ALTER TABLE registrations ADD COLUMN certificate_id TEXT;
ALTER TABLE registrations ADD COLUMN certificate_sent_at TEXT;
CREATE UNIQUE INDEX registrations_by_certificate ON registrations (certificate_id) WHERE certificate_id IS NOT NULL;
UPDATE registrations SET certificate_id = lower(hex(randomblob(12)))
 WHERE checked_in_at IS NOT NULL
    OR id IN (SELECT registration_id FROM attendance WHERE checked_in_at IS NOT NULL OR signed_at IS NOT NULL);

-- A new kind of job, the certificates of an event once it has ended:
-- SQLite cannot change a CHECK, so the table is built again.
CREATE TABLE scheduled_jobs_new (
    id              BLOB PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('reminder', 'offer_expiry', 'certificates')),
    event_id        BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    registration_id BLOB REFERENCES registrations (id) ON DELETE CASCADE,
    offset_minutes  INTEGER,
    due_at          TEXT NOT NULL,
    locked_until    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    done_at         TEXT,
    resume_from     TEXT
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

-- Events not over yet send their certificates when they end (times are
-- stored as RFC 3339 in UTC, so they compare as text). Events already over
-- send none: their people were not told to expect one.
INSERT INTO scheduled_jobs (id, kind, event_id, due_at)
SELECT randomblob(16), 'certificates', id, ends_at FROM events
 WHERE status <> 'cancelled' AND ends_at > strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now');
