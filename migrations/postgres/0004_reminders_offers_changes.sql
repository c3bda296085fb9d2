-- As migrations/sqlite/0010: reminders, offers near the date, change notices.
ALTER TABLE events
    ADD COLUMN reminders_before_minutes text NOT NULL DEFAULT '2880',
    ADD COLUMN offer_window_minutes bigint NOT NULL DEFAULT 2880,
    ADD COLUMN offer_response_minutes bigint NOT NULL DEFAULT 720,
    ADD COLUMN promotion_cutoff_minutes bigint NOT NULL DEFAULT 60,
    ADD COLUMN offered_count bigint NOT NULL DEFAULT 0 CHECK (offered_count >= 0),
    ADD COLUMN calendar_sequence bigint NOT NULL DEFAULT 0;

ALTER TABLE registrations
    ADD COLUMN offer_expires_at timestamptz,
    ADD COLUMN attendance_confirmed_at timestamptz,
    DROP CONSTRAINT registrations_status_check,
    ADD CONSTRAINT registrations_status_check
        CHECK (status IN ('confirmed', 'waitlisted', 'offered', 'cancelled', 'expired')),
    ADD CONSTRAINT registrations_offer_has_a_deadline CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL);

-- On the column itself: emails are stored lower-case (Email::parse), and
-- the sign-up's "already registered?" lookup (`email = $2`) can use an
-- index on `email`, not one on `lower(email)`.
DROP INDEX registrations_one_active_per_email;
CREATE UNIQUE INDEX registrations_one_active_per_email
    ON registrations (event_id, email) WHERE status IN ('confirmed', 'waitlisted', 'offered');

ALTER TABLE outbox ADD COLUMN details text;

CREATE TABLE scheduled_jobs (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('reminder', 'offer_expiry')),
    event_id        uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    registration_id uuid REFERENCES registrations (id) ON DELETE CASCADE,
    offset_minutes  bigint,
    due_at          timestamptz NOT NULL,
    locked_until    timestamptz,
    attempts        bigint NOT NULL DEFAULT 0,
    last_error      text,
    done_at         timestamptz,
    -- A reminder sent in parts goes on from people who signed up then.
    resume_from     timestamptz
);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_at) WHERE done_at IS NULL;
CREATE UNIQUE INDEX scheduled_jobs_one_reminder
    ON scheduled_jobs (event_id, offset_minutes) WHERE kind = 'reminder' AND done_at IS NULL;

CREATE TABLE reminders_sent (
    registration_id uuid NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    offset_minutes  bigint NOT NULL,
    queued_at       timestamptz NOT NULL,
    PRIMARY KEY (registration_id, offset_minutes)
);
