-- Webhooks (issue 18): endpoints organizers register, and the deliveries
-- owed to them, queued in the transaction of the change they report and
-- sent by a worker under a lease, like the outbox's messages.

CREATE TABLE webhooks (
    id           BLOB PRIMARY KEY NOT NULL,
    organizer_id BLOB NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    -- NULL: every event the organizer manages.
    event_id     BLOB REFERENCES events (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    -- The event types, comma-separated (registration.created,...).
    events       TEXT NOT NULL,
    -- The signing secret is derived from the server secret and this salt:
    -- the database never holds it.
    secret_salt  BLOB NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX webhooks_by_organizer ON webhooks (organizer_id);
CREATE INDEX webhooks_by_event ON webhooks (event_id);

CREATE TABLE webhook_deliveries (
    -- Sent as the delivery id: the same on every attempt.
    id              BLOB PRIMARY KEY NOT NULL,
    webhook_id      BLOB NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- Deliveries with the same subject (a registration, or the event for
    -- event.*) reach an endpoint in the order they were queued.
    subject         BLOB NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    -- The last attempt's outcome: an HTTP status or why there was none.
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subject ON webhook_deliveries (webhook_id, subject);
