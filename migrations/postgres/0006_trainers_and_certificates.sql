-- The trainer's signature for each slot (issue 14): the name typed, when,
-- and which organizer account was signed in.
CREATE TABLE trainer_signatures (
    event_id     uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    slot         text NOT NULL,
    name         text NOT NULL,
    signed_at    timestamptz NOT NULL,
    organizer_id uuid REFERENCES organizers (id) ON DELETE SET NULL,
    PRIMARY KEY (event_id, slot)
);

-- A certificate of attendance: the public id on it (random, for /verify),
-- given with a person's first attended slot, and when it was emailed after
-- the event (once; organizers can send it again).
ALTER TABLE registrations ADD COLUMN certificate_id text;
ALTER TABLE registrations ADD COLUMN certificate_sent_at timestamptz;
CREATE UNIQUE INDEX registrations_by_certificate ON registrations (certificate_id) WHERE certificate_id IS NOT NULL;
UPDATE registrations SET certificate_id = substr(replace(gen_random_uuid()::text, '-', ''), 1, 24)
 WHERE checked_in_at IS NOT NULL
    OR id IN (SELECT registration_id FROM attendance WHERE checked_in_at IS NOT NULL OR signed_at IS NOT NULL);

-- A new kind of job: the certificates of an event once it has ended.
ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_kind_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_kind_check
    CHECK (kind IN ('reminder', 'offer_expiry', 'certificates'));
CREATE UNIQUE INDEX scheduled_jobs_one_certificates
    ON scheduled_jobs (event_id) WHERE kind = 'certificates' AND done_at IS NULL;

-- Events not over yet send their certificates when they end; events
-- already over send none: their people were not told to expect one.
INSERT INTO scheduled_jobs (id, kind, event_id, due_at)
SELECT gen_random_uuid(), 'certificates', id, ends_at FROM events WHERE status <> 'cancelled' AND ends_at > now();
