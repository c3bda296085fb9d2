-- As migrations/sqlite/0009. (0001's comment on events says the seat
-- changes lock the event's row FOR UPDATE; they take FOR NO KEY UPDATE,
-- which lets registrations referencing the event be inserted meanwhile.
-- 0001 itself cannot change: sqlx refuses a migration whose text differs
-- from the one applied.)
ALTER TABLE events ADD COLUMN version bigint NOT NULL DEFAULT 1;

ALTER TABLE audit_log ADD COLUMN via text;
ALTER TABLE audit_log ADD COLUMN params text;
ALTER TABLE audit_log ADD COLUMN registration_id uuid REFERENCES registrations (id) ON DELETE SET NULL;
ALTER TABLE audit_log ADD COLUMN subject_organizer_id uuid REFERENCES organizers (id) ON DELETE SET NULL;

CREATE TABLE health_checks (
    id         integer PRIMARY KEY CHECK (id = 1),
    checked_at timestamptz NOT NULL
);
