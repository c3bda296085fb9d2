-- Webhooks (issue 18): endpoints organizers register, and the deliveries
-- owed to them, queued in the transaction of the change they report and
-- sent by a worker under a lease, like the outbox's messages.

CREATE TABLE webhooks (
    id           uuid PRIMARY KEY,
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    -- NULL: every event the organizer manages.
    event_id     uuid REFERENCES events (id) ON DELETE CASCADE,
    url          text NOT NULL,
    -- The event types, comma-separated (registration.created,...).
    events       text NOT NULL,
    -- The signing secret is derived from the server secret and this salt:
    -- the database never holds it.
    secret_salt  bytea NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX webhooks_by_organizer ON webhooks (organizer_id);
CREATE INDEX webhooks_by_event ON webhooks (event_id);

CREATE TABLE webhook_deliveries (
    -- Sent as the delivery id: the same on every attempt.
    id              uuid PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- Deliveries with the same subject (a registration, or the event for
    -- event.*) reach an endpoint in the order they were queued.
    subject         uuid NOT NULL,
    kind            text NOT NULL,
    payload         text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        bigint NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    -- The last attempt's outcome: an HTTP status or why there was none.
    last_status     bigint,
    last_error      text,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subject ON webhook_deliveries (webhook_id, subject);
