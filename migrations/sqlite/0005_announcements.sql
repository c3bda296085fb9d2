-- Messages organizers write to their attendees: the outbox keeps the text.
ALTER TABLE outbox ADD COLUMN subject TEXT;
ALTER TABLE outbox ADD COLUMN body TEXT;
