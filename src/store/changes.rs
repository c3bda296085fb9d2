//! Registration changes, written once for both backends.
//!
//! Each function applies one change on a connection inside the caller's
//! transaction. The caller makes changes to one event's seats happen one
//! after another: SQLite by funnelling them all through its one writer,
//! PostgreSQL by locking the event's row first (`event_for_change`, run at
//! the start of every change, or `row_lock` added to the reading of
//! several). The SQL is the same on both; only the
//! connection type and that locking read differ, so the functions are
//! stamped out per backend by this macro rather than made generic over
//! sqlx's database traits (whose bounds would drown the logic).

macro_rules! registration_changes {
    ($conn:ty, $db:ty, event_for_change = $event_for_change:expr, row_lock = $row_lock:expr) => {
        use std::collections::{HashMap, HashSet};

        use chrono::{DateTime, Utc};
        use uuid::Uuid;

        use crate::domain::{
            CancelOutcome, Delivery, Event, EventStatus, Level, MessageKind, NewEvent, NewQuestion, NewRegistration,
            RegisterOutcome, Registration, RegistrationStatus, next_whole_second, registration_refusal, whole_seconds,
        };
        use crate::store::rows::{EventRow, RegistrationRow};
        use crate::store::seats::{EventSeats, Seat};
        use crate::store::{EventUpdate, StoreError, StoreResult, sql};
        use crate::token::CancelLookup;

        /// The event, read with `event_for_change`: on PostgreSQL this locks
        /// its row until the transaction ends, so that no other change to its
        /// seats runs meanwhile. Every change calls it before reading or
        /// writing registrations.
        async fn event(conn: &mut $conn, id: Uuid) -> StoreResult<Option<Event>> {
            let row: Option<EventRow> = sqlx::query_as($event_for_change).bind(id).fetch_optional(&mut *conn).await?;
            row.map(Event::try_from).transpose()
        }

        /// Moves the event's live counts; returns the last waiting-list ticket.
        async fn move_counts(
            conn: &mut $conn,
            event_id: Uuid,
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

        pub async fn register(
            conn: &mut $conn,
            new: &NewRegistration,
            now: DateTime<Utc>,
        ) -> StoreResult<RegisterOutcome> {
            let mut outcomes = register_many(conn, &[(new, now)]).await?;
            outcomes.pop().ok_or_else(|| StoreError::Corrupt("no outcome for a sign-up".into()))
        }

        /// Signs people up in the order given, each at its own time: checks
        /// the event's rules, refuses a second registration, and takes a seat
        /// or a waiting-list ticket. The seat decisions are made in memory
        /// from counts read once, and written with a handful of statements
        /// whatever the number of people: SQLite's batch writer passes a whole
        /// batch here, and each statement costs a hand-off to the thread that
        /// owns the connection. PostgreSQL passes one at a time.
        pub async fn register_many(
            conn: &mut $conn,
            batch: &[(&NewRegistration, DateTime<Utc>)],
        ) -> StoreResult<Vec<RegisterOutcome>> {
            let mut event_ids: Vec<Uuid> = batch.iter().map(|(new, _)| new.event_id).collect();
            event_ids.sort_unstable();
            event_ids.dedup();
            let mut seats = seats_for_change(conn, &event_ids).await?;
            let mut taken = active_registrations(conn, batch).await?;

            let mut outcomes = Vec::with_capacity(batch.len());
            let mut accepted: Vec<(&NewRegistration, DateTime<Utc>, Seat)> = Vec::with_capacity(batch.len());
            let mut filled = Vec::new();
            for &(new, now) in batch {
                let Some(event) = seats.get_mut(&new.event_id) else {
                    outcomes.push(RegisterOutcome::EventNotFound);
                    continue;
                };
                if let Some(refusal) = registration_refusal(&event.event, new.level, now) {
                    outcomes.push(RegisterOutcome::Refused(refusal));
                    continue;
                }
                if !taken.insert((new.event_id, new.email.as_str().to_owned())) {
                    outcomes.push(RegisterOutcome::AlreadyRegistered);
                    continue;
                }
                let seat = event.take(now);
                if seat.fills {
                    filled.push((new.event_id, new.id, now));
                }
                accepted.push((new, now, seat));
                outcomes.push(RegisterOutcome::Registered(seat.registration(new, now)));
            }
            if accepted.is_empty() {
                return Ok(outcomes);
            }

            // The statements below change with the number of rows. Small
            // ones, the usual case when sign-ups trickle in, stay in the
            // connection's statement cache; large ones are prepared for this
            // use only, since hundreds of sizes would crowd out the fixed
            // statements and hold memory.
            let keep = accepted.len() <= 8;
            let mut insert = sqlx::QueryBuilder::<$db>::new(sql::INSERT_REGISTRATIONS);
            insert.push_values(&accepted, |mut row, (new, now, seat)| {
                row.push_bind(new.id)
                    .push_bind(new.event_id)
                    .push_bind(new.name.as_str())
                    .push_bind(new.email.as_str())
                    .push_bind(new.institution.as_deref())
                    .push_bind(new.level.code())
                    .push_bind(seat.status.code())
                    .push_bind(seat.ticket)
                    .push_bind(&new.token_salt[..])
                    .push_bind(&new.cancel_key.0[..])
                    .push_bind(new.language.code())
                    .push_bind(*now)
                    .push_bind(*now)
                    .push_bind(*now);
            });
            insert.build().persistent(keep).execute(&mut *conn).await?;

            for (new, ..) in &accepted {
                for (question, answer) in &new.answers {
                    // A question removed since the form was read is skipped, not an error.
                    sqlx::query(sql::INSERT_ANSWER)
                        .bind(new.id)
                        .bind(question)
                        .bind(answer)
                        .bind(new.event_id)
                        .execute(&mut *conn)
                        .await?;
                }
            }

            let mut messages = sqlx::QueryBuilder::<$db>::new(sql::INSERT_MESSAGES);
            messages.push_values(&accepted, |mut row, (new, now, seat)| {
                row.push_bind(Uuid::now_v7())
                    .push_bind(new.id)
                    .push_bind(seat.message().code())
                    .push_bind(new.email.as_str())
                    .push_bind(new.language.code())
                    .push_bind(seat.position)
                    .push_bind(whole_seconds(*now))
                    .push_bind(whole_seconds(*now));
            });
            messages.build().persistent(keep).execute(&mut *conn).await?;

            let changed: Vec<&EventSeats> = seats.values().filter(|e| e.changed.is_some()).collect();
            let mut counts = sqlx::QueryBuilder::<$db>::new(sql::SET_EVENT_COUNTS_FROM);
            counts.push_values(&changed, |mut row, event| {
                row.push_bind(event.event.id)
                    .push_bind(event.event.confirmed_count)
                    .push_bind(event.event.waitlisted_count)
                    .push_bind(event.waitlist_seq)
                    .push_bind(event.changed);
            });
            counts.push(sql::SET_EVENT_COUNTS_WHERE);
            counts.build().persistent(keep).execute(&mut *conn).await?;

            for (event_id, registration, now) in filled {
                notify_organizers(conn, event_id, registration, MessageKind::OrganizerFull, now).await?;
            }
            Ok(outcomes)
        }

        #[derive(sqlx::FromRow)]
        struct TicketRow {
            #[sqlx(flatten)]
            event: EventRow,
            waitlist_seq: i64,
        }

        /// The events, locked for the rest of the transaction on PostgreSQL.
        async fn seats_for_change(conn: &mut $conn, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, EventSeats>> {
            let mut query = sqlx::QueryBuilder::<$db>::new(sql::EVENTS_WITH_TICKETS);
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            query.push(") ORDER BY id");
            query.push($row_lock);
            let rows: Vec<TicketRow> = query.build_query_as().persistent(ids.len() <= 8).fetch_all(&mut *conn).await?;
            rows.into_iter()
                .map(|row| {
                    let event = Event::try_from(row.event)?;
                    Ok((event.id, EventSeats::new(event, row.waitlist_seq)))
                })
                .collect()
        }

        /// Which of these people already hold a registration (confirmed or
        /// waiting) for the event they sign up for.
        async fn active_registrations(
            conn: &mut $conn,
            batch: &[(&NewRegistration, DateTime<Utc>)],
        ) -> StoreResult<HashSet<(Uuid, String)>> {
            let mut query = sqlx::QueryBuilder::<$db>::new(sql::ACTIVE_REGISTRATIONS_AMONG);
            query.push_values(batch, |mut row, (new, _)| {
                row.push_bind(new.event_id).push_bind(new.email.as_str());
            });
            query.push(")");
            let rows: Vec<(Uuid, String)> =
                query.build_query_as().persistent(batch.len() <= 8).fetch_all(&mut *conn).await?;
            Ok(rows.into_iter().collect())
        }

        /// Records what became of claimed messages. Sent ones, nearly all,
        /// are marked in one statement.
        pub async fn record_deliveries(
            conn: &mut $conn,
            deliveries: &[(Uuid, Delivery)],
            lease: DateTime<Utc>,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            let sent: Vec<Uuid> = deliveries.iter().filter(|(_, d)| *d == Delivery::Sent).map(|(id, _)| *id).collect();
            if !sent.is_empty() {
                let keep = sent.len() <= 8;
                let mut query = sqlx::QueryBuilder::<$db>::new(sql::MESSAGES_SENT);
                query.push_bind(now).push(" WHERE locked_until = ").push_bind(lease).push(" AND id IN (");
                let mut ids = query.separated(", ");
                for id in sent {
                    ids.push_bind(id);
                }
                query.push(")");
                query.build().persistent(keep).execute(&mut *conn).await?;
            }
            for (id, delivery) in deliveries {
                let query = match delivery {
                    Delivery::Sent => continue,
                    Delivery::Retry { at, error } => {
                        sqlx::query(sql::MESSAGE_RETRY).bind(id).bind(next_whole_second(*at)).bind(error).bind(lease)
                    }
                    Delivery::Failed { error } => sqlx::query(sql::MESSAGE_FAILED).bind(id).bind(error).bind(lease),
                    Delivery::NotAttempted => sqlx::query(sql::MESSAGE_RELEASE).bind(id).bind(lease),
                };
                query.execute(&mut *conn).await?;
            }
            Ok(())
        }

        pub async fn cancel(conn: &mut $conn, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
            let event_id: Option<Uuid> = sqlx::query_scalar(sql::event_of_cancel_link(token))
                .bind(token.as_bytes())
                .fetch_optional(&mut *conn)
                .await?;
            let Some(event_id) = event_id else { return Ok(CancelOutcome::NotFound) };
            // Lock first, then read the registration's state as it now stands.
            event(conn, event_id).await?;
            let row: Option<RegistrationRow> = sqlx::query_as(sql::registration_by_cancel_link(token))
                .bind(token.as_bytes())
                .fetch_optional(&mut *conn)
                .await?;
            match row {
                None => Ok(CancelOutcome::NotFound),
                Some(row) => withdraw(conn, Registration::try_from(row)?, MessageKind::Cancelled, now).await,
            }
        }

        pub async fn remove(
            conn: &mut $conn,
            event_id: Uuid,
            id: Uuid,
            now: DateTime<Utc>,
        ) -> StoreResult<Option<CancelOutcome>> {
            if event(conn, event_id).await?.is_none() {
                return Ok(None);
            }
            match registration_of(conn, event_id, id).await? {
                Some(registration) => Ok(Some(withdraw(conn, registration, MessageKind::Removed, now).await?)),
                None => Ok(None),
            }
        }

        /// Takes a registration out (the person cancelled, or an organizer removed
        /// it), tells the person with `message`, and hands the seat on.
        async fn withdraw(
            conn: &mut $conn,
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
                notify_organizers(
                    conn,
                    registration.event_id,
                    registration.id,
                    MessageKind::OrganizerCancellation,
                    now,
                )
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
        async fn fill_free_seats(conn: &mut $conn, event_id: Uuid, now: DateTime<Utc>) -> StoreResult<Vec<Uuid>> {
            let event = event(conn, event_id).await?.ok_or_else(|| StoreError::Corrupt("event vanished".into()))?;
            // A cancelled or started event hands no seat on: nobody should be told
            // to come to something that will not happen or is under way.
            if event.status != EventStatus::Published || now >= event.starts_at {
                return Ok(Vec::new());
            }
            let free = (event.capacity - event.confirmed_count).clamp(0, event.waitlisted_count);
            let mut promoted = Vec::new();
            while (promoted.len() as i64) < free {
                let first: Option<(Uuid, String, String)> =
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
            conn: &mut $conn,
            id: Uuid,
            status: RegistrationStatus,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            sqlx::query(sql::SET_REGISTRATION_STATUS)
                .bind(id)
                .bind(status.code())
                .bind(now)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        /// Queues the message that tells a person about a change, in the
        /// transaction that makes the change.
        async fn enqueue(
            conn: &mut $conn,
            registration_id: Uuid,
            kind: MessageKind,
            recipient: &str,
            language: &str,
            waitlist_position: Option<i64>,
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            sqlx::query(sql::INSERT_MESSAGE)
                .bind(Uuid::now_v7())
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
        pub async fn update_event(
            conn: &mut $conn,
            id: Uuid,
            changes: &NewEvent,
            now: DateTime<Utc>,
        ) -> StoreResult<EventUpdate> {
            match event(conn, id).await? {
                None => return Ok(EventUpdate::NotFound),
                // Cancelled since the caller read it: a cancellation is final.
                Some(current) if current.status == EventStatus::Cancelled => return Ok(EventUpdate::Cancelled),
                Some(_) => {}
            }
            let slug_taken: Option<i32> = sqlx::query_scalar(sql::SLUG_USED_ELSEWHERE)
                .bind(&changes.slug)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            if slug_taken.is_some() {
                return Ok(EventUpdate::SlugTaken);
            }
            let updated = sqlx::query(sql::UPDATE_EVENT)
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
                .await;
            match updated {
                // Another event took the slug since the check (PostgreSQL,
                // another instance): the same answer as the check's.
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(EventUpdate::SlugTaken),
                other => other?,
            };
            if let Some(questions) = &changes.questions {
                save_questions(conn, id, questions).await?;
            }
            fill_free_seats(conn, id, now).await?;
            Ok(event(conn, id).await?.map_or(EventUpdate::NotFound, |e| EventUpdate::Updated(Box::new(e))))
        }

        /// Cancels an event and tells everyone still registered. Registrations keep
        /// their status, so the lists show who was affected.
        pub async fn cancel_event(conn: &mut $conn, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<Event>> {
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
            let people: Vec<(Uuid, String, String)> =
                sqlx::query_as(sql::ACTIVE_REGISTRATIONS).bind(id).fetch_all(&mut *conn).await?;
            for (registration, email, language) in people {
                enqueue(conn, registration, MessageKind::EventCancelled, &email, &language, None, now).await?;
            }
            event(conn, id).await
        }

        /// A registration of this event, if it is one.
        async fn registration_of(conn: &mut $conn, event_id: Uuid, id: Uuid) -> StoreResult<Option<Registration>> {
            let row: Option<RegistrationRow> =
                sqlx::query_as(sql::REGISTRATION_BY_ID).bind(id).fetch_optional(&mut *conn).await?;
            Ok(row.map(Registration::try_from).transpose()?.filter(|r| r.event_id == event_id))
        }

        pub async fn resend(
            conn: &mut $conn,
            event_id: Uuid,
            id: Uuid,
            now: DateTime<Utc>,
        ) -> StoreResult<Option<MessageKind>> {
            if !takes_part(conn, event_id, now).await? {
                return Ok(None);
            }
            let Some(registration) = registration_of(conn, event_id, id).await? else { return Ok(None) };
            let kind = match registration.status {
                RegistrationStatus::Confirmed => MessageKind::Confirmed,
                RegistrationStatus::Waitlisted => MessageKind::Waitlisted,
                RegistrationStatus::Cancelled => return Ok(None),
            };
            let language = registration.language.code();
            enqueue(conn, id, kind, &registration.email, language, registration.waitlist_position, now).await?;
            Ok(Some(kind))
        }

        pub async fn confirm_out_of_turn(
            conn: &mut $conn,
            event_id: Uuid,
            id: Uuid,
            now: DateTime<Utc>,
        ) -> StoreResult<bool> {
            if !takes_part(conn, event_id, now).await? {
                return Ok(false);
            }
            let Some(registration) = registration_of(conn, event_id, id).await? else { return Ok(false) };
            if registration.status != RegistrationStatus::Waitlisted {
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
            conn: &mut $conn,
            event_id: Uuid,
            registration: Uuid,
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
        async fn takes_part(conn: &mut $conn, event_id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
            Ok(event(conn, event_id).await?.is_some_and(|e| e.status == EventStatus::Published && now < e.starts_at))
        }

        /// Saves an event's questions in the caller's transaction. The question at
        /// each position keeps its id, and so its answers, when rewritten (a typo
        /// fixed after fifty sign-ups loses nothing); questions beyond the new list
        /// are deleted with their answers.
        pub async fn save_questions(conn: &mut $conn, event: Uuid, questions: &[NewQuestion]) -> StoreResult<()> {
            let existing: Vec<Uuid> = sqlx::query_scalar(sql::QUESTION_IDS).bind(event).fetch_all(&mut *conn).await?;
            for (position, question) in questions.iter().enumerate() {
                let choices = question.choices.join("\n");
                match existing.get(position) {
                    Some(id) => {
                        sqlx::query(sql::UPDATE_QUESTION)
                            .bind(id)
                            .bind(question.kind.code())
                            .bind(&question.label)
                            .bind(&choices)
                            .bind(question.required)
                            .execute(&mut *conn)
                            .await?;
                    }
                    None => {
                        sqlx::query(sql::INSERT_QUESTION)
                            .bind(Uuid::now_v7())
                            .bind(event)
                            .bind(position as i64)
                            .bind(question.kind.code())
                            .bind(&question.label)
                            .bind(&choices)
                            .bind(question.required)
                            .execute(&mut *conn)
                            .await?;
                    }
                }
            }
            for id in existing.iter().skip(questions.len()) {
                sqlx::query(sql::DELETE_QUESTION).bind(id).execute(&mut *conn).await?;
            }
            Ok(())
        }
    };
}

pub(crate) use registration_changes;
