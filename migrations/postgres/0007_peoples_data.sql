-- As migrations/sqlite/0013: consent versions, erasure, retention.
ALTER TABLE registrations ADD COLUMN consent_version text;
ALTER TABLE registrations ADD COLUMN anonymised_at timestamptz;
ALTER TABLE events ADD COLUMN retention_days bigint;
ALTER TABLE events ADD COLUMN personal_data_erased_at timestamptz;

ALTER TABLE scheduled_jobs ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_kind_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_kind_check
    CHECK (kind IN ('reminder', 'offer_expiry', 'certificates', 'retention'));
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_retention_has_no_event
    CHECK ((kind = 'retention') = (event_id IS NULL));
CREATE UNIQUE INDEX scheduled_jobs_one_retention ON scheduled_jobs (kind) WHERE kind = 'retention';
INSERT INTO scheduled_jobs (id, kind, due_at) VALUES (gen_random_uuid(), 'retention', now());
