-- Reminders, offers near the date, change notices (issue 13).
--
-- Runs on a connection with foreign keys off (see src/store/sqlite/mod.rs):
-- the registrations table is rebuilt to take two new statuses, and with
-- foreign keys on, dropping the old table would delete the outbox rows and
-- answers that refer to it.

-- Each event's settings (minutes): reminders before the start (comma
-- separated, empty for none), the window in which a freed seat is offered
-- rather than given, how long a person has to accept, and from when before
-- the start nobody is promoted any more. Seats held by offers are counted,
-- and the calendar file's SEQUENCE grows with each notice of a change.
ALTER TABLE events ADD COLUMN reminders_before_minutes TEXT NOT NULL DEFAULT '2880';
ALTER TABLE events ADD COLUMN offer_window_minutes INTEGER NOT NULL DEFAULT 2880;
ALTER TABLE events ADD COLUMN offer_response_minutes INTEGER NOT NULL DEFAULT 720;
ALTER TABLE events ADD COLUMN promotion_cutoff_minutes INTEGER NOT NULL DEFAULT 60;
ALTER TABLE events ADD COLUMN offered_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;

-- Registrations: 'offered' (a seat held for them until offer_expires_at)
-- and 'expired' (the offer ran out; they left the waiting list). And when
-- the person said they will come.
CREATE TABLE registrations_new (
    id                      BLOB PRIMARY KEY NOT NULL,
    event_id                BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    email                   TEXT NOT NULL,
    institution             TEXT,
    level                   TEXT NOT NULL,
    status                  TEXT NOT NULL
                            CHECK (status IN ('confirmed', 'waitlisted', 'offered', 'cancelled', 'expired')),
    waitlist_seq            INTEGER,
    token_salt              BLOB NOT NULL,
    cancel_key              BLOB NOT NULL UNIQUE,
    language                TEXT NOT NULL,
    consent_at              TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    cancelled_at            TEXT,
    checked_in_at           TEXT,
    older_link              INTEGER,
    offer_expires_at        TEXT,
    attendance_confirmed_at TEXT,
    CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL)),
    CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL)
);
INSERT INTO registrations_new (id, event_id, name, email, institution, level, status, waitlist_seq, token_salt,
    cancel_key, language, consent_at, created_at, updated_at, cancelled_at, checked_in_at, older_link)
SELECT id, event_id, name, email, institution, level, status, waitlist_seq, token_salt,
    cancel_key, language, consent_at, created_at, updated_at, cancelled_at, checked_in_at, older_link
FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_new RENAME TO registrations;

-- One active registration (confirmed, waiting or offered) per email and
-- event: who cancelled, or whose offer expired, may sign up again.
CREATE UNIQUE INDEX registrations_one_active_per_email
    ON registrations (event_id, email) WHERE status IN ('confirmed', 'waitlisted', 'offered');
CREATE INDEX registrations_waiting_list ON registrations (event_id, waitlist_seq) WHERE status = 'waitlisted';
CREATE INDEX registrations_by_event ON registrations (event_id, created_at);
CREATE INDEX registrations_by_older_link ON registrations (substr(cancel_key, 17)) WHERE older_link;

-- What a change notice is about (old and new values), for the message.
ALTER TABLE outbox ADD COLUMN details TEXT;

-- Timed work: rows due at a time, claimed under a lease like the outbox,
-- done once. A reminder job is one offset of one event; an offer's expiry
-- is one registration's.
CREATE TABLE scheduled_jobs (
    id              BLOB PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('reminder', 'offer_expiry')),
    event_id        BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    registration_id BLOB REFERENCES registrations (id) ON DELETE CASCADE,
    offset_minutes  INTEGER,
    due_at          TEXT NOT NULL,
    locked_until    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    done_at         TEXT,
    -- A reminder sent in parts goes on from people who signed up then.
    resume_from     TEXT
);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_at) WHERE done_at IS NULL;
CREATE UNIQUE INDEX scheduled_jobs_one_reminder
    ON scheduled_jobs (event_id, offset_minutes) WHERE kind = 'reminder' AND done_at IS NULL;

-- Who got which reminder: once per person and offset, whatever happens to
-- the job that sends them.
CREATE TABLE reminders_sent (
    registration_id BLOB NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    offset_minutes  INTEGER NOT NULL,
    queued_at       TEXT NOT NULL,
    PRIMARY KEY (registration_id, offset_minutes)
);
