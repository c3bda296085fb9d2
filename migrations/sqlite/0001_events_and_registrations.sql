-- Events and the registrations they take.
-- Timestamps are RFC 3339 text in UTC; ids are UUIDs stored as 16-byte blobs.

CREATE TABLE events (
    id                     BLOB PRIMARY KEY NOT NULL,
    slug                   TEXT NOT NULL UNIQUE,
    kind                   TEXT NOT NULL CHECK (kind IN ('round_table', 'masterclass')),
    title                  TEXT NOT NULL,
    description            TEXT NOT NULL DEFAULT '',
    starts_at              TEXT NOT NULL,
    ends_at                TEXT NOT NULL,
    location               TEXT NOT NULL,
    address                TEXT,
    host                   TEXT NOT NULL,
    -- level codes joined by commas, e.g. 'bts_but,licence'
    levels                 TEXT NOT NULL,
    capacity               INTEGER NOT NULL CHECK (capacity >= 1),
    language               TEXT NOT NULL DEFAULT 'fr',
    status                 TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    registration_opens_at  TEXT NOT NULL,
    registration_closes_at TEXT NOT NULL,
    what_to_bring          TEXT,
    -- Live counts, kept in the same transaction as every registration change
    -- so that reading seats left never scans registrations.
    confirmed_count        INTEGER NOT NULL DEFAULT 0 CHECK (confirmed_count >= 0),
    waitlisted_count       INTEGER NOT NULL DEFAULT 0 CHECK (waitlisted_count >= 0),
    -- Last waiting-list ticket handed out; tickets only grow, so the order of
    -- the waiting list is the order of sign-up.
    waitlist_seq           INTEGER NOT NULL DEFAULT 0,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

CREATE INDEX events_by_status_and_start ON events (status, starts_at);

CREATE TABLE registrations (
    id                BLOB PRIMARY KEY NOT NULL,
    event_id          BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    -- trimmed and lower-cased by the application
    email             TEXT NOT NULL,
    institution       TEXT,
    level             TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    -- Waiting-list ticket while waitlisted, NULL otherwise. The position shown
    -- is the rank of the ticket among those still waiting, so positions stay
    -- gap-free when someone ahead leaves.
    waitlist_seq      INTEGER,
    -- The cancel token is derived from the server secret and this salt
    -- (see src/token.rs); only its SHA-256 is kept, to find it.
    token_salt        BLOB NOT NULL,
    cancel_token_hash BLOB NOT NULL UNIQUE,
    language          TEXT NOT NULL,
    consent_at        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    cancelled_at      TEXT,
    checked_in_at     TEXT,
    CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL))
);

-- One active registration per email and event; cancelled ones do not count,
-- so a person who cancelled may sign up again.
CREATE UNIQUE INDEX registrations_one_active_per_email
    ON registrations (event_id, email) WHERE status <> 'cancelled';

CREATE INDEX registrations_waiting_list
    ON registrations (event_id, waitlist_seq) WHERE status = 'waitlisted';

CREATE INDEX registrations_by_event ON registrations (event_id, created_at);
