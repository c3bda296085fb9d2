-- The whole schema for PostgreSQL, matching migrations/sqlite/0001…0007.
-- Same tables and columns as SQLite, with PostgreSQL's own types: uuid,
-- timestamptz, boolean, bytea. Counters are bigint because the application
-- reads them as i64 on both backends.

CREATE TABLE events (
    id                     uuid PRIMARY KEY,
    slug                   text NOT NULL UNIQUE,
    kind                   text NOT NULL CHECK (kind IN ('round_table', 'masterclass')),
    title                  text NOT NULL,
    description            text NOT NULL DEFAULT '',
    starts_at              timestamptz NOT NULL,
    ends_at                timestamptz NOT NULL,
    location               text NOT NULL,
    address                text,
    host                   text NOT NULL,
    -- level codes joined by commas, e.g. 'bts_but,licence'
    levels                 text NOT NULL,
    capacity               bigint NOT NULL CHECK (capacity >= 1),
    language               text NOT NULL DEFAULT 'fr',
    status                 text NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    registration_opens_at  timestamptz NOT NULL,
    registration_closes_at timestamptz NOT NULL,
    what_to_bring          text,
    -- Live counts, kept in the same transaction as every registration change.
    -- Every such transaction first locks this row (SELECT … FOR UPDATE), so
    -- changes to one event's seats happen one after another, whichever
    -- instance makes them.
    confirmed_count        bigint NOT NULL DEFAULT 0 CHECK (confirmed_count >= 0),
    waitlisted_count       bigint NOT NULL DEFAULT 0 CHECK (waitlisted_count >= 0),
    -- Last waiting-list ticket handed out; tickets only grow.
    waitlist_seq           bigint NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);

CREATE INDEX events_by_status_and_start ON events (status, starts_at);

CREATE TABLE registrations (
    id                uuid PRIMARY KEY,
    event_id          uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name              text NOT NULL,
    -- trimmed and lower-cased by the application
    email             text NOT NULL,
    institution       text,
    level             text NOT NULL,
    status            text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    waitlist_seq      bigint,
    token_salt        bytea NOT NULL,
    cancel_token_hash bytea NOT NULL UNIQUE,
    language          text NOT NULL,
    consent_at        timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    cancelled_at      timestamptz,
    checked_in_at     timestamptz,
    CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL))
);

-- One active registration per email and event, whatever the case of the
-- address; a person who cancelled may sign up again.
CREATE UNIQUE INDEX registrations_one_active_per_email
    ON registrations (event_id, lower(email)) WHERE status <> 'cancelled';

CREATE INDEX registrations_by_email ON registrations (event_id, email);

CREATE INDEX registrations_waiting_list
    ON registrations (event_id, waitlist_seq) WHERE status = 'waitlisted';

CREATE INDEX registrations_by_event ON registrations (event_id, created_at);

CREATE TABLE outbox (
    id                uuid PRIMARY KEY,
    registration_id   uuid NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    kind              text NOT NULL,
    recipient         text NOT NULL,
    language          text NOT NULL,
    waitlist_position bigint,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts          bigint NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL,
    -- Lease: the instance that claimed the message owns it until then; if it
    -- dies, another instance takes the message once the lease has passed.
    locked_until      timestamptz,
    last_error        text,
    sent_at           timestamptz,
    created_at        timestamptz NOT NULL,
    -- An organizer's message to attendees carries its own text.
    subject           text,
    body              text
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_by_registration ON outbox (registration_id, recipient);

CREATE TABLE organizers (
    id               uuid PRIMARY KEY,
    -- trimmed and lower-cased by the application
    email            text NOT NULL,
    name             text NOT NULL DEFAULT '',
    -- argon2id PHC string
    password_hash    text NOT NULL,
    role             text NOT NULL CHECK (role IN ('admin', 'organizer')),
    created_at       timestamptz NOT NULL,
    notify_on_cancel boolean NOT NULL DEFAULT false,
    notify_when_full boolean NOT NULL DEFAULT false
);

CREATE UNIQUE INDEX organizers_email ON organizers (lower(email));

CREATE TABLE api_tokens (
    -- SHA-256 of the bearer token; the token is shown once, at creation
    token_hash   bytea PRIMARY KEY,
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    label        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL
);

CREATE TABLE event_organizers (
    event_id     uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, organizer_id)
);

CREATE INDEX event_organizers_by_organizer ON event_organizers (organizer_id);

-- Sessions and failed sign-ins live in the database so that any instance
-- can serve any request.
CREATE TABLE sessions (
    -- SHA-256 of the session cookie's value
    token_hash   bytea PRIMARY KEY,
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    email      text NOT NULL,
    client     text NOT NULL,
    failed_at  timestamptz NOT NULL
);

CREATE INDEX login_failures_by_email ON login_failures (email, failed_at);
CREATE INDEX login_failures_by_client ON login_failures (client, failed_at);

CREATE TABLE audit_log (
    id           uuid PRIMARY KEY,
    organizer_id uuid REFERENCES organizers (id) ON DELETE SET NULL,
    event_id     uuid REFERENCES events (id) ON DELETE SET NULL,
    action       text NOT NULL,
    detail       text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL
);

CREATE INDEX audit_log_by_event ON audit_log (event_id, at);

CREATE TABLE event_questions (
    id       uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position bigint NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('text', 'choice', 'yes_no')),
    label    text NOT NULL,
    -- choice questions: the options, one per line
    choices  text NOT NULL DEFAULT '',
    required boolean NOT NULL DEFAULT false
);

CREATE INDEX event_questions_by_event ON event_questions (event_id, position);

CREATE TABLE registration_answers (
    registration_id uuid NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    question_id     uuid NOT NULL REFERENCES event_questions (id) ON DELETE CASCADE,
    answer          text NOT NULL,
    PRIMARY KEY (registration_id, question_id)
);
