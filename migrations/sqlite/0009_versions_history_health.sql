-- Events carry a version, moved by every change to the event itself (not
-- to its seat counts): an edit made from an older version is refused
-- instead of undoing what happened since.
ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- History entries become a kind with parameters (JSON), worded when shown
-- in the reader's language. The person and the organizer an entry is about
-- are referred to by id and shown by their current name. Entries written
-- before keep their action and detail text, shown as recorded.
ALTER TABLE audit_log ADD COLUMN via TEXT;
ALTER TABLE audit_log ADD COLUMN params TEXT;
ALTER TABLE audit_log ADD COLUMN registration_id BLOB REFERENCES registrations (id) ON DELETE SET NULL;
ALTER TABLE audit_log ADD COLUMN subject_organizer_id BLOB REFERENCES organizers (id) ON DELETE SET NULL;

-- One row the health check writes: /healthz answers 200 only when a write
-- succeeds.
CREATE TABLE health_checks (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);
