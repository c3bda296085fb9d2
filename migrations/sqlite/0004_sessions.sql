-- Organizer sign-in: server-side sessions and failed attempts (rate limit).
-- Both live in the database so that any instance can serve any request.

CREATE TABLE sessions (
    -- SHA-256 of the session cookie's value
    token_hash   BLOB PRIMARY KEY NOT NULL,
    organizer_id BLOB NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    expires_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    -- lower-cased email tried, and the client address
    email      TEXT NOT NULL,
    client     TEXT NOT NULL,
    failed_at  TEXT NOT NULL
);

CREATE INDEX login_failures_by_email ON login_failures (email, failed_at);
CREATE INDEX login_failures_by_client ON login_failures (client, failed_at);

-- Who did what in the back-office, and when.
CREATE TABLE audit_log (
    id           BLOB PRIMARY KEY NOT NULL,
    organizer_id BLOB REFERENCES organizers (id) ON DELETE SET NULL,
    event_id     BLOB REFERENCES events (id) ON DELETE SET NULL,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL
);

CREATE INDEX audit_log_by_event ON audit_log (event_id, at);
