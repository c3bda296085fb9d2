-- Cancel links now carry the registration id, and the key kept to find
-- them is the id followed by the SHA-256 that was kept alone until now (see
-- src/token.rs). Keys that start with a time-ordered id go at the end of
-- the unique index instead of at random places in it.
UPDATE registrations
    SET cancel_token_hash = uuid_send(id) || cancel_token_hash
    WHERE length(cancel_token_hash) = 32;

ALTER TABLE registrations RENAME COLUMN cancel_token_hash TO cancel_key;

-- Links sent before carry only the secret, so they are found by the end of
-- the key. Only the registrations that existed then can have such links:
-- they are marked, and only they are indexed that way, so that sign-ups
-- from now on write nothing to this index.
ALTER TABLE registrations ADD COLUMN older_link boolean;
UPDATE registrations SET older_link = true;
CREATE INDEX registrations_by_older_link ON registrations (substr(cancel_key, 17)) WHERE older_link;
