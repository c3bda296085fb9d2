-- Account lifecycle (issue 16): organizers can be disabled, API tokens
-- are listed, revoked and may expire, and admins hand out one-time
-- password-reset links.

-- Set while the account is disabled: no sign-in, no session, no token.
ALTER TABLE organizers ADD COLUMN disabled_at timestamptz;

-- Tokens get an id to be named by (lists, DELETE /api/v1/tokens/{id}),
-- the first characters of the secret to be recognised by (empty for
-- tokens made before: their secret was never kept), when they were last
-- used (to the minute), when they expire and when they were revoked.
ALTER TABLE api_tokens ADD COLUMN id uuid;
UPDATE api_tokens SET id = gen_random_uuid() WHERE id IS NULL;
ALTER TABLE api_tokens ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens (id);
CREATE INDEX api_tokens_by_organizer ON api_tokens (organizer_id);
ALTER TABLE api_tokens ADD COLUMN prefix text NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN revoked_at timestamptz;

CREATE TABLE password_resets (
    -- SHA-256 of the link's secret
    token_hash   bytea PRIMARY KEY,
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    created_at   timestamptz NOT NULL
);

-- Failed sign-ins are counted per address and client together, so that
-- a stranger's attempts slow the stranger down only.
CREATE INDEX login_failures_by_email_and_client ON login_failures (email, client, failed_at);
DROP INDEX login_failures_by_email;
