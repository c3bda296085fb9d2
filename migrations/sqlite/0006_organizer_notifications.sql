-- What organizers want to be told about their events.
ALTER TABLE organizers ADD COLUMN notify_on_cancel INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizers ADD COLUMN notify_when_full INTEGER NOT NULL DEFAULT 0;
