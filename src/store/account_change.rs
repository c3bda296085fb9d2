//! The writes about organizer accounts, their tokens and sessions: one
//! `Change::Account` each, applied like every other change.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::tokens::{self, NewToken};
use super::{Done, StoreResult, account_lifecycle, accounts};
use crate::domain::{AccountUpdate, Email, Role};
use crate::token::TokenHash;

#[derive(Debug, Clone)]
pub enum AccountChange {
    CreateOrganizer {
        id: Uuid,
        email: Email,
        name: String,
        password_hash: String,
        role: Role,
    },
    /// Disable, enable, another role, another password.
    Update {
        organizer: Uuid,
        update: AccountUpdate,
    },
    CreateApiToken(NewToken),
    RevokeApiToken(Uuid),
    /// Writes down that the token was used now.
    TouchApiToken(Uuid),
    SetNotifications {
        organizer: Uuid,
        on_cancel: bool,
        when_full: bool,
    },
    CreateSession {
        token: TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
    },
    DeleteSession(TokenHash),
    RecordLoginFailure {
        email: String,
        client: String,
    },
    ForgetLoginFailures {
        email: String,
        client: String,
        before: DateTime<Utc>,
    },
    CreatePasswordReset {
        token: TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
    },
    /// Sets the password through a reset link (the new argon2id hash).
    UsePasswordReset {
        token: TokenHash,
        password_hash: String,
    },
    RemoveEventOrganizer {
        event: Uuid,
        organizer: Uuid,
    },
}

pub async fn apply(
    conn: &mut impl super::statement::Sql,
    change: &AccountChange,
    now: DateTime<Utc>,
) -> StoreResult<Done> {
    use AccountChange as A;
    Ok(match change {
        A::CreateOrganizer { id, email, name, password_hash, role } => {
            Done::Organizer(accounts::create_organizer(conn, *id, email, name, password_hash, *role, now).await?)
        }
        A::Update { organizer, update } => {
            Done::Account(account_lifecycle::update(conn, *organizer, update, now).await?)
        }
        A::CreateApiToken(token) => {
            tokens::create(conn, token, now).await?;
            Done::Flag(true)
        }
        A::RevokeApiToken(id) => Done::Flag(tokens::revoke(conn, *id, now).await?),
        A::TouchApiToken(id) => {
            tokens::touch(conn, *id, now).await?;
            Done::Flag(true)
        }
        A::SetNotifications { organizer, on_cancel, when_full } => {
            accounts::set_notifications(conn, *organizer, *on_cancel, *when_full).await?;
            Done::Flag(true)
        }
        A::CreateSession { token, organizer, expires_at } => {
            accounts::create_session(conn, token, *organizer, *expires_at, now).await?;
            Done::Flag(true)
        }
        A::DeleteSession(token) => {
            accounts::delete_session(conn, token).await?;
            Done::Flag(true)
        }
        A::RecordLoginFailure { email, client } => {
            accounts::record_login_failure(conn, email, client, now).await?;
            Done::Flag(true)
        }
        A::ForgetLoginFailures { email, client, before } => {
            accounts::forget_login_failures(conn, email, client, *before).await?;
            Done::Flag(true)
        }
        A::CreatePasswordReset { token, organizer, expires_at } => {
            account_lifecycle::create_reset(conn, token, *organizer, *expires_at, now).await?;
            Done::Flag(true)
        }
        A::UsePasswordReset { token, password_hash } => {
            Done::Reset(account_lifecycle::use_reset(conn, token, password_hash, now).await?)
        }
        A::RemoveEventOrganizer { event, organizer } => {
            Done::Flag(account_lifecycle::remove_from_event(conn, *event, *organizer).await?)
        }
    })
}
