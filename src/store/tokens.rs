//! API tokens: made, found by their hash, listed, revoked, and their use
//! written down. Written once for both backends over `Sql`.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::StoreResult;
use super::rows::{self, organizer_columns};
use super::statement::{Columns, Sql, Statement};
use crate::domain::{ApiTokenInfo, Organizer, whole_seconds};
use crate::token::TokenHash;

/// How stale `last_used_at` may get before a request writes it again: one
/// write a minute per token at most, not one per request.
pub const USE_PRECISION: Duration = Duration::minutes(1);

const INSERT: &str = "INSERT INTO api_tokens (token_hash, organizer_id, label, created_at, id, prefix, expires_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// The organizer behind a token that opens the API at `$2`, and the token.
const BY_HASH: &str = concat!(
    "SELECT ",
    organizer_columns!(),
    ", t.id AS token_id, t.last_used_at FROM api_tokens t JOIN organizers o ON o.id = t.organizer_id \
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) \
     AND o.disabled_at IS NULL"
);
macro_rules! select_tokens {
    ($where:literal) => {
        concat!(
            "SELECT id, organizer_id, label, prefix, created_at, last_used_at, expires_at, revoked_at \
             FROM api_tokens ",
            $where
        )
    };
}
const OF_ORGANIZER: &str = select_tokens!("WHERE organizer_id = $1 ORDER BY created_at DESC, id");
const BY_ID: &str = select_tokens!("WHERE id = $1");
const REVOKE: &str = "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
const REVOKE_ALL: &str = "UPDATE api_tokens SET revoked_at = $2 WHERE organizer_id = $1 AND revoked_at IS NULL";
const TOUCH: &str = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";

/// A token about to be stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: Uuid,
    pub organizer: Uuid,
    pub hash: TokenHash,
    pub label: String,
    pub prefix: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The organizer a token opens the API for, with the token's id and when
/// it was last used.
pub type TokenUse = (Organizer, Uuid, Option<DateTime<Utc>>);

pub async fn create(conn: &mut impl Sql, token: &NewToken, now: DateTime<Utc>) -> StoreResult<()> {
    let insert = Statement::new(INSERT)
        .bind(token.hash.0.as_slice())
        .bind(token.organizer)
        .bind(token.label.as_str())
        .bind(now)
        .bind(token.id)
        .bind(token.prefix.as_str())
        .bind(token.expires_at.map(whole_seconds));
    conn.execute(insert).await?;
    Ok(())
}

pub async fn by_hash(conn: &mut impl Sql, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<TokenUse>> {
    let query = Statement::new(BY_HASH).bind(token.0.as_slice()).bind(whole_seconds(now));
    conn.fetch_optional(query, token_use).await
}

fn token_use(row: &dyn Columns) -> StoreResult<TokenUse> {
    Ok((rows::organizer(row)?, row.get("token_id")?, row.get("last_used_at")?))
}

pub async fn of_organizer(conn: &mut impl Sql, organizer: Uuid) -> StoreResult<Vec<ApiTokenInfo>> {
    conn.fetch_all(Statement::new(OF_ORGANIZER).bind(organizer), info).await
}

pub async fn by_id(conn: &mut impl Sql, id: Uuid) -> StoreResult<Option<ApiTokenInfo>> {
    conn.fetch_optional(Statement::new(BY_ID).bind(id), info).await
}

fn info(row: &dyn Columns) -> StoreResult<ApiTokenInfo> {
    Ok(ApiTokenInfo {
        id: row.get("id")?,
        organizer: row.get("organizer_id")?,
        label: row.get("label")?,
        prefix: row.get("prefix")?,
        created_at: row.get("created_at")?,
        last_used_at: row.get("last_used_at")?,
        expires_at: row.get("expires_at")?,
        revoked_at: row.get("revoked_at")?,
    })
}

/// Whether the token was active until now.
pub async fn revoke(conn: &mut impl Sql, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(conn.execute(Statement::new(REVOKE).bind(id).bind(now)).await? > 0)
}

/// Revokes every token of the organizer (the account is disabled).
pub async fn revoke_all(conn: &mut impl Sql, organizer: Uuid, now: DateTime<Utc>) -> StoreResult<u64> {
    conn.execute(Statement::new(REVOKE_ALL).bind(organizer).bind(now)).await
}

pub async fn touch(conn: &mut impl Sql, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(Statement::new(TOUCH).bind(id).bind(whole_seconds(now))).await?;
    Ok(())
}
