-- Organizer accounts, their API tokens, and which events they own.

CREATE TABLE organizers (
    id            BLOB PRIMARY KEY NOT NULL,
    -- trimmed and lower-cased by the application
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    -- argon2id PHC string
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'organizer')),
    created_at    TEXT NOT NULL
);

CREATE TABLE api_tokens (
    -- SHA-256 of the bearer token; the token is shown once, at creation
    token_hash   BLOB PRIMARY KEY NOT NULL,
    organizer_id BLOB NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

CREATE TABLE event_organizers (
    event_id     BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organizer_id BLOB NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, organizer_id)
);

CREATE INDEX event_organizers_by_organizer ON event_organizers (organizer_id);
