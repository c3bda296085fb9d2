//! SQL that SQLite and PostgreSQL both accept (`$n` placeholders, CAST,
//! standard functions). Backend-specific statements stay in their backend.

use crate::token::CancelLookup;

/// The columns `rows::EventRow` reads, in a macro so that queries can be
/// assembled with `concat!` at compile time.
macro_rules! event_columns {
    () => {
        "id, slug, kind, title, description, starts_at, ends_at, location, address, host, levels, \
         capacity, language, status, registration_opens_at, registration_closes_at, what_to_bring, \
         confirmed_count, waitlisted_count"
    };
}

pub const UPCOMING_EVENTS: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM events WHERE status = 'published' AND starts_at > $1 \
       AND (CAST($2 AS TEXT) IS NULL OR kind = $2) \
       AND (CAST($3 AS TEXT) IS NULL OR (',' || levels || ',') LIKE ('%,' || $3 || ',%')) \
     ORDER BY starts_at, title LIMIT 1000"
);

pub const EVENT_BY_ID: &str = concat!("SELECT ", event_columns!(), " FROM events WHERE id = $1");

pub const EVENT_BY_SLUG: &str = concat!("SELECT ", event_columns!(), " FROM events WHERE slug = $1");

pub const INSERT_EVENT: &str = "INSERT INTO events (id, slug, kind, title, description, starts_at, ends_at, location, \
     address, host, levels, capacity, language, status, registration_opens_at, registration_closes_at, \
     what_to_bring, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)";

pub const COUNT_EVENTS: &str = "SELECT COUNT(*) FROM events";

/// Followed by `VALUES (event_id, email), …` and `)`: which of these
/// people hold a registration, confirmed or waiting, for that event.
pub const ACTIVE_REGISTRATIONS_AMONG: &str =
    "SELECT event_id, email FROM registrations WHERE status <> 'cancelled' AND (event_id, email) IN (";

macro_rules! insert_registrations {
    () => {
        "INSERT INTO registrations (id, event_id, name, email, institution, level, \
         status, waitlist_seq, token_salt, cancel_key, language, consent_at, created_at, updated_at) "
    };
}

/// Followed by `VALUES (…), …`, a row per registration.
pub const INSERT_REGISTRATIONS: &str = insert_registrations!();

/// One registration, consented to, created and updated at `$12`.
pub const INSERT_REGISTRATION: &str =
    concat!(insert_registrations!(), "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12)");

/// Whether `$2` holds a registration (confirmed or waiting) for event `$1`.
pub const ACTIVE_REGISTRATION: &str =
    "SELECT 1 FROM registrations WHERE event_id = $1 AND email = $2 AND status <> 'cancelled'";

/// Followed by ids, `)`, and the backend's row lock: events with their last
/// waiting-list ticket.
pub const EVENTS_WITH_TICKETS: &str = concat!("SELECT ", event_columns!(), ", waitlist_seq FROM events WHERE id IN (");

/// Event `$1` with its last waiting-list ticket.
pub const EVENT_WITH_TICKET: &str = concat!("SELECT ", event_columns!(), ", waitlist_seq FROM events WHERE id = $1");

/// Sets an event's live counts: `$1` confirmed, `$2` waiting, `$3` the last
/// ticket, changed at `$4`, for event `$5` (numbered in order of appearance,
/// as rusqlite binds them).
pub const SET_EVENT_COUNTS: &str = "UPDATE events SET confirmed_count = $1, waitlisted_count = $2, \
     waitlist_seq = $3, updated_at = $4 WHERE id = $5";

/// Followed by `VALUES (id, confirmed, waitlisted, ticket, when), …` and
/// `SET_EVENT_COUNTS_WHERE`: sets several events' live counts at once.
pub const SET_EVENT_COUNTS_FROM: &str = "UPDATE events SET confirmed_count = c.column2, \
     waitlisted_count = c.column3, waitlist_seq = c.column4, updated_at = c.column5 FROM (";

pub const SET_EVENT_COUNTS_WHERE: &str = ") AS c WHERE events.id = c.column1";

/// Moves the live counts of event `$1` by `$2` confirmed and `$3` waiting,
/// hands out `$4` new waiting-list tickets, and returns the last ticket.
pub const UPDATE_EVENT_COUNTS: &str = "UPDATE events SET confirmed_count = confirmed_count + $2, \
     waitlisted_count = waitlisted_count + $3, waitlist_seq = waitlist_seq + $4, updated_at = $5 \
     WHERE id = $1 RETURNING waitlist_seq";

/// The columns `rows::RegistrationRow` reads, for a registration `r`.
macro_rules! registration_columns {
    () => {
        "r.id, r.event_id, r.name, r.email, r.institution, r.level, r.status, \
r.language, r.created_at, r.cancelled_at, \
         CASE WHEN r.status = 'waitlisted' THEN \
       (SELECT COUNT(*) FROM registrations w \
        WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.waitlist_seq <= r.waitlist_seq) \
     END AS waitlist_position"
    };
}

/// The statement that finds a registration by its cancel link, to bind
/// with `CancelLookup::as_bytes`. Links without the registration id match
/// the end of the key, among the registrations made before links carried
/// the id (a partial index of its own).
pub fn registration_by_cancel_link(token: &CancelLookup) -> &'static str {
    match token {
        CancelLookup::Key(_) => {
            concat!("SELECT ", registration_columns!(), " FROM registrations r WHERE r.cancel_key = $1")
        }
        CancelLookup::Legacy(_) => {
            concat!(
                "SELECT ",
                registration_columns!(),
                " FROM registrations r WHERE r.older_link AND substr(r.cancel_key, 17) = $1"
            )
        }
    }
}

/// As `registration_by_cancel_link`, only the event's id.
pub fn event_of_cancel_link(token: &CancelLookup) -> &'static str {
    match token {
        CancelLookup::Key(_) => "SELECT event_id FROM registrations WHERE cancel_key = $1",
        CancelLookup::Legacy(_) => {
            "SELECT event_id FROM registrations WHERE older_link AND substr(cancel_key, 17) = $1"
        }
    }
}

pub const SET_REGISTRATION_STATUS: &str = "UPDATE registrations SET status = $2, waitlist_seq = NULL, updated_at = $3, \
     cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END WHERE id = $1";

pub const REGISTRATION_BY_ID: &str =
    concat!("SELECT ", registration_columns!(), " FROM registrations r WHERE r.id = $1");

/// Followed by ids and `)`: registrations with their token salts.
pub const REGISTRATIONS_WITH_SALTS: &str =
    concat!("SELECT ", registration_columns!(), ", r.token_salt FROM registrations r WHERE r.id IN (");

pub const FIRST_WAITING: &str = "SELECT id, email, language FROM registrations \
     WHERE event_id = $1 AND status = 'waitlisted' ORDER BY waitlist_seq LIMIT 1";

/// Followed by `VALUES (…), …`, a row per message.
pub const INSERT_MESSAGES: &str = "INSERT INTO outbox (id, registration_id, kind, recipient, language, \
     waitlist_position, next_attempt_at, created_at) ";

pub const INSERT_MESSAGE: &str = "INSERT INTO outbox (id, registration_id, kind, recipient, language, \
     waitlist_position, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";

/// Followed by the time, the lease (` WHERE locked_until = `), ids and `)`.
pub const MESSAGES_SENT: &str = "UPDATE outbox SET status = 'sent', last_error = NULL, locked_until = NULL, sent_at = ";

/// Records about a claimed message name the lease they hold (`$4`, `$3`,
/// `$2`): a worker whose lease ran out, and whose message another worker
/// has claimed since, changes nothing.
pub const MESSAGE_RETRY: &str =
    "UPDATE outbox SET next_attempt_at = $2, last_error = $3, locked_until = NULL WHERE id = $1 AND locked_until = $4";

pub const MESSAGE_FAILED: &str =
    "UPDATE outbox SET status = 'failed', last_error = $2, locked_until = NULL WHERE id = $1 AND locked_until = $3";

pub const INSERT_EVENT_OWNER: &str = "INSERT INTO event_organizers (event_id, organizer_id) VALUES ($1, $2)";

pub const INSERT_ORGANIZER: &str =
    "INSERT INTO organizers (id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

/// The columns `rows::OrganizerRow` reads, for an organizer `o`.
macro_rules! organizer_columns {
    () => {
        "o.id, o.email, o.name, o.role, o.password_hash, o.notify_on_cancel, o.notify_when_full"
    };
}

pub const ORGANIZER_BY_EMAIL: &str = concat!("SELECT ", organizer_columns!(), " FROM organizers o WHERE o.email = $1");

pub const INSERT_API_TOKEN: &str =
    "INSERT INTO api_tokens (token_hash, organizer_id, label, created_at) VALUES ($1, $2, $3, $4)";

pub const ORGANIZER_BY_API_TOKEN: &str = concat!(
    "SELECT ",
    organizer_columns!(),
    " FROM api_tokens t JOIN organizers o ON o.id = t.organizer_id WHERE t.token_hash = $1"
);

pub const SLUG_USED_ELSEWHERE: &str = "SELECT 1 FROM events WHERE slug = $1 AND id <> $2";

pub const UPDATE_EVENT: &str = "UPDATE events SET slug = $2, kind = $3, title = $4, description = $5, \
     starts_at = $6, ends_at = $7, location = $8, address = $9, host = $10, levels = $11, capacity = $12, \
     language = $13, status = $14, registration_opens_at = $15, registration_closes_at = $16, \
     what_to_bring = $17, updated_at = $18 WHERE id = $1";

pub const SET_EVENT_STATUS: &str = "UPDATE events SET status = $2, updated_at = $3 WHERE id = $1";

/// Who is still registered (confirmed or waiting) for an event.
pub const ACTIVE_REGISTRATIONS: &str =
    "SELECT id, email, language FROM registrations WHERE event_id = $1 AND status <> 'cancelled' ORDER BY created_at";

pub const CAN_MANAGE_EVENT: &str = "SELECT 1 FROM event_organizers WHERE event_id = $1 AND organizer_id = $2";

/// Every registration of an event, oldest first, with the state of the
/// latest message to each person (outbox ids grow with time).
pub const EVENT_REGISTRATIONS: &str = "SELECT r.id, r.event_id, r.name, r.email, r.institution, r.level, r.status, \
     r.language, r.created_at, r.cancelled_at, r.checked_in_at, r.waitlist_seq, \
     (SELECT o.status FROM outbox o WHERE o.registration_id = r.id AND o.recipient = r.email \
      ORDER BY o.id DESC LIMIT 1) AS email_status \
     FROM registrations r WHERE r.event_id = $1 ORDER BY r.created_at, r.id";

pub const INSERT_SESSION: &str =
    "INSERT INTO sessions (token_hash, organizer_id, expires_at, created_at) VALUES ($1, $2, $3, $4)";

pub const ORGANIZER_BY_SESSION: &str = concat!(
    "SELECT ",
    organizer_columns!(),
    " FROM sessions s JOIN organizers o ON o.id = s.organizer_id WHERE s.token_hash = $1 AND s.expires_at > $2"
);

pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";

pub const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

pub const INSERT_LOGIN_FAILURE: &str = "INSERT INTO login_failures (email, client, failed_at) VALUES ($1, $2, $3)";

/// Failures since `$3` for this email, and for this client.
pub const COUNT_LOGIN_FAILURES: &str = "SELECT \
     (SELECT COUNT(*) FROM login_failures WHERE email = $1 AND failed_at > $3), \
     (SELECT COUNT(*) FROM login_failures WHERE client = $2 AND failed_at > $3)";

pub const FORGET_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE email = $1 OR failed_at <= $2";

pub const ALL_EVENTS: &str = concat!("SELECT ", event_columns!(), " FROM events ORDER BY starts_at DESC, title");

pub const EVENTS_OF_ORGANIZER: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM events WHERE id IN (SELECT event_id FROM event_organizers WHERE organizer_id = $1) \
     ORDER BY starts_at DESC, title"
);

pub const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (id, organizer_id, event_id, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6)";

pub const EVENT_AUDIT: &str = "SELECT a.at, COALESCE(o.email, ''), a.action, a.detail FROM audit_log a \
     LEFT JOIN organizers o ON o.id = a.organizer_id WHERE a.event_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 200";

/// Gives back a claimed message that was not attempted (shutdown).
pub const MESSAGE_RELEASE: &str = "UPDATE outbox SET locked_until = NULL, attempts = attempts - 1 \
     WHERE id = $1 AND status = 'pending' AND locked_until = $2";

/// Marks (or, with NULL, unmarks) a confirmed attendee present.
pub const SET_CHECKED_IN: &str = "UPDATE registrations SET checked_in_at = $3, updated_at = COALESCE($3, updated_at) \
     WHERE id = $2 AND event_id = $1 AND status = 'confirmed'";

pub const ADD_SEAT: &str = "UPDATE events SET capacity = capacity + 1, updated_at = $2 WHERE id = $1";

pub const CONFIRMED_REGISTRATIONS: &str =
    "SELECT id, email, language FROM registrations WHERE event_id = $1 AND status = 'confirmed' ORDER BY created_at";

pub const INSERT_ANNOUNCEMENT: &str = "INSERT INTO outbox (id, registration_id, kind, recipient, language, \
     next_attempt_at, created_at, subject, body) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)";

pub const SET_NOTIFICATIONS: &str = "UPDATE organizers SET notify_on_cancel = $2, notify_when_full = $3 WHERE id = $1";

/// Organizers of an event who want to hear about cancellations ($2 = 'cancel')
/// or about the event filling up ($2 = 'full').
pub const ORGANIZERS_TO_NOTIFY: &str = "SELECT o.email FROM event_organizers eo \
     JOIN organizers o ON o.id = eo.organizer_id WHERE eo.event_id = $1 \
     AND ((CAST($2 AS TEXT) = 'cancel' AND o.notify_on_cancel) OR (CAST($2 AS TEXT) = 'full' AND o.notify_when_full))";

pub const ALL_ORGANIZERS: &str = concat!("SELECT ", organizer_columns!(), " FROM organizers o ORDER BY o.email");

pub const ORGANIZERS_OF_EVENT: &str = concat!(
    "SELECT ",
    organizer_columns!(),
    " FROM organizers o JOIN event_organizers eo ON eo.organizer_id = o.id WHERE eo.event_id = $1 ORDER BY o.email"
);

pub const ADD_EVENT_ORGANIZER: &str =
    "INSERT INTO event_organizers (event_id, organizer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

pub const INSERT_QUESTION: &str = "INSERT INTO event_questions (id, event_id, position, kind, label, choices, required) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub const QUESTION_IDS: &str = "SELECT id FROM event_questions WHERE event_id = $1 ORDER BY position";

pub const UPDATE_QUESTION: &str =
    "UPDATE event_questions SET kind = $2, label = $3, choices = $4, required = $5 WHERE id = $1";

pub const DELETE_QUESTION: &str = "DELETE FROM event_questions WHERE id = $1";

pub const EVENT_QUESTIONS: &str =
    "SELECT id, kind, label, choices, required FROM event_questions WHERE event_id = $1 ORDER BY position";

pub const INSERT_ANSWER: &str = "INSERT INTO registration_answers (registration_id, question_id, answer) \
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM event_questions WHERE id = $2 AND event_id = $4)";

/// Every answer given for an event's registrations.
pub const EVENT_ANSWERS: &str = "SELECT a.registration_id, a.question_id, a.answer FROM registration_answers a \
     JOIN registrations r ON r.id = a.registration_id WHERE r.event_id = $1";

pub const RECENT_AUDIT: &str = "SELECT a.at, COALESCE(o.email, ''), a.action, \
     COALESCE(e.title, '') || CASE WHEN a.detail <> '' THEN ' — ' || a.detail ELSE '' END \
     FROM audit_log a LEFT JOIN organizers o ON o.id = a.organizer_id LEFT JOIN events e ON e.id = a.event_id \
     ORDER BY a.at DESC, a.id DESC LIMIT 200";

/// Leases up to `$3` messages due at `$1` until `$2`, oldest first, and
/// returns them. A message waits while an older one to the same person is
/// pending, so that people read "waiting list" before "a seat is yours"
/// even after an outage (outbox ids grow with time). `$lock` is how the
/// backend keeps two workers from taking the same row.
macro_rules! claim_messages {
    ($lock:literal) => {
        concat!(
            "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= $1 \
                  AND (o.locked_until IS NULL OR o.locked_until <= $1) \
                  AND NOT EXISTS (SELECT 1 FROM outbox older WHERE older.registration_id = o.registration_id \
                                  AND older.recipient = o.recipient \
                                  AND older.status = 'pending' AND older.id < o.id) \
                  ORDER BY o.next_attempt_at LIMIT $3 ",
            $lock,
            ") RETURNING id, registration_id, kind, recipient, language, waitlist_position, attempts, subject, body, \
             locked_until"
        )
    };
}

/// SQLite: claims run on the one write connection, one at a time.
pub const CLAIM_MESSAGES_SQLITE: &str = claim_messages!("");

/// PostgreSQL: instances claim concurrently; each skips the rows another is
/// claiming at that moment, and the lease keeps them off afterwards.
pub const CLAIM_MESSAGES_POSTGRES: &str = claim_messages!("FOR UPDATE SKIP LOCKED");

/// PostgreSQL: reads an event and locks its row until the transaction ends.
pub const EVENT_FOR_CHANGE_POSTGRES: &str =
    concat!("SELECT ", event_columns!(), " FROM events WHERE id = $1 FOR NO KEY UPDATE");
