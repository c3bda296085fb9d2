//! The `Store` methods whose code is the same on both backends.
//!
//! The SQL is shared (`sql`), and so is the Rust around it: this macro
//! writes the `Store` implementation of a backend from these methods plus
//! the few the backend writes itself (registration changes, which each
//! backend serialises its own way, recording deliveries, and `close`). It expects the backend's
//! type to have `read` and `write` pools, `begin_write()` (a transaction
//! that will write), `claim_rows()` (its way of leasing due messages) and a
//! `changes` module stamped out by `registration_changes!`.

macro_rules! store_with_shared_methods {
    ($store:ident, $db:ty, { $($specific:tt)* }) => {
        mod shared {
            use std::collections::HashMap;

            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use sqlx::Executor;
            use uuid::Uuid;

            // The backend's own items, for its specific methods.
            use super::*;
            use crate::domain::{
                Announcement, AttendeeLine, CancelOutcome, Delivery, Email, Event, Level, MessageKind, NewEvent,
                NewRegistration, Organizer, PendingMessage, Question, RegisterOutcome, Registration, Role,
                whole_seconds,
            };
            use crate::i18n::Lang;
            use crate::store::rows::{
                AttendeeRow, ClaimedRow, EventRow, OrganizerRow, QuestionRow, RegistrationRow, RegistrationWithSalt,
            };
            use crate::store::{EventFilter, EventUpdate, Store, StoreError, StoreResult, sql};
            use crate::token::{CancelLookup, TokenHash};

            impl super::$store {
                /// The registrations (with their token salts) that claimed
                /// messages are about, read in one query.
                async fn recipients(&self, claimed: &[ClaimedRow]) -> StoreResult<HashMap<Uuid, RegistrationWithSalt>> {
                    let mut ids: Vec<Uuid> = claimed.iter().map(|row| row.registration_id).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    let mut query = sqlx::QueryBuilder::<$db>::new(sql::REGISTRATIONS_WITH_SALTS);
                    let mut list = query.separated(", ");
                    for id in &ids {
                        list.push_bind(*id);
                    }
                    query.push(")");
                    let rows: Vec<RegistrationWithSalt> =
                        query.build_query_as().persistent(ids.len() <= 8).fetch_all(&self.read).await?;
                    Ok(rows.into_iter().map(|row| (row.registration.id(), row)).collect())
                }

                /// A claimed row with its registration and event (events cached per claim).
                async fn load_message(
                    &self,
                    row: ClaimedRow,
                    recipients: &HashMap<Uuid, RegistrationWithSalt>,
                    events: &mut HashMap<Uuid, Event>,
                ) -> StoreResult<PendingMessage> {
                    let found = recipients
                        .get(&row.registration_id)
                        .ok_or_else(|| StoreError::Corrupt("message without its registration".into()))?;
                    let registration = Registration::try_from(found.registration.clone())?;
                    let event = match events.get(&registration.event_id) {
                        Some(event) => event.clone(),
                        None => {
                            let event = self
                                .event_by_id(registration.event_id)
                                .await?
                                .ok_or_else(|| StoreError::Corrupt("registration without its event".into()))?;
                            events.insert(event.id, event.clone());
                            event
                        }
                    };
                    Ok(PendingMessage {
                        id: row.id,
                        lease: row.locked_until,
                        kind: MessageKind::from_code(&row.kind)
                            .ok_or_else(|| StoreError::Corrupt(format!("unknown message kind {:?}", row.kind)))?,
                        recipient: row.recipient,
                        language: Lang::from_code(&row.language).unwrap_or_default(),
                        waitlist_position: row.waitlist_position,
                        attempts: row.attempts,
                        registration,
                        token_salt: found
                            .token_salt
                            .clone()
                            .try_into()
                            .map_err(|_| StoreError::Corrupt("token salt of the wrong size".into()))?,
                        event,
                        announcement: match (row.subject, row.body) {
                            (Some(subject), Some(body)) => Some(Announcement { subject, body }),
                            _ => None,
                        },
                    })
                }
            }

            #[async_trait]
            impl Store for super::$store {
                async fn ping(&self) -> StoreResult<()> {
                    self.read.execute("SELECT 1").await?;
                    Ok(())
                }

                async fn upcoming_events(&self, filter: &EventFilter, now: DateTime<Utc>) -> StoreResult<Vec<Event>> {
                    let rows: Vec<EventRow> = sqlx::query_as(sql::UPCOMING_EVENTS)
                        .bind(whole_seconds(now))
                        .bind(filter.kind.map(|k| k.code()))
                        .bind(filter.level.map(Level::code))
                        .fetch_all(&self.read)
                        .await?;
                    rows.into_iter().map(Event::try_from).collect()
                }

                async fn event_by_id(&self, id: Uuid) -> StoreResult<Option<Event>> {
                    let row: Option<EventRow> = sqlx::query_as(sql::EVENT_BY_ID).bind(id).fetch_optional(&self.read).await?;
                    row.map(Event::try_from).transpose()
                }

                async fn event_by_slug(&self, slug: &str) -> StoreResult<Option<Event>> {
                    let row: Option<EventRow> = sqlx::query_as(sql::EVENT_BY_SLUG).bind(slug).fetch_optional(&self.read).await?;
                    row.map(Event::try_from).transpose()
                }

                async fn event_questions(&self, event: Uuid) -> StoreResult<Vec<Question>> {
                    let rows: Vec<QuestionRow> = sqlx::query_as(sql::EVENT_QUESTIONS).bind(event).fetch_all(&self.read).await?;
                    rows.into_iter().map(Question::try_from).collect()
                }

                async fn count_events(&self) -> StoreResult<i64> {
                    Ok(sqlx::query_scalar(sql::COUNT_EVENTS).fetch_one(&self.read).await?)
                }

                async fn create_event(&self, event: NewEvent, owner: Option<Uuid>, now: DateTime<Utc>) -> StoreResult<Event> {
                    let id = Uuid::now_v7();
                    let mut tx = self.begin_write().await?;
                    let result = sqlx::query(sql::INSERT_EVENT)
                        .bind(id)
                        .bind(&event.slug)
                        .bind(event.kind.code())
                        .bind(&event.title)
                        .bind(&event.description)
                        .bind(whole_seconds(event.starts_at))
                        .bind(whole_seconds(event.ends_at))
                        .bind(&event.location)
                        .bind(&event.address)
                        .bind(&event.host)
                        .bind(Level::join(&event.levels))
                        .bind(event.capacity)
                        .bind(&event.language)
                        .bind(event.status.code())
                        .bind(whole_seconds(event.registration_opens_at))
                        .bind(whole_seconds(event.registration_closes_at))
                        .bind(&event.what_to_bring)
                        .bind(now)
                        .execute(&mut *tx)
                        .await;
                    match result {
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(StoreError::Taken("slug")),
                        other => other?,
                    };
                    if let Some(owner) = owner {
                        sqlx::query(sql::INSERT_EVENT_OWNER).bind(id).bind(owner).execute(&mut *tx).await?;
                    }
                    if let Some(questions) = &event.questions {
                        changes::save_questions(&mut tx, id, questions).await?;
                    }
                    let row: EventRow = sqlx::query_as(sql::EVENT_BY_ID).bind(id).fetch_one(&mut *tx).await?;
                    tx.commit().await?;
                    row.try_into()
                }

                async fn event_registrations(&self, event: Uuid) -> StoreResult<Vec<AttendeeLine>> {
                    let rows: Vec<AttendeeRow> = sqlx::query_as(sql::EVENT_REGISTRATIONS).bind(event).fetch_all(&self.read).await?;
                    // Positions are ranks of the waiting-list tickets: computed here in
                    // one pass rather than by a subquery per row.
                    let mut tickets: Vec<i64> = rows.iter().filter_map(|r| r.waitlist_seq).collect();
                    tickets.sort_unstable();
                    let answers: Vec<(Uuid, Uuid, String)> =
                        sqlx::query_as(sql::EVENT_ANSWERS).bind(event).fetch_all(&self.read).await?;
                    let mut by_registration: HashMap<Uuid, HashMap<Uuid, String>> = HashMap::new();
                    for (registration, question, answer) in answers {
                        by_registration.entry(registration).or_default().insert(question, answer);
                    }
                    rows.into_iter()
                        .map(|row| {
                            let position = row.waitlist_seq.and_then(|seq| tickets.binary_search(&seq).ok()).map(|i| i as i64 + 1);
                            let mut line = row.into_line(position)?;
                            line.answers = by_registration.remove(&line.registration.id).unwrap_or_default();
                            Ok(line)
                        })
                        .collect()
                }

                async fn is_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<bool> {
                    let found: Option<i32> =
                        sqlx::query_scalar(sql::CAN_MANAGE_EVENT).bind(event).bind(organizer).fetch_optional(&self.read).await?;
                    Ok(found.is_some())
                }

                async fn create_organizer(
                    &self,
                    email: &Email,
                    name: &str,
                    password_hash: &str,
                    role: Role,
                    now: DateTime<Utc>,
                ) -> StoreResult<Organizer> {
                    let id = Uuid::now_v7();
                    let result = sqlx::query(sql::INSERT_ORGANIZER)
                        .bind(id)
                        .bind(email.as_str())
                        .bind(name)
                        .bind(password_hash)
                        .bind(role.code())
                        .bind(now)
                        .execute(&self.write)
                        .await;
                    match result {
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Taken("email")),
                        other => {
                            other?;
                            Ok(Organizer {
                                id,
                                email: email.as_str().to_owned(),
                                name: name.to_owned(),
                                role,
                                notify_on_cancel: false,
                                notify_when_full: false,
                            })
                        }
                    }
                }

                async fn organizer_by_email(&self, email: &Email) -> StoreResult<Option<(Organizer, String)>> {
                    let row: Option<OrganizerRow> =
                        sqlx::query_as(sql::ORGANIZER_BY_EMAIL).bind(email.as_str()).fetch_optional(&self.read).await?;
                    row.map(OrganizerRow::into_parts).transpose()
                }

                async fn create_api_token(
                    &self,
                    organizer: Uuid,
                    token: &TokenHash,
                    label: &str,
                    now: DateTime<Utc>,
                ) -> StoreResult<()> {
                    sqlx::query(sql::INSERT_API_TOKEN)
                        .bind(&token.0[..])
                        .bind(organizer)
                        .bind(label)
                        .bind(now)
                        .execute(&self.write)
                        .await?;
                    Ok(())
                }

                async fn organizer_by_api_token(&self, token: &TokenHash) -> StoreResult<Option<Organizer>> {
                    let row: Option<OrganizerRow> =
                        sqlx::query_as(sql::ORGANIZER_BY_API_TOKEN).bind(&token.0[..]).fetch_optional(&self.read).await?;
                    Ok(row.map(OrganizerRow::into_parts).transpose()?.map(|(organizer, _)| organizer))
                }

                async fn registration_by_token(&self, token: &CancelLookup) -> StoreResult<Option<(Registration, Event)>> {
                    let row: Option<RegistrationRow> = sqlx::query_as(sql::registration_by_cancel_link(token))
                        .bind(token.as_bytes())
                        .fetch_optional(&self.read)
                        .await?;
                    let Some(row) = row else { return Ok(None) };
                    let registration = Registration::try_from(row)?;
                    let event = self
                        .event_by_id(registration.event_id)
                        .await?
                        .ok_or_else(|| StoreError::Corrupt("registration without its event".into()))?;
                    Ok(Some((registration, event)))
                }

                async fn events_managed_by(&self, organizer: &Organizer) -> StoreResult<Vec<Event>> {
                    let rows: Vec<EventRow> = match organizer.role {
                        Role::Admin => sqlx::query_as(sql::ALL_EVENTS).fetch_all(&self.read).await?,
                        Role::Organizer => {
                            sqlx::query_as(sql::EVENTS_OF_ORGANIZER).bind(organizer.id).fetch_all(&self.read).await?
                        }
                    };
                    rows.into_iter().map(Event::try_from).collect()
                }

                async fn set_checked_in(&self, event: Uuid, registration: Uuid, at: Option<DateTime<Utc>>) -> StoreResult<bool> {
                    let result =
                        sqlx::query(sql::SET_CHECKED_IN).bind(event).bind(registration).bind(at).execute(&self.write).await?;
                    Ok(result.rows_affected() == 1)
                }

                async fn announce(&self, event: Uuid, announcement: &Announcement, now: DateTime<Utc>) -> StoreResult<usize> {
                    let mut tx = self.begin_write().await?;
                    let people: Vec<(Uuid, String, String)> =
                        sqlx::query_as(sql::CONFIRMED_REGISTRATIONS).bind(event).fetch_all(&mut *tx).await?;
                    for (registration, email, language) in &people {
                        sqlx::query(sql::INSERT_ANNOUNCEMENT)
                            .bind(Uuid::now_v7())
                            .bind(registration)
                            .bind(MessageKind::Announcement.code())
                            .bind(email)
                            .bind(language)
                            .bind(whole_seconds(now))
                            .bind(&announcement.subject)
                            .bind(&announcement.body)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(people.len())
                }

                async fn organizers(&self) -> StoreResult<Vec<Organizer>> {
                    let rows: Vec<OrganizerRow> = sqlx::query_as(sql::ALL_ORGANIZERS).fetch_all(&self.read).await?;
                    rows.into_iter().map(|row| row.into_parts().map(|(organizer, _)| organizer)).collect()
                }

                async fn event_organizers(&self, event: Uuid) -> StoreResult<Vec<Organizer>> {
                    let rows: Vec<OrganizerRow> =
                        sqlx::query_as(sql::ORGANIZERS_OF_EVENT).bind(event).fetch_all(&self.read).await?;
                    rows.into_iter().map(|row| row.into_parts().map(|(organizer, _)| organizer)).collect()
                }

                async fn add_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<()> {
                    sqlx::query(sql::ADD_EVENT_ORGANIZER).bind(event).bind(organizer).execute(&self.write).await?;
                    Ok(())
                }

                async fn set_notifications(&self, organizer: Uuid, on_cancel: bool, when_full: bool) -> StoreResult<()> {
                    sqlx::query(sql::SET_NOTIFICATIONS)
                        .bind(organizer)
                        .bind(on_cancel)
                        .bind(when_full)
                        .execute(&self.write)
                        .await?;
                    Ok(())
                }

                async fn audit(
                    &self,
                    organizer: Uuid,
                    event: Option<Uuid>,
                    action: &str,
                    detail: &str,
                    now: DateTime<Utc>,
                ) -> StoreResult<()> {
                    sqlx::query(sql::INSERT_AUDIT)
                        .bind(Uuid::now_v7())
                        .bind(organizer)
                        .bind(event)
                        .bind(action)
                        .bind(detail)
                        .bind(now)
                        .execute(&self.write)
                        .await?;
                    Ok(())
                }

                async fn recent_audit(&self) -> StoreResult<Vec<(DateTime<Utc>, String, String, String)>> {
                    Ok(sqlx::query_as(sql::RECENT_AUDIT).fetch_all(&self.read).await?)
                }

                async fn event_audit(&self, event: Uuid) -> StoreResult<Vec<(DateTime<Utc>, String, String, String)>> {
                    Ok(sqlx::query_as(sql::EVENT_AUDIT).bind(event).fetch_all(&self.read).await?)
                }

                async fn create_session(
                    &self,
                    token: &TokenHash,
                    organizer: Uuid,
                    expires_at: DateTime<Utc>,
                    now: DateTime<Utc>,
                ) -> StoreResult<()> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(sql::DELETE_EXPIRED_SESSIONS).bind(whole_seconds(now)).execute(&mut *tx).await?;
                    sqlx::query(sql::INSERT_SESSION)
                        .bind(&token.0[..])
                        .bind(organizer)
                        .bind(whole_seconds(expires_at))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn organizer_by_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>> {
                    let row: Option<OrganizerRow> = sqlx::query_as(sql::ORGANIZER_BY_SESSION)
                        .bind(&token.0[..])
                        .bind(whole_seconds(now))
                        .fetch_optional(&self.read)
                        .await?;
                    Ok(row.map(OrganizerRow::into_parts).transpose()?.map(|(organizer, _)| organizer))
                }

                async fn delete_session(&self, token: &TokenHash) -> StoreResult<()> {
                    sqlx::query(sql::DELETE_SESSION).bind(&token.0[..]).execute(&self.write).await?;
                    Ok(())
                }

                async fn record_login_failure(&self, email: &str, client: &str, now: DateTime<Utc>) -> StoreResult<()> {
                    sqlx::query(sql::INSERT_LOGIN_FAILURE)
                        .bind(email)
                        .bind(client)
                        .bind(whole_seconds(now))
                        .execute(&self.write)
                        .await?;
                    Ok(())
                }

                async fn login_failures(&self, email: &str, client: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64)> {
                    Ok(sqlx::query_as(sql::COUNT_LOGIN_FAILURES)
                        .bind(email)
                        .bind(client)
                        .bind(whole_seconds(since))
                        .fetch_one(&self.read)
                        .await?)
                }

                async fn forget_login_failures(&self, email: &str, before: DateTime<Utc>) -> StoreResult<()> {
                    sqlx::query(sql::FORGET_LOGIN_FAILURES).bind(email).bind(whole_seconds(before)).execute(&self.write).await?;
                    Ok(())
                }

                async fn claim_messages(
                    &self,
                    now: DateTime<Utc>,
                    lease_until: DateTime<Utc>,
                    limit: i64,
                ) -> StoreResult<Vec<PendingMessage>> {
                    let claimed = self.claim_rows(now, lease_until, limit).await?;
                    if claimed.is_empty() {
                        return Ok(Vec::new());
                    }
                    let recipients = self.recipients(&claimed).await?;
                    let mut events: HashMap<Uuid, Event> = HashMap::new();
                    let mut messages = Vec::with_capacity(claimed.len());
                    for row in claimed {
                        let (id, lease) = (row.id, row.locked_until);
                        match self.load_message(row, &recipients, &mut events).await {
                            Ok(message) => messages.push(message),
                            Err(error) => {
                                // One unreadable row must not hold up the others.
                                tracing::error!(message = %id, %error, "cannot load message; marked failed");
                                sqlx::query(sql::MESSAGE_FAILED)
                                    .bind(id)
                                    .bind(error.to_string())
                                    .bind(lease)
                                    .execute(&self.write)
                                    .await?;
                            }
                        }
                    }
                    Ok(messages)
                }

                $($specific)*
            }
        }
    };
}

pub(crate) use store_with_shared_methods;
