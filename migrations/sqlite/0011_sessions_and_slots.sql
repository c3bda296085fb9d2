-- Events held over several sittings (issue 14): the sessions as JSON, in
-- order; empty for the one session from starts_at to ends_at, which stay the
-- first start and the last end so that every query by time still works.
ALTER TABLE events ADD COLUMN sessions TEXT NOT NULL DEFAULT '';

-- Who came, slot by slot: a row per person and half-day (`2099-06-13-am`)
-- they were checked in at the door, or signed for with the code shown in
-- the room, or both. registrations.checked_in_at keeps the first check-in;
-- one recorded before this table counts for the slot of its time.
CREATE TABLE attendance (
    registration_id BLOB NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    event_id        BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    slot            TEXT NOT NULL,
    checked_in_at   TEXT,
    signed_at       TEXT,
    PRIMARY KEY (registration_id, slot)
);
CREATE INDEX attendance_by_event ON attendance (event_id);

-- A person an organizer added on the spot, at the door (confirmed even when
-- the event was full: a seat was added for them).
ALTER TABLE registrations ADD COLUMN walk_in INTEGER NOT NULL DEFAULT 0;
