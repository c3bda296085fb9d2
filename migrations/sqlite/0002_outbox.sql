-- Messages to send, written in the same transaction as the change they
-- announce, and delivered by the mail worker.
CREATE TABLE outbox (
    id                BLOB PRIMARY KEY NOT NULL,
    registration_id   BLOB NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    -- confirmed | waitlisted | promoted | cancelled
    kind              TEXT NOT NULL,
    recipient         TEXT NOT NULL,
    language          TEXT NOT NULL,
    -- Place on the waiting list when the message was queued (waitlisted).
    waitlist_position INTEGER,
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT NOT NULL,
    -- Lease: a worker that claimed the message owns it until then; if it
    -- dies, the message becomes due again.
    locked_until      TEXT,
    last_error        TEXT,
    sent_at           TEXT,
    created_at        TEXT NOT NULL
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_by_registration ON outbox (registration_id);
