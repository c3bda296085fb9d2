//! Organizers: the people who run events.

use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including managing organizers.
    Admin,
    /// The events they own or were added to.
    Organizer,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Organizer => "organizer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "admin" => Some(Role::Admin),
            "organizer" => Some(Role::Organizer),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organizer {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Emailed when someone cancels a registration to their events.
    pub notify_on_cancel: bool,
    /// Emailed when one of their events fills up.
    pub notify_when_full: bool,
    /// Set while the account is disabled.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// An API token as its owner sees it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenInfo {
    pub id: Uuid,
    pub organizer: Uuid,
    pub label: String,
    /// The first characters of the secret, to tell tokens apart; empty for
    /// tokens made before prefixes were kept.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    /// To the minute: a token's use is written down once a minute at most.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whether a token still opens the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn code(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }
}

impl ApiTokenInfo {
    pub fn status(&self, now: DateTime<Utc>) -> TokenStatus {
        if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if self.expires_at.is_some_and(|at| at <= now) {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }
}

/// What an admin can change about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountUpdate {
    /// Disabling also ends the account's sessions and revokes its tokens.
    Disabled(bool),
    Role(Role),
    /// A new argon2id hash; ends every session but `keep` (the one the
    /// organizer changed it from, if they did).
    Password {
        hash: String,
        keep: Option<crate::token::TokenHash>,
    },
}

/// How an account change went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountUpdated {
    Updated,
    /// Nothing to do: the account was already so.
    Unchanged,
    NotFound,
    /// Refused: it would leave no active admin.
    LastAdmin,
}
