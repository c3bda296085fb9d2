//! Group commit for registration changes.
//!
//! Requests queue their change and wait. One task takes everything queued
//! (up to `MAX_BATCH`), applies it in a single transaction on the one write
//! connection, commits (one fsync for the whole batch) and only then answers
//! each request. Because changes are applied one after another, the seat
//! counts each one reads are exact: capacity cannot be exceeded.

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::domain::{
    CancelOutcome, Event, EventStatus, Level, MessageKind, NewEvent, NewRegistration, RegisterOutcome, Registration,
    RegistrationStatus, registration_refusal, seat_for, whole_seconds,
};
use crate::store::rows::{EventRow, RegistrationRow};
use crate::store::{EventUpdate, StoreError, StoreResult, sql};
use crate::token::TokenHash;

/// Large enough to amortise the fsync, small enough that the first request
/// of a batch is not kept waiting long.
const MAX_BATCH: usize = 512;
const QUEUE: usize = 8192;

pub enum Op {
    Register(Box<NewRegistration>),
    Cancel(TokenHash),
    UpdateEvent(uuid::Uuid, Box<NewEvent>),
    CancelEvent(uuid::Uuid),
    Remove { event: uuid::Uuid, registration: uuid::Uuid },
    Resend { event: uuid::Uuid, registration: uuid::Uuid },
    ConfirmOutOfTurn { event: uuid::Uuid, registration: uuid::Uuid },
}

pub enum Done {
    Register(RegisterOutcome),
    Cancel(CancelOutcome),
    Update(EventUpdate),
    /// The event after the change; `None` when there is no such event.
    Event(Option<Event>),
    Removal(Option<CancelOutcome>),
    Resent(Option<MessageKind>),
    Flag(bool),
}

impl Done {
    pub fn into_register(self) -> StoreResult<RegisterOutcome> {
        match self {
            Done::Register(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_cancel(self) -> StoreResult<CancelOutcome> {
        match self {
            Done::Cancel(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_removal(self) -> StoreResult<Option<CancelOutcome>> {
        match self {
            Done::Removal(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_resent(self) -> StoreResult<Option<MessageKind>> {
        match self {
            Done::Resent(kind) => Ok(kind),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_flag(self) -> StoreResult<bool> {
        match self {
            Done::Flag(flag) => Ok(flag),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_event(self) -> StoreResult<Option<Event>> {
        match self {
            Done::Event(event) => Ok(event),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_update(self) -> StoreResult<EventUpdate> {
        match self {
            Done::Update(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }
}

fn wrong_answer() -> StoreError {
    StoreError::Corrupt("batch writer answered the wrong operation".into())
}

enum Job {
    Apply { op: Op, now: DateTime<Utc>, reply: oneshot::Sender<StoreResult<Done>> },
    Stop,
}

pub struct BatchWriter {
    jobs: mpsc::Sender<Job>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl BatchWriter {
    pub fn start(pool: SqlitePool) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let task = tokio::spawn(run(pool, queue));
        Self { jobs, task: Mutex::new(Some(task)) }
    }

    /// Queues one change and waits until it is committed (or refused).
    pub async fn submit(&self, op: Op, now: DateTime<Utc>) -> StoreResult<Done> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Apply { op, now, reply }).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Commits everything queued so far, then stops.
    pub async fn stop(&self) {
        let _ = self.jobs.send(Job::Stop).await;
        if let Some(task) = self.task.lock().await.take() {
            let _ = task.await;
        }
    }
}

async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    let mut received = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut received, MAX_BATCH).await > 0 {
        let mut batch = Vec::with_capacity(received.len());
        let mut stop = false;
        for job in received.drain(..) {
            match job {
                // The request behind it gave up (timed out, client gone):
                // committing it now would surprise whoever retries.
                Job::Apply { reply, .. } if reply.is_closed() => {}
                Job::Apply { op, now, reply } => batch.push((op, now, reply)),
                Job::Stop => stop = true,
            }
        }
        commit(&pool, batch).await;
        if stop {
            queue.close();
            // Answer what raced in after the stop, rather than dropping it.
            while let Some(job) = queue.recv().await {
                if let Job::Apply { op, now, reply } = job {
                    commit(&pool, vec![(op, now, reply)]).await;
                }
            }
            break;
        }
    }
}

type Pending = (Op, DateTime<Utc>, oneshot::Sender<StoreResult<Done>>);

async fn commit(pool: &SqlitePool, batch: Vec<Pending>) {
    if batch.is_empty() {
        return;
    }
    match apply_in_one_transaction(pool, &batch).await {
        Ok(results) => {
            for ((_, _, reply), done) in batch.into_iter().zip(results) {
                let _ = reply.send(Ok(done));
            }
        }
        Err(error) if batch.len() > 1 => {
            // One change may have hit an unexpected database error; retry
            // each on its own so that the others still go through.
            tracing::warn!(%error, size = batch.len(), "batch failed, retrying its changes one by one");
            for pending in batch {
                Box::pin(commit(pool, vec![pending])).await;
            }
        }
        Err(error) => {
            tracing::error!(%error, "registration change failed");
            if let Some((_, _, reply)) = batch.into_iter().next() {
                let _ = reply.send(Err(error));
            }
        }
    }
}

async fn apply_in_one_transaction(pool: &SqlitePool, batch: &[Pending]) -> StoreResult<Vec<Done>> {
    // IMMEDIATE takes the write lock up front, so another process writing
    // meanwhile (the command line) makes this wait, not fail mid-batch.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut results = Vec::with_capacity(batch.len());
    for (op, now, _) in batch {
        let done = match op {
            Op::Register(registration) => Done::Register(register(&mut tx, registration, *now).await?),
            Op::Cancel(token) => Done::Cancel(cancel(&mut tx, token, *now).await?),
            Op::UpdateEvent(id, changes) => Done::Update(update_event(&mut tx, *id, changes, *now).await?),
            Op::CancelEvent(id) => Done::Event(cancel_event(&mut tx, *id, *now).await?),
            Op::Remove { event, registration } => Done::Removal(remove(&mut tx, *event, *registration, *now).await?),
            Op::Resend { event, registration } => Done::Resent(resend(&mut tx, *event, *registration, *now).await?),
            Op::ConfirmOutOfTurn { event, registration } => {
                Done::Flag(confirm_out_of_turn(&mut tx, *event, *registration, *now).await?)
            }
        };
        results.push(done);
    }
    tx.commit().await?;
    Ok(results)
}

async fn event(conn: &mut SqliteConnection, id: uuid::Uuid) -> StoreResult<Option<Event>> {
    let row: Option<EventRow> = sqlx::query_as(sql::EVENT_BY_ID).bind(id).fetch_optional(&mut *conn).await?;
    row.map(Event::try_from).transpose()
}

/// Moves the event's live counts; returns the last waiting-list ticket.
async fn move_counts(
    conn: &mut SqliteConnection,
    event_id: uuid::Uuid,
    confirmed: i64,
    waitlisted: i64,
    new_tickets: i64,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(sql::UPDATE_EVENT_COUNTS)
        .bind(event_id)
        .bind(confirmed)
        .bind(waitlisted)
        .bind(new_tickets)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?)
}

async fn register(
    conn: &mut SqliteConnection,
    new: &NewRegistration,
    now: DateTime<Utc>,
) -> StoreResult<RegisterOutcome> {
    let Some(event) = event(conn, new.event_id).await? else {
        return Ok(RegisterOutcome::EventNotFound);
    };
    if let Some(refusal) = registration_refusal(&event, new.level, now) {
        return Ok(RegisterOutcome::Refused(refusal));
    }
    let taken: Option<i64> = sqlx::query_scalar(sql::ACTIVE_REGISTRATION_EXISTS)
        .bind(event.id)
        .bind(new.email.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Ok(RegisterOutcome::AlreadyRegistered);
    }

    let status = seat_for(event.capacity, event.confirmed_count);
    let (confirmed, waitlisted) = match status {
        RegistrationStatus::Waitlisted => (0, 1),
        _ => (1, 0),
    };
    let ticket = move_counts(conn, event.id, confirmed, waitlisted, waitlisted, now).await?;
    let waitlist_seq = (status == RegistrationStatus::Waitlisted).then_some(ticket);
    sqlx::query(sql::INSERT_REGISTRATION)
        .bind(new.id)
        .bind(event.id)
        .bind(new.name.as_str())
        .bind(new.email.as_str())
        .bind(new.institution.as_deref())
        .bind(new.level.code())
        .bind(status.code())
        .bind(waitlist_seq)
        .bind(&new.token_salt[..])
        .bind(&new.cancel_token_hash.0[..])
        .bind(new.language.code())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    for (question, answer) in &new.answers {
        // A question removed since the form was read is skipped, not an error.
        sqlx::query(sql::INSERT_ANSWER)
            .bind(new.id)
            .bind(question)
            .bind(answer)
            .bind(event.id)
            .execute(&mut *conn)
            .await?;
    }
    let position = waitlist_seq.map(|_| event.waitlisted_count + 1);
    let kind = if position.is_some() { MessageKind::Waitlisted } else { MessageKind::Confirmed };
    enqueue(conn, new.id, kind, new.email.as_str(), new.language.code(), position, now).await?;
    if status == RegistrationStatus::Confirmed && event.confirmed_count + 1 == event.capacity {
        notify_organizers(conn, event.id, new.id, MessageKind::OrganizerFull, now).await?;
    }
    Ok(RegisterOutcome::Registered(Registration {
        id: new.id,
        event_id: event.id,
        name: new.name.as_str().to_owned(),
        email: new.email.as_str().to_owned(),
        institution: new.institution.as_deref().map(str::to_owned),
        level: new.level,
        status,
        waitlist_position: position,
        language: new.language,
        created_at: now,
        cancelled_at: None,
    }))
}

async fn cancel(conn: &mut SqliteConnection, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
    let row: Option<RegistrationRow> =
        sqlx::query_as(sql::REGISTRATION_BY_TOKEN).bind(&token.0[..]).fetch_optional(&mut *conn).await?;
    match row {
        None => Ok(CancelOutcome::NotFound),
        Some(row) => withdraw(conn, Registration::try_from(row)?, MessageKind::Cancelled, now).await,
    }
}

async fn remove(
    conn: &mut SqliteConnection,
    event_id: uuid::Uuid,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<CancelOutcome>> {
    let row: Option<RegistrationRow> =
        sqlx::query_as(sql::REGISTRATION_BY_ID).bind(id).fetch_optional(&mut *conn).await?;
    match row.map(Registration::try_from).transpose()? {
        Some(registration) if registration.event_id == event_id => {
            Ok(Some(withdraw(conn, registration, MessageKind::Removed, now).await?))
        }
        _ => Ok(None),
    }
}

/// Takes a registration out (the person cancelled, or an organizer removed
/// it), tells the person with `message`, and hands the seat on.
async fn withdraw(
    conn: &mut SqliteConnection,
    registration: Registration,
    message: MessageKind,
    now: DateTime<Utc>,
) -> StoreResult<CancelOutcome> {
    if registration.status == RegistrationStatus::Cancelled {
        return Ok(CancelOutcome::AlreadyCancelled(registration));
    }
    set_status(conn, registration.id, RegistrationStatus::Cancelled, now).await?;
    let (confirmed, waitlisted) = match registration.status {
        RegistrationStatus::Confirmed => (-1, 0),
        _ => (0, -1),
    };
    move_counts(conn, registration.event_id, confirmed, waitlisted, 0, now).await?;
    let language = registration.language.code();
    enqueue(conn, registration.id, message, &registration.email, language, None, now).await?;
    if message == MessageKind::Cancelled {
        notify_organizers(conn, registration.event_id, registration.id, MessageKind::OrganizerCancellation, now)
            .await?;
    }
    let promoted = fill_free_seats(conn, registration.event_id, now).await?;
    Ok(CancelOutcome::Cancelled {
        registration: Registration {
            status: RegistrationStatus::Cancelled,
            waitlist_position: None,
            cancelled_at: Some(now),
            ..registration
        },
        promoted: promoted.first().copied(),
    })
}

/// Gives every free seat to the people waiting longest, each told by email.
/// Called after anything that may free seats: a cancellation, a larger
/// capacity.
async fn fill_free_seats(
    conn: &mut SqliteConnection,
    event_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<uuid::Uuid>> {
    let event = event(conn, event_id).await?.ok_or_else(|| StoreError::Corrupt("event vanished".into()))?;
    // A cancelled or started event hands no seat on: nobody should be told
    // to come to something that will not happen or is under way.
    if event.status != EventStatus::Published || now >= event.starts_at {
        return Ok(Vec::new());
    }
    let free = (event.capacity - event.confirmed_count).clamp(0, event.waitlisted_count);
    let mut promoted = Vec::new();
    while (promoted.len() as i64) < free {
        let first: Option<(uuid::Uuid, String, String)> =
            sqlx::query_as(sql::FIRST_WAITING).bind(event.id).fetch_optional(&mut *conn).await?;
        let Some((id, email, language)) = first else { break };
        set_status(conn, id, RegistrationStatus::Confirmed, now).await?;
        enqueue(conn, id, MessageKind::Promoted, &email, &language, None, now).await?;
        promoted.push(id);
    }
    if !promoted.is_empty() {
        let n = promoted.len() as i64;
        move_counts(conn, event.id, n, -n, 0, now).await?;
    }
    Ok(promoted)
}

async fn set_status(
    conn: &mut SqliteConnection,
    id: uuid::Uuid,
    status: RegistrationStatus,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(sql::SET_REGISTRATION_STATUS).bind(id).bind(status.code()).bind(now).execute(&mut *conn).await?;
    Ok(())
}

/// Queues the message that tells a person about a change, in the
/// transaction that makes the change.
async fn enqueue(
    conn: &mut SqliteConnection,
    registration_id: uuid::Uuid,
    kind: MessageKind,
    recipient: &str,
    language: &str,
    waitlist_position: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(sql::INSERT_MESSAGE)
        .bind(uuid::Uuid::now_v7())
        .bind(registration_id)
        .bind(kind.code())
        .bind(recipient)
        .bind(language)
        .bind(waitlist_position)
        .bind(whole_seconds(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Applies an organizer's edit. A larger capacity hands the new seats to the
/// people waiting, in the same transaction; a smaller one removes nobody.
async fn update_event(
    conn: &mut SqliteConnection,
    id: uuid::Uuid,
    changes: &NewEvent,
    now: DateTime<Utc>,
) -> StoreResult<EventUpdate> {
    match event(conn, id).await? {
        None => return Ok(EventUpdate::NotFound),
        // Cancelled since the caller read it: a cancellation is final.
        Some(current) if current.status == EventStatus::Cancelled => return Ok(EventUpdate::Cancelled),
        Some(_) => {}
    }
    let slug_taken: Option<i64> =
        sqlx::query_scalar(sql::SLUG_USED_ELSEWHERE).bind(&changes.slug).bind(id).fetch_optional(&mut *conn).await?;
    if slug_taken.is_some() {
        return Ok(EventUpdate::SlugTaken);
    }
    sqlx::query(sql::UPDATE_EVENT)
        .bind(id)
        .bind(&changes.slug)
        .bind(changes.kind.code())
        .bind(&changes.title)
        .bind(&changes.description)
        .bind(whole_seconds(changes.starts_at))
        .bind(whole_seconds(changes.ends_at))
        .bind(&changes.location)
        .bind(&changes.address)
        .bind(&changes.host)
        .bind(Level::join(&changes.levels))
        .bind(changes.capacity)
        .bind(&changes.language)
        .bind(changes.status.code())
        .bind(whole_seconds(changes.registration_opens_at))
        .bind(whole_seconds(changes.registration_closes_at))
        .bind(&changes.what_to_bring)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if let Some(questions) = &changes.questions {
        crate::store::save_questions(conn, id, questions).await?;
    }
    fill_free_seats(conn, id, now).await?;
    Ok(event(conn, id).await?.map_or(EventUpdate::NotFound, |e| EventUpdate::Updated(Box::new(e))))
}

/// Cancels an event and tells everyone still registered. Registrations keep
/// their status, so the lists show who was affected.
async fn cancel_event(conn: &mut SqliteConnection, id: uuid::Uuid, now: DateTime<Utc>) -> StoreResult<Option<Event>> {
    let Some(current) = event(conn, id).await? else { return Ok(None) };
    if current.status == EventStatus::Cancelled {
        return Ok(Some(current));
    }
    sqlx::query(sql::SET_EVENT_STATUS)
        .bind(id)
        .bind(EventStatus::Cancelled.code())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let people: Vec<(uuid::Uuid, String, String)> =
        sqlx::query_as(sql::ACTIVE_REGISTRATIONS).bind(id).fetch_all(&mut *conn).await?;
    for (registration, email, language) in people {
        enqueue(conn, registration, MessageKind::EventCancelled, &email, &language, None, now).await?;
    }
    event(conn, id).await
}

/// A registration of this event, if it is one.
async fn registration_of(
    conn: &mut SqliteConnection,
    event_id: uuid::Uuid,
    id: uuid::Uuid,
) -> StoreResult<Option<Registration>> {
    let row: Option<RegistrationRow> =
        sqlx::query_as(sql::REGISTRATION_BY_ID).bind(id).fetch_optional(&mut *conn).await?;
    Ok(row.map(Registration::try_from).transpose()?.filter(|r| r.event_id == event_id))
}

async fn resend(
    conn: &mut SqliteConnection,
    event_id: uuid::Uuid,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<MessageKind>> {
    let Some(registration) = registration_of(conn, event_id, id).await? else { return Ok(None) };
    if !takes_part(conn, event_id, now).await? {
        return Ok(None);
    }
    let kind = match registration.status {
        RegistrationStatus::Confirmed => MessageKind::Confirmed,
        RegistrationStatus::Waitlisted => MessageKind::Waitlisted,
        RegistrationStatus::Cancelled => return Ok(None),
    };
    let language = registration.language.code();
    enqueue(conn, id, kind, &registration.email, language, registration.waitlist_position, now).await?;
    Ok(Some(kind))
}

async fn confirm_out_of_turn(
    conn: &mut SqliteConnection,
    event_id: uuid::Uuid,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let Some(registration) = registration_of(conn, event_id, id).await? else { return Ok(false) };
    if registration.status != RegistrationStatus::Waitlisted || !takes_part(conn, event_id, now).await? {
        return Ok(false);
    }
    sqlx::query(sql::ADD_SEAT).bind(event_id).bind(now).execute(&mut *conn).await?;
    set_status(conn, id, RegistrationStatus::Confirmed, now).await?;
    move_counts(conn, event_id, 1, -1, 0, now).await?;
    let language = registration.language.code();
    enqueue(conn, id, MessageKind::Promoted, &registration.email, language, None, now).await?;
    Ok(true)
}

/// Tells the event's organizers who asked for it (in French: the network's
/// staff), about `registration`.
async fn notify_organizers(
    conn: &mut SqliteConnection,
    event_id: uuid::Uuid,
    registration: uuid::Uuid,
    kind: MessageKind,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let wanted = if kind == MessageKind::OrganizerFull { "full" } else { "cancel" };
    let emails: Vec<String> =
        sqlx::query_scalar(sql::ORGANIZERS_TO_NOTIFY).bind(event_id).bind(wanted).fetch_all(&mut *conn).await?;
    for email in emails {
        enqueue(conn, registration, kind, &email, "fr", None, now).await?;
    }
    Ok(())
}

/// Whether an event still gathers people: published and not started. A
/// cancelled or past event sends no confirmation and hands out no seat.
async fn takes_part(conn: &mut SqliteConnection, event_id: uuid::Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(event(conn, event_id).await?.is_some_and(|e| e.status == EventStatus::Published && now < e.starts_at))
}
