//! Webhooks: the endpoints organizers register, the deliveries queued in
//! the transaction of the change they report (`emit`), claimed by the
//! webhook worker under a lease like the outbox's messages, and what
//! became of each attempt. Written once for both backends over `Sql`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::statement::{Columns, Dialect, Sql, Statement, Value};
use super::{StoreError, StoreResult};
use crate::domain::{
    Attempt, Delivery, DeliveryStatus, Hook, PendingDelivery, Webhook, WebhookDelivery, WebhookEvent,
    next_whole_second, whole_seconds,
};

const INSERT: &str = "INSERT INTO webhooks (id, organizer_id, event_id, url, events, secret_salt, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// Its deliveries go with it (ON DELETE CASCADE).
const DELETE: &str = "DELETE FROM webhooks WHERE id = $1 AND organizer_id = $2";
const OF_ORGANIZER: &str = "SELECT id, organizer_id, event_id, url, events, secret_salt, created_at FROM webhooks \
     WHERE organizer_id = $1 ORDER BY created_at DESC, id DESC";
const BY_ID: &str = "SELECT id, organizer_id, event_id, url, events, secret_salt, created_at FROM webhooks \
     WHERE id = $1";
/// The endpoints that hear about event `$1`: those of its organizers, for
/// this event or all theirs, and those admins made for this event, while
/// their accounts are active. An organizer taken off the event (or an
/// admin no longer one) hears no more of it.
const SUBSCRIBED: &str = "SELECT w.id, w.events FROM webhooks w JOIN organizers o ON o.id = w.organizer_id \
     WHERE o.disabled_at IS NULL AND (w.event_id = $1 OR w.event_id IS NULL) \
     AND (w.organizer_id IN (SELECT organizer_id FROM event_organizers WHERE event_id = $1) \
          OR (w.event_id = $1 AND o.role = 'admin'))";
const INSERT_DELIVERY: &str = "INSERT INTO webhook_deliveries (id, webhook_id, subject, kind, payload, \
     next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)";
const DELIVERIES: &str = "SELECT id, kind, status, attempts, last_status, last_error, next_attempt_at, \
     delivered_at, created_at FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2";

/// Leases up to `$3` deliveries due at `$1` until `$2`, oldest first. A
/// delivery waits while an older one to the same endpoint about the same
/// subject is pending: a receiver hears "created" before "cancelled".
macro_rules! claim_deliveries {
    ($lock:literal) => {
        concat!(
            "UPDATE webhook_deliveries SET locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE d.status = 'pending' \
                  AND d.next_attempt_at <= $1 AND (d.locked_until IS NULL OR d.locked_until <= $1) \
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries older WHERE older.webhook_id = d.webhook_id \
                                  AND older.subject = d.subject AND older.status = 'pending' AND older.id < d.id) \
                  ORDER BY d.next_attempt_at LIMIT $3 ",
            $lock,
            ") RETURNING id, webhook_id, kind, payload, attempts, locked_until"
        )
    };
}
const CLAIM_SQLITE: &str = claim_deliveries!("");
const CLAIM_POSTGRES: &str = claim_deliveries!("FOR UPDATE SKIP LOCKED");
/// Followed by ids and `)`.
const ENDPOINTS: &str = "SELECT id, url, secret_salt FROM webhooks WHERE id IN (";

/// Records about a claimed delivery name the lease they hold, as the
/// outbox's do: a worker whose lease ran out changes nothing.
const DELIVERED: &str = "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $2, last_status = $3, \
     last_error = NULL, locked_until = NULL WHERE id = $1 AND locked_until = $4";
const RETRY: &str = "UPDATE webhook_deliveries SET next_attempt_at = $2, last_status = $3, last_error = $4, \
     locked_until = NULL WHERE id = $1 AND locked_until = $5";
const FAILED: &str = "UPDATE webhook_deliveries SET status = 'failed', last_status = $2, last_error = $3, \
     locked_until = NULL WHERE id = $1 AND locked_until = $4";
const FORGET_DONE: &str = "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1";
const RELEASE: &str = "UPDATE webhook_deliveries SET locked_until = NULL, attempts = attempts - 1 \
     WHERE id = $1 AND status = 'pending' AND locked_until = $2";

pub async fn create(conn: &mut impl Sql, webhook: &Webhook) -> StoreResult<()> {
    let insert = Statement::new(INSERT)
        .bind(webhook.id)
        .bind(webhook.organizer_id)
        .bind(webhook.event_id)
        .bind(webhook.url.as_str())
        .bind(WebhookEvent::join(&webhook.events))
        .bind(&webhook.secret_salt[..])
        .bind(webhook.created_at);
    conn.execute(insert).await?;
    Ok(())
}

/// Deletes an organizer's webhook and what it still owed; whether there
/// was one.
pub async fn delete(conn: &mut impl Sql, id: Uuid, organizer: Uuid) -> StoreResult<bool> {
    Ok(conn.execute(Statement::new(DELETE).bind(id).bind(organizer)).await? > 0)
}

pub async fn of_organizer(conn: &mut impl Sql, organizer: Uuid) -> StoreResult<Vec<Webhook>> {
    conn.fetch_all(Statement::new(OF_ORGANIZER).bind(organizer), webhook).await
}

pub async fn by_id(conn: &mut impl Sql, id: Uuid) -> StoreResult<Option<Webhook>> {
    conn.fetch_optional(Statement::new(BY_ID).bind(id), webhook).await
}

/// The latest `limit` deliveries of a webhook, newest first.
pub async fn deliveries(conn: &mut impl Sql, webhook: Uuid, limit: i64) -> StoreResult<Vec<WebhookDelivery>> {
    conn.fetch_all(Statement::new(DELIVERIES).bind(webhook).bind(limit), delivery).await
}

fn webhook(row: &dyn Columns) -> StoreResult<Webhook> {
    let salt: Vec<u8> = row.get("secret_salt")?;
    Ok(Webhook {
        id: row.get("id")?,
        organizer_id: row.get("organizer_id")?,
        event_id: row.get("event_id")?,
        url: row.get("url")?,
        events: WebhookEvent::split(&row.get::<String>("events")?),
        secret_salt: salt.try_into().map_err(|_| StoreError::Corrupt("webhook salt of the wrong size".into()))?,
        created_at: row.get("created_at")?,
    })
}

fn delivery(row: &dyn Columns) -> StoreResult<WebhookDelivery> {
    let status: String = row.get("status")?;
    Ok(WebhookDelivery {
        id: row.get("id")?,
        kind: row.get("kind")?,
        status: DeliveryStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown delivery status {status:?}")))?,
        attempts: row.get("attempts")?,
        last_status: row.get("last_status")?,
        last_error: row.get("last_error")?,
        next_attempt_at: row.get("next_attempt_at")?,
        delivered_at: row.get("delivered_at")?,
        created_at: row.get("created_at")?,
    })
}

/// The endpoints subscribed to `event`'s news (`subscriber` reads them).
pub fn subscribed(event: Uuid) -> Statement {
    Statement::new(SUBSCRIBED).bind(event)
}

/// A subscribed endpoint: its id and the types it wants.
pub fn subscriber(row: &dyn Columns) -> StoreResult<(Uuid, Vec<WebhookEvent>)> {
    Ok((row.get("id")?, WebhookEvent::split(&row.get::<String>("events")?)))
}

/// The deliveries of `hook` to the endpoints that want it.
pub fn deliveries_of(hook: &Hook, subscribers: &[(Uuid, Vec<WebhookEvent>)]) -> Vec<Statement> {
    subscribers
        .iter()
        .filter(|(_, kinds)| kinds.contains(&hook.kind))
        .map(|(webhook, _)| {
            let id = Uuid::now_v7();
            Statement::new(INSERT_DELIVERY)
                .bind(id)
                .bind(*webhook)
                .bind(hook.subject())
                .bind(hook.kind.code())
                .bind(hook.payload(id))
                .bind(whole_seconds(hook.at))
        })
        .collect()
}

/// Queues what `hooks` report for the endpoints that want it, in the
/// transaction of the change. The endpoints of each event are read once.
///
/// PostgreSQL sign-ups call this only for events whose locking read said
/// `hooked` (`registrations::register_many`): run for every event of a
/// group, this query took sign-ups at c=64 from 5,170–5,519/s down to
/// 4,136–4,452/s (fresh databases, alternating runs) with no webhook at all.
pub async fn emit(conn: &mut impl Sql, hooks: &[Hook]) -> StoreResult<()> {
    let mut subscribers: HashMap<Uuid, Vec<(Uuid, Vec<WebhookEvent>)>> = HashMap::new();
    for hook in hooks {
        let endpoints = match subscribers.entry(hook.event) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(conn.fetch_all(subscribed(hook.event), subscriber).await?),
        };
        for insert in deliveries_of(hook, endpoints) {
            conn.execute(insert).await?;
        }
    }
    Ok(())
}

/// A claimed delivery, before its endpoint is read.
struct Claimed {
    id: Uuid,
    webhook: Uuid,
    kind: String,
    payload: String,
    attempts: i64,
    lease: DateTime<Utc>,
}

fn claimed(row: &dyn Columns) -> StoreResult<Claimed> {
    Ok(Claimed {
        id: row.get("id")?,
        webhook: row.get("webhook_id")?,
        kind: row.get("kind")?,
        payload: row.get("payload")?,
        attempts: row.get("attempts")?,
        lease: row.get("locked_until")?,
    })
}

fn endpoint(row: &dyn Columns) -> StoreResult<(Uuid, (String, Vec<u8>))> {
    Ok((row.get("id")?, (row.get("url")?, row.get("secret_salt")?)))
}

/// Leases the deliveries due at `now` until `lease_until`, with where they go.
pub async fn claim(
    conn: &mut impl Sql,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<PendingDelivery>> {
    // As the outbox's claim: SQLite compares times as text, in whole seconds.
    let statement = match conn.dialect() {
        Dialect::Sqlite => Statement::new(CLAIM_SQLITE).bind(whole_seconds(now)).bind(next_whole_second(lease_until)),
        Dialect::Postgres => {
            // As the outbox's claim, and for the same measured reason: a
            // rush queues deliveries faster than autovacuum analyzes them.
            conn.execute(Statement::new("SET LOCAL enable_bitmapscan = off")).await?;
            Statement::new(CLAIM_POSTGRES).bind(now).bind(lease_until)
        }
    };
    let rows = conn.fetch_all(statement.bind(limit), claimed).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<Uuid> = rows.iter().map(|row| row.webhook).collect();
    ids.sort_unstable();
    ids.dedup();
    let read = Statement::new(ENDPOINTS).push_list(ids.into_iter().map(Value::from).collect(), ")");
    let endpoints: HashMap<_, _> = conn.fetch_all(read, endpoint).await?.into_iter().collect();
    rows.into_iter()
        .map(|row| {
            // Deliveries go with their webhook: in one transaction, every
            // claimed one has its endpoint.
            let (url, salt) = endpoints
                .get(&row.webhook)
                .ok_or_else(|| StoreError::Corrupt("delivery without its webhook".into()))?;
            Ok(PendingDelivery {
                id: row.id,
                kind: row.kind,
                url: url.clone(),
                webhook: row.webhook,
                secret_salt: salt
                    .clone()
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("webhook salt of the wrong size".into()))?,
                payload: row.payload,
                attempts: row.attempts,
                lease: row.lease,
            })
        })
        .collect()
}

/// Deletes the deliveries delivered or given up that were queued before
/// `before`; how many.
pub async fn forget_done(conn: &mut impl Sql, before: DateTime<Utc>) -> StoreResult<u64> {
    conn.execute(Statement::new(FORGET_DONE).bind(whole_seconds(before))).await
}

/// Records what became of claimed deliveries.
pub async fn record(
    conn: &mut impl Sql,
    attempts: &[Attempt],
    lease: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for attempt in attempts {
        let status = attempt.status.map(i64::from);
        let statement = match &attempt.outcome {
            Delivery::Sent => Statement::new(DELIVERED).bind(attempt.delivery).bind(now).bind(status).bind(lease),
            Delivery::Retry { at, error } => Statement::new(RETRY)
                .bind(attempt.delivery)
                .bind(next_whole_second(*at))
                .bind(status)
                .bind(error.as_str())
                .bind(lease),
            Delivery::Failed { error } => {
                Statement::new(FAILED).bind(attempt.delivery).bind(status).bind(error.as_str()).bind(lease)
            }
            Delivery::NotAttempted => Statement::new(RELEASE).bind(attempt.delivery).bind(lease),
        };
        conn.execute(statement).await?;
    }
    Ok(())
}
