-- Optional per-event questions, and the answers people gave.
CREATE TABLE event_questions (
    id       BLOB PRIMARY KEY NOT NULL,
    event_id BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('text', 'choice', 'yes_no')),
    label    TEXT NOT NULL,
    -- choice questions: the options, one per line
    choices  TEXT NOT NULL DEFAULT '',
    required INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX event_questions_by_event ON event_questions (event_id, position);

CREATE TABLE registration_answers (
    registration_id BLOB NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    question_id     BLOB NOT NULL REFERENCES event_questions (id) ON DELETE CASCADE,
    answer          TEXT NOT NULL,
    PRIMARY KEY (registration_id, question_id)
);
