//! What happens to an account after it is made: disabled and enabled
//! again, given another role or password, reset through a one-time link,
//! taken off an event. Written once for both backends over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::statement::{Dialect, Sql, Statement};
use super::{StoreResult, events, rows, tokens};
use crate::domain::{AccountUpdate, AccountUpdated, Role, whole_seconds};
use crate::token::TokenHash;

const ROLE_OF: &str = "SELECT role, disabled_at FROM organizers WHERE id = $1";
/// The active admins. On PostgreSQL their rows are locked, so that two
/// admins demoting each other at once cannot both succeed: the second one
/// waits, then no longer sees the first as an admin.
const ACTIVE_ADMINS: &str = "SELECT id FROM organizers WHERE role = 'admin' AND disabled_at IS NULL";
const ACTIVE_ADMINS_LOCKED: &str =
    "SELECT id FROM organizers WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE";
const DISABLE: &str = "UPDATE organizers SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL";
const ENABLE: &str = "UPDATE organizers SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL";
const SET_ROLE: &str = "UPDATE organizers SET role = $2 WHERE id = $1 AND role <> $2";
const SET_PASSWORD: &str = "UPDATE organizers SET password_hash = $2 WHERE id = $1";
const END_SESSIONS: &str = "DELETE FROM sessions WHERE organizer_id = $1";
const END_OTHER_SESSIONS: &str = "DELETE FROM sessions WHERE organizer_id = $1 AND token_hash <> $2";
/// Voids the account's unused reset links: a newer link, a new password,
/// or the account disabled or enabled again leaves only what it made.
const VOID_RESETS: &str = "UPDATE password_resets SET used_at = $2 WHERE organizer_id = $1 AND used_at IS NULL";
const INSERT_RESET: &str =
    "INSERT INTO password_resets (token_hash, organizer_id, expires_at, created_at) VALUES ($1, $2, $3, $4)";
/// Takes the link: only one use, before it expires, of an active account.
const USE_RESET: &str = "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
     AND expires_at > $3 AND organizer_id IN (SELECT id FROM organizers WHERE disabled_at IS NULL) \
     RETURNING organizer_id";
const RESET_IS_VALID: &str = "SELECT COUNT(*) AS valid FROM password_resets r JOIN organizers o ON o.id = r.organizer_id \
     WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND o.disabled_at IS NULL";
const FORGET_OLD_RESETS: &str = "DELETE FROM password_resets WHERE expires_at <= $1";
const REMOVE_FROM_EVENT: &str = "DELETE FROM event_organizers WHERE event_id = $1 AND organizer_id = $2 \
     AND (SELECT COUNT(*) FROM event_organizers WHERE event_id = $1) > 1";

/// Applies an admin's (or the organizer's own) change to an account.
pub async fn update(
    conn: &mut impl Sql,
    organizer: Uuid,
    update: &AccountUpdate,
    now: DateTime<Utc>,
) -> StoreResult<AccountUpdated> {
    let Some((role, disabled)) = conn
        .fetch_optional(Statement::new(ROLE_OF).bind(organizer), |row| {
            let role: String = row.get("role")?;
            let disabled: Option<DateTime<Utc>> = row.get("disabled_at")?;
            Ok((role, disabled.is_some()))
        })
        .await?
    else {
        return Ok(AccountUpdated::NotFound);
    };
    let leaves_admins = match update {
        AccountUpdate::Disabled(true) => role == Role::Admin.code() && !disabled,
        AccountUpdate::Role(Role::Organizer) => role == Role::Admin.code() && !disabled,
        _ => false,
    };
    if leaves_admins && other_active_admins(conn, organizer).await? == 0 {
        return Ok(AccountUpdated::LastAdmin);
    }
    let changed = match update {
        AccountUpdate::Disabled(disabled) => {
            let change = match disabled {
                true => Statement::new(DISABLE).bind(organizer).bind(now),
                false => Statement::new(ENABLE).bind(organizer),
            };
            let changed = conn.execute(change).await? > 0;
            // Both ways: whatever was made while the account was being
            // disabled does not come back with it. But enabling an account
            // that is enabled changes nothing: its sessions and tokens stay
            // (the schema fuzzer's `{"disabled": false}` on its own account
            // revoked the token it was using).
            if *disabled || changed {
                conn.execute(Statement::new(END_SESSIONS).bind(organizer)).await?;
                tokens::revoke_all(conn, organizer, now).await?;
                conn.execute(Statement::new(VOID_RESETS).bind(organizer).bind(now)).await?;
            }
            changed
        }
        AccountUpdate::Role(role) => {
            conn.execute(Statement::new(SET_ROLE).bind(organizer).bind(role.code())).await? > 0
        }
        AccountUpdate::Password { hash, keep } => {
            conn.execute(Statement::new(SET_PASSWORD).bind(organizer).bind(hash.as_str())).await?;
            let end = match keep {
                Some(keep) => Statement::new(END_OTHER_SESSIONS).bind(organizer).bind(keep.0.as_slice()),
                None => Statement::new(END_SESSIONS).bind(organizer),
            };
            conn.execute(end).await?;
            conn.execute(Statement::new(VOID_RESETS).bind(organizer).bind(now)).await?;
            true
        }
    };
    Ok(if changed { AccountUpdated::Updated } else { AccountUpdated::Unchanged })
}

async fn other_active_admins(conn: &mut impl Sql, organizer: Uuid) -> StoreResult<usize> {
    let query = match conn.dialect() {
        Dialect::Postgres => ACTIVE_ADMINS_LOCKED,
        Dialect::Sqlite => ACTIVE_ADMINS,
    };
    let admins = conn.fetch_all(Statement::new(query), rows::id).await?;
    Ok(admins.into_iter().filter(|id| *id != organizer).count())
}

/// Keeps a new reset link (its hash), and forgets expired ones.
pub async fn create_reset(
    conn: &mut impl Sql,
    token: &TokenHash,
    organizer: Uuid,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.execute(Statement::new(FORGET_OLD_RESETS).bind(whole_seconds(now))).await?;
    conn.execute(Statement::new(VOID_RESETS).bind(organizer).bind(now)).await?;
    let insert = Statement::new(INSERT_RESET).bind(token.0.as_slice()).bind(organizer).bind(whole_seconds(expires_at));
    conn.execute(insert.bind(now)).await?;
    Ok(())
}

/// Uses a reset link to set a new password, ending every session; `None`
/// when the link is unknown, used, expired or its account disabled.
pub async fn use_reset(
    conn: &mut impl Sql,
    token: &TokenHash,
    hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Uuid>> {
    let take = Statement::new(USE_RESET).bind(token.0.as_slice()).bind(now).bind(whole_seconds(now));
    let Some(organizer) = conn.fetch_optional(take, |row| row.get("organizer_id")).await? else {
        return Ok(None);
    };
    let update = AccountUpdate::Password { hash: hash.to_owned(), keep: None };
    self::update(conn, organizer, &update, now).await?;
    Ok(Some(organizer))
}

/// Whether a reset link can still be used.
pub async fn reset_is_valid(conn: &mut impl Sql, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<bool> {
    let query = Statement::new(RESET_IS_VALID).bind(token.0.as_slice()).bind(whole_seconds(now));
    Ok(conn.fetch_one(query, |row| row.get::<i64>("valid")).await? > 0)
}

/// Takes an organizer off an event, unless they are its last one. The
/// event's row is locked first (PostgreSQL), so that two organizers
/// removing each other at once cannot leave it with none.
pub async fn remove_from_event(conn: &mut impl Sql, event: Uuid, organizer: Uuid) -> StoreResult<bool> {
    if events::for_change(conn, event).await?.is_none() {
        return Ok(false);
    }
    Ok(conn.execute(Statement::new(REMOVE_FROM_EVENT).bind(event).bind(organizer)).await? > 0)
}
