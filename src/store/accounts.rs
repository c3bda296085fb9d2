//! Organizer accounts, their API tokens, sign-in sessions and failed
//! sign-ins. Written once for both backends over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::rows::{self, organizer_columns};
use super::statement::{Sql, Statement};
use super::{StoreResult, is_unique_violation};
use crate::domain::{Email, Organizer, Role, whole_seconds};
use crate::token::TokenHash;

const INSERT_ORGANIZER: &str =
    "INSERT INTO organizers (id, email, name, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
const BY_EMAIL: &str = concat!("SELECT ", organizer_columns!(), " FROM organizers o WHERE o.email = $1");
const BY_ID: &str = concat!("SELECT ", organizer_columns!(), " FROM organizers o WHERE o.id = $1");
const ALL: &str = concat!("SELECT ", organizer_columns!(), " FROM organizers o ORDER BY o.email");
const SET_NOTIFICATIONS: &str = "UPDATE organizers SET notify_on_cancel = $2, notify_when_full = $3 WHERE id = $1";
const INSERT_SESSION: &str =
    "INSERT INTO sessions (token_hash, organizer_id, expires_at, created_at) VALUES ($1, $2, $3, $4)";
const BY_SESSION: &str = concat!(
    "SELECT ",
    organizer_columns!(),
    " FROM sessions s JOIN organizers o ON o.id = s.organizer_id \
     WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.disabled_at IS NULL"
);
const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
const INSERT_LOGIN_FAILURE: &str = "INSERT INTO login_failures (email, client, failed_at) VALUES ($1, $2, $3)";
/// Failures since `$3` for this email from this client, and for this client.
const COUNT_LOGIN_FAILURES: &str = "SELECT \
     (SELECT COUNT(*) FROM login_failures WHERE email = $1 AND client = $2 AND failed_at > $3) AS by_email, \
     (SELECT COUNT(*) FROM login_failures WHERE client = $2 AND failed_at > $3) AS by_client";
/// A sign-in forgets its own client's failures for the address, not
/// other clients': a stranger's count does not start again each time the
/// organizer signs in.
const FORGET_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE (email = $1 AND client = $3) OR failed_at <= $2";

/// A new account; `None` when the address has one already.
pub async fn create_organizer(
    conn: &mut impl Sql,
    id: Uuid,
    email: &Email,
    name: &str,
    password_hash: &str,
    role: Role,
    now: DateTime<Utc>,
) -> StoreResult<Option<Organizer>> {
    let insert =
        Statement::new(INSERT_ORGANIZER).bind(id).bind(email.as_str()).bind(name).bind(password_hash).bind(role.code());
    match conn.execute(insert.bind(now)).await {
        Err(error) if is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error),
        Ok(_) => Ok(Some(Organizer {
            id,
            email: email.as_str().to_owned(),
            name: name.to_owned(),
            role,
            notify_on_cancel: false,
            notify_when_full: false,
            disabled_at: None,
        })),
    }
}

/// An organizer and their password hash.
pub async fn by_email(conn: &mut impl Sql, email: &Email) -> StoreResult<Option<(Organizer, String)>> {
    conn.fetch_optional(Statement::new(BY_EMAIL).bind(email.as_str()), rows::organizer_with_hash).await
}

/// An organizer and their password hash.
pub async fn by_id(conn: &mut impl Sql, id: Uuid) -> StoreResult<Option<(Organizer, String)>> {
    conn.fetch_optional(Statement::new(BY_ID).bind(id), rows::organizer_with_hash).await
}

pub async fn all(conn: &mut impl Sql) -> StoreResult<Vec<Organizer>> {
    conn.fetch_all(Statement::new(ALL), rows::organizer).await
}

pub async fn set_notifications(
    conn: &mut impl Sql,
    organizer: Uuid,
    on_cancel: bool,
    when_full: bool,
) -> StoreResult<()> {
    conn.execute(Statement::new(SET_NOTIFICATIONS).bind(organizer).bind(on_cancel).bind(when_full)).await?;
    Ok(())
}

/// Opens a sign-in session, and forgets expired ones.
pub async fn create_session(
    conn: &mut impl Sql,
    token: &TokenHash,
    organizer: Uuid,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.execute(Statement::new(DELETE_EXPIRED_SESSIONS).bind(whole_seconds(now))).await?;
    let insert =
        Statement::new(INSERT_SESSION).bind(token.0.as_slice()).bind(organizer).bind(whole_seconds(expires_at));
    conn.execute(insert.bind(now)).await?;
    Ok(())
}

/// The organizer behind a session that has not expired at `now`.
pub async fn by_session(conn: &mut impl Sql, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>> {
    let query = Statement::new(BY_SESSION).bind(token.0.as_slice()).bind(whole_seconds(now));
    conn.fetch_optional(query, rows::organizer).await
}

pub async fn delete_session(conn: &mut impl Sql, token: &TokenHash) -> StoreResult<()> {
    conn.execute(Statement::new(DELETE_SESSION).bind(token.0.as_slice())).await?;
    Ok(())
}

pub async fn record_login_failure(
    conn: &mut impl Sql,
    email: &str,
    client: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.execute(Statement::new(INSERT_LOGIN_FAILURE).bind(email).bind(client).bind(whole_seconds(now))).await?;
    Ok(())
}

/// Failed sign-ins since `since`: (for this email from this client, from
/// this client).
pub async fn login_failures(
    conn: &mut impl Sql,
    email: &str,
    client: &str,
    since: DateTime<Utc>,
) -> StoreResult<(i64, i64)> {
    let query = Statement::new(COUNT_LOGIN_FAILURES).bind(email).bind(client).bind(whole_seconds(since));
    conn.fetch_one(query, |row| Ok((row.get("by_email")?, row.get("by_client")?))).await
}

/// After a successful sign-in: forgets this client's failures for this
/// email, and everyone's older than `before`.
pub async fn forget_login_failures(
    conn: &mut impl Sql,
    email: &str,
    client: &str,
    before: DateTime<Utc>,
) -> StoreResult<()> {
    let forget = Statement::new(FORGET_LOGIN_FAILURES).bind(email).bind(whole_seconds(before)).bind(client);
    conn.execute(forget).await?;
    Ok(())
}
