//! Every write the store makes, as one value: a `Change` is applied in one
//! transaction with its history entry, and gives a `Done`. Backends differ
//! only in how they run that transaction: SQLite commits many changes
//! together through its one writer, PostgreSQL runs each in its own
//! transaction and retries it if the database aborts it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::account_change::{self, AccountChange};
use super::attendance::{self, Presence, Signature};
use super::certificates::{self, Recipients};
use super::events::Cancellation;
use super::rows::ClaimedRow;
use super::statement::{Sql, Statement};
use super::{
    StoreError, StoreResult, audit, corrections, events, jobs, offers, outbox, personal_data, registrations, trainers,
    webhooks,
};
use crate::domain::{
    AcceptOutcome, AccountUpdated, Announcement, Attempt, AttendanceOutcome, CancelOutcome, Corrected, Correction,
    Delivery, DueJob, Email, Erased, Event, EventInput, EventUpdate, JobRun, MessageKind, NewAudit, NewEvent,
    NewRegistration, Organizer, PendingDelivery, RegisterOutcome, RegistrationEdit, RetentionPolicy, SlotCheckIn,
    TrainerSigned, Transferred, Webhook,
};
use crate::token::CancelLookup;

#[derive(Debug, Clone)]
pub enum Change {
    Register(Box<NewRegistration>),
    Cancel(CancelLookup),
    /// The person accepts the seat offered to them.
    Accept(CancelLookup),
    /// The person says they will come.
    ConfirmAttendance(CancelLookup),
    /// The person signs for a slot with the code shown in the room.
    Sign {
        token: CancelLookup,
        slot: String,
    },
    /// The person erases their data (giving up their seat first, before
    /// the event).
    Erase(CancelLookup),
    /// The person corrects their name or institution.
    Correct {
        token: CancelLookup,
        correction: Correction,
    },
    /// The person gives their place to a colleague.
    Transfer {
        token: CancelLookup,
        colleague: Box<NewRegistration>,
    },
    /// Someone asked for the links to this address's registrations.
    SendLinks(Email),
    /// An organizer edits a registration.
    EditRegistration {
        event: Uuid,
        registration: Uuid,
        edit: RegistrationEdit,
    },
    /// An organizer removes a registration; `note` goes in the email.
    Remove {
        event: Uuid,
        registration: Uuid,
        note: Option<String>,
    },
    Resend {
        event: Uuid,
        registration: Uuid,
    },
    ConfirmOutOfTurn {
        event: Uuid,
        registration: Uuid,
    },
    CheckIn {
        event: Uuid,
        registration: Uuid,
        mark: SlotCheckIn,
    },
    WalkIn {
        registration: Box<NewRegistration>,
        slot: String,
    },
    /// The trainer signs a slot (from an organizer's account).
    TrainerSign {
        event: Uuid,
        slot: String,
        name: String,
        organizer: Option<Uuid>,
    },
    /// Queues certificates of attendance again (an organizer asked).
    SendCertificates {
        event: Uuid,
        to: Recipients,
    },
    CreateEvent {
        id: Uuid,
        event: Box<NewEvent>,
        organizers: Vec<Uuid>,
    },
    UpdateEvent {
        id: Uuid,
        patch: Box<EventInput>,
    },
    /// An organizer cancels an event; `note` goes in the emails.
    CancelEvent {
        id: Uuid,
        note: Option<String>,
    },
    AddEventOrganizer {
        event: Uuid,
        organizer: Uuid,
    },
    Announce {
        event: Uuid,
        announcement: Announcement,
    },
    /// Organizer accounts, their tokens and sessions.
    Account(AccountChange),
    /// The mail worker's writes: on SQLite they ride in the same batches
    /// as sign-ups, so that sending mail costs sign-ups no commit of its own.
    ClaimMessages {
        lease_until: DateTime<Utc>,
        limit: i64,
    },
    RecordDeliveries {
        deliveries: Vec<(Uuid, Delivery)>,
        lease: DateTime<Utc>,
    },
    /// An organizer registers a webhook, or deletes one of theirs (with
    /// what it still owed).
    CreateWebhook(Box<Webhook>),
    DeleteWebhook {
        id: Uuid,
        organizer: Uuid,
    },
    /// The webhook worker's, as the mail worker's.
    ClaimWebhookDeliveries {
        lease_until: DateTime<Utc>,
        limit: i64,
    },
    RecordWebhookAttempts {
        attempts: Vec<Attempt>,
        lease: DateTime<Utc>,
    },
    /// The scheduler's: lease due jobs, do one (under its lease), or note
    /// that one failed.
    ClaimJobs {
        lease_until: DateTime<Utc>,
        limit: i64,
    },
    RunJob {
        job: Box<DueJob>,
        retention: RetentionPolicy,
    },
    /// Start-up: retention runs now.
    RetentionNow,
    JobFailed {
        job: Box<DueJob>,
        error: String,
        retry_at: DateTime<Utc>,
    },
    /// A write that changes nothing anyone reads: whether writes succeed
    /// (health check).
    Probe,
}

#[derive(Debug)]
pub enum Done {
    Registered(RegisterOutcome),
    Cancelled(CancelOutcome),
    Accepted(AcceptOutcome),
    Attendance(AttendanceOutcome),
    Signed(Signature),
    Erased(Erased),
    Corrected(Corrected),
    Transferred(Transferred),
    TrainerSigned(TrainerSigned),
    Jobs(Vec<DueJob>),
    JobRun(JobRun),
    /// `None`: no such registration for this event.
    Removed(Option<CancelOutcome>),
    /// The message queued again, if any.
    Resent(Option<MessageKind>),
    /// The event after the change; `None`: there is no such event (or, for
    /// a new event, its slug is taken).
    Event(Option<Event>),
    Updated(EventUpdate),
    EventCancelled(Option<Cancellation>),
    CheckedIn(Presence),
    Organizer(Option<Organizer>),
    Account(AccountUpdated),
    /// The organizer whose password a reset link set, if it worked.
    Reset(Option<Uuid>),
    Claimed(Vec<ClaimedRow>),
    Deliveries(Vec<PendingDelivery>),
    Count(usize),
    /// Whether the change found what it was about.
    Flag(bool),
}

macro_rules! into {
    ($($name:ident => $variant:ident($type:ty)),* $(,)?) => {
        impl Done {$(
            pub fn $name(self) -> StoreResult<$type> {
                match self {
                    Done::$variant(value) => Ok(value),
                    other => Err(StoreError::Corrupt(format!("a change answered {other:?}"))),
                }
            }
        )*}
    };
}

into! {
    into_registered => Registered(RegisterOutcome),
    into_cancelled => Cancelled(CancelOutcome),
    into_accepted => Accepted(AcceptOutcome),
    into_attendance => Attendance(AttendanceOutcome),
    into_signed => Signed(Signature),
    into_erased => Erased(Erased),
    into_corrected => Corrected(Corrected),
    into_transferred => Transferred(Transferred),
    into_trainer_signed => TrainerSigned(TrainerSigned),
    into_jobs => Jobs(Vec<DueJob>),
    into_job_run => JobRun(JobRun),
    into_removed => Removed(Option<CancelOutcome>),
    into_resent => Resent(Option<MessageKind>),
    into_event => Event(Option<Event>),
    into_updated => Updated(EventUpdate),
    into_event_cancelled => EventCancelled(Option<Cancellation>),
    into_checked_in => CheckedIn(Presence),
    into_organizer => Organizer(Option<Organizer>),
    into_account => Account(AccountUpdated),
    into_reset => Reset(Option<Uuid>),
    into_claimed => Claimed(Vec<ClaimedRow>),
    into_deliveries => Deliveries(Vec<PendingDelivery>),
    into_count => Count(usize),
    into_flag => Flag(bool),
}

const PROBE: &str = "INSERT INTO health_checks (id, checked_at) VALUES (1, $1) \
     ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at";

/// Applies one change, with its history entry when it took effect, inside
/// the caller's transaction.
pub async fn apply(
    conn: &mut impl Sql,
    change: &Change,
    audit: Option<&NewAudit>,
    now: DateTime<Utc>,
) -> StoreResult<Done> {
    let done = apply_change(conn, change, now).await?;
    if let Some(audit) = audit
        && done.took_effect()
    {
        audit::record(conn, &audit::completed(audit, &done), now).await?;
    }
    Ok(done)
}

async fn apply_change(conn: &mut impl Sql, change: &Change, now: DateTime<Utc>) -> StoreResult<Done> {
    use registrations as r;
    Ok(match change {
        Change::Register(new) => Done::Registered(
            r::register_many(conn, &[(new, now)])
                .await?
                .pop()
                .ok_or_else(|| StoreError::Corrupt("no outcome for a sign-up".into()))?,
        ),
        Change::Cancel(token) => Done::Cancelled(r::cancel(conn, token, now).await?),
        Change::Accept(token) => Done::Accepted(offers::accept(conn, token, now).await?),
        Change::ConfirmAttendance(token) => Done::Attendance(r::confirm_attendance(conn, token, now).await?),
        Change::Sign { token, slot } => Done::Signed(attendance::sign(conn, token, slot, now).await?),
        Change::Erase(token) => Done::Erased(personal_data::erase(conn, token, now).await?),
        Change::Correct { token, correction } => {
            Done::Corrected(corrections::correct(conn, token, correction, now).await?)
        }
        Change::Transfer { token, colleague } => {
            Done::Transferred(corrections::transfer(conn, token, colleague, now).await?)
        }
        Change::SendLinks(email) => Done::Count(corrections::send_links(conn, email.as_str(), now).await?),
        Change::EditRegistration { event, registration, edit } => {
            Done::Corrected(corrections::edit(conn, *event, *registration, edit, now).await?)
        }
        Change::Remove { event, registration, note } => {
            Done::Removed(r::remove(conn, *event, *registration, note.as_deref(), now).await?)
        }
        Change::Resend { event, registration } => Done::Resent(r::resend(conn, *event, *registration, now).await?),
        Change::ConfirmOutOfTurn { event, registration } => {
            Done::Flag(r::confirm_out_of_turn(conn, *event, *registration, now).await?)
        }
        Change::CheckIn { event, registration, mark } => {
            Done::CheckedIn(attendance::check_in(conn, *event, *registration, mark, now).await?)
        }
        Change::WalkIn { registration, slot } => {
            Done::Registered(attendance::walk_in(conn, registration, slot, now).await?)
        }
        Change::TrainerSign { event, slot, name, organizer } => {
            Done::TrainerSigned(trainers::sign(conn, *event, slot, name, *organizer, now).await?)
        }
        Change::SendCertificates { event, to } => Done::Count(certificates::send(conn, *event, *to, now).await?),
        Change::CreateEvent { id, event, organizers } => {
            Done::Event(events::create(conn, *id, event, organizers, now).await?)
        }
        Change::UpdateEvent { id, patch } => Done::Updated(events::update(conn, *id, patch, now).await?),
        Change::CancelEvent { id, note } => {
            Done::EventCancelled(events::cancel(conn, *id, note.as_deref(), now).await?)
        }
        Change::AddEventOrganizer { event, organizer } => {
            Done::Flag(events::add_organizer(conn, *event, *organizer).await?)
        }
        Change::Announce { event, announcement } => {
            Done::Count(outbox::announce(conn, *event, announcement, now).await?)
        }
        Change::Account(change) => account_change::apply(conn, change, now).await?,
        Change::ClaimMessages { lease_until, limit } => {
            Done::Claimed(outbox::claim(conn, now, *lease_until, *limit).await?)
        }
        Change::RecordDeliveries { deliveries, lease } => {
            outbox::record_deliveries(conn, deliveries, *lease, now).await?;
            Done::Flag(true)
        }
        Change::CreateWebhook(webhook) => {
            webhooks::create(conn, webhook).await?;
            Done::Flag(true)
        }
        Change::DeleteWebhook { id, organizer } => Done::Flag(webhooks::delete(conn, *id, *organizer).await?),
        Change::ClaimWebhookDeliveries { lease_until, limit } => {
            Done::Deliveries(webhooks::claim(conn, now, *lease_until, *limit).await?)
        }
        Change::RecordWebhookAttempts { attempts, lease } => {
            webhooks::record(conn, attempts, *lease, now).await?;
            Done::Flag(true)
        }
        Change::ClaimJobs { lease_until, limit } => Done::Jobs(jobs::claim(conn, now, *lease_until, *limit).await?),
        Change::RunJob { job, retention } => Done::JobRun(jobs::run(conn, job, retention, now).await?),
        Change::RetentionNow => {
            jobs::retention_now(conn, now).await?;
            Done::Flag(true)
        }
        Change::JobFailed { job, error, retry_at } => {
            jobs::failed(conn, job, error, *retry_at).await?;
            Done::Flag(true)
        }
        Change::Probe => {
            conn.execute(Statement::new(PROBE).bind(now)).await?;
            Done::Flag(true)
        }
    })
}
