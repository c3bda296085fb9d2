-- Account lifecycle (issue 16): organizers can be disabled, API tokens
-- are listed, revoked and may expire, and admins hand out one-time
-- password-reset links.

-- Set while the account is disabled: no sign-in, no session, no token.
ALTER TABLE organizers ADD COLUMN disabled_at TEXT;

-- Tokens get an id to be named by (lists, DELETE /api/v1/tokens/{id}),
-- the first characters of the secret to be recognised by (empty for
-- tokens made before: their secret was never kept), when they were last
-- used (to the minute), when they expire and when they were revoked.
ALTER TABLE api_tokens ADD COLUMN id BLOB;
UPDATE api_tokens SET id = randomblob(16) WHERE id IS NULL;
CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens (id);
CREATE INDEX api_tokens_by_organizer ON api_tokens (organizer_id);
ALTER TABLE api_tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;

CREATE TABLE password_resets (
    -- SHA-256 of the link's secret
    token_hash   BLOB PRIMARY KEY NOT NULL,
    organizer_id BLOB NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    created_at   TEXT NOT NULL
);

-- Failed sign-ins are counted per address and client together, so that
-- a stranger's attempts slow the stranger down only.
CREATE INDEX login_failures_by_email_and_client ON login_failures (email, client, failed_at);
DROP INDEX login_failures_by_email;
